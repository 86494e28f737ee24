// The rows of a database as hashes, to tell whether a downgrade brought back every row an
// upgrade found, without keeping the rows themselves. Each row is keyed by its primary key
// (or, in a table without one, by all its values) and hashed over its values as SQLite's
// quote() spells them, so 1, 1.0, '1' and X'31' all differ.
#pragma once

#include "model/result.hpp"
#include "sqlite/database.hpp"
#include "sqlite/schema_snapshot.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace miglint::sqlite {

struct RowDigest {
  std::string key;   // "(id=1)"; a table without primary key: its values "(1, 'a')"
  std::string hash;  // of the values, hex
  std::string shown; // the values "(1, 'a')" for messages; "" once a table's budget is spent
};

struct TableRows {
  std::vector<std::string> columns; // compared columns, in the order hashed
  std::vector<RowDigest> rows;      // sorted by key
};

// Table name -> its rows, for the ordinary tables of `schema` (not virtual tables nor their
// shadow tables). Generated columns are left out: they follow from the others.
using RowsSnapshot = std::map<std::string, TableRows>;

Result<RowsSnapshot> digest_rows(Connection& db, const SchemaSnapshot& schema);

// The rows of one ordinary table over all its columns but generated ones, as digest_rows
// gives them.
Result<TableRows> digest_all_rows(Connection& db, const TableInfo& table);

// The rows of `table` now, over the columns of `before` that it still has.
Result<TableRows> digest_table(Connection& db, const TableInfo& table, const TableRows& before);

// The first difference of `after` from `before`, or nullopt when every row came back:
//   row (id=2) changed: before (2, 'b'), after (2, NULL)
//   row (id=3) lost: (3, 'c')
//   row (id=4) added: (4, 'd')
std::optional<std::string> first_row_difference(const TableRows& before, const TableRows& after);

// The tables of the main database SQLite creates for virtual tables (an FTS index's
// `docs_data`); they are the module's business.
Result<std::vector<std::string>> shadow_tables(Connection& db);
// The same, without asking the database when `schema` has no virtual table (none then).
Result<std::vector<std::string>> shadow_tables(Connection& db, const SchemaSnapshot& schema);

} // namespace miglint::sqlite
