#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/metadata_store.h"

namespace mlops {

// Opens the metadata store that `database_url` names (not yet migrated):
//   sqlite:<path> or sqlite://<path>  SqliteMetadataStore on that file (created if missing; its
//                                     directory must exist)
//   postgresql://... or postgres://...
//                                     PostgresMetadataStore (libpq's URL syntax); INVALID_ARGUMENT
//                                     if built with MLOPS_WITH_POSTGRES=OFF
// INVALID_ARGUMENT for an unsupported or malformed URL (the message never repeats credentials);
// otherwise the backend's error (UNAVAILABLE if the database cannot be opened).
StatusOr<std::unique_ptr<MetadataStore>> OpenMetadataStore(const std::string& database_url);

}  // namespace mlops
