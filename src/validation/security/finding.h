#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::validation::security {

// Why an artifact failed the security scan. Every kind fails it: the scan is an allow-list, so
// anything it cannot vouch for (malformed or truncated input, limits) is a finding too.
enum class FindingKind {
  kDisallowedGlobal,        // a pickle imports a global that is not on the allow-list
  kUnresolvableImport,      // STACK_GLOBAL on non-strings, EXT1/2/4: the import cannot be named
  kMalformedPickle,         // unknown opcode, truncated stream, stack underflow
  kBuildOnGlobal,           // BUILD applied to an imported global rather than an object
  kUnexpectedPersistentId,  // a persistent id other than a torch storage reference
  kUnsafeZipPath,           // absolute path or `..` in a zip entry or tar member name
  kZipSymlink,              // a zip entry or tar member that is a link or a special file
  kZipBomb,                 // decompressed size, or ratio of unknown content, over the limits
  kMalformedZip,            // unreadable or ambiguous directory, bad local header, inflate error
  kMalformedTar,            // bad header or checksum, truncated member, data after the end
  kMalformedCompressed,     // gzip, bzip2 or xz data that cannot be decompressed
  kMalformedNpy,            // npy header outside numpy's grammar, or data of the wrong size
  kUnknownContent,          // bytes that are no known format and not a pickle either
  kEscapingExternalData,    // ONNX external data outside the model's directory
  kMalformedOnnx,           // protobuf that cannot be walked
  kYaraMatch,               // a YARA rule matched
  kLimitExceeded,           // nesting, stack or memo beyond what the scanner tracks
};

std::string_view ToString(FindingKind kind);

// One finding and where it is. `location` names the stream: "" for the artifact itself, or the
// path of a member inside it ("outer.zip/inner.tar/member", "model.pt.gz!" for decompressed
// content); `offset` is a byte offset inside that stream.
struct Finding {
  FindingKind kind;
  std::string location;
  std::uint64_t offset = 0;
  // The global (module.name), the rule name, or the offending path; empty when there is none.
  std::string subject;
  std::string message;
};

// Collects findings with bounded memory: all are counted, the first `max_kept` are kept.
// Not thread-safe.
class FindingSink {
 public:
  explicit FindingSink(std::size_t max_kept = 1000) : max_kept_(max_kept) {}

  void Add(Finding finding);

  const std::vector<Finding>& kept() const { return kept_; }
  std::uint64_t total() const { return total_; }
  const std::map<FindingKind, std::uint64_t>& counts() const { return counts_; }
  bool empty() const { return total_ == 0; }

 private:
  std::size_t max_kept_;
  std::vector<Finding> kept_;
  std::uint64_t total_ = 0;
  std::map<FindingKind, std::uint64_t> counts_;
};

}  // namespace mlops::validation::security
