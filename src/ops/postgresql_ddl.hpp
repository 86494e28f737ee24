// The PostgreSQL side of the dialect seam: DDL text exactly as SQLAlchemy 1.4's
// PostgreSQL dialect compiles it and Alembic 1.8's PostgresqlImpl sends it. The shapes
// (ddl::TableDef, ColumnDef, ConstraintDef, IndexDef) are shared with SQLite; only their
// rendering differs:
//   CREATE TABLE users (
//       id SERIAL NOT NULL, 
//       ts TIMESTAMP WITH TIME ZONE DEFAULT now(), 
//       PRIMARY KEY (id)
//   )
#pragma once

#include "ops/ddl.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::ops::pgddl {

// An identifier as SQLAlchemy's PostgreSQL preparer writes it: bare when lower case,
// made of letters, digits, `_` and `$`, not starting with a digit or `$`, and not one of
// the dialect's reserved words; double-quoted otherwise.
std::string quote(std::string_view identifier);
// `schema.name` (or `name`) with each part quoted as needed.
std::string qualified(std::string_view schema, std::string_view name);
// A string literal: 'it''s'.
std::string quote_literal(std::string_view text);

std::string render_column(const ddl::ColumnDef& column);
std::string render_constraint(const ddl::ConstraintDef& constraint);
std::string render_create_table(const ddl::TableDef& table);

// What an index adds on PostgreSQL (postgresql_using, _ops, _include, _concurrently).
struct IndexOptions {
  std::string using_method;
  std::vector<std::pair<std::string, std::string>> ops; // column -> operator class
  std::vector<std::string> include;
  bool concurrently = false;
};
std::string render_create_index(const ddl::IndexDef& index, const IndexOptions& options);

} // namespace miglint::ops::pgddl
