#include "ops/postgresql_ddl.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

namespace miglint::ops::pgddl {

namespace {

// SQLAlchemy 1.4's postgresql.base.RESERVED_WORDS.
constexpr std::string_view k_pg_reserved[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "binary", "both", "case", "cast", "check", "collate", "column",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "default",
    "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
    "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially",
    "inner", "intersect", "into", "is", "isnull", "join", "leading", "left", "like", "limit",
    "localtime", "localtimestamp", "natural", "new", "not", "notnull", "null", "of", "off",
    "offset", "old", "on", "only", "or", "order", "outer", "over", "overlaps", "placing",
    "primary", "references", "returning", "right", "select", "session_user", "similar", "some",
    "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using",
    "variadic", "verbose", "when", "where", "window", "with",
};

std::string pg_quoted_list(const std::vector<std::string>& names)
{
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(quote(n));
  return util::join(out, ", ");
}

// " DEFERRABLE INITIALLY DEFERRED"
std::string pg_deferrability(const ddl::ConstraintDef& c)
{
  std::string out;
  if (c.deferrable) out += *c.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
  if (!c.initially.empty()) out += " INITIALLY " + c.initially;
  return out;
}

} // namespace

std::string quote(std::string_view id)
{
  bool legal = !id.empty();
  for (char ch : id) {
    const bool lower_or_digit = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '$';
    if (!lower_or_digit) legal = false;
  }
  if (legal) {
    const char first = id.front();
    legal = !(first >= '0' && first <= '9') && first != '$' &&
            std::find(std::begin(k_pg_reserved), std::end(k_pg_reserved), id) == std::end(k_pg_reserved);
  }
  if (legal) return std::string(id);
  std::string out = "\"";
  for (char ch : id) {
    out += ch;
    if (ch == '"') out += '"';
  }
  return out + "\"";
}

std::string qualified(std::string_view schema, std::string_view name)
{
  return schema.empty() ? quote(name) : quote(schema) + "." + quote(name);
}

std::string quote_literal(std::string_view text)
{
  return util::sql_string_literal(text);
}

std::string render_column(const ddl::ColumnDef& column)
{
  std::string out = quote(column.name) + " " + column.type;
  if (column.server_default) out += " DEFAULT " + *column.server_default;
  if (!column.identity.empty()) out += " " + column.identity;
  // An identity column is NOT NULL by itself: SQLAlchemy writes NULL when it was asked
  // to be nullable and nothing when it was not.
  if (column.identity.empty() && !column.nullable) out += " NOT NULL";
  if (!column.identity.empty() && column.nullable) out += " NULL";
  for (const auto& constraint : column.inline_constraints) out += " " + constraint;
  return out;
}

std::string render_constraint(const ddl::ConstraintDef& c)
{
  using Kind = ddl::ConstraintDef::Kind;
  std::string out;
  if (!c.name.empty()) out = "CONSTRAINT " + quote(c.name) + " ";
  switch (c.kind) {
  case Kind::primary_key:
    if (c.columns.empty()) return {};
    return out + "PRIMARY KEY (" + pg_quoted_list(c.columns) + ")" + pg_deferrability(c);
  case Kind::unique:
    return out + "UNIQUE (" + pg_quoted_list(c.columns) + ")" + pg_deferrability(c);
  case Kind::check:
    return out + "CHECK (" + c.sqltext + ")";
  case Kind::foreign_key:
    out += fmt::format("FOREIGN KEY({}) REFERENCES {} ({})", pg_quoted_list(c.columns),
                       qualified(c.ref_schema, c.ref_table), pg_quoted_list(c.ref_columns));
    if (!c.ondelete.empty()) out += " ON DELETE " + c.ondelete;
    if (!c.onupdate.empty()) out += " ON UPDATE " + c.onupdate;
    return out + pg_deferrability(c);
  }
  return out;
}

std::string render_create_table(const ddl::TableDef& table)
{
  std::string out = fmt::format("CREATE TABLE {} (", qualified(table.schema, table.name));
  const char* separator = "\n";
  for (const auto& column : table.columns) {
    out += separator;
    separator = ", \n";
    out += "\t" + pgddl::render_column(column);
  }
  for (const auto& constraint : table.constraints) {
    if (constraint.use_alter) continue; // PostgreSQL has ALTER: SQLAlchemy leaves it out
    std::string text = pgddl::render_constraint(constraint);
    if (!text.empty()) out += ", \n\t" + text;
  }
  return out + "\n)";
}

std::string render_create_index(const ddl::IndexDef& index, const IndexOptions& options)
{
  std::string out = fmt::format("CREATE {}INDEX {}{} ON {} ", index.unique ? "UNIQUE " : "",
                                options.concurrently ? "CONCURRENTLY " : "", quote(index.name),
                                qualified(index.schema, index.table));
  if (!options.using_method.empty()) out += "USING " + options.using_method + " ";
  std::vector<std::string> elements;
  for (std::size_t i = 0; i < index.elements.size(); ++i) {
    std::string element = index.elements[i];
    // postgresql_ops is keyed by column name.
    const std::string key = i < index.columns.size() ? index.columns[i] : std::string();
    for (const auto& [column, op] : options.ops) {
      if (!key.empty() && column == key) element += " " + op;
    }
    elements.push_back(element);
  }
  out += "(" + util::join(elements, ", ") + ")";
  if (!options.include.empty()) out += " INCLUDE (" + pg_quoted_list(options.include) + ")";
  if (!index.where.empty()) out += " WHERE " + index.where;
  return out;
}

} // namespace miglint::ops::pgddl
