// Alembic's version table on PostgreSQL, created with the DDL Alembic emits there and
// found as SQLAlchemy's has_table finds it (a table visible on the search path).
#pragma once

#include "db/version_store.hpp"
#include "postgres/connection.hpp"

namespace miglint::postgres {

std::string version_table_ddl(std::string_view table = db::k_version_table);

class VersionTable final : public db::VersionStore {
public:
  explicit VersionTable(Connection& db, std::string table = std::string(db::k_version_table));

  const std::string& name() const override { return m_table; }
  model::Result<bool> exists() override;
  model::Result<void> create_if_missing() override;
  model::Result<std::vector<std::string>> heads() override;
  model::Result<void> insert(std::string_view revision) override;
  model::Result<void> remove(std::string_view revision) override;
  model::Result<void> update(std::string_view from, std::string_view to) override;
  model::Result<void> clear() override;

private:
  Connection* m_db;
  std::string m_table;
  bool m_seen = false; // exists() found the table (it is not looked up again)
};

// `name` as SQLAlchemy's PostgreSQL dialect writes an identifier: bare when it is lower
// case, not a reserved word and made of plain characters, else double-quoted.
std::string sqlalchemy_identifier(std::string_view name);

} // namespace miglint::postgres
