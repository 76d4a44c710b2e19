#include "store/postgres/postgres_connection.h"

#include <libpq-fe.h>

#include "store/postgres/postgres_status.h"

namespace mlops {
namespace {

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

StatusOr<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(
    const std::string& conninfo) {
  // libpq's parse errors may quote the URL, password included: check it first, and say less.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  PQfreemem(parse_error);
  if (options == nullptr) return InvalidArgument("the PostgreSQL database URL is malformed");
  PQconninfoFree(options);

  // The URL is expanded in place of dbname; the settings after it take precedence, so the
  // encoding of every text parameter and value is UTF-8 whatever the server's default.
  const char* const keywords[] = {"dbname", "client_encoding", "fallback_application_name",
                                  nullptr};
  const char* const values[] = {conninfo.c_str(), "UTF8", "mlops", nullptr};
  // The connection owns the PGconn from here on, even when connecting failed.
  std::unique_ptr<PostgresConnection> connection(
      new PostgresConnection(PQconnectdbParams(keywords, values, /*expand_dbname=*/1)));
  if (connection->connection_ == nullptr) return Unavailable("cannot connect to PostgreSQL");
  // "database unavailable: connection to server at ... failed: ...", host and port, no password.
  if (PQstatus(connection->connection_) != CONNECTION_OK) {
    return PostgresStatus(nullptr, connection->connection_);
  }
  return connection;
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

Status PostgresConnection::ExecScript(const char* sql) {
  PostgresResult result(PQexec(connection_, sql));
  // PQexec keeps only the last statement's result; an earlier failure stops the script there.
  const PGresult* raw = result.Raw();
  if (raw == nullptr || !Succeeded(raw)) return PostgresStatus(raw, connection_);
  return OkStatus();
}

StatusOr<PostgresResult> PostgresConnection::QueryParams(
    const char* sql, const std::vector<std::optional<std::string>>& params) {
  auto it = statement_names_.find(sql);
  if (it == statement_names_.end()) {
    std::string name = "mlops_" + std::to_string(statement_names_.size());
    PostgresResult prepared(PQprepare(connection_, name.c_str(), sql, 0, nullptr));
    if (prepared.Raw() == nullptr || !Succeeded(prepared.Raw())) {
      return PostgresStatus(prepared.Raw(), connection_);
    }
    it = statement_names_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::optional<std::string>& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  PostgresResult result(PQexecPrepared(connection_, it->second.c_str(),
                                       static_cast<int>(values.size()), values.data(), nullptr,
                                       nullptr, /*resultFormat=text*/ 0));
  if (result.Raw() == nullptr || !Succeeded(result.Raw())) {
    return PostgresStatus(result.Raw(), connection_);
  }
  return result;
}

bool PostgresConnection::Healthy() const { return PQstatus(connection_) == CONNECTION_OK; }

bool PostgresConnection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool PostgresConnection::TransactionFailed() const {
  return PQtransactionStatus(connection_) == PQTRANS_INERROR;
}

}  // namespace mlops
