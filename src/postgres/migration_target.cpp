#include "postgres/migration_target.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <cctype>

namespace miglint::postgres {

namespace {

// Skips blanks and SQL comments (`-- ...`, `/* ... */`).
std::string_view skip_blanks_and_comments(std::string_view sql)
{
  while (true) {
    while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front())) != 0) {
      sql.remove_prefix(1);
    }
    if (sql.starts_with("--")) {
      const std::size_t end = sql.find('\n');
      sql.remove_prefix(end == std::string_view::npos ? sql.size() : end + 1);
    } else if (sql.starts_with("/*")) {
      const std::size_t end = sql.find("*/");
      sql.remove_prefix(end == std::string_view::npos ? sql.size() : end + 2);
    } else {
      return sql;
    }
  }
}

} // namespace

std::string transaction_control_keyword(std::string_view sql)
{
  sql = skip_blanks_and_comments(sql);
  std::size_t n = 0;
  while (n < sql.size() && std::isalpha(static_cast<unsigned char>(sql[n])) != 0) {
    ++n;
  }
  const std::string word = util::to_upper(sql.substr(0, n));
  for (const char* keyword : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}) {
    if (word == keyword) {
      return word;
    }
  }
  return {};
}

MigrationTarget::MigrationTarget(Connection db, std::string version_table)
  : m_db(std::make_unique<Connection>(std::move(db))), m_versions(*m_db, std::move(version_table))
{
}

model::Result<void> MigrationTarget::lock_for_migration()
{
  // Session-level: held until the connection closes, across the per-revision transactions.
  auto locked = m_db->query("SELECT pg_advisory_lock(hashtext($1))",
                            {fmt::format("miglint migrations of {}", m_versions.name())});
  if (!locked) {
    return model::make_error(fmt::format("{}: cannot take the migration lock: {}", m_db->name(),
                                         locked.error().message));
  }
  return {};
}

model::Result<void> MigrationTarget::commit()
{
  // COMMIT of a transaction a statement aborted rolls back without an error: refuse it.
  if (m_db->transaction_failed()) {
    return model::make_error("the transaction was aborted by an earlier error");
  }
  return m_db->exec("COMMIT");
}

model::Result<void> MigrationTarget::execute(std::string_view sql)
{
  const auto refusal = [](const std::string& keyword) {
    return model::make_error(fmt::format(
        "`{}` would end the transaction that miglint runs the revision in, together with its "
        "version-table update; a revision must not begin, commit or roll back transactions",
        keyword));
  };
  if (std::string keyword = transaction_control_keyword(sql); !keyword.empty()) {
    return refusal(keyword);
  }
  auto done = m_db->exec(sql);
  MIGLINT_TRY(done);
  if (!m_db->in_transaction()) {
    // A later statement of a multi-statement text ended it: too late to undo, but say so.
    return refusal("COMMIT");
  }
  return {};
}

} // namespace miglint::postgres
