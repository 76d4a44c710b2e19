#include "http/openapi.h"

namespace mlops::http {
namespace embedded {

// Defined in the sources that mlops_embed_text (CMakeLists.txt) generates from
// src/http/openapi/openapi.json and src/http/openapi/docs.html.
std::string_view OpenApiJson();
std::string_view DocsHtml();

}  // namespace embedded

std::string_view OpenApiDocument() { return embedded::OpenApiJson(); }

std::string_view DocsPage() { return embedded::DocsHtml(); }

}  // namespace mlops::http
