#include "postgres/migration_target.hpp"

#include "postgres/statement_split.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <cctype>

namespace miglint::postgres {

namespace {

// The words of a statement's start, upper-cased: `rollback to savepoint a` -> ROLLBACK, TO.
std::vector<std::string> leading_words(std::string_view statement, std::size_t count)
{
  std::vector<std::string> words;
  std::size_t i = 0;
  while (words.size() < count) {
    while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i])) != 0) {
      ++i;
    }
    std::size_t n = i;
    while (n < statement.size() && std::isalpha(static_cast<unsigned char>(statement[n])) != 0) {
      ++n;
    }
    if (n == i) {
      break;
    }
    words.push_back(util::to_upper(statement.substr(i, n - i)));
    i = n;
  }
  return words;
}

std::string statement_transaction_control(std::string_view statement)
{
  const auto words = leading_words(statement, 3);
  if (words.empty()) {
    return {};
  }
  const std::string& first = words[0];
  const auto word_at = [&](std::size_t k) { return k < words.size() ? words[k] : std::string(); };
  if (first == "ROLLBACK") {
    // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name keeps the transaction open.
    const bool noise = word_at(1) == "WORK" || word_at(1) == "TRANSACTION";
    if (word_at(noise ? 2 : 1) == "TO") {
      return {};
    }
  }
  if (first == "PREPARE" && word_at(1) == "TRANSACTION") {
    return "PREPARE TRANSACTION";
  }
  for (const char* keyword : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}) {
    if (first == keyword) {
      return first;
    }
  }
  return {};
}

} // namespace

std::string transaction_control_keyword(std::string_view sql)
{
  for (std::string_view statement : split_statements(sql)) {
    if (std::string keyword = statement_transaction_control(statement); !keyword.empty()) {
      return keyword;
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

model::Result<Rows> run_revision_query(Connection& db, std::string_view sql, bool outside_transaction)
{
  if (std::string keyword = transaction_control_keyword(sql); !keyword.empty()) {
    return db::transaction_end_refusal(keyword);
  }
  auto rows = db.run(sql);
  MIGLINT_TRY(rows);
  if (db.in_transaction() == outside_transaction) {
    // Every statement of the text was checked above, so only a server-side surprise gets
    // here; say so rather than claim a rollback.
    return db::transaction_end_refusal("COMMIT");
  }
  return rows;
}

model::Result<void> run_revision_statement(Connection& db, std::string_view sql, bool outside_transaction)
{
  MIGLINT_TRY(run_revision_query(db, sql, outside_transaction));
  return {};
}

model::Result<void> MigrationTarget::execute(std::string_view sql)
{
  return run_revision_statement(*m_db, sql);
}

} // namespace miglint::postgres
