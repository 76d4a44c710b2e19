#include "validation/security/pickle_scanner.h"

#include <memory>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "validation/security/python2_globals.h"

namespace mlops::validation::security {
namespace {

struct Value;

// The items of a list or tuple. Shared, as Python shares the object between the stack and the
// memo (APPENDS after PUT changes both). Only scalars are kept, so no list can contain itself.
struct Items {
  std::vector<Value> values;
  bool truncated = false;  // items beyond the tracking limit were dropped
};

// What the scanner knows about one stack or memo value: enough to resolve STACK_GLOBAL, to check
// persistent ids and to read the values of the legacy torch layout.
struct Value {
  enum class Kind : std::uint8_t { kOther, kNone, kInt, kBigInt, kString, kGlobal, kTuple, kList };
  Kind kind = Kind::kOther;
  std::uint64_t number = 0;      // kInt
  std::string text;              // the string, "module.name" of a global, a big int's bytes
  std::shared_ptr<Items> items;  // kTuple, kList

  bool IsContainer() const { return kind == Kind::kTuple || kind == Kind::kList; }
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

// The str Python makes of bytes read as Latin-1 (the protocol 0-2 byte strings with the
// encoding loaders of Python 2 pickles pass, and UNICODE's raw-unicode-escape without escapes),
// as UTF-8.
std::string Latin1ToUtf8(std::string_view bytes) {
  std::string text;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      text.push_back(c);
    } else {
      text.push_back(static_cast<char>(0xc0 | byte >> 6));
      text.push_back(static_cast<char>(0x80 | (byte & 0x3f)));
    }
  }
  return text;
}

// Protocol 0 quoted strings ('abc' or "abc"); escapes make the value unknown.
Value QuotedStringValue(std::string_view line) {
  if (line.size() < 2 || line.front() != line.back() ||
      (line.front() != '\'' && line.front() != '"')) {
    return {};
  }
  const std::string_view body = line.substr(1, line.size() - 2);
  if (body.find('\\') != std::string_view::npos) return {};
  return {Value::Kind::kString, 0, Latin1ToUtf8(body), nullptr};
}

// Protocol 0 INT and LONG: decimal text, "01"/"00" for True/False, an "L" suffix for LONG.
// Numbers beyond 18 digits (the legacy torch magic number) become little-endian bytes, as LONG1
// would have written them.
Value DecimalValue(std::string_view line) {
  if (!line.empty() && line.back() == 'L') line.remove_suffix(1);
  std::uint64_t number = 0;
  if (ParseDecimal(line, number)) return {Value::Kind::kInt, number, {}, nullptr};
  constexpr std::size_t kMaxDigits = 64;
  if (line.empty() || line.size() > kMaxDigits ||
      line.find_first_not_of("0123456789") != std::string_view::npos) {
    return {};
  }
  std::string digits(line);
  std::string bytes;
  while (digits.find_first_not_of('0') != std::string::npos) {
    unsigned remainder = 0;
    for (char& digit : digits) {
      const unsigned value = remainder * 10 + static_cast<unsigned>(digit - '0');
      digit = static_cast<char>('0' + value / 256);
      remainder = value % 256;
    }
    bytes.push_back(static_cast<char>(remainder));
  }
  if (!bytes.empty() && (static_cast<unsigned char>(bytes.back()) & 0x80) != 0)
    bytes.push_back('\0');
  return {Value::Kind::kBigInt, 0, std::move(bytes), nullptr};
}

// A name Python's import machinery could resolve: dotted identifiers (bytes above 0x7f may be
// part of a Unicode identifier). A GLOBAL naming anything else makes pickle.load raise before
// it can act, which is how the text of TorchScript code (`class Linear(Module):`) is inert.
bool IsIdentifierPath(std::string_view text) {
  if (text.empty()) return false;
  bool at_start = true;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '.') {
      if (at_start) return false;
      at_start = true;
      continue;
    }
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || byte > 0x7f;
    if (!letter && !(c >= '0' && c <= '9' && !at_start)) return false;
    at_start = false;
  }
  return !at_start;
}

bool IsWholeModuleClass(std::string_view module) {
  return module == "__main__" || module.starts_with("torch.nn.");
}

// One pickle virtual machine, reset between consecutive pickles. Parsing errors are returned as
// Malformed statuses; the caller turns them into findings. `recorded_` says the finding for the
// error was already written (so a truncation from the reader is told apart from our own stops).
class PickleMachine {
 public:
  PickleMachine(StreamReader& reader, const GlobalAllowList& allow_list, std::string_view location,
                FindingSink& findings, PickleScanStats& stats, const PickleScanLimits& limits,
                PickleScanResult& result)
      : reader_(reader),
        allow_list_(allow_list),
        location_(location),
        findings_(findings),
        stats_(stats),
        limits_(limits),
        result_(result) {}

  // Runs to the STOP of one pickle.
  Status RunOne() {
    stack_.clear();
    marks_.clear();
    memo_.clear();
    protocol_ = 0;
    tracked_items_ = 0;
    for (;;) {
      opcode_offset_ = reader_.offset();
      ASSIGN_OR_RETURN(const int opcode, reader_.Get());
      if (opcode < 0) return Malformed("stream ends before STOP");
      if (opcode == '.') {
        RETURN_IF_ERROR(Require(1));
        ++stats_.pickles;
        result_.values.push_back(Summarize(stack_.back()));
        return OkStatus();
      }
      RETURN_IF_ERROR(Step(opcode));
    }
  }

  void RecordMalformed(const Status& status) {
    result_.malformed = true;
    if (recorded_) return;
    findings_.Add({FindingKind::kMalformedPickle, std::string(location_), opcode_offset_, "",
                   "pickle cannot be parsed: " + status.message()});
  }

 private:
  Status Step(int opcode) {
    switch (opcode) {
      case '(':
        return PushMark();
      case '0':
        return PopOne();
      case '1':
        return PopMark();
      case '2':
        RETURN_IF_ERROR(Require(1));
        return Push(stack_.back());
      // Scalars and bytes: nothing an import could be made of; integers are kept for the
      // persistent ids and the legacy torch layout.
      case 'F':
        RETURN_IF_ERROR(SkipLine());
        return PushOther();
      case 'I':
      case 'L': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        return Push(DecimalValue(line));
      }
      case 'G':
        RETURN_IF_ERROR(reader_.Skip(8));
        return PushOther();
      case 'J':
        return PushInt(4, true);
      case 'K':
        return PushInt(1, false);
      case 'M':
        return PushInt(2, false);
      case 'N':
        return Push({Value::Kind::kNone, 0, {}, nullptr});
      case ']':
        return Push(NewContainer(Value::Kind::kList));
      case ')':
        return Push(NewContainer(Value::Kind::kTuple));
      case '}':
      case 0x88:
      case 0x89:
      case 0x8f:
      case 0x97:
        return PushOther();
      case 0x8a:
        return PushLong(1);
      case 0x8b:
        return PushLong(4);
      case 'B':
        return SkipSizedThenPush(4, false);
      case 'C':
        return SkipSizedThenPush(1, false);
      case 0x8e:
      case 0x96:
        return SkipSizedThenPush(8, false);
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
        return Push({Value::Kind::kString, 0, Latin1ToUtf8(line), nullptr});
      }
      case 'T':
        return ReadSizedString(4, true, true);
      case 'U':
        return ReadSizedString(1, false, true);
      case 0x8c:
        return ReadSizedString(1, false, false);
      case 'X':
        return ReadSizedString(4, false, false);
      case 0x8d:
        return ReadSizedString(8, false, false);
      // Containers.
      case 'a':
        return Append();
      case 'e':
        return Appends();
      case 'u':
      case 0x90:
        RETURN_IF_ERROR(PopMark());
        return Require(1);
      case 's':
        RETURN_IF_ERROR(Require(3));
        return Pop(2);
      case 't':
        return TupleFromMark(Value::Kind::kTuple);
      case 'l':
        return TupleFromMark(Value::Kind::kList);
      case 'd':
      case 0x91:
        RETURN_IF_ERROR(PopMark());
        return PushOther();
      case 0x85:
        return TupleOf(1);
      case 0x86:
        return TupleOf(2);
      case 0x87:
        return TupleOf(3);
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
      case 0x93:
        return StackGlobal();
      case 'R':
      case 0x81:
        return Collapse(2);
      case 0x92:
        return Collapse(3);
      case 'o': {
        RETURN_IF_ERROR(Require(1));  // the class, above the mark
        RETURN_IF_ERROR(PopMark());
        return PushOther();
      }
      case 'b':
        return Build();
      case 0x98:
        return Require(1);
      // Persistent ids are resolved by the loader: torch's name tensor storages, nothing else.
      case 'P': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        CheckPersistentId({Value::Kind::kString, 0, std::move(line), nullptr});
        return PushOther();
      }
      case 'Q': {
        RETURN_IF_ERROR(Require(1));
        CheckPersistentId(stack_.back());
        return Collapse(1);
      }
      case 0x82:
        return Extension(1);
      case 0x83:
        return Extension(2);
      case 0x84:
        return Extension(4);
      // Memo.
      case 'p': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        std::uint64_t key = 0;
        if (!ParseDecimal(line, key)) return Malformed("PUT key is not a decimal number");
        return Memoize(key);
      }
      case 'q':
        return MemoizeSized(1);
      case 'r':
        return MemoizeSized(4);
      case 0x94:
        return Memoize(memo_.size());
      case 'g': {
        std::string line;
        RETURN_IF_ERROR(reader_.ReadLine(limits_.max_line, line));
        std::uint64_t key = 0;
        if (!ParseDecimal(line, key)) return Malformed("GET key is not a decimal number");
        return Fetch(key);
      }
      case 'h':
        return FetchSized(1);
      case 'j':
        return FetchSized(4);
      // Framing.
      case 0x80: {
        ASSIGN_OR_RETURN(const std::uint64_t protocol, ReadUint(1));
        if (protocol > 5) return Malformed("unsupported protocol " + std::to_string(protocol));
        protocol_ = protocol;
        return OkStatus();
      }
      case 0x95:
        return reader_.Skip(8);
      default:
        return Malformed("unknown opcode " + std::to_string(opcode));
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

  Status PushInt(std::size_t bytes, bool is_signed) {
    ASSIGN_OR_RETURN(const std::uint64_t number, ReadUint(bytes));
    if (is_signed && number >= 0x80000000u) return PushOther();  // negative: no count or size
    return Push({Value::Kind::kInt, number, {}, nullptr});
  }

  // LONG1 / LONG4: little-endian two's complement. Up to 8 non-negative bytes are a number;
  // longer ones (the legacy torch magic number) are kept as bytes.
  Status PushLong(std::size_t length_bytes) {
    ASSIGN_OR_RETURN(const std::uint64_t length, ReadLength(length_bytes, true));
    if (length > kMaxTrackedString) {
      RETURN_IF_ERROR(reader_.Skip(length));
      return PushOther();
    }
    Value value{Value::Kind::kBigInt, 0, {}, nullptr};
    RETURN_IF_ERROR(reader_.ReadExact(static_cast<std::size_t>(length), value.text));
    const bool negative = !value.text.empty() && (value.text.back() & 0x80) != 0;
    if (value.text.size() <= 8 && !negative) {
      value.kind = Value::Kind::kInt;
      for (std::size_t i = value.text.size(); i-- > 0;) {
        value.number = value.number << 8 | static_cast<unsigned char>(value.text[i]);
      }
      value.text.clear();
    }
    return Push(std::move(value));
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

  // BINSTRING and SHORT_BINSTRING are bytes decoded as Latin-1, the BINUNICODE opcodes UTF-8.
  Status ReadSizedString(std::size_t length_bytes, bool is_signed, bool latin1) {
    ASSIGN_OR_RETURN(const std::uint64_t length, ReadLength(length_bytes, is_signed));
    if (length > kMaxTrackedString) {
      RETURN_IF_ERROR(reader_.Skip(length));
      return PushOther();
    }
    Value value{Value::Kind::kString, 0, {}, nullptr};
    RETURN_IF_ERROR(reader_.ReadExact(static_cast<std::size_t>(length), value.text));
    if (latin1) value.text = Latin1ToUtf8(value.text);
    return Push(std::move(value));
  }

  Value Import(std::string_view raw_module, std::string_view raw_name) {
    ++stats_.imports;
    constexpr std::uint64_t kFirstPython3Protocol = 3;
    std::string module(raw_module), name(raw_name);
    if (protocol_ < kFirstPython3Protocol) std::tie(module, name) = FixPython2Global(module, name);
    if (result_.globals.size() < kMaxReportedGlobals) result_.globals.emplace_back(module, name);
    if (IsIdentifierPath(module) && IsIdentifierPath(name)) result_.acted = true;
    if (!allow_list_.Allows(module, name)) {
      std::string message =
          "pickle imports " + Quote(module, name) + ", which is not on the allow-list";
      if (IsWholeModuleClass(module)) {
        message +=
            " (a whole pickled module: save its state_dict, or a TorchScript module with "
            "torch.jit.save, instead)";
      }
      findings_.Add({FindingKind::kDisallowedGlobal, std::string(location_), opcode_offset_,
                     Quote(module, name), std::move(message)});
    }
    return {Value::Kind::kGlobal, 0, module + "." + name, nullptr};
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
      result_.acted = true;
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
    result_.acted = true;
    findings_.Add({FindingKind::kUnresolvableImport, std::string(location_), opcode_offset_,
                   "ext:" + std::to_string(code),
                   "pickle imports extension code " + std::to_string(code) +
                       " from the copyreg registry, which cannot be checked"});
    return PushOther();
  }

  // BUILD sets state on the object below it. On an instance that is how objects are restored;
  // on an imported class or function it rewrites the global itself (its attributes, its
  // __code__), for every later use in the process.
  Status Build() {
    RETURN_IF_ERROR(Require(2));
    const Value& target = stack_[stack_.size() - 2];
    if (target.kind == Value::Kind::kGlobal) {
      findings_.Add({FindingKind::kBuildOnGlobal, std::string(location_), opcode_offset_,
                     target.text,
                     "pickle applies BUILD to the imported global " + target.text +
                         ", changing it rather than an object made from it"});
    }
    return Pop(1);
  }

  // torch's persistent ids: ('storage', torch.<Type>Storage, key, location, numel), with a
  // sixth item, None, in the legacy (non-zip) layout. Anything else is handed to a loader's
  // persistent_load that we know nothing of.
  void CheckPersistentId(const Value& pid) {
    result_.acted = true;
    const std::vector<Value>* items =
        pid.kind == Value::Kind::kTuple && !pid.items->truncated ? &pid.items->values : nullptr;
    if (items != nullptr && (items->size() == 5 || items->size() == 6)) {
      const Value& tag = (*items)[0];
      const Value& type = (*items)[1];
      const Value& key = (*items)[2];
      const Value& location = (*items)[3];
      const Value& numel = (*items)[4];
      constexpr std::string_view kTorch = "torch.";
      const bool shape_ok =
          tag.kind == Value::Kind::kString && tag.text == "storage" &&
          type.kind == Value::Kind::kGlobal && type.text.starts_with(kTorch) &&
          StorageElementSize(std::string_view(type.text).substr(kTorch.size())) != 0 &&
          key.kind == Value::Kind::kString && location.kind == Value::Kind::kString &&
          numel.kind == Value::Kind::kInt &&
          (items->size() == 5 || (*items)[5].kind == Value::Kind::kNone);
      if (shape_ok) {
        result_.storages.push_back({key.text, type.text.substr(kTorch.size()), numel.number});
        return;
      }
    }
    findings_.Add({FindingKind::kUnexpectedPersistentId, std::string(location_), opcode_offset_, "",
                   "pickle has a persistent id that is not a torch storage reference "
                   "('storage', torch.<Type>Storage, key, location, numel)"});
  }

  Value NewContainer(Value::Kind kind) { return {kind, 0, {}, std::make_shared<Items>()}; }

  // Adds `value` to a tracked container: scalars only, and no more than the memo limit in all.
  void AddItem(Items& items, const Value& value) {
    if (items.truncated) return;
    if (tracked_items_ >= limits_.max_memo) {
      items.truncated = true;
      return;
    }
    ++tracked_items_;
    items.values.push_back(value.IsContainer() ? Value{} : value);
  }

  Status Append() {
    RETURN_IF_ERROR(Require(2));
    Value& list = stack_[stack_.size() - 2];
    if (list.kind == Value::Kind::kList) AddItem(*list.items, stack_.back());
    return Pop(1);
  }

  Status Appends() {
    if (marks_.empty()) return Malformed("no MARK to pop to");
    const std::size_t mark = marks_.back();
    if (mark == 0) return Malformed("stack underflow");
    Value& list = stack_[mark - 1];
    if (list.kind == Value::Kind::kList) {
      for (std::size_t i = mark; i < stack_.size(); ++i) AddItem(*list.items, stack_[i]);
    }
    RETURN_IF_ERROR(PopMark());
    return Require(1);
  }

  // TUPLE and LIST: the values above the mark become one container.
  Status TupleFromMark(Value::Kind kind) {
    if (marks_.empty()) return Malformed("no MARK to pop to");
    Value container = NewContainer(kind);
    for (std::size_t i = marks_.back(); i < stack_.size(); ++i)
      AddItem(*container.items, stack_[i]);
    RETURN_IF_ERROR(PopMark());
    return Push(std::move(container));
  }

  Status TupleOf(std::size_t n) {
    RETURN_IF_ERROR(Require(n));
    Value tuple = NewContainer(Value::Kind::kTuple);
    for (std::size_t i = stack_.size() - n; i < stack_.size(); ++i)
      AddItem(*tuple.items, stack_[i]);
    RETURN_IF_ERROR(Pop(n));
    return Push(std::move(tuple));
  }

  static PickledValue Summarize(const Value& value) {
    PickledValue summary;
    switch (value.kind) {
      case Value::Kind::kInt:
        summary.kind = PickledValue::Kind::kInt;
        summary.number = value.number;
        break;
      case Value::Kind::kBigInt:
        summary.kind = PickledValue::Kind::kBigInt;
        summary.bytes = value.text;
        break;
      case Value::Kind::kString:
        summary.kind = PickledValue::Kind::kString;
        summary.bytes = value.text;
        break;
      case Value::Kind::kList:
        if (value.items->truncated) break;
        for (const Value& item : value.items->values) {
          if (item.kind != Value::Kind::kString) return {};
          summary.strings.push_back(item.text);
        }
        summary.kind = PickledValue::Kind::kStringList;
        break;
      default:
        break;
    }
    return summary;
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

  // Pops `n` values and pushes the (opaque) result of combining them: calls, dicts.
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
  PickleScanResult& result_;

  std::vector<Value> stack_;
  std::vector<std::size_t> marks_;  // stack sizes at each MARK
  std::unordered_map<std::uint64_t, Value> memo_;
  std::size_t tracked_items_ = 0;
  std::uint64_t protocol_ = 0;  // as the last PROTO said; 0 without one
  std::uint64_t opcode_offset_ = 0;
  bool recorded_ = false;
};

}  // namespace

StatusOr<PickleScanResult> ScanPickles(StreamReader& reader, const GlobalAllowList& allow_list,
                                       std::string_view location, FindingSink& findings,
                                       PickleScanStats& stats, const PickleScanLimits& limits,
                                       std::size_t max_pickles) {
  PickleScanResult result;
  PickleMachine machine(reader, allow_list, location, findings, stats, limits, result);
  for (std::size_t done = 0; done < max_pickles; ++done) {
    const Status status = machine.RunOne();
    if (status.code() == StatusCode::kMalformed) {
      machine.RecordMalformed(status);
      return result;
    }
    RETURN_IF_ERROR(status);
    ASSIGN_OR_RETURN(const int next, reader.Peek());
    if (next < 0) break;
  }
  return result;
}

std::size_t StorageElementSize(std::string_view type) {
  static constexpr std::pair<std::string_view, std::size_t> kSizes[] = {
      {"FloatStorage", 4},    {"DoubleStorage", 8},       {"HalfStorage", 2},
      {"BFloat16Storage", 2}, {"LongStorage", 8},         {"IntStorage", 4},
      {"ShortStorage", 2},    {"CharStorage", 1},         {"ByteStorage", 1},
      {"BoolStorage", 1},     {"ComplexFloatStorage", 8}, {"ComplexDoubleStorage", 16},
  };
  for (const auto& [name, size] : kSizes) {
    if (name == type) return size;
  }
  return 0;
}

}  // namespace mlops::validation::security
