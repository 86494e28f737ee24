// A SQLite database as a migration target: BEGIN IMMEDIATE per revision (the write lock up
// front, so a concurrent migration waits instead of failing half way).
#pragma once

#include "db/migration_target.hpp"
#include "sqlite/database.hpp"
#include "sqlite/version_table.hpp"

#include <memory>

namespace miglint::sqlite {

class MigrationTarget final : public db::MigrationTarget {
public:
  MigrationTarget(Connection db, std::string version_table);

  db::Dialect dialect() const override { return db::Dialect::sqlite; }
  std::string name() const override { return m_db->name(); }
  db::VersionStore& versions() override { return m_versions; }
  model::Result<void> lock_for_migration() override { return {}; }
  model::Result<void> begin() override { return m_db->begin_immediate(); }
  model::Result<void> commit() override { return m_db->commit(); }
  model::Result<void> rollback() override { return m_db->rollback(); }
  model::Result<void> execute(std::string_view sql) override;
  void echo_statements(std::FILE* out) override { m_db->echo_statements(out); }
  std::string failure_advice() const override;
  Connection* sqlite_connection() override { return m_db.get(); }

private:
  // On the heap: the version table keeps the connection's address.
  std::unique_ptr<Connection> m_db;
  VersionTable m_versions;
};

} // namespace miglint::sqlite
