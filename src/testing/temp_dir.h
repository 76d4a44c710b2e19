#pragma once

#include <filesystem>
#include <string>

namespace mlops::test {

// A fresh directory under the system's temporary directory, removed with everything in it when
// the object is destroyed. Aborts the test binary (it is test support) if it cannot be created.
// Not thread-safe; movable only by pointer.
class TempDir {
 public:
  // `prefix` names the directory (<tmp>/<prefix>-XXXXXX) so that a leftover tells whose it was.
  explicit TempDir(const std::string& prefix = "mlops-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string (the stores take strings).
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace mlops::test
