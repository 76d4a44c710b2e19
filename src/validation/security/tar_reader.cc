#include "validation/security/tar_reader.h"

#include <algorithm>
#include <map>

namespace mlops::validation::security {
namespace {

constexpr std::uint64_t kMaxMetadataSize = 1 << 20;  // pax headers and GNU long names

std::string FieldText(const char* block, std::size_t offset, std::size_t length) {
  const std::string_view field(block + offset, length);
  return std::string(field.substr(0, field.find('\0')));
}

// Octal (NUL- or space-terminated) or GNU base-256 for sizes beyond 8 GiB.
StatusOr<std::uint64_t> Number(const char* block, std::size_t offset, std::size_t length) {
  const auto* field = reinterpret_cast<const unsigned char*>(block + offset);
  std::uint64_t value = 0;
  if ((field[0] & 0x80) != 0) {
    if (field[0] != 0x80) return Malformed("negative base-256 number in a tar header");
    for (std::size_t i = 1; i < length; ++i) {
      if (value >> 56 != 0) return Malformed("tar header number too large");
      value = value << 8 | field[i];
    }
    return value;
  }
  std::size_t i = 0;
  while (i < length && field[i] == ' ') ++i;
  const std::size_t digits_start = i;
  for (; i < length && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (value >> 60 != 0) return Malformed("tar header number too large");
    value = value << 3 | (field[i] - '0');
  }
  if (i == digits_start && i < length && field[i] != '\0' && field[i] != ' ') {
    return Malformed("tar header number is not octal");
  }
  for (; i < length; ++i) {
    if (field[i] != '\0' && field[i] != ' ') return Malformed("tar header number is not octal");
  }
  return value;
}

bool ChecksumHolds(const char* block) {
  const auto stored = Number(block, 148, 8);
  if (!stored.ok()) return false;
  std::uint64_t unsigned_sum = 0;
  std::int64_t signed_sum = 0;
  for (std::size_t i = 0; i < kTarBlockSize; ++i) {
    const bool in_field = i >= 148 && i < 156;
    unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(block[i]);
    signed_sum += in_field ? ' ' : static_cast<signed char>(block[i]);
  }
  return *stored == unsigned_sum || static_cast<std::int64_t>(*stored) == signed_sum;
}

bool IsZeroBlock(const char* block) {
  return std::all_of(block, block + kTarBlockSize, [](char c) { return c == '\0'; });
}

// "<length> <key>=<value>\n" records.
Status ParsePax(std::string_view data, std::map<std::string, std::string>& records) {
  while (!data.empty()) {
    const std::size_t space = data.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20) {
      return Malformed("bad pax record");
    }
    std::uint64_t length = 0;
    for (const char c : data.substr(0, space)) {
      if (c < '0' || c > '9') return Malformed("bad pax record length");
      length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (length <= space + 1 || length > data.size() || data[length - 1] != '\n') {
      return Malformed("bad pax record length");
    }
    const std::string_view record = data.substr(space + 1, length - space - 2);
    const std::size_t equals = record.find('=');
    if (equals == std::string_view::npos) return Malformed("pax record without '='");
    records[std::string(record.substr(0, equals))] = std::string(record.substr(equals + 1));
    data.remove_prefix(length);
  }
  return OkStatus();
}

}  // namespace

bool LooksLikeTar(std::string_view prefix) {
  return prefix.size() >= kTarBlockSize && !IsZeroBlock(prefix.data()) &&
         ChecksumHolds(prefix.data());
}

StatusOr<std::size_t> TarReader::ContentStream::Read(char* out, std::size_t n) {
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, left_));
  std::size_t done = 0;
  while (done < want) {
    ASSIGN_OR_RETURN(const int byte, reader_.Peek());
    if (byte < 0) return InvalidArgument("tar member content is truncated");
    ASSIGN_OR_RETURN(const std::size_t got, reader_.ReadSome(out + done, want - done));
    done += got;
  }
  left_ -= done;
  return done;
}

Status TarReader::SkipRest() {
  RETURN_IF_ERROR(reader_.Skip(content_.left() + padding_));
  content_.Reset(0);
  padding_ = 0;
  return OkStatus();
}

StatusOr<std::string> TarReader::ReadMetadataContent(std::uint64_t size) {
  if (size > kMaxMetadataSize) return Malformed("tar metadata member too large");
  std::string data;
  RETURN_IF_ERROR(reader_.ReadExact(static_cast<std::size_t>(size), data));
  RETURN_IF_ERROR(reader_.Skip((kTarBlockSize - size % kTarBlockSize) % kTarBlockSize));
  return data;
}

StatusOr<std::optional<TarMember>> TarReader::Next() {
  if (ended_) return std::optional<TarMember>();
  RETURN_IF_ERROR(SkipRest());
  std::map<std::string, std::string> pax;
  std::optional<std::string> long_name, long_link;
  for (;;) {
    const std::uint64_t header_offset = reader_.offset();
    ASSIGN_OR_RETURN(const int next, reader_.Peek());
    if (next < 0) return Malformed("tar archive ends without an end-of-archive block");
    std::string block;
    RETURN_IF_ERROR(reader_.ReadExact(kTarBlockSize, block));
    if (IsZeroBlock(block.data())) {
      // The end: tarfile stops here, so anything after it must be padding.
      ended_ = true;
      char buffer[4096];
      for (;;) {
        ASSIGN_OR_RETURN(const std::size_t got, reader_.ReadSome(buffer, sizeof buffer));
        if (got == 0) return std::optional<TarMember>();
        if (!std::all_of(buffer, buffer + got, [](char c) { return c == '\0'; })) {
          return Malformed("non-zero bytes after the tar end-of-archive block");
        }
      }
    }
    if (!ChecksumHolds(block.data())) {
      return Malformed("tar header at byte " + std::to_string(header_offset) +
                       " has a bad checksum");
    }
    ASSIGN_OR_RETURN(std::uint64_t size, Number(block.data(), 124, 12));
    const char type = block[156];
    if (type == 'x' || type == 'L' || type == 'K') {
      ASSIGN_OR_RETURN(std::string data, ReadMetadataContent(size));
      if (type == 'x') {
        RETURN_IF_ERROR(ParsePax(data, pax));
      } else {
        data = data.substr(0, data.find('\0'));
        (type == 'L' ? long_name : long_link) = std::move(data);
      }
      continue;
    }
    if (type == 'g') return Malformed("tar pax global header (changes every later member)");
    if (type == 'S') return Malformed("sparse tar member");
    TarMember member;
    member.header_offset = header_offset;
    member.raw_name = FieldText(block.data(), 0, 100);
    member.name = member.raw_name;
    const std::string prefix = FieldText(block.data(), 345, 155);
    // tarfile joins the prefix whatever the magic says.
    if (!prefix.empty()) member.name = prefix + "/" + member.name;
    member.link_name = FieldText(block.data(), 157, 100);
    if (long_name) member.name = *long_name;
    if (long_link) member.link_name = *long_link;
    if (const auto it = pax.find("path"); it != pax.end()) member.name = it->second;
    if (const auto it = pax.find("linkpath"); it != pax.end()) member.link_name = it->second;
    if (const auto it = pax.find("size"); it != pax.end()) {
      size = 0;
      if (it->second.empty() || it->second.size() > 18 ||
          it->second.find_first_not_of("0123456789") != std::string::npos) {
        return Malformed("bad pax size");
      }
      size = std::stoull(it->second);
    }
    switch (type) {
      case '5':
        member.type = TarMember::Type::kDirectory;
        break;
      case '1':
      case '2':
        member.type = TarMember::Type::kLink;
        break;
      case '3':
      case '4':
      case '6':
        member.type = TarMember::Type::kSpecial;
        break;
      default:
        member.type = TarMember::Type::kFile;
        break;  // tarfile reads unknown types so
    }
    // tarfile skips no data after directories, links and special files; other readers do.
    if (member.type != TarMember::Type::kFile && size != 0) {
      return Malformed("tar member \"" + member.name + "\" is no file yet declares a size");
    }
    member.size = size;
    content_.Reset(size);
    padding_ = (kTarBlockSize - size % kTarBlockSize) % kTarBlockSize;
    return std::optional<TarMember>(std::move(member));
  }
}

}  // namespace mlops::validation::security
