#include "ops/reflection.hpp"

#include "ops/batch.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace miglint::ops {

std::shared_ptr<SqlType> reflected_sql_type(std::string_view declared)
{
  auto type = std::make_shared<SqlType>();
  type->module = "sqlalchemy";
  const std::string rendered = reflected_type(declared);
  if (rendered.empty()) {
    type->name = "NullType";
    return type;
  }
  const auto open = rendered.find('(');
  type->name = rendered.substr(0, open);
  if (open != std::string::npos) {
    static const std::regex k_number(R"(\d+)");
    for (auto it = std::sregex_iterator(rendered.begin() + static_cast<std::ptrdiff_t>(open),
                                        rendered.end(), k_number);
         it != std::sregex_iterator(); ++it) {
      type->args.emplace_back(static_cast<std::int64_t>(std::stoll(it->str())));
    }
  }
  return type;
}

model::Result<std::shared_ptr<TableClause>> reflect_table_clause(sqlite::Connection& db,
                                                                 const std::string& table)
{
  auto reflected = reflect_table(db, table);
  if (!reflected) return reflected.error();
  auto t = std::make_shared<TableClause>();
  t->name = table;
  for (const auto& c : reflected->columns) {
    auto cc = std::make_shared<ColumnClause>();
    cc->name = c.name;
    cc->type = reflected_sql_type(c.type);
    t->columns.push_back(cc);
  }
  for (const auto& c : reflected->constraints) {
    if (c.kind == ddl::ConstraintDef::Kind::foreign_key) t->referenced_tables.push_back(c.ref_table);
  }
  return t;
}

std::optional<Value> constraint_inspection(const std::string& method, const ddl::ConstraintDef& pk,
                                           const std::vector<ddl::ConstraintDef>& constraints,
                                           bool fk_options)
{
  using Kind = ddl::ConstraintDef::Kind;
  auto optional_name = [](const std::string& n) { return n.empty() ? Value() : Value(n); };
  if (method == "get_pk_constraint") {
    return make_dict({{"constrained_columns", make_string_list(pk.columns)}, {"name", optional_name(pk.name)}});
  }
  if (method != "get_foreign_keys" && method != "get_unique_constraints" && method != "get_check_constraints") {
    return std::nullopt;
  }
  std::vector<Value> out;
  for (const auto& c : constraints) {
    if (method == "get_foreign_keys" && c.kind == Kind::foreign_key) {
      std::vector<std::pair<std::string, Value>> options;
      if (fk_options) {
        if (!c.onupdate.empty()) options.emplace_back("onupdate", Value(c.onupdate));
        if (!c.ondelete.empty()) options.emplace_back("ondelete", Value(c.ondelete));
        if (c.deferrable) {
          options.emplace_back("deferrable", Value(true));
          options.emplace_back("initially", Value(c.initially));
        }
      }
      out.push_back(make_dict({{"name", optional_name(c.name)},
                               {"constrained_columns", make_string_list(c.columns)},
                               {"referred_schema", optional_name(c.ref_schema)},
                               {"referred_table", Value(c.ref_table)},
                               {"referred_columns", make_string_list(c.ref_columns)},
                               {"options", make_dict(std::move(options))}}));
    } else if (method == "get_unique_constraints" && c.kind == Kind::unique) {
      out.push_back(make_dict({{"name", optional_name(c.name)}, {"column_names", make_string_list(c.columns)}}));
    } else if (method == "get_check_constraints" && c.kind == Kind::check) {
      out.push_back(make_dict({{"name", optional_name(c.name)}, {"sqltext", Value(c.sqltext)}}));
    }
  }
  return make_list(std::move(out));
}

std::vector<std::shared_ptr<TableClause>>
sorted_by_dependency(std::vector<std::shared_ptr<TableClause>> tables)
{
  std::stable_sort(tables.begin(), tables.end(),
                   [](const auto& a, const auto& b) { return a->name < b->name; });
  std::set<std::string> present;
  for (const auto& t : tables) present.insert(t->name);
  std::vector<std::shared_ptr<TableClause>> out;
  std::set<std::string> done;
  while (out.size() < tables.size()) {
    // One round emits every table whose dependencies are already out, in name order.
    std::vector<std::shared_ptr<TableClause>> round;
    for (const auto& t : tables) {
      if (done.count(t->name)) continue;
      const bool ready = std::all_of(t->referenced_tables.begin(), t->referenced_tables.end(),
                                     [&](const std::string& r) {
                                       return r == t->name || !present.count(r) || done.count(r);
                                     });
      if (ready) round.push_back(t);
    }
    if (round.empty()) {
      // A cycle: SQLAlchemy warns and falls back to the remaining tables by name.
      for (const auto& t : tables) {
        if (!done.count(t->name)) round.push_back(t);
      }
    }
    for (const auto& t : round) {
      done.insert(t->name);
      out.push_back(t);
    }
  }
  return out;
}

} // namespace miglint::ops
