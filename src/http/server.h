#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/request_metrics.h"
#include "http/router.h"
#include "services/api_key_service.h"

namespace mlops::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port
  int threads = 0;  // 0: one per core
  std::uint64_t max_json_body_bytes = 1024 * 1024;
  std::uint64_t max_stream_body_bytes = 0;  // whole multipart body, file included
  int header_timeout_seconds = 30;          // to receive a request's head, from the first wait
  int request_timeout_seconds = 30;         // to receive a whole JSON body
  int stream_idle_timeout_seconds = 60;     // longest pause inside a streamed body
  // A streamed body slower than this over a window is answered 408 (0: no minimum).
  std::uint64_t min_body_bytes_per_second = 0;
  int min_body_rate_window_seconds = 30;
  // After answering a request whose body is still arriving: how much more of it to read and
  // discard, and for how long, before closing (so the client reads the answer, not a reset).
  std::uint64_t drain_bytes = 4 << 20;
  int drain_timeout_seconds = 2;
  int shutdown_grace_seconds = 30;
};

// The HTTP/1.1 server on Boost.Beast: one io_context per thread, connections spread over them,
// keep-alive, timeouts, body limits, Expect: 100-continue, X-Request-Id, JSON access logs and
// metrics. Authenticates every route that requires a permission before reading its body.
// A request refused while its body is still arriving is answered with Connection: close, then
// the server half-closes and discards a bounded amount of the body before closing, as a client
// that writes its whole body before reading would otherwise see a reset instead of the answer.
// Run() serves until SIGTERM/SIGINT or Shutdown(), then stops accepting and lets in-flight
// requests finish for up to the grace period.
class Server {
 public:
  Server(ServerOptions options, const Router& router, ApiKeyService& keys, RequestMetrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening sockets and from then on catches SIGTERM/SIGINT: one that arrives before
  // Run() (e.g. right after the port is announced) makes Run() shut down at once instead of
  // killing the process. UNAVAILABLE if the address cannot be bound.
  Status Listen();
  // The bound port (after Listen()).
  int port() const;
  // Serves until shut down; returns once every thread has stopped.
  void Run();
  // Starts a graceful shutdown. Thread-safe.
  void Shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlops::http
