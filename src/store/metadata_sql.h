#pragma once

#include <string>
#include <string_view>

namespace mlops {

// The SQL of SqlMetadataTx, written once for every engine in PostgreSQL's numbered-parameter form
// ($1, $2, ...). What an engine writes differently is in its SqlDialect; how it names the unique
// constraints a statement may violate is in its UniqueKeys.

// What differs in the statements themselves, engine by engine.
struct SqlDialect {
  // `name` starts with the literal prefix in $1: `name` at least $1 and below $2, the least string
  // above every string with that prefix, which is NULL when no string bounds it from above.
  std::string name_prefix_at_1;
  // The same condition on $2 and $3.
  std::string name_prefix_at_2;
  // Ends the subquery that picks the oldest queued job to claim (a locking clause, or empty).
  std::string claim_lock;
  // Rewrites the numbered parameters $1, $2, ... of a statement into the engine's own form.
  std::string (*parameters)(std::string sql);
};

// How an engine identifies each unique constraint in a violation (see the engine's
// ViolatedUniqueKey).
struct UniqueKeys {
  std::string_view model_id;
  std::string_view model_name;
  std::string_view version_id;
  std::string_view version_string;  // (model_id, version_string)
  std::string_view one_production;  // one PRODUCTION version per model
  std::string_view feedback_id;
  std::string_view validation_result_id;
  std::string_view validation_job_id;
  std::string_view api_key_id;
  std::string_view api_key_hash;
};

// A paged list: `select` takes the filter's parameters, then LIMIT and OFFSET; `count` takes the
// filter's parameters only.
struct ListQuery {
  std::string select;
  std::string count;
};

// Every statement of SqlMetadataTx and of the migrations, in one engine's dialect. The
// connections cache prepared statements by the address of their text: keep one MetadataSql per
// engine for the life of the process (see the engine's Sql()).
struct MetadataSql {
  std::string insert_model;
  std::string get_model;
  std::string update_model;
  // Indexed by (task_type filter ? 1 : 0) + (name_prefix filter ? 2 : 0).
  ListQuery list_models[4];

  std::string insert_version;
  std::string get_version;
  std::string find_version;
  std::string versions_in_status;
  ListQuery list_versions;
  ListQuery list_versions_in_status;
  std::string set_version_status;
  std::string set_version_io_signature;
  std::string set_version_validation_decision;
  std::string count_active_deployments;

  std::string insert_feedback;
  ListQuery list_feedback;
  std::string feedback_ratings;

  std::string insert_validation_result;
  std::string get_validation_result;
  ListQuery list_validation_results;
  std::string trigger_results;
  std::string insert_validation_job;
  std::string get_validation_job;
  std::string open_validation_jobs;
  std::string claim_validation_job;
  std::string set_result_status;
  std::string renew_validation_lease;
  std::string release_validation_job;
  std::string requeue_expired_results;
  std::string requeue_expired_jobs;
  std::string finish_validation_job;
  std::string write_finished_result;

  std::string insert_api_key;
  std::string find_api_key;
  ListQuery list_api_keys;
  std::string delete_api_key;
  std::string count_api_keys;

  std::string migration_applied;
  std::string record_migration;
};

// The statements in `dialect`, their parameters rewritten by `dialect.parameters`.
MetadataSql MakeMetadataSql(const SqlDialect& dialect);

}  // namespace mlops
