#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"

namespace mlops::validation::security {

bool HasNpyMagic(std::string_view prefix);

// What an .npy header says about the data after it.
struct NpyHeader {
  // The dtype holds Python objects (or contains a field that does): the data is a pickle.
  bool object = false;
  // Otherwise the exact number of data bytes: item size times the product of the shape.
  std::uint64_t data_bytes = 0;
};

// Reads an .npy header (format versions 1.0-3.0) from `reader`, leaving it at the array data.
// The header is parsed by numpy's own grammar as np.save writes it, strictly: a dict literal
// with exactly the keys 'descr', 'fortran_order' and 'shape', each once; plain quoted strings
// (no escapes, no adjacent literals), no comments, no other expressions. A dtype is plain when it
// is on a list of known numeric, string and void codes (or a structured list of them); 'O' is an
// object dtype; anything else is refused. Returns Malformed, naming the problem, otherwise.
StatusOr<NpyHeader> ReadNpyHeader(StreamReader& reader);

}  // namespace mlops::validation::security
