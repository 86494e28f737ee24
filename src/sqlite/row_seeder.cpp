#include "sqlite/row_seeder.hpp"

#include "sqlite/row_digest.hpp"
#include "sqlite/sql_text.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace miglint::sqlite {

namespace {

// Parent rows looked at per foreign key; children cycle through them.
constexpr int k_parent_rows = 16;
// Tries per row when a value collides with a unique one already there.
constexpr std::size_t k_attempts = 4;

bool has(const std::string& text, std::string_view part)
{
  return text.find(part) != std::string::npos;
}

// The `n` of `VARCHAR(n)`, or 0.
std::size_t declared_length(const std::string& type)
{
  const std::size_t open = type.find('(');
  if (open == std::string::npos) {
    return 0;
  }
  std::size_t n = 0;
  for (std::size_t k = open + 1; k < type.size() && type[k] >= '0' && type[k] <= '9'; ++k) {
    n = n * 10 + static_cast<std::size_t>(type[k] - '0');
  }
  return n;
}

// A literal of the column's declared type for the `seq`th row (1-based), distinct per seq.
std::string value_for(const ColumnInfo& column, std::size_t seq)
{
  const std::string type = normalize_type(column.type);
  if (type.empty() || has(type, "INT") || has(type, "NUMERIC") || has(type, "DECIMAL")) {
    return std::to_string(seq);
  }
  if (has(type, "BOOL")) {
    return std::to_string(seq % 2);
  }
  if (has(type, "REAL") || has(type, "FLOA") || has(type, "DOUB")) {
    return fmt::format("{}.5", seq);
  }
  if (has(type, "BLOB")) {
    return fmt::format("X'{:04x}'", seq);
  }
  if (has(type, "JSON")) {
    return single_quoted(fmt::format("{{\"seed\": {}}}", seq));
  }
  if (has(type, "DATE") || has(type, "TIME")) {
    const std::size_t day = (seq - 1) % 28 + 1;
    const std::size_t month = (seq - 1) / 28 % 12 + 1;
    const std::size_t year = 2000 + (seq - 1) / 336;
    if (has(type, "DATETIME") || has(type, "TIMESTAMP")) {
      return single_quoted(fmt::format("{}-{:02}-{:02} 12:00:00", year, month, day));
    }
    if (has(type, "DATE")) {
      return single_quoted(fmt::format("{}-{:02}-{:02}", year, month, day));
    }
    return single_quoted(fmt::format("12:{:02}:{:02}", (seq - 1) / 60 % 60, (seq - 1) % 60));
  }
  std::string text = fmt::format("{} {}", column.name, seq);
  if (const std::size_t n = declared_length(type); n > 0 && text.size() > n) {
    text = std::to_string(seq).substr(0, n);
  }
  return single_quoted(text);
}

// The choices of CHECK constraints written `col IN ('a', 'b')` (SQLAlchemy's Enum and
// Boolean), by lower-cased column name.
std::map<std::string, std::vector<std::string>> listed_choices(const TableInfo& table)
{
  std::map<std::string, std::vector<std::string>> out;
  for (const CheckInfo& check : table.checks) {
    const std::string& e = check.expression;
    // Normalized text glues `in(`.
    const std::size_t in = e.find(" in(");
    if (in == std::string::npos || e.back() != ')' || has(e.substr(0, in), " ")) {
      continue;
    }
    std::vector<std::string> choices;
    std::string current;
    bool quoted = false;
    for (std::size_t k = in + 4; k + 1 < e.size(); ++k) {
      const char c = e[k];
      if (c == '\'') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        choices.emplace_back(util::strip(current));
        current.clear();
      } else {
        current += c;
      }
    }
    choices.emplace_back(util::strip(current));
    std::string column = e.substr(0, in);
    if (column.size() >= 2 && column.front() == '"') {
      column = column.substr(1, column.size() - 2);
    }
    out[util::to_lower(column)] = std::move(choices);
  }
  return out;
}

// An INTEGER PRIMARY KEY: SQLite numbers it itself.
bool is_rowid_alias(const TableInfo& table, const ColumnInfo& column)
{
  if (column.pk != 1 || table.without_rowid || normalize_type(column.type) != "INTEGER") {
    return false;
  }
  return std::none_of(table.columns.begin(), table.columns.end(),
                      [](const ColumnInfo& c) { return c.pk > 1; });
}

// Parents before children (foreign keys), each table once; cycles in any order.
std::vector<const TableInfo*> parents_first(const SchemaSnapshot& schema)
{
  std::vector<const TableInfo*> out;
  std::set<std::string> visited;
  std::function<void(const TableInfo&)> visit = [&](const TableInfo& table) {
    if (!visited.insert(table.name).second) {
      return;
    }
    for (const ForeignKeyInfo& fk : table.foreign_keys) {
      if (const auto it = schema.tables.find(fk.ref_table); it != schema.tables.end()) {
        visit(*it->second);
      }
    }
    out.push_back(&table);
  };
  for (const auto& [name, table] : schema.tables) {
    visit(*table);
  }
  return out;
}

Result<std::int64_t> count_rows(Connection& db, const std::string& table)
{
  auto stmt = db.prepare(fmt::format("SELECT count(*) FROM {}", double_quoted(table)));
  MIGLINT_TRY(stmt);
  Result<bool> row = stmt->step();
  MIGLINT_TRY(row);
  return stmt->column_int(0);
}

// Up to k_parent_rows rows of the referenced columns, as SQL literals.
Result<std::vector<std::vector<std::string>>> parent_rows(Connection& db,
                                                          const SchemaSnapshot& schema,
                                                          const ForeignKeyInfo& fk)
{
  std::vector<std::vector<std::string>> rows;
  const auto parent = schema.tables.find(fk.ref_table);
  if (parent == schema.tables.end()) {
    return rows;
  }
  std::vector<std::string> columns = fk.ref_columns;
  if (columns.empty()) {
    std::vector<std::pair<int, std::string>> pk;
    for (const ColumnInfo& c : parent->second->columns) {
      if (c.pk > 0) {
        pk.emplace_back(c.pk, c.name);
      }
    }
    std::sort(pk.begin(), pk.end());
    for (auto& [position, name] : pk) {
      columns.push_back(name);
    }
  }
  if (columns.size() != fk.columns.size()) {
    return rows;
  }
  std::vector<std::string> selected;
  for (const std::string& c : columns) {
    selected.push_back(fmt::format("quote({})", double_quoted(c)));
  }
  auto stmt = db.prepare(fmt::format("SELECT {} FROM {} LIMIT {}", util::join(selected, ", "),
                                     double_quoted(fk.ref_table), k_parent_rows));
  MIGLINT_TRY(stmt);
  while (true) {
    Result<bool> row = stmt->step();
    MIGLINT_TRY(row);
    if (!*row) {
      return rows;
    }
    std::vector<std::string> values;
    for (int c = 0; c < static_cast<int>(columns.size()); ++c) {
      values.push_back(stmt->column_text(c));
    }
    rows.push_back(std::move(values));
  }
}

class TableSeeder {
public:
  TableSeeder(Connection& db, const SchemaSnapshot& schema, const TableInfo& table)
      : m_db(db), m_schema(schema), m_table(table)
  {
  }

  // Inserts `count` rows numbered from `first_seq`; a reason when the table refuses them.
  Result<std::string> seed(std::size_t first_seq, std::size_t count, std::size_t& inserted)
  {
    std::map<std::string, std::vector<std::vector<std::string>>> parents; // by fk index
    std::vector<const ForeignKeyInfo*> fks;
    for (const ForeignKeyInfo& fk : m_table.foreign_keys) {
      auto rows = parent_rows(m_db, m_schema, fk);
      MIGLINT_TRY(rows);
      if (rows->empty() && !all_nullable(fk.columns)) {
        return fmt::format("its foreign key {} needs rows in \"{}\", which has none",
                           fk.describe(), fk.ref_table);
      }
      parents[fk.describe()] = std::move(*rows);
      fks.push_back(&fk);
    }
    const auto choices = listed_choices(m_table);
    std::vector<const ColumnInfo*> columns;
    std::vector<std::string> names;
    for (const ColumnInfo& c : m_table.columns) {
      if (c.hidden == 0 && !is_rowid_alias(m_table, c)) {
        columns.push_back(&c);
        names.push_back(double_quoted(c.name));
      }
    }
    if (columns.empty()) {
      // Only an INTEGER PRIMARY KEY: SQLite numbers the rows. Such a table with rows is
      // what a later NOT NULL column without a default fails on.
      const bool has_rowid_alias = std::any_of(m_table.columns.begin(), m_table.columns.end(),
                                               [&](const ColumnInfo& c) {
                                                 return is_rowid_alias(m_table, c);
                                               });
      if (!has_rowid_alias) {
        return std::string("it has no column to fill");
      }
      for (std::size_t i = 0; i < count; ++i) {
        auto done =
            m_db.exec(fmt::format("INSERT INTO {} DEFAULT VALUES", double_quoted(m_table.name)));
        if (!done) {
          return done.error().message;
        }
        ++inserted;
      }
      return std::string();
    }
    for (std::size_t i = 0; i < count; ++i) {
      std::string refused;
      for (std::size_t attempt = 0; attempt < k_attempts; ++attempt) {
        const std::size_t seq = first_seq + i + attempt * 1000;
        std::map<std::string, std::string> values;
        for (const ColumnInfo* c : columns) {
          const auto choice = choices.find(util::to_lower(c->name));
          values[c->name] = choice != choices.end()
                                ? choice->second[(seq - 1) % choice->second.size()]
                                : value_for(*c, seq);
        }
        for (const ForeignKeyInfo* fk : fks) {
          const auto& rows = parents[fk->describe()];
          for (std::size_t k = 0; k < fk->columns.size(); ++k) {
            values[fk->columns[k]] = rows.empty() ? "NULL" : rows[(seq - 1) % rows.size()][k];
          }
        }
        std::vector<std::string> literals;
        for (const ColumnInfo* c : columns) {
          literals.push_back(values[c->name]);
        }
        auto done = m_db.exec(fmt::format("INSERT INTO {} ({}) VALUES ({})",
                                          double_quoted(m_table.name), util::join(names, ", "),
                                          util::join(literals, ", ")));
        if (done) {
          refused.clear();
          ++inserted;
          break;
        }
        refused = done.error().message;
        if (!has(refused, "UNIQUE constraint failed")) {
          break; // another value will not help
        }
      }
      if (!refused.empty()) {
        const std::size_t colon = refused.rfind("`: ");
        return colon == std::string::npos ? refused : refused.substr(colon + 3);
      }
    }
    return std::string();
  }

private:
  bool all_nullable(const std::vector<std::string>& names) const
  {
    return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
      const ColumnInfo* c = m_table.find_column(name);
      return c == nullptr || !c->not_null;
    });
  }

  Connection& m_db;
  const SchemaSnapshot& m_schema;
  const TableInfo& m_table;
};

} // namespace

Result<SeedReport> seed_rows(Connection& db, const SchemaSnapshot& schema, std::size_t target_rows,
                             const std::function<bool(const TableInfo&)>& known_full)
{
  SeedReport report;
  if (target_rows == 0) {
    return report;
  }
  auto shadows = shadow_tables(db, schema);
  MIGLINT_TRY(shadows);
  const std::set<std::string> skipped(shadows->begin(), shadows->end());
  for (const TableInfo* table : parents_first(schema)) {
    if (table->is_virtual || skipped.contains(table->name) || (known_full && known_full(*table))) {
      continue;
    }
    auto present = count_rows(db, table->name);
    MIGLINT_TRY(present);
    const auto have = static_cast<std::size_t>(*present);
    if (have >= target_rows) {
      report.full.push_back(table->name);
      continue;
    }
    // One table's rows all or none: a table that refuses one row keeps none.
    MIGLINT_TRY(db.exec("SAVEPOINT miglint_seed_table"));
    std::size_t inserted = 0;
    auto refused = TableSeeder(db, schema, *table).seed(have + 1, target_rows - have, inserted);
    if (!refused || !refused->empty()) {
      MIGLINT_TRY(db.exec("ROLLBACK TO miglint_seed_table"));
      report.notes.push_back(fmt::format("table \"{}\" not seeded: {}", table->name,
                                         refused ? *refused : refused.error().message));
      inserted = 0;
    } else {
      report.full.push_back(table->name);
    }
    MIGLINT_TRY(db.exec("RELEASE miglint_seed_table"));
    report.rows += inserted;
  }
  return report;
}

} // namespace miglint::sqlite
