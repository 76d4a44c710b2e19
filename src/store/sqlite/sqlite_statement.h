#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/status.h"

struct sqlite3_stmt;

namespace mlops {

// One use of a prepared statement owned by a SqliteConnection's cache: binds parameters in order,
// steps, reads columns, and resets the statement (clearing its bindings) when destroyed, so the
// next use starts clean. Move-only; must not outlive its connection. Not thread-safe.
class SqliteStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Binds the next parameters, left to right. Text is copied. A nullopt binds NULL. A failure is
  // reported by the next Step() or Run().
  template <typename... Args>
  SqliteStatement& Bind(const Args&... args) {
    (BindNext(args), ...);
    return *this;
  }

  // True while a row is available, false once done; the error otherwise.
  StatusOr<bool> Step();
  // Steps to completion; for statements that return no rows.
  Status Run();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::optional<std::string> OptionalText(int column) const;

 private:
  void BindNext(std::string_view value);
  void BindNext(std::int64_t value);
  void BindNext(std::nullopt_t);
  template <typename T>
  requires std::is_integral_v<T>
  void BindNext(T value) { BindNext(static_cast<std::int64_t>(value)); }
  template <typename T>
  void BindNext(const std::optional<T>& value) {
    if (value) {
      BindNext(*value);
    } else {
      BindNext(std::nullopt);
    }
  }
  void Check(int rc);

  sqlite3_stmt* stmt_;
  int next_parameter_ = 1;
  int bind_rc_ = 0;
};

}  // namespace mlops
