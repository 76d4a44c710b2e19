#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::s3 {

// Just enough XML for S3's answers, whose elements never carry attributes we need, nest
// predictably and hold no CDATA. Not a general parser.

// The unescaped text of the first <tag>...</tag> in `xml`; nullopt if there is none.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);

// The raw contents of every <tag>...</tag> in `xml`, in order (for repeated elements such as
// <Upload> in ListMultipartUploads).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// `text` with &, <, >, " and ' escaped, for the bodies we send.
std::string XmlEscape(std::string_view text);

}  // namespace mlops::s3
