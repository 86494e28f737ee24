#include "sqlite/schema_diff.hpp"

#include "sqlite/sql_text.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace miglint::sqlite {

namespace {

using Out = std::vector<std::string>;

std::string describe_pk(int pk)
{
  return pk == 0 ? std::string("not in the primary key") : fmt::format("primary key column {}", pk);
}

std::string describe_hidden(int hidden)
{
  switch (hidden) {
  case 0:
    return "a regular column";
  case 1:
    return "a hidden column";
  case 2:
    return "a generated VIRTUAL column";
  case 3:
    return "a generated STORED column";
  default:
    return fmt::format("hidden kind {}", hidden);
  }
}

std::string describe_default(const std::optional<std::string>& value)
{
  return value ? "default " + *value : std::string("no default");
}

std::string normalized_default(const std::optional<std::string>& value)
{
  return value ? normalize_sql(*value) : std::string("\x01none");
}

void diff_column(const std::string& where, const ColumnInfo& want, const ColumnInfo& got, Out& out)
{
  const std::string prefix = fmt::format("{}: column \"{}\"", where, want.name);
  if (normalize_type(want.type) != normalize_type(got.type)) {
    out.push_back(fmt::format("{} type {}, expected {}", prefix,
                              got.type.empty() ? "(none)" : got.type,
                              want.type.empty() ? "(none)" : want.type));
  }
  if (want.not_null != got.not_null) {
    out.push_back(fmt::format("{} is {}, expected {}", prefix,
                              got.not_null ? "NOT NULL" : "nullable",
                              want.not_null ? "NOT NULL" : "nullable"));
  }
  if (normalized_default(want.default_value) != normalized_default(got.default_value)) {
    out.push_back(fmt::format("{} has {}, expected {}", prefix, describe_default(got.default_value),
                              describe_default(want.default_value)));
  }
  if (want.pk != got.pk) {
    out.push_back(
        fmt::format("{} is {}, expected {}", prefix, describe_pk(got.pk), describe_pk(want.pk)));
  }
  if (want.hidden != got.hidden) {
    out.push_back(fmt::format("{} is {}, expected {}", prefix, describe_hidden(got.hidden),
                              describe_hidden(want.hidden)));
  }
  auto shown = [](const std::string& value, const char* none) {
    return value.empty() ? std::string(none) : value;
  };
  if (want.collation != got.collation) {
    out.push_back(fmt::format("{} has collation {}, expected {}", prefix,
                              shown(got.collation, "BINARY"), shown(want.collation, "BINARY")));
  }
  if (want.generated != got.generated) {
    out.push_back(fmt::format("{} is generated as {}, expected {}", prefix,
                              shown(got.generated, "(not generated)"),
                              shown(want.generated, "(not generated)")));
  }
  if (want.not_null && got.not_null && want.not_null_conflict != got.not_null_conflict) {
    out.push_back(fmt::format("{} NOT NULL ON CONFLICT {}, expected {}", prefix,
                              util::to_upper(shown(got.not_null_conflict, "abort")),
                              util::to_upper(shown(want.not_null_conflict, "abort"))));
  }
}

std::vector<std::string> column_names(const TableInfo& table)
{
  std::vector<std::string> names;
  for (const ColumnInfo& c : table.columns) {
    names.push_back(c.name);
  }
  return names;
}

// Items compared as multisets of their descriptions: reports what only one side has.
template <typename T, typename Describe>
void diff_described(const std::string& where, const std::vector<T>& want, const std::vector<T>& got,
                    std::string_view noun, Describe describe, Out& out)
{
  std::multiset<std::string> want_set;
  std::multiset<std::string> got_set;
  for (const T& item : want) {
    want_set.insert(describe(item));
  }
  for (const T& item : got) {
    got_set.insert(describe(item));
  }
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  std::set_difference(want_set.begin(), want_set.end(), got_set.begin(), got_set.end(),
                      std::back_inserter(missing));
  std::set_difference(got_set.begin(), got_set.end(), want_set.begin(), want_set.end(),
                      std::back_inserter(extra));
  for (const std::string& item : missing) {
    out.push_back(fmt::format("{}: {}{} missing", where, noun, item));
  }
  for (const std::string& item : extra) {
    out.push_back(fmt::format("{}: {}{} unexpected", where, noun, item));
  }
}

void diff_index(const IndexInfo& want, const IndexInfo& got, Out& out)
{
  const std::string prefix = fmt::format("index \"{}\"", want.name);
  if (want.columns != got.columns) {
    out.push_back(fmt::format("{} columns ({}), expected ({})", prefix,
                              util::join(got.columns, ", "), util::join(want.columns, ", ")));
  }
  if (want.unique != got.unique) {
    out.push_back(fmt::format("{} is {}, expected {}", prefix, got.unique ? "unique" : "not unique",
                              want.unique ? "unique" : "not unique"));
  }
  if (want.where != got.where) {
    auto clause = [](const std::string& where) {
      return where.empty() ? std::string("no WHERE clause") : "WHERE " + where;
    };
    out.push_back(
        fmt::format("{} has {}, expected {}", prefix, clause(got.where), clause(want.where)));
  }
}

void diff_indexes(const std::string& where, const TableInfo& want, const TableInfo& got, Out& out)
{
  std::map<std::string, const IndexInfo*> got_by_key;
  for (const IndexInfo& index : got.indexes) {
    got_by_key[index.key()] = &index;
  }
  std::set<std::string> seen;
  // The primary key's automatic index repeats what the columns' pk positions say.
  auto reported = [](const IndexInfo& index) { return index.origin != 'p'; };
  auto name_of = [&](const IndexInfo& index) {
    return index.automatic() ? fmt::format("{}: {}", where, index.describe())
                             : fmt::format("index \"{}\"", index.name);
  };
  for (const IndexInfo& index : want.indexes) {
    seen.insert(index.key());
    const auto it = got_by_key.find(index.key());
    if (it == got_by_key.end()) {
      if (reported(index)) {
        out.push_back(name_of(index) + " missing");
      }
      continue;
    }
    if (!index.automatic()) {
      diff_index(index, *it->second, out);
    } else if (index.on_conflict != it->second->on_conflict) {
      out.push_back(fmt::format("{}: {}, expected {}", where, it->second->describe(),
                                index.describe()));
    }
  }
  for (const IndexInfo& index : got.indexes) {
    if (!seen.contains(index.key()) && reported(index)) {
      out.push_back(name_of(index) + " unexpected");
    }
  }
}

void diff_table(const TableInfo& want, const TableInfo& got, const DiffOptions& options, Out& out)
{
  const std::string where = fmt::format("table \"{}\"", want.name);
  if (want.is_virtual || got.is_virtual) {
    if (want.virtual_definition != got.virtual_definition) {
      out.push_back(fmt::format("{}: definition `{}`, expected `{}`", where,
                                got.is_virtual ? got.virtual_definition : "an ordinary table",
                                want.is_virtual ? want.virtual_definition : "an ordinary table"));
    }
    if (want.is_virtual && got.is_virtual) {
      return;
    }
  }

  for (const ColumnInfo& column : want.columns) {
    if (const ColumnInfo* other = got.find_column(column.name)) {
      diff_column(where, column, *other, out);
    } else {
      out.push_back(fmt::format("{}: column \"{}\" missing (expected {})", where, column.name,
                                column.describe()));
    }
  }
  for (const ColumnInfo& column : got.columns) {
    if (want.find_column(column.name) == nullptr) {
      out.push_back(
          fmt::format("{}: column \"{}\" unexpected ({})", where, column.name, column.describe()));
    }
  }
  if (options.strict_column_order) {
    const std::vector<std::string> want_names = column_names(want);
    const std::vector<std::string> got_names = column_names(got);
    if (want_names != got_names && std::is_permutation(want_names.begin(), want_names.end(),
                                                       got_names.begin(), got_names.end())) {
      out.push_back(fmt::format("{}: column order ({}), expected ({})", where,
                                util::join(got_names, ", "), util::join(want_names, ", ")));
    }
  }

  diff_indexes(where, want, got, out);
  diff_described(
      where, want.foreign_keys, got.foreign_keys, "foreign key ",
      [](const ForeignKeyInfo& fk) { return fk.describe(); }, out);
  diff_described(
      where, want.checks, got.checks, "", [](const CheckInfo& check) { return check.describe(); },
      out);
  if (want.options() != got.options()) {
    auto shown = [](const std::string& o) { return o.empty() ? std::string("none") : o; };
    out.push_back(fmt::format("{}: options ({}), expected ({})", where, shown(got.options()),
                              shown(want.options())));
  }
}

// Walks both name-sorted maps together, so messages come out in name order.
template <typename Map, typename Compare>
void diff_named(const Map& want, const Map& got, std::string_view kind, Compare compare, Out& out)
{
  auto w = want.begin();
  auto g = got.begin();
  while (w != want.end() || g != got.end()) {
    if (g == got.end() || (w != want.end() && w->first < g->first)) {
      out.push_back(fmt::format("{} \"{}\" missing", kind, w->first));
      ++w;
    } else if (w == want.end() || g->first < w->first) {
      out.push_back(fmt::format("{} \"{}\" unexpected", kind, g->first));
      ++g;
    } else {
      compare(w->second, g->second);
      ++w;
      ++g;
    }
  }
}

} // namespace

std::vector<std::string> column_order_differences(const SchemaSnapshot& expected,
                                                  const SchemaSnapshot& actual)
{
  Out out;
  for (const auto& [name, want] : expected.tables) {
    const auto it = actual.tables.find(name);
    if (it == actual.tables.end() || it->second == want) {
      continue;
    }
    const std::vector<std::string> want_names = column_names(*want);
    const std::vector<std::string> got_names = column_names(*it->second);
    if (want_names != got_names && std::is_permutation(want_names.begin(), want_names.end(),
                                                       got_names.begin(), got_names.end())) {
      out.push_back(fmt::format("table \"{}\": column order ({}), expected ({})", name,
                                util::join(got_names, ", "), util::join(want_names, ", ")));
    }
  }
  return out;
}

std::vector<std::string> diff_schemas(const SchemaSnapshot& expected, const SchemaSnapshot& actual,
                                      const DiffOptions& options)
{
  Out out;
  diff_named(
      expected.tables, actual.tables, "table",
      [&](const std::shared_ptr<const TableInfo>& want,
          const std::shared_ptr<const TableInfo>& got) {
        // Same CREATE text for the table and its indexes: nothing to compare.
        if (want == got || want->source_key == got->source_key) {
          return;
        }
        diff_table(*want, *got, options, out);
      },
      out);
  diff_named(
      expected.views, actual.views, "view",
      [&](const ViewInfo& want, const ViewInfo& got) {
        if (want.sql != got.sql) {
          out.push_back(fmt::format("view \"{}\" definition `{}`, expected `{}`", want.name,
                                    got.sql, want.sql));
        }
      },
      out);
  diff_named(
      expected.triggers, actual.triggers, "trigger",
      [&](const TriggerInfo& want, const TriggerInfo& got) {
        if (want.table != got.table) {
          out.push_back(fmt::format("trigger \"{}\" is on table \"{}\", expected \"{}\"", want.name,
                                    got.table, want.table));
        } else if (want.sql != got.sql) {
          out.push_back(fmt::format("trigger \"{}\" definition `{}`, expected `{}`", want.name,
                                    got.sql, want.sql));
        }
      },
      out);
  return out;
}

} // namespace miglint::sqlite
