#include "engine/sqlite_scratch.hpp"

#include "sqlite/row_seeder.hpp"
#include "sqlite/schema_diff.hpp"
#include "sqlite/sql_text.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace miglint::engine {

namespace {

struct SqliteSchema final : ScratchDatabase::Schema {
  sqlite::SchemaSnapshot snapshot;
};

// Each table's rows, shared with the digests kept between revisions.
struct SqliteRows final : ScratchDatabase::Rows {
  std::map<std::string, std::shared_ptr<const sqlite::TableRows>> tables;
};

const sqlite::SchemaSnapshot& of(const ScratchDatabase::Schema& schema)
{
  return static_cast<const SqliteSchema&>(schema).snapshot;
}

const SqliteRows& of(const ScratchDatabase::Rows& rows)
{
  return static_cast<const SqliteRows&>(rows);
}

// `log` plus the tables whose foreign keys reach a table in it (ON DELETE / ON UPDATE
// actions change their rows) in any of `schemas`, transitively.
sqlite::WriteLog with_dependents(const sqlite::WriteLog& log,
                                 std::initializer_list<const sqlite::SchemaSnapshot*> schemas)
{
  sqlite::WriteLog out = log;
  for (bool grew = !out.everything; grew;) {
    grew = false;
    for (const sqlite::SchemaSnapshot* schema : schemas) {
      for (const auto& [name, table] : schema->tables) {
        if (out.touched(name)) {
          continue;
        }
        for (const sqlite::ForeignKeyInfo& fk : table->foreign_keys) {
          if (out.touched(fk.ref_table)) {
            out.tables.insert(util::to_lower(name));
            grew = true;
            break;
          }
        }
      }
    }
  }
  return out;
}

} // namespace

SqliteScratch::SqliteScratch(sqlite::Connection& db, const std::string& version_table)
  : m_db(db), m_table(db, version_table), m_sink(db)
{
  m_snapshot_options.version_table = version_table;
  // Tells which tables each step may have changed, so that only those are compared and
  // digested again; every other table's rows are those of the previous digest.
  m_db.log_writes(&m_writes);
}

SqliteScratch::~SqliteScratch()
{
  m_db.log_writes(nullptr);
}

model::Result<void> SqliteScratch::delete_rows(const std::vector<std::string>& tables)
{
  for (const std::string& table : tables) {
    MIGLINT_TRY(m_db.exec("DELETE FROM " + sqlite::double_quoted(table)));
  }
  return {};
}

RunContext SqliteScratch::run_context(StatementSink& sink)
{
  RunContext context{&m_db, sink};
  context.declared_by_name = &m_declared_by_name;
  return context;
}

model::Result<ScratchDatabase::SchemaPtr> SqliteScratch::snapshot()
{
  auto taken = sqlite::take_snapshot(m_db, &m_cache, m_snapshot_options);
  MIGLINT_TRY(taken);
  auto schema = std::make_shared<SqliteSchema>();
  schema->snapshot = std::move(*taken);
  return SchemaPtr(std::move(schema));
}

ScratchDatabase::SchemaPtr SqliteScratch::empty_schema() const
{
  return std::make_shared<SqliteSchema>();
}

std::vector<std::string> SqliteScratch::differences(const Schema& want, const Schema& got) const
{
  return sqlite::diff_schemas(of(want), of(got));
}

std::vector<std::string> SqliteScratch::column_order_differences(const Schema& want,
                                                                 const Schema& got) const
{
  return sqlite::column_order_differences(of(want), of(got));
}

std::optional<std::string> SqliteScratch::user_version_difference(const Schema& want,
                                                                  const Schema& got) const
{
  if (of(want).user_version == of(got).user_version) {
    return std::nullopt;
  }
  return fmt::format("PRAGMA user_version at {}, expected {}", of(got).user_version,
                     of(want).user_version);
}

model::Result<std::vector<std::string>> SqliteScratch::seed(const Schema& schema,
                                                            std::size_t target_rows)
{
  const sqlite::SchemaSnapshot& before = of(schema);
  forget_changed(take_writes(), {&before});
  auto seeded = sqlite::seed_rows(m_db, before, target_rows, [&](const sqlite::TableInfo& table) {
    const auto known = m_full_tables.find(table.name);
    return known != m_full_tables.end() && known->second.get() == &table;
  });
  MIGLINT_TRY(seeded);
  forget_changed(take_writes(), {&before});
  for (const std::string& name : seeded->full) {
    m_full_tables[name] = before.tables.at(name);
  }
  return std::move(seeded->notes);
}

// The rows of every ordinary table of `schema` now: digests kept from before for tables
// nothing changed since (same definition), read again for the others.
model::Result<ScratchDatabase::RowsPtr> SqliteScratch::rows_now(const Schema& schema)
{
  const sqlite::SchemaSnapshot& snapshot = of(schema);
  auto shadows = sqlite::shadow_tables(m_db, snapshot);
  MIGLINT_TRY(shadows);
  auto out = std::make_shared<SqliteRows>();
  for (const auto& [name, table] : snapshot.tables) {
    if (table->is_virtual || std::find(shadows->begin(), shadows->end(), name) != shadows->end()) {
      continue;
    }
    CachedRows& cached = m_row_cache[name];
    if (cached.table != table || !cached.rows) {
      auto rows = sqlite::digest_all_rows(m_db, *table);
      MIGLINT_TRY(rows);
      cached.table = table;
      cached.rows = std::make_shared<const sqlite::TableRows>(std::move(*rows));
    }
    out->tables.emplace(name, cached.rows);
  }
  return RowsPtr(std::move(out));
}

ScratchDatabase::RowsPtr SqliteScratch::emptied(const Rows& rows) const
{
  auto out = std::make_shared<SqliteRows>();
  for (const auto& [name, table] : of(rows).tables) {
    auto empty = std::make_shared<sqlite::TableRows>(*table);
    empty->rows.clear();
    out->tables.emplace(name, std::move(empty));
  }
  return out;
}

std::vector<std::string> SqliteScratch::populated_tables(const Rows& rows) const
{
  std::vector<std::string> out;
  for (const auto& [name, table] : of(rows).tables) {
    if (!table->rows.empty()) {
      out.push_back(name);
    }
  }
  return out;
}

// Tables that neither the upgrade nor the downgrade changed (nor, through a foreign key
// action, a table they changed) still have their rows: only the others are read again.
model::Result<std::vector<std::string>> SqliteScratch::row_differences(const Rows& rows_before,
                                                                       const Schema& before,
                                                                       const Schema& after,
                                                                       const Schema& now)
{
  const sqlite::WriteLog changed = with_dependents(m_writes, {&of(before), &of(after), &of(now)});
  std::vector<std::string> out;
  for (const auto& [name, rows] : of(rows_before).tables) {
    const auto table = of(now).tables.find(name);
    if (table == of(now).tables.end()) {
      continue;
    }
    const auto was = of(before).tables.find(name);
    if (!changed.touched(name) && was != of(before).tables.end() && was->second == table->second) {
      continue;
    }
    auto rows_after = sqlite::digest_table(m_db, *table->second, *rows);
    MIGLINT_TRY(rows_after);
    if (auto difference = sqlite::first_row_difference(*rows, *rows_after)) {
      out.push_back(fmt::format("table \"{}\": {}", name, *difference));
    }
  }
  return out;
}

void SqliteScratch::forget_writes(const Schema& schema)
{
  forget_changed(take_writes(), {&of(schema)});
}

// What was written since the last call; the log starts again empty.
sqlite::WriteLog SqliteScratch::take_writes()
{
  sqlite::WriteLog taken = std::move(m_writes);
  m_writes.clear();
  // Installing the log again makes SQLite prepare every statement anew, so that one
  // prepared before is reported when it runs again.
  m_db.log_writes(&m_writes);
  return taken;
}

// Drops what is known about the rows of the tables `log` (with its dependents) changed.
void SqliteScratch::forget_changed(const sqlite::WriteLog& log,
                                   std::initializer_list<const sqlite::SchemaSnapshot*> schemas)
{
  if (log.everything) {
    m_row_cache.clear();
    m_full_tables.clear();
    return;
  }
  if (log.tables.empty()) {
    return;
  }
  const sqlite::WriteLog changed = with_dependents(log, schemas);
  std::erase_if(m_row_cache, [&](const auto& entry) { return changed.touched(entry.first); });
  std::erase_if(m_full_tables, [&](const auto& entry) { return changed.touched(entry.first); });
}

} // namespace miglint::engine
