#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct pg_result;

namespace mlops {

class PostgresRow;

// The rows of one successful command, in text format. Owns its PGresult. Move-only; not
// thread-safe.
class PostgresResult {
 public:
  explicit PostgresResult(pg_result* result);

  // The libpq result, for error reporting; may be null.
  const pg_result* Raw() const { return result_.get(); }

  int Rows() const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t AffectedRows() const;

  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  // 0 for a value that is not an integer (the schema makes that impossible for the columns read).
  std::int64_t Int(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::optional<std::int64_t> OptionalInt(int row, int column) const;

  PostgresRow Row(int row) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// One row of a PostgresResult, the view that metadata_rows.h reads entities from. Must not outlive
// its result.
class PostgresRow {
 public:
  PostgresRow(const PostgresResult& result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const { return result_.IsNull(row_, column); }
  std::string Text(int column) const { return result_.Text(row_, column); }
  std::int64_t Int(int column) const { return result_.Int(row_, column); }
  std::optional<std::string> OptionalText(int column) const {
    return result_.OptionalText(row_, column);
  }
  std::optional<std::int64_t> OptionalInt(int column) const {
    return result_.OptionalInt(row_, column);
  }

 private:
  const PostgresResult& result_;
  int row_;
};

inline PostgresRow PostgresResult::Row(int row) const { return PostgresRow(*this, row); }

}  // namespace mlops
