#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_store.h"

namespace mlops {

// Keeps object (bucket, key) in the file <root>/<bucket>/<key>. A writer streams into a uniquely
// named file under <root>/.tmp/ (same filesystem, so the final rename is atomic), fsyncs it on
// Finish() and renames it into place on Publish(), then fsyncs the directory: a crash leaves
// either the old object, the complete new one, or a temporary that SweepTemporaries() removes.
// The bucket name ".tmp" is reserved. Unlike S3, a key cannot be both an object and a prefix
// (a and a/b): Publish() of the second returns CONFLICT and leaves nothing visible.
//
// Final components are opened with O_NOFOLLOW, so a symlink planted as an object is treated as
// missing; keys are checked by ArtifactStore::CheckKey, so they cannot name a path outside root.
//
// Thread-safe: the store holds no mutable state. Writers and readers it returns are not.
class FilesystemArtifactStore : public ArtifactStore {
 public:
  // Opens the store at `root`, creating it and its temporary directory if missing.
  // UNAVAILABLE if they cannot be created.
  static StatusOr<std::unique_ptr<FilesystemArtifactStore>> Open(const std::string& root);

  // Deletes every file in <root>/.tmp/. Writers still in progress lose their data, so call it
  // only when none are (at start-up). UNAVAILABLE or INTERNAL if a file cannot be removed.
  Status SweepTemporaries() override;

  // OK if a file can be created and removed under the root; UNAVAILABLE otherwise.
  Status Ping() override;

 private:
  explicit FilesystemArtifactStore(std::string root);

  StatusOr<std::unique_ptr<ArtifactWriter>> BeginWriteImpl(const std::string& bucket,
                                                           const std::string& key,
                                                           std::int64_t max_bytes) override;
  StatusOr<ArtifactInfo> StatImpl(const std::string& bucket, const std::string& key) override;
  StatusOr<std::unique_ptr<ArtifactReader>> OpenImpl(const std::string& bucket,
                                                     const std::string& key, std::int64_t offset,
                                                     std::optional<std::int64_t> length) override;
  Status DeleteImpl(const std::string& bucket, const std::string& key) override;
  Status ListObjectsImpl(const std::string& bucket, const std::string& prefix,
                         const ObjectVisitor& visit) override;

  // <root>/<bucket>/<key>; INVALID_ARGUMENT for the reserved bucket.
  StatusOr<std::string> ObjectPath(const std::string& bucket, const std::string& key) const;
  // Removes the directories between the object's parent and its bucket that are now empty.
  void RemoveEmptyParents(const std::string& bucket, const std::string& key) const;

  const std::string root_;
  const std::string tmp_dir_;
};

}  // namespace mlops
