#include "postgres/version_table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace miglint::postgres {

namespace {

bool is_plain_pg_name(std::string_view name)
{
  if (name.empty() || (name.front() >= '0' && name.front() <= '9') || name.front() == '$') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  });
}

} // namespace

std::string sqlalchemy_identifier(std::string_view name)
{
  // The words PostgreSQL reserves that a table or column name could plausibly be.
  static const char* const k_reserved[] = {
      "all",     "analyse", "analyze",   "and",        "any",      "array",   "as",
      "asc",     "both",    "case",      "cast",       "check",    "collate", "column",
      "constraint", "create", "current_date", "current_role", "current_time",
      "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
      "else",    "end",     "except",    "false",      "fetch",    "for",     "foreign",
      "from",    "grant",   "group",     "having",     "in",       "initially", "intersect",
      "into",    "leading", "limit",     "localtime",  "localtimestamp", "not", "null",
      "offset",  "on",      "only",      "or",         "order",    "placing", "primary",
      "references", "returning", "select", "session_user", "some", "symmetric", "table",
      "then",    "to",      "trailing",  "true",       "union",    "unique",  "user",
      "using",   "variadic", "when",     "where",      "window",   "with",    "authorization",
      "binary",  "collation", "concurrently", "cross", "current_schema", "freeze", "full",
      "ilike",   "inner",   "is",        "isnull",     "join",     "left",    "like",
      "natural", "notnull", "outer",     "overlaps",   "right",    "similar", "tablesample",
      "verbose"};
  const bool reserved = std::any_of(std::begin(k_reserved), std::end(k_reserved),
                                    [&](const char* word) { return name == word; });
  if (is_plain_pg_name(name) && !reserved) {
    return std::string(name);
  }
  return quote_identifier(name);
}

std::string version_table_ddl(std::string_view table)
{
  return fmt::format("CREATE TABLE {0} (\n    version_num VARCHAR(32) NOT NULL, \n    "
                     "CONSTRAINT {1} PRIMARY KEY (version_num)\n)",
                     sqlalchemy_identifier(table),
                     sqlalchemy_identifier(fmt::format("{}_pkc", table)));
}

VersionTable::VersionTable(Connection& db, std::string table) : m_db(&db), m_table(std::move(table))
{
}

model::Result<bool> VersionTable::exists()
{
  if (m_seen) {
    return true;
  }
  auto rows = m_db->query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
      "c.relnamespace WHERE pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> "
      "'pg_catalog' AND c.relname = $1 AND c.relkind IN ('r', 'p')",
      {m_table});
  MIGLINT_TRY(rows);
  // Once seen, the table stays: nothing miglint runs drops it, and every step reads the
  // rows, so the catalog lookup is not repeated for each revision.
  m_seen = !rows->values.empty();
  return m_seen;
}

model::Result<void> VersionTable::create_if_missing()
{
  auto present = exists();
  MIGLINT_TRY(present);
  if (*present) {
    return {};
  }
  return m_db->exec(version_table_ddl(m_table));
}

model::Result<std::vector<std::string>> VersionTable::heads()
{
  auto present = exists();
  MIGLINT_TRY(present);
  std::vector<std::string> revisions;
  if (!*present) {
    return revisions;
  }
  auto rows = m_db->query(fmt::format("SELECT version_num FROM {}", sqlalchemy_identifier(m_table)));
  MIGLINT_TRY(rows);
  for (const auto& row : rows->values) {
    revisions.push_back(row[0].value_or(""));
  }
  std::sort(revisions.begin(), revisions.end());
  return revisions;
}

model::Result<void> VersionTable::insert(std::string_view revision)
{
  auto rows = m_db->query(fmt::format("INSERT INTO {} (version_num) VALUES ($1)",
                                      sqlalchemy_identifier(m_table)),
                          {std::string(revision)});
  MIGLINT_TRY(rows);
  return {};
}

model::Result<void> VersionTable::remove(std::string_view revision)
{
  const std::string table = sqlalchemy_identifier(m_table);
  auto rows = m_db->query(fmt::format("DELETE FROM {0} WHERE {0}.version_num = $1", table),
                          {std::string(revision)});
  MIGLINT_TRY(rows);
  if (rows->affected != 1) {
    return model::make_error(fmt::format("{}: expected to match one row when deleting '{}' in "
                                         "'{}'; {} found",
                                         m_db->name(), revision, m_table, rows->affected));
  }
  return {};
}

model::Result<void> VersionTable::update(std::string_view from, std::string_view to)
{
  const std::string table = sqlalchemy_identifier(m_table);
  auto rows = m_db->query(
      fmt::format("UPDATE {0} SET version_num = $1 WHERE {0}.version_num = $2", table),
      {std::string(to), std::string(from)});
  MIGLINT_TRY(rows);
  if (rows->affected != 1) {
    return model::make_error(fmt::format("{}: expected to match one row when updating '{}' to "
                                         "'{}' in '{}'; {} found",
                                         m_db->name(), from, to, m_table, rows->affected));
  }
  return {};
}

model::Result<void> VersionTable::clear()
{
  auto present = exists();
  MIGLINT_TRY(present);
  if (!*present) {
    return {};
  }
  return m_db->exec(fmt::format("DELETE FROM {}", sqlalchemy_identifier(m_table)));
}

} // namespace miglint::postgres
