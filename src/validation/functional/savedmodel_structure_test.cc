#include "validation/functional/savedmodel_structure.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "validation/functional/functional_corpus_test_util.h"

namespace mlops::validation {
namespace {

using testing::FunctionalCorpus;

TEST(SavedModelStructureTest, FindsTheSavedModelInATopLevelDirectory) {
  auto structure = InspectSavedModelArchive(FunctionalCorpus("savedmodel_structure.zip"));
  ASSERT_TRUE(structure.ok()) << structure.status().ToString();
  EXPECT_EQ(structure->root, "my_model/");
  EXPECT_TRUE(structure->has_saved_model_pb);
  EXPECT_TRUE(structure->has_variables);
  EXPECT_EQ(structure->entries, 5u);
}

TEST(SavedModelStructureTest, ReadsAGzippedTarOfTheDirectoryContents) {
  auto structure = InspectSavedModelArchive(FunctionalCorpus("savedmodel_structure.tar.gz"));
  ASSERT_TRUE(structure.ok()) << structure.status().ToString();
  EXPECT_EQ(structure->root, "");
  EXPECT_TRUE(structure->has_saved_model_pb);
  EXPECT_TRUE(structure->has_variables);
}

TEST(SavedModelStructureTest, NoticesMissingVariables) {
  auto structure = InspectSavedModelArchive(FunctionalCorpus("savedmodel_missing_variables.zip"));
  ASSERT_TRUE(structure.ok()) << structure.status().ToString();
  EXPECT_TRUE(structure->has_saved_model_pb);
  EXPECT_FALSE(structure->has_variables);
}

TEST(SavedModelStructureTest, AnArchiveWithoutSavedModelHasNoProto) {
  // A TorchScript file is a zip too, of other entries.
  auto structure = InspectSavedModelArchive(FunctionalCorpus("tiny_linear.torchscript.pt"));
  ASSERT_TRUE(structure.ok()) << structure.status().ToString();
  EXPECT_FALSE(structure->has_saved_model_pb);
  EXPECT_FALSE(structure->has_variables);
}

TEST(SavedModelStructureTest, RefusesTooManyEntries) {
  auto structure = InspectSavedModelArchive(FunctionalCorpus("savedmodel_structure.zip"), 4);
  ASSERT_FALSE(structure.ok());
  EXPECT_EQ(structure.status().code(), StatusCode::kInvalidArgument);
}

TEST(SavedModelStructureTest, RefusesAFileThatIsNoArchive) {
  auto structure = InspectSavedModelArchive(FunctionalCorpus("tiny_gemm_relu.onnx"));
  ASSERT_FALSE(structure.ok());
  EXPECT_EQ(structure.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(structure.status().message(), ::testing::HasSubstr("not a zip or tar archive"));
}

}  // namespace
}  // namespace mlops::validation
