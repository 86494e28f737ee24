#include "postgres/migration_target.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <cctype>

namespace miglint::postgres {

namespace {

// The leading keyword of one statement, upper-cased.
std::string leading_keyword(std::string_view statement)
{
  std::size_t i = 0;
  while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i])) != 0) {
    ++i;
  }
  std::size_t n = i;
  while (n < statement.size() && std::isalpha(static_cast<unsigned char>(statement[n])) != 0) {
    ++n;
  }
  return util::to_upper(statement.substr(i, n - i));
}

} // namespace

std::string transaction_control_keyword(std::string_view sql)
{
  // Walks the text as PostgreSQL's lexer does for what hides a `;`: quoted strings and
  // names, dollar-quoted bodies and comments; each statement's first word is checked.
  std::string statement;
  auto check = [&]() -> std::string {
    const std::string word = leading_keyword(statement);
    statement.clear();
    for (const char* keyword : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}) {
      if (word == keyword) {
        return word;
      }
    }
    return {};
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;
      statement += ' ';
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      int depth = 1;
      for (i += 2; i < sql.size() && depth > 0; ++i) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          ++i;
        } else if (sql.compare(i, 2, "*/") == 0) {
          --depth;
          ++i;
        }
      }
      --i;
      statement += ' ';
    } else if (c == '\'' || c == '"') {
      const std::size_t end = sql.find(c, i + 1);
      i = end == std::string_view::npos ? sql.size() : end; // '' and "" re-enter at once
      statement += 'x';
    } else if (c == '$') {
      // $tag$ ... $tag$ (a tag of letters, digits and _), or a parameter like $1.
      std::size_t t = i + 1;
      while (t < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[t])) != 0 || sql[t] == '_')) {
        ++t;
      }
      if (t < sql.size() && sql[t] == '$' &&
          (t == i + 1 || std::isdigit(static_cast<unsigned char>(sql[i + 1])) == 0)) {
        const std::string_view tag = sql.substr(i, t - i + 1);
        const std::size_t end = sql.find(tag, t + 1);
        i = end == std::string_view::npos ? sql.size() : end + tag.size() - 1;
        statement += 'x';
      } else {
        statement += c;
      }
    } else if (c == ';') {
      if (std::string keyword = check(); !keyword.empty()) {
        return keyword;
      }
    } else {
      statement += c;
    }
  }
  return check();
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
