#include "validation/content/policy_text.h"

namespace mlops::validation {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The heading text of one line, or empty if the line is not a heading.
std::string_view HeadingOf(std::string_view line) {
  line = Trim(line);
  if (!line.empty() && line.front() == '#') {
    while (!line.empty() && line.front() == '#') line.remove_prefix(1);
    return line;
  }
  const auto colon = line.find(':');
  return colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
}

std::string WithoutEmphasis(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '*' && c != '_') out.push_back(c);
  }
  return out;
}

}  // namespace

std::string NormalizeTaskType(std::string_view text) {
  std::string out;
  bool pending_separator = false;
  for (char c : text) {
    if (!IsAsciiAlnum(c)) {
      pending_separator = !out.empty();
      continue;
    }
    if (pending_separator) out.push_back('_');
    pending_separator = false;
    out.push_back(Lower(c));
  }
  return out;
}

std::string NormalizeLicense(std::string_view text) {
  std::string out(Trim(text));
  for (char& c : out) c = Lower(c);
  return out;
}

std::string NormalizeProse(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : Trim(text)) {
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(Lower(c));
  }
  return out;
}

std::size_t TrimmedCharacterCount(std::string_view text) {
  std::size_t count = 0;
  for (char c : Trim(text)) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasSection(std::string_view card, std::string_view section) {
  const std::string wanted = NormalizeProse(section);
  if (wanted.empty()) return false;
  while (!card.empty()) {
    const auto end = card.find('\n');
    const std::string_view line = card.substr(0, end);
    card = end == std::string_view::npos ? std::string_view() : card.substr(end + 1);
    const std::string heading = NormalizeProse(WithoutEmphasis(HeadingOf(line)));
    for (auto at = heading.find(wanted); at != std::string::npos;
         at = heading.find(wanted, at + 1)) {
      if (at == 0 || !IsAsciiAlnum(heading[at - 1])) return true;
    }
  }
  return false;
}

bool ContainsPhrase(std::string_view text, std::string_view normalized_phrase) {
  return !normalized_phrase.empty() &&
         NormalizeProse(text).find(normalized_phrase) != std::string::npos;
}

}  // namespace mlops::validation
