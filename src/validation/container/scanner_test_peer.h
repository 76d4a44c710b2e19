#pragma once

// TEST PEER, for tests only: a tiny HTTP/1.1 server on 127.0.0.1 standing in for an external
// container scanner. It records every request and answers each with one canned response, or holds
// the connection open without answering (to exercise timeouts). Nothing in the product uses it.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mlops::validation::test_peer {

class ScannerTestPeer {
 public:
  struct Answer {
    int status = 200;
    std::string body{};
    bool hang = false;  // never answer; the connection is closed when the peer stops
  };

  // The raw text of one request (head and body).
  struct Received {
    std::string head;
    std::string body{};
  };

  explicit ScannerTestPeer(Answer answer) : answer_(std::move(answer)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe(stop_) != 0) {
      std::abort();  // a test environment without loopback sockets cannot run these tests
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScannerTestPeer() {
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
    ::close(listener_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }

  ScannerTestPeer(const ScannerTestPeer&) = delete;
  ScannerTestPeer& operator=(const ScannerTestPeer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  // Waits until `fd` is readable; false once the peer is stopping.
  bool WaitReadable(int fd) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    return ::poll(fds, 2, -1) > 0 && (fds[1].revents & POLLIN) == 0;
  }

  void Serve() {
    while (WaitReadable(listener_)) {
      const int conn = ::accept(listener_, nullptr, nullptr);
      if (conn < 0) continue;
      Handle(conn);
      ::close(conn);
    }
  }

  void Handle(int conn) {
    std::string data;
    std::size_t head_end = std::string::npos;
    std::size_t want = 0;
    char buf[4096];
    while (head_end == std::string::npos || data.size() < head_end + 4 + want) {
      if (!WaitReadable(conn)) return;
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        const std::size_t at = Lower(data.substr(0, head_end)).find("content-length:");
        if (at != std::string::npos) want = std::strtoul(data.c_str() + at + 15, nullptr, 10);
      }
    }
    {
      std::lock_guard lock(mu_);
      received_.push_back({data.substr(0, head_end), data.substr(head_end + 4, want)});
    }
    if (answer_.hang) {
      WaitReadable(conn);  // until the client gives up or the peer stops
      return;
    }
    const std::string response = "HTTP/1.1 " + std::to_string(answer_.status) +
                                 " Peer\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(answer_.body.size()) +
                                 "\r\nConnection: close\r\n\r\n" + answer_.body;
    for (std::size_t sent = 0; sent < response.size();) {
      const ssize_t n = ::send(conn, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client hung up
      sent += static_cast<std::size_t>(n);
    }
  }

  static std::string Lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  const Answer answer_;
  int listener_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
};

}  // namespace mlops::validation::test_peer
