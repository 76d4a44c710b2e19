#include "common/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <random>

namespace mlops {

namespace {

// Bytes from OpenSSL's CSPRNG, fetched in blocks: one RAND_bytes call per UUID costs more than
// the rest of a small request.
class RandomPool {
 public:
  void Fill(std::uint8_t* out, std::size_t n) {
    if (pos_ + n > block_.size()) Refill();
    std::memcpy(out, block_.data() + pos_, n);
    pos_ += n;
  }

 private:
  void Refill() {
    if (RAND_bytes(block_.data(), static_cast<int>(block_.size())) != 1) {
      std::random_device device;
      for (auto& x : block_) x = static_cast<std::uint8_t>(device());
    }
    pos_ = 0;
  }
  std::array<std::uint8_t, 4096> block_{};
  std::size_t pos_ = block_.size();
};

}  // namespace

std::string NewUuid() {
  thread_local RandomPool pool;
  std::array<std::uint8_t, 16> b{};
  pool.Fill(b.data(), b.size());
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

std::string CanonicalUuid(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace mlops
