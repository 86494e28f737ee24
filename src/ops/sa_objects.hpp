// Evaluator objects for SQLAlchemy constructs that revision bodies build: types, Column,
// ForeignKey, table constraints, Index, sa.text(...), SQL functions such as
// sa.func.now(), and the lightweight sa.table(...)/sa.column(...) used by bulk_insert.
#pragma once

#include "ops/ddl.hpp"
#include "ops/value.hpp"

#include <optional>
#include <string>
#include <vector>

namespace miglint::ops {

// A SQLAlchemy type such as String(50) or postgresql.UUID(as_uuid=True). `name` is the
// class name as written ("String", "VARCHAR", "UUID"), `module` the canonical module
// ("sqlalchemy", "sqlalchemy.dialects.postgresql", "sqlmodel.sql.sqltypes", or an
// application module when `known` is false).
struct SqlType : Object {
  std::string name;
  std::string module;
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  bool known = true;
  std::string describe() const override { return name + "()"; }
  const Value* kwarg(std::string_view key) const;
};

// `sa.text("...")`: SQL text used as is (not parenthesized as a server default).
struct TextClause : Object {
  std::string text;
  std::string describe() const override { return "sa.text(...)"; }
};

// A SQL expression element rendered for SQLite: sa.func.now() -> CURRENT_TIMESTAMP,
// sa.false() -> 0, sa.literal_column("x") -> x. Parenthesized as a server default.
struct SqlExpression : Object {
  std::string sql;
  std::string describe() const override { return sql; }
};

struct ForeignKeyObj : Object {
  std::string target; // "table.column"
  std::string name;
  std::string ondelete;
  std::string onupdate;
  std::optional<bool> deferrable;
  std::string initially;
  std::string describe() const override { return "sa.ForeignKey('" + target + "')"; }
};

struct ColumnObj : Object {
  std::string name;
  std::shared_ptr<SqlType> type; // null when the Column has no type (FK-only columns)
  std::optional<bool> nullable;  // as given
  bool primary_key = false;
  std::optional<bool> unique;
  std::optional<bool> index;
  std::optional<std::string> server_default; // rendered DEFAULT text
  std::vector<std::shared_ptr<ForeignKeyObj>> foreign_keys;
  std::vector<ddl::ConstraintDef> checks; // column-level CheckConstraint arguments
  std::string describe() const override { return "sa.Column('" + name + "')"; }
};

struct ConstraintObj : Object {
  ddl::ConstraintDef def;
  std::string describe() const override { return "constraint"; }
};

struct IndexObj : Object {
  ddl::IndexDef def;
  std::string describe() const override { return "sa.Index('" + def.name + "')"; }
};

// sa.column('name', type) / sa.table('t', columns...): just names for bulk_insert and
// for index expressions.
struct ColumnClause : Object {
  std::string name;
  std::shared_ptr<SqlType> type;
  std::string describe() const override { return "sa.column('" + name + "')"; }
};

struct TableClause : Object {
  std::string name;
  std::vector<std::shared_ptr<ColumnClause>> columns;
  std::string describe() const override { return "sa.table('" + name + "')"; }
};

// The SQLite declared type SQLAlchemy 1.4 renders for `type` ("VARCHAR(50)", "BOOLEAN",
// "NUMERIC(10, 2)"). Types it does not know fall back to their name; `fell_back` says so.
// An error message is returned through `error` for types SQLAlchemy refuses to render.
std::string declared_type(const SqlType& type, bool* fell_back = nullptr,
                          std::string* error = nullptr);

// What a declared type becomes after SQLAlchemy reflects it from SQLite and renders it
// again (batch mode): "GUID" -> "NUMERIC", "INT(11)" -> "INTEGER", "varchar(10)" ->
// "VARCHAR(10)". Empty for a column without a type, which SQLAlchemy cannot render.
std::string reflected_type(std::string_view declared);

// SQLite type affinity class of a declared type in SQLAlchemy's sense, used to decide
// whether batch mode CASTs a column when its type changes: "integer", "string",
// "numeric", "float", "datetime", "date", "time", "boolean", "binary", "json", other.
std::string type_affinity(std::string_view declared);

} // namespace miglint::ops
