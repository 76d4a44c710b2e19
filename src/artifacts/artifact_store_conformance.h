#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_store.h"

// The behaviour every ArtifactStore backend must show. The tests live in
// artifact_store_conformance_test.cc; each backend's test file instantiates them with a harness:
//
//   INSTANTIATE_TEST_SUITE_P(Filesystem, ArtifactStoreConformanceTest,
//                            ::testing::Values(ArtifactStoreBackend{"Filesystem", MakeHarness}),
//                            ArtifactStoreBackend::Name);
namespace mlops {

// A fresh, empty store plus the backend-specific access the tests need to see behind the port.
class ArtifactStoreHarness {
 public:
  virtual ~ArtifactStoreHarness() = default;
  virtual ArtifactStore& store() = 0;
  // Everything the backend holds, published or temporary (files, objects, pending uploads), so
  // tests can prove that nothing leaked.
  virtual std::vector<std::string> ListEverything() = 0;
  // Leaves a temporary behind as a writer killed mid-upload would.
  virtual void PlantTemporary() = 0;
};

struct ArtifactStoreBackend {
  std::string name;
  std::function<std::unique_ptr<ArtifactStoreHarness>()> make_harness;

  static std::string Name(const ::testing::TestParamInfo<ArtifactStoreBackend>& info) {
    return info.param.name;
  }
  friend void PrintTo(const ArtifactStoreBackend& backend, std::ostream* os) {
    *os << backend.name;
  }
};

class ArtifactStoreConformanceTest : public ::testing::TestWithParam<ArtifactStoreBackend> {
 protected:
  void SetUp() override { harness_ = GetParam().make_harness(); }
  void TearDown() override { harness_.reset(); }

  ArtifactStore& store() { return harness_->store(); }

  // Writes `chunks` to (bucket, key) and publishes them; returns what Finish() reported.
  StatusOr<ArtifactInfo> Put(const std::string& bucket, const std::string& key,
                             const std::vector<std::string_view>& chunks,
                             std::int64_t max_bytes = kNoLimit) {
    ASSIGN_OR_RETURN(auto writer, store().BeginWrite(bucket, key, max_bytes));
    for (std::string_view chunk : chunks) RETURN_IF_ERROR(writer->Write(chunk));
    ASSIGN_OR_RETURN(ArtifactInfo info, writer->Finish());
    RETURN_IF_ERROR(writer->Publish());
    return info;
  }
  StatusOr<ArtifactInfo> Put(const std::string& bucket, const std::string& key,
                             std::string_view data) {
    return Put(bucket, key, std::vector<std::string_view>{data});
  }

  // Reads a whole range `max_read` bytes at a time.
  StatusOr<std::string> Get(const std::string& bucket, const std::string& key,
                            std::int64_t offset = 0, std::optional<std::int64_t> length = {},
                            std::size_t max_read = 64 * 1024) {
    ASSIGN_OR_RETURN(auto reader, store().Open(bucket, key, offset, length));
    std::string all;
    while (true) {
      ASSIGN_OR_RETURN(std::string part, reader->Read(max_read));
      if (part.empty()) return all;
      if (part.size() > max_read) return Internal("Read returned more than asked for");
      all += part;
    }
  }

  static constexpr std::int64_t kNoLimit = std::int64_t{1} << 40;
  std::unique_ptr<ArtifactStoreHarness> harness_;
};

}  // namespace mlops
