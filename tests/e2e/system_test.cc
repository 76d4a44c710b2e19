#include <regex>
#include <thread>

#include "harness.h"

namespace mlops::e2e {
namespace {

using nlohmann::json;

// The value of the sample `series` (metric name with its labels) in Prometheus text, or -1.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class SystemTest : public ServerTest {
 protected:
  // Polls /metrics until `series` reaches at least `value` (the server records a request just
  // after answering it); returns the last value seen.
  double AwaitSample(const std::string& series, double value) {
    HttpClient anonymous(server_->base_url(), "");
    double seen = -1;
    for (int i = 0; i < 100; ++i) {
      seen = Sample(anonymous.Get("/metrics").body, series);
      if (seen >= value) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return seen;
  }
};

TEST_F(SystemTest, LivenessAndReadinessAreOpen) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult live = anonymous.Get("/health/live");
  EXPECT_EQ(live.status, 200) << live.body;
  EXPECT_TRUE(live.json().is_object()) << live.body;

  HttpResult ready = anonymous.Get("/health/ready");
  ASSERT_EQ(ready.status, 200) << ready.body;
  const json checks = ready.json()["checks"];
  ASSERT_TRUE(checks.is_object()) << ready.body;
  EXPECT_FALSE(checks.empty());
  for (const auto& [name, state] : checks.items()) EXPECT_EQ(state, "ok") << name;
}

TEST_F(SystemTest, MetricsCountRequestsByRoutePatternAndStatus) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult first = anonymous.Get("/metrics");
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(first.body.find("# TYPE mlops_http_requests_total counter"), std::string::npos)
      << first.body;

  const std::string series =
      "mlops_http_requests_total{method=\"GET\",route=\"/api/v1/mlops/models/{model_id}\","
      "status=\"404\"}";
  const double before = std::max(0.0, Sample(first.body, series));
  const std::string id = "00000000-0000-4000-8000-000000000000";
  ASSERT_EQ(admin_->Get(Api("/models/" + id)).status, 404);
  ASSERT_EQ(admin_->Get(Api("/models/" + id)).status, 404);
  EXPECT_EQ(AwaitSample(series, before + 2), before + 2);
  // Labelled by pattern: the concrete id is not a label value.
  const std::string text = anonymous.Get("/metrics").body;
  EXPECT_EQ(text.find(id), std::string::npos);

  ASSERT_EQ(anonymous.Get(Api("/models")).status, 401);
  EXPECT_GE(AwaitSample("mlops_http_requests_total{method=\"GET\",route=\"/api/v1/mlops/models\","
                        "status=\"401\"}",
                        1),
            1);
}

TEST_F(SystemTest, MetricsHaveLatencyHistogram) {
  ASSERT_EQ(admin_->Get(Api("/models")).status, 200);
  const std::string labels = "method=\"GET\",route=\"/api/v1/mlops/models\",status=\"200\"";
  const double count = AwaitSample("mlops_http_request_duration_seconds_count{" + labels + "}", 1);
  EXPECT_GE(count, 1);
  const std::string text = HttpClient(server_->base_url(), "").Get("/metrics").body;
  EXPECT_NE(text.find("# TYPE mlops_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_EQ(Sample(text, "mlops_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}"),
            Sample(text, "mlops_http_request_duration_seconds_count{" + labels + "}"));
  EXPECT_GE(Sample(text, "mlops_http_request_duration_seconds_sum{" + labels + "}"), 0);
  // Buckets are cumulative: never decreasing with `le`.
  const std::regex bucket("mlops_http_request_duration_seconds_bucket\\{" +
                          std::regex_replace(labels, std::regex("[{}\"]"), "\\$&") +
                          ",le=\"([0-9.e+-]+)\"\\} ([0-9]+)");
  double last = 0;
  int buckets = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), bucket);
       it != std::sregex_iterator(); ++it) {
    const double v = std::stod((*it)[2]);
    EXPECT_GE(v, last) << it->str();
    last = v;
    ++buckets;
  }
  EXPECT_GE(buckets, 3) << text;
}

TEST_F(SystemTest, OpenApiDescribesTheApi) {
  HttpClient anonymous(server_->base_url(), "");
  HttpResult r = anonymous.Get("/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  const json doc = r.json();
  ASSERT_TRUE(doc.is_object()) << r.body.substr(0, 200);
  EXPECT_TRUE(doc.value("openapi", "").starts_with("3.")) << doc.value("openapi", "");
  ASSERT_TRUE(doc.contains("paths"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/mlops/models"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/mlops/feedback"));
}

TEST_F(SystemTest, DocsIsHtml) {
  HttpResult r = HttpClient(server_->base_url(), "").Get("/docs");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(r.body.find("<html"), std::string::npos);
}

}  // namespace
}  // namespace mlops::e2e
