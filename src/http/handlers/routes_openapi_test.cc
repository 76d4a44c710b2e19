// Every route the server answers must be described in /openapi.json, and every operation described
// there must be served: the document is written by hand, so this is what keeps it honest.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "artifacts/filesystem_artifact_store.h"
#include "http/handlers/routes.h"
#include "http/openapi.h"
#include "store/sqlite/sqlite_metadata_store.h"
#include "testing/temp_dir.h"

namespace mlops::http {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class RoutesOpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(SqliteMetadataStore::Open(dir_.File("db")).value());
    artifacts_ = std::move(FilesystemArtifactStore::Open(dir_.File("artifacts")).value());
  }

  std::set<std::string> ServedOperations() {
    RegistryService registry(*store_);
    UploadService uploads(*store_, *artifacts_, {"b", 1, ModelVersionStatus::kStaging});
    ValidationService validation(*store_, *artifacts_, {});
    FeedbackService feedback(*store_);
    ApiKeyService keys(*store_, std::nullopt);
    Metrics metrics;
    ApiContext ctx{config_,    *store_,  *artifacts_, registry, uploads,
                   validation, feedback, keys,        metrics};
    std::set<std::string> out;
    const Router router = BuildRouter(ctx);
    for (const Route& r : router.routes()) out.insert(Lower(r.method) + " " + r.pattern);
    return out;
  }

  test::TempDir dir_{"mlops-routes"};
  Config config_;
  std::unique_ptr<SqliteMetadataStore> store_;
  std::unique_ptr<FilesystemArtifactStore> artifacts_;
};

TEST_F(RoutesOpenApiTest, DocumentAndRouterDescribeTheSameOperations) {
  const nlohmann::json doc = nlohmann::json::parse(OpenApiDocument());
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "parameters") documented.insert(method + " " + path);
    }
  }
  const std::set<std::string> served = ServedOperations();
  EXPECT_GE(served.size(), 20u);
  for (const auto& op : served) {
    EXPECT_TRUE(documented.count(op)) << "served but missing from openapi.json: " << op;
  }
  for (const auto& op : documented) {
    EXPECT_TRUE(served.count(op)) << "in openapi.json but not served: " << op;
  }
}

}  // namespace
}  // namespace mlops::http
