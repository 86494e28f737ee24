// ALTER TABLE ... ADD COLUMN makes SQLite re-read every CREATE statement of the schema
// (a few microseconds a table), which dominates applying a long history to a fresh
// database once it has hundreds of tables. The same result is cheaper to reach by
// recreating the table from its stored text with the column spliced in exactly where
// SQLite's ADD COLUMN would put it, so sqlite_master ends up byte for byte as after the
// ALTER, and the rows (if any) copied back under their own rowids.
#pragma once

#include "sqlite/database.hpp"

#include <string>
#include <vector>

namespace miglint::ops {

// The statements that add `column_sql` (a rendered column definition) to `table`: the
// ALTER TABLE itself, or the recreation when it has nothing the recreation would lose
// (statistics), the ALTER would succeed (SQLite checks it when preparing), the schema
// is big enough for the recreation to be cheaper, and, if the table has rows, copying
// them is invisible (no foreign key enforcement, CHECK, generated column, WITHOUT ROWID,
// or column named like the rowid). Offline (no connection), the ALTER.
// Whether main.`table` has at least one row (reads one), which decides whether a
// recreation must carry rows.
model::Result<bool> table_has_rows(sqlite::Connection& db, const std::string& table);

std::vector<std::string> add_column_statements(sqlite::Connection* db, const std::string& table,
                                               const std::string& column_sql);

} // namespace miglint::ops
