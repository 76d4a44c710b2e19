#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace mlops {

// Who may do what (docs/http-api.md "Authentication and roles").
enum class Role { kAdmin, kModelManager, kViewer, kFeedbackWriter };

// What a route needs; each route declares exactly one.
enum class Permission {
  kReadRegistry,   // read models, versions, artifacts, validation results and reports
  kWriteRegistry,  // create and change models and versions, trigger validation
  kReadFeedback,   // list feedback and its summary
  kWriteFeedback,  // submit feedback
  kManageKeys,     // create, list, delete API keys
};

std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view text);
std::span<const Role> AllRoles();

bool RoleAllows(Role role, Permission permission);

}  // namespace mlops
