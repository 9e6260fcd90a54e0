// Status and Result<T>: errors as values.
//
// A Status is a code plus a human-readable message that says what went wrong, where, and how to fix
// it
// ("row 1042, column \"age\": \"abc\" is not a number"). Result<T> holds either a T or a non-OK
// Status and is shaped like C++23 std::expected (has_value(), value(), error()) so a later move is
// mechanical. Both are cheap to move, immutable once built, and safe to pass between threads.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kiln {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad file, bad flag, bad hyperparameter)
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a target that must be new is not
  kFailedPrecondition,  // the system is not in a state where the call can run
  kIoError,             // the operating system refused a read or write
  kCorruption,          // stored data does not decode
  kDeadlineExceeded,    // a time budget ran out
  kCancelled,           // the caller stopped the work
  kUnimplemented,       // not supported (yet)
  kInternal,            // a bug: an invariant did not hold
};

// Returns the code's name, e.g. "InvalidArgument".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(const std::string& context) const;

  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // A stable, machine-readable token that refines the code for a protocol edge (e.g. "NoSuchKey",
  // "BucketNotEmpty", "InvalidPartOrder"), so the edge can answer with the protocol's exact error
  // without parsing messages. Empty when the code says enough.
  const std::string& reason() const { return reason_; }
  // Returns a copy carrying `reason`; OK stays OK.
  Status WithReason(std::string reason) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool has_value() const { return v_.index() == 0; }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The error; REQUIRES !has_value().
  const Status& error() const& { return std::get<1>(v_); }
  Status&& error() && { return std::get<1>(std::move(v_)); }
  // OK when a value is held, else the error.
  Status status() const { return has_value() ? Status() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kiln

#define KILN_CONCAT_INNER(a, b) a##b
#define KILN_CONCAT(a, b) KILN_CONCAT_INNER(a, b)

// Evaluates expr (a Status); returns it from the enclosing function when not OK.
#define RETURN_IF_ERROR(expr)             \
  do {                                    \
    ::kiln::Status kiln_status_ = (expr); \
    if (!kiln_status_.ok())               \
      return kiln_status_;                \
  } while (0)

// Evaluates expr (a Result<T>); on error returns the Status, else moves the value into lhs.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(KILN_CONCAT(kiln_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.has_value())                       \
    return std::move(tmp).error();            \
  lhs = std::move(tmp).value()
