// Just enough SQL lexing to compare schema text stably: the CREATE statements SQLite
// keeps in sqlite_master differ in quoting, case and spacing depending on who wrote
// them (Alembic's batch rebuild quotes names; hand-written SQL does not).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::sqlite {

// A canonical spelling of `sql`: comments dropped, whitespace collapsed, keywords and
// simple identifiers lower-cased and unquoted ("Users" -> users), string literals
// kept verbatim, a trailing `;` dropped. Equivalent spellings normalize equally:
//   CREATE VIEW "v" AS SELECT  "id" FROM users;  ->  create view v as select id from users
std::string normalize_sql(std::string_view sql);

// `name` in double quotes, embedded quotes doubled: safe for any table or column name,
// keywords included ("order" -> "\"order\"").
std::string double_quoted(std::string_view name);
// `text` as an SQL string literal: in single quotes, embedded quotes doubled.
std::string single_quoted(std::string_view text);

// A declared column type compared as SQLite compares it: case and spacing do not
// matter, so `numeric(10,2)` and `NUMERIC(10, 2)` are equal.
std::string normalize_type(std::string_view type);

struct CheckClause {
  std::string name;       // CONSTRAINT name, or ""
  std::string expression; // normalized, without the outer parentheses
};

// What PRAGMAs do not report about one column definition.
struct ColumnClause {
  std::string name;              // lower-cased, unquoted
  std::string collation;         // lower-cased; "" for the default (BINARY)
  std::string generated;         // normalized expression of `[GENERATED ALWAYS] AS (...)`, or ""
  std::string not_null_conflict; // `NOT NULL ON CONFLICT <x>`: "replace", "ignore", ...; ""
                                 // for the default (ABORT)
};

// A PRIMARY KEY, UNIQUE or REFERENCES constraint, written on a column or on the table.
struct KeyClause {
  char kind = 'u';                  // 'p' primary key, 'u' unique, 'f' foreign key
  std::vector<std::string> columns; // lower-cased, unquoted, as written
  std::string on_conflict;          // "replace", "ignore", ...; "" for the default (ABORT)
  // Foreign keys: "deferrable initially deferred", "deferrable initially immediate", or ""
  // (NOT DEFERRABLE, the default; `NOT DEFERRABLE INITIALLY DEFERRED` is immediate too).
  std::string deferrable;
};

// What PRAGMAs do not report about a CREATE TABLE statement.
struct TableClauses {
  std::vector<CheckClause> checks; // column and table CHECK constraints, in order
  std::vector<ColumnClause> columns; // in table order
  std::vector<KeyClause> keys;       // in written order
  bool without_rowid = false;
  bool strict = false;
  bool autoincrement = false;
};
TableClauses parse_table_clauses(std::string_view create_table_sql);

// The normalized condition of a partial index (`... WHERE deleted_at IS NULL`), or "".
std::string index_where(std::string_view create_index_sql);

// The normalized indexed terms of `CREATE INDEX i ON t (a, lower(b) DESC)`, one per
// term ("a", "lower(b) desc"); used to name expression columns.
std::vector<std::string> index_terms(std::string_view create_index_sql);

// Where SQLite's ALTER TABLE ... ADD COLUMN splices `, <column definition>` into the stored
// CREATE TABLE text: before the first table constraint, else before the closing `)`.
//   CREATE TABLE t (a INT, b TEXT, PRIMARY KEY (a))  ->  the offset of `, PRIMARY`
// nullopt when the text has no column list (CREATE TABLE ... AS SELECT).
std::optional<std::size_t> add_column_offset(std::string_view create_table_sql);

} // namespace miglint::sqlite
