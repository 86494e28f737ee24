// A table as DDL sees it, and its rendering exactly as SQLAlchemy 1.4's SQLite dialect
// emits it (the text SQLite then keeps in sqlite_master):
//   CREATE TABLE t (
//   	id INTEGER NOT NULL, 
//   	name VARCHAR(50) DEFAULT 'x', 
//   	PRIMARY KEY (id), 
//   	CONSTRAINT uq_name UNIQUE (name)
//   )
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::ops::ddl {

struct ColumnDef {
  std::string name;
  std::string type;                          // the declared type, e.g. "VARCHAR(50)"
  bool nullable = true;
  bool primary_key = false;
  std::optional<std::string> server_default; // the text after DEFAULT, e.g. "'0'", "(CURRENT_TIMESTAMP)"
  // Column-level constraints, written after the column: "CHECK (x > 0)" from
  // sa.Column('x', sa.Integer(), sa.CheckConstraint('x > 0')).
  std::vector<std::string> inline_constraints;
};

struct ConstraintDef {
  enum class Kind { primary_key, unique, check, foreign_key };
  Kind kind = Kind::unique;
  std::string name; // "" when unnamed
  std::vector<std::string> columns;
  // foreign keys
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string ondelete;
  std::string onupdate;
  std::optional<bool> deferrable;
  std::string initially;
  // checks
  std::string sqltext;
};

struct IndexDef {
  std::string name;
  std::string table;
  // Each element as rendered: a quoted column name or an SQL expression's text.
  std::vector<std::string> elements;
  bool unique = false;
  // The column names as given, when every element is a plain column (batch mode looks
  // them up among the table's columns); empty otherwise.
  std::vector<std::string> columns;
  // A partial index's predicate (sqlite_where), written after WHERE; "" for none.
  std::string where;
};

struct TableDef {
  std::string name;
  std::vector<ColumnDef> columns;
  // The primary key (if any) first, then the other constraints in creation order.
  std::vector<ConstraintDef> constraints;
  bool sqlite_autoincrement = false;

  ColumnDef* column(std::string_view name);
  const ConstraintDef* primary_key() const;
};

// An identifier as SQLAlchemy's SQLite preparer writes it: quoted ("order", "Name",
// "1st", "a b") when it is a reserved word, has upper-case letters, starts with a digit
// or `$`, or has characters other than letters, digits, `_` and `$` (`_x` stays bare).
std::string quote(std::string_view identifier);
// A string literal: 'it''s'.
std::string quote_literal(std::string_view text);

std::string render_column(const ColumnDef& column, const TableDef& table);
// "" for a constraint SQLAlchemy would not render (a primary key with no columns).
std::string render_constraint(const ConstraintDef& constraint);
// `table_name` is the name as it appears after CREATE TABLE (already quoted if wanted).
std::string render_create_table(const TableDef& table, std::string_view table_name);
std::string render_create_table(const TableDef& table);
std::string render_create_index(const IndexDef& index, std::string_view table_name);
std::string render_create_index(const IndexDef& index);

} // namespace miglint::ops::ddl
