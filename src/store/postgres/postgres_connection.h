#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/postgres/postgres_result.h"

struct pg_conn;

namespace mlops {

// One libpq connection with its prepared-statement cache. Parameters travel in text format and
// their types are inferred by the server from the statement. Used by one thread at a time (the
// pool hands it out); not thread-safe.
class PostgresConnection {
 public:
  // Connects with `conninfo` (a postgresql:// URL or key=value string). UNAVAILABLE if the server
  // cannot be reached or refuses the connection; the message names neither URL nor password.
  static StatusOr<std::unique_ptr<PostgresConnection>> Open(const std::string& conninfo);

  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;
  ~PostgresConnection();

  // Runs `sql`, which may hold several statements, without parameters, discarding any rows.
  Status ExecScript(const char* sql);

  // Runs the single statement `sql` (prepared once per connection, see Query) with `args`.
  template <typename... Args>
  StatusOr<PostgresResult> Query(const char* sql, const Args&... args) {
    std::vector<std::optional<std::string>> params;
    params.reserve(sizeof...(Args));
    (params.push_back(ToParam(args)), ...);
    return QueryParams(sql, params);
  }

  template <typename... Args>
  Status Execute(const char* sql, const Args&... args) {
    return Query(sql, args...).status();
  }

  // False once the connection to the server is lost; such a connection is never usable again.
  bool Healthy() const;
  // True between BEGIN and COMMIT/ROLLBACK, also when the transaction failed.
  bool InTransaction() const;
  // True in a transaction in which a statement failed: it can only roll back.
  bool TransactionFailed() const;

 private:
  explicit PostgresConnection(pg_conn* connection) : connection_(connection) {}

  // `sql` is prepared on first use and cached by its address: pass a literal or a static string's
  // c_str(). A nullopt parameter is NULL.
  StatusOr<PostgresResult> QueryParams(const char* sql,
                                       const std::vector<std::optional<std::string>>& params);

  static std::optional<std::string> ToParam(std::string_view value) { return std::string(value); }
  static std::optional<std::string> ToParam(const char* value) { return std::string(value); }
  static std::optional<std::string> ToParam(const std::string& value) { return value; }
  template <typename T>
  requires std::is_integral_v<T>
  static std::optional<std::string> ToParam(T value) { return std::to_string(value); }
  template <typename T>
  static std::optional<std::string> ToParam(const std::optional<T>& value) {
    if (!value) return std::nullopt;
    return ToParam(*value);
  }

  pg_conn* connection_;
  std::unordered_map<const char*, std::string> statement_names_;
};

}  // namespace mlops
