// A PostgreSQL database as a migration target: one transaction per revision (DDL is
// transactional there, so a failure leaves nothing half applied), and an advisory lock
// held while migrating so that two concurrent runs take turns.
#pragma once

#include "db/migration_target.hpp"
#include "postgres/connection.hpp"
#include "postgres/version_table.hpp"

#include <memory>

namespace miglint::postgres {

class MigrationTarget final : public db::MigrationTarget {
public:
  MigrationTarget(Connection db, std::string version_table);

  db::Dialect dialect() const override { return db::Dialect::postgresql; }
  std::string name() const override { return m_db->name(); }
  db::VersionStore& versions() override { return m_versions; }
  model::Result<void> lock_for_migration() override;
  model::Result<void> begin() override { return m_db->exec("BEGIN"); }
  model::Result<void> commit() override;
  model::Result<void> rollback() override { return m_db->exec("ROLLBACK"); }
  model::Result<void> execute(std::string_view sql) override;
  void echo_statements(std::FILE* out) override { m_db->echo_statements(out); }
  Connection* postgres_connection() override { return m_db.get(); }

private:
  std::unique_ptr<Connection> m_db; // on the heap: the version table keeps its address
  VersionTable m_versions;
};

// The leading keyword of the first statement of `sql` (one or several, split as
// PostgreSQL splits them) that begins, commits or rolls back a transaction (BEGIN, START,
// COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION), else "". ROLLBACK TO a savepoint
// is not one.
std::string transaction_control_keyword(std::string_view sql);

// Runs a statement of a revision inside the transaction miglint opened, refusing one that
// would end it; the Error's message is the server's own words.
model::Result<void> run_revision_statement(Connection& db, std::string_view sql,
                                           bool outside_transaction = false);
// The same, returning what the statement returned (rows, or the count of rows changed), as
// the revision's `connection.execute()` sees it. `outside_transaction`: inside a revision's
// autocommit_block(), where no transaction is open.
model::Result<Rows> run_revision_query(Connection& db, std::string_view sql,
                                       bool outside_transaction = false);

} // namespace miglint::postgres
