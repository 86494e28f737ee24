#include "ops/ddl.hpp"

#include "sqlite/sql_text.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <fmt/format.h>

namespace miglint::ops::ddl {

namespace {

// SQLAlchemy's SQLite identifier preparer treats these as reserved (lower case).
constexpr std::string_view k_reserved[] = {
    "add", "after", "all", "alter", "analyze", "and", "as", "asc", "attach", "autoincrement",
    "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
    "commit", "conflict", "constraint", "create", "cross", "current_date", "current_time",
    "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc",
    "detach", "distinct", "drop", "each", "else", "end", "escape", "except", "exclusive",
    "exists", "explain", "false", "fail", "for", "foreign", "from", "full", "glob", "group",
    "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner",
    "insert", "instead", "intersect", "into", "is", "isnull", "join", "key", "left", "like",
    "limit", "match", "natural", "not", "notnull", "null", "of", "offset", "on", "or", "order",
    "outer", "plan", "pragma", "primary", "query", "raise", "references", "reindex", "rename",
    "replace", "restrict", "right", "rollback", "row", "select", "set", "table", "temp",
    "temporary", "then", "to", "transaction", "trigger", "true", "union", "unique", "update",
    "using", "vacuum", "values", "view", "virtual", "when", "where",
};

bool is_reserved(std::string_view lower)
{
  return std::find(std::begin(k_reserved), std::end(k_reserved), lower) != std::end(k_reserved);
}

std::string quoted_list(const std::vector<std::string>& names)
{
  std::vector<std::string> out;
  for (const auto& n : names) {
    out.push_back(quote(n));
  }
  return util::join(out, ", ");
}

} // namespace

ColumnDef* TableDef::column(std::string_view wanted)
{
  for (auto& c : columns) {
    if (c.name == wanted) {
      return &c;
    }
  }
  return nullptr;
}

const ConstraintDef* TableDef::primary_key() const
{
  for (const auto& c : constraints) {
    if (c.kind == ConstraintDef::Kind::primary_key) {
      return &c;
    }
  }
  return nullptr;
}

std::string quote(std::string_view id)
{
  if (id.empty()) {
    return "\"\"";
  }
  std::string lower;
  bool legal = true;
  for (char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_' || c == '$') || c >= 0x80) {
      legal = false;
    }
    lower += static_cast<char>(std::tolower(c));
  }
  const char first = id.front();
  const bool needs = !legal || is_reserved(lower) || lower != id ||
                     (first >= '0' && first <= '9') || first == '$';
  return needs ? sqlite::double_quoted(id) : std::string(id);
}

std::string quote_literal(std::string_view text)
{
  return sqlite::single_quoted(text);
}

namespace {

// SQLite's AUTOINCREMENT needs the key inline: `id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`.
bool inline_autoincrement(const ColumnDef& column, const TableDef& table)
{
  const ConstraintDef* pk = table.primary_key();
  return table.sqlite_autoincrement && column.primary_key && pk && pk->columns.size() == 1 &&
         (column.type == "INTEGER" || column.type == "BIGINT" || column.type == "SMALLINT");
}

} // namespace

std::string render_column(const ColumnDef& column, const TableDef& table)
{
  std::string out = quote(column.name) + " " + column.type;
  if (column.server_default) {
    out += " DEFAULT " + *column.server_default;
  }
  if (!column.nullable) {
    out += " NOT NULL";
  }
  if (inline_autoincrement(column, table)) {
    out += " PRIMARY KEY AUTOINCREMENT";
  }
  for (const auto& constraint : column.inline_constraints) {
    out += " " + constraint;
  }
  return out;
}

std::string render_constraint(const ConstraintDef& c)
{
  std::string out;
  if (!c.name.empty()) {
    out = "CONSTRAINT " + quote(c.name) + " ";
  }
  switch (c.kind) {
  case ConstraintDef::Kind::primary_key:
    if (c.columns.empty()) {
      return {};
    }
    return out + "PRIMARY KEY (" + quoted_list(c.columns) + ")";
  case ConstraintDef::Kind::unique:
    return out + "UNIQUE (" + quoted_list(c.columns) + ")";
  case ConstraintDef::Kind::check:
    return out + "CHECK (" + c.sqltext + ")";
  case ConstraintDef::Kind::foreign_key:
    out += fmt::format("FOREIGN KEY({}) REFERENCES {} ({})", quoted_list(c.columns),
                       quote(c.ref_table), quoted_list(c.ref_columns));
    if (!c.ondelete.empty()) {
      out += " ON DELETE " + c.ondelete;
    }
    if (!c.onupdate.empty()) {
      out += " ON UPDATE " + c.onupdate;
    }
    if (c.deferrable) {
      out += *c.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
    }
    if (!c.initially.empty()) {
      out += " INITIALLY " + c.initially;
    }
    return out;
  }
  return out;
}

std::string render_create_table(const TableDef& table, std::string_view table_name)
{
  std::string out = fmt::format("CREATE TABLE {} (", table_name);
  const char* separator = "\n";
  for (const auto& column : table.columns) {
    out += separator;
    separator = ", \n";
    out += "\t" + render_column(column, table);
  }
  for (const auto& constraint : table.constraints) {
    if (constraint.kind == ConstraintDef::Kind::primary_key && constraint.columns.size() == 1) {
      const ColumnDef* only = nullptr;
      for (const auto& column : table.columns) {
        if (column.name == constraint.columns.front()) {
          only = &column;
        }
      }
      if (only && inline_autoincrement(*only, table)) {
        continue;
      }
    }
    std::string text = render_constraint(constraint);
    if (!text.empty()) {
      out += ", \n\t" + text;
    }
  }
  return out + "\n)";
}

std::string render_create_table(const TableDef& table)
{
  return render_create_table(table, quote(table.name));
}

std::string render_create_index(const IndexDef& index, std::string_view table_name)
{
  std::string out = fmt::format("CREATE {}INDEX {} ON {} ({})", index.unique ? "UNIQUE " : "",
                                quote(index.name), table_name, util::join(index.elements, ", "));
  if (!index.where.empty()) {
    out += " WHERE " + index.where;
  }
  return out;
}

std::string render_create_index(const IndexDef& index)
{
  return render_create_index(index, quote(index.table));
}

} // namespace miglint::ops::ddl
