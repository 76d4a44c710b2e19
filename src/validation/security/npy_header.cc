#include "validation/security/npy_header.h"

#include <string>

namespace mlops::validation::security {
namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
// numpy refuses headers above 10000 bytes unless told otherwise; we allow a little more.
constexpr std::size_t kMaxHeaderLength = 64 * 1024;

// "O", "|O", "<O8": an object dtype code.
bool IsObjectTypeCode(std::string_view code) {
  if (!code.empty() && (code[0] == '|' || code[0] == '<' || code[0] == '>' || code[0] == '=')) {
    code.remove_prefix(1);
  }
  if (code.empty() || code[0] != 'O') return false;
  return code.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

// The value of 'descr' in the header's dict literal: one quoted type code, or a list describing
// a structured dtype. Any quoted string in a list that reads as an object code counts (a field
// named "O" then fails the scan, which errs on the safe side).
StatusOr<bool> DescrIsObject(std::string_view header) {
  std::size_t at = header.find("'descr'");
  if (at == std::string_view::npos) at = header.find("\"descr\"");
  if (at == std::string_view::npos) return Malformed("npy header has no descr");
  at = header.find(':', at + 7);
  if (at == std::string_view::npos) return Malformed("npy header descr has no value");
  at = header.find_first_not_of(" \t", at + 1);
  if (at == std::string_view::npos) return Malformed("npy header descr has no value");
  const bool structured = header[at] == '[';
  int depth = 0;
  bool object = false;
  for (std::size_t i = at; i < header.size(); ++i) {
    const char c = header[i];
    if (c == '\'' || c == '"') {
      const std::size_t close = header.find(c, i + 1);
      if (close == std::string_view::npos) return Malformed("unterminated string in npy header");
      object = object || IsObjectTypeCode(header.substr(i + 1, close - i - 1));
      i = close;
      if (!structured) return object;
    } else if (c == '[' || c == '(') {
      ++depth;
    } else if (c == ']' || c == ')') {
      if (--depth == 0) return object;
    } else if (!structured) {
      return Malformed("npy descr is neither a string nor a list");
    }
  }
  return Malformed("npy descr is not terminated");
}

}  // namespace

bool HasNpyMagic(std::string_view prefix) { return prefix.starts_with(kMagic); }

StatusOr<bool> ReadNpyHeaderIsObjectArray(StreamReader& reader) {
  std::string preamble;
  RETURN_IF_ERROR(reader.ReadExact(kMagic.size() + 2, preamble));
  if (!HasNpyMagic(preamble)) return Malformed("not an npy file");
  const int major = static_cast<unsigned char>(preamble[kMagic.size()]);
  if (major < 1 || major > 3) return Malformed("npy format version " + std::to_string(major));
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  std::string raw_length;
  RETURN_IF_ERROR(reader.ReadExact(length_bytes, raw_length));
  std::size_t header_length = 0;
  for (std::size_t i = length_bytes; i-- > 0;) {
    header_length = header_length << 8 | static_cast<unsigned char>(raw_length[i]);
  }
  if (header_length > kMaxHeaderLength) return Malformed("npy header too long");
  std::string header;
  RETURN_IF_ERROR(reader.ReadExact(header_length, header));
  return DescrIsObject(header);
}

}  // namespace mlops::validation::security
