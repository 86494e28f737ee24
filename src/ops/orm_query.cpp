// ORM queries: session.query(M) / session.query(M.a, M.b) and what they are asked for
// (all, first, one, count, get, iteration), run on the live database through the session
// (autoflush first); query.update() / query.delete() as one UPDATE / DELETE, then the
// session's objects of that table brought in line unless synchronize_session=False.
#include "ops/interpreter.hpp"
#include "ops/orm.hpp"
#include "ops/result_rows.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

// `synchronize_session=False` leaves the session's objects as they are.
bool synchronizes(const CallArgs& args, std::size_t position)
{
  const Value* v = args.get(position, "synchronize_session");
  return !(v && v->boolean() && !*v->boolean());
}

} // namespace

Flow<Value> Interpreter::call_query(const std::shared_ptr<OrmQuery>& query, const std::string& name,
                                    CallArgs& args, const Expr& call)
{
  const Span span = call.span;
  auto derived = [&]() {
    auto copy = std::make_shared<OrmQuery>(*query);
    return copy;
  };
  auto cls = entity_class(query->select);
  auto mapping = cls ? orm_mapping(Value(ObjectPtr(cls))) : nullptr;
  auto condition_sql = [&](const Value& cond) -> Flow<std::string> {
    if (auto e = cond.as<SqlExpression>()) return e->sql;
    return sql_operand(cond, nullptr, span);
  };
  if (name == "filter" || name == "where") {
    auto copy = derived();
    for (const Value& cond : args.args) {
      auto sql = condition_sql(cond);
      if (!sql) return sql.stop();
      copy->select.where.push_back(*sql);
      add_condition_froms(copy->select, cond, *sql);
    }
    return Value(ObjectPtr(copy));
  }
  if (name == "filter_by") {
    if (!mapping) return unsupported("filter_by() on a query of columns", span);
    auto copy = derived();
    if (auto stop = filter_by(*mapping, args, copy->select, span)) return *stop;
    return Value(ObjectPtr(copy));
  }
  if (name == "order_by") {
    auto copy = derived();
    for (const Value& o : args.args) {
      if (o.is_none()) {
        copy->select.order_by.clear();
        continue;
      }
      auto sql = sql_operand(o, nullptr, span);
      if (!sql) return sql.stop();
      copy->select.order_by.push_back(*sql);
    }
    return Value(ObjectPtr(copy));
  }
  if ((name == "limit" || name == "offset") && args.get(0, "") && args.get(0, "")->integer()) {
    auto copy = derived();
    (name == "limit" ? copy->select.limit : copy->select.offset) = *args.get(0, "")->integer();
    return Value(ObjectPtr(copy));
  }
  if (name == "distinct" && args.args.empty()) {
    auto copy = derived();
    copy->select.distinct = true;
    return Value(ObjectPtr(copy));
  }
  if (name == "options") {
    auto copy = derived();
    for (const Value& v : args.args) {
      auto option = v.as<LoaderOption>();
      if (!option) return unsupported(fmt::format("the query option `{}`", text(call.span)), span);
      if (option->narrows()) {
        if (!mapping) return unsupported(fmt::format("orm.{}() on a query of columns", option->name), span);
        copy->select.loader_options.push_back(v);
      }
    }
    return Value(ObjectPtr(copy));
  }
  if (name == "execution_options" || name == "yield_per" || name == "enable_eagerloads") {
    return Value(ObjectPtr(derived()));
  }
  // The rows (column queries) or objects (entity queries) of `select`.
  auto run = [&](const SelectStatement& select) -> Flow<std::vector<Value>> {
    if (auto stop = require_session_database(*query->session, span)) return *stop;
    std::vector<Value> out;
    if (mapping) {
      auto objects = load_objects(*query->session, select, call);
      if (!objects) return objects.stop();
      for (const auto& o : *objects) out.emplace_back(ObjectPtr(o));
      return out;
    }
    if (query->session->autoflush) {
      if (auto stop = flush_session(*query->session, call)) return *stop;
    }
    if (auto stop = execute(Value(ObjectPtr(std::make_shared<SelectStatement>(select))), nullptr,
                            "session.query", span)) {
      return *stop;
    }
    auto result = executed_result(span);
    if (!result) return result.stop();
    auto r = result->as<ResultObj>();
    if (!r) return unsupported("a query result", span);
    for (const auto& row : r->state->rows) out.emplace_back(ObjectPtr(row));
    return out;
  };
  if (name == "all" || name == "__iter__") {
    auto items = run(query->select);
    if (!items) return items.stop();
    return make_list(std::move(*items));
  }
  if (name == "first") {
    SelectStatement one = query->select;
    one.limit = 1;
    auto items = run(one);
    if (!items) return items.stop();
    return items->empty() ? Value() : items->front();
  }
  if (name == "one" || name == "one_or_none" || name == "scalar") {
    auto items = run(query->select);
    if (!items) return items.stop();
    if (items->size() > 1) {
      return failure("sqlalchemy.orm.exc.MultipleResultsFound: Multiple rows were found when exactly "
                     "one was required",
                     span);
    }
    if (items->empty()) {
      if (name == "one") return failure("sqlalchemy.orm.exc.NoResultFound: No row was found when one was required", span);
      return Value();
    }
    if (name == "scalar" && !mapping) {
      auto row = items->front().as<RowObj>();
      return row && !row->values.empty() ? row->values.front() : Value();
    }
    return items->front();
  }
  if (name == "count") {
    if (auto stop = require_session_database(*query->session, span)) return *stop;
    if (query->session->autoflush) {
      if (auto stop = flush_session(*query->session, call)) return *stop;
    }
    SelectStatement counted;
    counted.add_column("count(*)", "count", nullptr);
    counted.froms.push_back("(" + render_select(query->select) + ") AS anon_1");
    auto rows = read_select(render_select(counted), {counted.keys, counted.types}, span);
    if (!rows) return rows.stop();
    return (*rows)->rows.front()->values.front();
  }
  if (name == "get") {
    if (!mapping) return unsupported("get() on a query of columns", span);
    const Value* ident = args.get(0, "ident");
    const auto pk = mapping->primary_key();
    std::vector<Value> identity;
    if (ident && ident->list()) identity = ident->list()->items;
    else if (ident) identity.push_back(*ident);
    if (identity.size() != pk.size()) return unsupported(fmt::format("the ORM call `{}` with this identity", text(span)), span);
    for (const auto& o : query->session->objects) {
      if (o->mapping == mapping && o->state == OrmObject::State::persistent && same_identity(o->identity, identity)) {
        return Value(ObjectPtr(o));
      }
    }
    SelectStatement by_pk = query->select;
    by_pk.where.clear();
    for (std::size_t i = 0; i < pk.size(); ++i) {
      auto sql = sql_operand(identity[i], pk[i]->column->type.get(), span);
      if (!sql) return sql.stop();
      by_pk.where.push_back(orm_column_sql(*pk[i], quoter()) + " = " + *sql);
    }
    auto items = run(by_pk);
    if (!items) return items.stop();
    return items->empty() ? Value() : items->front();
  }
  if (name == "update" || name == "delete") {
    if (!mapping) return unsupported(fmt::format("query.{}() on a query of columns", name), span);
    if (query->select.limit || query->select.offset || query->select.distinct || !query->select.order_by.empty()) {
      return unsupported(fmt::format("query.{}() after limit/offset/order_by/distinct", name), span);
    }
    if (auto stop = require_session_database(*query->session, span)) return *stop;
    if (query->session->autoflush) {
      if (auto stop = flush_session(*query->session, call)) return *stop;
    }
    std::string where;
    if (!query->select.where.empty()) {
      std::vector<std::string> parts;
      for (const auto& w : query->select.where) parts.push_back(query->select.where.size() == 1 ? w : "(" + w + ")");
      where = " WHERE " + fmt::format("{}", fmt::join(parts, " AND "));
    }
    const std::string table = quote_name(mapping->table->name);
    std::string sql;
    if (name == "update") {
      const Value* values = args.get(0, "values");
      const DictValue* d = values ? values->dict() : nullptr;
      if (!d) return unsupported("query.update() without a dict of values", span);
      std::vector<std::string> sets;
      for (const auto& [k, v] : d->items) {
        const OrmColumn* c = nullptr;
        if (k.str()) c = mapping->find_attr(*k.str());
        else if (auto col = k.as<ColumnClause>()) {
          for (const OrmColumn& m : mapping->columns) {
            if (m.column == col) c = &m;
          }
        }
        if (!c) return unsupported(fmt::format("query.update() of the key {}", to_repr(k)), span);
        auto value = sql_operand(v, c->column->type.get(), span);
        if (!value) return value.stop();
        sets.push_back(quote_name(c->column->name) + "=" + *value);
      }
      sql = fmt::format("UPDATE {} SET {}{}", table, fmt::join(sets, ", "), where);
    } else {
      sql = fmt::format("DELETE FROM {}{}", table, where);
    }
    auto count = run_counted(sql, "query." + name, span);
    if (!count) return count.stop();
    if (synchronizes(args, name == "update" ? 1 : 0)) {
      if (auto stop = synchronize_objects(*query->session, *mapping, name == "delete", span)) return *stop;
    }
    return Value(*count);
  }
  return unsupported(fmt::format("the ORM query call `{}`", text(span)), span);
}

} // namespace miglint::ops
