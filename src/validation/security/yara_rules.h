#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"
#include "validation/security/finding.h"

struct YR_RULES;
struct YR_SCAN_CONTEXT;  // libyara's YR_SCANNER

namespace mlops::validation::security {

// Compiled YARA rules: the project's own (rules/yara/*.yar, built into the binary) plus every
// *.yar / *.yara file of an optional directory. Immutable once compiled; one instance is shared
// by all scans and threads (each scan uses its own YaraStreamScanner).
class YaraRules {
 public:
  // Returns InvalidArgument naming the file and line of the first rule that does not compile,
  // NotFound when `extra_dir` is given but is not a directory.
  static StatusOr<std::shared_ptr<const YaraRules>> Compile(std::string_view builtin_source,
                                                            const std::filesystem::path& extra_dir);
  ~YaraRules();
  YaraRules(const YaraRules&) = delete;
  YaraRules& operator=(const YaraRules&) = delete;

  int rule_count() const { return rule_count_; }
  YR_RULES* handle() const { return rules_; }

 private:
  YaraRules(YR_RULES* rules, int rule_count) : rules_(rules), rule_count_(rule_count) {}
  YR_RULES* rules_;
  int rule_count_;
};

// Matches YARA rules against one stream fed in chunks, in constant memory: the stream is
// scanned in windows that overlap by 4 KiB, so a pattern of up to 4 KiB is found wherever it
// falls. Conditions on `filesize` or absolute offsets see one window, not the stream: shipped
// and extra rules should match on strings. Each rule is reported once per stream, at its first
// match. Not thread-safe.
class YaraStreamScanner {
 public:
  YaraStreamScanner(const YaraRules& rules, std::string location, FindingSink& findings);
  ~YaraStreamScanner();
  YaraStreamScanner(const YaraStreamScanner&) = delete;
  YaraStreamScanner& operator=(const YaraStreamScanner&) = delete;

  // Returns Internal when YARA fails (out of memory, timeout).
  Status Feed(std::string_view data);
  // Scans what is left; call once at the end of the stream.
  Status Finish();

 private:
  friend struct YaraCallbacks;
  Status ScanWindow();
  // Records `rule`'s first match unless the rule was reported for this stream already.
  void Report(const std::string& rule, std::uint64_t window_position, const std::string& about);

  YR_SCAN_CONTEXT* scanner_ = nullptr;
  std::string location_;
  FindingSink& findings_;
  std::string window_;
  std::uint64_t window_offset_ = 0;  // stream offset of window_[0]
  std::set<std::string> reported_;
};

// Passes a stream through unchanged while feeding every byte read to a YaraStreamScanner, so
// parsing and pattern matching share one read of the data.
class YaraTeeStream : public ByteStream {
 public:
  YaraTeeStream(ByteStream& inner, YaraStreamScanner& yara) : inner_(inner), yara_(yara) {}
  StatusOr<std::size_t> Read(char* out, std::size_t n) override;
  // Reads the rest of the stream (for YARA's sake), then finishes the YARA scan.
  Status DrainAndFinish();

 private:
  ByteStream& inner_;
  YaraStreamScanner& yara_;
};

}  // namespace mlops::validation::security
