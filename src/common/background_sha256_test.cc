#include "common/background_sha256.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/sha256.h"

namespace mlops {
namespace {

constexpr std::size_t kSlot = BackgroundSha256::kSlotBytes;
constexpr std::size_t kRing = BackgroundSha256::kSlots * kSlot;

std::string RandomBytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(gen());
  return out;
}

std::string DigestInSlices(std::string_view data, std::size_t slice) {
  BackgroundSha256 sha;
  for (std::size_t pos = 0; pos < data.size(); pos += slice) sha.Update(data.substr(pos, slice));
  return sha.HexDigest();
}

TEST(BackgroundSha256Test, EmptyStreamHasTheEmptyDigest) {
  BackgroundSha256 sha;
  EXPECT_EQ(sha.HexDigest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(BackgroundSha256Test, MatchesAKnownVector) {
  BackgroundSha256 sha;
  sha.Update("a");
  sha.Update("bc");
  EXPECT_EQ(sha.HexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Sizes around the slot and ring boundaries, where a slot is handed over or the caller waits.
TEST(BackgroundSha256Test, MatchesSha256AtSlotAndRingBoundaries) {
  const std::string data = RandomBytes(2 * kRing + kSlot + 7, 1);
  for (std::size_t size : {kSlot - 1, kSlot, kSlot + 1, kRing - 1, kRing, kRing + 1, data.size()}) {
    const std::string_view prefix = std::string_view(data).substr(0, size);
    EXPECT_EQ(DigestInSlices(prefix, 65536), Sha256Hex(prefix)) << size;
  }
}

TEST(BackgroundSha256Test, SlicingDoesNotMatter) {
  const std::string data = RandomBytes(kRing + 3 * kSlot + 12345, 2);
  const std::string expected = Sha256Hex(data);
  for (std::size_t slice :
       {std::size_t{1} << 10, std::size_t{4093}, kSlot - 3, 3 * kSlot + 1, data.size()}) {
    EXPECT_EQ(DigestInSlices(data, slice), expected) << slice;
  }
}

TEST(BackgroundSha256Test, AbandoningAStreamMidwayReturns) {
  const std::string data = RandomBytes(kRing + kSlot, 3);
  for (int i = 0; i < 20; ++i) {
    BackgroundSha256 sha;
    sha.Update(data);
  }
}

}  // namespace
}  // namespace mlops
