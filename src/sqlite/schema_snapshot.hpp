// A structural snapshot of a database schema: what PRAGMAs report about each table,
// index, foreign key, view and trigger, independent of how the CREATE text is quoted.
// Round-trip checks compare snapshots taken before an upgrade and after its downgrade.
#pragma once

#include "model/result.hpp"
#include "sqlite/database.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace miglint::sqlite {

// One row of PRAGMA table_xinfo.
struct ColumnInfo {
  std::string name;
  std::string type; // declared type as written ("VARCHAR(120)"), "" when none
  bool not_null = false;
  std::optional<std::string> default_value; // as PRAGMA reports it: `'x'`, `0`, `CURRENT_TIMESTAMP`
  int pk = 0;     // 1-based position in the primary key, 0 when not part of it
  int hidden = 0; // 0 regular, 1 hidden (virtual table), 2 generated VIRTUAL, 3 generated STORED
  // From the CREATE TABLE text (PRAGMAs do not report these):
  std::string collation;         // lower-cased, "" for BINARY
  std::string generated;         // normalized expression of a generated column
  std::string not_null_conflict; // NOT NULL ON CONFLICT algorithm, "" for ABORT

  // "VARCHAR(120) NOT NULL DEFAULT 'x' COLLATE nocase", for messages.
  std::string describe() const;
};

// An index of a table. Automatic indexes (sqlite_autoindex_<table>_<N>) are numbered by
// constraint order, which a table rebuild can change; they are named "sqlite_autoindex"
// here and told apart by their columns.
struct IndexInfo {
  std::string name;          // normalized name
  std::string original_name; // as in sqlite_master
  bool unique = false;
  char origin = 'c';                // 'c' CREATE INDEX, 'u' UNIQUE constraint, 'p' PRIMARY KEY
  std::vector<std::string> columns; // "email", "email DESC", "name COLLATE NOCASE", "lower(b)"
  std::string where;                // normalized condition of a partial index, or ""
  std::string on_conflict;          // UNIQUE constraints: ON CONFLICT algorithm, "" for ABORT

  bool automatic() const { return origin != 'c'; }
  // Identity used for comparison: the name for CREATE INDEX, origin + columns otherwise.
  std::string key() const;
  // "ix_users_email UNIQUE (email)", "unique constraint (a, b)", "primary key (a, b)".
  std::string describe() const;
};

// One foreign key (PRAGMA foreign_key_list rows grouped by id).
struct ForeignKeyInfo {
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns; // empty when the parent's primary key is implied
  std::string on_update = "NO ACTION";
  std::string on_delete = "NO ACTION";
  std::string match = "NONE";
  std::string deferrable; // "deferrable initially deferred" / "... immediate", "" when not

  // "(user_id) -> users(id) ON DELETE CASCADE"; default actions are left out.
  std::string describe() const;
};

struct CheckInfo {
  std::string name;             // "" when unnamed
  std::string expression;       // normalized
  std::string describe() const; // "check ck_age (age > 0)"
};

struct TableInfo {
  std::string name;
  std::string sql;                          // the CREATE TABLE text as stored
  std::vector<ColumnInfo> columns;          // in table order
  std::vector<IndexInfo> indexes;           // sorted by key()
  std::vector<ForeignKeyInfo> foreign_keys; // sorted by describe()
  std::vector<CheckInfo> checks;            // sorted by describe()
  bool without_rowid = false;
  bool strict = false;
  bool autoincrement = false;
  std::string primary_key_conflict; // PRIMARY KEY ON CONFLICT algorithm, "" for ABORT
  bool is_virtual = false;
  std::string virtual_definition; // normalized CREATE VIRTUAL TABLE text
  // Everything the PRAGMAs depend on (the table's and its indexes' CREATE text);
  // equal keys mean equal TableInfo.
  std::string source_key;

  // "WITHOUT ROWID, STRICT, PRIMARY KEY ON CONFLICT REPLACE", "" for an ordinary table.
  std::string options() const;
  const ColumnInfo* find_column(const std::string& column) const;
};

struct ViewInfo {
  std::string name;
  std::string sql; // normalized
};

struct TriggerInfo {
  std::string name;
  std::string table;
  std::string sql; // normalized
};

// Tables share their TableInfo with the cache and with other snapshots, so
// comparing an unchanged table is a pointer comparison.
struct SchemaSnapshot {
  std::map<std::string, std::shared_ptr<const TableInfo>> tables;
  std::map<std::string, ViewInfo> views;
  std::map<std::string, TriggerInfo> triggers;
  std::int64_t user_version = 0; // PRAGMA user_version
};

struct SnapshotOptions {
  // Left out of snapshots, with its indexes and triggers (as are sqlite_% tables).
  std::string version_table = "alembic_version";
};

// Remembers TableInfo by source_key across snapshots, so a snapshot reads one
// query of sqlite_master plus PRAGMAs only for tables whose CREATE text (or whose
// indexes) changed since a previous snapshot. Use one cache per connection lineage;
// it is not thread-safe.
class SnapshotCache {
public:
  explicit SnapshotCache(std::size_t max_entries = 8192) : m_max_entries(max_entries) {}

  std::shared_ptr<const TableInfo> find(const std::string& key) const;
  void store(std::shared_ptr<const TableInfo> table);
  void clear() { m_tables.clear(); }
  std::size_t size() const { return m_tables.size(); }

  // Tables read through PRAGMAs (misses) and reused (hits), for tests and benchmarks.
  std::size_t hits = 0;
  std::size_t misses = 0;

private:
  std::size_t m_max_entries;
  std::map<std::string, std::shared_ptr<const TableInfo>> m_tables;
};

Result<SchemaSnapshot> take_snapshot(Connection& db, SnapshotCache* cache = nullptr,
                                     const SnapshotOptions& options = {});

// A readable dump, one object per block, for debugging and test failure output:
//   table users
//     column id INTEGER NOT NULL PRIMARY KEY
//     index ix_users_email UNIQUE (email)
std::string render_snapshot(const SchemaSnapshot& snapshot);

} // namespace miglint::sqlite
