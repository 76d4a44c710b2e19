#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "domain/entities.h"
#include "validation/scanner.h"

// For tests only: the committed functional corpus (tests/corpus/functional/, made by
// tests/corpus/make_functional_corpus.py) and scan subjects over its files.
namespace mlops::validation::testing {

inline std::filesystem::path FunctionalCorpus(const std::string& file_name) {
  return std::filesystem::path(MLOPS_SOURCE_DIR) / "tests" / "corpus" / "functional" / file_name;
}

// A model version of `format` whose artifact is the corpus file `file_name`.
class CorpusSubject {
 public:
  CorpusSubject(const std::string& file_name, ModelFormat format,
                std::optional<JsonText> parameters = std::nullopt)
      : file_name_(file_name) {
    model_.id = "model-1";
    model_.name = "corpus";
    version_.id = "version-1";
    version_.model_id = model_.id;
    version_.model_format = format;
    version_.parameters = std::move(parameters);
    version_.artifact_path = "models/" + file_name;
  }

  ScanSubject subject() const {
    return ScanSubject{model_, version_, FunctionalCorpus(file_name_), file_name_};
  }

 private:
  std::string file_name_;
  Model model_;
  ModelVersion version_;
};

}  // namespace mlops::validation::testing
