// Deterministic sample rows for `verify --rows N` on PostgreSQL, as the SQLite seeder makes
// them: each ordinary table is topped up to N rows before a revision runs, so round trips
// prove that downgrades keep data and upgrades work on tables that are not empty. Values
// follow each column's type (length, precision, enum labels, domains by their base type);
// columns with a default, identity or generated value are left to the server; foreign
// keys take values from the parent's rows (parents are seeded first). A table the server
// refuses rows for (a CHECK, a type with no sample value) is skipped with a note.
#pragma once

#include "model/result.hpp"
#include "postgres/catalog_snapshot.hpp"
#include "postgres/connection.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace miglint::postgres {

// Tops every table of `schema` up to `target_rows` rows, inside the transaction open on
// `db` (each row in a savepoint of its own), and returns a note per table it could not
// fill (`table "public.t" not seeded: <why>`). Errors are failures of the connection.
model::Result<std::vector<std::string>> seed_rows(Connection& db, const CatalogSnapshot& schema,
                                    std::size_t target_rows);

} // namespace miglint::postgres
