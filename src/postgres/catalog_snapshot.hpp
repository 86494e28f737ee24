// A PostgreSQL database's schema read from pg_catalog, as comparable text: tables and their
// columns (type with modifiers, nullability, default, identity, generated, collation),
// constraints (pg_get_constraintdef), indexes (pg_get_indexdef), enum and domain types,
// sequences, views, functions, triggers, extensions and schemas. Objects that belong to an
// extension are left out (the extension stands for them); so is the version table.
#pragma once

#include "model/result.hpp"
#include "postgres/connection.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace miglint::postgres {

struct CatalogSnapshot {
  // (kind, qualified name) -> definition: ("column", "public.users.email") ->
  // "character varying(50) NOT NULL".
  std::map<std::pair<std::string, std::string>, std::string> objects;
  // Each table's columns in order, for column-order differences apart.
  std::map<std::string, std::vector<std::string>> column_order;
  // Ordinary tables, qualified (public.users) and quoted for SQL.
  std::map<std::string, std::string> tables;
};

// SQL for the column names of a constraint's or index's key (`con.conkey` of relation
// `con.conrelid`), in key order, as a JSON array.
std::string key_column_names_sql(std::string_view keys, std::string_view relation);

model::Result<CatalogSnapshot> take_catalog_snapshot(Connection& db,
                                                     const std::string& version_table);

// One line per difference: `column "public.users.email" missing`, `index
// "public.ix_users_email" unexpected`, `constraint "public.users.ck_age": CHECK ((age > 0)),
// expected CHECK ((age >= 0))`.
std::vector<std::string> diff_catalogs(const CatalogSnapshot& want, const CatalogSnapshot& got);
std::vector<std::string> catalog_column_order_differences(const CatalogSnapshot& want,
                                                          const CatalogSnapshot& got);

} // namespace miglint::postgres
