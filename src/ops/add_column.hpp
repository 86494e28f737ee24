// ALTER TABLE ... ADD COLUMN makes SQLite re-read every CREATE statement of the schema
// (a few microseconds a table), which dominates applying a long history to a fresh
// database once it has hundreds of tables. On an empty table the same result is
// cheaper to reach by recreating the table from its stored text with the column
// spliced in exactly where SQLite's ADD COLUMN would put it, so sqlite_master ends up
// byte for byte as after the ALTER.
#pragma once

#include "sqlite/database.hpp"

#include <string>
#include <vector>

namespace miglint::ops {

// The statements that add `column_sql` (a rendered column definition) to `table`: the
// ALTER TABLE itself, or the recreation when the table is empty, has nothing the
// recreation would lose (statistics), the ALTER would succeed (SQLite checks it when
// preparing), and the schema is big enough for the recreation to be cheaper. Offline
// (no connection), the ALTER.
std::vector<std::string> add_column_statements(sqlite::Connection* db, const std::string& table,
                                               const std::string& column_sql);

} // namespace miglint::ops
