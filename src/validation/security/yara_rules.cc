#include "validation/security/yara_rules.h"

#include <yara.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace mlops::validation::security {
namespace {

constexpr std::size_t kWindowSize = 4 << 20;
constexpr std::size_t kOverlap = 4 << 10;
constexpr int kWindowTimeoutSeconds = 60;

// libyara's global state, set up once for the process and never torn down (scans may run on any
// thread until exit).
bool InitializeYara() {
  static const bool ok = yr_initialize() == ERROR_SUCCESS;
  return ok;
}

struct CompileErrors {
  std::string first;
};

void OnCompileMessage(int error_level, const char* file_name, int line_number, const YR_RULE*,
                      const char* message, void* user_data) {
  auto& errors = *static_cast<CompileErrors*>(user_data);
  if (error_level != YARA_ERROR_LEVEL_ERROR || !errors.first.empty()) return;
  errors.first = std::string(file_name != nullptr ? file_name : "built-in rules") + ":" +
                 std::to_string(line_number) + ": " + message;
}

struct CompilerDeleter {
  void operator()(YR_COMPILER* compiler) const { yr_compiler_destroy(compiler); }
};

std::vector<std::filesystem::path> RuleFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    const auto extension = item.path().extension();
    if (item.is_regular_file() && (extension == ".yar" || extension == ".yara")) {
      files.push_back(item.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

StatusOr<std::shared_ptr<const YaraRules>> YaraRules::Compile(
    std::string_view builtin_source, const std::filesystem::path& extra_dir) {
  if (!InitializeYara()) return Internal("libyara could not be initialised");
  YR_COMPILER* raw = nullptr;
  if (yr_compiler_create(&raw) != ERROR_SUCCESS) return Internal("YARA compiler: out of memory");
  std::unique_ptr<YR_COMPILER, CompilerDeleter> compiler(raw);
  CompileErrors errors;
  yr_compiler_set_callback(compiler.get(), OnCompileMessage, &errors);

  const std::string builtin(builtin_source);
  if (yr_compiler_add_string(compiler.get(), builtin.c_str(), "builtin") != 0) {
    return InvalidArgument("YARA rules do not compile: " + errors.first);
  }
  if (!extra_dir.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(extra_dir, error)) {
      return NotFound("YARA rules directory " + extra_dir.string() + " does not exist");
    }
    for (const auto& path : RuleFiles(extra_dir)) {
      std::FILE* file = std::fopen(path.c_str(), "r");
      if (file == nullptr) return InvalidArgument("cannot read YARA rules " + path.string());
      const int failures = yr_compiler_add_file(compiler.get(), file, nullptr, path.c_str());
      std::fclose(file);
      if (failures != 0) return InvalidArgument("YARA rules do not compile: " + errors.first);
    }
  }
  YR_RULES* rules = nullptr;
  if (yr_compiler_get_rules(compiler.get(), &rules) != ERROR_SUCCESS) {
    return Internal("YARA rules could not be built");
  }
  int count = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules, rule) { ++count; }
  return std::shared_ptr<const YaraRules>(new YaraRules(rules, count));
}

YaraRules::~YaraRules() { yr_rules_destroy(rules_); }

// libyara calls back with its own types, which the header keeps out of sight.
struct YaraCallbacks {
  static int OnMessage(YR_SCAN_CONTEXT* context, int message, void* message_data, void* user_data) {
    if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
    const auto* rule = static_cast<const YR_RULE*>(message_data);
    std::uint64_t first = 0;
    bool found = false;
    const YR_STRING* string = nullptr;
    yr_rule_strings_foreach(rule, string) {
      // libyara 4.2 packs match records without alignment: each is copied out, not read in
      // place through a misaligned pointer (yr_string_matches_foreach would do that).
      for (const void* at = context->matches[string->idx].head; at != nullptr;) {
        YR_MATCH match;
        std::memcpy(&match, at, sizeof match);
        if (!match.is_private) {
          const auto offset = static_cast<std::uint64_t>(match.base + match.offset);
          if (!found || offset < first) first = offset;
          found = true;
        }
        at = match.next;
      }
    }
    std::string description;
    const YR_META* meta = nullptr;
    yr_rule_metas_foreach(rule, meta) {
      if (meta->type == META_TYPE_STRING && std::string_view(meta->identifier) == "description") {
        description = meta->string;
      }
    }
    static_cast<YaraStreamScanner*>(user_data)->Report(rule->identifier, first, description);
    return CALLBACK_CONTINUE;
  }
};

YaraStreamScanner::YaraStreamScanner(const YaraRules& rules, std::string location,
                                     FindingSink& findings)
    : location_(std::move(location)), findings_(findings) {
  if (yr_scanner_create(rules.handle(), &scanner_) != ERROR_SUCCESS) scanner_ = nullptr;
  if (scanner_ != nullptr) {
    yr_scanner_set_callback(scanner_, &YaraCallbacks::OnMessage, this);
    yr_scanner_set_timeout(scanner_, kWindowTimeoutSeconds);
    yr_scanner_set_flags(scanner_, SCAN_FLAGS_FAST_MODE);
  }
}

YaraStreamScanner::~YaraStreamScanner() {
  if (scanner_ != nullptr) yr_scanner_destroy(scanner_);
}

Status YaraStreamScanner::Feed(std::string_view data) {
  while (!data.empty()) {
    const std::size_t take = std::min(data.size(), kWindowSize - window_.size());
    window_.append(data.data(), take);
    data.remove_prefix(take);
    if (window_.size() == kWindowSize) {
      RETURN_IF_ERROR(ScanWindow());
      window_offset_ += window_.size() - kOverlap;
      window_.erase(0, window_.size() - kOverlap);
    }
  }
  return OkStatus();
}

Status YaraStreamScanner::Finish() {
  // A window that is all overlap was scanned already (unless it is the whole stream).
  if (window_.size() > kOverlap || window_offset_ == 0) return ScanWindow();
  return OkStatus();
}

Status YaraStreamScanner::ScanWindow() {
  if (scanner_ == nullptr) return Internal("YARA scanner: out of memory");
  const int result = yr_scanner_scan_mem(
      scanner_, reinterpret_cast<const std::uint8_t*>(window_.data()), window_.size());
  if (result == ERROR_SCAN_TIMEOUT) return Internal("YARA scan timed out");
  if (result != ERROR_SUCCESS) {
    return Internal("YARA scan failed (error " + std::to_string(result) + ")");
  }
  return OkStatus();
}

void YaraStreamScanner::Report(const std::string& rule, std::uint64_t window_position,
                               const std::string& about) {
  if (!reported_.insert(rule).second) return;
  findings_.Add({FindingKind::kYaraMatch, location_, window_offset_ + window_position, rule,
                 "YARA rule " + rule + " matches" + (about.empty() ? "" : ": " + about)});
}

StatusOr<std::size_t> YaraTeeStream::Read(char* out, std::size_t n) {
  ASSIGN_OR_RETURN(const std::size_t got, inner_.Read(out, n));
  RETURN_IF_ERROR(yara_.Feed(std::string_view(out, got)));
  return got;
}

Status YaraTeeStream::DrainAndFinish() {
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(const std::size_t got, Read(buffer.data(), buffer.size()));
    if (got == 0) break;
  }
  return yara_.Finish();
}

}  // namespace mlops::validation::security
