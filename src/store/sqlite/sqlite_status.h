#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace mlops {

// The Status for SQLite result code `rc` (extended codes expected), with the connection's message:
// a UNIQUE or PRIMARY KEY violation is CONFLICT, a FOREIGN KEY violation NOT_FOUND (a referenced
// row is missing), a database that cannot be opened, read, written or locked in time UNAVAILABLE,
// anything else INTERNAL. `db` may be null (then only the code's generic text is used).
Status SqliteStatus(int rc, sqlite3* db);

// For a CONFLICT from SqliteStatus: the columns SQLite names in the violated constraint, e.g.
// "aimodelversions.model_id, aimodelversions.version_string"; empty for any other status.
std::string_view ConflictColumns(const Status& status);

}  // namespace mlops
