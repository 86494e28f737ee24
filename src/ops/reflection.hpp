// Tables read back from the scratch database as SQLAlchemy 1.4 reflects them:
// `sa.Table(name, meta, autoload_with=bind)`, `meta.reflect(bind=..., only=...)`, and
// `meta.sorted_tables` (dependencies first, as SQLAlchemy orders them).
#pragma once

#include "ops/sa_objects.hpp"
#include "sqlite/database.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::ops {

// The SQLAlchemy type reflection makes of a declared SQLite type: "varchar(50)" ->
// VARCHAR(50), "GUID" -> NUMERIC (type affinity), "" -> NullType.
std::shared_ptr<SqlType> reflected_sql_type(std::string_view declared);

// The columns and foreign-key targets of `table`; an error when there is no such table.
model::Result<std::shared_ptr<TableClause>> reflect_table_clause(sqlite::Connection& db,
                                                                 const std::string& table);

// get_pk_constraint(), get_foreign_keys(), get_unique_constraints() and
// get_check_constraints() of a reflected table as SQLAlchemy's inspector returns them
// (`method` names which); nullopt for another method. `fk_options`: the dialect reflects a
// foreign key's onupdate/ondelete/deferrable into its options (PostgreSQL; SQLite's are {}).
std::optional<Value> constraint_inspection(const std::string& method, const ddl::ConstraintDef& pk,
                                           const std::vector<ddl::ConstraintDef>& constraints,
                                           bool fk_options);

// `tables` in SQLAlchemy's sorted_tables order: by name, then each table after the tables
// its foreign keys refer to (self references ignored).
std::vector<std::shared_ptr<TableClause>>
sorted_by_dependency(std::vector<std::shared_ptr<TableClause>> tables);

} // namespace miglint::ops
