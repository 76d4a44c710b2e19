#include "validation/isolation/child_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <iterator>

namespace mlops::validation::isolation {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

StatusOr<ChildResult> RunShell(const std::string& script, std::string_view input = "",
                               milliseconds timeout = milliseconds(10'000)) {
  return RunChildProcess({.argv = {"/bin/sh", "-c", script}, .timeout = timeout}, input);
}

TEST(ChildProcessTest, FeedsStdinAndCollectsStdout) {
  const StatusOr<ChildResult> result = RunShell("cat; echo done", "hello\n");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_FALSE(result->signal.has_value());
  EXPECT_FALSE(result->timed_out);
  EXPECT_EQ(result->out, "hello\ndone\n");
}

TEST(ChildProcessTest, ReportsTheSignalThatKilledIt) {
  const StatusOr<ChildResult> result = RunShell("echo dying >&2; kill -SEGV $$");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->signal, SIGSEGV);
  EXPECT_FALSE(result->exit_code.has_value());
  EXPECT_FALSE(result->timed_out);
  EXPECT_EQ(result->err_tail, "dying\n");
}

TEST(ChildProcessTest, ReportsItsExitStatus) {
  const StatusOr<ChildResult> result = RunShell("exit 3");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 3);
}

TEST(ChildProcessTest, KillsAndReapsAChildPastTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  // The sleep is a grandchild holding the pipes: it must die with its group.
  const StatusOr<ChildResult> result = RunShell("sleep 30; echo late", "", milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->signal, SIGKILL);
  EXPECT_EQ(result->out, "");
  EXPECT_LT(took, milliseconds(5'000));
}

TEST(ChildProcessTest, KillsWhatAnExitedChildLeftHoldingThePipes) {
  const auto start = std::chrono::steady_clock::now();
  const StatusOr<ChildResult> result = RunShell("sleep 30 & echo left");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_FALSE(result->timed_out);
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out, "left\n");
  EXPECT_LT(took, milliseconds(5'000));
}

TEST(ChildProcessTest, ReadsLargeOutputWhileWritingLargeInput) {
  // Both directions exceed any pipe buffer: writing all input before reading would deadlock.
  const std::string input(4u << 20, 'x');
  const StatusOr<ChildResult> result = RunShell("cat; head -c 3000000 /dev/zero", input);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out.size(), input.size() + 3'000'000);
  EXPECT_FALSE(result->out_truncated);
}

TEST(ChildProcessTest, DropsStdoutBeyondTheCapAndKeepsTheEndOfStderr) {
  const StatusOr<ChildResult> result = RunChildProcess(
      {.argv = {"/bin/sh", "-c",
                "head -c 100000 /dev/zero; head -c 5000 /dev/zero >&2; echo end >&2"},
       .max_stdout_bytes = 1000,
       .stderr_tail_bytes = 10},
      "");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out.size(), 1000u);
  EXPECT_TRUE(result->out_truncated);
  EXPECT_EQ(result->err_tail, std::string(6, '\0') + "end\n");
}

TEST(ChildProcessTest, ToleratesAChildThatIgnoresItsInput) {
  const StatusOr<ChildResult> result = RunShell("exec 0<&-; exit 0", std::string(1u << 20, 'x'));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->exit_code, 0);
}

TEST(ChildProcessTest, InheritsNoDescriptorBeyondTheStandardThree) {
  // A descriptor without CLOEXEC, as a listening socket may be, must not reach the child.
  const int leaked = dup(STDERR_FILENO);
  ASSERT_GE(leaked, 3);
  const StatusOr<ChildResult> result = RunShell("ls /proc/self/fd");
  close(leaked);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // ls's own directory handle is the only one besides 0-2.
  EXPECT_EQ(result->out, "0\n1\n2\n3\n");
}

long OpenDescriptors() {
  const std::filesystem::directory_iterator fds("/proc/self/fd");
  return std::distance(std::filesystem::begin(fds), std::filesystem::end(fds));
}

TEST(ChildProcessTest, LeavesNoDescriptorOrZombieBehind) {
  const long before = OpenDescriptors();
  ASSERT_TRUE(RunShell("echo ok").ok());
  ASSERT_TRUE(RunShell("kill -SEGV $$", std::string(1u << 20, 'x')).ok());
  ASSERT_TRUE(RunShell("sleep 30", "", milliseconds(100)).ok());
  ASSERT_FALSE(RunChildProcess({.argv = {"/nonexistent/program"}}, "").ok());
  EXPECT_EQ(OpenDescriptors(), before);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(ChildProcessTest, AProgramThatCannotStartIsAnError) {
  const StatusOr<ChildResult> result = RunChildProcess({.argv = {"/nonexistent/program"}}, "");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("/nonexistent/program"));
}

TEST(ChildProcessTest, DescribesSignalsByName) {
  EXPECT_EQ(DescribeSignal(SIGSEGV), "signal 11 (SIGSEGV)");
  EXPECT_EQ(DescribeSignal(SIGABRT), "signal 6 (SIGABRT)");
}

}  // namespace
}  // namespace mlops::validation::isolation
