#include "domain/roles.h"

#include <array>

namespace mlops {

namespace {
constexpr std::array<Role, 4> kRoles{Role::kAdmin, Role::kModelManager, Role::kViewer,
                                     Role::kFeedbackWriter};
}  // namespace

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kModelManager:
      return "model_manager";
    case Role::kViewer:
      return "viewer";
    case Role::kFeedbackWriter:
      return "feedback_writer";
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role r : kRoles) {
    if (ToString(r) == text) return r;
  }
  return std::nullopt;
}

std::span<const Role> AllRoles() { return kRoles; }

bool RoleAllows(Role role, Permission permission) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kModelManager:
      return permission != Permission::kManageKeys;
    case Role::kViewer:
      return permission == Permission::kReadRegistry || permission == Permission::kReadFeedback;
    case Role::kFeedbackWriter:
      return permission == Permission::kReadRegistry || permission == Permission::kWriteFeedback;
  }
  return false;
}

}  // namespace mlops
