// The column loader options of SQLAlchemy 1.4's ORM: load_only(...), defer(...) and
// undefer(...) on select(Model).options(...) or session.query(Model).options(...). They
// narrow the SELECT that loads the objects; the primary key always loads. An attribute
// left unloaded is read lazily by SQLAlchemy on first access: that read is reported as
// not evaluated (orm_models.cpp), never guessed.
#include "ops/orm.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace miglint::ops {

namespace {

// The attribute of `mapping` an option argument names, or "" when it names none.
std::string named_attribute(const OrmMapping& mapping, const Value& v)
{
  if (const std::string* s = v.str()) return mapping.find_attr(*s) ? *s : std::string();
  if (auto clause = v.as<ColumnClause>()) {
    for (const OrmColumn& c : mapping.columns) {
      if (c.column == clause) return c.attr;
    }
  }
  return {};
}

} // namespace

Flow<std::vector<std::string>> deferred_attributes(const OrmMapping& mapping,
                                                   const std::vector<Value>& options, python::Span span)
{
  // Explicit per-attribute settings (the later option wins) over load_only's wildcard.
  std::map<std::string, bool> loads;
  bool wildcard_deferred = false;
  for (const Value& o : options) {
    auto option = o.as<LoaderOption>();
    if (!option || !option->narrows()) continue;
    if (option->name == "load_only") wildcard_deferred = true;
    if (option->name == "defer" && option->columns.size() != 1) {
      return unsupported(fmt::format("orm.defer() of {} attributes", option->columns.size()), span);
    }
    for (const Value& c : option->columns) {
      const std::string attr = named_attribute(mapping, c);
      if (attr.empty()) {
        return unsupported(fmt::format("orm.{}() of {}, which is not a column attribute of {}", option->name,
                                       c.object() ? (*c.object())->describe() : to_repr(c), mapping.class_name),
                           span);
      }
      loads[attr] = option->name != "defer";
    }
  }
  std::vector<std::string> deferred;
  const auto pk = mapping.primary_key();
  for (const OrmColumn& c : mapping.columns) {
    if (std::any_of(pk.begin(), pk.end(), [&](const OrmColumn* k) { return k->attr == c.attr; })) continue;
    auto it = loads.find(c.attr);
    const bool loaded = it != loads.end() ? it->second : !wildcard_deferred;
    if (!loaded) deferred.push_back(c.attr);
  }
  return deferred;
}

void narrow_entity_select(SelectStatement& select, const std::vector<std::string>& deferred)
{
  for (std::size_t i = select.keys.size(); i-- > 0;) {
    if (std::find(deferred.begin(), deferred.end(), select.keys[i]) == deferred.end()) continue;
    select.columns.erase(select.columns.begin() + static_cast<std::ptrdiff_t>(i));
    select.keys.erase(select.keys.begin() + static_cast<std::ptrdiff_t>(i));
    select.types.erase(select.types.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

} // namespace miglint::ops
