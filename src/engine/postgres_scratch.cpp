#include "engine/postgres_scratch.hpp"
#include "postgres/deferred_checks.hpp"
#include "postgres/row_seeder.hpp"

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

model::Result<std::unique_ptr<PostgresScratch>>
PostgresScratch::begin(postgres::Connection& db, const std::string& version_table)
{
  MIGLINT_TRY(db.exec("BEGIN"));
  return std::unique_ptr<PostgresScratch>(new PostgresScratch(db, version_table));
}

model::Result<void> PostgresScratch::delete_rows(const std::vector<std::string>& tables)
{
  // Tables are named as the snapshot quoted them ("public"."users"). Only their rows go:
  // with triggers off (foreign key checks are triggers too) no trigger writes elsewhere,
  // which needs a superuser; otherwise children go before the parents they refer to.
  // DELETE, as TRUNCATE is refused while deferred checks are pending.
  MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_delete"));
  if (m_db.exec("SET LOCAL session_replication_role = replica")) {
    for (const std::string& table : tables) {
      MIGLINT_TRY(m_db.exec("DELETE FROM " + table));
    }
    MIGLINT_TRY(m_db.exec("SET LOCAL session_replication_role = origin; RELEASE miglint_delete"));
    return {};
  }
  MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_delete; RELEASE miglint_delete"));
  auto edges = m_db.query(
      "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
      "pg_catalog.quote_ident(rn.nspname) || '.' || pg_catalog.quote_ident(rc.relname) "
      "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_class rc ON "
      "rc.oid = con.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
      "WHERE con.contype = 'f' AND con.conrelid <> con.confrelid");
  MIGLINT_TRY(edges);
  std::vector<std::string> left = tables;
  while (!left.empty()) {
    // A table no other remaining table refers to goes first; in a cycle, any.
    auto next = std::find_if(left.begin(), left.end(), [&](const std::string& parent) {
      return std::none_of(edges->values.begin(), edges->values.end(), [&](const auto& edge) {
        return edge[1] == parent && edge[0] != parent &&
               std::find(left.begin(), left.end(), edge[0].value_or("")) != left.end();
      });
    });
    if (next == left.end()) {
      next = left.begin();
    }
    MIGLINT_TRY(m_db.exec("DELETE FROM " + *next));
    left.erase(next);
  }
  // Tables emptied before the migration, as if committed.
  return postgres::run_deferred_checks(m_db);
}

model::Result<void> PostgresScratch::end_of_revision()
{
  return postgres::run_deferred_checks(m_db);
}

model::Result<void> PostgresScratch::checkpoint()
{
  return m_db.exec("COMMIT; BEGIN");
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

model::Result<std::vector<std::string>> PostgresScratch::seed(const Schema& schema,
                                                              std::size_t rows)
{
  return postgres::seed_rows(m_db, catalog_of(schema), rows);
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
      out.push_back(fmt::format(
          "table {}: row {} missing{}", quoted, missing.front(),
          missing.size() > 1 ? fmt::format(" (and {} more)", missing.size() - 1) : std::string()));
    } else if (!extra.empty()) {
      out.push_back(fmt::format("table {}: row {} unexpected{}", quoted, extra.front(),
                                extra.size() > 1 ? fmt::format(" (and {} more)", extra.size() - 1)
                                                 : std::string()));
    }
  }
  return out;
}

} // namespace miglint::engine
