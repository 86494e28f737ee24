#include "ops/postgresql_reflection.hpp"

#include "postgres/catalog_snapshot.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <regex>

namespace miglint::ops {

namespace {

using nlohmann::json;

// The rows of a catalog query whose single column is a JSON document.
model::Result<std::vector<json>> json_rows(postgres::Connection& db, const char* sql,
                                           const std::vector<std::optional<std::string>>& params)
{
  auto rows = db.query(sql, params);
  MIGLINT_TRY(rows);
  std::vector<json> out;
  for (const auto& row : rows->values) {
    if (row.empty() || !row[0])
      continue;
    out.push_back(json::parse(*row[0], nullptr, false));
    if (out.back().is_discarded())
      return model::make_error("cannot read the catalog's answer");
  }
  return out;
}

std::vector<std::string> string_list(const json& j)
{
  std::vector<std::string> out;
  if (!j.is_array())
    return out;
  for (const auto& v : j)
    out.push_back(v.is_string() ? v.get<std::string>() : std::string());
  return out;
}

std::optional<std::string> optional_string(const json& j)
{
  if (!j.is_string())
    return std::nullopt;
  return j.get<std::string>();
}

std::shared_ptr<SqlType> pg_reflected_type(std::string name, std::vector<Value> args = {},
                                           std::vector<std::pair<std::string, Value>> kwargs = {})
{
  auto t = std::make_shared<SqlType>();
  t->name = std::move(name);
  t->module = t->name == "NullType" ? "sqlalchemy" : "sqlalchemy.dialects.postgresql";
  t->args = std::move(args);
  t->kwargs = std::move(kwargs);
  return t;
}

// SQLAlchemy 1.4's PostgreSQL reflection of format_type()'s text: its ischema_names, with
// length, precision and time zone read from the modifiers; an enum by its labels; a type
// it does not know as NullType (SQLAlchemy warns and uses NullType too).
std::shared_ptr<SqlType> postgresql_column_type(std::string text, const json& enum_labels,
                                                const std::string& enum_name)
{
  if (enum_labels.is_array()) {
    std::vector<Value> labels;
    for (const auto& l : string_list(enum_labels))
      labels.emplace_back(l);
    return pg_reflected_type("ENUM", std::move(labels), {{"name", Value(enum_name)}});
  }
  if (text.ends_with("[]")) {
    text.resize(text.size() - 2);
    while (text.ends_with("[]"))
      text.resize(text.size() - 2);
    return pg_reflected_type("ARRAY", {Value(ObjectPtr(postgresql_column_type(text, json(), "")))});
  }
  static const std::regex k_shape(
      R"(^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, k_shape))
    return pg_reflected_type("NullType");
  const std::string base = m[1];
  std::vector<Value> args;
  if (m[2].matched)
    args.emplace_back(static_cast<std::int64_t>(std::stoll(m[2])));
  if (m[3].matched)
    args.emplace_back(static_cast<std::int64_t>(std::stoll(m[3])));
  const bool tz = m[4].matched && m[4].str() == " with time zone";
  struct Name {
    const char* pg;
    const char* sa;
  };
  static const Name k_names[] = {{"integer", "INTEGER"},
                                 {"bigint", "BIGINT"},
                                 {"smallint", "SMALLINT"},
                                 {"character varying", "VARCHAR"},
                                 {"character", "CHAR"},
                                 {"text", "TEXT"},
                                 {"boolean", "BOOLEAN"},
                                 {"date", "DATE"},
                                 {"numeric", "NUMERIC"},
                                 {"real", "REAL"},
                                 {"double precision", "DOUBLE_PRECISION"},
                                 {"json", "JSON"},
                                 {"jsonb", "JSONB"},
                                 {"uuid", "UUID"},
                                 {"bytea", "BYTEA"},
                                 {"inet", "INET"},
                                 {"cidr", "CIDR"},
                                 {"macaddr", "MACADDR"},
                                 {"money", "MONEY"},
                                 {"oid", "OID"},
                                 {"tsvector", "TSVECTOR"},
                                 {"bit", "BIT"},
                                 {"bit varying", "BIT"},
                                 {"xml", "NullType"},
                                 {"name", "NullType"}};
  for (const auto& n : k_names) {
    if (base == n.pg)
      return pg_reflected_type(n.sa, std::move(args));
  }
  if (base == "timestamp" || base == "time") {
    std::vector<std::pair<std::string, Value>> kwargs{{"timezone", Value(tz)}};
    if (!args.empty())
      kwargs.emplace_back("precision", args.front());
    return pg_reflected_type(base == "time" ? "TIME" : "TIMESTAMP", {}, std::move(kwargs));
  }
  if (base == "interval")
    return pg_reflected_type("INTERVAL");
  return pg_reflected_type("NullType");
}

// The relation's oid, or not_found.
model::Result<std::string> relation_oid(postgres::Connection& db, const std::string& schema,
                                        const std::string& table)
{
  auto rows =
      db.query("SELECT c.oid::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
               "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND "
               "c.relkind IN ('r', 'p', 'v', 'm', 'f')",
               {schema, table});
  MIGLINT_TRY(rows);
  if (rows->values.empty() || !rows->values[0][0]) {
    return model::make_error(table, model::Error::Kind::not_found);
  }
  return *rows->values[0][0];
}

// SQLAlchemy's names for ON UPDATE / ON DELETE actions ("" for NO ACTION, which it omits).
std::string referential_action(const std::string& code)
{
  if (code == "c")
    return "CASCADE";
  if (code == "n")
    return "SET NULL";
  if (code == "d")
    return "SET DEFAULT";
  if (code == "r")
    return "RESTRICT";
  return {};
}

} // namespace

model::Result<std::string> postgresql_default_schema(postgres::Connection& db)
{
  auto rows = db.query("SELECT current_schema()");
  MIGLINT_TRY(rows);
  if (rows->values.empty() || !rows->values[0][0])
    return std::string("public");
  return *rows->values[0][0];
}

model::Result<std::vector<std::string>>
postgresql_relation_names(postgres::Connection& db, const std::string& schema, bool views)
{
  auto rows =
      db.query(views ? "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')"
                     : "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
               {schema});
  MIGLINT_TRY(rows);
  std::vector<std::string> out;
  for (const auto& row : rows->values)
    out.push_back(row[0].value_or(""));
  return out;
}

model::Result<bool> postgresql_has_table(postgres::Connection& db, const std::string& schema,
                                         const std::string& table)
{
  auto rows =
      schema.empty()
          ? db.query("SELECT 1 FROM pg_catalog.pg_class c WHERE "
                     "pg_catalog.pg_table_is_visible(c.oid) AND c.relname = $1",
                     {table})
          : db.query("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                     "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                     {schema, table});
  MIGLINT_TRY(rows);
  return !rows->values.empty();
}

model::Result<PostgresqlTable> reflect_postgresql_table(postgres::Connection& db,
                                                        const std::string& schema,
                                                        const std::string& table)
{
  auto oid = relation_oid(db, schema, table);
  MIGLINT_TRY(oid);
  PostgresqlTable out;
  auto columns = json_rows(
      db,
      "SELECT json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, "
      "a.atttypmod), "
      "'notnull', a.attnotnull, 'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
      "'identity', a.attidentity, 'generated', a.attgenerated, "
      "'comment', pg_catalog.col_description(a.attrelid, a.attnum), 'enum_name', t.typname, "
      "'enum', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e "
      "         WHERE e.enumtypid = t.oid)) "
      "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
      "AND d.adnum = a.attnum JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {*oid});
  MIGLINT_TRY(columns);
  for (const auto& c : *columns) {
    PostgresqlColumn col;
    col.name = c["name"].get<std::string>();
    col.type =
        postgresql_column_type(c["type"].get<std::string>(), c["enum"],
                               c["enum_name"].is_string() ? c["enum_name"].get<std::string>() : "");
    col.nullable = !c["notnull"].get<bool>();
    const bool generated = c["generated"].is_string() && !c["generated"].get<std::string>().empty();
    if (!generated)
      col.server_default = optional_string(c["default"]);
    const bool identity = c["identity"].is_string() && !c["identity"].get<std::string>().empty();
    col.autoincrement =
        identity || (col.server_default && col.server_default->starts_with("nextval("));
    col.comment = optional_string(c["comment"]);
    out.columns.push_back(std::move(col));
  }
  auto constraints = json_rows(
      db,
      ("SELECT json_build_object('name', con.conname, 'type', con.contype, 'columns', " +
       postgres::key_column_names_sql("con.conkey", "con.conrelid") +
       ", 'ref_schema', rn.nspname, 'ref_table', rc.relname, "
       "'ref_columns', " +
       postgres::key_column_names_sql("con.confkey", "con.confrelid") +
       ", 'onupdate', con.confupdtype, "
       "'ondelete', con.confdeltype, 'deferrable', con.condeferrable, 'deferred', con.condeferred, "
       "'def', pg_catalog.pg_get_constraintdef(con.oid), 'index', ci.relname) "
       "FROM pg_catalog.pg_constraint con LEFT JOIN pg_catalog.pg_class rc ON rc.oid = "
       "con.confrelid "
       "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
       "LEFT JOIN pg_catalog.pg_class ci ON ci.oid = con.conindid "
       "WHERE con.conrelid = $1::oid ORDER BY con.conname")
          .c_str(),
      {*oid});
  MIGLINT_TRY(constraints);
  for (const auto& c : *constraints) {
    ddl::ConstraintDef def;
    def.name = c["name"].get<std::string>();
    def.columns = string_list(c["columns"]);
    const std::string type = c["type"].get<std::string>();
    if (type == "p") {
      def.kind = ddl::ConstraintDef::Kind::primary_key;
      out.pk = def;
      continue;
    }
    if (type == "f") {
      def.kind = ddl::ConstraintDef::Kind::foreign_key;
      def.ref_table = c["ref_table"].get<std::string>();
      const std::string ref_schema = c["ref_schema"].get<std::string>();
      if (ref_schema != schema)
        def.ref_schema = ref_schema;
      def.ref_columns = string_list(c["ref_columns"]);
      def.onupdate = referential_action(c["onupdate"].get<std::string>());
      def.ondelete = referential_action(c["ondelete"].get<std::string>());
      if (c["deferrable"].get<bool>()) {
        def.deferrable = true;
        def.initially = c["deferred"].get<bool>() ? "DEFERRED" : "IMMEDIATE";
      }
    } else if (type == "u") {
      def.kind = ddl::ConstraintDef::Kind::unique;
      if (c["index"].is_string())
        out.unique_constraint_indexes.push_back(c["index"].get<std::string>());
    } else if (type == "c") {
      def.kind = ddl::ConstraintDef::Kind::check;
      static const std::regex k_check(R"(^CHECK *\((.+)\)( NOT VALID)?$)");
      std::smatch m;
      const std::string text = c["def"].get<std::string>();
      def.sqltext = std::regex_match(text, m, k_check) ? m[1].str() : text;
      // pg_get_constraintdef doubles the parentheses: SQLAlchemy takes one pair off.
      static const std::regex k_parenthesized(R"(^\s*\(([\s\S]+)\)\s*$)");
      if (std::regex_match(def.sqltext, m, k_parenthesized))
        def.sqltext = m[1].str();
    } else {
      continue; // exclusion and trigger constraints are not reflected by SQLAlchemy 1.4
    }
    out.constraints.push_back(std::move(def));
  }
  auto indexes = json_rows(
      db,
      ("SELECT json_build_object('name', i.relname, 'unique', ix.indisunique, 'columns', " +
       postgres::key_column_names_sql("ix.indkey[0:ix.indnkeyatts - 1]", "ix.indrelid") +
       ", 'expressions', ix.indexprs IS NOT NULL, 'where', pg_catalog.pg_get_expr(ix.indpred, "
       "ix.indrelid)) "
       "FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
       "WHERE ix.indrelid = $1::oid AND NOT ix.indisprimary ORDER BY i.relname")
          .c_str(),
      {*oid});
  MIGLINT_TRY(indexes);
  for (const auto& ix : *indexes) {
    // SQLAlchemy 1.4 skips expression-based indexes, with a warning.
    if (ix["expressions"].get<bool>())
      continue;
    ddl::IndexDef def;
    def.name = ix["name"].get<std::string>();
    def.unique = ix["unique"].get<bool>();
    def.columns = string_list(ix["columns"]);
    def.where = ix["where"].is_string() ? ix["where"].get<std::string>() : "";
    out.indexes.push_back(std::move(def));
  }
  return out;
}

model::Result<std::shared_ptr<TableClause>>
reflect_postgresql_table_clause(postgres::Connection& db, const std::string& schema,
                                const std::string& table)
{
  auto reflected = reflect_postgresql_table(db, schema, table);
  MIGLINT_TRY(reflected);
  auto t = std::make_shared<TableClause>();
  t->name = table;
  for (const auto& c : reflected->columns) {
    auto cc = std::make_shared<ColumnClause>();
    cc->name = c.name;
    cc->type = c.type;
    t->columns.push_back(cc);
  }
  for (const auto& c : reflected->constraints) {
    if (c.kind == ddl::ConstraintDef::Kind::foreign_key)
      t->referenced_tables.push_back(c.ref_table);
  }
  return t;
}

} // namespace miglint::ops
