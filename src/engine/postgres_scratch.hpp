// Verify's scratch database on PostgreSQL: each revision's check runs in one transaction
// (DDL is transactional there) with the round trip's savepoints, committed before the next; schemas are read from
// pg_catalog and rows as their text form; sample rows come from postgres/row_seeder.
#pragma once

#include "engine/scratch_database.hpp"
#include "postgres/catalog_snapshot.hpp"
#include "postgres/migration_target.hpp"

namespace miglint::engine {

class PostgresScratch final : public ScratchDatabase {
public:
  // `db` is the scratch database's connection; a transaction is begun on it.
  static model::Result<std::unique_ptr<PostgresScratch>> begin(postgres::Connection& db,
                                                               const std::string& version_table);

  db::VersionStore& versions() override { return m_table; }
  model::Result<void> exec(std::string_view sql) override { return m_db.exec(sql); }
  RunContext run_context(StatementSink& sink) override;
  StatementSink& sink() override { return m_sink; }

  model::Result<SchemaPtr> snapshot() override;
  SchemaPtr empty_schema() const override;
  std::vector<std::string> differences(const Schema& want, const Schema& got) const override;
  std::vector<std::string> column_order_differences(const Schema& want,
                                                    const Schema& got) const override;
  std::optional<std::string> user_version_difference(const Schema&, const Schema&) const override
  {
    return std::nullopt;
  }

  model::Result<std::vector<std::string>> seed(const Schema& schema, std::size_t rows) override;
  model::Result<RowsPtr> rows_now(const Schema& schema) override;
  RowsPtr emptied(const Rows& rows) const override;
  std::vector<std::string> populated_tables(const Rows& rows) const override;
  model::Result<void> delete_rows(const std::vector<std::string>& tables) override;
  model::Result<void> end_of_revision() override;
  model::Result<void> checkpoint() override;
  model::Result<std::vector<std::string>> row_differences(const Rows& rows_before,
                                                          const Schema& before,
                                                          const Schema& after,
                                                          const Schema& now) override;
  void forget_writes(const Schema&) override {}

private:
  PostgresScratch(postgres::Connection& db, const std::string& version_table);

  // Statements of revisions: refused when they would end the transaction.
  class RevisionSink final : public StatementSink {
  public:
    explicit RevisionSink(postgres::Connection& db) : m_db(db) {}
    model::Result<void> execute(std::string_view sql) override;

  private:
    postgres::Connection& m_db;
  };

  postgres::Connection& m_db;
  postgres::VersionTable m_table;
  RevisionSink m_sink;
};

} // namespace miglint::engine
