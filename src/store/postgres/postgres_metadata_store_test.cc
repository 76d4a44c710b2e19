#include "store/postgres/postgres_metadata_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "common/uuid.h"
#include "store/metadata_store_conformance.h"
#include "store/metadata_store_factory.h"
#include "store/postgres/postgres_connection.h"

namespace mlops {
namespace {

// The tests run against the cluster MLOPS_TEST_POSTGRES_URL names (a superuser's URL whose path is
// the admin database; scripts/test-postgres.sh starts one): each test location gets a database of
// its own, created on first use and dropped after the test.
std::string AdminUrl() {
  const char* url = getenv("MLOPS_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

std::string DatabaseName(const std::string& location) {
  return "mlops_" + std::filesystem::path(location).filename().string();
}

// The admin URL with its database replaced by `name`.
std::string DatabaseUrl(const std::string& name) {
  const std::string admin = AdminUrl();
  return admin.substr(0, admin.rfind('/') + 1) + name;
}

Status AdminExec(const std::string& sql, const std::string& database = "") {
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> connection,
                   PostgresConnection::Open(database.empty() ? AdminUrl() : DatabaseUrl(database)));
  return connection->ExecScript(sql.c_str());
}

std::mutex databases_mu;
std::set<std::string> databases;  // guarded by databases_mu

StatusOr<std::unique_ptr<MetadataStore>> OpenPostgres(const std::string& location) {
  const std::string name = DatabaseName(location);
  {
    std::lock_guard lock(databases_mu);
    if (databases.insert(name).second) {
      // A database left by an earlier, killed run may hold the name.
      RETURN_IF_ERROR(AdminExec("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)"));
      RETURN_IF_ERROR(AdminExec("CREATE DATABASE \"" + name + "\""));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresMetadataStore> store,
                   PostgresMetadataStore::Open(DatabaseUrl(name)));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

void RemovePostgres(const std::string& location) {
  const std::string name = DatabaseName(location);
  std::lock_guard lock(databases_mu);
  if (databases.erase(name) == 0) return;
  const Status status = AdminExec("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  EXPECT_TRUE(status.ok()) << status.ToString();
}

MetadataStoreBackend PostgresBackend() {
  return {.name = "Postgres",
          .open = OpenPostgres,
          .latest_schema_version = postgres::Migrations().back().version,
          .unavailable = AdminUrl().empty()
                             ? "MLOPS_TEST_POSTGRES_URL is not set (scripts/run-tests.sh sets it)"
                             : "",
          .remove = RemovePostgres};
}

INSTANTIATE_TEST_SUITE_P(Postgres, MetadataStoreConformanceTest,
                         ::testing::Values(PostgresBackend()), BackendName);

TEST(PostgresMigrationsTest, AreNumberedFromOneWithoutGaps) {
  const std::vector<Migration>& migrations = postgres::Migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1) << migrations[i].name;
    EXPECT_FALSE(migrations[i].sql.empty()) << migrations[i].name;
  }
}

// Checks with raw SQL what the port cannot express: the PostgreSQL database itself.
class PostgresMetadataStoreTest : public MetadataStoreConformanceTest {
 protected:
  std::string database() const { return DatabaseName(location_); }

  // The text of the first column of the first row of `sql`, run on the test's database.
  std::string QueryText(const std::string& sql) {
    StatusOr<std::unique_ptr<PostgresConnection>> connection =
        PostgresConnection::Open(DatabaseUrl(database()));
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    if (!connection.ok()) return "";
    StatusOr<PostgresResult> result = (*connection)->Query(sql.c_str());
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok() || result->Rows() == 0) return "";
    return result->Text(0, 0);
  }

  std::string InsertModelAndVersion(const std::string& parameters = R"({"layers": 3})") {
    Model model = conformance::NewModel("m");
    ModelVersion version = conformance::NewVersion(model.id, "1");
    version.parameters = parameters;
    EXPECT_OK(conformance::Insert(*store_, model));
    EXPECT_OK(conformance::Insert(*store_, version));
    return version.id;
  }
};

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresMetadataStoreTest, ::testing::Values(PostgresBackend()),
                         BackendName);

TEST_P(PostgresMetadataStoreTest, MigrationsRunOnceWhenStoresMigrateConcurrently) {
  const std::string location = NewLocation();
  constexpr int kStores = 4;
  std::vector<std::unique_ptr<MetadataStore>> stores;
  for (int i = 0; i < kStores; ++i) stores.push_back(Open(location));
  std::vector<Status> results(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& status : results) EXPECT_OK(status);

  StatusOr<std::unique_ptr<PostgresConnection>> raw =
      PostgresConnection::Open(DatabaseUrl(DatabaseName(location)));
  ASSERT_OK(raw);
  StatusOr<PostgresResult> applied =
      (*raw)->Query("SELECT version, COUNT(*) FROM schema_migrations GROUP BY version");
  ASSERT_OK(applied);
  ASSERT_EQ(applied->Rows(), static_cast<int>(postgres::Migrations().size()));
  for (int row = 0; row < applied->Rows(); ++row) EXPECT_EQ(applied->Int(row, 1), 1);
}

TEST_P(PostgresMetadataStoreTest, IdsAreUuidsAndJsonIsJsonb) {
  EXPECT_EQ(QueryText("SELECT data_type FROM information_schema.columns WHERE "
                      "table_name = 'aimodelversions' AND column_name = 'id'"),
            "uuid");
  EXPECT_EQ(QueryText("SELECT data_type FROM information_schema.columns WHERE "
                      "table_name = 'aimodelversions' AND column_name = 'parameters'"),
            "jsonb");

  // JSONB keeps the value, not the text: keys may come back reordered and spaced.
  const std::string parameters = R"({"zeta":[1,2.50,"x"],"a":{"b":null},"unicode":"\u00e9"})";
  const std::string version_id = InsertModelAndVersion(parameters);
  StatusOr<ModelVersion> got =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(version_id); });
  ASSERT_OK(got);
  ASSERT_TRUE(got->parameters.has_value());
  EXPECT_EQ(nlohmann::json::parse(*got->parameters), nlohmann::json::parse(parameters));

  // UUIDs are compared as values and come back in canonical lowercase.
  std::string upper = version_id;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  StatusOr<ModelVersion> by_upper =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.GetVersion(upper); });
  ASSERT_OK(by_upper);
  EXPECT_EQ(by_upper->id, version_id);
}

TEST_P(PostgresMetadataStoreTest, IdThatIsNotAUuidOrJsonThatIsNotJsonIsInvalidArgument) {
  EXPECT_EQ(conformance::GetModel(*store_, "not-a-uuid").status().code(),
            StatusCode::kInvalidArgument);
  Model model = conformance::NewModel("m");
  ModelVersion version = conformance::NewVersion(model.id, "1");
  version.metrics = "{not json";
  ASSERT_OK(conformance::Insert(*store_, model));
  EXPECT_EQ(conformance::Insert(*store_, version).code(), StatusCode::kInvalidArgument);
}

TEST_P(PostgresMetadataStoreTest, MillisecondTimesRoundTripExactly) {
  Model model = conformance::NewModel("times", 1'717'171'717'123);
  model.updated_at = -1;
  ASSERT_OK(conformance::Insert(*store_, model));
  StatusOr<Model> got = conformance::GetModel(*store_, model.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->created_at, 1'717'171'717'123);
  EXPECT_EQ(got->updated_at, -1);
}

TEST_P(PostgresMetadataStoreTest, CountsOnlyActiveDeployments) {
  const std::string version_id = InsertModelAndVersion();
  for (DeploymentStatus status : AllValues<DeploymentStatus>()) {
    ASSERT_OK(
        AdminExec("INSERT INTO aimodeldeployments (id, model_version_id, environment, "
                  "status, deployed_at, updated_at) VALUES ('" +
                      NewUuid() + "', '" + version_id + "', 'staging', '" +
                      std::string(ToString(status)) + "', 1, 1)",
                  database()));
  }
  StatusOr<std::int64_t> count =
      ReadValue(*store_, [&](MetadataTx& tx) { return tx.CountActiveDeployments(version_id); });
  ASSERT_OK(count);
  // All but DELETED, FAILED and ROLLED_BACK.
  EXPECT_EQ(*count, static_cast<std::int64_t>(AllValues<DeploymentStatus>().size()) - 3);
}

TEST_P(PostgresMetadataStoreTest, UnknownStoredEnumValueIsInternal) {
  const std::string version_id = InsertModelAndVersion();
  ASSERT_OK(
      AdminExec("ALTER TABLE aimodelversions DROP CONSTRAINT aimodelversions_status_check; "
                "UPDATE aimodelversions SET status = 'RETIRED'",
                database()));
  const Status status =
      store_->Read([&](MetadataTx& tx) { return tx.GetVersion(version_id).status(); });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("RETIRED"), std::string::npos) << status.message();
}

TEST_P(PostgresMetadataStoreTest, WriteThatGoesOnAfterAFailedStatementCommitsNothing) {
  const Model first = conformance::NewModel("first");
  ASSERT_OK(conformance::Insert(*store_, first));
  const Model second = conformance::NewModel("second");
  const Status status = store_->Write([&](MetadataTx& tx) {
    (void)tx.InsertModel(first);  // CONFLICT, ignored
    (void)tx.InsertModel(second);
    return OkStatus();
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal) << status.ToString();
  EXPECT_EQ(conformance::GetModel(*store_, second.id).status().code(), StatusCode::kNotFound);
  EXPECT_OK(conformance::Insert(*store_, second));
}

TEST_P(PostgresMetadataStoreTest, WriteWaitingBeyondLockTimeoutIsUnavailable) {
  StatusOr<std::unique_ptr<PostgresMetadataStore>> impatient = PostgresMetadataStore::Open(
      DatabaseUrl(database()), {.lock_timeout = std::chrono::milliseconds(50)});
  ASSERT_OK(impatient);
  // Another process's writer, holding the writer lock.
  StatusOr<std::unique_ptr<PostgresConnection>> other =
      PostgresConnection::Open(DatabaseUrl(database()));
  ASSERT_OK(other);
  ASSERT_OK((*other)->ExecScript("BEGIN; SELECT pg_advisory_xact_lock(7286457914027393101)"));

  const Status status = (*impatient)->Write([](MetadataTx& tx) { return OkStatus(); });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  ASSERT_OK((*other)->ExecScript("ROLLBACK"));
  EXPECT_OK((*impatient)->Write([](MetadataTx& tx) { return OkStatus(); }));
}

// The database refuses connections and the store's are terminated, as when the server restarts:
// every call is UNAVAILABLE meanwhile, and the store recovers by itself once it accepts again.
TEST_P(PostgresMetadataStoreTest, DatabaseGoingAwayIsUnavailableAndTheStoreRecovers) {
  const Model model = conformance::NewModel("survivor");
  ASSERT_OK(conformance::Insert(*store_, model));
  ASSERT_OK(conformance::GetModel(*store_, model.id));  // leaves a pooled reader connection

  const std::string quoted = "\"" + database() + "\"";
  ASSERT_OK(AdminExec("ALTER DATABASE " + quoted +
                      " ALLOW_CONNECTIONS false; "
                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                      database() + "' AND pid <> pg_backend_pid()"));
  // pg_terminate_backend only signals: wait until the backends are gone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    StatusOr<std::unique_ptr<PostgresConnection>> admin = PostgresConnection::Open(AdminUrl());
    ASSERT_OK(admin);
    StatusOr<PostgresResult> left =
        (*admin)->Query("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1", database());
    ASSERT_OK(left);
    if (left->Int(0, 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  EXPECT_EQ(store_->Ping().code(), StatusCode::kUnavailable);
  EXPECT_EQ(conformance::GetModel(*store_, model.id).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(conformance::Insert(*store_, conformance::NewModel("lost")).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(store_->Ping().code(), StatusCode::kUnavailable);

  ASSERT_OK(AdminExec("ALTER DATABASE " + quoted + " ALLOW_CONNECTIONS true"));
  EXPECT_OK(store_->Ping());
  StatusOr<Model> got = conformance::GetModel(*store_, model.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->name, "survivor");
  EXPECT_OK(conformance::Insert(*store_, conformance::NewModel("after")));
}

TEST_P(PostgresMetadataStoreTest, WrongPasswordIsUnavailableWithoutThePassword) {
  std::string url = DatabaseUrl(database());
  const std::size_t at = url.find('@');
  url = "postgresql://mlops:wrong-secret-42" + url.substr(at);
  const Status status = PostgresMetadataStore::Open(url).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_EQ(status.message().find("wrong-secret-42"), std::string::npos) << status.message();
  EXPECT_EQ(PostgresMetadataStore::Open("postgresql://u:s3cr%zzet@h/db").status().ToString(),
            "INVALID_ARGUMENT: the PostgreSQL database URL is malformed");
}

TEST_P(PostgresMetadataStoreTest, FactoryOpensBothSchemes) {
  const std::string url = DatabaseUrl(database());
  for (const std::string& scheme : {"postgresql", "postgres"}) {
    StatusOr<std::unique_ptr<MetadataStore>> store =
        OpenMetadataStore(scheme + url.substr(url.find(':')));
    ASSERT_OK(store);
    StatusOr<int> version = (*store)->SchemaVersion();
    ASSERT_OK(version);
    EXPECT_EQ(*version, postgres::Migrations().back().version);
  }
}

}  // namespace
}  // namespace mlops
