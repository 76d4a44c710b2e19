#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/background_sha256.h"
#include "common/status.h"
#include "common/time.h"

namespace mlops {

// What the store knows of a complete object.
struct ArtifactInfo {
  std::int64_t size_bytes = 0;
  std::string sha256;  // lowercase hex; empty if the backend does not know it (Stat only)
};

// An object as a listing shows it.
struct ListedObject {
  std::string key;
  std::int64_t size_bytes = 0;
  TimestampMs modified_at = 0;  // when it was last written (S3: when its upload began)
};
using ObjectVisitor = std::function<Status(const ListedObject&)>;

// Streams one object into the store. The object stays invisible until Publish(); destroying the
// writer before that discards everything written. Not thread-safe.
class ArtifactWriter {
 public:
  explicit ArtifactWriter(std::int64_t max_bytes) : max_bytes_(max_bytes) {}
  virtual ~ArtifactWriter() = default;
  ArtifactWriter(const ArtifactWriter&) = delete;
  ArtifactWriter& operator=(const ArtifactWriter&) = delete;

  // Appends bytes, hashing them on the way. TOO_LARGE once more than max_bytes were written;
  // UNAVAILABLE or INTERNAL if the backend fails. After an error the writer is unusable.
  Status Write(std::string_view chunk);

  // Makes everything written durable (fsync, or completed upload parts) without publishing it.
  // Returns the size and SHA-256 of what was written.
  StatusOr<ArtifactInfo> Finish();

  // Atomically makes the finished object visible at its key, replacing any object there.
  // FAILED (INTERNAL/UNAVAILABLE) leaves nothing visible.
  Status Publish();

  std::int64_t bytes_written() const { return bytes_written_; }

 private:
  virtual Status WriteImpl(std::string_view chunk) = 0;
  virtual Status FinishImpl() = 0;
  virtual Status PublishImpl() = 0;

  std::int64_t max_bytes_;
  std::int64_t bytes_written_ = 0;
  BackgroundSha256 hash_;  // hashes on its own thread while WriteImpl() runs on the caller's
  std::optional<ArtifactInfo> finished_;
  bool failed_ = false;
  bool published_ = false;
};

// Reads a byte range of one object. Not thread-safe.
class ArtifactReader {
 public:
  virtual ~ArtifactReader() = default;
  // Reads up to `max` bytes; an empty result means the range is exhausted.
  virtual StatusOr<std::string> Read(std::size_t max) = 0;
};

// The artifact store port: objects addressed by (bucket, key), keys being '/'-separated relative
// paths. Implementations: FilesystemArtifactStore (default), S3ArtifactStore. Thread-safe.
class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  // Starts writing an object. INVALID_ARGUMENT for a bad bucket or key (empty, absolute, with
  // "." or ".." segments, or characters outside A-Za-z0-9._-/ ); UNAVAILABLE if the backend is.
  StatusOr<std::unique_ptr<ArtifactWriter>> BeginWrite(const std::string& bucket,
                                                       const std::string& key,
                                                       std::int64_t max_bytes);

  // NOT_FOUND if there is no such object.
  StatusOr<ArtifactInfo> Stat(const std::string& bucket, const std::string& key);

  // Opens bytes [offset, offset + length) of an object; length nullopt means to the end.
  // NOT_FOUND if there is no such object; INVALID_ARGUMENT if the range starts past its end.
  StatusOr<std::unique_ptr<ArtifactReader>> Open(const std::string& bucket, const std::string& key,
                                                 std::int64_t offset,
                                                 std::optional<std::int64_t> length);

  // Removes an object; OK if it did not exist.
  Status Delete(const std::string& bucket, const std::string& key);

  // A URL that lets any HTTP client GET the object for `expiry`, without credentials.
  // NOT_IMPLEMENTED if the backend cannot presign (the filesystem); INVALID_ARGUMENT for a bad
  // name or an expiry outside what the backend allows. Does not check that the object exists.
  StatusOr<std::string> PresignedGetUrl(const std::string& bucket, const std::string& key,
                                        std::chrono::seconds expiry);

  // Calls `visit` for each published object of `bucket` whose key starts with `prefix` ("" for
  // all), in no particular order, and returns the first error `visit` returns. Objects written or
  // removed meanwhile may or may not be seen. INVALID_ARGUMENT for a bad bucket name.
  Status ListObjects(const std::string& bucket, const std::string& prefix,
                     const ObjectVisitor& visit);

  // Removes temporaries left by writers that never published (after a crash). Called at start-up.
  virtual Status SweepTemporaries() = 0;

  // OK if the backend is reachable and writable; UNAVAILABLE otherwise.
  virtual Status Ping() = 0;

  // Rejects keys that could escape the bucket or that the backends would treat differently.
  static Status CheckKey(const std::string& bucket, const std::string& key);

 private:
  virtual StatusOr<std::unique_ptr<ArtifactWriter>> BeginWriteImpl(const std::string& bucket,
                                                                   const std::string& key,
                                                                   std::int64_t max_bytes) = 0;
  virtual StatusOr<ArtifactInfo> StatImpl(const std::string& bucket, const std::string& key) = 0;
  virtual StatusOr<std::unique_ptr<ArtifactReader>> OpenImpl(
      const std::string& bucket, const std::string& key, std::int64_t offset,
      std::optional<std::int64_t> length) = 0;
  virtual Status DeleteImpl(const std::string& bucket, const std::string& key) = 0;
  virtual Status ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                                 const ObjectVisitor& visit) = 0;
  virtual StatusOr<std::string> PresignedGetUrlImpl(const std::string& bucket,
                                                    const std::string& key,
                                                    std::chrono::seconds expiry);
};

}  // namespace mlops
