// batch_alter_table on SQLite, as Alembic 1.8 carries it out: operations are collected
// in the `with` block and applied at its end, either directly (only add_column without
// an SQL-expression default, create_index, drop_index) or by rebuilding the table from
// its reflected definition, so that data survives. The rebuilt table gets the same
// definition Alembic's move-and-copy produces (including the `CREATE TABLE "t"` text its
// final RENAME leaves in sqlite_master), without the costly RENAME.
#pragma once

#include "ops/evaluator.hpp"
#include "ops/sa_objects.hpp"
#include "model/result.hpp"
#include "sqlite/database.hpp"

#include <string>
#include <vector>

namespace miglint::ops {

struct BatchOp {
  std::string name; // add_column, drop_column, alter_column, create_index, drop_index,
                    // add_constraint, drop_constraint
  python::Span span;
  std::shared_ptr<ColumnObj> column;         // add_column
  std::string insert_before;
  std::string insert_after;
  std::string column_name;                   // drop_column, alter_column
  std::optional<bool> nullable;              // alter_column
  bool set_default = false;                  // alter_column(server_default=...) given
  std::optional<std::string> server_default; // its rendered value (nullopt: drop it)
  bool default_is_expression = false;        // add_column with a SQL-expression default
  std::string new_name;
  std::shared_ptr<SqlType> type;
  ddl::IndexDef index;           // create_index / drop_index (name)
  ddl::ConstraintDef constraint; // add_constraint / drop_constraint (name)
  // drop_column / alter_column(new_column_name=) with existing_type: a named Enum or
  // Boolean makes Alembic discard the named constraint of that name; an Interval or
  // PickleType makes it fail when the batch is applied (`error`).
  std::string pop_constraint;
  std::string error;
};

struct BatchProxy : Object {
  std::string table;
  std::string recreate = "auto";
  std::string schema; // schema= (PostgreSQL)
  python::Span span;
  std::vector<BatchOp> ops;
  std::string describe() const override { return "batch_op"; }
};

// A table as SQLAlchemy 1.4 reflects it from SQLite (for sa.inspect(bind)).
struct ReflectedTable {
  std::vector<ddl::ColumnDef> columns;
  ddl::ConstraintDef pk;
  std::vector<ddl::ConstraintDef> constraints; // foreign keys, uniques, checks
  std::vector<ddl::IndexDef> indexes;          // not the automatic ones
};
model::Result<ReflectedTable> reflect_table(sqlite::Connection& db, const std::string& table);

} // namespace miglint::ops
