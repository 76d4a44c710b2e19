#include "store/metadata_store_factory.h"

#include <string_view>

#include "store/sqlite/sqlite_metadata_store.h"
#ifdef MLOPS_WITH_POSTGRES
#include "store/postgres/postgres_metadata_store.h"
#endif

namespace mlops {
namespace {

StatusOr<std::unique_ptr<MetadataStore>> OpenSqlite(std::string_view location) {
  if (location.starts_with("//")) location.remove_prefix(2);
  if (location.empty()) return InvalidArgument("the sqlite: database URL names no file");
  if (location == ":memory:") {
    return InvalidArgument(
        "in-memory SQLite (sqlite::memory:) is not supported: the store's connections must share "
        "a file");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteMetadataStore> store,
                   SqliteMetadataStore::Open(std::string(location)));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

// libpq takes the whole URL as its connection string.
StatusOr<std::unique_ptr<MetadataStore>> OpenPostgres(const std::string& url) {
#ifdef MLOPS_WITH_POSTGRES
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresMetadataStore> store, PostgresMetadataStore::Open(url));
  return std::unique_ptr<MetadataStore>(std::move(store));
#else
  return InvalidArgument("PostgreSQL support was not built in (MLOPS_WITH_POSTGRES=OFF)");
#endif
}

}  // namespace

StatusOr<std::unique_ptr<MetadataStore>> OpenMetadataStore(const std::string& database_url) {
  const std::size_t colon = database_url.find(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("the database URL has no scheme (expected sqlite: or postgresql://)");
  }
  const std::string_view scheme = std::string_view(database_url).substr(0, colon);
  const std::string_view rest = std::string_view(database_url).substr(colon + 1);
  if (scheme == "sqlite") return OpenSqlite(rest);
  if (scheme == "postgresql" || scheme == "postgres") return OpenPostgres(database_url);
  return InvalidArgument("unsupported database URL scheme '" + std::string(scheme) +
                         "' (expected sqlite: or postgresql://)");
}

}  // namespace mlops
