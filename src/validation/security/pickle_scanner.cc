#include "validation/security/pickle_scanner.h"

#include <unordered_map>
#include <utility>
#include <vector>

namespace mlops::validation::security {
namespace {

// What the scanner knows about one stack or memo value: enough to resolve STACK_GLOBAL.
struct Value {
  enum class Kind : std::uint8_t { kOther, kString, kGlobal };
  Kind kind = Kind::kOther;
  std::string text;  // the string, or "module.name" for a global
};

// Longer strings are tracked as kOther: no allowed module or name comes near this length, so an
// import naming one fails as unresolvable either way.
constexpr std::size_t kMaxTrackedString = 1024;
// Longest global name quoted in a finding.
constexpr std::size_t kMaxQuotedName = 200;

std::string Quote(std::string_view module, std::string_view name) {
  std::string dotted = std::string(module) + "." + std::string(name);
  if (dotted.size() > kMaxQuotedName) dotted = dotted.substr(0, kMaxQuotedName) + "...";
  return dotted;
}

bool ParseDecimal(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// Protocol 0 quoted strings ('abc' or "abc"); escapes make the value unknown.
Value QuotedStringValue(std::string_view line) {
  if (line.size() < 2 || line.front() != line.back() ||
      (line.front() != '\'' && line.front() != '"')) {
    return {};
  }
  const std::string_view body = line.substr(1, line.size() - 2);
  if (body.find('\\') != std::string_view::npos) return {};
  return {Value::Kind::kString, std::string(body)};
}

// One pickle virtual machine, reset between consecutive pickles. Parsing errors are returned as
// Malformed statuses; the caller turns them into findings. `recorded_` says the finding for the
// error was already written (so a truncation from the reader is told apart from our own stops).
class PickleMachine {
 public:
  PickleMachine(StreamReader& reader, const GlobalAllowList& allow_list, std::string_view location,
                FindingSink& findings, PickleScanStats& stats, const PickleScanLimits& limits)
      : reader_(reader),
        allow_list_(allow_list),
        location_(location),
        findings_(findings),
        stats_(stats),
        limits_(limits) {}

  // Runs to the STOP of one pickle.
  Status RunOne() {
    stack_.clear();
    marks_.clear();
    memo_.clear();
    for (;;) {
      opcode_offset_ = reader_.offset();
      ASSIGN_OR_RETURN(const int opcode, reader_.Get());
      if (opcode < 0) return Malformed("stream ends before STOP");
      if (opcode == '.') {
        RETURN_IF_ERROR(Require(1));
        ++stats_.pickles;
        return OkStatus();
      }
      RETURN_IF_ERROR(Step(opcode));
    }
  }

  void RecordMalformed(const Status& status) {
    if (recorded_) return;
    findings_.Add({FindingKind::kMalformedPickle, std::string(location_), opcode_offset_, "",
                   "pickle cannot be parsed: " + status.message()});
  }

 private:
  Status Step(int opcode) {
    switch (opcode) {
      case '(': return PushMark();
      case '0': return PopOne();
      case '1': return PopMark();
      case '2': RETURN_IF_ERROR(Require(1)); return Push(stack_.back());
      // Scalars and bytes: nothing an import could be made of.
      case 'F': case 'I': case 'L': RETURN_IF_ERROR(SkipLine()); return PushOther();
      case 'G': RETURN_IF_ERROR(reader_.Skip(8)); return PushOther();
      case 'J': RETURN_IF_ERROR(reader_.Skip(4)); return PushOther();
      case 'K': RETURN_IF_ERROR(reader_.Skip(1)); return PushOther();
      case 'M': RETURN_IF_ERROR(reader_.Skip(2)); return PushOther();
      case 'N': case ']': case ')': case '}': case 0x88: case 0x89: case 0x8f: case 0x97:
        return PushOther();
      case 0x8a: return SkipSizedThenPush(1, false);
      case 0x8b: return SkipSizedThenPush(4, true);
      case 'B': return SkipSizedThenPush(4, false);
      case 'C': return SkipSizedThenPush(1, false);
      case 0x8e: case 0x96: return SkipSizedThenPush(8, false);
      // Strings: tracked, as STACK_GLOBAL takes its module and name from them. Python 3 decodes
      // the protocol 0-2 string opcodes to str too.
      case 'S': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        return Push(QuotedStringValue(line));
      }
      case 'V': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        if (line.find('\\') != std::string::npos) return PushOther();
        return Push({Value::Kind::kString, std::move(line)});
      }
      case 'T': return ReadSizedString(4, true);
      case 'U': case 0x8c: return ReadSizedString(1, false);
      case 'X': return ReadSizedString(4, false);
      case 0x8d: return ReadSizedString(8, false);
      // Containers.
      case 'a': RETURN_IF_ERROR(Require(2)); return Pop(1);
      case 'e': case 'u': case 0x90: RETURN_IF_ERROR(PopMark()); return Require(1);
      case 's': RETURN_IF_ERROR(Require(3)); return Pop(2);
      case 't': case 'l': case 'd': case 0x91: RETURN_IF_ERROR(PopMark()); return PushOther();
      case 0x85: return Collapse(1);
      case 0x86: return Collapse(2);
      case 0x87: return Collapse(3);
      // Imports and calls.
      case 'c': {
        std::string module, name;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, module));
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, name));
        return Push(Import(module, name));
      }
      case 'i': {
        std::string module, name;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, module));
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, name));
        Import(module, name);
        RETURN_IF_ERROR(PopMark());
        return PushOther();
      }
      case 0x93: return StackGlobal();
      case 'R': case 0x81: return Collapse(2);
      case 0x92: return Collapse(3);
      case 'o': {
        RETURN_IF_ERROR(Require(1));  // the class, above the mark
        RETURN_IF_ERROR(PopMark());
        return PushOther();
      }
      case 'b': RETURN_IF_ERROR(Require(2)); return Pop(1);
      case 0x98: return Require(1);
      // Persistent ids are resolved by the loader (PyTorch: tensor storages), not by imports.
      case 'P': RETURN_IF_ERROR(SkipLine()); return PushOther();
      case 'Q': return Collapse(1);
      case 0x82: return Extension(1);
      case 0x83: return Extension(2);
      case 0x84: return Extension(4);
      // Memo.
      case 'p': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        std::uint64_t key = 0;
        if (!ParseDecimal(line, key)) return Malformed("PUT key is not a decimal number");
        return Memoize(key);
      }
      case 'q': return MemoizeSized(1);
      case 'r': return MemoizeSized(4);
      case 0x94: return Memoize(memo_.size());
      case 'g': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        std::uint64_t key = 0;
        if (!ParseDecimal(line, key)) return Malformed("GET key is not a decimal number");
        return Fetch(key);
      }
      case 'h': return FetchSized(1);
      case 'j': return FetchSized(4);
      // Framing.
      case 0x80: {
        ASSIGN_OR_RETURN(const std::uint64_t protocol, ReadUint(1));
        if (protocol > 5) return Malformed("unsupported protocol " + std::to_string(protocol));
        return OkStatus();
      }
      case 0x95: return reader_.Skip(8);
      default: return Malformed("unknown opcode " + std::to_string(opcode));
    }
  }

  StatusOr<std::uint64_t> ReadUint(std::size_t bytes) {
    std::string raw;
    RETURN_IF_ERROR(reader_.ReadExact(bytes, raw));
    std::uint64_t value = 0;
    for (std::size_t i = bytes; i-- > 0;) value = value << 8 | static_cast<unsigned char>(raw[i]);
    return value;
  }

  // Reads a length of `bytes` bytes; lengths Python reads as signed must not be negative.
  StatusOr<std::uint64_t> ReadLength(std::size_t bytes, bool is_signed) {
    ASSIGN_OR_RETURN(const std::uint64_t length, ReadUint(bytes));
    if (is_signed && bytes == 4 && length >= 0x80000000u) return Malformed("negative length");
    return length;
  }

  Status SkipLine() {
    std::string line;
    return reader_.ReadLine(limits_.max_line, line);
  }

  Status SkipSizedThenPush(std::size_t length_bytes, bool is_signed) {
    ASSIGN_OR_RETURN(const std::uint64_t length, ReadLength(length_bytes, is_signed));
    RETURN_IF_ERROR(reader_.Skip(length));
    return PushOther();
  }

  Status ReadSizedString(std::size_t length_bytes, bool is_signed) {
    ASSIGN_OR_RETURN(const std::uint64_t length, ReadLength(length_bytes, is_signed));
    if (length > kMaxTrackedString) {
      RETURN_IF_ERROR(reader_.Skip(length));
      return PushOther();
    }
    Value value{Value::Kind::kString, {}};
    RETURN_IF_ERROR(reader_.ReadExact(static_cast<std::size_t>(length), value.text));
    return Push(std::move(value));
  }

  Value Import(std::string_view module, std::string_view name) {
    ++stats_.imports;
    if (!allow_list_.Allows(module, name)) {
      findings_.Add({FindingKind::kDisallowedGlobal, std::string(location_), opcode_offset_,
                     Quote(module, name),
                     "pickle imports " + Quote(module, name) + ", which is not on the allow-list"});
    }
    return {Value::Kind::kGlobal, std::string(module) + "." + std::string(name)};
  }

  Status StackGlobal() {
    RETURN_IF_ERROR(Require(2));
    const Value& module = stack_[stack_.size() - 2];
    const Value& name = stack_.back();
    Value result;
    if (module.kind == Value::Kind::kString && name.kind == Value::Kind::kString) {
      result = Import(module.text, name.text);
    } else {
      ++stats_.imports;
      findings_.Add({FindingKind::kUnresolvableImport, std::string(location_), opcode_offset_, "",
                     "STACK_GLOBAL takes its module or name from a value that is not a plain "
                     "string, so the import cannot be named"});
    }
    RETURN_IF_ERROR(Pop(2));
    return Push(std::move(result));
  }

  Status Extension(std::size_t code_bytes) {
    ASSIGN_OR_RETURN(const std::uint64_t code, ReadUint(code_bytes));
    ++stats_.imports;
    findings_.Add({FindingKind::kUnresolvableImport, std::string(location_), opcode_offset_,
                   "ext:" + std::to_string(code),
                   "pickle imports extension code " + std::to_string(code) +
                       " from the copyreg registry, which cannot be checked"});
    return PushOther();
  }

  Status MemoizeSized(std::size_t key_bytes) {
    ASSIGN_OR_RETURN(const std::uint64_t key, ReadUint(key_bytes));
    return Memoize(key);
  }

  Status Memoize(std::uint64_t key) {
    RETURN_IF_ERROR(Require(1));
    if (memo_.size() >= limits_.max_memo && !memo_.contains(key)) {
      return Limit("memo grows beyond " + std::to_string(limits_.max_memo) + " entries");
    }
    memo_[key] = stack_.back();
    return OkStatus();
  }

  Status FetchSized(std::size_t key_bytes) {
    ASSIGN_OR_RETURN(const std::uint64_t key, ReadUint(key_bytes));
    return Fetch(key);
  }

  Status Fetch(std::uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) return Malformed("memo key " + std::to_string(key) + " was never set");
    return Push(it->second);
  }

  // Pops `n` values and pushes the (opaque) result of combining them: calls, tuples.
  Status Collapse(std::size_t n) {
    RETURN_IF_ERROR(Require(n));
    RETURN_IF_ERROR(Pop(n));
    return PushOther();
  }

  std::size_t AboveMark() const { return stack_.size() - (marks_.empty() ? 0 : marks_.back()); }

  Status Require(std::size_t n) const {
    if (AboveMark() < n) return Malformed("stack underflow");
    return OkStatus();
  }

  Status Pop(std::size_t n) {
    RETURN_IF_ERROR(Require(n));
    stack_.resize(stack_.size() - n);
    return OkStatus();
  }

  // POP removes a value, or the mark itself when nothing is above it.
  Status PopOne() {
    if (AboveMark() > 0) return Pop(1);
    if (marks_.empty()) return Malformed("stack underflow");
    marks_.pop_back();
    return OkStatus();
  }

  Status PopMark() {
    if (marks_.empty()) return Malformed("no MARK to pop to");
    stack_.resize(marks_.back());
    marks_.pop_back();
    return OkStatus();
  }

  Status PushMark() {
    RETURN_IF_ERROR(CheckDepth());
    marks_.push_back(stack_.size());
    return OkStatus();
  }

  Status Push(Value value) {
    RETURN_IF_ERROR(CheckDepth());
    stack_.push_back(std::move(value));
    return OkStatus();
  }

  Status PushOther() { return Push({}); }

  Status CheckDepth() {
    if (stack_.size() + marks_.size() >= limits_.max_stack) {
      return Limit("stack grows beyond " + std::to_string(limits_.max_stack) + " entries");
    }
    return OkStatus();
  }

  Status Limit(std::string message) {
    findings_.Add({FindingKind::kLimitExceeded, std::string(location_), opcode_offset_, "",
                   "pickle " + message + ", more than the scanner tracks"});
    recorded_ = true;
    return Malformed(std::move(message));
  }

  StreamReader& reader_;
  const GlobalAllowList& allow_list_;
  std::string_view location_;
  FindingSink& findings_;
  PickleScanStats& stats_;
  const PickleScanLimits& limits_;

  std::vector<Value> stack_;
  std::vector<std::size_t> marks_;  // stack sizes at each MARK
  std::unordered_map<std::uint64_t, Value> memo_;
  std::uint64_t opcode_offset_ = 0;
  bool recorded_ = false;
};

constexpr int kProtoOpcode = 0x80;

}  // namespace

Status ScanPickles(StreamReader& reader, const GlobalAllowList& allow_list,
                   std::string_view location, FindingSink& findings, PickleScanStats& stats,
                   const PickleScanLimits& limits) {
  PickleMachine machine(reader, allow_list, location, findings, stats, limits);
  do {
    const Status status = machine.RunOne();
    if (status.code() == StatusCode::kMalformed) {
      machine.RecordMalformed(status);
      return OkStatus();
    }
    RETURN_IF_ERROR(status);
    ASSIGN_OR_RETURN(const int next, reader.Peek());
    if (next != kProtoOpcode) return OkStatus();
  } while (true);
}

}  // namespace mlops::validation::security
