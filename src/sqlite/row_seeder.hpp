// Deterministic sample rows for `verify --rows N`, so that round trips also prove that
// downgrades keep data and that upgrades work on tables that are not empty. Values follow
// each column's declared type and NOT NULL; unique columns get distinct values; foreign keys
// reference rows of the parent (parents are seeded first); a CHECK of the form
// `col IN (...)` picks from its list. A table whose constraints cannot be met is skipped
// with a note.
#pragma once

#include "model/result.hpp"
#include "sqlite/database.hpp"
#include "sqlite/schema_snapshot.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace miglint::sqlite {

struct SeedReport {
  std::size_t rows = 0;           // rows inserted
  std::vector<std::string> notes; // `table "t" not seeded: CHECK constraint failed: ck_t`
  std::vector<std::string> full;  // tables that have `target_rows` rows or more now
};

// Tops every ordinary table of `schema` with fewer than `target_rows` rows up to that many.
// Errors are failures of the database itself; a table that refuses the rows is a note.
// Tables for which `known_full` says true are taken to have enough rows already.
Result<SeedReport> seed_rows(Connection& db, const SchemaSnapshot& schema, std::size_t target_rows,
                             const std::function<bool(const TableInfo&)>& known_full = {});

} // namespace miglint::sqlite
