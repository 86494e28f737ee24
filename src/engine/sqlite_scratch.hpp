// Verify's scratch database on SQLite: schema snapshots from sqlite_master and PRAGMAs,
// sample rows, and row digests read again only for the tables a step's statements may
// have changed (SQLite's authorizer names them, with the tables their foreign keys tie to).
#pragma once

#include "engine/scratch_database.hpp"
#include "sqlite/database.hpp"
#include "sqlite/row_digest.hpp"
#include "sqlite/schema_snapshot.hpp"
#include "sqlite/version_table.hpp"

#include <initializer_list>
#include <map>
#include <set>

namespace miglint::engine {

class SqliteScratch final : public ScratchDatabase {
public:
  SqliteScratch(sqlite::Connection& db, const std::string& version_table);
  ~SqliteScratch() override;

  db::VersionStore& versions() override { return m_table; }
  model::Result<void> exec(std::string_view sql) override { return m_db.exec(sql); }
  RunContext run_context(StatementSink& sink) override;
  StatementSink& sink() override { return m_sink; }

  model::Result<SchemaPtr> snapshot() override;
  SchemaPtr empty_schema() const override;
  std::vector<std::string> differences(const Schema& want, const Schema& got) const override;
  std::vector<std::string> column_order_differences(const Schema& want,
                                                    const Schema& got) const override;
  std::optional<std::string> user_version_difference(const Schema& want,
                                                     const Schema& got) const override;

  model::Result<std::vector<std::string>> seed(const Schema& schema,
                                               std::size_t target_rows) override;
  model::Result<RowsPtr> rows_now(const Schema& schema) override;
  RowsPtr emptied(const Rows& rows) const override;
  std::vector<std::string> populated_tables(const Rows& rows) const override;
  model::Result<void> delete_rows(const std::vector<std::string>& tables) override;
  model::Result<std::vector<std::string>> row_differences(const Rows& rows_before,
                                                          const Schema& before,
                                                          const Schema& after,
                                                          const Schema& now) override;
  void forget_writes(const Schema& schema) override;

private:
  sqlite::WriteLog take_writes();
  void forget_changed(const sqlite::WriteLog& log,
                      std::initializer_list<const sqlite::SchemaSnapshot*> schemas);

  sqlite::Connection& m_db;
  sqlite::VersionTable m_table;
  ConnectionSink m_sink;
  sqlite::SnapshotCache m_cache;
  sqlite::SnapshotOptions m_snapshot_options;
  // What statements changed since take_writes() last emptied it.
  sqlite::WriteLog m_writes;
  // Row digests of tables as they are now, by name, with the definition they were read with.
  struct CachedRows {
    std::shared_ptr<const sqlite::TableInfo> table;
    std::shared_ptr<const sqlite::TableRows> rows;
  };
  std::map<std::string, CachedRows> m_row_cache;
  // Tables known to hold the sample row count or more, with that definition.
  std::map<std::string, std::shared_ptr<const sqlite::TableInfo>> m_full_tables;
  std::set<std::string> m_declared_by_name; // types written by fallback, for the whole run
};

} // namespace miglint::engine
