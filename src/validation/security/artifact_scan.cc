#include "validation/security/artifact_scan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "validation/security/compressed_stream.h"
#include "validation/security/npy_header.h"
#include "validation/security/onnx_external_data.h"
#include "validation/security/tar_reader.h"
#include "validation/security/zip_reader.h"

namespace mlops::validation::security {
namespace {

// Bytes read to tell formats apart: a tar header block and then some.
constexpr std::size_t kSniffBytes = 1024;
// The legacy torch.save magic number, 0x1950a86a20f9469cfc6c, as LONG1 writes it.
constexpr std::string_view kLegacyTorchMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
constexpr std::uint64_t kLegacyTorchProtocol = 1001;

bool EndsWith(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string Join(const std::string& location, std::string_view name) {
  return location.empty() ? std::string(name) : location + "/" + std::string(name);
}

bool IsUnsafePath(std::string_view name) {
  if (name.empty() || name[0] == '/' || name[0] == '\\') return true;
  if (name.size() >= 2 && name[1] == ':') return true;
  if (name.find('\0') != std::string_view::npos) return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t stop = name.find_first_of("/\\", start);
    if (stop == std::string_view::npos) stop = name.size();
    if (name.substr(start, stop - start) == "..") return true;
    start = stop + 1;
  }
  return false;
}

// Whether the last 64 KiB hold an end-of-central-directory signature: Python's zipfile opens
// such a file as a zip whatever its first bytes are.
StatusOr<bool> HasZipTail(ByteSource& source) {
  const std::uint64_t tail_size = std::min<std::uint64_t>(source.size(), 22 + 0xffff);
  std::string tail(tail_size, '\0');
  ASSIGN_OR_RETURN(const std::size_t got,
                   source.ReadAt(source.size() - tail_size, tail.data(), tail.size()));
  tail.resize(got);
  return tail.find(std::string_view("PK\x05\x06", 4)) != std::string::npos;
}

// Replays a sniffed prefix, then the rest of the stream it came from.
class ReplayStream : public ByteStream {
 public:
  ReplayStream(std::string prefix, ByteStream& rest) : prefix_(std::move(prefix)), rest_(rest) {}
  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    if (at_ < prefix_.size()) {
      const std::size_t take = std::min(n, prefix_.size() - at_);
      prefix_.copy(out, take, at_);
      at_ += take;
      return take;
    }
    return rest_.Read(out, n);
  }

 private:
  std::string prefix_;
  std::size_t at_ = 0;
  ByteStream& rest_;
};

// Passes a stream through, noting whether every byte is text (UTF-8 and the usual whitespace;
// no NUL or other control bytes).
class TextTracker : public ByteStream {
 public:
  explicit TextTracker(ByteStream& inner) : inner_(inner) {}
  bool text() const { return text_; }
  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    ASSIGN_OR_RETURN(const std::size_t got, inner_.Read(out, n));
    for (std::size_t i = 0; i < got && text_; ++i) {
      const auto byte = static_cast<unsigned char>(out[i]);
      text_ = byte >= 0x20 ? byte != 0x7f : (byte == '\n' || byte == '\t' || byte == '\r');
    }
    return got;
  }

 private:
  ByteStream& inner_;
  bool text_ = true;
};

StatusOr<std::string> Sniff(ByteStream& stream) {
  std::string prefix(kSniffBytes, '\0');
  std::size_t have = 0;
  while (have < prefix.size()) {
    ASSIGN_OR_RETURN(const std::size_t got,
                     stream.Read(prefix.data() + have, prefix.size() - have));
    if (got == 0) break;
    have += got;
  }
  prefix.resize(have);
  return prefix;
}

// One stream to scan and what surrounds it.
struct Input {
  ByteSource* source = nullptr;  // random access to the same bytes, when there is one
  ByteStream* stream = nullptr;  // the bytes from the start
  // The nearest decompression the bytes come out of: its ratio is enforced on content that is
  // no format explaining it.
  DecompressingStream* decompressing = nullptr;
  // Inside an archive: inert text is data, and so are storages the archive's pickles name.
  bool in_archive = false;
  bool referenced_storage = false;
};

class ArtifactScanner {
 public:
  ArtifactScanner(const ScanRules& rules, FindingSink& findings, ArtifactScanStats& stats)
      : rules_(rules),
        findings_(findings),
        stats_(stats),
        budget_(rules.settings.max_decompressed_bytes) {}

  Status ScanFile(ByteSource& source, std::string_view file_name, ModelFormat declared) {
    stats_.bytes = source.size();
    declared_onnx_ = declared == ModelFormat::kOnnx || EndsWith(file_name, ".onnx");
    SourceRangeStream whole(source, 0, source.size());
    return Scan({&source, &whole, nullptr, false, false}, "", 0);
  }

 private:
  void SetFormat(int depth, ArtifactFormat format) {
    if (depth == 0) stats_.format = format;
  }

  Status Scan(const Input& input, const std::string& location, int depth) {
    if (depth > rules_.settings.max_nesting_depth) {
      Add(FindingKind::kLimitExceeded, location, 0, location,
          "archives and compressed streams nest deeper than " +
              std::to_string(rules_.settings.max_nesting_depth) + " levels at \"" + location +
              "\"");
      return OkStatus();
    }
    ASSIGN_OR_RETURN(std::string prefix, Sniff(*input.stream));
    ReplayStream replay(prefix, *input.stream);
    if (input.referenced_storage)
      return ScanSequential(replay, location, [](auto&) { return OkStatus(); });
    if (HasZipMagic(prefix)) {
      SetFormat(depth, ArtifactFormat::kZip);
      if (input.source != nullptr) return ScanZip(*input.source, location, depth);
      ASSIGN_OR_RETURN(auto spilled, FileByteSource::Spill(replay));
      return ScanZip(*spilled, location, depth);
    }
    if (const Compression compression = SniffCompression(prefix);
        compression != Compression::kNone) {
      SetFormat(depth, ArtifactFormat::kCompressed);
      return ScanSequential(replay, location, [&](ByteStream& stream) {
        return ScanCompressed(stream, compression, input, location, depth);
      });
    }
    if (LooksLikeTar(prefix)) {
      SetFormat(depth, ArtifactFormat::kTar);
      // pickle.load reads a tar from its first header on: a member name can be a pickle. The
      // whole content is probed when it can be re-read, else the prefix, and all of it (spilled)
      // only when the prefix cannot decide.
      std::unique_ptr<FileByteSource> spilled;
      ByteSource* whole = input.source;
      if (whole == nullptr) {
        MemoryByteSource sniffed(prefix);
        SourceRangeStream head(sniffed, 0, prefix.size());
        ASSIGN_OR_RETURN(const bool undecided, SniffPickle(head, location));
        if (undecided) {
          ASSIGN_OR_RETURN(spilled, FileByteSource::Spill(replay));
          whole = spilled.get();
        }
      }
      if (whole != nullptr) {
        SourceRangeStream all(*whole, 0, whole->size());
        RETURN_IF_ERROR(SniffPickle(all, location).status());
      }
      std::optional<SourceRangeStream> from_spill;
      if (spilled) from_spill.emplace(*spilled, 0, spilled->size());
      ByteStream& tar = from_spill ? static_cast<ByteStream&>(*from_spill) : replay;
      return ScanSequential(tar, location, [&](ByteStream& stream) {
        return ScanTar(stream, input, location, depth);
      });
    }
    if (HasNpyMagic(prefix)) {
      SetFormat(depth, ArtifactFormat::kNpy);
      return ScanSequential(replay, location,
                            [&](ByteStream& stream) { return ScanNpy(stream, input, location); });
    }
    if (input.source != nullptr) {
      ASSIGN_OR_RETURN(const bool zip_tail, HasZipTail(*input.source));
      if (zip_tail) RETURN_IF_ERROR(ScanZip(*input.source, location, depth));
      FindingSink onnx_findings;
      ASSIGN_OR_RETURN(const bool onnx, ScanOnnxModel(*input.source, onnx_findings));
      if (onnx || (depth == 0 && declared_onnx_)) Merge(onnx_findings, location);
      if (onnx) {
        // A polyglot is read as a pickle by pickle.load: only a pickle's findings count.
        SetFormat(depth, ArtifactFormat::kOnnx);
        return ScanSequential(replay, location, [&](ByteStream& stream) {
          return SniffPickle(stream, location).status();
        });
      }
    }
    SetFormat(depth, ArtifactFormat::kPickle);
    return ScanSequential(replay, location, [&](ByteStream& stream) {
      return ScanPickleContent(stream, input, location);
    });
  }

  // Parses a stream with `parse` while YARA sees every byte of it, to its end.
  template <typename Parse>
  Status ScanSequential(ByteStream& stream, const std::string& location, Parse parse) {
    std::unique_ptr<YaraStreamScanner> yara;
    std::unique_ptr<YaraTeeStream> tee;
    ByteStream* tapped = &stream;
    if (rules_.yara != nullptr) {
      yara = std::make_unique<YaraStreamScanner>(*rules_.yara, location, findings_);
      tee = std::make_unique<YaraTeeStream>(stream, *yara);
      tapped = tee.get();
    }
    RETURN_IF_ERROR(parse(*tapped));
    if (tee) return tee->DrainAndFinish();
    char buffer[1 << 14];
    for (;;) {
      ASSIGN_OR_RETURN(const std::size_t got, stream.Read(buffer, sizeof buffer));
      if (got == 0) return OkStatus();
    }
  }

  InflateLimits Limits() {
    const SecurityScanSettings& settings = rules_.settings;
    return {settings.zip_max_entry_bytes, settings.zip_max_compression_ratio,
            settings.zip_ratio_floor_bytes, &budget_, settings.max_decompressed_bytes};
  }

  // Turns the error of a stream this level opened into a finding where it describes the data (a
  // bomb, corrupt or truncated data); read failures stay errors.
  Status StreamError(const Status& status, FindingKind malformed, const std::string& what,
                     const std::string& location) {
    switch (status.code()) {
      case StatusCode::kOk:
        return OkStatus();
      case StatusCode::kTooLarge:
        Add(FindingKind::kZipBomb, location, 0, location, what + " " + status.message());
        return OkStatus();
      case StatusCode::kInvalidArgument:
        Add(malformed, location, 0, location, what + ": " + status.message());
        return OkStatus();
      default:
        return status;
    }
  }

  Status ScanCompressed(ByteStream& stream, Compression compression, const Input& input,
                        const std::string& location, int depth) {
    const std::string name(ToString(compression));
    std::string label = "[";  // one append at a time: GCC 12 misreads "[" + std::string
    label.append(name).append("]");
    const std::string inner = Join(location, label);
    auto decompressed = OpenDecompressed(stream, compression, Limits());
    if (!decompressed.ok()) {
      return StreamError(decompressed.status(), FindingKind::kMalformedCompressed, name + " data",
                         inner);
    }
    const Input content{nullptr, decompressed->get(), decompressed->get(), input.in_archive, false};
    return StreamError(Scan(content, inner, depth + 1), FindingKind::kMalformedCompressed,
                       name + " data", inner);
  }

  Status ScanTar(ByteStream& stream, const Input& input, const std::string& location, int depth) {
    StreamReader reader(stream);
    TarReader tar(reader);
    for (;;) {
      auto member = tar.Next();
      if (!member.ok()) {
        if (member.status().code() != StatusCode::kMalformed) return member.status();
        Add(FindingKind::kMalformedTar, location, reader.offset(), "",
            "tar archive cannot be read: " + member.status().message());
        return OkStatus();
      }
      if (!member->has_value()) return OkStatus();
      const TarMember& m = **member;
      ++stats_.tar_members;
      const std::string where = Join(location, m.name);
      if (IsUnsafePath(m.name) || IsUnsafePath(m.raw_name)) {
        Add(FindingKind::kUnsafeZipPath, where, 0, m.name,
            "tar member \"" + m.name +
                "\" has an absolute path or `..` and could be written "
                "outside the extraction directory");
      }
      if (m.type == TarMember::Type::kLink) {
        Add(FindingKind::kZipSymlink, where, 0, m.name,
            "tar member \"" + m.name + "\" is a link to \"" + m.link_name + "\"");
      } else if (m.type == TarMember::Type::kSpecial) {
        Add(FindingKind::kZipSymlink, where, 0, m.name,
            "tar member \"" + m.name + "\" is a device or FIFO");
      }
      if (m.type != TarMember::Type::kFile) continue;
      const Input content{nullptr, &tar.Content(), input.decompressing, true, false};
      const Status status = Scan(content, where, depth + 1);
      if (!status.ok()) {
        return StreamError(status, FindingKind::kMalformedTar, "tar member \"" + m.name + "\"",
                           where);
      }
    }
  }

  Status ScanNpy(ByteStream& stream, const Input& input, const std::string& location) {
    StreamReader reader(stream);
    auto header = ReadNpyHeader(reader);
    if (!header.ok()) {
      if (header.status().code() != StatusCode::kMalformed) return header.status();
      Add(FindingKind::kMalformedNpy, location, reader.offset(), "",
          "npy header cannot be parsed: " + header.status().message());
      return OkStatus();
    }
    if (header->object) {
      // numpy unpickles the data of an object array: it must be a pickle, and a clean one.
      return ScanPickles(reader, input, location, nullptr);
    }
    const Status skipped = reader.Skip(header->data_bytes);
    if (skipped.code() == StatusCode::kMalformed) {
      Add(FindingKind::kMalformedNpy, location, reader.offset(), "",
          "npy data is shorter than its header's shape and dtype say (" +
              std::to_string(header->data_bytes) + " bytes)");
      return OkStatus();
    }
    RETURN_IF_ERROR(skipped);
    ASSIGN_OR_RETURN(const int next, reader.Peek());
    if (next >= 0) {
      Add(FindingKind::kMalformedNpy, location, reader.offset(), "",
          "npy file has bytes after the " + std::to_string(header->data_bytes) +
              " its header describes");
    }
    return OkStatus();
  }

  Status ScanPickleContent(ByteStream& stream, const Input& input, const std::string& location) {
    TextTracker tracker(stream);
    StreamReader reader(tracker);
    return ScanPickles(reader, input, location, &tracker);
  }

  // Reads content of another format (ONNX, tar) as pickle.load would: a pickle's findings count
  // when it is one (it completes, or acts before failing). Returns whether the probe ran to the
  // end of `stream` without deciding, which for a prefix means more bytes are needed.
  StatusOr<bool> SniffPickle(ByteStream& stream, const std::string& location) {
    StreamReader reader(stream);
    FindingSink probe;
    PickleScanStats stats;
    ASSIGN_OR_RETURN(const PickleScanResult result,
                     security::ScanPickles(reader, rules_.allow_list, location, probe, stats,
                                           rules_.pickle_limits));
    if (result.acted || !result.values.empty()) {
      Merge(probe, location);
      return false;
    }
    ASSIGN_OR_RETURN(const int next, reader.Peek());
    return result.malformed && next < 0;
  }

  // Parses `reader` as a pickle stream (the legacy torch layout included). Content that fails
  // before acting is no pickle: data inside an archive when it is text (`tracker` non-null says
  // so once drained), an unknown_content finding otherwise.
  Status ScanPickles(StreamReader& reader, const Input& input, const std::string& location,
                     const TextTracker* tracker) {
    FindingSink probe;
    PickleScanStats stats;
    ASSIGN_OR_RETURN(PickleScanResult result,
                     security::ScanPickles(reader, rules_.allow_list, location, probe, stats,
                                           rules_.pickle_limits, 1));
    const bool legacy = !result.malformed && result.values.size() == 1 &&
                        result.values[0].kind == PickledValue::Kind::kBigInt &&
                        result.values[0].bytes == kLegacyTorchMagic;
    if (legacy) {
      RETURN_IF_ERROR(ScanLegacyTorch(reader, location, probe, stats));
    } else if (!result.malformed) {
      ASSIGN_OR_RETURN(const int next, reader.Peek());
      if (next >= 0) {
        ASSIGN_OR_RETURN(const PickleScanResult rest,
                         security::ScanPickles(reader, rules_.allow_list, location, probe, stats,
                                               rules_.pickle_limits));
        result.malformed = rest.malformed;
        result.storages.insert(result.storages.end(), rest.storages.begin(), rest.storages.end());
      }
    }
    for (const StorageReference& storage : result.storages) {
      storages_found_.emplace_back(location, storage.key);
    }
    const bool inert = result.malformed && !result.acted && result.values.empty();
    if (!inert) {
      Merge(probe, location);
      stats_.pickle.pickles += stats.pickles;
      stats_.pickle.imports += stats.imports;
      return OkStatus();
    }
    // No pickle: pickle.load raises before acting. Only a format explains a high ratio.
    if (input.decompressing != nullptr) input.decompressing->EnforceRatio(true);
    char buffer[1 << 14];
    for (;;) {
      ASSIGN_OR_RETURN(const std::size_t got, reader.ReadSome(buffer, sizeof buffer));
      if (got == 0) break;
    }
    if (input.decompressing != nullptr) input.decompressing->EnforceRatio(false);
    if (input.in_archive && tracker != nullptr && tracker->text()) return OkStatus();
    const std::string reason = probe.kept().empty() ? "" : ": " + probe.kept().front().message;
    Add(FindingKind::kUnknownContent, location, 0, "",
        (location.empty() ? std::string("the artifact") : "\"" + location + "\"") +
            " is no format the scan knows (zip, tar, gzip, bzip2, xz, npy, ONNX) and no pickle" +
            reason);
    return OkStatus();
  }

  // torch.save's legacy layout: pickles of the magic number, the protocol version, system
  // information, the data and its storage keys; then, for each key, an 8-byte element count and
  // the storage's raw bytes. Every byte must be accounted for.
  Status ScanLegacyTorch(StreamReader& reader, const std::string& location, FindingSink& probe,
                         PickleScanStats& stats) {
    ASSIGN_OR_RETURN(const PickleScanResult result,
                     security::ScanPickles(reader, rules_.allow_list, location, probe, stats,
                                           rules_.pickle_limits, 4));
    if (result.malformed) return OkStatus();
    const auto fail = [&](const std::string& message) {
      probe.Add({FindingKind::kMalformedPickle, location, reader.offset(), "",
                 "legacy torch.save file: " + message});
      return OkStatus();
    };
    if (result.values.size() != 4 || result.values[0].kind != PickledValue::Kind::kInt ||
        result.values[0].number != kLegacyTorchProtocol ||
        result.values[3].kind != PickledValue::Kind::kStringList) {
      return fail("its pickles are not protocol version, system information, data and keys");
    }
    std::map<std::string, StorageReference> storages;
    for (const StorageReference& storage : result.storages) storages.emplace(storage.key, storage);
    for (const std::string& key : result.values[3].strings) {
      const auto it = storages.find(key);
      if (it == storages.end()) return fail("storage key \"" + key + "\" is never referenced");
      std::string count;
      if (!reader.ReadExact(8, count).ok()) return fail("storage \"" + key + "\" is truncated");
      std::uint64_t numel = 0;
      for (std::size_t i = 8; i-- > 0;) numel = numel << 8 | static_cast<unsigned char>(count[i]);
      if (numel != it->second.numel) {
        return fail("storage \"" + key + "\" holds " + std::to_string(numel) +
                    " elements, its reference says " + std::to_string(it->second.numel));
      }
      const std::uint64_t element = StorageElementSize(it->second.type);
      if (numel > (std::uint64_t{1} << 60) / element ||
          reader.Skip(numel * element).code() == StatusCode::kMalformed) {
        return fail("storage \"" + key + "\" is truncated");
      }
    }
    ASSIGN_OR_RETURN(const int next, reader.Peek());
    if (next >= 0) return fail("bytes follow the last storage");
    return OkStatus();
  }

  Status ScanZip(ByteSource& source, const std::string& location, int depth) {
    auto directory = ReadZipDirectory(source, rules_.settings.zip_max_entries);
    if (!directory.ok()) {
      if (directory.status().code() == StatusCode::kInternal) return directory.status();
      const bool too_many = directory.status().code() == StatusCode::kTooLarge;
      Add(too_many ? FindingKind::kZipBomb : FindingKind::kMalformedZip, location, 0, "",
          "zip directory: " + directory.status().message());
      return OkStatus();
    }
    stats_.zip_entries += directory->entries.size();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> extents;     // [header, end)
    std::vector<std::pair<const ZipEntry*, std::uint64_t>> readable;  // entry, data offset
    for (const ZipEntry& entry : directory->entries) {
      ASSIGN_OR_RETURN(const std::optional<ZipEntryExtent> extent,
                       CheckEntry(source, entry, location));
      if (!extent) continue;
      extents.emplace_back(entry.local_header_offset, extent->end);
      if (IsReadable(entry, location)) readable.emplace_back(&entry, extent->data_offset);
    }
    if (extents.size() == directory->entries.size()) {
      CheckCoverage(extents, directory->offset, location);
    }
    // Pickles first (by name, for order only: every entry is judged by its content), so the
    // storages they name are known when the raw ones come.
    std::stable_partition(readable.begin(), readable.end(),
                          [](const auto& item) { return EndsWith(item.first->name, ".pkl"); });
    std::set<std::string> storages;
    for (const auto& [entry, data_offset] : readable) {
      RETURN_IF_ERROR(ScanEntry(source, *entry, data_offset, location, depth, storages));
    }
    return OkStatus();
  }

  // Records what is wrong with an entry's record. Returns its extent, or nullopt when its local
  // header cannot be read.
  StatusOr<std::optional<ZipEntryExtent>> CheckEntry(ByteSource& source, const ZipEntry& entry,
                                                     const std::string& location) {
    const std::string where = Join(location, entry.name);
    if (IsUnsafePath(entry.name)) {
      Add(FindingKind::kUnsafeZipPath, where, 0, entry.name,
          "zip entry \"" + entry.name +
              "\" has an absolute path or `..` and could be written "
              "outside the extraction directory");
    }
    auto extent = LocateZipEntryData(source, entry);
    if (!extent.ok()) {
      if (extent.status().code() == StatusCode::kInternal) return extent.status();
      Add(FindingKind::kMalformedZip, where, entry.local_header_offset, entry.name,
          "zip entry \"" + entry.name + "\": " + extent.status().message());
      return std::optional<ZipEntryExtent>();
    }
    return std::optional<ZipEntryExtent>(*extent);
  }

  // Whether an entry's content can be read; records why not.
  bool IsReadable(const ZipEntry& entry, const std::string& location) {
    const std::string where = Join(location, entry.name);
    if (entry.IsSymlink()) {
      Add(FindingKind::kZipSymlink, where, 0, entry.name,
          "zip entry \"" + entry.name + "\" is a symbolic link");
      return false;
    }
    if (entry.IsEncrypted()) {
      Add(FindingKind::kMalformedZip, where, 0, entry.name,
          "zip entry \"" + entry.name + "\" is encrypted and cannot be scanned");
      return false;
    }
    if (entry.uncompressed_size > rules_.settings.zip_max_entry_bytes) {
      Add(FindingKind::kZipBomb, where, 0, entry.name,
          "zip entry \"" + entry.name + "\" declares " + std::to_string(entry.uncompressed_size) +
              " bytes, more than the limit of " +
              std::to_string(rules_.settings.zip_max_entry_bytes));
      return false;
    }
    return true;
  }

  // Entries must tile the file from its first byte to the directory: overlapping entries are
  // how non-recursive bombs multiply one deflate stream, and bytes no entry claims are entries
  // the directory does not list, which a reader walking local headers would find.
  void CheckCoverage(std::vector<std::pair<std::uint64_t, std::uint64_t>>& extents,
                     std::uint64_t directory_offset, const std::string& location) {
    std::sort(extents.begin(), extents.end());
    std::uint64_t expected = 0;
    for (const auto& [start, end] : extents) {
      if (start < expected) {
        Add(FindingKind::kZipBomb, location, start, "",
            "zip entries overlap (at byte " + std::to_string(start) +
                "), the shape of a non-recursive zip bomb");
        return;
      }
      if (start > expected) break;
      expected = end;
    }
    if (expected != directory_offset) {
      Add(FindingKind::kMalformedZip, location, expected, "",
          "zip bytes " + std::to_string(expected) +
              " onwards belong to no entry the directory lists (hidden or prepended data)");
    }
  }

  Status ScanEntry(ByteSource& source, const ZipEntry& entry, std::uint64_t data_offset,
                   const std::string& location, int depth, std::set<std::string>& storages) {
    if (entry.name.ends_with('/') && entry.uncompressed_size == 0) return OkStatus();
    const std::string where = Join(location, entry.name);
    const std::string what = "zip entry \"" + entry.name + "\"";
    auto stream = OpenZipEntry(source, entry, data_offset, Limits());
    if (!stream.ok()) {
      Add(FindingKind::kMalformedZip, where, 0, entry.name,
          what + ": " + stream.status().message());
      return OkStatus();
    }
    std::optional<SubByteSource> stored;
    if (entry.method == 0) stored.emplace(source, data_offset, entry.compressed_size);
    Input input{stored ? &*stored : nullptr, stream->get(), stream->get(), true,
                storages.contains(entry.name)};
    const std::size_t first_storage = storages_found_.size();
    const Status status = Scan(input, where, depth + 1);
    // A pickle's storages: "<dir>/data.pkl" names "<dir>/data/<key>" (constants.pkl likewise).
    if (EndsWith(entry.name, ".pkl")) {
      const std::string stem = entry.name.substr(0, entry.name.size() - 4);
      for (std::size_t i = first_storage; i < storages_found_.size(); ++i) {
        if (storages_found_[i].first == where)
          storages.insert(stem + "/" + storages_found_[i].second);
      }
    }
    storages_found_.resize(first_storage);
    return StreamError(status, FindingKind::kMalformedZip, what, where);
  }

  // Copies a probe's findings, placing those it made without a location (ONNX) at `location`.
  void Merge(const FindingSink& probe, const std::string& location) {
    for (Finding finding : probe.kept()) {
      if (finding.location.empty()) finding.location = location;
      findings_.Add(std::move(finding));
    }
  }

  void Add(FindingKind kind, const std::string& location, std::uint64_t offset,
           const std::string& subject, std::string message) {
    findings_.Add({kind, location, offset, subject, std::move(message)});
  }

  const ScanRules& rules_;
  FindingSink& findings_;
  ArtifactScanStats& stats_;
  std::uint64_t budget_;
  bool declared_onnx_ = false;
  // (location, key) of the storages the pickles scanned so far name.
  std::vector<std::pair<std::string, std::string>> storages_found_;
};

}  // namespace

std::string_view ToString(ArtifactFormat format) {
  switch (format) {
    case ArtifactFormat::kZip:
      return "zip";
    case ArtifactFormat::kTar:
      return "tar";
    case ArtifactFormat::kCompressed:
      return "compressed";
    case ArtifactFormat::kPickle:
      return "pickle";
    case ArtifactFormat::kNpy:
      return "npy";
    case ArtifactFormat::kOnnx:
      return "onnx";
    case ArtifactFormat::kOpaque:
      return "opaque";
  }
  return "opaque";
}

Status ScanArtifact(ByteSource& source, std::string_view file_name, ModelFormat declared,
                    const ScanRules& rules, FindingSink& findings, ArtifactScanStats& stats) {
  ArtifactScanner scanner(rules, findings, stats);
  return scanner.ScanFile(source, file_name, declared);
}

}  // namespace mlops::validation::security
