#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"
#include "validation/security/finding.h"
#include "validation/security/global_allow_list.h"

namespace mlops::validation::security {

// How much interpreter state the scanner tracks. Beyond these a stream is a kLimitExceeded
// finding: legitimate pickles (state dicts, arrays) stay far below them.
struct PickleScanLimits {
  std::size_t max_stack = 100'000;    // values and marks on the stack
  std::size_t max_memo = 1'000'000;   // memo entries
  std::size_t max_line = 64 * 1024;   // protocol 0 text arguments (GLOBAL, INT, PUT, ...)
};

struct PickleScanStats {
  std::uint64_t pickles = 0;   // complete pickles (STOP reached)
  std::uint64_t imports = 0;   // GLOBAL, INST and STACK_GLOBAL opcodes
};

// Walks pickle opcodes (protocols 0-5) without executing anything, tracking the stack and the
// memo just far enough to name the module and name of every import, including STACK_GLOBAL
// arguments fetched from the memo. Records a finding for each import not on `allow_list`, for
// imports it cannot name (non-string STACK_GLOBAL arguments, EXT1/2/4) and for a stream it
// cannot parse (unknown opcode, truncation, stack underflow), after which it stops. Consecutive
// pickles are scanned while the next one starts with PROTO, as PyTorch's legacy format writes
// them; bytes after the last one are left in `reader` (loaders read them as raw data).
//
// Returns OK once the findings are recorded; returns the stream's own error (a read failure, an
// inflate error or limit) when the bytes could not be read, which the caller reports.
Status ScanPickles(StreamReader& reader, const GlobalAllowList& allow_list,
                   std::string_view location, FindingSink& findings, PickleScanStats& stats,
                   const PickleScanLimits& limits = {});

}  // namespace mlops::validation::security
