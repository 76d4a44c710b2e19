#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kUnknownId[] = "1b4e28ba-2fa1-4d2e-883f-0016d3cca427";

class VersionsTest : public ModelServerTest {
 protected:
  // These tests are about storing versions: the validation runs an upload would queue would move
  // their status and add report files under the artifact directory.
  void SetUp() override {
    options_.env["ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER"] = "false";
    ModelServerTest::SetUp();
  }
  HttpResult PostRaw(const std::string& body, const std::string& content_type) const {
    return admin_->Send("POST", VersionsPath(), body, {content_type});
  }
  // The artifacts the server holds (temporaries too, where the store shows them).
  std::vector<std::string> ArtifactFiles() const { return stores_->StoredArtifacts(); }
  std::string ArtifactPathOf(const std::string& version, const std::string& file) const {
    return stores_->model_bucket() + "/models/" + model_id_ + "/" + version + "/" + file;
  }
  std::string ListedCount() const { return admin_->Get(VersionsPath()).header("x-total-count"); }
  // A request the server must refuse with `status` and a detail, keeping nothing.
  void ExpectRefusedLeavingNothing(const HttpResult& r, long status) const {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
    EXPECT_EQ(ListedCount(), "0");
    EXPECT_EQ(ArtifactFiles(), std::vector<std::string>{});
  }
};

TEST_F(VersionsTest, UploadReturnsTheVersionAndStoresTheBytes) {
  json details = VersionDetails("1.0.0");
  details["description"] = "first cut";
  details["parameters"] = {{"steps", 30}};
  details["metrics"] = {{"fid", 12.3}};
  HttpResult r = admin_->UploadVersion(model_id_, details, "model.onnx", "abc");
  ASSERT_EQ(r.status, 201) << r.body;
  const json v = r.json();
  EXPECT_EQ(v["model_id"], model_id_);
  EXPECT_EQ(v["version_string"], "1.0.0");
  EXPECT_EQ(v["description"], "first cut");
  EXPECT_EQ(v["model_format"], "ONNX");
  EXPECT_EQ(v["interface_type"], "TRITON_INFERENCE_SERVER");
  EXPECT_EQ(v["parameters"], json({{"steps", 30}}));
  EXPECT_EQ(v["metrics"], json({{"fid", 12.3}}));
  EXPECT_EQ(v["status"], "PENDING_VALIDATION");
  EXPECT_EQ(v["artifact_path"], ArtifactPathOf("1.0.0", "model.onnx"));
  EXPECT_EQ(v["artifact_size_bytes"], 3);
  EXPECT_EQ(v["artifact_sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abc"), v["artifact_sha256"]);
  EXPECT_TRUE(v.contains("created_by_user_id")) << r.body;
  EXPECT_EQ(v["created_at"], v["updated_at"]);
  EXPECT_EQ(stores_->ReadArtifact(v["artifact_path"]), "abc");
  EXPECT_EQ(ArtifactFiles(), std::vector<std::string>{v["artifact_path"].get<std::string>()});

  HttpResult got = admin_->Get(Api("/models/versions/" + v["id"].get<std::string>()));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json(), v);
}

TEST_F(VersionsTest, LargerArtifactHasItsSizeAndDigest) {
  const std::string bytes = PseudoRandomBytes(300 * 1024 + 7, 1);
  const json v = UploadVersion(*admin_, model_id_, "2", bytes);
  EXPECT_EQ(v["artifact_size_bytes"], bytes.size());
  EXPECT_EQ(v["artifact_sha256"], Sha256Hex(bytes));
  EXPECT_EQ(Sha256Hex(stores_->ReadArtifact(v["artifact_path"])), Sha256Hex(bytes));
}

// The head of an upload request on a raw connection; `framing` is its Content-Length or
// Transfer-Encoding field.
std::string UploadHead(const std::string& path, const std::string& framing) {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + kAdminKey + "\r\n" +
         kMultipartType + "\r\n" + framing + "\r\n\r\n";
}

// A body of known length is read apart from the next request, even when both arrive together.
TEST_F(VersionsTest, UploadAndAPipelinedRequestShareAConnection) {
  const std::string bytes = PseudoRandomBytes(3 * 1024 * 1024 + 5, 4);
  const std::string body =
      MultipartBody({{"version_details", VersionDetails("1").dump()}, {"file", bytes, "m.onnx"}});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(UploadHead(VersionsPath(), "Content-Length: " + std::to_string(body.size())) +
                     body + "GET " + VersionsPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                     "X-API-Key: " + kAdminKey + "\r\n\r\n"));
  std::optional<RawResponse> upload = c.ReadResponse();
  ASSERT_TRUE(upload.has_value()) << c.received();
  ASSERT_EQ(upload->status, 201) << upload->body;
  const json v = json::parse(upload->body);
  EXPECT_EQ(v["artifact_size_bytes"], bytes.size());
  EXPECT_EQ(v["artifact_sha256"], Sha256Hex(bytes));
  std::optional<RawResponse> list = c.ReadResponse();
  ASSERT_TRUE(list.has_value()) << "the pipelined request got no answer: " << c.received();
  EXPECT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(json::parse(list->body).size(), 1u) << list->body;
}

TEST_F(VersionsTest, ChunkedUploadIsStoredWithItsDigest) {
  const std::string bytes = PseudoRandomBytes(2 * 1024 * 1024 + 9, 5);
  const std::string body =
      MultipartBody({{"version_details", VersionDetails("1").dump()}, {"file", bytes, "m.onnx"}});
  RawConnection c(server_->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(UploadHead(VersionsPath(), "Transfer-Encoding: chunked")));
  constexpr std::size_t kChunk = 100000;
  for (std::size_t pos = 0; pos < body.size(); pos += kChunk) {
    const std::string_view chunk = std::string_view(body).substr(pos, kChunk);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    ASSERT_TRUE(c.Send(size_line + std::string(chunk) + "\r\n"));
  }
  ASSERT_TRUE(c.Send("0\r\n\r\n"));
  std::optional<RawResponse> r = c.ReadResponse(std::chrono::seconds(20));
  ASSERT_TRUE(r.has_value()) << c.received();
  ASSERT_EQ(r->status, 201) << r->body;
  const json v = json::parse(r->body);
  EXPECT_EQ(v["artifact_size_bytes"], bytes.size());
  EXPECT_EQ(v["artifact_sha256"], Sha256Hex(bytes));
  EXPECT_EQ(stores_->ReadArtifact(v["artifact_path"]), bytes);
}

class StagingUploadTest : public VersionsTest {
 protected:
  void SetUp() override {
    options_.env["DEFAULT_MODEL_STATUS_ON_UPLOAD"] = "STAGING";
    VersionsTest::SetUp();
  }
};

TEST_F(StagingUploadTest, NewVersionStartsInStaging) {
  EXPECT_EQ(UploadVersion(*admin_, model_id_, "1")["status"], "STAGING");
}

TEST_F(VersionsTest, TraversalFileNamesAreReducedToASafeBaseName) {
  // A file name that would land here if the server followed it upwards out of the data dir.
  const std::string escape_name = "mlops-e2e-escape-" + fs::path(dir_.path()).filename().string();
  const std::string escape_path = fs::temp_directory_path() / escape_name;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"../../etc/passwd", "passwd"},
      {"..\\x", "x"},
      {"/etc/absolute.bin", "absolute.bin"},
      {"C:\\Windows\\win.ini", "win.ini"},
      {"../../../../../../../../../../.." + escape_path, escape_name},
      {"..", ""},
  };
  std::vector<std::string> expected;
  int n = 0;
  for (const auto& [raw, safe] : cases) {
    const std::string version = "v" + std::to_string(++n);
    HttpResult r = admin_->UploadVersion(model_id_, VersionDetails(version), raw, "payload");
    if (safe.empty()) {
      EXPECT_EQ(r.status, 422) << raw << ": " << r.body;
      continue;
    }
    ASSERT_EQ(r.status, 201) << raw << ": " << r.body;
    const std::string path = ArtifactPathOf(version, safe);
    EXPECT_EQ(r.json()["artifact_path"], path) << raw;
    expected.push_back(path);
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ArtifactFiles(), expected);
  EXPECT_FALSE(fs::exists(escape_path)) << escape_path;
  // Everything the server wrote is in its data dir: the database, the artifacts, its logs.
  for (const std::string& file : FilesUnder(dir_.path())) {
    EXPECT_TRUE(
        file.rfind("artifacts/" + stores_->model_bucket() + "/models/" + model_id_ + "/", 0) == 0 ||
        file.rfind("mlops.db", 0) == 0 || file == "port" || file == "stdout.log" ||
        file == "stderr.log")
        << file;
  }
}

TEST_F(VersionsTest, DuplicateVersionIs409AndKeepsTheFirstArtifact) {
  const json first = UploadVersion(*admin_, model_id_, "1.0", "first bytes");
  const std::vector<std::string> files = ArtifactFiles();
  HttpResult r = admin_->UploadVersion(model_id_, VersionDetails("1.0"), "other.bin", "second");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(r.json().contains("detail")) << r.body;
  r = admin_->UploadVersion(model_id_, VersionDetails("1.0"), "model.onnx", "second");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ArtifactFiles(), files);
  EXPECT_EQ(stores_->ReadArtifact(first["artifact_path"]), "first bytes");
  EXPECT_EQ(ListedCount(), "1");
}

TEST_F(VersionsTest, ConcurrentUploadsOfOneVersionYieldOneVersion) {
  constexpr int kThreads = 8;
  const std::vector<long> statuses =
      StatusesInParallel(kThreads, [this](const HttpClient& client, int i) {
        return client.UploadVersion(model_id_, VersionDetails("race"), "model.onnx",
                                    PseudoRandomBytes(64 * 1024, i));
      });
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kThreads - 1);
  EXPECT_EQ(ListedCount(), "1");
  EXPECT_EQ(ArtifactFiles(), std::vector<std::string>{ArtifactPathOf("race", "model.onnx")});
}

TEST_F(VersionsTest, WrongContentTypeIs415) {
  const std::string body = MultipartBody(
      {{"version_details", VersionDetails("1").dump()}, {"file", "bytes", "model.onnx"}});
  ExpectRefusedLeavingNothing(PostRaw(body, "Content-Type: text/plain"), 415);
  // "Content-Type:" with no value makes libcurl send no Content-Type at all.
  ExpectRefusedLeavingNothing(PostRaw(body, "Content-Type:"), 415);
  ExpectRefusedLeavingNothing(PostRaw(body, "Content-Type: application/json"), 415);
}

TEST_F(VersionsTest, MalformedMultipartIs400) {
  const std::string body = MultipartBody(
      {{"version_details", VersionDetails("1").dump()}, {"file", "bytes", "model.onnx"}});
  ExpectRefusedLeavingNothing(PostRaw(body, "Content-Type: multipart/form-data"), 400);
  // Delimited by another boundary than the header announces.
  ExpectRefusedLeavingNothing(
      PostRaw(body, "Content-Type: multipart/form-data; boundary=somethingElse"), 400);
}

TEST_F(VersionsTest, TruncatedBodyIs400AndKeepsNothing) {
  const std::string body = MultipartBody({{"version_details", VersionDetails("1").dump()},
                                          {"file", PseudoRandomBytes(100000, 3), "model.onnx"}},
                                         /*close=*/false);
  ExpectRefusedLeavingNothing(PostRaw(body, kMultipartType), 400);
  // Cut in the middle of the file data, too.
  ExpectRefusedLeavingNothing(PostRaw(body.substr(0, body.size() / 2), kMultipartType), 400);
  EXPECT_EQ(stores_->Temporaries(), std::vector<std::string>{});
}

TEST_F(VersionsTest, MissingOrMisplacedPartsAre422) {
  const std::string details = VersionDetails("1").dump();
  const std::vector<std::vector<FormPart>> bodies = {
      {{"file", "bytes", "model.onnx"}},                                // no version_details
      {{"file", "bytes", "model.onnx"}, {"version_details", details}},  // file first
      {{"version_details", details}},                                   // no file
      {{"version_details", details}, {"file", "bytes", std::nullopt}},  // file without a name
      {{"notes", "hello"}},                                             // neither
  };
  for (const auto& parts : bodies) {
    ExpectRefusedLeavingNothing(PostRaw(MultipartBody(parts), kMultipartType), 422);
  }
}

TEST_F(VersionsTest, BadVersionDetailsAreRefused) {
  auto upload = [&](const std::string& details_text) {
    return PostRaw(MultipartBody({{"version_details", details_text}, {"file", "x", "m.onnx"}}),
                   kMultipartType);
  };
  ExpectRefusedLeavingNothing(upload("{\"version_string\": "), 400);
  ExpectRefusedLeavingNothing(upload("not json"), 400);

  json details = VersionDetails("1");
  details["model_format"] = "WAV2LIP";
  ExpectRefusedLeavingNothing(upload(details.dump()), 422);
  details = VersionDetails("1");
  details["interface_type"] = "CARRIER_PIGEON";
  ExpectRefusedLeavingNothing(upload(details.dump()), 422);
  details = VersionDetails("1");
  details.erase("model_format");
  ExpectRefusedLeavingNothing(upload(details.dump()), 422);
  details = VersionDetails("1");
  details["metrics"] = "fast";
  ExpectRefusedLeavingNothing(upload(details.dump()), 422);
  const std::vector<std::string> bad_versions = {"",        "../x",      "1.0/evil",
                                                 ".hidden", "has space", std::string(65, '1')};
  for (const std::string& bad : bad_versions) {
    ExpectRefusedLeavingNothing(upload(VersionDetails(bad).dump()), 422);
  }
  ExpectRefusedLeavingNothing(
      upload(json({{"version_string", 5}, {"model_format", "ONNX"}}).dump()), 422);
}

TEST_F(VersionsTest, UnknownOrMalformedModelIsRefused) {
  HttpResult r = admin_->UploadVersion(kUnknownId, VersionDetails("1"), "m.onnx", "bytes");
  EXPECT_EQ(r.status, 404) << r.body;
  r = admin_->UploadVersion("not-a-uuid", VersionDetails("1"), "m.onnx", "bytes");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(ArtifactFiles(), std::vector<std::string>{});
}

TEST_F(VersionsTest, EmptyFileIs422) {
  ExpectRefusedLeavingNothing(admin_->UploadVersion(model_id_, VersionDetails("1"), "m.onnx", ""),
                              422);
}

class SmallArtifactLimitTest : public VersionsTest {
 protected:
  void SetUp() override {
    options_.env["MLOPS_MAX_ARTIFACT_BYTES"] = "1024";
    VersionsTest::SetUp();
  }
};

TEST_F(SmallArtifactLimitTest, OversizedArtifactIs413AndKeepsNothing) {
  ExpectRefusedLeavingNothing(
      admin_->UploadVersion(model_id_, VersionDetails("big"), "m.onnx", PseudoRandomBytes(4096, 9)),
      413);
  EXPECT_EQ(stores_->Temporaries(), std::vector<std::string>{});
  // The limit itself is allowed.
  const json v = UploadVersion(*admin_, model_id_, "fits", PseudoRandomBytes(1024, 9));
  EXPECT_EQ(v["artifact_size_bytes"], 1024);
}

TEST_F(VersionsTest, ListPagesAndFiltersByStatus) {
  std::vector<std::string> ids;
  for (const std::string version : {"c", "a", "b", "d"}) {
    ids.push_back(UploadVersion(*admin_, model_id_, version)["id"].get<std::string>());
  }
  const std::string other_model = CreateModel(*admin_, "other");
  UploadVersion(*admin_, other_model, "a");

  auto list_ids = [&](const std::string& query) {
    HttpResult r = admin_->Get(VersionsPath() + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    ExpectListOrder(r.json());
    std::vector<std::string> out;
    for (const auto& v : r.json()) out.push_back(v.value("id", ""));
    return out;
  };
  // Creation order, then id for versions created in the same millisecond.
  const std::vector<std::string> all = list_ids("");
  EXPECT_EQ(Sorted(all), Sorted(ids));
  EXPECT_EQ(ListedCount(), "4");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(list_ids("?skip=1&limit=2"),
            std::vector<std::string>(all.begin() + 1, all.begin() + 3));
  EXPECT_EQ(admin_->Get(VersionsPath() + "?skip=1&limit=2").header("x-total-count"), "4");
  EXPECT_TRUE(list_ids("?skip=4").empty());

  ASSERT_EQ(
      admin_->PatchJson(Api("/models/versions/" + ids[1] + "/status"), {{"new_status", "ARCHIVED"}})
          .status,
      200);
  EXPECT_EQ(list_ids("?status=ARCHIVED"), std::vector<std::string>{ids[1]});
  EXPECT_EQ(admin_->Get(VersionsPath() + "?status=ARCHIVED").header("x-total-count"), "1");
  EXPECT_EQ(Sorted(list_ids("?status=PENDING_VALIDATION")), Sorted({ids[0], ids[2], ids[3]}));
  EXPECT_TRUE(list_ids("?status=PRODUCTION").empty());

  for (const std::string query : {"?status=BOGUS", "?status=archived", "?limit=0", "?skip=-1"}) {
    HttpResult r = admin_->Get(VersionsPath() + query);
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
  }
  EXPECT_EQ(admin_->Get(Api("/models/" + std::string(kUnknownId) + "/versions")).status, 404);
  EXPECT_EQ(admin_->Get(Api("/models/nope/versions")).status, 422);
}

TEST_F(VersionsTest, GetVersion) {
  const json v = UploadVersion(*admin_, model_id_, "1");
  HttpResult r = admin_->Get(Api("/models/versions/" + v["id"].get<std::string>()));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), v);
  r = admin_->Get(Api("/models/versions/" + std::string(kUnknownId)));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_TRUE(r.json().contains("detail"));
  r = admin_->Get(Api("/models/versions/not-a-uuid"));
  EXPECT_EQ(r.status, 422) << r.body;
  // A model id is not a version id.
  EXPECT_EQ(admin_->Get(Api("/models/versions/" + model_id_)).status, 404);
}

}  // namespace
}  // namespace mlops::e2e
