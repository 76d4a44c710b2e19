#include "validation/security/npy_header.h"

#include <string>

namespace mlops::validation::security {
namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);
// numpy refuses headers above 10000 bytes unless told otherwise; we allow a little more.
constexpr std::size_t kMaxHeaderLength = 64 * 1024;
// Sizes beyond this are refused rather than risk overflow: no file is that large.
constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 60;
constexpr int kMaxDescrDepth = 8;

// A dtype: its item size, and whether it holds objects.
struct DType {
  std::uint64_t itemsize = 0;
  bool object = false;
};

StatusOr<std::uint64_t> Multiply(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > kMaxBytes / b) return Malformed("npy array size overflows");
  return a * b;
}

// A recursive-descent parser over the header text. Every method returns Malformed at the first
// byte outside the grammar.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  StatusOr<NpyHeader> Parse() {
    SkipSpaces();
    RETURN_IF_ERROR(Expect('{'));
    bool has_descr = false, has_order = false, has_shape = false;
    DType dtype;
    std::uint64_t count = 1;
    for (;;) {
      SkipSpaces();
      if (Peek() == '}') break;
      ASSIGN_OR_RETURN(const std::string key, String());
      SkipSpaces();
      RETURN_IF_ERROR(Expect(':'));
      SkipSpaces();
      if (key == "descr") {
        if (has_descr) return Malformed("npy header repeats 'descr'");
        has_descr = true;
        ASSIGN_OR_RETURN(dtype, Descr(0));
      } else if (key == "fortran_order") {
        if (has_order) return Malformed("npy header repeats 'fortran_order'");
        has_order = true;
        RETURN_IF_ERROR(Boolean());
      } else if (key == "shape") {
        if (has_shape) return Malformed("npy header repeats 'shape'");
        has_shape = true;
        ASSIGN_OR_RETURN(count, Shape());
      } else {
        return Malformed("npy header has an unexpected key '" + key + "'");
      }
      SkipSpaces();
      if (Peek() == ',') {
        ++at_;
        continue;
      }
      if (Peek() != '}') return Malformed("npy header expects ',' or '}' at byte " + Where());
      break;
    }
    RETURN_IF_ERROR(Expect('}'));
    SkipSpaces();
    if (at_ != text_.size()) return Malformed("npy header has bytes after its dict");
    if (!has_descr || !has_order || !has_shape) {
      return Malformed("npy header lacks one of 'descr', 'fortran_order', 'shape'");
    }
    NpyHeader header;
    header.object = dtype.object;
    if (!dtype.object) {
      ASSIGN_OR_RETURN(header.data_bytes, Multiply(dtype.itemsize, count));
    }
    return header;
  }

 private:
  int Peek() const { return at_ < text_.size() ? static_cast<unsigned char>(text_[at_]) : -1; }
  std::string Where() const { return std::to_string(at_); }

  void SkipSpaces() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n')) ++at_;
  }

  Status Expect(char c) {
    if (Peek() != static_cast<unsigned char>(c)) {
      return Malformed(std::string("npy header expects '") + c + "' at byte " + Where());
    }
    ++at_;
    return OkStatus();
  }

  // 'text' or "text", without backslashes; an adjacent literal (Python would concatenate it) is
  // refused.
  StatusOr<std::string> String() {
    const int quote = Peek();
    if (quote != '\'' && quote != '"')
      return Malformed("npy header expects a string at byte " + Where());
    const std::size_t close = text_.find(static_cast<char>(quote), at_ + 1);
    if (close == std::string_view::npos) return Malformed("unterminated string in npy header");
    std::string value(text_.substr(at_ + 1, close - at_ - 1));
    if (value.find('\\') != std::string::npos || value.find('\n') != std::string::npos) {
      return Malformed("npy header string has an escape or a line break");
    }
    at_ = close + 1;
    SkipSpaces();
    if (Peek() == '\'' || Peek() == '"') return Malformed("npy header concatenates strings");
    return value;
  }

  Status Boolean() {
    for (const std::string_view word : {"True", "False"}) {
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return OkStatus();
      }
    }
    return Malformed("npy fortran_order is not True or False");
  }

  StatusOr<std::uint64_t> Integer() {
    const std::size_t start = at_;
    std::uint64_t value = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (value > kMaxBytes / 10) return Malformed("npy header number too large");
      value = value * 10 + static_cast<std::uint64_t>(text_[at_++] - '0');
    }
    if (at_ == start) return Malformed("npy header expects a number at byte " + Where());
    return value;
  }

  // (), (n,), (n, m, ...): returns the product of the dimensions.
  StatusOr<std::uint64_t> Shape() {
    RETURN_IF_ERROR(Expect('('));
    SkipSpaces();
    std::uint64_t product = 1;
    std::size_t dimensions = 0;
    bool trailing_comma = false;
    while (Peek() != ')') {
      ASSIGN_OR_RETURN(const std::uint64_t dimension, Integer());
      ASSIGN_OR_RETURN(product, Multiply(product, dimension));
      ++dimensions;
      SkipSpaces();
      trailing_comma = Peek() == ',';
      if (!trailing_comma) break;
      ++at_;
      SkipSpaces();
    }
    RETURN_IF_ERROR(Expect(')'));
    if (dimensions == 1 && !trailing_comma) return Malformed("npy shape (n) is not a tuple");
    return product;
  }

  // A type string or a structured list [(name, descr[, shape]), ...].
  StatusOr<DType> Descr(int depth) {
    if (depth > kMaxDescrDepth) return Malformed("npy dtype nests too deeply");
    if (Peek() != '[') {
      ASSIGN_OR_RETURN(const std::string code, String());
      return TypeCode(code);
    }
    ++at_;
    DType total;
    std::size_t fields = 0;
    for (;;) {
      SkipSpaces();
      if (Peek() == ']') break;
      RETURN_IF_ERROR(Expect('('));
      SkipSpaces();
      RETURN_IF_ERROR(String().status());  // the field name
      SkipSpaces();
      RETURN_IF_ERROR(Expect(','));
      SkipSpaces();
      ASSIGN_OR_RETURN(DType field, Descr(depth + 1));
      SkipSpaces();
      std::uint64_t count = 1;
      if (Peek() == ',') {
        ++at_;
        SkipSpaces();
        if (Peek() == '(') {
          ASSIGN_OR_RETURN(count, Shape());
          SkipSpaces();
        }
      }
      RETURN_IF_ERROR(Expect(')'));
      ++fields;
      total.object = total.object || field.object;
      ASSIGN_OR_RETURN(const std::uint64_t bytes, Multiply(field.itemsize, count));
      total.itemsize += bytes;
      if (total.itemsize > kMaxBytes) return Malformed("npy dtype too large");
      SkipSpaces();
      if (Peek() != ',') break;
      ++at_;
    }
    RETURN_IF_ERROR(Expect(']'));
    if (fields == 0) return Malformed("npy structured dtype has no fields");
    return total;
  }

  // Known plain codes, with an optional byte order: b1, i/u 1-8, f 2-16, c 8-32, S/U/V n,
  // m8/M8 with a unit. 'O' (and 'O8', as old numpy wrote it) is an object.
  static StatusOr<DType> TypeCode(std::string_view code) {
    if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '|' || code[0] == '=')) {
      code.remove_prefix(1);
    }
    if (code == "O" || code == "O8" || code == "O4") return DType{8, true};
    if (code.empty()) return Malformed("npy dtype is empty");
    const char kind = code[0];
    std::string_view digits = code.substr(1);
    if ((kind == 'm' || kind == 'M') && digits.starts_with("8")) {
      const std::string_view unit = digits.substr(1);
      if (unit.empty() ||
          (unit.front() == '[' && unit.back() == ']' &&
           unit.find_first_not_of("[]0123456789YMWDhmsunpfa") == std::string_view::npos)) {
        return DType{8, false};
      }
      return Malformed("npy datetime dtype '" + std::string(code) + "' has an unknown unit");
    }
    if (digits.empty() || digits.size() > 12 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return Malformed("npy dtype '" + std::string(code) + "' is not a known plain type");
    }
    const std::uint64_t size = std::stoull(std::string(digits));
    const auto one_of = [size](std::initializer_list<std::uint64_t> sizes) {
      for (const std::uint64_t s : sizes) {
        if (s == size) return true;
      }
      return false;
    };
    switch (kind) {
      case 'b':
        if (one_of({1})) return DType{1, false};
        break;
      case 'i':
      case 'u':
        if (one_of({1, 2, 4, 8})) return DType{size, false};
        break;
      case 'f':
        if (one_of({2, 4, 8, 12, 16})) return DType{size, false};
        break;
      case 'c':
        if (one_of({8, 16, 24, 32})) return DType{size, false};
        break;
      case 'S':
      case 'V':
        return DType{size, false};
      case 'U':
        return DType{size * 4, false};
      default:
        break;
    }
    return Malformed("npy dtype '" + std::string(code) + "' is not a known plain type");
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

bool HasNpyMagic(std::string_view prefix) { return prefix.starts_with(kMagic); }

StatusOr<NpyHeader> ReadNpyHeader(StreamReader& reader) {
  std::string preamble;
  RETURN_IF_ERROR(reader.ReadExact(kMagic.size() + 2, preamble));
  if (!HasNpyMagic(preamble)) return Malformed("not an npy file");
  const int major = static_cast<unsigned char>(preamble[kMagic.size()]);
  const int minor = static_cast<unsigned char>(preamble[kMagic.size() + 1]);
  if (major < 1 || major > 3 || minor != 0) {
    return Malformed("npy format version " + std::to_string(major) + "." + std::to_string(minor));
  }
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
  return HeaderParser(header).Parse();
}

}  // namespace mlops::validation::security
