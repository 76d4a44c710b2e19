#include "common/disk_space.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

namespace mlops {
namespace {

TEST(DiskSpaceTest, ReportsFreeSpaceOfAnExistingDirectory) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  StatusOr<std::uint64_t> free = FreeDiskBytes(dir);
  ASSERT_TRUE(free.ok()) << free.status().ToString();
  EXPECT_TRUE(CheckFreeDiskSpace(dir, 0).ok());
  EXPECT_TRUE(CheckFreeDiskSpace(dir, 1).ok());
}

TEST(DiskSpaceTest, ThresholdAboveTheFreeSpaceIsUnavailableNamingPathAndSetting) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  const Status low = CheckFreeDiskSpace(dir, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(low.code(), StatusCode::kUnavailable);
  EXPECT_NE(low.message().find(dir), std::string::npos) << low.message();
  EXPECT_NE(low.message().find("MLOPS_MIN_FREE_DISK_BYTES"), std::string::npos) << low.message();
}

TEST(DiskSpaceTest, MissingPathIsUnavailableNamingIt) {
  const Status missing = CheckFreeDiskSpace("/nonexistent/mlops-disk-space-test", 1);
  EXPECT_EQ(missing.code(), StatusCode::kUnavailable);
  EXPECT_NE(missing.message().find("/nonexistent/mlops-disk-space-test"), std::string::npos);
}

TEST(DiskSpaceTest, AnErrorOnADiskWithRoomIsLeftAlone) {
  const Status error = Unavailable("database unavailable: disk I/O error");
  EXPECT_EQ(ExplainIfDiskFull(std::filesystem::temp_directory_path().string(), error).message(),
            error.message());
  EXPECT_TRUE(ExplainIfDiskFull("/", OkStatus()).ok());
}

}  // namespace
}  // namespace mlops
