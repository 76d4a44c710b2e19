// Every route the server answers must be described in /openapi.json and in docs/http-api.md, and
// every operation described there must be served: both are written by hand, so this is what keeps
// them honest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "http/handlers/routes.h"
#include "http/openapi.h"

namespace mlops::http {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// "get /path" for every operation of the OpenAPI document.
std::set<std::string> DocumentedOperations() {
  const nlohmann::json doc = nlohmann::json::parse(OpenApiDocument());
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "parameters") documented.insert(method + " " + path);
    }
  }
  return documented;
}

// A route row of docs/http-api.md: a table row whose first cell is one code span
// `METHOD /path`; its last cell names the roles that may call it ("open": no key).
struct DocRoute {
  std::string operation;  // "get /path", as DocumentedOperations() spells it
  std::set<std::string> roles;
  bool open = false;
  int line = 0;
};

std::vector<DocRoute> RouteRows(const std::string& markdown) {
  static const std::regex kRouteCell(R"(^`(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/[^`\s]*)`$)");
  static const std::regex kCodeSpan("`([^`]+)`");
  std::vector<DocRoute> rows;
  std::istringstream in(markdown);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string row = Trim(line);
    if (row.size() < 2 || row.front() != '|' || row.back() != '|') continue;
    std::vector<std::string> cells;
    std::size_t start = 1;
    for (std::size_t bar = row.find('|', start); bar != std::string::npos;
         start = bar + 1, bar = row.find('|', start)) {
      cells.push_back(Trim(std::string_view(row).substr(start, bar - start)));
    }
    std::smatch route;
    if (cells.size() < 2 || !std::regex_match(cells.front(), route, kRouteCell)) continue;
    DocRoute parsed;
    parsed.operation = Lower(route[1]) + " " + route[2].str();
    parsed.line = number;
    parsed.open = cells.back() == "open";
    for (auto it = std::sregex_iterator(cells.back().begin(), cells.back().end(), kCodeSpan);
         it != std::sregex_iterator(); ++it) {
      parsed.roles.insert((*it)[1]);
    }
    rows.push_back(std::move(parsed));
  }
  return rows;
}

std::string ReadHttpApiDoc() {
  const std::filesystem::path path = std::filesystem::path(MLOPS_SOURCE_DIR) / "docs/http-api.md";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The roles RoleAllows() lets through a permission, by name.
std::set<std::string> RolesAllowed(Permission permission) {
  std::set<std::string> out;
  for (Role role : AllRoles()) {
    if (RoleAllows(role, permission)) out.insert(std::string(ToString(role)));
  }
  return out;
}

// Building the router registers routes and calls no service, so the stores behind the services
// are never used.
class UnusedMetadataStore final : public MetadataStore {
 public:
  Status Migrate() override { return Unused(); }
  Status Write(const TxFn&) override { return Unused(); }
  Status Read(const TxFn&) override { return Unused(); }
  Status Ping() override { return Unused(); }
  StatusOr<int> SchemaVersion() override { return Unused(); }

 private:
  static Status Unused() { return Internal("not used by this test"); }
};

class UnusedArtifactStore final : public ArtifactStore {
 public:
  Status SweepTemporaries() override { return Unused(); }
  Status Ping() override { return Unused(); }

 private:
  static Status Unused() { return Internal("not used by this test"); }
  StatusOr<std::unique_ptr<ArtifactWriter>> BeginWriteImpl(const std::string&, const std::string&,
                                                           std::int64_t) override {
    return Unused();
  }
  StatusOr<ArtifactInfo> StatImpl(const std::string&, const std::string&) override {
    return Unused();
  }
  StatusOr<std::unique_ptr<ArtifactReader>> OpenImpl(const std::string&, const std::string&,
                                                     std::int64_t,
                                                     std::optional<std::int64_t>) override {
    return Unused();
  }
  Status DeleteImpl(const std::string&, const std::string&) override { return Unused(); }
  Status ListObjectsImpl(const std::string&, const std::string&, const ObjectVisitor&) override {
    return Unused();
  }
};

class RoutesOpenApiTest : public ::testing::Test {
 protected:
  // Every served operation ("get /path") with the permission it needs (nullopt: open).
  std::map<std::string, std::optional<Permission>> ServedOperations() {
    RegistryService registry(store_);
    UploadService uploads(store_, artifacts_, {"b", 1, ModelVersionStatus::kStaging});
    ArtifactDownloadService downloads(registry, artifacts_);
    ValidationService validation(store_, artifacts_, {});
    FeedbackService feedback(store_);
    ApiKeyService keys(store_, std::nullopt);
    HealthService health(store_, artifacts_, {});
    monitoring::Metrics metrics;
    ApiContext ctx{registry, uploads, downloads, validation, feedback, keys, health, metrics};
    std::map<std::string, std::optional<Permission>> out;
    const Router router = BuildRouter(ctx);
    for (const Route& r : router.routes()) out[Lower(r.method) + " " + r.pattern] = r.permission;
    return out;
  }

  UnusedMetadataStore store_;
  UnusedArtifactStore artifacts_;
};

TEST_F(RoutesOpenApiTest, DocumentAndRouterDescribeTheSameOperations) {
  const std::set<std::string> documented = DocumentedOperations();
  const auto served = ServedOperations();
  EXPECT_GE(served.size(), 20u);
  for (const auto& [op, permission] : served) {
    EXPECT_TRUE(documented.count(op)) << "served but missing from openapi.json: " << op;
  }
  for (const auto& op : documented) {
    EXPECT_TRUE(served.count(op)) << "in openapi.json but not served: " << op;
  }
}

TEST_F(RoutesOpenApiTest, HttpApiDocListsTheServedRoutes) {
  const std::vector<DocRoute> rows = RouteRows(ReadHttpApiDoc());
  const std::set<std::string> documented = DocumentedOperations();
  const auto served = ServedOperations();
  std::map<std::string, int> listed;  // operation -> line of its row
  for (const DocRoute& row : rows) {
    const std::string where = "docs/http-api.md:" + std::to_string(row.line) + ": " + row.operation;
    const auto [previous, inserted] = listed.emplace(row.operation, row.line);
    EXPECT_TRUE(inserted) << where << " is listed twice (also line " << previous->second << ")";
    EXPECT_TRUE(documented.count(row.operation)) << where << " is not in openapi.json";
    const auto route = served.find(row.operation);
    if (route == served.end()) {
      ADD_FAILURE() << where << " is not served";
      continue;
    }
    if (!route->second) {
      EXPECT_TRUE(row.open && row.roles.empty()) << where << ": open route, roles must be `open`";
    } else {
      EXPECT_FALSE(row.open) << where << " needs a key, but is listed as open";
      EXPECT_EQ(row.roles, RolesAllowed(*route->second)) << where << ": roles";
    }
  }
  for (const auto& [op, permission] : served) {
    EXPECT_TRUE(listed.count(op)) << "served but missing from docs/http-api.md: " << op;
  }
  for (const auto& op : documented) {
    EXPECT_TRUE(listed.count(op)) << "in openapi.json but missing from docs/http-api.md: " << op;
  }
}

TEST(HttpApiDocParserTest, ReadsRouteRowsOfTablesOnly) {
  const std::vector<DocRoute> rows = RouteRows(
      "Prose naming `GET /api/v1/mlops/models` is not a route row.\n"
      "| route | request | success | roles |\n"
      "| --- | --- | --- | --- |\n"
      "| `PATCH /api/v1/mlops/models/{model_id}` | any of `description` | 200 | `admin`, "
      "`model_manager` |\n"
      "  | `GET /health/live` | | 200 | open |  \n"
      "| 409 | conflict with `GET /x` |\n"
      "| `GET /a` and more | | 200 | open |\n"
      "| `FETCH /b` | | 200 | open |\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].operation, "patch /api/v1/mlops/models/{model_id}");
  EXPECT_EQ(rows[0].roles, (std::set<std::string>{"admin", "model_manager"}));
  EXPECT_FALSE(rows[0].open);
  EXPECT_EQ(rows[0].line, 4);
  EXPECT_EQ(rows[1].operation, "get /health/live");
  EXPECT_TRUE(rows[1].open);
  EXPECT_TRUE(rows[1].roles.empty());
}

}  // namespace
}  // namespace mlops::http
