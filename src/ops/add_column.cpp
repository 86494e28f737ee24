#include "ops/add_column.hpp"

#include "ops/ddl.hpp"
#include "sqlite/sql_text.hpp"

#include <fmt/format.h>

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

} // namespace

std::vector<std::string> add_column_statements(sqlite::Connection* db, const std::string& table,
                                               const std::string& column_sql)
{
  const std::string alter = fmt::format("ALTER TABLE {} ADD COLUMN {}", ddl::quote(table), column_sql);
  if (!db) return {alter};
  // SQLite rejects what ADD COLUMN cannot do (a PRIMARY KEY or UNIQUE column, a
  // non-constant default, ...) when preparing; that error must stay SQLite's own.
  if (!db->prepare(alter)) return {alter};
  // One pass over sqlite_master: its size, and whether statistics (which the DROP would
  // lose) or AUTOINCREMENT counters exist.
  auto census = db->prepare("SELECT count(*), sum(name = 'sqlite_stat1'), sum(name = 'sqlite_sequence') "
                            "FROM sqlite_master");
  if (!census) return {alter};
  auto counted = census->step();
  if (!counted || !*counted || census->column_int(0) < k_min_schema_objects || census->column_int(1) != 0) {
    return {alter};
  }
  const bool has_sequences = census->column_int(2) != 0;
  // A TEMP table of that name is what the ALTER would change.
  if (scalar(*db, "SELECT count(*) FROM sqlite_temp_master WHERE name = ?1 COLLATE NOCASE", table)
          .value_or(1) != 0) {
    return {alter};
  }
  // Rows would have to be copied, and SQLite checks NOT NULL and CHECK against them.
  if (scalar(*db, fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1)", ddl::quote(table)))
          .value_or(1) != 0) {
    return {alter};
  }

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

  std::vector<std::string> statements;
  std::optional<std::int64_t> sequence;
  if (has_sequences) {
    sequence = scalar(*db, "SELECT seq FROM sqlite_sequence WHERE name = ?1", name);
  }
  statements.push_back("DROP TABLE " + ddl::quote(name));
  statements.push_back(table_sql.substr(0, *at) + ", " + column_sql + table_sql.substr(*at));
  for (auto& sql : dependents) statements.push_back(std::move(sql));
  if (sequence) {
    statements.push_back(fmt::format("INSERT INTO sqlite_sequence (name, seq) VALUES ({}, {})",
                                     sql_literal(name), *sequence));
  }
  return statements;
}

} // namespace miglint::ops
