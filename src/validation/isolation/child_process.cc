#include "validation/isolation/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/posix_io.h"

extern char** environ;

namespace mlops::validation::isolation {
namespace {

using posix_io::UniqueFd;

Status ErrnoError(const std::string& what, int err) {
  return Internal(what + ": " + std::strerror(err));
}

// posix_spawn's attribute and file-action objects, destroyed with the scope.
struct SpawnSetup {
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
};

// posix_spawn rather than fork: no copy of a large server's page tables, and no code of ours
// running in a forked copy of a multi-threaded process.
StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, int in, int out, int err) {
  SpawnSetup setup;
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  int rc = posix_spawnattr_setflags(
      &setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // Group 0: a new group led by the child, so that killing the group kills what it started.
  if (rc == 0) rc = posix_spawnattr_setpgroup(&setup.attr, 0);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&setup.attr, &none);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&setup.attr, &all);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, in, STDIN_FILENO);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, out, STDOUT_FILENO);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&setup.actions, err, STDERR_FILENO);
  // Listening sockets, database files and the like stay here, whether CLOEXEC or not: some
  // libraries (Boost.Asio's sockets among them) do not set it.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  if (rc != 0) return ErrnoError("cannot set up the child process", rc);

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  rc = posix_spawn(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  if (rc != 0) return ErrnoError("cannot start " + argv[0], rc);
  return pid;
}

// This process's and the child's ends of the child's stdin, stdout and stderr, all CLOEXEC.
struct ChildPipes {
  UniqueFd to_child, child_in;
  UniqueFd from_out, child_out;
  UniqueFd from_err, child_err;
};

StatusOr<ChildPipes> MakePipes() {
  int in_pair[2];
  int out_pipe[2];
  int err_pipe[2];
  // stdin is a socket so that writing to a child that has gone is EPIPE (MSG_NOSIGNAL), not a
  // SIGPIPE that would end this process.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) {
    return ErrnoError("socketpair", errno);
  }
  ChildPipes pipes;
  pipes.to_child = UniqueFd(in_pair[0]);
  pipes.child_in = UniqueFd(in_pair[1]);
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  pipes.from_out = UniqueFd(out_pipe[0]);
  pipes.child_out = UniqueFd(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  pipes.from_err = UniqueFd(err_pipe[0]);
  pipes.child_err = UniqueFd(err_pipe[1]);
  return pipes;
}

// Reads what `fd` has into `chunk` (empty if nothing); closes `fd` at end of file or on error.
void ReadAvailable(UniqueFd& fd, std::string& chunk) {
  char buffer[64 * 1024];
  const ssize_t n = read(fd.get(), buffer, sizeof buffer);
  chunk.assign(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) fd.Close();
}

}  // namespace

StatusOr<ChildResult> RunChildProcess(const ChildProcessOptions& options, std::string_view input) {
  if (options.argv.empty()) return InvalidArgument("no program to run");
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  ASSIGN_OR_RETURN(ChildPipes pipes, MakePipes());
  ASSIGN_OR_RETURN(const pid_t pid, Spawn(options.argv, pipes.child_in.get(), pipes.child_out.get(),
                                          pipes.child_err.get()));
  pipes.child_in.Close();
  pipes.child_out.Close();
  pipes.child_err.Close();
  // Readable once the child has exited; until it is reaped, its pid (and group id) stays
  // reserved, so the kill(-pid) calls below cannot hit an unrelated process.
  // (The syscall itself: glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage.)
  UniqueFd exit_fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  int failure = exit_fd.valid() ? 0 : errno;
  ChildResult result;
  bool exited = false;
  std::size_t sent = 0;
  std::string chunk;
  if (input.empty()) pipes.to_child.Close();
  while (failure == 0 && (!exited || pipes.from_out.valid() || pipes.from_err.valid())) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      result.timed_out = true;
      break;
    }
    pollfd fds[] = {{pipes.to_child.get(), POLLOUT, 0},
                    {pipes.from_out.get(), POLLIN, 0},
                    {pipes.from_err.get(), POLLIN, 0},
                    {exited ? -1 : exit_fd.get(), POLLIN, 0}};
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(left);
    if (poll(fds, std::size(fds), static_cast<int>(wait.count())) < 0) {
      if (errno != EINTR) failure = errno;
      continue;
    }
    if (fds[0].revents != 0) {
      const ssize_t n = send(pipes.to_child.get(), input.data() + sent, input.size() - sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) sent += static_cast<std::size_t>(n);
      // A child that stops reading early gets no more; what it makes of that is its outcome.
      if (sent == input.size() || (n < 0 && errno != EINTR && errno != EAGAIN))
        pipes.to_child.Close();
    }
    if (fds[1].revents != 0) {
      ReadAvailable(pipes.from_out, chunk);
      const std::size_t room = options.max_stdout_bytes - result.out.size();
      result.out.append(chunk, 0, room);
      if (chunk.size() > room) result.out_truncated = true;
    }
    if (fds[2].revents != 0) {
      ReadAvailable(pipes.from_err, chunk);
      result.err_tail += chunk;
      if (result.err_tail.size() > 2 * options.stderr_tail_bytes) {
        result.err_tail.erase(0, result.err_tail.size() - options.stderr_tail_bytes);
      }
    }
    if (fds[3].revents != 0) {
      exited = true;
      // Whatever it left running would hold the pipes open.
      kill(-pid, SIGKILL);
    }
  }
  if (!exited) kill(-pid, SIGKILL);
  int status = 0;
  pid_t waited = 0;
  do {
    waited = waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  if (failure != 0) return ErrnoError("cannot watch the child process", failure);
  if (waited < 0) return ErrnoError("cannot reap the child process", errno);

  if (result.err_tail.size() > options.stderr_tail_bytes) {
    result.err_tail.erase(0, result.err_tail.size() - options.stderr_tail_bytes);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::string DescribeSignal(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return "signal " + std::to_string(signal) +
         (abbreviation != nullptr ? std::string(" (SIG") + abbreviation + ")" : "");
}

}  // namespace mlops::validation::isolation
