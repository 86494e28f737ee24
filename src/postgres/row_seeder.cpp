#include "postgres/row_seeder.hpp"

#include "postgres/deferred_checks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace miglint::postgres {

namespace {

using nlohmann::json;

// Parent rows looked at per foreign key; children cycle through them.
constexpr int k_parent_rows = 16;
// Tries per row when a value collides with a unique one already there.
constexpr std::size_t k_attempts = 4;

struct SeedColumn {
  std::string name;
  std::string type; // format_type(), for notes
  std::string base; // the base type's name (a domain's underlying type)
  char category = 'X';
  bool not_null = false;
  bool server_fills = false;       // a default, an identity or a generated column
  int length = 0;                  // varchar(n) / char(n)
  int integer_digits = -1;         // numeric(p, s): p - s
  std::vector<std::string> labels; // an enum's
};

struct ForeignKey {
  std::vector<std::string> columns;
  std::string parent; // qualified
  std::vector<std::string> parent_columns;
};

struct SeedTable {
  std::string name;   // qualified
  std::string quoted; // for SQL
  std::vector<SeedColumn> columns;
  std::vector<ForeignKey> foreign_keys;
};

std::vector<std::string> strings_of(const json& j)
{
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      out.push_back(v.is_string() ? v.get<std::string>() : std::string());
    }
  }
  return out;
}

model::Result<std::vector<SeedTable>> read_tables(Connection& db, const CatalogSnapshot& schema)
{
  json names = json::array();
  for (const auto& [name, quoted] : schema.tables) {
    names.push_back(name);
  }
  const std::string sql =
      "SELECT json_build_object('name', n.nspname || '.' || c.relname, 'columns', "
      "(SELECT json_agg(json_build_object('name', a.attname, 'type', "
      "pg_catalog.format_type(a.atttypid, a.atttypmod), 'base', bt.typname, 'category', "
      "bt.typcategory, 'notnull', a.attnotnull, 'fills', a.atthasdef OR a.attidentity <> '' OR "
      "a.attgenerated <> '', 'typmod', CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod "
      "END, "
      "'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e "
      "WHERE e.enumtypid = bt.oid)) ORDER BY a.attnum) FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid JOIN pg_catalog.pg_type bt ON bt.oid = "
      "CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
      "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), 'fks', "
      "(SELECT json_agg(json_build_object('columns', " +
      key_column_names_sql("con.conkey", "con.conrelid") +
      ", 'parent', rn.nspname || '.' || rc.relname, "
      "'parent_columns', " +
      key_column_names_sql("con.confkey", "con.confrelid") +
      ")) "
      "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
      "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
      "WHERE con.conrelid = c.oid AND con.contype = 'f')) "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname || '.' || c.relname IN (SELECT json_array_elements_text($1::json)) "
      "ORDER BY n.nspname, c.relname";
  auto rows = db.query(sql, {names.dump()});
  MIGLINT_TRY(rows);
  std::vector<SeedTable> out;
  for (const auto& row : rows->values) {
    const json t = json::parse(row[0].value_or("null"), nullptr, false);
    if (!t.is_object()) {
      return model::make_error("cannot read the catalog's answer");
    }
    SeedTable table;
    table.name = t["name"].get<std::string>();
    table.quoted = schema.tables.at(table.name);
    for (const auto& c : t["columns"]) {
      SeedColumn col;
      col.name = c["name"].get<std::string>();
      col.type = c["type"].get<std::string>();
      col.base = c["base"].get<std::string>();
      col.category = c["category"].get<std::string>().front();
      col.not_null = c["notnull"].get<bool>();
      col.server_fills = c["fills"].get<bool>();
      const int typmod = c["typmod"].get<int>();
      if ((col.base == "varchar" || col.base == "bpchar") && typmod > 4) {
        col.length = typmod - 4;
      }
      if (col.base == "numeric" && typmod > 4) {
        const int precision = ((typmod - 4) >> 16) & 0xffff;
        const int scale = (typmod - 4) & 0xffff;
        col.integer_digits = std::max(0, precision - scale);
      }
      col.labels = strings_of(c["labels"]);
      table.columns.push_back(std::move(col));
    }
    if (t["fks"].is_array()) {
      for (const auto& f : t["fks"]) {
        table.foreign_keys.push_back({strings_of(f["columns"]), f["parent"].get<std::string>(),
                                      strings_of(f["parent_columns"])});
      }
    }
    out.push_back(std::move(table));
  }
  return out;
}

// Base 36 digits of n, at most `width` of them (the last ones).
std::string base36(std::size_t n, std::size_t width)
{
  std::string out;
  do {
    out.insert(out.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
    n /= 36;
  } while (n > 0);
  return out.size() > width ? out.substr(out.size() - width) : out;
}

// A SQL expression of the column's type for the `seq`th row (1-based), distinct per seq;
// nullopt when miglint has no sample value for the type.
std::optional<std::string> value_for(const SeedColumn& c, std::size_t seq)
{
  const std::string& b = c.base;
  if (!c.labels.empty()) {
    return quote_literal(c.labels[(seq - 1) % c.labels.size()]);
  }
  if (c.category == 'A') {
    return std::string("'{}'");
  }
  if (b == "int2" || b == "int4" || b == "int8" || b == "oid") {
    return std::to_string(b == "int2" ? seq % 32767 : seq);
  }
  if (b == "numeric") {
    if (c.integer_digits == 0) {
      return std::string("0");
    }
    std::size_t limit = 1;
    for (int i = 0; i < c.integer_digits && limit < 1000000000; ++i) {
      limit *= 10;
    }
    return std::to_string(c.integer_digits < 0 ? seq : seq % limit);
  }
  if (b == "float4" || b == "float8") {
    return fmt::format("{}.5", seq);
  }
  if (b == "bool") {
    return std::string(seq % 2 == 1 ? "true" : "false");
  }
  if (b == "text" || b == "varchar" || b == "bpchar" || b == "name" || b == "citext") {
    const std::size_t width = c.length > 0 ? static_cast<std::size_t>(c.length) : 12;
    const std::string digits = base36(seq, width);
    const std::string text = digits.size() + 1 <= width ? "s" + digits : digits;
    return quote_literal(text);
  }
  if (b == "uuid") {
    return quote_literal(fmt::format("00000000-0000-4000-8000-{:012x}", seq));
  }
  if (b == "date") {
    return fmt::format("DATE '2024-01-01' + {}", seq);
  }
  if (b == "timestamp" || b == "timestamptz") {
    return fmt::format("TIMESTAMP '2024-01-01 00:00:00' + {} * INTERVAL '1 minute'", seq);
  }
  if (b == "time" || b == "timetz") {
    return fmt::format("TIME '00:00:00' + {} * INTERVAL '1 second'", seq % 86400);
  }
  if (b == "interval") {
    return fmt::format("{} * INTERVAL '1 second'", seq);
  }
  if (b == "json" || b == "jsonb") {
    return quote_literal(fmt::format("{{\"seed\": {}}}", seq));
  }
  if (b == "bytea") {
    return fmt::format("'\\x{:04x}'", seq % 0x10000);
  }
  if (b == "inet" || b == "cidr") {
    return quote_literal(
        fmt::format("10.{}.{}.{}/32", seq / 65536 % 256, seq / 256 % 256, seq % 256));
  }
  if (b == "macaddr") {
    return quote_literal(fmt::format("08:00:2b:{:02x}:{:02x}:{:02x}", seq / 65536 % 256,
                                     seq / 256 % 256, seq % 256));
  }
  if (b == "tsvector") {
    return quote_literal(fmt::format("seed{}", seq));
  }
  return std::nullopt;
}

// Parents before the tables whose foreign keys refer to them; a cycle's tables last.
std::vector<const SeedTable*> parents_first(const std::vector<SeedTable>& tables)
{
  std::vector<const SeedTable*> out;
  std::set<std::string> done;
  std::set<std::string> present;
  for (const auto& t : tables) {
    present.insert(t.name);
  }
  while (out.size() < tables.size()) {
    bool progressed = false;
    for (const auto& t : tables) {
      if (done.count(t.name) != 0) {
        continue;
      }
      const bool ready =
          std::all_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const ForeignKey& f) {
            return f.parent == t.name || present.count(f.parent) == 0 || done.count(f.parent) != 0;
          });
      if (ready) {
        out.push_back(&t);
        done.insert(t.name);
        progressed = true;
      }
    }
    if (!progressed) {
      for (const auto& t : tables) {
        if (done.insert(t.name).second) {
          out.push_back(&t);
        }
      }
    }
  }
  return out;
}

class Seeder {
public:
  Seeder(Connection& db, const CatalogSnapshot& schema, std::size_t target)
      : m_db(db), m_schema(schema), m_target(target)
  {
  }

  model::Result<std::vector<std::string>> run()
  {
    auto tables = read_tables(m_db, m_schema);
    MIGLINT_TRY(tables);
    for (const SeedTable* table : parents_first(*tables)) {
      MIGLINT_TRY(seed_table(*table));
    }
    if (m_inserted) {
      // The sample rows stand for rows committed before the migration.
      MIGLINT_TRY(run_deferred_checks(m_db));
    }
    return std::move(m_notes);
  }

private:
  void note(const SeedTable& table, const std::string& why)
  {
    m_notes.push_back(fmt::format("table \"{}\" not seeded: {}", table.name, why));
  }

  // The parent rows a foreign key can refer to, as SQL literals per column.
  model::Result<std::vector<std::vector<std::string>>> parent_rows(const ForeignKey& f)
  {
    const auto quoted = m_schema.tables.find(f.parent);
    if (quoted == m_schema.tables.end()) {
      return std::vector<std::vector<std::string>>{};
    }
    std::vector<std::string> columns;
    for (const auto& c : f.parent_columns) {
      columns.push_back(quote_identifier(c));
    }
    const std::string list = fmt::format("{}", fmt::join(columns, ", "));
    auto rows =
        m_db.query(fmt::format("SELECT {} FROM {} WHERE ({}) IS NOT NULL ORDER BY {} LIMIT {}",
                               list, quoted->second, list, list, k_parent_rows));
    MIGLINT_TRY(rows);
    std::vector<std::vector<std::string>> out;
    for (const auto& row : rows->values) {
      std::vector<std::string> literals;
      for (const auto& v : row) {
        literals.push_back(v ? quote_literal(*v) : "NULL");
      }
      out.push_back(std::move(literals));
    }
    return out;
  }

  model::Result<void> seed_table(const SeedTable& table)
  {
    auto count = m_db.query("SELECT count(*) FROM " + table.quoted);
    MIGLINT_TRY(count);
    const std::size_t present = std::stoul(count->values.at(0).at(0).value_or("0"));
    if (present >= m_target) {
      return {};
    }
    // Foreign key columns take their parent's values; a self reference stays NULL.
    std::map<std::string, std::pair<std::size_t, std::size_t>> from_parent; // column -> (fk, index)
    std::vector<std::vector<std::vector<std::string>>> parents;
    for (std::size_t k = 0; k < table.foreign_keys.size(); ++k) {
      const ForeignKey& f = table.foreign_keys[k];
      std::vector<std::vector<std::string>> rows;
      if (f.parent != table.name) {
        auto read = parent_rows(f);
        MIGLINT_TRY(read);
        rows = std::move(*read);
      }
      parents.push_back(std::move(rows));
      for (std::size_t i = 0; i < f.columns.size(); ++i) {
        from_parent.emplace(f.columns[i], std::make_pair(k, i));
      }
    }
    std::vector<std::string> names;
    std::vector<const SeedColumn*> filled;
    for (const SeedColumn& c : table.columns) {
      const bool foreign = from_parent.count(c.name) != 0;
      if (c.server_fills && !foreign) {
        continue;
      }
      if (foreign) {
        const auto [k, i] = from_parent.at(c.name);
        if (parents[k].empty() && c.not_null) {
          note(table,
               table.foreign_keys[k].parent == table.name
                   ? fmt::format("column \"{}\" refers to its own table and is NOT NULL", c.name)
                   : fmt::format("its parent \"{}\" has no rows", table.foreign_keys[k].parent));
          return {};
        }
      } else if (!value_for(c, 1) && c.not_null) {
        note(table, fmt::format("no sample value for column \"{}\" of type {}", c.name, c.type));
        return {};
      }
      names.push_back(quote_identifier(c.name));
      filled.push_back(&c);
    }
    std::size_t seq = present;
    for (std::size_t row = present; row < m_target; ++row) {
      bool inserted = false;
      std::string refused;
      for (std::size_t attempt = 0; attempt < k_attempts && !inserted; ++attempt) {
        ++seq;
        std::vector<std::string> values;
        for (const SeedColumn* c : filled) {
          if (auto f = from_parent.find(c->name); f != from_parent.end()) {
            const auto& rows = parents[f->second.first];
            values.push_back(rows.empty() ? "NULL"
                                          : rows[(seq - 1) % rows.size()][f->second.second]);
          } else {
            values.push_back(value_for(*c, seq).value_or("NULL"));
          }
        }
        const std::string insert =
            names.empty() ? fmt::format("INSERT INTO {} DEFAULT VALUES", table.quoted)
                          : fmt::format("INSERT INTO {} ({}) VALUES ({})", table.quoted,
                                        fmt::join(names, ", "), fmt::join(values, ", "));
        MIGLINT_TRY(m_db.exec("SAVEPOINT miglint_seed"));
        if (auto done = m_db.exec(insert); done) {
          MIGLINT_TRY(m_db.exec("RELEASE miglint_seed"));
          inserted = true;
          m_inserted = true;
        } else {
          MIGLINT_TRY(m_db.exec("ROLLBACK TO miglint_seed; RELEASE miglint_seed"));
          refused = done.error().message;
          // Only a clash with a unique value already there is worth another value.
          if (refused.find("duplicate key") == std::string::npos) {
            break;
          }
        }
      }
      if (!inserted) {
        note(table, refused.substr(0, refused.find('\n')));
        return {};
      }
    }
    return {};
  }

  Connection& m_db;
  const CatalogSnapshot& m_schema;
  std::size_t m_target;
  std::vector<std::string> m_notes;
  bool m_inserted = false;
};

} // namespace

model::Result<std::vector<std::string>> seed_rows(Connection& db, const CatalogSnapshot& schema,
                                    std::size_t target_rows)
{
  if (target_rows == 0 || schema.tables.empty()) {
    return std::vector<std::string>{};
  }
  return Seeder(db, schema, target_rows).run();
}

} // namespace miglint::postgres
