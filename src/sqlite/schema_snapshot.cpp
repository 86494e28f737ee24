#include "sqlite/schema_snapshot.hpp"

#include "sqlite/sql_text.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace miglint::sqlite {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix)
{
  return text.size() >= prefix.size() && util::to_lower(text.substr(0, prefix.size())) == prefix;
}

// One row of sqlite_master.
struct MasterRow {
  std::string type;
  std::string name;
  std::string table;
  std::optional<std::string> sql;
};

// The statements a snapshot runs per table, prepared once per snapshot. Table-valued
// pragma functions take the table name as a bound parameter.
struct PragmaReader {
  Statement columns;
  Statement index_list;
  Statement index_columns;
  Statement foreign_keys;

  static Result<PragmaReader> prepare(Connection& db)
  {
    Result<Statement> columns = db.prepare(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)");
    MIGLINT_TRY(columns);
    Result<Statement> index_list =
        db.prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?)");
    MIGLINT_TRY(index_list);
    Result<Statement> index_columns = db.prepare(
        "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno");
    MIGLINT_TRY(index_columns);
    Result<Statement> foreign_keys =
        db.prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" "
                   "FROM pragma_foreign_key_list(?) ORDER BY id, seq");
    MIGLINT_TRY(foreign_keys);
    return PragmaReader{std::move(*columns), std::move(*index_list), std::move(*index_columns),
                        std::move(*foreign_keys)};
  }
};

Result<void> read_columns(PragmaReader& reader, TableInfo& table)
{
  Statement& stmt = reader.columns;
  stmt.reset();
  MIGLINT_TRY(stmt.bind(1, table.name));
  while (true) {
    Result<bool> row = stmt.step();
    MIGLINT_TRY(row);
    if (!*row) {
      return {};
    }
    ColumnInfo column;
    column.name = stmt.column_text(0);
    column.type = stmt.column_text(1);
    column.not_null = stmt.column_int(2) != 0;
    column.default_value = stmt.column_optional_text(3);
    column.pk = static_cast<int>(stmt.column_int(4));
    column.hidden = static_cast<int>(stmt.column_int(5));
    table.columns.push_back(std::move(column));
  }
}

Result<void> read_indexes(PragmaReader& reader, TableInfo& table,
                          const std::map<std::string, std::string>& index_sql)
{
  struct Listed {
    std::string name;
    bool unique;
    char origin;
  };
  std::vector<Listed> listed;
  {
    Statement& stmt = reader.index_list;
    stmt.reset();
    MIGLINT_TRY(stmt.bind(1, table.name));
    while (true) {
      Result<bool> row = stmt.step();
      MIGLINT_TRY(row);
      if (!*row) {
        break;
      }
      const std::string origin = stmt.column_text(2);
      listed.push_back(
          {stmt.column_text(0), stmt.column_int(1) != 0, origin.empty() ? 'c' : origin.front()});
    }
  }

  for (const Listed& entry : listed) {
    IndexInfo index;
    index.original_name = entry.name;
    index.unique = entry.unique;
    index.origin = entry.origin;
    index.name = index.automatic() ? "sqlite_autoindex" : entry.name;
    std::vector<std::string> terms;
    if (const auto it = index_sql.find(entry.name); it != index_sql.end()) {
      index.where = index_where(it->second);
      terms = index_terms(it->second);
    }

    Statement& stmt = reader.index_columns;
    stmt.reset();
    MIGLINT_TRY(stmt.bind(1, entry.name));
    std::size_t position = 0;
    while (true) {
      Result<bool> row = stmt.step();
      MIGLINT_TRY(row);
      if (!*row) {
        break;
      }
      std::string label;
      if (stmt.column_int(0) == -2) {
        // An expression term: PRAGMA gives no name, the CREATE INDEX text has it.
        label = position < terms.size() ? terms[position] : std::string("<expression>");
      } else {
        label = stmt.column_text(1);
        if (stmt.column_int(2) != 0) {
          label += " DESC";
        }
        const std::string collation = stmt.column_text(3);
        if (!collation.empty() && util::to_lower(collation) != "binary") {
          label += " COLLATE " + util::to_upper(collation); // as written: NOCASE, nocase
        }
      }
      index.columns.push_back(std::move(label));
      ++position;
    }
    table.indexes.push_back(std::move(index));
  }
  std::sort(table.indexes.begin(), table.indexes.end(),
            [](const IndexInfo& a, const IndexInfo& b) { return a.key() < b.key(); });
  return {};
}

Result<void> read_foreign_keys(PragmaReader& reader, TableInfo& table)
{
  Statement& stmt = reader.foreign_keys;
  stmt.reset();
  MIGLINT_TRY(stmt.bind(1, table.name));
  std::int64_t current_id = -1;
  while (true) {
    Result<bool> row = stmt.step();
    MIGLINT_TRY(row);
    if (!*row) {
      break;
    }
    const std::int64_t id = stmt.column_int(0);
    if (id != current_id) {
      current_id = id;
      ForeignKeyInfo fk;
      fk.ref_table = stmt.column_text(1);
      fk.on_update = stmt.column_text(4);
      fk.on_delete = stmt.column_text(5);
      fk.match = stmt.column_text(6);
      table.foreign_keys.push_back(std::move(fk));
    }
    ForeignKeyInfo& fk = table.foreign_keys.back();
    fk.columns.push_back(stmt.column_text(2));
    // `REFERENCES users` without columns means the parent's primary key: NULL here.
    if (!stmt.column_is_null(3)) {
      fk.ref_columns.push_back(stmt.column_text(3));
    }
  }
  std::sort(
      table.foreign_keys.begin(), table.foreign_keys.end(),
      [](const ForeignKeyInfo& a, const ForeignKeyInfo& b) { return a.describe() < b.describe(); });
  return {};
}

// Names in the CREATE text and in PRAGMAs differ in case only when written so.
bool same_columns(const std::vector<std::string>& written, const std::vector<std::string>& listed)
{
  return std::equal(written.begin(), written.end(), listed.begin(), listed.end(),
                    [](const std::string& a, const std::string& b) {
                      // An index column label may carry " DESC" or " COLLATE x".
                      return a == util::to_lower(b.substr(0, b.find(' ')));
                    });
}

// Attaches what only the CREATE text says to the columns, unique constraints and
// foreign keys the PRAGMAs reported.
void apply_clauses(const TableClauses& clauses, TableInfo& table)
{
  for (const ColumnClause& clause : clauses.columns) {
    for (ColumnInfo& column : table.columns) {
      if (util::to_lower(column.name) == clause.name) {
        column.collation = clause.collation;
        column.generated = clause.generated;
        column.not_null_conflict = clause.not_null_conflict;
      }
    }
  }
  std::vector<bool> fk_taken(table.foreign_keys.size(), false);
  for (const KeyClause& key : clauses.keys) {
    if (key.kind == 'p') {
      table.primary_key_conflict = key.on_conflict;
    } else if (key.kind == 'u') {
      for (IndexInfo& index : table.indexes) {
        if (index.origin == 'u' && index.on_conflict.empty() &&
            same_columns(key.columns, index.columns)) {
          index.on_conflict = key.on_conflict;
          break;
        }
      }
    } else {
      for (std::size_t i = 0; i < table.foreign_keys.size(); ++i) {
        if (!fk_taken[i] && same_columns(key.columns, table.foreign_keys[i].columns)) {
          fk_taken[i] = true;
          table.foreign_keys[i].deferrable = key.deferrable;
          break;
        }
      }
    }
  }
}

Result<std::shared_ptr<const TableInfo>>
read_table(PragmaReader& reader, const MasterRow& row, std::string key,
           const std::map<std::string, std::string>& index_sql)
{
  auto table = std::make_shared<TableInfo>();
  table->name = row.name;
  table->sql = row.sql.value_or("");
  table->source_key = std::move(key);
  table->is_virtual = starts_with_ci(table->sql, "create virtual table");

  if (table->is_virtual) {
    // Columns of a virtual table come from its module, which may not be loaded here;
    // the definition text is what identifies it.
    table->virtual_definition = normalize_sql(table->sql);
    if (!read_columns(reader, *table)) {
      table->columns.clear();
    }
    return std::shared_ptr<const TableInfo>(std::move(table));
  }

  MIGLINT_TRY(read_columns(reader, *table));
  MIGLINT_TRY(read_indexes(reader, *table, index_sql));
  MIGLINT_TRY(read_foreign_keys(reader, *table));
  TableClauses clauses = parse_table_clauses(table->sql);
  for (CheckClause& check : clauses.checks) {
    table->checks.push_back({std::move(check.name), std::move(check.expression)});
  }
  std::sort(table->checks.begin(), table->checks.end(),
            [](const CheckInfo& a, const CheckInfo& b) { return a.describe() < b.describe(); });
  apply_clauses(clauses, *table);
  std::sort(
      table->foreign_keys.begin(), table->foreign_keys.end(),
      [](const ForeignKeyInfo& a, const ForeignKeyInfo& b) { return a.describe() < b.describe(); });
  table->without_rowid = clauses.without_rowid;
  table->strict = clauses.strict;
  table->autoincrement = clauses.autoincrement;
  return std::shared_ptr<const TableInfo>(std::move(table));
}

std::string column_list(const std::vector<std::string>& columns)
{
  return util::join(columns, ", ");
}

} // namespace

// ---- descriptions ----------------------------------------------------------------------------

std::string ColumnInfo::describe() const
{
  std::string out = type.empty() ? std::string("(no type)") : type;
  if (not_null) {
    out += " NOT NULL";
  }
  if (default_value) {
    out += " DEFAULT " + *default_value;
  }
  if (pk == 1) {
    out += " PRIMARY KEY";
  } else if (pk > 1) {
    out += fmt::format(" PRIMARY KEY (position {})", pk);
  }
  if (!not_null_conflict.empty()) {
    out += " (NOT NULL ON CONFLICT " + util::to_upper(not_null_conflict) + ")";
  }
  if (!collation.empty()) {
    out += " COLLATE " + collation;
  }
  const std::string expression = generated.empty() ? std::string() : " AS (" + generated + ")";
  if (hidden == 2) {
    out += " GENERATED" + expression + " VIRTUAL";
  } else if (hidden == 3) {
    out += " GENERATED" + expression + " STORED";
  } else if (hidden == 1) {
    out += " HIDDEN";
  }
  return out;
}

std::string IndexInfo::key() const
{
  if (!automatic()) {
    return name;
  }
  return fmt::format("sqlite_autoindex {} ({})", origin, column_list(columns));
}

std::string IndexInfo::describe() const
{
  if (origin == 'u') {
    std::string out = fmt::format("unique constraint ({})", column_list(columns));
    if (!on_conflict.empty()) {
      out += " ON CONFLICT " + util::to_upper(on_conflict);
    }
    return out;
  }
  if (origin == 'p') {
    return fmt::format("primary key ({})", column_list(columns));
  }
  std::string out = fmt::format("{}{} ({})", name, unique ? " UNIQUE" : "", column_list(columns));
  if (!where.empty()) {
    out += " WHERE " + where;
  }
  return out;
}

std::string ForeignKeyInfo::describe() const
{
  std::string out = fmt::format("({}) -> {}", column_list(columns), ref_table);
  if (!ref_columns.empty()) {
    out += fmt::format("({})", column_list(ref_columns));
  }
  if (!on_update.empty() && on_update != "NO ACTION") {
    out += " ON UPDATE " + on_update;
  }
  if (!on_delete.empty() && on_delete != "NO ACTION") {
    out += " ON DELETE " + on_delete;
  }
  if (!match.empty() && match != "NONE") {
    out += " MATCH " + match;
  }
  if (!deferrable.empty()) {
    out += " " + util::to_upper(deferrable);
  }
  return out;
}

std::string CheckInfo::describe() const
{
  return name.empty() ? fmt::format("check ({})", expression)
                      : fmt::format("check {} ({})", name, expression);
}

std::string TableInfo::options() const
{
  std::vector<std::string> parts;
  if (without_rowid) {
    parts.emplace_back("WITHOUT ROWID");
  }
  if (strict) {
    parts.emplace_back("STRICT");
  }
  if (autoincrement) {
    parts.emplace_back("AUTOINCREMENT");
  }
  if (!primary_key_conflict.empty()) {
    parts.push_back("PRIMARY KEY ON CONFLICT " + util::to_upper(primary_key_conflict));
  }
  return util::join(parts, ", ");
}

const ColumnInfo* TableInfo::find_column(const std::string& column) const
{
  for (const ColumnInfo& c : columns) {
    if (c.name == column) {
      return &c;
    }
  }
  return nullptr;
}

// ---- cache -----------------------------------------------------------------------------------

std::shared_ptr<const TableInfo> SnapshotCache::find(const std::string& key) const
{
  const auto it = m_tables.find(key);
  return it == m_tables.end() ? nullptr : it->second;
}

void SnapshotCache::store(std::shared_ptr<const TableInfo> table)
{
  // Crude bound: long runs create many table versions; dropping them all only costs
  // re-reading PRAGMAs once.
  if (m_tables.size() >= m_max_entries) {
    m_tables.clear();
  }
  const std::string key = table->source_key;
  m_tables.emplace(key, std::move(table));
}

// ---- snapshot --------------------------------------------------------------------------------

Result<SchemaSnapshot> take_snapshot(Connection& db, SnapshotCache* cache,
                                     const SnapshotOptions& options)
{
  // One query gives every object's CREATE text; PRAGMAs are read only for tables whose
  // text (or whose indexes' text) is not already in the cache.
  std::vector<MasterRow> rows;
  {
    Result<Statement> stmt = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master");
    MIGLINT_TRY(stmt);
    while (true) {
      Result<bool> row = stmt->step();
      MIGLINT_TRY(row);
      if (!*row) {
        break;
      }
      rows.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_text(2),
                      stmt->column_optional_text(3)});
    }
  }
  auto ignored = [&](const std::string& table) {
    return starts_with_ci(table, "sqlite_") || table == options.version_table;
  };

  SchemaSnapshot snapshot;
  {
    Result<Statement> stmt = db.prepare("PRAGMA user_version");
    MIGLINT_TRY(stmt);
    Result<bool> row = stmt->step();
    MIGLINT_TRY(row);
    snapshot.user_version = *row ? stmt->column_int(0) : 0;
  }
  std::map<std::string, std::vector<const MasterRow*>> indexes_by_table;
  std::vector<const MasterRow*> tables;
  for (const MasterRow& row : rows) {
    if (ignored(row.table)) {
      continue;
    }
    if (row.type == "table") {
      tables.push_back(&row);
    } else if (row.type == "index") {
      indexes_by_table[row.table].push_back(&row);
    } else if (row.type == "view") {
      snapshot.views[row.name] = ViewInfo{row.name, normalize_sql(row.sql.value_or(""))};
    } else if (row.type == "trigger") {
      snapshot.triggers[row.name] =
          TriggerInfo{row.name, row.table, normalize_sql(row.sql.value_or(""))};
    }
  }

  std::optional<PragmaReader> reader;
  for (const MasterRow* row : tables) {
    std::vector<const MasterRow*>& indexes = indexes_by_table[row->name];
    std::sort(indexes.begin(), indexes.end(),
              [](const MasterRow* a, const MasterRow* b) { return a->name < b->name; });
    std::string key = row->name + '\x1f' + row->sql.value_or("");
    std::map<std::string, std::string> index_sql;
    for (const MasterRow* index : indexes) {
      key += '\x1e' + index->name + '\x1f' + index->sql.value_or("");
      if (index->sql) {
        index_sql[index->name] = *index->sql;
      }
    }

    std::shared_ptr<const TableInfo> table = cache ? cache->find(key) : nullptr;
    if (table) {
      ++cache->hits;
    } else {
      if (!reader) {
        Result<PragmaReader> prepared = PragmaReader::prepare(db);
        MIGLINT_TRY(prepared);
        reader.emplace(std::move(*prepared));
      }
      Result<std::shared_ptr<const TableInfo>> read = read_table(*reader, *row, key, index_sql);
      MIGLINT_TRY(read);
      table = *read;
      if (cache) {
        ++cache->misses;
        cache->store(table);
      }
    }
    snapshot.tables[row->name] = std::move(table);
  }
  return snapshot;
}

std::string render_snapshot(const SchemaSnapshot& snapshot)
{
  std::string out;
  for (const auto& [name, table] : snapshot.tables) {
    out += fmt::format("table {}\n", name);
    if (table->is_virtual) {
      out += fmt::format("  virtual {}\n", table->virtual_definition);
    }
    for (const ColumnInfo& column : table->columns) {
      out += fmt::format("  column {} {}\n", column.name, column.describe());
    }
    for (const IndexInfo& index : table->indexes) {
      out += fmt::format("  {}{}\n", index.automatic() ? "" : "index ", index.describe());
    }
    for (const ForeignKeyInfo& fk : table->foreign_keys) {
      out += fmt::format("  foreign key {}\n", fk.describe());
    }
    for (const CheckInfo& check : table->checks) {
      out += fmt::format("  {}\n", check.describe());
    }
    if (const std::string options = table->options(); !options.empty()) {
      out += fmt::format("  options {}\n", options);
    }
  }
  for (const auto& [name, view] : snapshot.views) {
    out += fmt::format("view {}\n  {}\n", name, view.sql);
  }
  for (const auto& [name, trigger] : snapshot.triggers) {
    out += fmt::format("trigger {} on {}\n  {}\n", name, trigger.table, trigger.sql);
  }
  return out;
}

} // namespace miglint::sqlite
