#include "domain/field_rules.h"

#include <gtest/gtest.h>

#include "domain/enums.h"
#include "domain/roles.h"

namespace mlops {
namespace {

TEST(FieldRulesTest, ModelNames) {
  for (const char* ok : {"a", "Z9", "stable-diffusion_v1.5", "0model"}) {
    EXPECT_TRUE(CheckModelName(ok).ok()) << ok;
  }
  EXPECT_TRUE(CheckModelName(std::string(128, 'm')).ok());
  for (const char* bad : {"", "-lead", ".hidden", "_x", "has space", "slash/name", "ünï", "a\nb"}) {
    const Status s = CheckModelName(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("name"), std::string::npos);
  }
  EXPECT_EQ(CheckModelName(std::string(129, 'm')).code(), StatusCode::kInvalidArgument);
}

TEST(FieldRulesTest, VersionStrings) {
  for (const char* ok : {"1", "1.0.0", "v2-rc1", "2026_11_23"}) {
    EXPECT_TRUE(CheckVersionString(ok).ok()) << ok;
  }
  EXPECT_TRUE(CheckVersionString(std::string(64, '1')).ok());
  for (const char* bad : {"", "..", "../x", "1/2", ".1", "1 0", "1+build"}) {
    EXPECT_EQ(CheckVersionString(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CheckVersionString(std::string(65, '1')).code(), StatusCode::kInvalidArgument);
}

TEST(FieldRulesTest, TaskTypes) {
  EXPECT_TRUE(CheckTaskType("text_to_image").ok());
  EXPECT_TRUE(CheckTaskType("style-transfer2").ok());
  for (const char* bad : {"", "Upper", "with space", "dot.ted"}) {
    EXPECT_EQ(CheckTaskType(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CheckTaskType(std::string(65, 'a')).code(), StatusCode::kInvalidArgument);
}

TEST(FieldRulesTest, RatingsAndText) {
  for (int r = 1; r <= 5; ++r) EXPECT_TRUE(CheckRating(r).ok());
  EXPECT_EQ(CheckRating(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRating(6).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckTextLength("comment", std::string(4000, 'x'), kMaxCommentChars).ok());
  EXPECT_EQ(CheckTextLength("comment", std::string(4001, 'x'), kMaxCommentChars).code(),
            StatusCode::kInvalidArgument);
  std::string accented;
  for (int i = 0; i < 4000; ++i) accented += "\xC3\xA9";  // é: two bytes, one character
  EXPECT_TRUE(CheckTextLength("comment", accented, kMaxCommentChars).ok());
  EXPECT_EQ(CheckTextLength("comment", accented + "x", kMaxCommentChars).code(),
            StatusCode::kInvalidArgument);
}

TEST(FieldRulesTest, KeyNames) {
  EXPECT_TRUE(CheckKeyName("ci pipeline").ok());
  EXPECT_EQ(CheckKeyName("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckKeyName("tab\there").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckKeyName(std::string(129, 'k')).code(), StatusCode::kInvalidArgument);
}

TEST(FieldRulesTest, SafeFileNameKeepsOnlyABaseName) {
  EXPECT_EQ(SafeFileName("model.onnx"), "model.onnx");
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SafeFileName("C:\\Users\\me\\weights.pt"), "weights.pt");
  EXPECT_EQ(SafeFileName("my model (final).onnx"), "my_model__final_.onnx");
  EXPECT_EQ(SafeFileName("..hidden"), "hidden");
  EXPECT_EQ(SafeFileName(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(SafeFileName(std::string(300, 'f'))->size(), 200u);
  EXPECT_EQ(SafeFileName(""), std::nullopt);
  EXPECT_EQ(SafeFileName(".."), std::nullopt);
  EXPECT_EQ(SafeFileName("dir/"), std::nullopt);
}

TEST(EnumsTest, EveryValueRoundTrips) {
  for (auto v : AllValues<ModelVersionStatus>())
    EXPECT_EQ(ParseEnum<ModelVersionStatus>(ToString(v)), v);
  for (auto v : AllValues<ModelFormat>()) EXPECT_EQ(ParseEnum<ModelFormat>(ToString(v)), v);
  for (auto v : AllValues<ServingInterface>())
    EXPECT_EQ(ParseEnum<ServingInterface>(ToString(v)), v);
  for (auto v : AllValues<DeploymentStatus>())
    EXPECT_EQ(ParseEnum<DeploymentStatus>(ToString(v)), v);
  for (auto v : AllValues<ValidationStatus>())
    EXPECT_EQ(ParseEnum<ValidationStatus>(ToString(v)), v);
  for (auto v : AllValues<ScanType>()) EXPECT_EQ(ParseEnum<ScanType>(ToString(v)), v);
  EXPECT_EQ(ToString(ScanType::kFunctionalIo), "functional_io");
  EXPECT_EQ(ParseEnum<ScanType>("FUNCTIONAL_IO"), std::nullopt);
  EXPECT_EQ(AllValues<ModelVersionStatus>().size(), 7u);
  EXPECT_EQ(ParseEnum<ModelFormat>("onnx"), std::nullopt);
  EXPECT_EQ(ToString(ModelVersionStatus::kPendingValidation), "PENDING_VALIDATION");
}

TEST(RolesTest, PermissionMatrix) {
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Permission::kManageKeys));
  EXPECT_FALSE(RoleAllows(Role::kModelManager, Permission::kManageKeys));
  EXPECT_TRUE(RoleAllows(Role::kModelManager, Permission::kWriteRegistry));
  EXPECT_TRUE(RoleAllows(Role::kViewer, Permission::kReadFeedback));
  EXPECT_FALSE(RoleAllows(Role::kViewer, Permission::kWriteRegistry));
  EXPECT_FALSE(RoleAllows(Role::kViewer, Permission::kWriteFeedback));
  EXPECT_TRUE(RoleAllows(Role::kFeedbackWriter, Permission::kWriteFeedback));
  EXPECT_TRUE(RoleAllows(Role::kFeedbackWriter, Permission::kReadRegistry));
  EXPECT_FALSE(RoleAllows(Role::kFeedbackWriter, Permission::kReadFeedback));
  for (Role r : AllRoles()) EXPECT_EQ(ParseRole(ToString(r)), r);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
}

}  // namespace
}  // namespace mlops
