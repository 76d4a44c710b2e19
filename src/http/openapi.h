#pragma once

#include <string_view>

namespace mlops::http {

// The OpenAPI 3.0 document of every route (served at /openapi.json).
std::string_view OpenApiDocument();

// A self-contained HTML page that renders OpenApiDocument() for people (served at /docs).
std::string_view DocsPage();

}  // namespace mlops::http
