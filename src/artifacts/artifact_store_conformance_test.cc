#include "artifacts/artifact_store_conformance.h"

#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "common/sha256.h"

namespace mlops {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kBucket[] = "models";

std::string RandomBytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

TEST_P(ArtifactStoreConformanceTest, PublishedObjectReadsBackWithItsSizeAndDigest) {
  const std::string data = RandomBytes(200 * 1024 + 17, 1);
  auto info = Put(kBucket, "m/1/model.onnx", data);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size_bytes, static_cast<std::int64_t>(data.size()));
  EXPECT_EQ(info->sha256, Sha256Hex(data));

  auto stat = store().Stat(kBucket, "m/1/model.onnx");
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->size_bytes, static_cast<std::int64_t>(data.size()));
  auto read = Get(kBucket, "m/1/model.onnx");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == data);
}

TEST_P(ArtifactStoreConformanceTest, DigestMatchesAKnownVector) {
  auto info = Put(kBucket, "abc", "abc");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_P(ArtifactStoreConformanceTest, EmptyObjectIsAnObject) {
  auto info = Put(kBucket, "empty", std::vector<std::string_view>{});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, Sha256Hex(""));
  auto stat = store().Stat(kBucket, "empty");
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->size_bytes, 0);
  EXPECT_EQ(Get(kBucket, "empty").value(), "");
}

TEST_P(ArtifactStoreConformanceTest, ObjectIsInvisibleUntilPublished) {
  auto writer = store().BeginWrite(kBucket, "pending", kNoLimit);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write("some bytes").ok());
  EXPECT_EQ(store().Stat(kBucket, "pending").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(store().Stat(kBucket, "pending").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().Open(kBucket, "pending", 0, {}).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE((*writer)->Publish().ok());
  EXPECT_TRUE(store().Stat(kBucket, "pending").ok());
}

TEST_P(ArtifactStoreConformanceTest, PublishBeforeFinishFails) {
  auto writer = store().BeginWrite(kBucket, "early", kNoLimit);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("x").ok());
  EXPECT_FALSE((*writer)->Publish().ok());
  EXPECT_EQ(store().Stat(kBucket, "early").status().code(), StatusCode::kNotFound);
}

TEST_P(ArtifactStoreConformanceTest, AbandonedWritersLeaveNothingBehind) {
  {
    auto unfinished = store().BeginWrite(kBucket, "a/unfinished", kNoLimit);
    ASSERT_TRUE(unfinished.ok());
    ASSERT_TRUE((*unfinished)->Write(RandomBytes(100000, 2)).ok());
    auto finished = store().BeginWrite(kBucket, "a/finished", kNoLimit);
    ASSERT_TRUE(finished.ok());
    ASSERT_TRUE((*finished)->Write(RandomBytes(1000, 3)).ok());
    ASSERT_TRUE((*finished)->Finish().ok());
  }
  EXPECT_THAT(harness_->ListEverything(), IsEmpty());
  EXPECT_EQ(store().Stat(kBucket, "a/finished").status().code(), StatusCode::kNotFound);
}

TEST_P(ArtifactStoreConformanceTest, ExceedingTheLimitIsTooLargeAndLeavesNothing) {
  {
    auto writer = store().BeginWrite(kBucket, "big", 10);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("123456").ok());
    EXPECT_EQ((*writer)->Write("789012").code(), StatusCode::kTooLarge);
    EXPECT_FALSE((*writer)->Write("1").ok());
    EXPECT_FALSE((*writer)->Finish().ok());
  }
  EXPECT_THAT(harness_->ListEverything(), IsEmpty());
  EXPECT_EQ(store().Stat(kBucket, "big").status().code(), StatusCode::kNotFound);
}

TEST_P(ArtifactStoreConformanceTest, ObjectOfExactlyTheLimitIsAccepted) {
  auto info = Put(kBucket, "exact", {"12345", "67890"}, 10);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size_bytes, 10);
}

TEST_P(ArtifactStoreConformanceTest, RangesAreClippedToTheObject) {
  const std::string data = RandomBytes(1000, 4);
  ASSERT_TRUE(Put(kBucket, "ranged", data).ok());
  EXPECT_TRUE(Get(kBucket, "ranged", 10, 20).value() == data.substr(10, 20));
  EXPECT_TRUE(Get(kBucket, "ranged", 990, 100).value() == data.substr(990));
  EXPECT_TRUE(Get(kBucket, "ranged", 300).value() == data.substr(300));
  EXPECT_TRUE(Get(kBucket, "ranged", 0, {}, 7).value() == data);
  EXPECT_EQ(Get(kBucket, "ranged", 0, 0).value(), "");
  EXPECT_EQ(Get(kBucket, "ranged", 1000).value(), "");
  EXPECT_EQ(Get(kBucket, "ranged", 1000, 5).value(), "");
  EXPECT_EQ(store().Open(kBucket, "ranged", 1001, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Open(kBucket, "ranged", -1, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Open(kBucket, "ranged", 0, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store().Open(kBucket, "missing", 0, {}).status().code(), StatusCode::kNotFound);
}

TEST_P(ArtifactStoreConformanceTest, DeleteIsIdempotent) {
  ASSERT_TRUE(Put(kBucket, "m/2/model.pt", "weights").ok());
  EXPECT_TRUE(store().Delete(kBucket, "m/2/model.pt").ok());
  EXPECT_EQ(store().Stat(kBucket, "m/2/model.pt").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store().Delete(kBucket, "m/2/model.pt").ok());
  EXPECT_TRUE(store().Delete(kBucket, "never/written").ok());
  EXPECT_THAT(harness_->ListEverything(), IsEmpty());
  // The key can be written again after its object and prefix are gone.
  ASSERT_TRUE(Put(kBucket, "m/2/model.pt", "again").ok());
  EXPECT_EQ(Get(kBucket, "m/2/model.pt").value(), "again");
}

TEST_P(ArtifactStoreConformanceTest, DeleteKeepsSiblings) {
  ASSERT_TRUE(Put(kBucket, "m/3/a", "a").ok());
  ASSERT_TRUE(Put(kBucket, "m/3/b", "b").ok());
  ASSERT_TRUE(store().Delete(kBucket, "m/3/a").ok());
  EXPECT_EQ(Get(kBucket, "m/3/b").value(), "b");
}

TEST_P(ArtifactStoreConformanceTest, InvalidNamesAreRejectedByEveryOperation) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {kBucket, "../x"}, {kBucket, "/abs"}, {kBucket, "a//b"}, {kBucket, "a/./b"},
      {kBucket, "a/"},   {kBucket, ""},     {kBucket, "a\\b"}, {"..", "x"},
      {".", "x"},        {"", "x"},         {"a/b", "x"},
  };
  for (const auto& [bucket, key] : bad) {
    SCOPED_TRACE(bucket + " " + key);
    EXPECT_EQ(store().BeginWrite(bucket, key, kNoLimit).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(store().Stat(bucket, key).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().Open(bucket, key, 0, {}).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().Delete(bucket, key).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(harness_->ListEverything(), IsEmpty());
}

TEST_P(ArtifactStoreConformanceTest, SweepRemovesLeftoverTemporariesOnly) {
  ASSERT_TRUE(Put(kBucket, "kept", "kept").ok());
  harness_->PlantTemporary();
  ASSERT_EQ(harness_->ListEverything().size(), 2u);
  ASSERT_TRUE(store().SweepTemporaries().ok());
  EXPECT_EQ(harness_->ListEverything().size(), 1u);
  EXPECT_EQ(Get(kBucket, "kept").value(), "kept");
  EXPECT_TRUE(store().SweepTemporaries().ok());
}

TEST_P(ArtifactStoreConformanceTest, PingSucceedsOnAHealthyStore) {
  EXPECT_TRUE(store().Ping().ok());
  EXPECT_THAT(harness_->ListEverything(), IsEmpty());
}

TEST_P(ArtifactStoreConformanceTest, PublishReplacesAtomically) {
  const std::string v1(256 * 1024, '1');
  const std::string v2(256 * 1024, '2');
  ASSERT_TRUE(Put(kBucket, "replaced", v1).ok());
  std::atomic<bool> done = false;
  std::atomic<int> torn = 0;
  std::atomic<int> reads = 0;
  std::thread reader([&] {
    while (!done || reads == 0) {
      auto data = Get(kBucket, "replaced");
      if (!data.ok() || (*data != v1 && *data != v2)) ++torn;
      ++reads;
    }
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Put(kBucket, "replaced", i % 2 == 0 ? v2 : v1).ok());
  }
  done = true;
  reader.join();
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_TRUE(Get(kBucket, "replaced").value() == v1);
  EXPECT_EQ(harness_->ListEverything().size(), 1u);
}

TEST_P(ArtifactStoreConformanceTest, ManyChunksOfVariousSizesAreConcatenated) {
  const std::string data = RandomBytes(3 * 1024 * 1024, 5);
  std::vector<std::string_view> chunks;
  std::mt19937 gen(6);
  const std::size_t sizes[] = {0, 1, 2, 3, 511, 4096, 65535, 65536, 65537, 300000};
  for (std::size_t pos = 0; pos < data.size();) {
    const std::size_t n = std::min(sizes[gen() % std::size(sizes)], data.size() - pos);
    chunks.push_back(std::string_view(data).substr(pos, n));
    pos += n;
  }
  auto info = Put(kBucket, "chunked", chunks);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, Sha256Hex(data));
  EXPECT_TRUE(Get(kBucket, "chunked", 0, {}, 100000).value() == data);
}

// Each writer thread's objects differ in key, size and content.
std::string ThreadObjectKey(int thread, int i) {
  return std::string("t").append(std::to_string(thread)).append("/o").append(std::to_string(i));
}
std::string ThreadObjectData(int thread, int i) {
  return RandomBytes(50000 + thread * 100 + i, thread * 100 + i);
}

TEST_P(ArtifactStoreConformanceTest, ConcurrentWritersToDifferentKeys) {
  constexpr int kThreads = 4;
  constexpr int kObjectsPerThread = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kObjectsPerThread; ++i) {
        const std::string data = ThreadObjectData(t, i);
        const std::string_view view = data;
        if (!Put(kBucket, ThreadObjectKey(t, i), {view.substr(0, 1000), view.substr(1000)}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures, 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kObjectsPerThread; ++i) {
      EXPECT_TRUE(Get(kBucket, ThreadObjectKey(t, i)).value() == ThreadObjectData(t, i))
          << ThreadObjectKey(t, i);
    }
  }
  EXPECT_EQ(harness_->ListEverything().size(), std::size_t{kThreads * kObjectsPerThread});
}

// The keys a listing of `prefix` shows, sorted, checking each entry's size and time on the way.
std::vector<std::string> ListedKeys(ArtifactStore& store, const std::string& prefix,
                                    TimestampMs written_after) {
  std::vector<std::string> keys;
  const Status status = store.ListObjects(kBucket, prefix, [&](const ListedObject& object) {
    EXPECT_EQ(object.size_bytes, 3) << object.key;
    // S3 dates have a resolution of a second.
    EXPECT_GE(object.modified_at, written_after - 1000) << object.key;
    EXPECT_LE(object.modified_at, NowMs() + 1000) << object.key;
    keys.push_back(object.key);
    return OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST_P(ArtifactStoreConformanceTest, ListingShowsPublishedObjectsUnderThePrefixOnly) {
  const TimestampMs start = NowMs();
  for (const char* key :
       {"models/a/1/m.onnx", "models/a/2/m.onnx", "models/ab/1/w.bin", "reports/r.json"}) {
    ASSERT_TRUE(Put(kBucket, key, "abc").ok()) << key;
  }
  auto pending = store().BeginWrite(kBucket, "models/a/3/m.onnx", kNoLimit);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_TRUE((*pending)->Write("abc").ok());
  ASSERT_TRUE((*pending)->Finish().ok());

  EXPECT_THAT(ListedKeys(store(), "models/a/", start),
              ElementsAre("models/a/1/m.onnx", "models/a/2/m.onnx"));
  // A prefix may end inside a name, as in S3.
  EXPECT_THAT(ListedKeys(store(), "models/a", start),
              ElementsAre("models/a/1/m.onnx", "models/a/2/m.onnx", "models/ab/1/w.bin"));
  EXPECT_THAT(ListedKeys(store(), "", start), ElementsAre("models/a/1/m.onnx", "models/a/2/m.onnx",
                                                          "models/ab/1/w.bin", "reports/r.json"));
  EXPECT_THAT(ListedKeys(store(), "nothing/", start), IsEmpty());
}

TEST_P(ArtifactStoreConformanceTest, ListingStopsAtTheVisitorsError) {
  ASSERT_TRUE(Put(kBucket, "one", "abc").ok());
  ASSERT_TRUE(Put(kBucket, "two", "abc").ok());
  int visited = 0;
  const Status status = store().ListObjects(kBucket, "", [&](const ListedObject&) {
    ++visited;
    return Internal("stop here");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message(), "stop here");
  EXPECT_EQ(visited, 1);
}

TEST_P(ArtifactStoreConformanceTest, ListingRejectsABadBucketName) {
  const Status status =
      store().ListObjects("../elsewhere", "", [](const ListedObject&) { return OkStatus(); });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mlops
