#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mlops::validation::isolation {

struct ChildProcessOptions {
  // The program and its arguments; argv[0] is the path executed.
  std::vector<std::string> argv;
  // From the start: a child still running then is killed.
  std::chrono::milliseconds timeout{600'000};
  // stdout beyond this is read and dropped (so the child never blocks on a full pipe).
  std::size_t max_stdout_bytes = 64u << 20;
  // How much of the end of stderr is kept, for saying why a child failed.
  std::size_t stderr_tail_bytes = 512;
};

// How a child ended and what it wrote.
struct ChildResult {
  // Killed at the deadline; `signal` is then SIGKILL.
  bool timed_out = false;
  std::optional<int> exit_code;  // it exited
  std::optional<int> signal;     // a signal ended it
  std::string out;
  bool out_truncated = false;  // it wrote more than max_stdout_bytes
  std::string err_tail;
};

// Runs `options.argv` with the environment of this process, feeding `input` on its stdin while
// reading its stdout and stderr, and waits for it. The child gets only fds 0-2 (nothing else of
// this process, whatever its CLOEXEC flags), default signal dispositions, and a process group
// of its own: at the deadline, or once it exits, whatever is left of that group is SIGKILLed so
// no grandchild outlives it. Always reaps the child before returning. Thread-safe; never raises
// SIGPIPE in this process. INTERNAL if the child cannot be started (e.g. no such program).
StatusOr<ChildResult> RunChildProcess(const ChildProcessOptions& options, std::string_view input);

// "signal 11 (SIGSEGV)".
std::string DescribeSignal(int signal);

}  // namespace mlops::validation::isolation
