#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "validation/security/byte_source.h"
#include "validation/security/finding.h"
#include "validation/security/global_allow_list.h"

namespace mlops::validation::security {

// How much interpreter state the scanner tracks. Beyond these a stream is a kLimitExceeded
// finding: legitimate pickles (state dicts, arrays) stay far below them.
struct PickleScanLimits {
  std::size_t max_stack = 100'000;   // values and marks on the stack
  std::size_t max_memo = 1'000'000;  // memo entries, and items tracked in lists and tuples
  std::size_t max_line = 64 * 1024;  // protocol 0 text arguments (GLOBAL, INT, PUT, ...)
};

struct PickleScanStats {
  std::uint64_t pickles = 0;  // complete pickles (STOP reached)
  std::uint64_t imports = 0;  // GLOBAL, INST and STACK_GLOBAL opcodes
};

// What the scanner knows of the value a pickle returns: enough to read the legacy torch.save
// layout (a magic number, a protocol version, a list of storage keys).
constexpr std::size_t kMaxReportedGlobals = 10'000;

struct PickledValue {
  enum class Kind { kOther, kInt, kBigInt, kString, kStringList };
  Kind kind = Kind::kOther;
  std::uint64_t number = 0;          // kInt
  std::string bytes;                 // kBigInt: little-endian two's complement; kString
  std::vector<std::string> strings;  // kStringList
};

// A tensor storage named by a persistent id of the shape torch.save and TorchScript write:
// ('storage', torch.<Type>Storage, key, location, numel[, None]).
struct StorageReference {
  std::string key;
  std::string type;  // "FloatStorage", ...
  std::uint64_t numel = 0;
};

struct PickleScanResult {
  std::vector<PickledValue> values;  // one per complete pickle, in order
  std::vector<StorageReference> storages;
  // Every global imported, in stream order, as Python 3 imports it (protocol 0-2 Python 2 names
  // renamed): (module, name). The first kMaxReportedGlobals only.
  std::vector<std::pair<std::string, std::string>> globals;
  // The stream stopped at a parse error (recorded as a finding).
  bool malformed = false;
  // Before that, it named something a loader could act on: an importable global, a persistent
  // id or an extension code. Content that fails to parse without acting is inert to pickle.load,
  // which raises at the same point: that is how text and raw data are told from pickles.
  bool acted = false;
};

// Walks pickle opcodes (protocols 0-5) without executing anything, tracking the stack and the
// memo just far enough to name the module and name of every import, including STACK_GLOBAL
// arguments fetched from the memo, under the name Python 3 imports (protocol 0-2 pickles have
// Python 2 names renamed, as pickle's fix_imports does). Records a finding for each import not on
// `allow_list`, for imports it cannot name (non-string STACK_GLOBAL arguments, EXT1/2/4), for BUILD
// applied to an imported global, for persistent ids of another shape than a torch storage's, and
// for a stream it cannot parse (unknown opcode, truncation, stack underflow), after which it stops.
//
// Pickles follow each other without a PROTO opcode being required (protocols 0 and 1 have none):
// scanning continues until the stream ends, or after `max_pickles` complete pickles, leaving the
// rest of the stream in `reader` (the legacy torch layout stores raw data after its pickles).
//
// Returns the result once the findings are recorded; returns the stream's own error (a read
// failure, an inflate error or limit) when the bytes could not be read, which the caller reports.
StatusOr<PickleScanResult> ScanPickles(
    StreamReader& reader, const GlobalAllowList& allow_list, std::string_view location,
    FindingSink& findings, PickleScanStats& stats, const PickleScanLimits& limits = {},
    std::size_t max_pickles = std::numeric_limits<std::size_t>::max());

// Bytes per element of a torch storage type ("FloatStorage": 4), or 0 for a type torch.save
// does not write.
std::size_t StorageElementSize(std::string_view type);

}  // namespace mlops::validation::security
