#include "artifacts/filesystem_artifact_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include "common/posix_io.h"

namespace mlops {
namespace {

using posix_io::ErrnoStatus;
using posix_io::UniqueFd;

constexpr char kTempDirName[] = ".tmp";
// Delete() prunes empty directories, so one may vanish between Publish()'s mkdir and rename.
constexpr int kPublishAttempts = 3;
// Writeback of a temporary starts every this many bytes, so the disk works while the upload still
// streams in and Finish()'s fsync only waits for the tail.
constexpr off_t kWritebackWindow = off_t{8} << 20;

// Errors of looking an object up: anything meaning "no regular file there" is NOT_FOUND.
Status LookupError(std::string_view operation, const std::string& name, int err) {
  if (err == ENOENT || err == ENOTDIR || err == ELOOP) return NotFound("no object " + name);
  return ErrnoStatus(std::string(operation) + " of " + name, err);
}

// Errors of moving a finished object into place: a key that runs into an existing object or
// prefix (a/b over the object a, or a over the prefix a/) is the caller's conflict, not a fault.
Status PublishError(const std::string& name, int err) {
  if (err == ENOTDIR || err == EISDIR || err == ENOTEMPTY) {
    return Conflict("object key " + name + " collides with an existing object or prefix");
  }
  return ErrnoStatus("publish of " + name, err);
}

class FilesystemArtifactWriter final : public ArtifactWriter {
 public:
  // `name` is "<bucket>/<key>", the object's path relative to `root`.
  FilesystemArtifactWriter(std::int64_t max_bytes, UniqueFd fd, std::string temp_path,
                           std::string root, std::string name)
      : ArtifactWriter(max_bytes),
        fd_(std::move(fd)),
        temp_path_(std::move(temp_path)),
        root_(std::move(root)),
        name_(std::move(name)) {}

  ~FilesystemArtifactWriter() override {
    if (!renamed_) ::unlink(temp_path_.c_str());
  }

 private:
  Status WriteImpl(std::string_view chunk) override {
    if (const int err = posix_io::WriteAll(fd_.get(), chunk); err != 0) {
      return ErrnoStatus("write of " + name_, err);
    }
    written_ += static_cast<off_t>(chunk.size());
    if (written_ - flushed_ >= kWritebackWindow) {
      // Only starts the writeback; durability still comes from the fsync in FinishImpl().
      ::sync_file_range(fd_.get(), flushed_, written_ - flushed_, SYNC_FILE_RANGE_WRITE);
      flushed_ = written_;
    }
    return OkStatus();
  }

  Status FinishImpl() override {
    if (::fsync(fd_.get()) != 0) return ErrnoStatus("fsync of " + name_, errno);
    if (const int err = fd_.Close(); err != 0) return ErrnoStatus("close of " + name_, err);
    return OkStatus();
  }

  Status PublishImpl() override {
    const std::string parent = name_.substr(0, name_.rfind('/'));
    const std::string final_path = root_ + "/" + name_;
    for (int attempt = 1;; ++attempt) {
      if (const int err = posix_io::MakeDirectories(root_, parent); err != 0) {
        return PublishError(name_, err);
      }
      if (::rename(temp_path_.c_str(), final_path.c_str()) == 0) break;
      if (errno != ENOENT || attempt == kPublishAttempts) return PublishError(name_, errno);
    }
    renamed_ = true;
    if (const int err = posix_io::FsyncDirectory(root_ + "/" + parent); err != 0) {
      // The rename might not survive a crash, and the caller will not record the object, so
      // withdraw it rather than leave it visible.
      ::unlink(final_path.c_str());
      return ErrnoStatus("publish of " + name_, err);
    }
    return OkStatus();
  }

  UniqueFd fd_;
  const std::string temp_path_;
  const std::string root_;
  const std::string name_;
  off_t written_ = 0;
  off_t flushed_ = 0;  // bytes whose writeback was started
  bool renamed_ = false;
};

class FilesystemArtifactReader final : public ArtifactReader {
 public:
  FilesystemArtifactReader(UniqueFd fd, off_t begin, off_t end, std::string name)
      : fd_(std::move(fd)), pos_(begin), end_(end), name_(std::move(name)) {}

  StatusOr<std::string> Read(std::size_t max) override {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(max, end_ - pos_));
    std::string out(want, '\0');
    const ssize_t got = posix_io::PreadFull(fd_.get(), out.data(), want, pos_);
    if (got < 0) return ErrnoStatus("read of " + name_, static_cast<int>(-got));
    out.resize(static_cast<std::size_t>(got));
    // A short read means the file ended early; the range is exhausted either way.
    pos_ = static_cast<std::size_t>(got) == want ? pos_ + got : end_;
    return out;
  }

 private:
  UniqueFd fd_;
  off_t pos_;
  const off_t end_;
  const std::string name_;
};

}  // namespace

FilesystemArtifactStore::FilesystemArtifactStore(std::string root)
    : root_(std::move(root)), tmp_dir_(root_ + "/" + kTempDirName) {}

StatusOr<std::unique_ptr<FilesystemArtifactStore>> FilesystemArtifactStore::Open(
    const std::string& root) {
  if (root.empty()) return InvalidArgument("the artifact store root directory is empty");
  // Reported to the operator at start-up, so naming the directory helps and leaks nothing.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(root) / kTempDirName, ec);
  if (ec) {
    return Unavailable("cannot create the artifact store in " + root + ": " + ec.message());
  }
  return std::unique_ptr<FilesystemArtifactStore>(new FilesystemArtifactStore(root));
}

StatusOr<std::string> FilesystemArtifactStore::ObjectPath(const std::string& bucket,
                                                          const std::string& key) const {
  if (bucket == kTempDirName) return InvalidArgument("bucket name '" + bucket + "' is reserved");
  return root_ + "/" + bucket + "/" + key;
}

StatusOr<std::unique_ptr<ArtifactWriter>> FilesystemArtifactStore::BeginWriteImpl(
    const std::string& bucket, const std::string& key, std::int64_t max_bytes) {
  RETURN_IF_ERROR(ObjectPath(bucket, key));
  const std::string name = bucket + "/" + key;
  const std::string temp_path = tmp_dir_ + "/" + RandomToken(16) + ".part";
  UniqueFd fd(
      ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return ErrnoStatus("creating a temporary file for " + name, errno);
  std::unique_ptr<ArtifactWriter> writer =
      std::make_unique<FilesystemArtifactWriter>(max_bytes, std::move(fd), temp_path, root_, name);
  return writer;
}

StatusOr<ArtifactInfo> FilesystemArtifactStore::StatImpl(const std::string& bucket,
                                                         const std::string& key) {
  ASSIGN_OR_RETURN(const std::string path, ObjectPath(bucket, key));
  const std::string name = bucket + "/" + key;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return LookupError("stat", name, errno);
  if (!S_ISREG(st.st_mode)) return NotFound("no object " + name);
  return ArtifactInfo{static_cast<std::int64_t>(st.st_size), ""};
}

StatusOr<std::unique_ptr<ArtifactReader>> FilesystemArtifactStore::OpenImpl(
    const std::string& bucket, const std::string& key, std::int64_t offset,
    std::optional<std::int64_t> length) {
  ASSIGN_OR_RETURN(const std::string path, ObjectPath(bucket, key));
  const std::string name = bucket + "/" + key;
  // O_NONBLOCK keeps a FIFO planted in the tree from blocking the open; it is rejected below.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) return LookupError("open", name, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("stat of " + name, errno);
  if (!S_ISREG(st.st_mode)) return NotFound("no object " + name);
  const std::int64_t size = st.st_size;
  if (offset > size) return InvalidArgument("range starts past the end of " + name);
  const std::int64_t end = length ? offset + std::min(*length, size - offset) : size;
  std::unique_ptr<ArtifactReader> reader =
      std::make_unique<FilesystemArtifactReader>(std::move(fd), offset, end, name);
  return reader;
}

Status FilesystemArtifactStore::DeleteImpl(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(const std::string path, ObjectPath(bucket, key));
  if (::unlink(path.c_str()) != 0) {
    // Nothing there, or a directory (a prefix of other objects, never an object itself).
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return OkStatus();
    return ErrnoStatus("delete of " + bucket + "/" + key, errno);
  }
  RemoveEmptyParents(bucket, key);
  return OkStatus();
}

Status FilesystemArtifactStore::ListObjectsImpl(const std::string& bucket,
                                                const std::string& prefix,
                                                const ObjectVisitor& visit) {
  namespace fs = std::filesystem;
  ASSIGN_OR_RETURN(std::string bucket_dir, ObjectPath(bucket, ""));
  bucket_dir.pop_back();  // the '/' before the empty key
  std::error_code ec;
  fs::recursive_directory_iterator it(bucket_dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return OkStatus();  // an empty bucket
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string key = it->path().lexically_relative(bucket_dir).generic_string();
    const bool below_prefix = key.compare(0, prefix.size(), prefix) == 0;
    // lstat: symlinks are neither entered nor listed, as Open() ignores anything but regular files
    // (O_NOFOLLOW, S_ISREG).
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      // Only directories that can hold matching keys are entered.
      if (!below_prefix && prefix.compare(0, key.size() + 1, key + "/") != 0) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!below_prefix || !S_ISREG(st.st_mode)) continue;
    RETURN_IF_ERROR(
        visit({.key = key,
               .size_bytes = st.st_size,
               .modified_at = st.st_mtim.tv_sec * 1000LL + st.st_mtim.tv_nsec / 1000000}));
  }
  if (ec) return ErrnoStatus("listing " + bucket, ec.value());
  return OkStatus();
}

void FilesystemArtifactStore::RemoveEmptyParents(const std::string& bucket,
                                                 const std::string& key) const {
  // Best effort: rmdir fails on the first directory still in use, which ends the walk.
  const std::string bucket_dir = root_ + "/" + bucket + "/";
  for (std::size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
       slash = key.rfind('/', slash - 1)) {
    if (::rmdir((bucket_dir + key.substr(0, slash)).c_str()) != 0) return;
  }
}

Status FilesystemArtifactStore::SweepTemporaries() {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(tmp_dir_.c_str()), &::closedir);
  if (!dir) return ErrnoStatus("listing temporary artifacts", errno);
  Status result;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view file = entry->d_name;
    if (file == "." || file == "..") continue;
    if (::unlinkat(::dirfd(dir.get()), entry->d_name, 0) != 0 && errno != ENOENT && result.ok()) {
      result = ErrnoStatus("removing a temporary artifact", errno);
    }
    errno = 0;
  }
  if (errno != 0 && result.ok()) result = ErrnoStatus("listing temporary artifacts", errno);
  return result;
}

Status FilesystemArtifactStore::Ping() {
  const std::string probe = tmp_dir_ + "/" + RandomToken(16) + ".ping";
  UniqueFd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return Unavailable(ErrnoStatus("artifact store probe", errno).message());
  fd.Close();
  ::unlink(probe.c_str());
  return OkStatus();
}

}  // namespace mlops
