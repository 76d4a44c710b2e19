#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/sha256.h"

namespace mlops {

// Incremental SHA-256 computed on a thread of its own, so that hashing a large stream overlaps
// with whatever the caller does between updates (receiving and writing it). Update() copies the
// bytes into a bounded ring of kSlots buffers of kSlotBytes each and blocks only when the hasher
// is that far behind, so memory stays constant whatever the stream's length. Streams shorter
// than one buffer never start the thread. If no thread can be started, hashes on the caller's.
//
// Same contract as Sha256: one per stream, not thread-safe (the caller is a single thread).
class BackgroundSha256 {
 public:
  static constexpr std::size_t kSlots = 4;
  static constexpr std::size_t kSlotBytes = std::size_t{1} << 20;

  BackgroundSha256() = default;
  // Stops the hasher without hashing what is still queued.
  ~BackgroundSha256();
  BackgroundSha256(const BackgroundSha256&) = delete;
  BackgroundSha256& operator=(const BackgroundSha256&) = delete;

  void Update(std::string_view data);
  // Waits for every queued byte to be hashed; lowercase hex digest. No Update() afterwards.
  std::string HexDigest();

 private:
  // Hands the slot being filled to the hasher and waits until the next one is free.
  void SubmitFilledSlot();
  void HashLoop();
  void StopHasher(bool discard_queue);

  Sha256 sha_;  // used by the hasher thread while it runs, by the caller otherwise
  std::array<std::string, kSlots> slots_;
  std::size_t filling_ = 0;  // slot the caller appends to; never queued

  std::mutex mu_;
  std::condition_variable slot_queued_;
  std::condition_variable slot_hashed_;
  std::size_t queued_ = 0;   // slots handed to the hasher, the oldest at hashing_
  std::size_t hashing_ = 0;  // next slot the hasher takes
  bool closing_ = false;     // no more slots will be queued
  bool discard_ = false;     // leave the queued slots unhashed
  std::thread hasher_;
};

}  // namespace mlops
