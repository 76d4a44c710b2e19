#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/entities.h"
#include "validation/scanner.h"

// For tests only: the committed functional corpus (tests/corpus/functional/, made by
// tests/corpus/make_functional_corpus.py) and scan subjects over its files.
namespace mlops::validation::testing {

inline std::filesystem::path FunctionalCorpus(const std::string& file_name) {
  return std::filesystem::path(MLOPS_SOURCE_DIR) / "tests" / "corpus" / "functional" / file_name;
}

// The ONNX coverage corpus (tests/corpus/onnx_models/, made by
// tests/corpus/make_onnx_model_corpus.py): models as users export them from PyTorch, each with
// test vectors recording PyTorch's outputs.
inline std::filesystem::path OnnxModelCorpus(const std::string& file_name) {
  return std::filesystem::path(MLOPS_SOURCE_DIR) / "tests" / "corpus" / "onnx_models" / file_name;
}

inline std::string ReadTextFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One model of the ONNX coverage corpus, as its manifest.json lists it.
struct OnnxCorpusModel {
  std::string name;
  std::string model_file;    // under onnx_models/
  std::string vectors_file;  // its parameters: {"test_vectors": [...], "test_vector_tolerance"}
  bool dynamic = false;      // declares dynamic dimensions (and then has two test vectors)
};

// Names the model in gtest's messages instead of dumping its bytes.
inline void PrintTo(const OnnxCorpusModel& model, std::ostream* out) { *out << model.name; }

// Every model a manifest lists (by default the committed corpus's), in its order; empty when
// the manifest is missing.
inline std::vector<OnnxCorpusModel> OnnxCorpusModels(
    const std::filesystem::path& manifest_file = OnnxModelCorpus("manifest.json")) {
  const nlohmann::json manifest =
      nlohmann::json::parse(ReadTextFile(manifest_file), nullptr, /*allow_exceptions=*/false);
  std::vector<OnnxCorpusModel> models;
  if (!manifest.is_object()) return models;
  for (const nlohmann::json& entry : manifest.value("models", nlohmann::json::array())) {
    models.push_back({entry.value("name", ""), entry.value("model", ""), entry.value("vectors", ""),
                      entry.value("dynamic", false)});
  }
  return models;
}

// A model version of `format` whose artifact is the corpus file `file_name`.
class CorpusSubject {
 public:
  CorpusSubject(const std::string& file_name, ModelFormat format,
                std::optional<JsonText> parameters = std::nullopt, std::filesystem::path file = {})
      : file_name_(file_name), file_(file.empty() ? FunctionalCorpus(file_name) : file) {
    model_.id = "model-1";
    model_.name = "corpus";
    version_.id = "version-1";
    version_.model_id = model_.id;
    version_.model_format = format;
    version_.parameters = std::move(parameters);
    version_.artifact_path = "models/" + file_name;
  }

  ScanSubject subject() const { return ScanSubject{model_, version_, file_, file_name_}; }

 private:
  std::string file_name_;
  std::filesystem::path file_;
  Model model_;
  ModelVersion version_;
};

}  // namespace mlops::validation::testing
