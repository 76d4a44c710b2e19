#pragma once

// TEST PEER, for tests only: a small HTTP/1.1 server on 127.0.0.1 and a free port, standing in
// for the peers our HTTP client talks to (an external scanner, an API server). It records every
// request and answers each as its handler says: a canned answer, an answer that never comes (to
// exercise timeouts), or one that stops halfway (to exercise stall detection). Connections are
// kept alive unless an answer says otherwise, each served on its own thread, so a client's
// connection reuse and concurrency can be observed. Nothing in the product uses it.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mlops::test {

// A TCP socket listening on 127.0.0.1 and a free port, which is stored in `port`; aborts if
// the environment has no loopback sockets, as such a test environment cannot run these tests.
inline int ListenOnLoopback(int backlog, int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// A port on 127.0.0.1 that nothing listens on: bound, then released.
inline int ClosedPort() {
  int port = 0;
  ::close(ListenOnLoopback(1, port));
  return port;
}

class HttpTestPeer {
 public:
  struct Answer {
    int status = 200;
    std::string body{};
    std::vector<std::string> headers{"Content-Type: application/json"};  // "Name: value"
    bool hang = false;   // never answer; the connection is closed when the peer stops
    bool close = false;  // answer with Connection: close, then close the connection
    // If set, only this many bytes of the body are sent (after a head announcing all of it);
    // then the peer waits, silent, until the client gives up or the peer stops.
    std::optional<std::size_t> stall_after_bytes{};
  };

  // One request as it arrived; a chunked body is decoded.
  struct Received {
    std::string head;  // request line and headers, without the blank line
    std::string method{};
    std::string target{};
    std::map<std::string, std::string> headers{};  // lower-case names
    std::string body{};
    int connection = 0;  // which accepted connection (0, 1, ...) carried it
  };

  // Called on the connection's thread, possibly on several threads at once.
  using Handler = std::function<Answer(const Received&)>;

  explicit HttpTestPeer(Answer answer)
      : HttpTestPeer([answer = std::move(answer)](const Received&) { return answer; }) {}

  explicit HttpTestPeer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ListenOnLoopback(64, port_);
    if (::pipe(stop_) != 0) std::abort();
    acceptor_ = std::thread([this] { Accept(); });
  }

  ~HttpTestPeer() {
    (void)!::write(stop_[1], "x", 1);
    acceptor_.join();
    for (std::thread& t : connections_) t.join();
    ::close(listener_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }

  HttpTestPeer(const HttpTestPeer&) = delete;
  HttpTestPeer& operator=(const HttpTestPeer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

  // How many connections were accepted so far.
  int connections() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }

 private:
  // Waits until `fd` is readable; false once the peer is stopping.
  bool WaitReadable(int fd) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    return ::poll(fds, 2, -1) > 0 && (fds[1].revents & POLLIN) == 0;
  }

  void Accept() {
    while (WaitReadable(listener_)) {
      const int conn = ::accept(listener_, nullptr, nullptr);
      if (conn < 0) continue;
      std::lock_guard lock(mu_);
      const int index = accepted_++;
      connections_.emplace_back([this, conn, index] {
        Serve(conn, index);
        ::close(conn);
      });
    }
  }

  // Reads more bytes into `data`; false if the client closed or the peer is stopping.
  bool ReadMore(int conn, std::string& data) const {
    char buf[65536];
    if (!WaitReadable(conn)) return false;
    const ssize_t n = ::read(conn, buf, sizeof buf);
    if (n <= 0) return false;
    data.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  bool SendAll(int conn, std::string_view bytes) const {
    while (!bytes.empty()) {
      const ssize_t n = ::send(conn, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;  // the client hung up
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads a chunked body from data[pos...], reading more as needed; false on a broken stream.
  bool ReadChunked(int conn, std::string& data, std::size_t pos, std::string& body) const {
    while (true) {
      std::size_t eol;
      while ((eol = data.find("\r\n", pos)) == std::string::npos) {
        if (!ReadMore(conn, data)) return false;
      }
      const std::size_t size = std::strtoul(data.c_str() + pos, nullptr, 16);
      pos = eol + 2;
      while (data.size() < pos + size + 2) {
        if (!ReadMore(conn, data)) return false;
      }
      body.append(data, pos, size);
      pos += size + 2;
      if (size == 0) {
        data.erase(0, pos);
        return true;
      }
    }
  }

  void Serve(int conn, int index) {
    std::string data;
    while (true) {
      std::size_t head_end;
      while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(conn, data)) return;
      }
      Received r{.head = data.substr(0, head_end), .connection = index};
      ParseHead(r);
      if (Lower(HeaderOf(r, "expect")) == "100-continue" &&
          !SendAll(conn, "HTTP/1.1 100 Continue\r\n\r\n")) {
        return;
      }
      if (Lower(HeaderOf(r, "transfer-encoding")) == "chunked") {
        if (!ReadChunked(conn, data, head_end + 4, r.body)) return;
      } else {
        const std::size_t want = std::strtoul(HeaderOf(r, "content-length").c_str(), nullptr, 10);
        while (data.size() < head_end + 4 + want) {
          if (!ReadMore(conn, data)) return;
        }
        r.body = data.substr(head_end + 4, want);
        data.erase(0, head_end + 4 + want);
      }
      const Answer answer = handler_(r);
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(r));
      }
      if (answer.hang) {
        while (ReadMore(conn, data)) {
        }  // until the client gives up or the peer stops
        return;
      }
      std::string head = "HTTP/1.1 " + std::to_string(answer.status) + " Peer\r\n";
      for (const std::string& h : answer.headers) head += h + "\r\n";
      head += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n";
      if (answer.close) head += "Connection: close\r\n";
      head += "\r\n";
      // One write: a second small one would wait for the client's delayed ACK (Nagle).
      head += std::string_view(answer.body)
                  .substr(0, answer.stall_after_bytes.value_or(answer.body.size()));
      if (!SendAll(conn, head)) return;
      if (answer.stall_after_bytes) {
        while (ReadMore(conn, data)) {
        }
        return;
      }
      if (answer.close) return;
    }
  }

  static void ParseHead(Received& r) {
    const std::size_t line_end = r.head.find("\r\n");
    const std::string line = r.head.substr(0, line_end);
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    r.method = line.substr(0, sp1);
    r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? r.head.size() : line_end + 2;
    while (pos < r.head.size()) {
      std::size_t end = r.head.find("\r\n", pos);
      if (end == std::string::npos) end = r.head.size();
      const std::string field = r.head.substr(pos, end - pos);
      const std::size_t colon = field.find(':');
      if (colon != std::string::npos) {
        std::size_t v = colon + 1;
        while (v < field.size() && field[v] == ' ') ++v;
        r.headers[Lower(field.substr(0, colon))] = field.substr(v);
      }
      pos = end + 2;
    }
  }

  static std::string HeaderOf(const Received& r, const std::string& name) {
    const auto it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
  }

  static std::string Lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  const Handler handler_;
  int listener_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mu_;
  int accepted_ = 0;
  std::vector<std::thread> connections_;  // joined at destruction
  std::vector<Received> received_;
};

}  // namespace mlops::test
