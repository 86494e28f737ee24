#include "sqlite/row_digest.hpp"

#include "sqlite/sql_text.hpp"
#include "util/fnv128.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace miglint::sqlite {

namespace {

// Rendered values kept per table for messages; beyond it rows are only hashed.
constexpr std::size_t k_shown_budget = 256 * 1024;

std::string shown_or_placeholder(const RowDigest& row)
{
  return row.shown.empty() ? std::string("(values not kept)") : row.shown;
}

} // namespace

Result<std::vector<std::string>> shadow_tables(Connection& db)
{
  std::vector<std::string> names;
  auto stmt = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND "
                         "type = 'shadow'");
  if (!stmt) {
    return names; // an SQLite without table_list (before 3.37) reports none
  }
  while (true) {
    Result<bool> row = stmt->step();
    MIGLINT_TRY(row);
    if (!*row) {
      return names;
    }
    names.push_back(stmt->column_text(0));
  }
}

Result<std::vector<std::string>> shadow_tables(Connection& db, const SchemaSnapshot& schema)
{
  const bool any_virtual = std::any_of(schema.tables.begin(), schema.tables.end(),
                                       [](const auto& entry) { return entry.second->is_virtual; });
  if (!any_virtual) {
    return std::vector<std::string>();
  }
  return shadow_tables(db);
}

Result<TableRows> digest_table(Connection& db, const TableInfo& table, const TableRows& before)
{
  TableRows out;
  std::vector<std::pair<int, std::size_t>> key_positions; // (pk position, column index)
  std::vector<std::string> selected;
  for (const std::string& name : before.columns) {
    const ColumnInfo* column = table.find_column(name);
    if (column == nullptr) {
      continue;
    }
    if (column->pk > 0) {
      key_positions.emplace_back(column->pk, out.columns.size());
    }
    selected.push_back(fmt::format("quote({})", double_quoted(name)));
    out.columns.push_back(name);
  }
  if (out.columns.empty()) {
    return out;
  }
  std::sort(key_positions.begin(), key_positions.end());
  auto stmt = db.prepare(fmt::format("SELECT {} FROM {}", util::join(selected, ", "),
                                     double_quoted(table.name)));
  MIGLINT_TRY(stmt);
  std::size_t shown_size = 0;
  while (true) {
    Result<bool> row = stmt->step();
    MIGLINT_TRY(row);
    if (!*row) {
      break;
    }
    util::Fnv128 hash;
    std::vector<std::string> values;
    for (int c = 0; c < static_cast<int>(out.columns.size()); ++c) {
      values.push_back(stmt->column_text(c));
      hash.add(values.back());
    }
    RowDigest digest;
    digest.hash = hash.hex();
    const std::string shown = "(" + util::join(values, ", ") + ")";
    if (key_positions.empty()) {
      digest.key = shown;
    } else {
      std::vector<std::string> parts;
      for (const auto& [position, index] : key_positions) {
        parts.push_back(out.columns[index] + "=" + values[index]);
      }
      digest.key = "(" + util::join(parts, ", ") + ")";
    }
    if (shown_size < k_shown_budget) {
      shown_size += shown.size();
      digest.shown = shown;
    }
    out.rows.push_back(std::move(digest));
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const RowDigest& a, const RowDigest& b) {
    return std::tie(a.key, a.hash) < std::tie(b.key, b.hash);
  });
  return out;
}

Result<RowsSnapshot> digest_rows(Connection& db, const SchemaSnapshot& schema)
{
  RowsSnapshot out;
  auto shadows = shadow_tables(db, schema);
  MIGLINT_TRY(shadows);
  const std::set<std::string> skipped(shadows->begin(), shadows->end());
  for (const auto& [name, table] : schema.tables) {
    if (table->is_virtual || skipped.contains(name)) {
      continue;
    }
    auto rows = digest_all_rows(db, *table);
    MIGLINT_TRY(rows);
    out.emplace(name, std::move(*rows));
  }
  return out;
}

Result<TableRows> digest_all_rows(Connection& db, const TableInfo& table)
{
  TableRows all;
  for (const ColumnInfo& column : table.columns) {
    if (column.hidden == 0) {
      all.columns.push_back(column.name);
    }
  }
  return digest_table(db, table, all);
}

std::optional<std::string> first_row_difference(const TableRows& before, const TableRows& after)
{
  auto lost = [](const RowDigest& row) {
    return fmt::format("row {} lost: {}", row.key, shown_or_placeholder(row));
  };
  auto added = [](const RowDigest& row) {
    return fmt::format("row {} added: {}", row.key, shown_or_placeholder(row));
  };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.rows.size() && j < after.rows.size()) {
    const RowDigest& was = before.rows[i];
    const RowDigest& now = after.rows[j];
    if (was.key < now.key) {
      return lost(was);
    }
    if (now.key < was.key) {
      return added(now);
    }
    if (was.hash != now.hash) {
      return fmt::format("row {} changed: before {}, after {}", was.key,
                         shown_or_placeholder(was), shown_or_placeholder(now));
    }
    ++i;
    ++j;
  }
  if (i < before.rows.size()) {
    return lost(before.rows[i]);
  }
  if (j < after.rows.size()) {
    return added(after.rows[j]);
  }
  return std::nullopt;
}

} // namespace miglint::sqlite
