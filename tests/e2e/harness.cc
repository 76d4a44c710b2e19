#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace mlops::e2e {
namespace {

namespace fs = std::filesystem;

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t AppendHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto* headers = static_cast<std::map<std::string, std::string>*>(out);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a 100 Continue came first
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*headers)[name] = value;
  }
  return size * n;
}

size_t ReadBody(char* buffer, size_t size, size_t n, void* reader) {
  return (*static_cast<HttpClient::BodyReader*>(reader))(buffer, size * n);
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

CommandResult RunCommand(const std::string& shell_command) {
  CommandResult result;
  FILE* pipe = popen((shell_command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  result.status = pclose(pipe);
  return result;
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "mlops-e2e-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const Options& options) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  const std::string port_file = options.data_dir + "/port";
  fs::remove(port_file);
  p->stdout_path_ = options.data_dir + "/stdout.log";
  std::map<std::string, std::string> env = {{"MLOPS_DATA_DIR", options.data_dir},
                                            {"LOG_LEVEL", "warn"},
                                            {"MLOPS_WORKER_THREADS", "2"},
                                            {"PATH", "/usr/bin:/bin"}};
  if (options.admin_key) env["MLOPS_ADMIN_API_KEY"] = kAdminKey;
  for (const auto& [k, v] : options.env) env[k] = v;

  p->pid_ = fork();
  if (p->pid_ == 0) {
    clearenv();
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    if (chdir(options.data_dir.c_str()) != 0) _exit(126);
    const std::string out = p->stdout_path_;
    if (!freopen(out.c_str(), "a", stdout)) _exit(126);
    const std::string err = options.data_dir + "/stderr.log";
    if (!freopen(err.c_str(), "a", stderr)) _exit(126);
    execl(MLOPS_BINARY, MLOPS_BINARY, "serve", "--port", "0", "--port-file", port_file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    if (in >> p->port_ && p->port_ > 0) return p;
    int status = 0;
    if (waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      p->pid_ = -1;
      std::ifstream err(options.data_dir + "/stderr.log");
      std::stringstream text;
      text << err.rdbuf();
      ADD_FAILURE() << "mlops serve exited early with status " << status << ": " << text.str();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "mlops serve did not start listening within 20 s";
  return nullptr;
}

int ServerProcess::StopWith(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  for (int i = 0; i < 1000; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::optional<int> ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

ServerProcess::~ServerProcess() { StopWith(SIGTERM); }

std::string ServerProcess::Stdout() const {
  std::ifstream in(stdout_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(std::string base_url, std::string api_key)
    : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {
  static CurlGlobal global;
}

HttpResult HttpClient::Perform(void* handle, const std::string& path,
                               const std::vector<std::string>& headers) const {
  HttpResult result;
  CURL* curl = static_cast<CURL*>(handle);
  curl_slist* list = nullptr;
  if (!api_key_.empty()) list = curl_slist_append(list, ("X-API-Key: " + api_key_).c_str());
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  const std::string url = base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  } else {
    result.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

HttpResult HttpClient::Send(const std::string& method, const std::string& path,
                            const std::string& body,
                            const std::vector<std::string>& headers) const {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  return Perform(curl, path, headers);
}

HttpResult HttpClient::PostStreaming(const std::string& path, std::int64_t size, BodyReader read,
                                     const std::vector<std::string>& headers) const {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &read);
  std::vector<std::string> all = headers;
  all.emplace_back("Expect:");  // send the body at once, no 100-continue round trip
  return Perform(curl, path, all);
}

HttpResult HttpClient::Get(const std::string& path, const std::vector<std::string>& headers) const {
  return Send("GET", path, "", headers);
}

HttpResult HttpClient::Delete(const std::string& path) const {
  return Send("DELETE", path, "", {});
}

HttpResult HttpClient::PostJson(const std::string& path, const nlohmann::json& body) const {
  return Send("POST", path, body.dump(), {"Content-Type: application/json"});
}

HttpResult HttpClient::PatchJson(const std::string& path, const nlohmann::json& body) const {
  return Send("PATCH", path, body.dump(), {"Content-Type: application/json"});
}

HttpResult HttpClient::UploadVersion(const std::string& model_id, const nlohmann::json& details,
                                     const std::string& file_name, const std::string& bytes) const {
  const std::string body =
      MultipartBody({{"version_details", details.dump()}, {"file", bytes, file_name}});
  return Send("POST", std::string(kApi) + "/models/" + model_id + "/versions", body,
              {kMultipartType});
}

std::string MultipartBody(const std::vector<FormPart>& parts, bool close) {
  const std::string boundary = kBoundary;
  std::string body;
  for (const FormPart& part : parts) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + part.name + "\"";
    if (part.filename) body += "; filename=\"" + *part.filename + "\"";
    body += "\r\n";
    body += part.filename ? "Content-Type: application/octet-stream\r\n\r\n"
                          : "Content-Type: application/json\r\n\r\n";
    body += part.content + "\r\n";
  }
  if (close) body += "--" + boundary + "--\r\n";
  return body;
}

nlohmann::json VersionDetails(const std::string& version) {
  return {{"version_string", version},
          {"model_format", "ONNX"},
          {"interface_type", "TRITON_INFERENCE_SERVER"}};
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    ADD_FAILURE() << "EVP_Digest failed";
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string PseudoRandomBytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; i += 4) {
    const std::uint32_t word = engine();
    for (std::size_t j = 0; j < 4 && i + j < size; ++j) {
      out[i + j] = static_cast<char>((word >> (8 * j)) & 0xff);
    }
  }
  return out;
}

void ExpectListOrder(const nlohmann::json& list, const std::string& time_field) {
  ASSERT_TRUE(list.is_array()) << list.dump();
  for (std::size_t i = 1; i < list.size(); ++i) {
    const auto key = [&](std::size_t k) {
      return std::make_pair(list[k].value(time_field, ""), list[k].value("id", ""));
    };
    EXPECT_LT(key(i - 1), key(i)) << "list out of order at " << i << ": " << list.dump();
  }
}

std::vector<std::string> Sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

std::vector<std::string> FilesUnder(const std::string& root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(fs::relative(it->path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string CorpusFile(const std::string& path) {
  std::ifstream in(std::string(MLOPS_SOURCE_DIR) + "/tests/corpus/" + path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string RawResponse::header(const std::string& lower_name) const {
  std::istringstream lines(head);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != lower_name) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "";
}

RawConnection::RawConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int RawConnection::ReadSome(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready == 0) return -1;
  char chunk[64 * 1024];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return 0;  // EOF or reset
  received_.append(chunk, static_cast<size_t>(n));
  return static_cast<int>(n);
}

bool RawConnection::ReadUntil(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received_.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ReadSome(left) <= 0) return false;
  }
  return true;
}

std::optional<RawResponse> RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
  };
  if (!ReadUntil("\r\n\r\n", left())) return std::nullopt;
  RawResponse r;
  const auto end = received_.find("\r\n\r\n");
  r.head = received_.substr(0, end + 2);
  if (r.head.rfind("HTTP/1.", 0) != 0 || r.head.size() < 12) return std::nullopt;
  r.status = std::atoi(r.head.substr(9, 3).c_str());
  const std::string length = r.header("content-length");
  const size_t body_size = r.status < 200 || length.empty() ? 0 : std::stoul(length);
  while (received_.size() < end + 4 + body_size) {
    if (left().count() <= 0 || ReadSome(left()) <= 0) return std::nullopt;
  }
  r.body = received_.substr(end + 4, body_size);
  received_.erase(0, end + 4 + body_size);
  return r;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int n = ReadSome(left);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

void ServerTest::SetUp() {
  options_.data_dir = dir_.path();
  stores_ = TestStores::Create(dir_.path());
  ASSERT_NE(stores_, nullptr);
  // A test's own settings win over the stores' defaults.
  options_.env.merge(stores_->ServerEnv());
  server_ = ServerProcess::Start(options_);
  ASSERT_NE(server_, nullptr);
  admin_ = std::make_unique<HttpClient>(server_->base_url(), kAdminKey);
}

void ServerTest::Restart() {
  server_.reset();
  server_ = ServerProcess::Start(options_);
  ASSERT_NE(server_, nullptr);
  admin_ = std::make_unique<HttpClient>(server_->base_url(), kAdminKey);
}

std::vector<long> ServerTest::StatusesInParallel(
    int n, const std::function<HttpResult(const HttpClient&, int)>& request) const {
  std::vector<long> statuses(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      const HttpClient client(server_->base_url(), kAdminKey);
      statuses[i] = request(client, i).status;
    });
  }
  for (auto& t : threads) t.join();
  return statuses;
}

void ModelServerTest::SetUp() {
  ServerTest::SetUp();
  if (server_) model_id_ = CreateModel(*admin_, kModelName);
}

std::string CreateModel(const HttpClient& client, const std::string& name,
                        const std::string& task_type) {
  HttpResult r =
      client.PostJson(std::string(kApi) + "/models", {{"name", name}, {"task_type", task_type}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json().value("id", "");
}

nlohmann::json UploadVersion(const HttpClient& client, const std::string& model_id,
                             const std::string& version, const std::string& bytes) {
  HttpResult r = client.UploadVersion(model_id, VersionDetails(version), "model.onnx", bytes);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

}  // namespace mlops::e2e
