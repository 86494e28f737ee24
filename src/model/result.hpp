// Result<T>: a value or an Error, spelled like the part of std::expected we use.
// Failures (I/O, libgit2, SQLite) cross module boundaries as Result; findings are Diagnostics.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace miglint::model {

struct Error {
  enum class Kind { other, not_found, usage };
  Kind kind = Kind::other;
  std::string message;
};

inline Error make_error(std::string message, Error::Kind kind = Error::Kind::other)
{
  return Error{kind, std::move(message)};
}

template <typename T> class Result {
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return m_data.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(m_data); }
  const T& value() const& { return std::get<0>(m_data); }
  T&& value() && { return std::get<0>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(m_data); }

private:
  std::variant<T, Error> m_data;
};

template <> class Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}
  bool has_value() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const { return m_error; }

private:
  Error m_error;
  bool m_ok = true;
};

} // namespace miglint::model

// Propagates the error of a Result-returning expression; yields nothing on success.
#define MIGLINT_TRY(expr)                                                                          \
  do {                                                                                             \
    auto&& miglint_try_result_ = (expr);                                                           \
    if (!miglint_try_result_) {                                                                    \
      return miglint_try_result_.error();                                                          \
    }                                                                                              \
  } while (false)
