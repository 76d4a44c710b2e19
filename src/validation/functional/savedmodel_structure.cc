#include "validation/functional/savedmodel_structure.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string_view>
#include <vector>

namespace mlops::validation {
namespace {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string ArchiveError(archive* reader) {
  const char* error = archive_error_string(reader);
  return error ? error : "unknown error";
}

std::string_view WithoutDotSlash(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  return path;
}

bool IsSavedModelProto(std::string_view path, std::string_view root) {
  return path == std::string(root) + "saved_model.pb" ||
         path == std::string(root) + "saved_model.pbtxt";
}

// The SavedModel directory: where saved_model.pb sits, at the root or one level down.
std::string FindRoot(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (IsSavedModelProto(path, "")) return "";
  }
  for (const std::string& path : paths) {
    const std::size_t slash = path.find('/');
    if (slash == std::string::npos) continue;
    const std::string root = path.substr(0, slash + 1);
    if (IsSavedModelProto(path, root)) return root;
  }
  return "";
}

}  // namespace

StatusOr<SavedModelStructure> InspectSavedModelArchive(const std::filesystem::path& archive_file,
                                                       std::size_t max_entries) {
  std::unique_ptr<archive, ArchiveReadFree> reader(archive_read_new());
  if (!reader) return Internal("libarchive: out of memory");
  archive_read_support_format_zip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_all(reader.get());
  if (archive_read_open_filename(reader.get(), archive_file.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return InvalidArgument("not a zip or tar archive: " + ArchiveError(reader.get()));
  }
  std::vector<std::string> paths;
  archive_entry* entry = nullptr;
  int result;
  while ((result = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK ||
         result == ARCHIVE_WARN) {
    if (paths.size() == max_entries) {
      return InvalidArgument("the archive has more than " + std::to_string(max_entries) +
                             " entries");
    }
    const char* name = archive_entry_pathname(entry);
    std::string path(WithoutDotSlash(name ? name : ""));
    if (archive_entry_filetype(entry) == AE_IFDIR && !path.ends_with('/')) path += '/';
    paths.push_back(std::move(path));
    archive_read_data_skip(reader.get());
  }
  if (result != ARCHIVE_EOF) {
    return InvalidArgument("unreadable archive: " + ArchiveError(reader.get()));
  }
  SavedModelStructure structure{.root = FindRoot(paths), .entries = paths.size()};
  for (const std::string& path : paths) {
    if (IsSavedModelProto(path, structure.root)) structure.has_saved_model_pb = true;
    if (path.starts_with(structure.root + "variables/")) structure.has_variables = true;
  }
  return structure;
}

}  // namespace mlops::validation
