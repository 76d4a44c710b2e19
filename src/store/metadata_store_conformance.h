#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/metadata_store.h"

namespace mlops {

// One backend under the conformance suite (metadata_store_conformance_test.cc). A backend's test
// file instantiates the suite with it:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformanceTest,
//                            ::testing::Values(MetadataStoreBackend{...}), BackendName);
struct MetadataStoreBackend {
  std::string name;
  // Opens a store, not yet migrated, at `location`: an empty directory the suite creates per test
  // and removes afterwards. Opening the same location again must reach the same data.
  std::function<StatusOr<std::unique_ptr<MetadataStore>>(const std::string& location)> open;
  // The schema version that Migrate() brings a new database to.
  int latest_schema_version = 0;
};

std::string BackendName(const ::testing::TestParamInfo<MetadataStoreBackend>& info);

class MetadataStoreConformanceTest : public ::testing::TestWithParam<MetadataStoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new empty directory, removed after the test.
  std::string NewLocation();
  // Another handle on the store at `location`, not migrated.
  std::unique_ptr<MetadataStore> Open(const std::string& location);

  std::string location_;
  std::unique_ptr<MetadataStore> store_;  // open on location_ and migrated

 private:
  std::vector<std::string> locations_;
};

}  // namespace mlops
