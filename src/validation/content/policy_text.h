#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Text matching for the content policy. Comparisons are made on normalized forms so that case,
// punctuation and spacing cannot be used to slip past a rule ("Deepfake-Face Swap" is
// deepfake_face_swap). ASCII case folding only: policy names are ASCII.
namespace mlops::validation {

// Lower case, every run of characters other than ASCII letters and digits replaced by one '_',
// no leading or trailing '_'.
std::string NormalizeTaskType(std::string_view text);

// Lower case with leading and trailing whitespace removed (for license ids).
std::string NormalizeLicense(std::string_view text);

// Lower case, every run of whitespace replaced by one space, trimmed (for phrases and headings).
std::string NormalizeProse(std::string_view text);

// The number of code points in UTF-8 text after trimming whitespace (bytes of an invalid
// sequence count one each).
std::size_t TrimmedCharacterCount(std::string_view text);

// Whether a model card has a section called `section`. A line is a heading when it starts with
// '#' (Markdown) or has a label before a ':' ("Limitations: none known"); emphasis markers
// (*, _) are ignored. The section is present when a heading contains its name starting at a word
// boundary, case-insensitively: "## Bias, Risks, and Limitations" has "Limitations", and
// "## Intended uses & limitations" has "Intended Use".
bool HasSection(std::string_view card, std::string_view section);

// Whether `normalized_phrase` (NormalizeProse form) occurs in `text`, compared in
// NormalizeProse form.
bool ContainsPhrase(std::string_view text, std::string_view normalized_phrase);

}  // namespace mlops::validation
