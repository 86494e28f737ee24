#include "ops/add_column.hpp"

#include "ops/ddl.hpp"
#include "sqlite/sql_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <regex>

namespace miglint::ops {

namespace {

// Below this many schema objects the re-read costs less than the statements of a
// recreation (measured: a re-read is 2-4 us an object, a recreation about 60 us).
constexpr std::int64_t k_min_schema_objects = 32;

std::optional<std::int64_t> scalar(sqlite::Connection& db, const std::string& sql,
                                   const std::string& bind = {})
{
  auto stmt = db.prepare(sql);
  if (!stmt) return std::nullopt;
  if (!bind.empty() && !stmt->bind(1, bind)) return std::nullopt;
  auto row = stmt->step();
  if (!row || !*row) return std::nullopt;
  return stmt->column_int(0);
}

std::string sql_literal(const std::string& text)
{
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Whether a definition lets rows be copied as they are: no CHECK (the ALTER tests only
// the new column's), nothing generated, a rowid to keep (not WITHOUT ROWID).
bool copyable(std::string_view sql)
{
  static const std::regex k_blocking(R"(\bCHECK\b|\bGENERATED\b|\bAS\s*\(|\bWITHOUT\s+ROWID\b)",
                                     std::regex::icase);
  return !std::regex_search(sql.begin(), sql.end(), k_blocking);
}

// Whether SQLite lets the column be added to a table that has rows. Some refusals (a
// non-constant default, NOT NULL without a default) come only when the ALTER runs on
// a non-empty table; a scratch table with one row asks SQLite itself, at the cost of
// a one-table schema.
bool addable_to_rows(const std::string& column_sql)
{
  auto probe = sqlite::Connection::open_memory();
  return probe && probe->exec("CREATE TABLE probe (_miglint_probe_column); INSERT INTO probe VALUES (1); "
                              "ALTER TABLE probe ADD COLUMN " + column_sql);
}

// The table's columns, quoted, unless one of them hides the rowid behind its name.
std::optional<std::vector<std::string>> column_names(sqlite::Connection& db, const std::string& table)
{
  auto info = db.prepare("SELECT name FROM pragma_table_xinfo(?1, 'main')");
  if (!info || !info->bind(1, table)) return std::nullopt;
  std::vector<std::string> names;
  while (true) {
    auto more = info->step();
    if (!more) return std::nullopt;
    if (!*more) break;
    std::string name = info->column_text(0);
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "rowid" || lower == "oid" || lower == "_rowid_") return std::nullopt;
    names.push_back(ddl::quote(name));
  }
  if (names.empty()) return std::nullopt;
  return names;
}

} // namespace

model::Result<bool> table_has_rows(sqlite::Connection& db, const std::string& table)
{
  auto stmt = db.prepare(fmt::format("SELECT 1 FROM main.{} LIMIT 1", ddl::quote(table)));
  if (!stmt) return stmt.error();
  return stmt->step();
}

std::vector<std::string> add_column_statements(sqlite::Connection* db, const std::string& table,
                                               const std::string& column_sql)
{
  const std::string alter = fmt::format("ALTER TABLE {} ADD COLUMN {}", ddl::quote(table), column_sql);
  if (!db) return {alter};
  // SQLite rejects what ADD COLUMN cannot do (a PRIMARY KEY or UNIQUE column, a
  // non-constant default, ...) when preparing; that error must stay SQLite's own.
  if (!db->prepare(alter)) return {alter};
  // The schema's size (count(*) counts b-tree cells without decoding rows), and whether
  // statistics (which the DROP would lose) or AUTOINCREMENT counters exist.
  if (scalar(*db, "SELECT count(*) FROM sqlite_master").value_or(0) < k_min_schema_objects) {
    return {alter};
  }
  auto has_stats = db->has_table("sqlite_stat1");
  auto has_sequences = db->has_table("sqlite_sequence");
  if (!has_stats || *has_stats || !has_sequences) return {alter};
  // A TEMP table of that name is what the ALTER would change.
  if (scalar(*db, "SELECT count(*) FROM sqlite_temp_master WHERE name = ?1 COLLATE NOCASE", table)
          .value_or(1) != 0) {
    return {alter};
  }
  const auto has_rows = table_has_rows(*db, table);
  if (!has_rows) return {alter};
  // Rows are copied out and back, which is only the same as the ALTER when nothing
  // reacts to the copy: no foreign key actions on the DROP, no CHECK that SQLite would
  // test against old rows, no generated column to skip.
  if (*has_rows && scalar(*db, "PRAGMA foreign_keys").value_or(1) != 0) return {alter};

  auto rows = db->prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?1 "
                          "COLLATE NOCASE AND sql IS NOT NULL ORDER BY type = 'table' DESC, rowid");
  if (!rows || !rows->bind(1, table)) return {alter};
  std::string name;
  std::string table_sql;
  std::vector<std::string> dependents; // indexes and triggers, dropped with the table
  while (true) {
    auto more = rows->step();
    if (!more) return {alter};
    if (!*more) break;
    const std::string type = rows->column_text(0);
    if (type == "table") {
      if (!table_sql.empty()) return {alter};
      name = rows->column_text(1);
      table_sql = rows->column_text(2);
    } else if (type == "index" || type == "trigger") {
      dependents.push_back(rows->column_text(2));
    } else {
      return {alter};
    }
  }
  const auto at = table_sql.empty() ? std::nullopt : sqlite::add_column_offset(table_sql);
  if (!at) return {alter};
  std::vector<std::string> columns;
  if (*has_rows) {
    if (!copyable(table_sql) || !copyable(column_sql) || !addable_to_rows(column_sql)) return {alter};
    auto listed = column_names(*db, name);
    if (!listed) return {alter};
    columns = std::move(*listed);
  }

  std::vector<std::string> statements;
  std::optional<std::int64_t> sequence;
  if (*has_sequences) {
    sequence = scalar(*db, "SELECT seq FROM sqlite_sequence WHERE name = ?1", name);
  }
  // The rows wait in a TEMP copy with their rowids, and come back before the indexes
  // and triggers do: no trigger fires, no index is filled row by row.
  const std::string keep = "temp." + ddl::quote("_miglint_keep_" + name);
  if (!columns.empty()) {
    statements.push_back("DROP TABLE IF EXISTS " + keep);
    statements.push_back(fmt::format("CREATE TABLE {} AS SELECT rowid AS _miglint_rowid, * FROM main.{}",
                                     keep, ddl::quote(name)));
  }
  statements.push_back("DROP TABLE " + ddl::quote(name));
  statements.push_back(table_sql.substr(0, *at) + ", " + column_sql + table_sql.substr(*at));
  if (!columns.empty()) {
    statements.push_back(fmt::format("INSERT INTO main.{0} (rowid, {1}) SELECT _miglint_rowid, {1} FROM {2}",
                                     ddl::quote(name), fmt::join(columns, ", "), keep));
    statements.push_back("DROP TABLE " + keep);
  }
  for (auto& sql : dependents) statements.push_back(std::move(sql));
  if (sequence) {
    statements.push_back(fmt::format("INSERT INTO sqlite_sequence (name, seq) VALUES ({}, {})",
                                     sql_literal(name), *sequence));
  }
  return statements;
}

} // namespace miglint::ops
