#include "validation/security/artifact_scan.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "validation/security/npy_header.h"
#include "validation/security/onnx_external_data.h"
#include "validation/security/zip_reader.h"

namespace mlops::validation::security {
namespace {

// What the bytes of one stream (the artifact, or a zip entry) are parsed as. kZipEntry: decided
// by the entry's name and first bytes.
enum class Content { kPickle, kNpy, kOpaque, kZipEntry };

bool EndsWith(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

// Extensions under which plain (non-zip) pickles are loaded, including protocols 0 and 1,
// which start with no magic.
bool HasPickleExtension(std::string_view name) {
  for (const std::string_view extension :
       {".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt", ".joblib"}) {
    if (EndsWith(name, extension)) return true;
  }
  return false;
}

bool StartsWithProto(std::string_view prefix) {
  return prefix.size() >= 2 && static_cast<unsigned char>(prefix[0]) == 0x80 &&
         static_cast<unsigned char>(prefix[1]) <= 5;
}

// PyTorch archives keep tensor bytes in <archive>/data/<key>: raw numbers, which may start with
// anything, so they are never sniffed as pickles.
bool IsTorchStorageEntry(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view dir = name.substr(0, slash);
  return dir == "data" || dir.ends_with("/data");
}

Content EntryContent(std::string_view name, std::string_view prefix) {
  // TorchScript writes data.pkl, constants.pkl and code/**/*.debug_pkl.
  if (EndsWith(name, "pkl") || EndsWith(name, ".pickle")) return Content::kPickle;
  if (EndsWith(name, ".npy") || HasNpyMagic(prefix)) return Content::kNpy;
  if (!IsTorchStorageEntry(name) && StartsWithProto(prefix)) return Content::kPickle;
  return Content::kOpaque;
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

// The first bytes of the artifact, for telling formats apart.
StatusOr<std::string> Prefix(ByteSource& source) {
  std::string prefix(8, '\0');
  ASSIGN_OR_RETURN(const std::size_t got, source.ReadAt(0, prefix.data(), prefix.size()));
  prefix.resize(got);
  return prefix;
}

class ArtifactScanner {
 public:
  ArtifactScanner(ByteSource& source, const ScanRules& rules, FindingSink& findings,
                  ArtifactScanStats& stats)
      : source_(source), rules_(rules), findings_(findings), stats_(stats) {}

  Status ScanFile(std::string_view file_name, ModelFormat declared) {
    stats_.bytes = source_.size();
    ASSIGN_OR_RETURN(const std::string prefix, Prefix(source_));
    if (declared == ModelFormat::kOnnx || EndsWith(file_name, ".onnx")) {
      stats_.format = ArtifactFormat::kOnnx;
      RETURN_IF_ERROR(ScanOnnxExternalData(source_, findings_));
      SourceRangeStream whole(source_, 0, source_.size());
      return ScanStream(whole, Content::kOpaque, "");
    }
    if (HasZipMagic(prefix)) {
      stats_.format = ArtifactFormat::kZip;
      return ScanZip();
    }
    Content content = Content::kOpaque;
    if (HasNpyMagic(prefix)) {
      stats_.format = ArtifactFormat::kNpy;
      content = Content::kNpy;
    } else if (StartsWithProto(prefix) || HasPickleExtension(file_name)) {
      stats_.format = ArtifactFormat::kPickle;
      content = Content::kPickle;
    }
    SourceRangeStream whole(source_, 0, source_.size());
    return ScanStream(whole, content, "");
  }

 private:
  Status ScanZip() {
    auto entries = ReadZipDirectory(source_, rules_.settings.zip_max_entries);
    if (!entries.ok()) {
      if (entries.status().code() == StatusCode::kInternal) return entries.status();
      const bool too_many = entries.status().code() == StatusCode::kTooLarge;
      Add(too_many ? FindingKind::kZipBomb : FindingKind::kMalformedZip, "", 0, "",
          "zip directory: " + entries.status().message());
      return OkStatus();
    }
    stats_.zip_entries = entries->size();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> extents;  // [header, end of data)
    for (const ZipEntry& entry : *entries) {
      ASSIGN_OR_RETURN(const std::optional<std::uint64_t> data_offset, CheckEntry(entry));
      if (!data_offset) continue;
      extents.emplace_back(entry.local_header_offset, *data_offset + entry.compressed_size);
      RETURN_IF_ERROR(ScanEntry(entry, *data_offset));
    }
    CheckOverlaps(extents);
    return OkStatus();
  }

  // Records what is wrong with an entry before its content is read. Returns where its data
  // starts, or nullopt when the content must not or cannot be scanned.
  StatusOr<std::optional<std::uint64_t>> CheckEntry(const ZipEntry& entry) {
    const SecurityScanSettings& settings = rules_.settings;
    if (IsUnsafePath(entry.name)) {
      Add(FindingKind::kUnsafeZipPath, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\" has an absolute path or `..` and could be written "
          "outside the extraction directory");
    }
    if (entry.IsSymlink()) {
      Add(FindingKind::kZipSymlink, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\" is a symbolic link");
      return std::optional<std::uint64_t>();
    }
    if (entry.IsEncrypted()) {
      Add(FindingKind::kMalformedZip, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\" is encrypted and cannot be scanned");
      return std::optional<std::uint64_t>();
    }
    if (entry.uncompressed_size > settings.zip_max_entry_bytes) {
      Add(FindingKind::kZipBomb, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\" declares " + std::to_string(entry.uncompressed_size) +
              " bytes, more than the limit of " + std::to_string(settings.zip_max_entry_bytes));
      return std::optional<std::uint64_t>();
    }
    if (entry.uncompressed_size >= settings.zip_ratio_floor_bytes &&
        static_cast<double>(entry.uncompressed_size) >
            settings.zip_max_compression_ratio *
                static_cast<double>(std::max<std::uint64_t>(entry.compressed_size, 1))) {
      Add(FindingKind::kZipBomb, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\" declares a compression ratio above " +
              std::to_string(static_cast<int>(settings.zip_max_compression_ratio)) + ":1 (" +
              std::to_string(entry.compressed_size) + " -> " +
              std::to_string(entry.uncompressed_size) + " bytes)");
      return std::optional<std::uint64_t>();
    }
    auto data_offset = LocateZipEntryData(source_, entry);
    if (!data_offset.ok()) {
      if (data_offset.status().code() == StatusCode::kInternal) return data_offset.status();
      Add(FindingKind::kMalformedZip, entry.name, entry.local_header_offset, entry.name,
          "zip entry \"" + entry.name + "\": " + data_offset.status().message());
      return std::optional<std::uint64_t>();
    }
    return std::optional<std::uint64_t>(*data_offset);
  }

  Status ScanEntry(const ZipEntry& entry, std::uint64_t data_offset) {
    if (entry.name.ends_with('/') && entry.uncompressed_size == 0) return OkStatus();
    const SecurityScanSettings& settings = rules_.settings;
    const InflateLimits limits{settings.zip_max_entry_bytes, settings.zip_max_compression_ratio,
                               settings.zip_ratio_floor_bytes};
    auto stream = OpenZipEntry(source_, entry, data_offset, limits);
    if (!stream.ok()) {
      Add(FindingKind::kMalformedZip, entry.name, 0, entry.name,
          "zip entry \"" + entry.name + "\": " + stream.status().message());
      return OkStatus();
    }
    return ScanStream(**stream, Content::kZipEntry, entry.name);
  }

  // A stream is parsed as `content` while YARA sees every byte of it.
  Status ScanStream(ByteStream& stream, Content content, const std::string& location) {
    std::unique_ptr<YaraStreamScanner> yara;
    std::unique_ptr<YaraTeeStream> tee;
    ByteStream* input = &stream;
    if (rules_.yara != nullptr) {
      yara = std::make_unique<YaraStreamScanner>(*rules_.yara, location, findings_);
      tee = std::make_unique<YaraTeeStream>(stream, *yara);
      input = tee.get();
    }
    Status status = ParseContent(*input, content, location);
    if (status.ok() && tee) status = tee->DrainAndFinish();
    return StreamError(status, location);
  }

  Status ParseContent(ByteStream& stream, Content content, const std::string& location) {
    StreamReader reader(stream);
    if (content == Content::kZipEntry) {
      ASSIGN_OR_RETURN(const std::string_view prefix, reader.PeekPrefix(8));
      content = EntryContent(location, prefix);
    }
    if (content == Content::kNpy) {
      auto is_object = ReadNpyHeaderIsObjectArray(reader);
      if (!is_object.ok()) {
        if (is_object.status().code() != StatusCode::kMalformed) return is_object.status();
        Add(FindingKind::kMalformedNpy, location, reader.offset(), "",
            "npy header cannot be parsed: " + is_object.status().message());
        return OkStatus();
      }
      if (!*is_object) return OkStatus();
      content = Content::kPickle;
    }
    if (content == Content::kPickle) {
      return ScanPickles(reader, rules_.allow_list, location, findings_, stats_.pickle,
                         rules_.pickle_limits);
    }
    return OkStatus();
  }

  // Turns a stream's error into a finding where it describes the data (a bomb, corrupt deflate
  // data); read failures stay errors.
  Status StreamError(const Status& status, const std::string& location) {
    switch (status.code()) {
      case StatusCode::kOk: return OkStatus();
      case StatusCode::kTooLarge:
        Add(FindingKind::kZipBomb, location, 0, location,
            "zip entry \"" + location + "\" " + status.message());
        return OkStatus();
      case StatusCode::kInvalidArgument:
        Add(FindingKind::kMalformedZip, location, 0, location,
            "zip entry \"" + location + "\": " + status.message());
        return OkStatus();
      default:
        return status;
    }
  }

  // Entries sharing bytes are how non-recursive zip bombs multiply one deflate stream.
  void CheckOverlaps(std::vector<std::pair<std::uint64_t, std::uint64_t>>& extents) {
    std::sort(extents.begin(), extents.end());
    for (std::size_t i = 1; i < extents.size(); ++i) {
      if (extents[i].first < extents[i - 1].second) {
        Add(FindingKind::kZipBomb, "", extents[i].first, "",
            "zip entries overlap (at byte " + std::to_string(extents[i].first) +
                "), the shape of a non-recursive zip bomb");
        return;
      }
    }
  }

  void Add(FindingKind kind, const std::string& location, std::uint64_t offset,
           const std::string& subject, std::string message) {
    findings_.Add({kind, location, offset, subject, std::move(message)});
  }

  ByteSource& source_;
  const ScanRules& rules_;
  FindingSink& findings_;
  ArtifactScanStats& stats_;
};

}  // namespace

std::string_view ToString(ArtifactFormat format) {
  switch (format) {
    case ArtifactFormat::kZip: return "zip";
    case ArtifactFormat::kPickle: return "pickle";
    case ArtifactFormat::kNpy: return "npy";
    case ArtifactFormat::kOnnx: return "onnx";
    case ArtifactFormat::kOpaque: return "opaque";
  }
  return "opaque";
}

Status ScanArtifact(ByteSource& source, std::string_view file_name, ModelFormat declared,
                    const ScanRules& rules, FindingSink& findings, ArtifactScanStats& stats) {
  ArtifactScanner scanner(source, rules, findings, stats);
  return scanner.ScanFile(file_name, declared);
}

}  // namespace mlops::validation::security
