#include "validation/security/artifact_scan.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "validation/security/embedded_rules.h"
#include "validation/security/onnx_external_data.h"

namespace mlops::validation::security {
namespace {

using namespace std::string_literals;

std::string Le(std::uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

// Deflates `data`: raw (zip entries) with -MAX_WBITS, gzip-wrapped with MAX_WBITS + 16.
std::string Deflate(const std::string& data, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string RawDeflate(const std::string& data) { return Deflate(data, -MAX_WBITS); }

std::string Gzip(const std::string& data) { return Deflate(data, MAX_WBITS + 16); }

// Writes zips field by field, so tests can build what no well-behaved writer would.
struct TestEntry {
  TestEntry(std::string entry_name, std::string content, bool deflated = false)
      : name(std::move(entry_name)), data(std::move(content)), deflate(deflated) {}

  std::string name;
  std::string data;  // the uncompressed content
  bool deflate = false;
  std::optional<std::uint64_t> declared_size;  // overrides the uncompressed size
  std::uint16_t flags = 0;
  std::uint16_t method_override = 0xffff;
  std::uint32_t unix_mode = 0100644;
  bool zip64 = false;  // sizes and offset in a ZIP64 extra field
  std::optional<std::uint64_t> local_offset_override;
  std::string padding;  // bytes after the data, counted in the compressed size
  bool listed = true;   // false: a local entry the central directory leaves out
};

std::string BuildZip(const std::vector<TestEntry>& entries) {
  std::string file, directory;
  for (const TestEntry& e : entries) {
    const std::string stored = (e.deflate ? RawDeflate(e.data) : e.data) + e.padding;
    const std::uint16_t method =
        e.method_override != 0xffff ? e.method_override : (e.deflate ? 8 : 0);
    const std::uint64_t size = e.declared_size.value_or(e.data.size());
    const std::uint64_t offset = e.local_offset_override.value_or(file.size());
    const std::uint32_t crc =
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size()));
    file += Le(0x04034b50, 4) + Le(20, 2) + Le(e.flags, 2) + Le(method, 2) + Le(0, 4) + Le(crc, 4) +
            Le(stored.size(), 4) + Le(size, 4) + Le(e.name.size(), 2) + Le(0, 2) + e.name + stored;
    if (!e.listed) continue;
    std::string extra;
    std::uint64_t csize = stored.size(), usize = size, coffset = offset;
    if (e.zip64) {
      extra = Le(1, 2) + Le(24, 2) + Le(usize, 8) + Le(csize, 8) + Le(coffset, 8);
      csize = usize = coffset = 0xffffffff;
    }
    directory += Le(0x02014b50, 4) + Le(3 << 8 | 20, 2) + Le(20, 2) + Le(e.flags, 2) +
                 Le(method, 2) + Le(0, 4) + Le(crc, 4) + Le(csize, 4) + Le(usize, 4) +
                 Le(e.name.size(), 2) + Le(extra.size(), 2) + Le(0, 2) + Le(0, 2) + Le(0, 2) +
                 Le(static_cast<std::uint64_t>(e.unix_mode) << 16, 4) + Le(coffset, 4) + e.name +
                 extra;
  }
  const std::uint64_t directory_offset = file.size();
  file += directory;
  const auto listed = static_cast<std::uint64_t>(
      std::count_if(entries.begin(), entries.end(), [](const TestEntry& e) { return e.listed; }));
  file += Le(0x06054b50, 4) + Le(0, 4) + Le(listed, 2) + Le(listed, 2) + Le(directory.size(), 4) +
          Le(directory_offset, 4) + Le(0, 2);
  return file;
}

struct TarMemberSpec {
  std::string name;
  std::string content;
  char type = '0';
  std::string link;
};

std::string Octal(std::uint64_t value, std::size_t width) {
  std::string digits;
  for (std::size_t i = 0; i + 1 < width; ++i, value >>= 3) {
    digits.insert(digits.begin(), static_cast<char>('0' + (value & 7)));
  }
  return digits + '\0';
}

// A ustar archive, as Python's tarfile writes one (end marker, padding to a 10 KiB record).
std::string BuildTar(const std::vector<TarMemberSpec>& members) {
  std::string tar;
  for (const TarMemberSpec& m : members) {
    std::string header(512, '\0');
    header.replace(0, m.name.size(), m.name);
    header.replace(100, 8, Octal(0644, 8));
    header.replace(108, 8, Octal(0, 8));
    header.replace(116, 8, Octal(0, 8));
    header.replace(124, 12, Octal(m.content.size(), 12));
    header.replace(136, 12, Octal(0, 12));
    header[156] = m.type;
    header.replace(157, m.link.size(), m.link);
    header.replace(257, 8,
                   std::string("ustar\0"
                               "00",
                               8));
    header.replace(148, 8, std::string(8, ' '));
    unsigned sum = 0;
    for (const char c : header) sum += static_cast<unsigned char>(c);
    header.replace(148, 8, Octal(sum, 7) + ' ');
    tar += header + m.content + std::string((512 - m.content.size() % 512) % 512, '\0');
  }
  tar += std::string(1024, '\0');
  return tar + std::string((10240 - tar.size() % 10240) % 10240, '\0');
}

std::string ReadCorpus(const std::string& relative) {
  std::ifstream in(std::string(MLOPS_SOURCE_DIR) + "/tests/corpus/security/" + relative,
                   std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A length-delimited protobuf field.
std::string Field(int number, const std::string& body) {
  std::string out(1, static_cast<char>(number << 3 | 2));
  for (std::uint64_t n = body.size();; n >>= 7) {
    if (n < 0x80) {
      out.push_back(static_cast<char>(n));
      break;
    }
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  return out + body;
}

struct Scanned {
  Status status;
  std::vector<Finding> findings;
  ArtifactScanStats stats;

  bool Has(FindingKind kind, const std::string& subject = "") const {
    for (const Finding& f : findings) {
      if (f.kind == kind && (subject.empty() || f.subject == subject)) return true;
    }
    return false;
  }
};

class ArtifactScanTest : public testing::Test {
 protected:
  Scanned Scan(const std::string& bytes, const std::string& name = "artifact",
               ModelFormat format = ModelFormat::kOther) {
    static const auto yara = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
    EXPECT_TRUE(yara.ok());
    const GlobalAllowList allow_list = GlobalAllowList::Default();
    const ScanRules rules{allow_list, yara->get(), settings_, {}};
    MemoryByteSource source(bytes);
    FindingSink sink;
    Scanned scanned;
    scanned.status = ScanArtifact(source, name, format, rules, sink, scanned.stats);
    scanned.findings = sink.kept();
    return scanned;
  }

  SecurityScanSettings settings_;
};

const std::string kEvilPickle =
    "\x80\x02"
    "cos\nsystem\nX\x02\x00\x00\x00id\x85R."s;
const std::string kCleanPickle = "\x80\x02]q\x00(K\x01K\x02e."s;

TEST_F(ArtifactScanTest, CleanZipOfPicklesPasses) {
  const Scanned scanned = Scan(BuildZip({{"m/data.pkl", kCleanPickle},
                                         {"m/extra.pkl", kCleanPickle, true},
                                         {"m/data/0", std::string(64, '\x80')}}));
  ASSERT_TRUE(scanned.status.ok());
  EXPECT_TRUE(scanned.findings.empty());
  EXPECT_EQ(scanned.stats.zip_entries, 3u);
  EXPECT_EQ(scanned.stats.pickle.pickles, 2u);
}

TEST_F(ArtifactScanTest, PicklesAreFoundByContentWhateverTheirName) {
  const Scanned stored = Scan(BuildZip({{"weights", kEvilPickle}}));
  EXPECT_TRUE(stored.Has(FindingKind::kDisallowedGlobal, "os.system"));
  const Scanned deflated = Scan(BuildZip({{"weights", kEvilPickle, true}}));
  EXPECT_TRUE(deflated.Has(FindingKind::kDisallowedGlobal, "os.system"));
  // Raw bytes no pickle names are no known format, whatever their name.
  const Scanned storage = Scan(BuildZip({{"archive/data/0", "\x80\x02garbage"s}}));
  EXPECT_TRUE(storage.Has(FindingKind::kUnknownContent)) << storage.findings.size();
}

TEST_F(ArtifactScanTest, UnsafePathsAreFindings) {
  for (const std::string name : {"/etc/cron.d/x", "..\\evil", "a/../../b", "C:/x", "a/.."}) {
    const Scanned scanned = Scan(BuildZip({{name, "x"}}));
    EXPECT_TRUE(scanned.Has(FindingKind::kUnsafeZipPath, name)) << name;
  }
  EXPECT_TRUE(Scan(BuildZip({{"a/..b/c", "x"}})).findings.empty());
}

TEST_F(ArtifactScanTest, SymlinksAreFindings) {
  TestEntry link{"model.bin", "/etc/passwd"};
  link.unix_mode = 0120777;
  EXPECT_TRUE(Scan(BuildZip({link})).Has(FindingKind::kZipSymlink, "model.bin"));
}

TEST_F(ArtifactScanTest, BombsAreCaughtWhetherDeclaredOrHidden) {
  const std::string zeros(4 << 20, '\0');
  EXPECT_TRUE(Scan(BuildZip({{"z", zeros, true}})).Has(FindingKind::kZipBomb, "z"));
  // Declared small (so the directory's ratio looks harmless): the inflater stops at the size.
  TestEntry lying{"z", zeros, true};
  lying.declared_size = 1024;
  const Scanned hidden = Scan(BuildZip({lying}));
  EXPECT_TRUE(hidden.Has(FindingKind::kMalformedZip, "z") ||
              hidden.Has(FindingKind::kZipBomb, "z"));
  // Over the entry size limit.
  settings_.zip_max_entry_bytes = 1000;
  EXPECT_TRUE(Scan(BuildZip({{"big", std::string(2000, 'x')}})).Has(FindingKind::kZipBomb, "big"));
}

TEST_F(ArtifactScanTest, ActualRatioIsCheckedWhileInflating) {
  settings_.zip_ratio_floor_bytes = 1024;
  settings_.zip_max_compression_ratio = 5;
  // Padding after the deflate stream makes the directory's ratio look like 2:1; the inflater
  // measures the bytes the stream really used.
  TestEntry entry{"text", std::string(64 << 10, 'a'), true};
  entry.padding = std::string(32 << 10, 'p');
  const Scanned scanned = Scan(BuildZip({entry}));
  ASSERT_EQ(scanned.findings.size(), 1u);
  EXPECT_EQ(scanned.findings[0].kind, FindingKind::kZipBomb);
  EXPECT_NE(scanned.findings[0].message.find("compression ratio above"), std::string::npos);
}

TEST_F(ArtifactScanTest, OverlappingOrDuplicateEntriesFail) {
  TestEntry first{"a", "payload"};
  TestEntry second{"a", "payload"};
  second.local_offset_override = 0;
  EXPECT_TRUE(Scan(BuildZip({first, second})).Has(FindingKind::kMalformedZip));
}

TEST_F(ArtifactScanTest, Zip64FieldsAreApplied) {
  TestEntry entry{"m/data.pkl", kEvilPickle};
  entry.zip64 = true;
  const Scanned scanned = Scan(BuildZip({entry}));
  ASSERT_TRUE(scanned.status.ok());
  EXPECT_TRUE(scanned.Has(FindingKind::kDisallowedGlobal, "os.system"));
}

TEST_F(ArtifactScanTest, EntriesThatCannotBeReadAreFindings) {
  TestEntry encrypted{"e.pkl", kCleanPickle};
  encrypted.flags = 1;
  EXPECT_TRUE(Scan(BuildZip({encrypted})).Has(FindingKind::kMalformedZip, "e.pkl"));
  TestEntry bzip2{"b.pkl", kCleanPickle};
  bzip2.method_override = 12;
  EXPECT_TRUE(Scan(BuildZip({bzip2})).Has(FindingKind::kMalformedZip, "b.pkl"));
  TestEntry corrupt{"c.pkl", kCleanPickle, true};
  std::string zip = BuildZip({corrupt});
  zip[30 + 5] = '\xff';  // into the deflate stream
  zip[30 + 6] = '\xff';
  const Scanned scanned = Scan(zip);
  EXPECT_FALSE(scanned.findings.empty());
}

TEST_F(ArtifactScanTest, TruncatedZipsAreFindingsNotErrors) {
  const std::string zip = ReadCorpus("benign/state_dict.pt");
  ASSERT_FALSE(zip.empty());
  for (std::size_t cut : {zip.size() - 1, zip.size() - 30, zip.size() / 2, std::size_t{10}}) {
    const Scanned scanned = Scan(zip.substr(0, cut), "model.pt");
    EXPECT_TRUE(scanned.status.ok()) << cut;
    EXPECT_FALSE(scanned.findings.empty()) << cut;
  }
}

TEST_F(ArtifactScanTest, TooManyEntriesIsAFinding) {
  settings_.zip_max_entries = 2;
  EXPECT_TRUE(Scan(BuildZip({{"a", "1"}, {"b", "2"}, {"c", "3"}})).Has(FindingKind::kZipBomb));
}

TEST_F(ArtifactScanTest, NestedZipsAreOpened) {
  const std::string inner = BuildZip({{"x",
                                       "\x80\x02"
                                       "cnumpy\nload\n."s}});
  for (const bool deflated : {false, true}) {
    const Scanned scanned = Scan(BuildZip({{"inner.bin", inner, deflated}}));
    ASSERT_FALSE(scanned.findings.empty());
    EXPECT_EQ(scanned.findings[0].kind, FindingKind::kDisallowedGlobal);
    EXPECT_EQ(scanned.findings[0].location, "inner.bin/x");
  }
}

TEST_F(ArtifactScanTest, NpyObjectArraysAreScannedAsPickles) {
  const auto npy = [](const std::string& header, const std::string& data) {
    return "\x93NUMPY\x01\x00"s + Le(header.size(), 2) + header + data;
  };
  EXPECT_TRUE(Scan(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", kEvilPickle))
                  .Has(FindingKind::kDisallowedGlobal, "os.system"));
  EXPECT_TRUE(
      Scan(npy("{'descr': [('a', '<f4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }",
               kEvilPickle))
          .Has(FindingKind::kDisallowedGlobal, "os.system"));
  // Not an object array: the bytes are numbers, never unpickled.
  EXPECT_TRUE(Scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                       "\x80\x02"
                       "cnump\n"s))
                  .findings.empty());
  EXPECT_TRUE(Scan(npy("{'fortran_order': False}", "")).Has(FindingKind::kMalformedNpy));
  EXPECT_TRUE(Scan(npy("{'descr': 12}", "")).Has(FindingKind::kMalformedNpy));
  EXPECT_TRUE(Scan("\x93NUMPY\x01\x00\xff\xff"s).Has(FindingKind::kMalformedNpy));
  EXPECT_TRUE(Scan("\x93NUMPY\x07\x00\x00\x00"s).Has(FindingKind::kMalformedNpy));
}

TEST_F(ArtifactScanTest, ProtocolZeroPicklesAreFoundWhateverTheName) {
  const std::string p0 = "cos\nsystem\n(S'id'\ntR."s;
  for (const std::string name : {"model.pth", "model.dat", "model.onnx"}) {
    const Scanned scanned = Scan(p0, name);
    EXPECT_EQ(scanned.stats.format, ArtifactFormat::kPickle) << name;
    EXPECT_TRUE(scanned.Has(FindingKind::kDisallowedGlobal, "os.system")) << name;
  }
}

TEST_F(ArtifactScanTest, OnnxWalkerRejectsWhatItCannotParse) {
  const std::string onnx = ReadCorpus("malicious/escaping_external_data.onnx");
  ASSERT_FALSE(onnx.empty());
  EXPECT_TRUE(Scan(onnx, "m.onnx").Has(FindingKind::kEscapingExternalData, "../../etc/passwd"));
  for (std::size_t cut = 1; cut < onnx.size(); cut += 7) {
    const Scanned scanned = Scan(onnx.substr(0, cut), "m.onnx");
    EXPECT_TRUE(scanned.status.ok());
    EXPECT_FALSE(scanned.findings.empty()) << cut;
  }
  EXPECT_TRUE(Scan("\x3a\xff\xff\xff\xff\x0f"s, "m.onnx").Has(FindingKind::kMalformedOnnx));
  EXPECT_TRUE(Scan("\x0f"s, "m.onnx").Has(FindingKind::kMalformedOnnx));
  // Graphs in attributes of nodes of graphs, 1000 deep: refused, not a stack overflow.
  std::string graph;
  for (int i = 0; i < 1000; ++i) {
    graph = Field(1, Field(5, Field(6, graph)));  // Graph.node(Node.attribute(Attribute.g))
  }
  const Scanned deep = Scan(Field(7, graph), "m.onnx");
  ASSERT_FALSE(deep.findings.empty());
  EXPECT_EQ(deep.findings[0].kind, FindingKind::kMalformedOnnx);
  EXPECT_NE(deep.findings[0].message.find("nest deeper"), std::string::npos);
}

TEST_F(ArtifactScanTest, OnnxExternalDataWithoutLocationIsMalformed) {
  // ModelProto.graph { initializer { name: "w" data_location: EXTERNAL } }
  const std::string tensor = "\x42\x01w\x70\x01"s;
  EXPECT_TRUE(
      Scan(Field(7, Field(5, tensor)), "m.onnx").Has(FindingKind::kMalformedOnnx, "tensor w"));
}

TEST_F(ArtifactScanTest, TarMembersAreScannedByContent) {
  const std::string tar = BuildTar({{"model/", "", '5'}, {"model/weights.bin", kEvilPickle}});
  const Scanned plain = Scan(tar);
  EXPECT_EQ(plain.stats.format, ArtifactFormat::kTar);
  EXPECT_EQ(plain.stats.tar_members, 2u);
  ASSERT_FALSE(plain.findings.empty());
  EXPECT_EQ(plain.findings[0].subject, "os.system");
  EXPECT_EQ(plain.findings[0].location, "model/weights.bin");
  const Scanned gzipped = Scan(Gzip(tar));
  EXPECT_EQ(gzipped.stats.format, ArtifactFormat::kCompressed);
  ASSERT_FALSE(gzipped.findings.empty());
  EXPECT_EQ(gzipped.findings[0].location, "[gzip]/model/weights.bin");
  EXPECT_TRUE(Scan(Gzip(BuildTar({{"model/data.pkl", kCleanPickle}}))).findings.empty());
}

TEST_F(ArtifactScanTest, TarPathsLinksAndDamageAreFindings) {
  EXPECT_TRUE(Scan(BuildTar({{"../evil.pkl", kCleanPickle}}))
                  .Has(FindingKind::kUnsafeZipPath, "../evil.pkl"));
  EXPECT_TRUE(Scan(BuildTar({{"/etc/cron.d/x", kCleanPickle}}))
                  .Has(FindingKind::kUnsafeZipPath, "/etc/cron.d/x"));
  EXPECT_TRUE(Scan(BuildTar({{"model.pt", "", '2', "/etc/passwd"}}))
                  .Has(FindingKind::kZipSymlink, "model.pt"));
  EXPECT_TRUE(
      Scan(BuildTar({{"model.pt", "", '1', "other"}})).Has(FindingKind::kZipSymlink, "model.pt"));
  std::string corrupt = BuildTar({{"a.pkl", kCleanPickle}, {"b.pkl", kEvilPickle}});
  corrupt[512 + 512] ^= 1;  // the second header's name: its checksum no longer holds
  EXPECT_TRUE(Scan(corrupt).Has(FindingKind::kMalformedTar));
  // A member name that is a pickle: pickle.load reads the tar from its first byte.
  const std::string polyglot = BuildTar({{"cos\nsystem\n(S'id'\ntR.", kCleanPickle}});
  EXPECT_TRUE(Scan(polyglot).Has(FindingKind::kDisallowedGlobal, "os.system"));
  EXPECT_TRUE(Scan(Gzip(polyglot)).Has(FindingKind::kDisallowedGlobal, "os.system"));
  // A name that starts like a pickle but needs more than the sniffed prefix to decide.
  EXPECT_TRUE(Scan(Gzip(BuildTar({{"code/x.py", std::string(2000, 'y')}}))).findings.empty());
  std::string trailing = BuildTar({{"a.pkl", kCleanPickle}});
  trailing.back() = 'x';  // after the end-of-archive blocks, where tarfile no longer looks
  EXPECT_TRUE(Scan(trailing).Has(FindingKind::kMalformedTar));
}

TEST_F(ArtifactScanTest, CompressedStreamsAreOpenedUnderLimits) {
  EXPECT_TRUE(Scan(Gzip(kEvilPickle)).Has(FindingKind::kDisallowedGlobal, "os.system"));
  const std::string gz = Gzip(kCleanPickle);
  EXPECT_TRUE(Scan(gz.substr(0, gz.size() - 6)).Has(FindingKind::kMalformedCompressed));
  // A magic number alone: the decoder must recognise the data, not pass it through.
  EXPECT_TRUE(Scan("\x1f\x8b\x09\x00garbage"s).Has(FindingKind::kMalformedCompressed));
  EXPECT_TRUE(Scan("BZh9garbage"s).Has(FindingKind::kMalformedCompressed));
  // Zeros explained by no format are a bomb; the same zeros as an npy array are not.
  const std::string zeros(4 << 20, '\0');
  EXPECT_TRUE(Scan(Gzip(zeros)).Has(FindingKind::kZipBomb));
  const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576,), }";
  const std::string npy = "\x93NUMPY\x01\x00"s + Le(header.size(), 2) + header + zeros;
  EXPECT_TRUE(Scan(Gzip(npy)).findings.empty());
  EXPECT_TRUE(Scan(BuildZip({{"a.npy", npy, true}})).findings.empty());
  // In a compressed tar each member is judged by its own bytes.
  EXPECT_TRUE(Scan(Gzip(BuildTar({{"version", "3\n"}, {"a.npy", npy}}))).findings.empty());
  EXPECT_TRUE(
      Scan(Gzip(BuildTar({{"a.npy", npy}, {"zeros.bin", zeros}}))).Has(FindingKind::kZipBomb));
  // The absolute limit holds whatever the content.
  settings_.max_decompressed_bytes = 1 << 20;
  EXPECT_TRUE(Scan(Gzip(npy)).Has(FindingKind::kZipBomb));
}

TEST_F(ArtifactScanTest, NestingIsBounded) {
  settings_.max_nesting_depth = 2;
  const std::string two = BuildZip({{"b.zip", BuildZip({{"c.pkl", kCleanPickle}})}});
  EXPECT_TRUE(Scan(two).findings.empty());
  EXPECT_TRUE(Scan(BuildZip({{"a.zip", two, true}})).Has(FindingKind::kLimitExceeded));
}

TEST_F(ArtifactScanTest, ZipsThatReadersCouldReadDifferentlyFail) {
  const std::string zip = BuildZip({{"m/data.pkl", kCleanPickle}});
  ASSERT_TRUE(Scan(zip).findings.empty());
  const auto fails = [&](const std::string& bytes, const char* why) {
    EXPECT_TRUE(Scan(bytes).Has(FindingKind::kMalformedZip)) << why;
  };
  std::string count = zip;
  count[count.size() - 22 + 8] = 2;  // entries on this disk: 2, in all: 1
  fails(count, "end record counts disagree");
  fails(zip + "x", "bytes after the end record");
  fails("junk" + zip, "data before the first entry shifts zipfile's offsets");
  TestEntry hidden{"m/evil.pkl", kEvilPickle};
  hidden.listed = false;
  fails(BuildZip({hidden, {"m/data.pkl", kCleanPickle}}), "a local entry the directory omits");
  std::string crc = zip;
  crc[30 + 10 + 2] ^= 1;  // a byte of the stored pickle
  fails(crc, "data that does not match its CRC-32");
  TestEntry first{"a", "1"}, second{"a", "2"};
  fails(BuildZip({first, second}), "two entries of one name");
}

TEST_F(ArtifactScanTest, TorchStoragesAreDataOnlyWhenAPickleNamesThem) {
  const std::string pickle =
      "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"s + "0" +
      "X\x03\x00\x00\x00"s + "cpuK\x02tQ.";
  const std::string storage = "\x80\x02garbage!";  // 2 floats of raw bytes
  EXPECT_TRUE(Scan(BuildZip({{"m/data/0", storage}, {"m/data.pkl", pickle}})).findings.empty());
  EXPECT_TRUE(Scan(BuildZip({{"m/data/1", storage}, {"m/data.pkl", pickle}}))
                  .Has(FindingKind::kUnknownContent));
}

TEST_F(ArtifactScanTest, TextIsDataInsideArchivesOnly) {
  const std::string code = "class Linear(Module):\n  __parameters__ = [\"weight\", ]\n";
  EXPECT_TRUE(Scan(BuildZip({{"m/code/__torch__.py", code, true}})).findings.empty());
  EXPECT_TRUE(Scan(BuildTar({{"version", "3\n"}})).findings.empty());
  EXPECT_TRUE(Scan(code).Has(FindingKind::kUnknownContent));
}

// torch.save(..., _use_new_zipfile_serialization=False): five pickles, then per storage an
// 8-byte element count and the raw bytes. A count of 128 starts with 0x80, which is no PROTO.
std::string LegacyTorch(std::uint8_t numel_in_pid, std::uint64_t numel_in_file) {
  const std::string magic = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."s;
  const std::string protocol = "\x80\x02M\xe9\x03."s;
  const std::string sys_info = "\x80\x02}q\x00."s;
  const std::string data =
      "\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00"s + "0" +
      "X\x03\x00\x00\x00"s + "cpuK" + static_cast<char>(numel_in_pid) + "NtQ.";
  const std::string keys = "\x80\x02]q\x00X\x01\x00\x00\x00"s + "0" + "a.";
  return magic + protocol + sys_info + data + keys + Le(numel_in_file, 8) +
         std::string(numel_in_file * 4, '\x01');
}

TEST_F(ArtifactScanTest, LegacyTorchLayoutIsReadAsTorchWritesIt) {
  const Scanned clean = Scan(LegacyTorch(128, 128));
  EXPECT_TRUE(clean.findings.empty()) << clean.findings[0].message;
  EXPECT_EQ(clean.stats.format, ArtifactFormat::kPickle);
  EXPECT_EQ(clean.stats.pickle.pickles, 5u);
  EXPECT_TRUE(Scan(LegacyTorch(128, 127)).Has(FindingKind::kMalformedPickle));
  EXPECT_TRUE(Scan(LegacyTorch(128, 128) + kEvilPickle).Has(FindingKind::kMalformedPickle));
}

TEST_F(ArtifactScanTest, NpyHeadersFollowNumpysGrammarStrictly) {
  const auto npy = [](const std::string& header, std::size_t data = 8) {
    return "\x93NUMPY\x01\x00"s + Le(header.size(), 2) + header + std::string(data, '\0');
  };
  EXPECT_TRUE(
      Scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }   \n")).findings.empty());
  EXPECT_TRUE(Scan(npy("{'descr': [('a', '<f4'), ('b', '<i2', (2,))], 'fortran_order': True, "
                       "'shape': (1,), }",
                       8))
                  .findings.empty());
  for (const std::string header : {
           "{'descr': '|O', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } # comment",
           "{'descr': '<' 'f8', 'fortran_order': False, 'shape': (1,), }",
           "{'descr': '\\x4f', 'fortran_order': False, 'shape': (1,), }",
           "{'descr': 'object', 'fortran_order': False, 'shape': (1,), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1, }",
           "{'descr': '<f8', 'shape': (1,), }",
           "{'descr': '<f8', 'fortran_order': False, 'shape': (1), }",
       }) {
    EXPECT_TRUE(Scan(npy(header)).Has(FindingKind::kMalformedNpy)) << header;
  }
  EXPECT_TRUE(Scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"))
                  .Has(FindingKind::kMalformedNpy));  // 8 bytes for 16
  EXPECT_TRUE(Scan(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 9))
                  .Has(FindingKind::kMalformedNpy));  // a byte numpy never reads
}

TEST_F(ArtifactScanTest, OnnxModelsAreParsedStrictlyAndAsPickles) {
  const std::string model = "\x08\x07"s + Field(7, Field(1, ""));  // ir_version 7, a graph
  const Scanned clean = Scan(model);
  EXPECT_EQ(clean.stats.format, ArtifactFormat::kOnnx);
  EXPECT_TRUE(clean.findings.empty());
  // A field ONNX does not define: no ONNX model, and no pickle either.
  const std::string padded = model + Field(15, kEvilPickle);
  EXPECT_TRUE(Scan(padded, "m.onnx").Has(FindingKind::kMalformedOnnx));
  EXPECT_TRUE(Scan(padded).Has(FindingKind::kUnknownContent));
}

TEST(ExternalDataLocationTest, StaysInsideTheModelDirectory) {
  EXPECT_TRUE(ExternalDataLocationStaysInside("weights.bin"));
  EXPECT_TRUE(ExternalDataLocationStaysInside("w/../weights.bin"));
  EXPECT_TRUE(ExternalDataLocationStaysInside("./w/x.bin"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("../weights.bin"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("w/../../x"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("..\\x"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("/etc/passwd"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("\\\\server\\share"));
  EXPECT_FALSE(ExternalDataLocationStaysInside("C:\\x"));
  EXPECT_FALSE(ExternalDataLocationStaysInside(""));
}

}  // namespace
}  // namespace mlops::validation::security
