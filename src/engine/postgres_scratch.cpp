#include "engine/postgres_scratch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace miglint::engine {

namespace {

struct PostgresSchema final : ScratchDatabase::Schema {
  postgres::CatalogSnapshot catalog;
};

// Each table's rows as text, sorted.
struct PostgresRows final : ScratchDatabase::Rows {
  std::map<std::string, std::vector<std::string>> tables;
};

const postgres::CatalogSnapshot& catalog_of(const ScratchDatabase::Schema& schema)
{
  return static_cast<const PostgresSchema&>(schema).catalog;
}

const PostgresRows& rows_of(const ScratchDatabase::Rows& rows)
{
  return static_cast<const PostgresRows&>(rows);
}

model::Result<std::vector<std::string>> table_rows(postgres::Connection& db,
                                                   const std::string& quoted)
{
  auto rows = db.query(fmt::format("SELECT t::text FROM {} AS t ORDER BY 1", quoted));
  MIGLINT_TRY(rows);
  std::vector<std::string> out;
  for (const auto& row : rows->values) {
    out.push_back(row[0].value_or("NULL"));
  }
  return out;
}

} // namespace

model::Result<void> PostgresScratch::RevisionSink::execute(std::string_view sql)
{
  return postgres::run_revision_statement(m_db, sql);
}

PostgresScratch::PostgresScratch(postgres::Connection& db, const std::string& version_table)
  : m_db(db), m_table(db, version_table), m_sink(db)
{
}

model::Result<std::unique_ptr<PostgresScratch>> PostgresScratch::begin(
    postgres::Connection& db, const std::string& version_table)
{
  MIGLINT_TRY(db.exec("BEGIN"));
  return std::unique_ptr<PostgresScratch>(new PostgresScratch(db, version_table));
}

model::Result<void> PostgresScratch::delete_rows(const std::string& table)
{
  // Tables are named here as the snapshot quoted them ("public"."users").
  return m_db.exec("DELETE FROM " + table);
}

RunContext PostgresScratch::run_context(StatementSink& sink)
{
  RunContext context{nullptr, sink};
  context.dialect = db::Dialect::postgresql;
  context.pg = &m_db;
  context.autocommit_blocks = true; // the round trip knows what a commit ends
  return context;
}

model::Result<ScratchDatabase::SchemaPtr> PostgresScratch::snapshot()
{
  auto taken = postgres::take_catalog_snapshot(m_db, m_table.name());
  MIGLINT_TRY(taken);
  auto schema = std::make_shared<PostgresSchema>();
  schema->catalog = std::move(*taken);
  return SchemaPtr(std::move(schema));
}

ScratchDatabase::SchemaPtr PostgresScratch::empty_schema() const
{
  return std::make_shared<PostgresSchema>();
}

std::vector<std::string> PostgresScratch::differences(const Schema& want, const Schema& got) const
{
  return postgres::diff_catalogs(catalog_of(want), catalog_of(got));
}

std::vector<std::string> PostgresScratch::column_order_differences(const Schema& want,
                                                                   const Schema& got) const
{
  return postgres::catalog_column_order_differences(catalog_of(want), catalog_of(got));
}

model::Result<ScratchDatabase::RowsPtr> PostgresScratch::rows_now(const Schema& schema)
{
  auto out = std::make_shared<PostgresRows>();
  for (const auto& [name, quoted] : catalog_of(schema).tables) {
    auto rows = table_rows(m_db, quoted);
    MIGLINT_TRY(rows);
    out->tables.emplace(quoted, std::move(*rows));
  }
  return RowsPtr(std::move(out));
}

ScratchDatabase::RowsPtr PostgresScratch::emptied(const Rows& rows) const
{
  auto out = std::make_shared<PostgresRows>();
  for (const auto& [name, values] : rows_of(rows).tables) {
    out->tables.emplace(name, std::vector<std::string>{});
  }
  return out;
}

std::vector<std::string> PostgresScratch::populated_tables(const Rows& rows) const
{
  std::vector<std::string> out;
  for (const auto& [name, values] : rows_of(rows).tables) {
    if (!values.empty()) {
      out.push_back(name);
    }
  }
  return out;
}

model::Result<std::vector<std::string>> PostgresScratch::row_differences(const Rows& rows_before,
                                                                         const Schema&,
                                                                         const Schema&,
                                                                         const Schema& now)
{
  std::vector<std::string> out;
  std::set<std::string> present;
  for (const auto& [name, quoted] : catalog_of(now).tables) {
    present.insert(quoted);
  }
  for (const auto& [quoted, before] : rows_of(rows_before).tables) {
    if (!present.contains(quoted)) {
      continue; // the schema comparison reports a missing table
    }
    auto after = table_rows(m_db, quoted);
    MIGLINT_TRY(after);
    std::vector<std::string> missing;
    std::set_difference(before.begin(), before.end(), after->begin(), after->end(),
                        std::back_inserter(missing));
    std::vector<std::string> extra;
    std::set_difference(after->begin(), after->end(), before.begin(), before.end(),
                        std::back_inserter(extra));
    if (!missing.empty()) {
      out.push_back(fmt::format("table {}: row {} missing{}", quoted, missing.front(),
                                missing.size() > 1 ? fmt::format(" (and {} more)", missing.size() - 1)
                                                   : std::string()));
    } else if (!extra.empty()) {
      out.push_back(fmt::format("table {}: row {} unexpected{}", quoted, extra.front(),
                                extra.size() > 1 ? fmt::format(" (and {} more)", extra.size() - 1)
                                                 : std::string()));
    }
  }
  return out;
}

} // namespace miglint::engine
