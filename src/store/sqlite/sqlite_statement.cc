#include "store/sqlite/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite/sqlite_status.h"

namespace mlops {

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      next_parameter_(other.next_parameter_),
      bind_rc_(other.bind_rc_) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

StatusOr<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, sqlite3_db_handle(stmt_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, sqlite3_db_handle(stmt_));
}

Status SqliteStatement::Run() {
  ASSIGN_OR_RETURN(const bool row, Step());
  if (row) return Internal("database error: statement returned a row where none was expected");
  return OkStatus();
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::optional<std::int64_t> SqliteStatement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<std::string> SqliteStatement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

void SqliteStatement::BindNext(std::string_view value) {
  // A null data pointer would bind NULL rather than an empty text.
  const char* data = value.data() != nullptr ? value.data() : "";
  Check(sqlite3_bind_text64(stmt_, next_parameter_++, data, value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8));
}

void SqliteStatement::BindNext(std::int64_t value) {
  Check(sqlite3_bind_int64(stmt_, next_parameter_++, value));
}

void SqliteStatement::BindNext(std::nullopt_t) {
  Check(sqlite3_bind_null(stmt_, next_parameter_++));
}

void SqliteStatement::Check(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

}  // namespace mlops
