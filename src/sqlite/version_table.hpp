// Alembic's version table: one row per applied head, read and written exactly as
// Alembic's HeadMaintainer does, so a database can move between miglint and Alembic.
#pragma once

#include "db/version_store.hpp"
#include "model/result.hpp"
#include "sqlite/database.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace miglint::sqlite {

using db::k_version_table;

// The DDL Alembic (SQLAlchemy 1.4) emits, byte for byte as sqlite_master stores it.
std::string version_table_ddl(std::string_view table = k_version_table);

// Operations on a version table named `table` (Alembic's `version_table` option; the
// default is alembic_version). The connection must outlive this object. Nothing here
// opens a transaction: callers wrap a migration step and its version change in one.
class VersionTable final : public db::VersionStore {
public:
  explicit VersionTable(Connection& db, std::string table = std::string(k_version_table));

  const std::string& name() const override { return m_table; }

  Result<bool> exists() override;
  // Creates the table with Alembic's DDL unless it exists.
  Result<void> create_if_missing() override;
  // The revision ids stored, sorted; an absent table is an empty list (an unstamped
  // database), not an error. Ids unknown to the revision graph are returned as they are.
  Result<std::vector<std::string>> heads() override;

  // INSERT INTO alembic_version (version_num) VALUES ('rev')
  Result<void> insert(std::string_view revision) override;
  // DELETE FROM alembic_version WHERE alembic_version.version_num = 'rev';
  // exactly one row must match.
  Result<void> remove(std::string_view revision) override;
  // UPDATE alembic_version SET version_num='to' WHERE alembic_version.version_num = 'from';
  // exactly one row must match.
  Result<void> update(std::string_view from, std::string_view to) override;
  // Deletes every row (stamp base / downgrade to base leaves the empty table).
  Result<void> clear() override;

private:
  Connection* m_db;
  std::string m_table;
};

} // namespace miglint::sqlite
