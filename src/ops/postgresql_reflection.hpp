// Tables read back from PostgreSQL's catalog as SQLAlchemy 1.4's PostgreSQL dialect
// reflects them, for `sa.inspect(bind)`, `sa.Table(..., autoload_with=bind)` and
// `MetaData.reflect(bind=...)` in revisions run on PostgreSQL.
#pragma once

#include "ops/batch.hpp"
#include "ops/sa_objects.hpp"
#include "postgres/connection.hpp"

#include <memory>
#include <string>
#include <vector>

namespace miglint::ops {

// One column as get_columns() gives it on PostgreSQL.
struct PostgresqlColumn {
  std::string name;
  std::shared_ptr<SqlType> type; // NullType for a type SQLAlchemy does not know
  bool nullable = true;
  std::optional<std::string> server_default; // pg_get_expr of the default
  bool autoincrement = false;                // a nextval() default or an identity
  std::optional<std::string> comment;
};

struct PostgresqlTable {
  std::vector<PostgresqlColumn> columns;
  ddl::ConstraintDef pk;
  std::vector<ddl::ConstraintDef> constraints;        // foreign keys, uniques, checks by name
  std::vector<ddl::IndexDef> indexes;                 // not the primary key's; `columns` set
  std::vector<std::string> unique_constraint_indexes; // indexes that back a unique constraint
};

// The schema SQLAlchemy's inspector uses when none is given (current_schema()).
model::Result<std::string> postgresql_default_schema(postgres::Connection& db);
// get_table_names() (relkind r, p) or get_view_names() (v, m) of `schema`, in the catalog's
// order as SQLAlchemy lists them.
model::Result<std::vector<std::string>>
postgresql_relation_names(postgres::Connection& db, const std::string& schema, bool views);
// has_table(): any relation of that name visible on the search path, or in `schema`.
model::Result<bool> postgresql_has_table(postgres::Connection& db, const std::string& schema,
                                         const std::string& table);
// The table; an error of kind not_found when there is none.
model::Result<PostgresqlTable> reflect_postgresql_table(postgres::Connection& db,
                                                        const std::string& schema,
                                                        const std::string& table);
// The same as a table clause (columns with their reflected types, referenced tables).
model::Result<std::shared_ptr<TableClause>>
reflect_postgresql_table_clause(postgres::Connection& db, const std::string& schema,
                                const std::string& table);

} // namespace miglint::ops
