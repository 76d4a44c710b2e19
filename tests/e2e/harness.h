#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends.h"

namespace mlops::e2e {

inline constexpr char kAdminKey[] = "test-admin-key-0123456789abcdef";
inline constexpr char kApi[] = "/api/v1/mlops";
inline constexpr char kBoundary[] = "mlopsE2eBoundary7MA4YWxkTrZu0gW";
inline constexpr char kMultipartType[] =
    "Content-Type: multipart/form-data; boundary=mlopsE2eBoundary7MA4YWxkTrZu0gW";

// One part of a multipart/form-data body; a part with a filename is a file part.
struct FormPart {
  std::string name;
  std::string content;
  std::optional<std::string> filename = std::nullopt;
};

// A multipart/form-data body delimited by kBoundary. Without `close`, the closing delimiter is
// left off (a truncated body).
std::string MultipartBody(const std::vector<FormPart>& parts, bool close = true);
// The version_details of an ONNX model served by Triton, with the given version string.
nlohmann::json VersionDetails(const std::string& version);
// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);
// `size` deterministic pseudo-random bytes.
std::string PseudoRandomBytes(std::size_t size, std::uint32_t seed);
// Fails the test unless `list` is a JSON array in the API's list order: creation time
// (`time_field`), then id.
void ExpectListOrder(const nlohmann::json& list, const std::string& time_field = "created_at");
// `values`, sorted.
std::vector<std::string> Sorted(std::vector<std::string> values);
// Regular files under `root` (recursively), as sorted paths relative to it.
std::vector<std::string> FilesUnder(const std::string& root);
// The bytes of a committed corpus file, `path` relative to tests/corpus/; "" if it is missing.
std::string CorpusFile(const std::string& path);

// What a shell command printed (stdout and stderr together) and its wait status.
struct CommandResult {
  int status = -1;
  std::string output;
};
// Runs `shell_command` with /bin/sh and waits for it to end.
CommandResult RunCommand(const std::string& shell_command);

// A fresh temporary directory, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The real `mlops serve` binary, started on port 0 with its data under `data_dir`.
class ServerProcess {
 public:
  struct Options {
    std::string data_dir;                    // required; survives the process
    std::map<std::string, std::string> env;  // extra variables; may override the defaults
    bool admin_key = true;                   // set MLOPS_ADMIN_API_KEY to kAdminKey
  };

  // Starts the server and waits until it listens; fails the test (ADD_FAILURE) and returns
  // nullptr if it does not within 20 s.
  static std::unique_ptr<ServerProcess> Start(const Options& options);
  ~ServerProcess();  // SIGTERM, then waits (SIGKILL after 10 s)

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  // Sends `signal` and waits for the exit; returns the wait status.
  int StopWith(int signal);
  // Waits up to `timeout` for the process to exit (after a signal sent with kill()); returns
  // the wait status, or nullopt if it is still running.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // Everything the process wrote to stdout so far.
  std::string Stdout() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string stdout_path_;
};

struct HttpResult {
  long status = 0;  // 0: the request failed at the transport level
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error, if any

  nlohmann::json json() const;
  std::string header(const std::string& lower_name) const;
};

// A small blocking HTTP client on libcurl. Not thread-safe: one per thread.
class HttpClient {
 public:
  HttpClient(std::string base_url, std::string api_key);

  HttpResult Get(const std::string& path, const std::vector<std::string>& headers = {}) const;
  HttpResult Delete(const std::string& path) const;
  HttpResult PostJson(const std::string& path, const nlohmann::json& body) const;
  HttpResult PatchJson(const std::string& path, const nlohmann::json& body) const;
  // Any request: raw body, raw headers ("Name: value").
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers) const;
  // POST /models/{model_id}/versions as multipart: version_details then file.
  HttpResult UploadVersion(const std::string& model_id, const nlohmann::json& details,
                           const std::string& file_name, const std::string& bytes) const;
  // POST of a body of `size` bytes pulled from `read` (libcurl's read callback contract: return
  // the bytes written into the buffer, 0 at the end, CURL_READFUNC_ABORT to give up).
  using BodyReader = std::function<std::size_t(char* buffer, std::size_t max)>;
  HttpResult PostStreaming(const std::string& path, std::int64_t size, BodyReader read,
                           const std::vector<std::string>& headers) const;

  void set_api_key(std::string key) { api_key_ = std::move(key); }

 private:
  // Performs a prepared request (URL, method and body set) with the key and `headers`.
  HttpResult Perform(void* curl, const std::string& path,
                     const std::vector<std::string>& headers) const;

  std::string base_url_;
  std::string api_key_;
};

// One HTTP response read off a raw connection.
struct RawResponse {
  int status = 0;
  std::string head;  // status line and header fields, as received
  std::string body;
  std::string header(const std::string& lower_name) const;  // "" if absent
};

// A blocking TCP connection to 127.0.0.1, for what curl cannot do: partial requests, stalls,
// several requests on one known connection, interim responses. Every read is bounded by a
// timeout. Not thread-safe.
class RawConnection {
 public:
  explicit RawConnection(int port);  // check connected(): false if the connect was refused
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes`; false if the peer is gone.
  bool Send(std::string_view bytes);
  // Reads until `needle` is in the received bytes or `timeout` passes; returns whether it came.
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds timeout);
  // Reads one complete response (its body framed by Content-Length) and removes it from the
  // received bytes; nullopt on timeout or if the connection closes first.
  std::optional<RawResponse> ReadResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if the peer closes the connection (EOF or reset) within `timeout`; bytes that arrive
  // meanwhile are kept in received().
  bool WaitClosed(std::chrono::milliseconds timeout);
  const std::string& received() const { return received_; }

 private:
  // One read of whatever is available within `timeout`: >0 bytes read, 0 closed, -1 timeout.
  int ReadSome(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::string received_;
};

// A fresh server on empty stores (see TestStores) for each test, and an admin client for it.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Stops the server (SIGTERM) and starts a new one on the same data directory.
  void Restart();
  std::string Api(const std::string& path) const { return std::string(kApi) + path; }
  // Runs `request` `n` times at once, each on its own thread and client (given its index), and
  // returns the statuses in index order.
  std::vector<long> StatusesInParallel(
      int n, const std::function<HttpResult(const HttpClient&, int)>& request) const;

  TempDir dir_;
  std::unique_ptr<TestStores> stores_;
  ServerProcess::Options options_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

// A ServerTest with one model, registered at set-up, to hang versions on.
class ModelServerTest : public ServerTest {
 protected:
  static constexpr char kModelName[] = "registered";
  void SetUp() override;
  std::string VersionsPath() const { return Api("/models/" + model_id_ + "/versions"); }

  std::string model_id_;
};

// Convenience: creates a model and returns its id (fails the test on error).
std::string CreateModel(const HttpClient& client, const std::string& name,
                        const std::string& task_type = "text_to_image");
// Convenience: uploads a version and returns its JSON (fails the test on error).
nlohmann::json UploadVersion(const HttpClient& client, const std::string& model_id,
                             const std::string& version, const std::string& bytes = "artifact");

}  // namespace mlops::e2e
