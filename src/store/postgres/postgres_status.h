#pragma once

#include <string_view>

#include "common/status.h"

struct pg_conn;
struct pg_result;

namespace mlops {

// The StatusCode for SQLSTATE `sqlstate`: 23505 unique_violation CONFLICT; 23503
// foreign_key_violation NOT_FOUND (a referenced row is missing); 22P02 invalid_text_representation
// INVALID_ARGUMENT (e.g. an id that is not a UUID, a JSON column given text that is not JSON);
// connection exceptions (08), operator intervention (57: shutdown, cancelled), insufficient
// resources (53), serialization failures and deadlocks (40001, 40P01), lock_not_available (55P03)
// UNAVAILABLE; anything else INTERNAL.
StatusCode StatusCodeForSqlState(std::string_view sqlstate);

// The Status of a failed command on `connection`; `result` is its result (null when libpq had
// none, e.g. when the connection was lost). A connection that is broken afterwards is UNAVAILABLE
// whatever the SQLSTATE. A CONFLICT's message starts with the violated constraint's name (see
// ViolatedConstraint). Never contains the connection's password.
Status PostgresStatus(const pg_result* result, const pg_conn* connection);

// For a CONFLICT from PostgresStatus: the name of the violated unique constraint or index, e.g.
// "aimodels_name_key"; empty for any other status.
std::string_view ViolatedConstraint(const Status& status);

}  // namespace mlops
