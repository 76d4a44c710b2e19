// GCC 12 with C++20 needs <utility> before Asio; clang-format would sort it after.
// clang-format off
#include <utility>

#include "http/server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
// clang-format on

#include "common/json_writer.h"
#include "common/logging.h"
#include "common/uuid.h"
#include "http/responses.h"
#include "http/url.h"

namespace mlops::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kReadBufferReserve = 64 * 1024;
constexpr std::size_t kStreamChunk = 256 * 1024;
// Reads of a body of known length go straight into this buffer, without Beast's copy; large
// reads keep the per-read costs (syscall, timer re-arm, coroutine resume) small.
constexpr std::size_t kSizedBodyChunk = 1024 * 1024;
constexpr std::size_t kDownloadChunk = 256 * 1024;
constexpr std::size_t kDrainChunk = 64 * 1024;

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The API key of a request: X-API-Key, or Authorization: Bearer.
std::optional<std::string> PresentedKey(const Request& req) {
  if (auto key = req.Header("x-api-key")) return std::string(*key);
  if (auto auth = req.Header("authorization")) {
    constexpr std::string_view kBearer = "bearer ";
    if (auth->size() > kBearer.size() && Lower(auth->substr(0, kBearer.size())) == kBearer) {
      return std::string(auth->substr(kBearer.size()));
    }
  }
  return std::nullopt;
}

bool IsDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::broken_pipe ||
         ec == bhttp::error::partial_message;
}

// The minimum rate of a streamed body: each window of `window` must bring `bytes_per_second`
// times its length, so a client trickling a byte per idle period is cut off at the end of the
// first window (its grace period) rather than never. Checked as bytes arrive; a body that stops
// altogether is the idle timeout's business.
class BodyRate {
 public:
  BodyRate(std::uint64_t bytes_per_second, int window_seconds)
      : bytes_per_second_(bytes_per_second),
        window_(std::chrono::seconds(window_seconds)),
        window_start_(Clock::now()) {}

  // Counts `n` bytes that just arrived. MALFORMED, saying how slow, if a window ended short of
  // the minimum (then too_slow(), and the answer is 408).
  Status Add(std::uint64_t n) {
    if (bytes_per_second_ == 0) return OkStatus();
    in_window_ += n;
    const auto now = Clock::now();
    if (now - window_start_ < window_) return OkStatus();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(window_).count();
    if (in_window_ < bytes_per_second_ * static_cast<std::uint64_t>(seconds)) {
      too_slow_ = true;
      return Malformed("the request body arrived at " + std::to_string(in_window_ / seconds) +
                       " bytes/s over " + std::to_string(seconds) + " s, below the minimum of " +
                       std::to_string(bytes_per_second_) +
                       " bytes/s (MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND)");
    }
    window_start_ = now;
    in_window_ = 0;
    return OkStatus();
  }
  // Whether Add() refused the body (the answer is then 408).
  bool too_slow() const { return too_slow_; }

 private:
  const std::uint64_t bytes_per_second_;
  const Clock::duration window_;
  Clock::time_point window_start_;
  std::uint64_t in_window_ = 0;
  bool too_slow_ = false;
};

// One connection: tracked by its worker so a shutdown can close it while it waits for a request.
struct Connection {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

struct Worker {
  asio::io_context ioc{1};
  // Keeps run() going while the worker has no connection; released when draining starts.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> idle_guard{
      ioc.get_executor()};
  std::unordered_set<Connection*> connections;  // touched only on this worker's thread
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, ApiKeyService& keys, RequestMetrics& metrics)
      : options_(std::move(options)), router_(router), keys_(keys), metrics_(metrics) {
    int n = options_.threads > 0 ? options_.threads
                                 : static_cast<int>(std::thread::hardware_concurrency());
    for (int i = 0; i < std::max(n, 1); ++i) workers_.push_back(std::make_unique<Worker>());
  }

  Status Listen();
  int port() const { return port_; }
  void Run();
  void Shutdown();

 private:
  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(Worker& w, tcp::socket socket);
  // Answers one request whose header was read; returns whether the connection may be reused.
  asio::awaitable<bool> Handle(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                               bhttp::request_parser<bhttp::empty_body>& header);
  // The request being answered, and whether its body has been consumed from the connection.
  struct Exchange {
    Request& req;
    bool body_read;
  };
  // Routes, authorizes, reads the body and runs the handler.
  asio::awaitable<Response> Dispatch(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                     bhttp::request_parser<bhttp::empty_body>& header,
                                     Exchange& exchange, std::string& route_label);
  // Feeds the request body to `sink` as it arrives; MALFORMED if it ends early, TOO_LARGE past
  // the stream limit, 408 (see BodyRate) below the minimum rate, or the sink's error.
  asio::awaitable<Status> ReadStream(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                     bhttp::request_parser<bhttp::empty_body>& header,
                                     BodySink& sink, BodyRate& rate);
  asio::awaitable<Status> ReadSizedStream(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                          std::uint64_t length, BodySink& sink, BodyRate& rate);
  asio::awaitable<Status> ReadChunkedStream(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            bhttp::request_parser<bhttp::empty_body>& header,
                                            BodySink& sink, BodyRate& rate);
  // After a final answer to a request whose bytes are still arriving: stops writing (the client
  // reads the end of the answer) and reads and discards up to the drain limit, for up to the
  // drain time, or until the client closes. The caller then closes the connection.
  asio::awaitable<void> Linger(beast::tcp_stream& stream, beast::flat_buffer& buffer);
  static std::string ResponseHead(const Response& resp, const Request& req, unsigned version,
                                  bool keep_alive, std::int64_t content_length);
  asio::awaitable<bool> Write(beast::tcp_stream& stream, Response& resp, const Request& req,
                              unsigned version, bool keep_alive);
  Status Authorize(Request& req, const Route& route);
  void AccessLog(const Request& req, const std::string& route, int status, double seconds);

  ServerOptions options_;
  const Router& router_;
  ApiKeyService& keys_;
  RequestMetrics& metrics_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<tcp::acceptor> acceptor_;  // on the first worker's io_context
  int port_ = 0;
  std::atomic<bool> draining_{false};
  // SIGINT/SIGTERM, caught from Listen() until Run() returns: a signal that arrives after the
  // port is announced but before Run() waits for it is queued, not fatal. On the first worker's
  // io_context; used on its thread.
  std::optional<asio::signal_set> signals_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopped_ = false;
};

Status Server::Impl::Listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return InvalidArgument("SERVICE_HOST is not an IP address: " + options_.host);
  // One listening socket (no SO_REUSEPORT, so a second server on the same port fails loudly);
  // accepted connections are spread over the workers' io_contexts.
  tcp::acceptor acceptor(workers_.front()->ioc);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                       ": " + ec.message());
  }
  port_ = acceptor.local_endpoint().port();
  acceptor_.emplace(std::move(acceptor));
  signals_.emplace(workers_.front()->ioc, SIGINT, SIGTERM);
  return OkStatus();
}

void Server::Impl::Run() {
  signals_->async_wait([this](const beast::error_code& ec, int signo) {
    if (ec) return;
    Log(LogLevel::kInfo, "shutting down", {{"signal", signo}});
    Shutdown();
  });
  asio::co_spawn(workers_.front()->ioc, Accept(), asio::detached);

  // Once draining starts, in-flight requests get the grace period, then everything stops.
  std::thread grace_watch([this] {
    std::unique_lock lock(stop_mu_);
    stop_cv_.wait(lock, [this] { return draining_.load() || stopped_; });
    if (stopped_) return;
    const auto deadline = Clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
    if (!stop_cv_.wait_until(lock, deadline, [this] { return stopped_; })) {
      Log(LogLevel::kWarn, "grace period over; closing remaining connections");
      for (auto& w : workers_) w->ioc.stop();
    }
  });
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([w = workers_[i].get()] { w->ioc.run(); });
  }
  workers_.front()->ioc.run();
  for (auto& t : threads) t.join();
  signals_.reset();  // a second signal while the caller winds down is not caught
  {
    std::lock_guard lock(stop_mu_);
    stopped_ = true;
  }
  stop_cv_.notify_all();
  grace_watch.join();
}

void Server::Impl::Shutdown() {
  {
    std::lock_guard lock(stop_mu_);
    if (draining_.exchange(true)) return;
  }
  stop_cv_.notify_all();
  for (auto& w : workers_) {
    asio::post(w->ioc, [this, w = w.get()] {
      beast::error_code ignored;
      if (w == workers_.front().get()) {
        if (signals_) signals_->cancel(ignored);
        if (acceptor_) acceptor_->close(ignored);
      }
      w->idle_guard.reset();
      for (Connection* c : w->connections) {
        if (c->idle) c->stream->cancel();
      }
    });
  }
}

asio::awaitable<void> Server::Impl::Accept() {
  asio::steady_timer backoff(workers_.front()->ioc);
  std::size_t next = 0;
  while (acceptor_->is_open()) {
    Worker& w = *workers_[next];
    next = (next + 1) % workers_.size();
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor_->async_accept(w.ioc, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || draining_) break;
    if (ec) {
      // Out of file descriptors and the like: wait a little rather than spin.
      Log(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(w.ioc, Serve(w, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::Serve(Worker& w, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Connection connection{&stream, true};
  w.connections.insert(&connection);
  beast::flat_buffer buffer;
  buffer.reserve(kReadBufferReserve);
  try {
    while (!draining_) {
      connection.idle = buffer.size() == 0;
      bhttp::request_parser<bhttp::empty_body> header;
      header.header_limit(kHeaderLimit);
      header.body_limit(std::numeric_limits<std::uint64_t>::max());
      // One deadline for the whole head, however its bytes trickle in.
      stream.expires_after(std::chrono::seconds(options_.header_timeout_seconds));
      beast::error_code ec;
      co_await bhttp::async_read_header(stream, buffer, header,
                                        asio::redirect_error(asio::use_awaitable, ec));
      connection.idle = false;
      if (ec) {
        if (!IsDisconnect(ec)) {
          Response bad = ErrorResponse(Malformed("malformed HTTP request: " + ec.message()));
          if (ec == bhttp::error::header_limit) bad.status = 431;
          Request none;
          if (co_await Write(stream, bad, none, 11, false)) co_await Linger(stream, buffer);
        }
        break;
      }
      if (!co_await Handle(stream, buffer, header)) break;
    }
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "connection failed", {{"error", e.what()}});
  }
  w.connections.erase(&connection);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

Status Server::Impl::Authorize(Request& req, const Route& route) {
  if (!route.permission) return OkStatus();
  const auto presented = PresentedKey(req);
  if (!presented) {
    return Unauthenticated("missing API key: send X-API-Key or Authorization: Bearer");
  }
  ASSIGN_OR_RETURN(req.principal, keys_.Authenticate(*presented));
  if (!RoleAllows(req.principal->role, *route.permission)) {
    return PermissionDenied("role " + std::string(ToString(req.principal->role)) + " may not " +
                            req.method + " " + route.pattern);
  }
  return OkStatus();
}

asio::awaitable<bool> Server::Impl::Handle(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                           bhttp::request_parser<bhttp::empty_body>& header) {
  const auto started = Clock::now();
  const auto& h = header.get();
  const unsigned version = h.version();
  Request req;
  req.method = std::string(h.method_string());
  for (const auto& field : h) req.headers.emplace_back(Lower(field.name_string()), field.value());
  const auto given_id = req.Header("x-request-id");
  req.request_id = given_id && ValidRequestId(*given_id) ? std::string(*given_id) : NewUuid();
  const bool has_body =
      header.chunked() || (header.content_length() && *header.content_length() > 0);
  bool keep_alive = h.keep_alive();

  std::string route_label = "unmatched";
  Exchange exchange{req, !has_body};
  Response resp;
  try {
    resp = co_await Dispatch(stream, buffer, header, exchange, route_label);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "handler failed", {{"request_id", req.request_id}, {"error", e.what()}});
    resp = ErrorResponse(Internal(e.what()));
  }
  if (resp.status == 500) {
    Log(LogLevel::kError, "internal error", {{"request_id", req.request_id}, {"path", req.path}});
  }
  // A body we did not read is still on the wire: the connection cannot carry another request.
  keep_alive = keep_alive && exchange.body_read && !draining_;
  const bool written = co_await Write(stream, resp, req, version, keep_alive);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics_.Record(req.method, route_label, resp.status, seconds);
  AccessLog(req, route_label, resp.status, seconds);
  if (written && !exchange.body_read) co_await Linger(stream, buffer);
  co_return written&& keep_alive;
}

asio::awaitable<Response> Server::Impl::Dispatch(beast::tcp_stream& stream,
                                                 beast::flat_buffer& buffer,
                                                 bhttp::request_parser<bhttp::empty_body>& header,
                                                 Exchange& exchange, std::string& route_label) {
  Request& req = exchange.req;
  const auto content_length = header.content_length();
  const bool expects_continue = Lower(header.get()[bhttp::field::expect]) == "100-continue";
  const unsigned version = header.get().version();

  auto target = ParseTarget(header.get().target());
  if (!target) co_return ErrorResponse(Malformed("malformed request target"));
  req.path = std::move(target->path);
  req.query = std::move(target->query);
  RouteMatch match = router_.Match(req.method, req.path);
  if (!match.route) {
    if (match.allowed_methods.empty())
      co_return ErrorResponse(NotFound("no route for " + req.path));
    Response resp = ErrorResponse(Malformed("method " + req.method + " is not allowed here"));
    resp.status = 405;
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    resp.headers.emplace_back("Allow", allow);
    co_return resp;
  }
  const Route& route = *match.route;
  route_label = route.pattern;
  req.params = std::move(match.params);
  if (Status s = Authorize(req, route); !s.ok()) co_return ErrorResponse(s);

  const std::uint64_t limit =
      route.stream_handler ? options_.max_stream_body_bytes : options_.max_json_body_bytes;
  const Status too_large =
      TooLarge("request body is larger than the limit of " + std::to_string(limit) + " bytes");
  if (content_length && *content_length > limit) co_return ErrorResponse(too_large);

  std::unique_ptr<BodySink> sink;
  if (route.stream_handler) {
    StatusOr<std::unique_ptr<BodySink>> started = route.stream_handler(req);
    if (!started.ok()) co_return ErrorResponse(started.status());
    sink = std::move(started).value();
  }
  if (expects_continue && !exchange.body_read) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
    beast::error_code ec;
    co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (sink) {
    BodyRate rate(options_.min_body_bytes_per_second, options_.min_body_rate_window_seconds);
    Status s = co_await ReadStream(stream, buffer, header, *sink, rate);
    if (!s.ok()) {
      Response refused = ErrorResponse(s);
      if (rate.too_slow()) refused.status = 408;
      co_return refused;
    }
    exchange.body_read = true;
    co_return sink->Finish();
  }

  bhttp::request_parser<bhttp::string_body> body_parser(std::move(header));
  body_parser.body_limit(limit);
  if (!exchange.body_read) {
    stream.expires_after(std::chrono::seconds(options_.request_timeout_seconds));
    beast::error_code ec;
    co_await bhttp::async_read(stream, buffer, body_parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) co_return ErrorResponse(too_large);
    if (ec) co_return ErrorResponse(Malformed("the request body ended early: " + ec.message()));
    exchange.body_read = true;
  }
  req.body = std::move(body_parser.get().body());
  co_return route.handler(req);
}

asio::awaitable<Status> Server::Impl::ReadStream(beast::tcp_stream& stream,
                                                 beast::flat_buffer& buffer,
                                                 bhttp::request_parser<bhttp::empty_body>& header,
                                                 BodySink& sink, BodyRate& rate) {
  if (header.chunked()) co_return co_await ReadChunkedStream(stream, buffer, header, sink, rate);
  // Without Transfer-Encoding, a request without Content-Length has no body (RFC 9112 6.3).
  co_return co_await ReadSizedStream(stream, buffer, header.content_length().value_or(0), sink,
                                     rate);
}

asio::awaitable<Status> Server::Impl::ReadSizedStream(beast::tcp_stream& stream,
                                                      beast::flat_buffer& buffer,
                                                      std::uint64_t length, BodySink& sink,
                                                      BodyRate& rate) {
  // Body bytes that arrived with the header; anything after them belongs to the next request.
  const std::size_t early =
      static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length));
  if (early > 0) {
    Status s =
        sink.Consume(std::string_view(static_cast<const char*>(buffer.data().data()), early));
    if (!s.ok()) co_return s;
    buffer.consume(early);
  }
  std::uint64_t remaining = length - early;
  std::vector<char> chunk(
      static_cast<std::size_t>(std::min<std::uint64_t>(kSizedBodyChunk, remaining)));
  while (remaining > 0) {
    stream.expires_after(std::chrono::seconds(options_.stream_idle_timeout_seconds));
    beast::error_code ec;
    const std::size_t n = co_await stream.async_read_some(
        asio::buffer(chunk.data(),
                     static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), remaining))),
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Malformed("the request body ended early: " + ec.message());
    remaining -= n;
    Status s = sink.Consume(std::string_view(chunk.data(), n));
    if (!s.ok()) co_return s;
    if (remaining > 0) {
      if (Status slow = rate.Add(n); !slow.ok()) co_return slow;
    }
  }
  co_return OkStatus();
}

asio::awaitable<Status> Server::Impl::ReadChunkedStream(
    beast::tcp_stream& stream, beast::flat_buffer& buffer,
    bhttp::request_parser<bhttp::empty_body>& header, BodySink& sink, BodyRate& rate) {
  bhttp::request_parser<bhttp::buffer_body> parser(std::move(header));
  parser.body_limit(options_.max_stream_body_bytes);
  std::vector<char> chunk(kStreamChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(std::chrono::seconds(options_.stream_idle_timeout_seconds));
    beast::error_code ec;
    co_await bhttp::async_read_some(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec == bhttp::error::body_limit) {
      co_return TooLarge("request body is larger than the limit of " +
                         std::to_string(options_.max_stream_body_bytes) + " bytes");
    }
    if (ec) co_return Malformed("the request body ended early: " + ec.message());
    const std::size_t n = chunk.size() - parser.get().body().size;
    if (n > 0) {
      Status s = sink.Consume(std::string_view(chunk.data(), n));
      if (!s.ok()) co_return s;
    }
    if (!parser.is_done()) {
      if (Status slow = rate.Add(n); !slow.ok()) co_return slow;
    }
  }
  co_return OkStatus();
}

asio::awaitable<void> Server::Impl::Linger(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  // Closing with unread bytes in the socket makes the kernel send a reset, which can reach the
  // client before it has read the answer, and destroys the answer in its receive buffer.
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  std::uint64_t discarded = buffer.size();
  buffer.consume(buffer.size());
  if (options_.drain_timeout_seconds <= 0) co_return;
  std::vector<char> scratch(kDrainChunk);
  stream.expires_after(std::chrono::seconds(options_.drain_timeout_seconds));
  while (discarded < options_.drain_bytes) {
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(scratch.size(), options_.drain_bytes - discarded));
    const std::size_t n = co_await stream.async_read_some(
        asio::buffer(scratch.data(), want), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // the client closed (what we wait for), or the drain time is up
    discarded += n;
  }
}

std::string Server::Impl::ResponseHead(const Response& resp, const Request& req, unsigned version,
                                       bool keep_alive, std::int64_t content_length) {
  // Written by hand: Beast's generic serializer cost more than the rest of a small request.
  std::string head;
  head.reserve(256);
  fmt::format_to(std::back_inserter(head), "HTTP/{}.{} {} {}\r\nServer: mlops\r\n", version / 10,
                 version % 10, resp.status,
                 std::string_view(bhttp::obsolete_reason(static_cast<bhttp::status>(resp.status))));
  if (!resp.content_type.empty()) head += "Content-Type: " + resp.content_type + "\r\n";
  // 204 and 304 carry no body and, for 204, must not announce one.
  if (resp.status != 204 && resp.status != 304) {
    fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", content_length);
  }
  if (!req.request_id.empty()) head += "X-Request-Id: " + req.request_id + "\r\n";
  for (const auto& [name, value] : resp.headers) head += name + ": " + value + "\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return head;
}

asio::awaitable<bool> Server::Impl::Write(beast::tcp_stream& stream, Response& resp,
                                          const Request& req, unsigned version, bool keep_alive) {
  beast::error_code ec;
  const bool bodyless = resp.status == 204 || resp.status == 304;
  stream.expires_after(std::chrono::seconds(options_.request_timeout_seconds));
  if (!resp.stream) {
    const std::string head =
        ResponseHead(resp, req, version, keep_alive, static_cast<std::int64_t>(resp.body.size()));
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head), asio::buffer(resp.body.data(), bodyless ? 0 : resp.body.size())};
    co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  const std::string head = ResponseHead(resp, req, version, keep_alive, resp.stream_length);
  co_await asio::async_write(stream, asio::buffer(head),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  std::int64_t sent = 0;
  while (sent < resp.stream_length) {
    StatusOr<std::string> chunk = resp.stream->Read(kDownloadChunk);
    if (!chunk.ok() || chunk->empty()) {
      // The status line is gone already: the only honest signal left is a cut connection.
      Log(LogLevel::kError, "artifact read failed mid-download",
          {{"request_id", req.request_id},
           {"error", chunk.ok() ? "artifact shorter than recorded" : chunk.status().message()}});
      co_return false;
    }
    stream.expires_after(std::chrono::seconds(options_.stream_idle_timeout_seconds));
    co_await asio::async_write(stream, asio::buffer(*chunk),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    sent += static_cast<std::int64_t>(chunk->size());
  }
  co_return true;
}

void Server::Impl::AccessLog(const Request& req, const std::string& route, int status,
                             double seconds) {
  if (!LogEnabled(LogLevel::kInfo)) return;
  // One line per request: built by hand, as this runs for every request.
  std::string fields = "\"request_id\":";
  AppendJsonString(fields, req.request_id);
  fields += ",\"method\":";
  AppendJsonString(fields, req.method);
  fields += ",\"path\":";
  AppendJsonString(fields, req.path);
  fields += ",\"route\":";
  AppendJsonString(fields, route);
  fmt::format_to(std::back_inserter(fields), ",\"status\":{},\"duration_ms\":{:.3f}", status,
                 seconds * 1e3);
  if (req.principal) {
    fields += ",\"principal\":";
    AppendJsonString(fields, req.principal->name);
  }
  LogPreformatted(LogLevel::kInfo, "request", fields);
}

Server::Server(ServerOptions options, const Router& router, ApiKeyService& keys,
               RequestMetrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, keys, metrics)) {}
Server::~Server() = default;
Status Server::Listen() { return impl_->Listen(); }
int Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace mlops::http
