#include "common/background_sha256.h"

#include <algorithm>
#include <system_error>

namespace mlops {

BackgroundSha256::~BackgroundSha256() { StopHasher(/*discard_queue=*/true); }

void BackgroundSha256::Update(std::string_view data) {
  while (!data.empty()) {
    std::string& slot = slots_[filling_];
    const std::size_t take = std::min(data.size(), kSlotBytes - slot.size());
    slot.append(data.substr(0, take));
    data.remove_prefix(take);
    if (slot.size() == kSlotBytes) SubmitFilledSlot();
  }
}

std::string BackgroundSha256::HexDigest() {
  std::string& tail = slots_[filling_];
  if (hasher_.joinable()) {
    // The slot being filled is never queued, so the ring has room for it.
    if (!tail.empty()) {
      std::lock_guard lock(mu_);
      ++queued_;
    }
    StopHasher(/*discard_queue=*/false);
  } else {
    sha_.Update(tail);
  }
  tail.clear();
  return sha_.HexDigest();
}

void BackgroundSha256::SubmitFilledSlot() {
  if (!hasher_.joinable()) {
    try {
      hasher_ = std::thread(&BackgroundSha256::HashLoop, this);
    } catch (const std::system_error&) {
      // Out of threads: slower, but the digest is the same.
      sha_.Update(slots_[filling_]);
      slots_[filling_].clear();
      return;
    }
  }
  std::unique_lock lock(mu_);
  ++queued_;
  slot_queued_.notify_one();
  // Slots are queued in ring order, so the next one is free once fewer than all are queued.
  filling_ = (filling_ + 1) % kSlots;
  slot_hashed_.wait(lock, [this] { return queued_ < kSlots; });
}

void BackgroundSha256::HashLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    slot_queued_.wait(lock, [this] { return queued_ > 0 || closing_; });
    if (discard_ || queued_ == 0) return;
    std::string& slot = slots_[hashing_];
    lock.unlock();
    sha_.Update(slot);
    slot.clear();  // keeps its capacity for the next round
    lock.lock();
    hashing_ = (hashing_ + 1) % kSlots;
    --queued_;
    slot_hashed_.notify_one();
  }
}

void BackgroundSha256::StopHasher(bool discard_queue) {
  if (!hasher_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    discard_ = discard_queue;
  }
  slot_queued_.notify_one();
  hasher_.join();
}

}  // namespace mlops
