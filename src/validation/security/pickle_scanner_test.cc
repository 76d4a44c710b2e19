#include "validation/security/pickle_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mlops::validation::security {
namespace {

using namespace std::string_literals;

// Hands out at most `chunk` bytes per read, so every parse crosses buffer refills.
class ChunkedStream : public ByteStream {
 public:
  ChunkedStream(std::string data, std::size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    const std::size_t take = std::min({n, chunk_, data_.size() - position_});
    data_.copy(out, take, position_);
    position_ += take;
    return take;
  }

 private:
  std::string data_;
  std::size_t chunk_;
  std::size_t position_ = 0;
};

struct Result {
  std::vector<Finding> findings;
  PickleScanStats stats;
  PickleScanResult scan;
  std::uint64_t offset_after = 0;
};

Result Scan(const std::string& bytes, const PickleScanLimits& limits = {},
            const GlobalAllowList& allow_list = GlobalAllowList::Default(),
            std::size_t chunk = 1 << 20, std::size_t buffer = 1 << 16,
            std::size_t max_pickles = std::numeric_limits<std::size_t>::max()) {
  ChunkedStream stream(bytes, chunk);
  StreamReader reader(stream, buffer);
  FindingSink sink;
  Result result;
  auto scanned =
      ScanPickles(reader, allow_list, "entry.pkl", sink, result.stats, limits, max_pickles);
  EXPECT_TRUE(scanned.ok());
  if (scanned.ok()) result.scan = *scanned;
  result.findings = sink.kept();
  result.offset_after = reader.offset();
  return result;
}

bool HasKind(const Result& result, FindingKind kind) {
  return std::any_of(result.findings.begin(), result.findings.end(),
                     [kind](const Finding& f) { return f.kind == kind; });
}

std::string ShortUnicode(const std::string& text) {
  return "\x8c"s + static_cast<char>(text.size()) + text;
}

const std::string kProto4 = "\x80\x04"s;

TEST(PickleScannerTest, AllowedGlobalsPass) {
  const Result result = Scan(
      "\x80\x02"
      "ccollections\nOrderedDict\nq\x00)Rq\x01."s);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.stats.pickles, 1u);
  EXPECT_EQ(result.stats.imports, 1u);
}

TEST(PickleScannerTest, GlobalOffTheListIsNamedWithItsOffset) {
  const Result result = Scan(
      "\x80\x02"
      "cos\nsystem\nX\x02\x00\x00\x00id\x85R."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kDisallowedGlobal);
  EXPECT_EQ(result.findings[0].subject, "os.system");
  EXPECT_EQ(result.findings[0].offset, 2u);
  EXPECT_EQ(result.findings[0].location, "entry.pkl");
}

TEST(PickleScannerTest, InstImportIsChecked) {
  const Result result = Scan("(S'id'\nisubprocess\nPopen\n."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].subject, "subprocess.Popen");
}

TEST(PickleScannerTest, StackGlobalResolvesStringsFromTheMemo) {
  const std::string bytes = kProto4 + ShortUnicode("builtins") + "\x94" + ShortUnicode("decoy") +
                            "\x94" + "0" + ShortUnicode("eval") + "\x94" + "0" + "0" + "h\x00"s +
                            "h\x02\x93" + ShortUnicode("1") + "\x85R.";
  const Result result = Scan(bytes);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kDisallowedGlobal);
  EXPECT_EQ(result.findings[0].subject, "builtins.eval");
}

TEST(PickleScannerTest, StackGlobalThroughLongBinPutAndGet) {
  const std::string bytes = kProto4 + ShortUnicode("os") + "r\x10\x27\x00\x00"s + "0" +
                            ShortUnicode("system") + "j\x10\x27\x00\x00"s + "\x93N\x85R.";
  // Stack: "system" then the memoized "os": STACK_GLOBAL takes module = "system", name = "os".
  const Result result = Scan(bytes);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].subject, "system.os");
}

TEST(PickleScannerTest, ProtocolZeroStringsCanFeedStackGlobal) {
  const Result result = Scan("S'os'\nVsystem\n\x93N\x85R."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].subject, "os.system");
}

TEST(PickleScannerTest, DottedNameReachingAnAllowedObjectIsStillRejected) {
  const Result result =
      Scan(kProto4 + ShortUnicode("torch") + ShortUnicode("_utils._rebuild_tensor_v2") + "\x93.");
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kDisallowedGlobal);
}

TEST(PickleScannerTest, StackGlobalOnNonStringsIsUnresolvable) {
  const Result result = Scan(kProto4 + "K\x01" + ShortUnicode("system") + "\x93.");
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kUnresolvableImport);
}

TEST(PickleScannerTest, StackGlobalOnAnOverlongStringIsUnresolvable) {
  const std::string long_name(5000, 'a');
  const std::string bytes =
      kProto4 + ShortUnicode("os") + "X" + std::string("\x88\x13\x00\x00", 4) + long_name + "\x93.";
  const Result result = Scan(bytes);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kUnresolvableImport);
}

TEST(PickleScannerTest, ExtensionCodesAreUnresolvable) {
  for (const std::string& ext : {"\x82\x01"s, "\x83\x01\x00"s, "\x84\x01\x00\x00\x00"s}) {
    const Result result = Scan("\x80\x02" + ext + ")R.");
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].kind, FindingKind::kUnresolvableImport);
    EXPECT_EQ(result.findings[0].subject, "ext:1");
  }
}

TEST(PickleScannerTest, MalformedStreamsAreFindings) {
  struct Case {
    std::string bytes;
    std::uint64_t offset;
  };
  const std::vector<Case> cases = {
      {"", 0},                 // nothing at all
      {"\x80\x02]q\x00"s, 5},  // no STOP
      {"\x80\x02X\x64\x00\x00\x00"
       "abc"s,
       2},                                                     // string cut short
      {"\x80\x02\xff."s, 2},                                   // unknown opcode
      {"\x80\x06N."s, 0},                                      // protocol 6
      {"\x80\x02R."s, 2},                                      // REDUCE on an empty stack
      {"\x80\x02h\x05."s, 2},                                  // memo key never set
      {"\x80\x02t."s, 2},                                      // TUPLE without MARK
      {"\x80\x02T\xff\xff\xff\xff."s, 2},                      // negative BINSTRING length
      {"\x80\x02N\x8e\xff\xff\xff\xff\xff\xff\xff\x7f."s, 3},  // 2^63-byte BINBYTES8
      {"cos\nsys"s, 0},                                        // GLOBAL line cut short
      {"gabc\n."s, 0},                                         // GET key not a number
  };
  for (const Case& c : cases) {
    const Result result = Scan(c.bytes);
    ASSERT_EQ(result.findings.size(), 1u) << testing::PrintToString(c.bytes);
    EXPECT_EQ(result.findings[0].kind, FindingKind::kMalformedPickle)
        << testing::PrintToString(c.bytes);
    EXPECT_EQ(result.findings[0].offset, c.offset) << testing::PrintToString(c.bytes);
  }
}

TEST(PickleScannerTest, PopWithNothingAboveTheMarkPopsTheMark) {
  EXPECT_TRUE(Scan("(0N."s).findings.empty());
}

TEST(PickleScannerTest, ConsecutivePicklesAreAllScanned) {
  const Result result = Scan(
      "\x80\x02K\x01.\x80\x02"
      "cposix\nsystem\n."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].subject, "posix.system");
  EXPECT_EQ(result.stats.pickles, 2u);
}

TEST(PickleScannerTest, PicklesWithoutProtoFollowingOthersAreScanned) {
  // Protocol 0 and 1 pickles have no PROTO: a loader calling pickle.load again reads them.
  const Result result = Scan("\x80\x02K\x01.cos\nsystem\n."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].subject, "os.system");
  EXPECT_EQ(result.stats.pickles, 2u);
}

TEST(PickleScannerTest, TrailingBytesAreParsedAndFailWhenNoPickle) {
  const Result result = Scan("\x80\x02K\x01.\x01\x02\x03\xff"s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kMalformedPickle);
  EXPECT_EQ(result.findings[0].offset, 5u);
}

TEST(PickleScannerTest, MaxPicklesLeavesTheRestInTheReader) {
  const Result result =
      Scan("\x80\x02K\x01.\x01\x02"s, {}, GlobalAllowList::Default(), 1 << 20, 1 << 16, 1);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.offset_after, 5u);
  ASSERT_EQ(result.scan.values.size(), 1u);
  EXPECT_EQ(result.scan.values[0].kind, PickledValue::Kind::kInt);
  EXPECT_EQ(result.scan.values[0].number, 1u);
}

TEST(PickleScannerTest, BuildOnAnImportedGlobalIsAFinding) {
  // GLOBAL collections.OrderedDict, EMPTY_DICT, BUILD: sets attributes on the class itself.
  const Result on_global = Scan("\x80\x02\x63\x63ollections\nOrderedDict\n}b."s);
  EXPECT_TRUE(HasKind(on_global, FindingKind::kBuildOnGlobal));
  // BUILD on the instance REDUCE made is how objects are restored.
  const Result on_instance = Scan("\x80\x02\x63\x63ollections\nOrderedDict\n)R}b."s);
  EXPECT_TRUE(on_instance.findings.empty());
}

TEST(PickleScannerTest, PersistentIdsMustBeTorchStorageReferences) {
  // ('storage', torch.FloatStorage, '0', 'cpu', 12) as torch.save writes it.
  const std::string storage =
      "(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"
      "0"
      "X\x03\x00\x00\x00"
      "cpuK\x0ctQ."s;
  const Result good = Scan("\x80\x02"s + storage);
  EXPECT_TRUE(good.findings.empty());
  ASSERT_EQ(good.scan.storages.size(), 1u);
  EXPECT_EQ(good.scan.storages[0].key, "0");
  EXPECT_EQ(good.scan.storages[0].type, "FloatStorage");
  EXPECT_EQ(good.scan.storages[0].numel, 12u);
  for (const std::string pid :
       {"X\x04\x00\x00\x00"
        "evilQ."s,
        "Pfile:/etc/passwd\n."s, "(X\x07\x00\x00\x00storagecos\nsystem\nK\x00K\x00K\x00tQ."s}) {
    EXPECT_TRUE(HasKind(Scan("\x80\x02"s + pid), FindingKind::kUnexpectedPersistentId)) << pid;
  }
}

TEST(PickleScannerTest, WholeModulesAreNamedWithAdvice) {
  const Result result = Scan("\x80\x02\x63torch.nn.modules.linear\nLinear\n."s);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_NE(result.findings[0].message.find("state_dict"), std::string::npos);
}

TEST(PickleScannerTest, TextFailsWithoutActing) {
  // TorchScript code read as a pickle: GLOBAL of a name no import can resolve, then a stop.
  const Result code = Scan("class Linear(Module):\n  __parameters__ = []\n"s);
  EXPECT_TRUE(code.scan.malformed);
  EXPECT_FALSE(code.scan.acted);
  const Result payload = Scan("cos\nsystem\n(S'id'\ntR"s);  // no STOP: still acted
  EXPECT_TRUE(payload.scan.malformed);
  EXPECT_TRUE(payload.scan.acted);
}

TEST(PickleScannerTest, ByteAtATimeGivesTheSameResult) {
  const std::string bytes = "(dp0\nS'a'\np1\n(lp2\nI1\naI2\nasS'b'\np3\ncos\nsystem\np4\ns."s;
  const Result whole = Scan(bytes);
  const Result dribbled = Scan(bytes, {}, GlobalAllowList::Default(), 1, 1);
  ASSERT_EQ(whole.findings.size(), 1u);
  ASSERT_EQ(dribbled.findings.size(), 1u);
  EXPECT_EQ(whole.findings[0].offset, dribbled.findings[0].offset);
  EXPECT_EQ(dribbled.findings[0].subject, "os.system");
}

TEST(PickleScannerTest, StackAndMemoLimitsAreFindings) {
  PickleScanLimits limits;
  limits.max_stack = 10;
  Result result = Scan("\x80\x02" + std::string(20, 'N') + ".", limits);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kLimitExceeded);

  limits = {};
  limits.max_memo = 3;
  result = Scan(kProto4 + "N\x94\x94\x94\x94.", limits);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].kind, FindingKind::kLimitExceeded);
}

TEST(PickleScannerTest, LargeBinaryValuesAreSkippedNotBuffered) {
  const std::string payload(3 << 20, '\x42');
  const std::string bytes =
      "\x80\x04\x8e"s + std::string("\x00\x00\x30\x00\x00\x00\x00\x00", 8) + payload + ".";
  const Result result = Scan(bytes, {}, GlobalAllowList::Default(), 1 << 20, 4096);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.stats.pickles, 1u);
}

// Generated streams (tests/corpus/make_pickle_differential.py): the globals our reader names must
// be the ones Python's unpickler resolves, in order, pickle after pickle.
TEST(PickleScannerTest, GlobalsMatchPythonsUnpicklerOnGeneratedStreams) {
  const std::string corpus = std::string(MLOPS_SOURCE_DIR) + "/tests/corpus/";
  std::ifstream in(corpus + "security/pickletools_globals.json");
  ASSERT_TRUE(in.good());
  const auto expected = nlohmann::json::parse(in);
  ASSERT_GE(expected.size(), 100u);
  for (const auto& stream : expected) {
    const std::string path = stream["path"];
    std::ifstream file(corpus + path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), {});
    ASSERT_FALSE(bytes.empty()) << path;
    const Result result = Scan(bytes);
    EXPECT_FALSE(result.scan.malformed) << path;
    EXPECT_EQ(result.scan.values.size(), stream["pickles"].get<std::size_t>()) << path;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& pair : stream["pairs"]) pairs.emplace_back(pair[0], pair[1]);
    EXPECT_EQ(result.scan.globals, pairs) << path;
  }
}

TEST(GlobalAllowListTest, ExtraGlobalsAreAllowedByExactName) {
  GlobalAllowList list = GlobalAllowList::Default();
  EXPECT_FALSE(list.Allows("mypkg.layers", "Dense"));
  ASSERT_TRUE(list.Add("mypkg.layers.Dense").ok());
  EXPECT_TRUE(list.Allows("mypkg.layers", "Dense"));
  EXPECT_FALSE(list.Allows("mypkg", "layers.Dense"));
  EXPECT_EQ(list.Add("nodot").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(list.Add("trailing.").code(), StatusCode::kInvalidArgument);
}

TEST(GlobalAllowListTest, TorchScriptClassesOnlyUnderTheirOwnModule) {
  const GlobalAllowList list = GlobalAllowList::Default();
  EXPECT_TRUE(list.Allows("__torch__.torch.nn.modules.linear", "Linear"));
  EXPECT_FALSE(list.Allows("__torch__x", "Linear"));
  EXPECT_FALSE(list.Allows("os", "system"));
  EXPECT_FALSE(list.Allows("builtins", "eval"));
}

}  // namespace
}  // namespace mlops::validation::security
