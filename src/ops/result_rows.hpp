// Rows read from the scratch database by `conn.execute(...)`: SQLAlchemy 1.4's result
// objects (CursorResult, and its scalars() / mappings() views) and rows (LegacyRow: by
// index, by key, by attribute, `_mapping`). Cell values are what SQLAlchemy 1.4 with
// Python's sqlite3 returns: int, float, str, bytes, None, with the result processing of
// the selected column's type (Boolean -> bool, DateTime -> datetime, ...). A value miglint
// cannot reproduce faithfully (a Decimal, a JSON document, an application type) stays
// unknown (DbData), so it may be carried but not steer control flow.
#pragma once

#include "ops/evaluator.hpp"
#include "ops/sa_objects.hpp"
#include "postgres/connection.hpp"
#include "sqlite/database.hpp"

#include <functional>

#include <memory>
#include <string>
#include <vector>

namespace miglint::ops {

struct RowObj : Object {
  std::shared_ptr<const std::vector<std::string>> keys;
  std::vector<Value> values;
  // Some keys are SQLAlchemy's anonymous names, which miglint does not reproduce: a key
  // not found is then unknown rather than an error.
  bool anonymous_keys = false;
  std::string describe() const override { return "a row"; }
  // The value under `key`, or null.
  const Value* find(const std::string& key) const;
};

// What one execution produced, shared by the result and its scalars()/mappings() views
// (they consume the same cursor).
struct ResultState {
  bool returns_rows = false;
  std::int64_t rowcount = -1;
  std::shared_ptr<const std::vector<std::string>> keys;
  std::vector<std::shared_ptr<RowObj>> rows;
  std::size_t next = 0; // rows before it were fetched
};

struct ResultObj : Object {
  enum class View { rows, scalars, mappings };
  std::shared_ptr<ResultState> state;
  View view = View::rows;
  std::string describe() const override;
};

// What a select says about its columns: each one's key ("id" for t.c.id, a label's name;
// "" when SQLAlchemy would make up an anonymous one, "count_1") and declared type when
// known (a typed `sa.table`, a reflected Table). Empty for SQL text: raw sqlite3 values
// under sqlite3's column names.
struct SelectedColumns {
  std::vector<std::string> keys;
  std::vector<std::shared_ptr<SqlType>> types;
};

// Runs a statement that returns rows on `db` and reads them all; `line` is the line of
// the call, for what unknown values say about their origin.
Flow<std::shared_ptr<ResultState>> read_rows(sqlite::Connection& db, const std::string& sql,
                                             const SelectedColumns& columns, python::Span span,
                                             std::uint32_t line);

// The rows PostgreSQL returned, as SQLAlchemy 1.4 with psycopg2 makes them: psycopg2's
// typecasters by column type (int, float, Decimal, bool, str, date/datetime/time/timedelta,
// uuid.UUID, JSON decoded, one-dimensional arrays as lists), then the result processing of
// the selected column's type. `type_name` names a type that is not built in (an enum, citext,
// hstore), whose values psycopg2 returns as text unless SQLAlchemy registered a caster (""
// when it cannot be read: those values stay unknown).
Flow<std::shared_ptr<ResultState>> read_postgresql_rows(
  const postgres::Rows& rows, const SelectedColumns& columns,
  const std::function<std::string(unsigned)>& type_name, std::uint32_t line);

// A result's keys: the select's own where it names them, else the driver's column names.
struct ResultKeys {
  std::shared_ptr<const std::vector<std::string>> keys;
  bool anonymous = false; // some are SQLAlchemy's anonymous names
};
ResultKeys result_keys(const SelectedColumns& columns, const std::vector<std::string>& driver_names);
// A cell whose value miglint cannot reproduce, as unknown data saying where it came from.
Value unreproduced_cell(const std::string& key, std::uint32_t line, const std::string& as);
// The member of an Enum type's Python enum class that SQLAlchemy makes of a stored name;
// nullopt when the name is not one (SQLAlchemy raises LookupError).
std::optional<Value> enum_member_named(const Value& raw, const SqlType& type);

// result.<name>(...), scalars().<name>(...), row.<name>(...); nullopt when not a method
// of it.
std::optional<Flow<Value>> call_result(const ObjectPtr& self, const std::string& name,
                                       const CallArgs& args, python::Span span);
// result.rowcount, row.name, row._mapping, ...; nullopt when `object` is neither.
std::optional<Flow<Value>> result_attribute(const ObjectPtr& object, const std::string& name,
                                            python::Span span);
// next(result): its next row (or scalar, or mapping), nullopt when none is left; nullopt
// (outside) for other objects.
std::optional<Flow<std::optional<Value>>> next_result_item(const ObjectPtr& object, python::Span span);
// Iteration over a result (consuming it) or a row; nullopt for other objects.
std::optional<Flow<std::vector<Value>>> iterate_result(const ObjectPtr& object, python::Span span);
// row[0], row[-1], row["name"]; nullopt for other objects.
std::optional<Flow<Value>> subscript_row(const ObjectPtr& object, const Value& key, python::Span span);

} // namespace miglint::ops
