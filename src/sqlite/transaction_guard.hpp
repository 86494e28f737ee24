// A revision runs inside miglint's transaction (and savepoints), which must stay open
// until the version table has been updated: a COMMIT in a revision would make its first
// half permanent while the rest fails and the version table still names the previous
// revision. While a guard lives, SQLite refuses to prepare BEGIN, COMMIT/END, ROLLBACK,
// and RELEASE or ROLLBACK TO of miglint's own savepoints; the guard names the statement
// it refused. The revision's own SAVEPOINT/RELEASE pairs stay allowed.
#pragma once

#include "sqlite/database.hpp"

#include <optional>
#include <string>

namespace miglint::sqlite {

class TransactionGuard {
public:
  explicit TransactionGuard(Connection& db);
  ~TransactionGuard();
  TransactionGuard(const TransactionGuard&) = delete;
  TransactionGuard& operator=(const TransactionGuard&) = delete;

  // What was refused ("COMMIT", "ROLLBACK TO miglint_body"), if anything.
  const std::optional<std::string>& refused() const { return m_refused; }

private:
  static int authorize(void* self, int action, const char* what, const char* name,
                       const char* database, const char* trigger);

  Connection& m_db;
  std::optional<std::string> m_refused;
};

// The savepoints miglint opens around a revision are named with this prefix.
inline constexpr const char* k_savepoint_prefix = "miglint_";

} // namespace miglint::sqlite
