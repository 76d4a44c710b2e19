#pragma once

#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"

namespace mlops::validation::security {

bool HasNpyMagic(std::string_view prefix);

// Reads an .npy header (format versions 1-3) from `reader`, leaving it at the array data.
// Returns whether the dtype holds Python objects, in which case the data is a pickle. Returns
// Malformed when the magic, version, header length or dtype cannot be parsed.
StatusOr<bool> ReadNpyHeaderIsObjectArray(StreamReader& reader);

}  // namespace mlops::validation::security
