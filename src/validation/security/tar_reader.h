#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"

namespace mlops::validation::security {

constexpr std::size_t kTarBlockSize = 512;

// True when `prefix` starts with a tar header block whose checksum holds: how Python's tarfile
// (and torch.load, which tries it on every non-zip file) recognises a tar, magic or not.
bool LooksLikeTar(std::string_view prefix);

struct TarMember {
  enum class Type { kFile, kDirectory, kLink, kSpecial };
  std::string name;       // after pax and GNU long names, with the ustar prefix
  std::string raw_name;   // the header's own name field, as readers ignoring the prefix see it
  std::string link_name;  // for links
  Type type = Type::kFile;
  std::uint64_t size = 0;
  std::uint64_t header_offset = 0;
};

// Reads a tar archive member by member from a stream, as Python's tarfile reads it: ustar and
// GNU headers, pax extended headers (path, linkpath, size) and GNU long names. Headers with a
// bad checksum, pax global headers, sparse members and non-zero bytes after the end-of-archive
// block are Malformed (tarfile would silently stop at the first, other readers go on). Not
// thread-safe.
class TarReader {
 public:
  explicit TarReader(StreamReader& reader) : reader_(reader) {}

  // The next member, its content ready to read through Content(); nullopt after the end of the
  // archive (the rest of the stream checked to be zeros). Skips what was left of the previous
  // member's content. Returns Malformed naming the problem.
  StatusOr<std::optional<TarMember>> Next();

  // The current member's content: exactly its size in bytes.
  ByteStream& Content() { return content_; }

 private:
  class ContentStream : public ByteStream {
   public:
    explicit ContentStream(StreamReader& reader) : reader_(reader) {}
    void Reset(std::uint64_t size) { left_ = size; }
    std::uint64_t left() const { return left_; }
    StatusOr<std::size_t> Read(char* out, std::size_t n) override;

   private:
    StreamReader& reader_;
    std::uint64_t left_ = 0;
  };

  Status SkipRest();
  StatusOr<std::string> ReadMetadataContent(std::uint64_t size);

  StreamReader& reader_;
  ContentStream content_{reader_};
  std::uint64_t padding_ = 0;  // bytes after the current member's content to the next block
  bool ended_ = false;
};

}  // namespace mlops::validation::security
