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
