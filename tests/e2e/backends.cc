#include "backends.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "harness.h"

namespace mlops::e2e {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string RandomSuffix() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) | rd());
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 12; ++i) out += kAlphabet[gen() % (sizeof(kAlphabet) - 1)];
  return out;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class EmbeddedStores : public TestStores {
 public:
  explicit EmbeddedStores(std::string data_dir) : artifacts_(std::move(data_dir) + "/artifacts") {}

  std::map<std::string, std::string> ServerEnv() const override { return {}; }
  std::string model_bucket() const override { return "mlops-models"; }
  std::string reports_bucket() const override { return "mlops-validation-reports"; }
  std::vector<std::string> StoredArtifacts() const override {
    std::vector<std::string> paths;
    for (std::string& path : FilesUnder(artifacts_)) {
      if (path.starts_with(model_bucket() + "/") || path.starts_with(".tmp/")) {
        paths.push_back(std::move(path));
      }
    }
    return paths;
  }
  std::string ReadArtifact(const std::string& artifact_path) const override {
    return ReadWholeFile(artifacts_ + "/" + artifact_path);
  }
  void PlantArtifact(const std::string& artifact_path, const std::string& bytes) const override {
    const fs::path path = artifacts_ + "/" + artifact_path;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  std::vector<std::string> Temporaries() const override { return FilesUnder(artifacts_ + "/.tmp"); }

 private:
  std::string artifacts_;
};

// s3rver checks no signatures but the requests are signed anyway, as a real S3 would need.
constexpr char kS3Key[] = "S3RVER";

class PostgresS3Stores : public TestStores {
 public:
  PostgresS3Stores(std::string database_url, std::string s3_endpoint, std::string suffix)
      : database_url_(std::move(database_url)),
        s3_endpoint_(std::move(s3_endpoint)),
        model_bucket_("e2e-" + suffix + "-models"),
        reports_bucket_("e2e-" + suffix + "-reports") {}

  std::map<std::string, std::string> ServerEnv() const override {
    return {{"DATABASE_URL", database_url_},
            {"MINIO_ENDPOINT", s3_endpoint_},
            {"MINIO_ACCESS_KEY", kS3Key},
            {"MINIO_SECRET_KEY", kS3Key},
            {"MINIO_MODEL_BUCKET_NAME", model_bucket_},
            {"MINIO_VALIDATION_REPORTS_BUCKET_NAME", reports_bucket_}};
  }
  std::string model_bucket() const override { return model_bucket_; }
  std::string reports_bucket() const override { return reports_bucket_; }

  std::vector<std::string> StoredArtifacts() const override {
    // One page is enough: tests store far fewer than 1000 objects.
    const std::string listing = S3Get("/" + model_bucket_ + "?list-type=2");
    std::vector<std::string> paths;
    for (std::size_t at = listing.find("<Key>"); at != std::string::npos;
         at = listing.find("<Key>", at)) {
      at += 5;
      const std::size_t end = listing.find("</Key>", at);
      if (end == std::string::npos) break;
      paths.push_back(model_bucket_ + "/" + listing.substr(at, end - at));
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  std::string ReadArtifact(const std::string& artifact_path) const override {
    return S3Get("/" + artifact_path);
  }
  void PlantArtifact(const std::string& artifact_path, const std::string& bytes) const override {
    S3Request("PUT", "/" + artifact_path, bytes);
  }
  std::vector<std::string> Temporaries() const override { return {}; }

 private:
  // The body of a signed GET, or "" unless it answers 200.
  std::string S3Get(const std::string& path) const { return S3Request("GET", path, ""); }

  // The response body of a signed request, or "" unless it answers 200.
  std::string S3Request(const char* method, const std::string& path,
                        const std::string& body) const {
    CURL* curl = curl_easy_init();
    std::string response;
    curl_easy_setopt(curl, CURLOPT_URL, (s3_endpoint_ + path).c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (!body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(curl, CURLOPT_USERPWD, (std::string(kS3Key) + ":" + kS3Key).c_str());
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
          static_cast<std::string*>(out)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    // S3 wants the payload's digest in the signature, or this marker.
    curl_slist* headers = curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    return status == 200 ? response : "";
  }

  std::string database_url_;
  std::string s3_endpoint_;
  std::string model_bucket_;
  std::string reports_bucket_;
};

// Creates database `name` on the cluster `admin_url` (a superuser's URL ending in "/postgres")
// and returns the URL of the new database; "" after ADD_FAILURE on error.
std::string CreateDatabase(const std::string& admin_url, const std::string& name) {
  const std::string suffix = "/postgres";
  if (admin_url.size() < suffix.size() ||
      admin_url.compare(admin_url.size() - suffix.size(), suffix.size(), suffix) != 0) {
    ADD_FAILURE() << "MLOPS_TEST_POSTGRES_URL must end in /postgres: " << admin_url;
    return "";
  }
  PGconn* conn = PQconnectdb(admin_url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, ("CREATE DATABASE \"" + name + "\"").c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  if (!error.empty()) {
    ADD_FAILURE() << "cannot create database " << name << ": " << error;
    return "";
  }
  return admin_url.substr(0, admin_url.size() - suffix.size()) + "/" + name;
}

}  // namespace

bool RunningOnPostgresS3() { return Env("MLOPS_E2E_BACKENDS") == "postgres_s3"; }

std::unique_ptr<TestStores> TestStores::Create(const std::string& data_dir) {
  const std::string backends = Env("MLOPS_E2E_BACKENDS");
  if (backends.empty() || backends == "embedded") return std::make_unique<EmbeddedStores>(data_dir);
  if (backends != "postgres_s3") {
    ADD_FAILURE() << "MLOPS_E2E_BACKENDS must be embedded or postgres_s3, not " << backends;
    return nullptr;
  }
  const std::string postgres = Env("MLOPS_TEST_POSTGRES_URL");
  const std::string s3 = Env("MLOPS_TEST_S3_ENDPOINT");
  if (postgres.empty() || s3.empty()) {
    ADD_FAILURE() << "MLOPS_E2E_BACKENDS=postgres_s3 needs MLOPS_TEST_POSTGRES_URL and "
                     "MLOPS_TEST_S3_ENDPOINT (scripts/run-tests.sh sets both)";
    return nullptr;
  }
  const std::string suffix = RandomSuffix();
  const std::string url = CreateDatabase(postgres, "e2e_" + suffix);
  if (url.empty()) return nullptr;
  return std::make_unique<PostgresS3Stores>(url, s3, suffix);
}

}  // namespace mlops::e2e
