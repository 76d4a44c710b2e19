#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/status.h"

namespace mlops::validation {

// What a TensorFlow SavedModel archive holds, by entry names only.
struct SavedModelStructure {
  // The SavedModel directory inside the archive ("" for the archive root, else "name/").
  std::string root;
  bool has_saved_model_pb = false;
  bool has_variables = false;
  std::size_t entries = 0;
};

// Lists a zip or tar (optionally gzip/bzip2/xz-compressed) of a SavedModel directory without
// extracting it: saved_model.pb (or .pbtxt) at the archive root or in one top-level directory,
// and a variables/ directory beside it. Returns InvalidArgument when the file is not such an
// archive or has more than `max_entries` entries.
StatusOr<SavedModelStructure> InspectSavedModelArchive(const std::filesystem::path& archive_file,
                                                       std::size_t max_entries = 100000);

}  // namespace mlops::validation
