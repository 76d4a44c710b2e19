#include "store/postgres/postgres_result.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>

namespace mlops {

void PostgresResult::Clear::operator()(pg_result* result) const { PQclear(result); }

PostgresResult::PostgresResult(pg_result* result) : result_(result) {}

int PostgresResult::Rows() const { return PQntuples(result_.get()); }

std::int64_t PostgresResult::AffectedRows() const {
  const char* text = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

bool PostgresResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PostgresResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     PQgetlength(result_.get(), row, column));
}

std::int64_t PostgresResult::Int(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  std::int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row, column), value);
  return value;
}

std::optional<std::string> PostgresResult::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::optional<std::int64_t> PostgresResult::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

}  // namespace mlops
