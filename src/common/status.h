#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mlops {

// What went wrong, in the terms clients see. The HTTP layer maps each code to one status code
// (http/error_mapping.h); services and adapters pick the code that names the cause.
enum class StatusCode {
  kOk,
  kMalformed,             // 400: the request cannot be parsed (bad JSON, bad multipart)
  kUnauthenticated,       // 401
  kPermissionDenied,      // 403
  kNotFound,              // 404
  kConflict,              // 409: duplicate, illegal transition, state forbids it
  kTooLarge,              // 413
  kUnsupportedMediaType,  // 415
  kInvalidArgument,       // 422: well-formed but invalid value
  kUnavailable,           // 503: a backend is down
  kInternal,              // 500: a bug or an unexpected backend answer
  kNotImplemented,        // 501: the configured backend lacks the feature
};

std::string_view StatusCodeName(StatusCode code);

// A success or an error with a message meant for a person. Cheap to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return {}; }
inline Status Malformed(std::string m) { return {StatusCode::kMalformed, std::move(m)}; }
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status UnsupportedMediaType(std::string m) {
  return {StatusCode::kUnsupportedMediaType, std::move(m)};
}
inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status NotImplemented(std::string m) { return {StatusCode::kNotImplemented, std::move(m)}; }

// A value or the error that prevented it.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) v_ = Status(StatusCode::kInternal, "OK status given as error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const StatusOr<T>& s) {
  return s.status();
}
}  // namespace internal

}  // namespace mlops

#define MLOPS_CONCAT_INNER(a, b) a##b
#define MLOPS_CONCAT(a, b) MLOPS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                            \
  do {                                                                   \
    ::mlops::Status mlops_status_ = ::mlops::internal::AsStatus((expr)); \
    if (!mlops_status_.ok()) return mlops_status_;                       \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(MLOPS_CONCAT(mlops_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
