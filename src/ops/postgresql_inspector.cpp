// sa.inspect(bind) on PostgreSQL: the Inspector methods revisions call, answered from the
// catalog as SQLAlchemy 1.4's PostgreSQL dialect answers them.
#include "ops/interpreter.hpp"
#include "ops/postgresql_reflection.hpp"
#include "ops/reflection.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

Flow<std::shared_ptr<TableClause>> Interpreter::reflect_table_clause_of(const std::string& table,
                                                                        Span span)
{
  auto reflected = [&]() -> model::Result<std::shared_ptr<TableClause>> {
    if (m_db)
      return reflect_table_clause(*m_db, table);
    auto schema = postgresql_schema();
    MIGLINT_TRY(schema);
    return reflect_postgresql_table_clause(*m_pg, *schema, table);
  }();
  if (reflected)
    return *reflected;
  if (reflected.error().kind == model::Error::Kind::not_found || m_db) {
    return failure(fmt::format("sqlalchemy.exc.NoSuchTableError: {}", table), span);
  }
  return failure(reflected.error().message, span);
}

model::Result<std::string> Interpreter::postgresql_schema()
{
  if (m_pg_schema.empty()) {
    auto current = postgresql_default_schema(*m_pg);
    MIGLINT_TRY(current);
    m_pg_schema = *current;
  }
  return m_pg_schema;
}

Flow<bool> Interpreter::postgresql_type_exists(const std::string& name, const std::string& schema,
                                               Span span)
{
  auto rows =
      schema.empty()
          ? m_pg->query("SELECT 1 FROM pg_catalog.pg_type t WHERE t.typname = $1 AND "
                        "pg_catalog.pg_type_is_visible(t.oid)",
                        {name})
          : m_pg->query("SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON "
                        "n.oid = t.typnamespace WHERE t.typname = $1 AND n.nspname = $2",
                        {name, schema});
  if (!rows)
    return failure(rows.error().message, span);
  return !rows->values.empty();
}

Flow<Value> Interpreter::postgresql_inspector_call(const std::string& name, CallArgs& args,
                                                   const Expr& call)
{
  const Span span = call.span;
  std::string schema;
  if (const Value* s = args.kw("schema"); s && !s->is_none()) {
    if (!s->str())
      return unsupported(fmt::format("inspector.{}(schema=...) of this value", name), span);
    schema = *s->str();
  }
  const bool schema_given = !schema.empty();
  if (!schema_given) {
    auto current = postgresql_schema();
    if (!current)
      return failure(current.error().message, span);
    schema = *current;
  }
  if (name == "get_table_names" || name == "get_view_names") {
    auto names = postgresql_relation_names(*m_pg, schema, name == "get_view_names");
    if (!names)
      return failure(names.error().message, span);
    return make_string_list(*names);
  }
  if (name == "get_schema_names") {
    auto rows =
        m_pg->query("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg~_%' "
                    "ESCAPE '~' ORDER BY nspname");
    if (!rows)
      return failure(rows.error().message, span);
    std::vector<std::string> names;
    for (const auto& row : rows->values)
      names.push_back(row[0].value_or(""));
    return make_string_list(names);
  }
  const Value* t = args.get(0, "table_name");
  if (!t || !t->str())
    return unsupported(fmt::format("inspector.{}() without a table name", name), span);
  const std::string table = *t->str();
  if (name == "has_table") {
    auto has = postgresql_has_table(*m_pg, schema_given ? schema : "", table);
    if (!has)
      return failure(has.error().message, span);
    return Value(*has);
  }
  auto reflected = reflect_postgresql_table(*m_pg, schema, table);
  if (!reflected) {
    if (reflected.error().kind == model::Error::Kind::not_found) {
      return failure(fmt::format("sqlalchemy.exc.NoSuchTableError: {}", table), span);
    }
    return failure(reflected.error().message, span);
  }
  auto optional_text = [](const std::optional<std::string>& s) { return s ? Value(*s) : Value(); };
  if (name == "get_columns") {
    std::vector<Value> out;
    for (const auto& c : reflected->columns) {
      out.push_back(make_dict({{"name", Value(c.name)},
                               {"type", Value(ObjectPtr(c.type))},
                               {"nullable", Value(c.nullable)},
                               {"default", optional_text(c.server_default)},
                               {"autoincrement", Value(c.autoincrement)},
                               {"comment", optional_text(c.comment)}}));
    }
    return make_list(std::move(out));
  }
  if (name == "get_indexes") {
    std::vector<Value> out;
    for (const auto& ix : reflected->indexes) {
      std::vector<std::pair<std::string, Value>> items{
          {"name", Value(ix.name)},
          {"unique", Value(ix.unique)},
          {"column_names", make_string_list(ix.columns)}};
      const auto& backing = reflected->unique_constraint_indexes;
      if (std::find(backing.begin(), backing.end(), ix.name) != backing.end()) {
        items.emplace_back("duplicates_constraint", Value(ix.name));
      }
      items.emplace_back("include_columns", make_list({}));
      std::vector<std::pair<std::string, Value>> options;
      if (!ix.where.empty())
        options.emplace_back("postgresql_where", Value(ix.where));
      items.emplace_back("dialect_options", make_dict(std::move(options)));
      out.push_back(make_dict(std::move(items)));
    }
    return make_list(std::move(out));
  }
  if (auto found = constraint_inspection(name, reflected->pk, reflected->constraints, true)) {
    return *found;
  }
  return unsupported(fmt::format("inspector.{}()", name), span);
}

} // namespace miglint::ops
