// Values of Python's standard library that data migrations put in rows: bytes literals,
// datetime.date / datetime / time / timedelta and decimal.Decimal built from literals,
// and how each reaches SQLite: through SQLAlchemy 1.4's SQLite bind processor of the
// column's type (Date -> '2020-01-02', DateTime -> '2020-01-02 03:04:05.000000', ...)
// or, untyped, through Python's sqlite3 adapters (a date -> '2020-01-02', a datetime ->
// '2020-01-02 03:04:05'; time, timedelta and Decimal have none).
#pragma once

#include "ops/evaluator.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace miglint::ops {

struct BytesValue : Object {
  std::string data;
  std::string describe() const override;
};

struct TemporalValue : Object {
  enum class Kind { date, datetime, time, timedelta };
  Kind kind = Kind::date;
  int year = 1, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  // timedelta, normalized as Python does: 0 <= seconds < 86400, 0 <= micro < 10**6.
  std::int64_t days = 0, seconds = 0, micro = 0;
  // "datetime.date", ... as Python names the type.
  std::string python_type() const;
  // str(value): isoformat() with a space between date and time.
  std::string describe() const override;
};

struct DecimalValue : Object {
  std::string text; // as given: Decimal('1.50') keeps "1.50"
  std::string describe() const override { return text; }
};

// datetime.date(...), datetime.datetime(...), datetime.time(...), datetime.timedelta(...)
// and decimal.Decimal(...) (`path` is the dotted name called); nullopt for other paths.
std::optional<Flow<Value>> call_stdlib(const std::string& path, const CallArgs& args);

// Whether `module` is one call_stdlib understands ("datetime", "decimal").
bool is_stdlib_module(const std::string& module);

// The SQL literal of a stdlib value bound for a column of SQLAlchemy type `type_name`
// (a class name such as "DateTime"; "" when untyped), or the error binding raises:
// exactly one of the two is set.
struct StdlibBind {
  std::optional<std::string> literal;
  std::string error;
};
// nullopt when `v` is not a stdlib value.
std::optional<StdlibBind> bind_stdlib(const Value& v, const std::string& type_name);

} // namespace miglint::ops
