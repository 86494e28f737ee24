#include "sqlite/version_table.hpp"

#include "sqlite/sql_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace miglint::sqlite {

namespace {

// SQLite quoting for an identifier; alembic_version needs none, but a configured
// version_table might.
std::string quote_identifier(std::string_view name)
{
  bool plain = !name.empty() && !(name.front() >= '0' && name.front() <= '9');
  for (char c : name) {
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (plain) {
    return std::string(name);
  }
  return double_quoted(name);
}

} // namespace

std::string version_table_ddl(std::string_view table)
{
  // SQLAlchemy's layout: newline, tab-indented elements, ", " before each newline.
  return fmt::format("CREATE TABLE {0} (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
                     "CONSTRAINT {1} PRIMARY KEY (version_num)\n)",
                     quote_identifier(table), quote_identifier(fmt::format("{}_pkc", table)));
}

VersionTable::VersionTable(Connection& db, std::string table) : m_db(&db), m_table(std::move(table))
{
}

Result<bool> VersionTable::exists()
{
  return m_db->has_table(m_table);
}

Result<void> VersionTable::create_if_missing()
{
  Result<bool> present = exists();
  MIGLINT_TRY(present);
  if (*present) {
    return {};
  }
  return m_db->exec(version_table_ddl(m_table));
}

Result<std::vector<std::string>> VersionTable::heads()
{
  Result<bool> present = exists();
  MIGLINT_TRY(present);
  std::vector<std::string> revisions;
  if (!*present) {
    return revisions;
  }
  Result<Statement> stmt =
      m_db->prepare(fmt::format("SELECT version_num FROM {}", quote_identifier(m_table)));
  MIGLINT_TRY(stmt);
  while (true) {
    Result<bool> row = stmt->step();
    MIGLINT_TRY(row);
    if (!*row) {
      break;
    }
    revisions.push_back(stmt->column_text(0));
  }
  std::sort(revisions.begin(), revisions.end());
  return revisions;
}

Result<void> VersionTable::insert(std::string_view revision)
{
  Result<Statement> stmt = m_db->prepare(
      fmt::format("INSERT INTO {} (version_num) VALUES (?)", quote_identifier(m_table)));
  MIGLINT_TRY(stmt);
  MIGLINT_TRY(stmt->bind(1, revision));
  return stmt->run();
}

Result<void> VersionTable::remove(std::string_view revision)
{
  const std::string table = quote_identifier(m_table);
  Result<Statement> stmt =
      m_db->prepare(fmt::format("DELETE FROM {0} WHERE {0}.version_num = ?", table));
  MIGLINT_TRY(stmt);
  MIGLINT_TRY(stmt->bind(1, revision));
  MIGLINT_TRY(stmt->run());
  // Alembic's check, in its words: a head that is not there means the database is not
  // where the plan thought it was.
  if (const std::int64_t changed = m_db->changes(); changed != 1) {
    return model::make_error(fmt::format("{}: expected to match one row when deleting '{}' in "
                                         "'{}'; {} found",
                                         m_db->name(), revision, m_table, changed));
  }
  return {};
}

Result<void> VersionTable::update(std::string_view from, std::string_view to)
{
  const std::string table = quote_identifier(m_table);
  Result<Statement> stmt =
      m_db->prepare(fmt::format("UPDATE {0} SET version_num = ? WHERE {0}.version_num = ?", table));
  MIGLINT_TRY(stmt);
  MIGLINT_TRY(stmt->bind(1, to));
  MIGLINT_TRY(stmt->bind(2, from));
  MIGLINT_TRY(stmt->run());
  if (const std::int64_t changed = m_db->changes(); changed != 1) {
    return model::make_error(fmt::format("{}: expected to match one row when updating '{}' to "
                                         "'{}' in '{}'; {} found",
                                         m_db->name(), from, to, m_table, changed));
  }
  return {};
}

Result<void> VersionTable::clear()
{
  Result<bool> present = exists();
  MIGLINT_TRY(present);
  if (!*present) {
    return {};
  }
  return m_db->exec(fmt::format("DELETE FROM {}", quote_identifier(m_table)));
}

} // namespace miglint::sqlite
