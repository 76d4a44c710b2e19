#include "artifacts/s3/sigv4_presign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>
#include <string_view>

#include "common/sha256.h"

namespace mlops::s3 {
namespace {

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

// "20130524T000000Z", the ISO 8601 basic form SigV4 uses.
std::string AmzDate(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::string PresignGetUrl(const Endpoint& endpoint, const std::string& path,
                          const Credentials& credentials, std::chrono::system_clock::time_point now,
                          std::chrono::seconds expiry) {
  const std::string amz_date = AmzDate(now);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + credentials.region + "/s3/aws4_request";
  const std::string query = CanonicalQuery({
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", credentials.access_key + "/" + scope},
      {"X-Amz-Date", amz_date},
      {"X-Amz-Expires", std::to_string(expiry.count())},
      {"X-Amz-SignedHeaders", "host"},
  });
  const std::string canonical_request =
      "GET\n" + path + "\n" + query + "\nhost:" + endpoint.host + "\n\nhost\nUNSIGNED-PAYLOAD";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(canonical_request);
  std::string key = HmacSha256("AWS4" + credentials.secret_key, date);
  key = HmacSha256(key, credentials.region);
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  const std::string signature = Hex(HmacSha256(key, string_to_sign));
  return endpoint.base_url + path + "?" + query + "&X-Amz-Signature=" + signature;
}

}  // namespace mlops::s3
