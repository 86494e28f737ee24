// The ORM Session of SQLAlchemy 1.4 bound to the migration's connection: loads read the
// live database into an identity map (one object per row; queries are in orm_query.cpp),
// and flush writes what changed
// since, in the order SQLAlchemy's unit of work does for tables without relationships:
// per table UPDATEs (changed attributes only) then INSERTs, then DELETEs. The migration's
// transaction stays open: commit() flushes and expires the objects, close() forgets them.
#include "ops/interpreter.hpp"
#include "ops/orm.hpp"
#include "ops/result_rows.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

bool is_callable_default(const Value& v)
{
  return v.as<FunctionValue>() || v.as<LambdaValue>() || v.as<BoundFunction>() ||
         v.as<BuiltinValue>() || v.as<Namespace>() || v.as<ClassValue>();
}

// An ORM result: one row per object, under the class name, as session.execute(select(M))
// returns it.
std::shared_ptr<ResultObj> object_result(const std::string& class_name,
                                         const std::vector<std::shared_ptr<OrmObject>>& objects)
{
  auto state = std::make_shared<ResultState>();
  state->returns_rows = true;
  state->keys = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{class_name});
  for (const auto& o : objects) {
    auto row = std::make_shared<RowObj>();
    row->keys = state->keys;
    row->values.push_back(Value(ObjectPtr(o)));
    state->rows.push_back(row);
  }
  auto r = std::make_shared<ResultObj>();
  r->state = state;
  return r;
}

} // namespace

std::optional<Stop> Interpreter::filter_by(const OrmMapping& mapping, const CallArgs& args,
                                           SelectStatement& select, Span span)
{
  for (const auto& [k, v] : args.kwargs) {
    const OrmColumn* c = mapping.find_attr(k);
    if (!c) {
      return failure(fmt::format("sqlalchemy.exc.InvalidRequestError: Entity namespace for \"{}\" "
                                 "has no property \"{}\"",
                                 mapping.table->name, k),
                     span);
    }
    if (v.is_none()) {
      select.where.push_back(orm_column_sql(*c, quoter()) + " IS NULL");
      continue;
    }
    auto sql = sql_operand(v, c->column->type.get(), span);
    if (!sql) return sql.stop();
    select.where.push_back(orm_column_sql(*c, quoter()) + " = " + *sql);
  }
  return std::nullopt;
}

std::optional<Stop> Interpreter::require_session_database(const SessionObj& session, Span span)
{
  if (!can_read()) return unsupported("an ORM Session offline (it reads and writes the database)", span);
  if (!session.bound) {
    return failure("sqlalchemy.exc.UnboundExecutionError: Could not locate a bind configured on "
                   "mapper or this Session",
                   span);
  }
  return std::nullopt;
}

std::optional<Stop> Interpreter::refresh_orm_object(OrmObject& obj, Span span)
{
  const OrmMapping& mapping = *obj.mapping;
  if (!obj.deferred.empty()) {
    // Which of its columns SQLAlchemy reloads then depends on the loader options kept
    // with the object: not evaluated.
    return unsupported(fmt::format("reloading the expired attributes of a {} object loaded with "
                                   "load_only()/defer()",
                                   mapping.class_name),
                       span);
  }
  SelectStatement s = entity_select(obj.cls, mapping, quoter());
  const auto pk = mapping.primary_key();
  for (std::size_t i = 0; i < pk.size() && i < obj.identity.size(); ++i) {
    auto sql = sql_operand(obj.identity[i], pk[i]->column->type.get(), span);
    if (!sql) return sql.stop();
    s.where.push_back(orm_column_sql(*pk[i], quoter()) + " = " + *sql);
  }
  SelectedColumns columns{s.keys, s.types};
  auto rows = read_select(render_select(s), columns, span);
  if (!rows) return rows.stop();
  if ((*rows)->rows.empty()) {
    return failure(fmt::format("sqlalchemy.orm.exc.ObjectDeletedError: Instance '<{} at 0x...>' has "
                               "been deleted, or its row is otherwise not present.",
                               mapping.class_name),
                   span);
  }
  const RowObj& row = *(*rows)->rows.front();
  for (std::size_t i = 0; i < mapping.columns.size(); ++i) {
    const std::string& attr = mapping.columns[i].attr;
    if (!obj.attrs.contains(attr)) {
      obj.attrs[attr] = row.values[i];
      obj.committed[attr] = row.values[i];
    }
  }
  return std::nullopt;
}

Flow<std::vector<std::shared_ptr<OrmObject>>>
Interpreter::load_objects(SessionObj& session, const SelectStatement& select, const Expr& call)
{
  const Span span = call.span;
  auto cls = entity_class(select);
  auto mapping = orm_mapping(Value(ObjectPtr(cls)));
  if (auto stop = require_session_database(session, span)) return *stop;
  if (session.autoflush) {
    if (auto stop = flush_session(session, call)) return *stop;
  }
  auto deferred = deferred_attributes(*mapping, select.loader_options, span);
  if (!deferred) return deferred.stop();
  SelectStatement narrowed = select;
  narrow_entity_select(narrowed, *deferred);
  SelectedColumns columns{narrowed.keys, narrowed.types};
  auto rows = read_select(render_select(narrowed), columns, span);
  if (!rows) return rows.stop();
  m_runs.push_back({"session.query", span, 0});
  const auto pk = mapping->primary_key();
  std::vector<std::shared_ptr<OrmObject>> out;
  for (const auto& row : (*rows)->rows) {
    std::vector<Value> identity;
    for (const OrmColumn* c : pk) identity.push_back(*row->find(c->attr));
    std::shared_ptr<OrmObject> obj;
    for (const auto& known : session.objects) {
      if (known->mapping == mapping && known->state == OrmObject::State::persistent &&
          same_identity(known->identity, identity)) {
        obj = known;
      }
    }
    if (!obj) {
      obj = std::make_shared<OrmObject>();
      obj->cls = cls;
      obj->mapping = mapping;
      obj->state = OrmObject::State::persistent;
      obj->identity = identity;
      session.objects.push_back(obj);
    }
    // An object already in the session keeps its values; expired ones are loaded, and
    // those the loader options left out stay unloaded.
    for (const OrmColumn& c : mapping->columns) {
      if (obj->attrs.contains(c.attr)) continue;
      const Value* v = row->find(c.attr);
      if (!v) {
        obj->deferred.insert(c.attr);
        continue;
      }
      obj->attrs[c.attr] = *v;
      obj->committed[c.attr] = *v;
      obj->deferred.erase(c.attr);
    }
    out.push_back(obj);
  }
  return out;
}

// UPDATE of the changed attributes, by primary key.
std::optional<Stop> Interpreter::flush_update(OrmObject& obj, Span span)
{
  const OrmMapping& mapping = *obj.mapping;
  std::vector<std::string> sets;
  std::vector<std::string> changed;
  for (const OrmColumn& c : mapping.columns) {
    auto it = obj.attrs.find(c.attr);
    if (it == obj.attrs.end()) continue;
    auto was = obj.committed.find(c.attr);
    if (was != obj.committed.end() && equal(was->second, it->second)) continue;
    auto sql = sql_operand(it->second, c.column->type.get(), span);
    if (!sql) return sql.stop();
    sets.push_back(quote_name(c.column->name) + "=" + *sql);
    changed.push_back(c.attr);
  }
  if (sets.empty()) return std::nullopt;
  std::vector<std::string> where;
  const auto pk = mapping.primary_key();
  for (std::size_t i = 0; i < pk.size(); ++i) {
    auto sql = sql_operand(obj.identity[i], pk[i]->column->type.get(), span);
    if (!sql) return sql.stop();
    where.push_back(orm_column_sql(*pk[i], quoter()) + " = " + *sql);
  }
  std::string sql = fmt::format("UPDATE {} SET {} WHERE {}", quote_name(mapping.table->name),
                                fmt::join(sets, ", "), fmt::join(where, " AND "));
  if (auto stop = run_sql(sql, "session.flush", span)) return stop;
  for (const std::string& attr : changed) {
    const Value v = obj.attrs[attr];
    if (v.object() && !v.as<OrmObject>() && (v.as<ColumnClause>() || v.as<SqlExpression>())) {
      // A SQL expression was written: its value is loaded again on access.
      obj.attrs.erase(attr);
      obj.committed.erase(attr);
    } else {
      obj.committed[attr] = v;
    }
  }
  for (std::size_t i = 0; i < pk.size(); ++i) {
    if (auto it = obj.committed.find(pk[i]->attr); it != obj.committed.end()) obj.identity[i] = it->second;
  }
  return std::nullopt;
}

// INSERT of a pending object: the attributes set (not None), Python-side defaults for the
// others, and an explicit NULL for a column with no default at all, as SQLAlchemy does.
std::optional<Stop> Interpreter::flush_insert(OrmObject& obj, const Expr& call)
{
  const Span span = call.span;
  const OrmMapping& mapping = *obj.mapping;
  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const OrmColumn& c : mapping.columns) {
    auto it = obj.attrs.find(c.attr);
    Value v;
    bool given = it != obj.attrs.end() && !it->second.is_none();
    if (given) {
      v = it->second;
    } else if (c.python_default) {
      auto made = python_default_value(c, call);
      if (!made) return made.stop();
      v = *made;
      obj.attrs[c.attr] = v;
      given = true;
    } else if (c.primary_key || c.server_default) {
      obj.attrs.erase(c.attr); // the database's value, loaded on access
      continue;
    } else {
      obj.attrs[c.attr] = Value();
    }
    auto sql = given ? sql_operand(v, c.column->type.get(), span) : Flow<std::string>(std::string("NULL"));
    if (!sql) return sql.stop();
    names.push_back(quote_name(c.column->name));
    values.push_back(*sql);
  }
  const std::string table = quote_name(mapping.table->name);
  const std::string sql = names.empty()
                              ? fmt::format("INSERT INTO {} DEFAULT VALUES", table)
                              : fmt::format("INSERT INTO {} ({}) VALUES ({})", table,
                                            fmt::join(names, ", "), fmt::join(values, ", "));
  const auto pk = mapping.primary_key();
  const OrmColumn* generated = nullptr; // the key column the database fills
  for (const OrmColumn* c : pk) {
    if (obj.attrs.contains(c->attr)) continue;
    if (pk.size() != 1) {
      return unsupported(fmt::format("an ORM insert into {} without its composite primary key",
                                     mapping.table->name),
                         span);
    }
    generated = c;
  }
  if (generated && m_pg) {
    // SQLAlchemy's PostgreSQL dialect reads the new key back with RETURNING.
    const std::string returning = fmt::format("{} RETURNING {}.{}", sql, table, quote_name(generated->column->name));
    auto rows = read_select(returning, {{generated->attr}, {generated->column->type}}, span);
    if (!rows) return rows.stop();
    m_runs.push_back({"session.flush", span, 0});
    if ((*rows)->rows.empty()) return failure("cannot read the inserted row's id", span);
    obj.attrs[generated->attr] = (*rows)->rows.front()->values.front();
  } else {
    if (auto stop = run_sql(sql, "session.flush", span)) return stop;
    if (generated) {
      // The rowid SQLite gave the row (an INTEGER PRIMARY KEY is the rowid).
      auto stmt = m_db->prepare("SELECT last_insert_rowid()");
      if (!stmt || !stmt->step()) return failure("cannot read the inserted row's id", span);
      obj.attrs[generated->attr] = Value(stmt->column_int(0));
    }
  }
  obj.identity.clear();
  for (const OrmColumn* c : pk) obj.identity.push_back(obj.attrs[c->attr]);
  for (const auto& [k, v] : obj.attrs) {
    if (mapping.find_attr(k)) obj.committed[k] = v;
  }
  obj.state = OrmObject::State::persistent;
  return std::nullopt;
}

// One row of bulk_insert_mappings / bulk_save_objects: the values given (None ones left
// out), Python-side defaults for the columns not given; no identity map.
std::optional<Stop> Interpreter::bulk_insert_row(const OrmMapping& mapping,
                                                 const std::vector<std::pair<std::string, Value>>& row,
                                                 const Expr& call)
{
  const Span span = call.span;
  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const OrmColumn& c : mapping.columns) {
    auto it = std::find_if(row.begin(), row.end(), [&](const auto& kv) { return kv.first == c.attr; });
    Value v;
    if (it != row.end() && !it->second.is_none()) {
      v = it->second;
    } else if (c.python_default) {
      auto made = python_default_value(c, call);
      if (!made) return made.stop();
      v = *made;
    } else {
      continue;
    }
    auto sql = sql_operand(v, c.column->type.get(), span);
    if (!sql) return sql.stop();
    names.push_back(quote_name(c.column->name));
    values.push_back(*sql);
  }
  const std::string table = quote_name(mapping.table->name);
  const std::string sql = names.empty() ? fmt::format("INSERT INTO {} DEFAULT VALUES", table)
                                        : fmt::format("INSERT INTO {} ({}) VALUES ({})", table,
                                                      fmt::join(names, ", "), fmt::join(values, ", "));
  return run_sql(sql, "session.bulk_insert", span);
}

Flow<Value> Interpreter::python_default_value(const OrmColumn& c, const Expr& call)
{
  if (!is_callable_default(*c.python_default)) return *c.python_default;
  CallArgs none;
  none.span = call.span;
  return call_value(*c.python_default, none, call);
}

std::optional<Stop> Interpreter::flush_session(SessionObj& session, const Expr& call)
{
  const Span span = call.span;
  const bool pending_work = std::any_of(session.objects.begin(), session.objects.end(), [](const auto& o) {
    return o->state != OrmObject::State::persistent || !o->attrs.empty();
  });
  if (!pending_work) return std::nullopt;
  if (auto stop = require_session_database(session, span)) return stop;
  // Tables in the order their objects joined the session.
  std::vector<std::shared_ptr<OrmMapping>> mappings;
  for (const auto& o : session.objects) {
    if (std::find(mappings.begin(), mappings.end(), o->mapping) == mappings.end()) mappings.push_back(o->mapping);
  }
  for (const auto& mapping : mappings) {
    for (const auto& o : session.objects) {
      if (o->mapping == mapping && o->state == OrmObject::State::persistent) {
        if (auto stop = flush_update(*o, span)) return stop;
      }
    }
    for (const auto& o : session.objects) {
      if (o->mapping == mapping && o->state == OrmObject::State::pending) {
        if (auto stop = flush_insert(*o, call)) return stop;
      }
    }
  }
  for (auto m = mappings.rbegin(); m != mappings.rend(); ++m) {
    for (const auto& o : session.objects) {
      if (o->mapping != *m || o->state != OrmObject::State::deleted) continue;
      std::vector<std::string> where;
      const auto pk = o->mapping->primary_key();
      for (std::size_t i = 0; i < pk.size(); ++i) {
        auto sql = sql_operand(o->identity[i], pk[i]->column->type.get(), span);
        if (!sql) return sql.stop();
        where.push_back(orm_column_sql(*pk[i], quoter()) + " = " + *sql);
      }
      const std::string sql = fmt::format("DELETE FROM {} WHERE {}", quote_name(o->mapping->table->name),
                                          fmt::join(where, " AND "));
      if (auto stop = run_sql(sql, "session.flush", span)) return stop;
      o->state = OrmObject::State::detached;
    }
  }
  std::erase_if(session.objects, [](const auto& o) { return o->state == OrmObject::State::detached; });
  return std::nullopt;
}

// After an UPDATE or DELETE of many rows: the session's objects of that table are loaded
// again on access (what synchronize_session="evaluate" or "fetch" leaves them at); deleted
// rows leave the session.
std::optional<Stop> Interpreter::synchronize_objects(SessionObj& session, const OrmMapping& mapping,
                                                     bool deleted, Span span)
{
  for (const auto& o : session.objects) {
    if (o->mapping.get() != &mapping || o->state != OrmObject::State::persistent) continue;
    o->attrs.clear();
    o->committed.clear();
    if (!deleted) continue;
    if (auto stop = refresh_orm_object(*o, span); stop && stop->kind == Stop::Kind::failed) {
      o->state = OrmObject::State::detached;
    } else if (stop) {
      return stop;
    }
  }
  std::erase_if(session.objects, [](const auto& o) { return o->state == OrmObject::State::detached; });
  return std::nullopt;
}

void Interpreter::expire_session(SessionObj& session)
{
  for (const auto& o : session.objects) {
    o->attrs.clear();
    o->committed.clear();
  }
}

void Interpreter::close_session(SessionObj& session)
{
  for (const auto& o : session.objects) o->state = OrmObject::State::detached;
  session.objects.clear();
}

Flow<Value> Interpreter::new_session(const Value* bind, const CallArgs& args, bool autoflush,
                                     bool expire_on_commit, Span span)
{
  auto session = std::make_shared<SessionObj>();
  if (bind && !bind->is_none()) {
    if (!bind->as<ConnectionObj>()) {
      return unsupported(fmt::format("an ORM Session bound to {} rather than the migration's "
                                     "connection",
                                     type_name(*bind)),
                         span);
    }
    session->bound = true;
  }
  session->autoflush = autoflush;
  session->expire_on_commit = expire_on_commit;
  if (const Value* v = args.kw("autoflush")) session->autoflush = truthy(*v);
  if (const Value* v = args.kw("expire_on_commit")) session->expire_on_commit = truthy(*v);
  return Value(ObjectPtr(session));
}

std::optional<Flow<Value>> Interpreter::call_orm_construct(const std::string& leaf, CallArgs& args,
                                                           const Expr& call)
{
  if (leaf == "Session") return new_session(args.get(0, "bind"), args, true, true, call.span);
  if (leaf == "sessionmaker") {
    auto factory = std::make_shared<SessionFactory>();
    const Value* bind = args.get(0, "bind");
    if (bind && !bind->is_none() && !bind->as<ConnectionObj>()) {
      return Flow<Value>(unsupported(fmt::format("an ORM sessionmaker bound to {} rather than the "
                                                 "migration's connection",
                                                 type_name(*bind)),
                                     call.span));
    }
    factory->bound = bind && bind->as<ConnectionObj>();
    if (const Value* v = args.kw("autoflush")) factory->autoflush = truthy(*v);
    if (const Value* v = args.kw("expire_on_commit")) factory->expire_on_commit = truthy(*v);
    return Flow<Value>(Value(ObjectPtr(factory)));
  }
  if (leaf == "scoped_session") {
    const Value* factory = args.get(0, "session_factory");
    auto f = factory ? factory->as<SessionFactory>() : nullptr;
    if (!f) return Flow<Value>(unsupported("scoped_session() of something other than a sessionmaker", call.span));
    auto session = std::make_shared<SessionObj>();
    session->bound = f->bound;
    session->autoflush = f->autoflush;
    session->expire_on_commit = f->expire_on_commit;
    session->scoped = true;
    return Flow<Value>(Value(ObjectPtr(session)));
  }
  if (leaf == "mapped_column") return column_object(args, call);
  // Relationship loaders (relationships are not evaluated), and the column loaders
  // load_only, defer and undefer, which narrow an entity query's SELECT
  // (orm_loader_options.cpp).
  static const char* const k_loader_options[] = {"undefer", "joinedload", "selectinload",
                                                 "subqueryload", "lazyload", "defaultload",
                                                 "immediateload", "load_only", "defer"};
  for (const char* option : k_loader_options) {
    if (leaf != option) continue;
    auto made = std::make_shared<LoaderOption>();
    made->name = leaf;
    if (made->narrows()) {
      if (!args.kwargs.empty()) {
        return Flow<Value>(unsupported(fmt::format("orm.{}() with keyword arguments", leaf), call.span));
      }
      made->columns = args.args;
    }
    return Flow<Value>(Value(ObjectPtr(made)));
  }
  if (leaf == "declarative_base") {
    auto base = std::make_shared<ClassValue>();
    base->name = "Base";
    auto mapping = std::make_shared<OrmMapping>();
    mapping->is_base = true;
    mapping->class_name = "Base";
    base->orm = mapping;
    // Base.metadata: the given MetaData or a new one; mapped tables join it.
    const Value* given = args.kw("metadata");
    if (given && !given->is_none() && !given->as<MetaDataObj>()) {
      return Flow<Value>(unsupported("declarative_base(metadata=...) of something other than a MetaData", call.span));
    }
    base->attrs.emplace_back("metadata", given && given->as<MetaDataObj>()
                                             ? *given
                                             : Value(ObjectPtr(std::make_shared<MetaDataObj>())));
    return Flow<Value>(Value(ObjectPtr(base)));
  }
  return std::nullopt;
}

std::optional<Flow<Value>> Interpreter::call_orm(const ObjectPtr& callee, CallArgs& args, const Expr& call)
{
  if (auto factory = std::dynamic_pointer_cast<SessionFactory>(callee)) {
    const Value* bind = args.kw("bind");
    Value bound = factory->bound ? Value(ObjectPtr(std::make_shared<ConnectionObj>())) : Value();
    return new_session(bind ? bind : &bound, args, factory->autoflush, factory->expire_on_commit, call.span);
  }
  if (auto session = std::dynamic_pointer_cast<SessionObj>(callee); session && session->scoped) {
    return Flow<Value>(Value(callee));
  }
  auto m = std::dynamic_pointer_cast<BoundMethod>(callee);
  if (!m) return std::nullopt;
  if (auto session = std::dynamic_pointer_cast<SessionObj>(m->self)) {
    return call_session(session, m->name, args, call);
  }
  if (auto query = std::dynamic_pointer_cast<OrmQuery>(m->self)) return call_query(query, m->name, args, call);
  if (auto factory = std::dynamic_pointer_cast<SessionFactory>(m->self)) {
    if (m->name == "configure") {
      if (const Value* bind = args.kw("bind")) factory->bound = bind->as<ConnectionObj>() != nullptr;
      return Flow<Value>(Value());
    }
    if (m->name == "begin") {
      Value bound = factory->bound ? Value(ObjectPtr(std::make_shared<ConnectionObj>())) : Value();
      auto made = new_session(&bound, args, factory->autoflush, factory->expire_on_commit, call.span);
      if (!made) return made;
      auto tx = std::make_shared<SessionTransaction>();
      tx->session = made->as<SessionObj>();
      tx->closes = true;
      tx->begun_at = &call;
      return Flow<Value>(Value(ObjectPtr(tx)));
    }
  }
  return std::nullopt;
}

Flow<Value> Interpreter::call_session(const std::shared_ptr<SessionObj>& session, const std::string& name,
                                      CallArgs& args, const Expr& call)
{
  const Span span = call.span;
  auto object_arg = [&](const Value* v) -> Flow<std::shared_ptr<OrmObject>> {
    auto obj = v ? v->as<OrmObject>() : nullptr;
    if (!obj) {
      return failure(fmt::format("sqlalchemy.orm.exc.UnmappedInstanceError: Class '{}' is not mapped",
                                 v ? type_name(*v) : "NoneType"),
                     span);
    }
    return obj;
  };
  auto add = [&](const std::shared_ptr<OrmObject>& obj) -> std::optional<Stop> {
    if (obj->state == OrmObject::State::transient) {
      obj->state = OrmObject::State::pending;
      session->objects.push_back(obj);
    } else if (obj->state == OrmObject::State::detached || obj->state == OrmObject::State::deleted) {
      return unsupported(fmt::format("adding a detached {} object to a Session again", obj->mapping->class_name),
                         span);
    } else if (std::find(session->objects.begin(), session->objects.end(), obj) == session->objects.end()) {
      return unsupported("an ORM object that belongs to another Session", span);
    }
    return std::nullopt;
  };
  if (name == "add") {
    auto obj = object_arg(args.get(0, "instance"));
    if (!obj) return obj.stop();
    if (auto stop = add(*obj)) return *stop;
    return Value();
  }
  if (name == "add_all") {
    const Value* items = args.get(0, "instances");
    if (!items) return failure("TypeError: add_all() missing 1 required positional argument: 'instances'", span);
    auto list = iterate(*items, call);
    if (!list) return list.stop();
    for (const Value& item : *list) {
      auto obj = object_arg(&item);
      if (!obj) return obj.stop();
      if (auto stop = add(*obj)) return *stop;
    }
    return Value();
  }
  if (name == "delete") {
    auto obj = object_arg(args.get(0, "instance"));
    if (!obj) return obj.stop();
    if ((*obj)->state != OrmObject::State::persistent) {
      return failure(fmt::format("sqlalchemy.exc.InvalidRequestError: Instance '<{} at 0x...>' is not "
                                 "persisted",
                                 (*obj)->mapping->class_name),
                     span);
    }
    (*obj)->state = OrmObject::State::deleted;
    return Value();
  }
  if (name == "flush") {
    if (auto stop = flush_session(*session, call)) return *stop;
    return Value();
  }
  if (name == "commit") {
    if (auto stop = flush_session(*session, call)) return *stop;
    if (session->expire_on_commit) expire_session(*session);
    return Value();
  }
  if (name == "close" || name == "expunge_all" || name == "remove") {
    close_session(*session);
    return Value();
  }
  if (name == "expire_all") {
    expire_session(*session);
    return Value();
  }
  if (name == "expire" || name == "refresh") {
    auto obj = object_arg(args.get(0, "instance"));
    if (!obj) return obj.stop();
    if (args.get(1, "attribute_names")) return unsupported(fmt::format("session.{} of some attributes", name), span);
    (*obj)->attrs.clear();
    (*obj)->committed.clear();
    if (name == "refresh") {
      if (auto stop = refresh_orm_object(**obj, span)) return *stop;
    }
    return Value();
  }
  if (name == "connection") {
    if (auto stop = require_session_database(*session, span)) return *stop;
    return Value(ObjectPtr(std::make_shared<ConnectionObj>()));
  }
  if (name == "bulk_insert_mappings" || name == "bulk_update_mappings" || name == "bulk_save_objects") {
    if (auto stop = require_session_database(*session, span)) return *stop;
    const bool objects = name == "bulk_save_objects";
    const Value* model = objects ? nullptr : args.get(0, "mapper");
    auto mapping = model ? orm_mapping(*model) : nullptr;
    if (!objects && (!mapping || mapping->is_base)) {
      return unsupported(fmt::format("`{}` of something other than a model", text(span)), span);
    }
    const Value* items = args.get(objects ? 0 : 1, objects ? "objects" : "mappings");
    if (!items) return unsupported(fmt::format("`{}` without rows", text(span)), span);
    auto list = iterate(*items, call);
    if (!list) return list.stop();
    for (const Value& item : *list) {
      if (objects) {
        auto obj = item.as<OrmObject>();
        if (!obj) return unsupported(fmt::format("bulk_save_objects() of {}", type_name(item)), span);
        if (obj->state == OrmObject::State::persistent) {
          if (auto stop = flush_update(*obj, span)) return *stop;
          continue;
        }
        std::vector<std::pair<std::string, Value>> row(obj->attrs.begin(), obj->attrs.end());
        if (auto stop = bulk_insert_row(*obj->mapping, row, call)) return *stop;
        continue;
      }
      const DictValue* d = item.dict();
      if (!d) return unsupported(fmt::format("{}() rows that are not dicts", name), span);
      std::vector<std::pair<std::string, Value>> row;
      for (const auto& [k, v] : d->items) {
        if (!k.str()) return unsupported(fmt::format("{}() keys that are not strings", name), span);
        row.emplace_back(*k.str(), v);
      }
      if (name == "bulk_insert_mappings") {
        if (auto stop = bulk_insert_row(*mapping, row, call)) return *stop;
        continue;
      }
      // bulk_update_mappings: every other key given is SET, by primary key.
      std::vector<std::string> sets;
      std::vector<std::string> where;
      for (const OrmColumn& c : mapping->columns) {
        auto it = std::find_if(row.begin(), row.end(), [&](const auto& kv) { return kv.first == c.attr; });
        if (it == row.end()) {
          if (c.primary_key) return unsupported("bulk_update_mappings() rows without their primary key", span);
          continue;
        }
        auto sql = sql_operand(it->second, c.column->type.get(), span);
        if (!sql) return sql.stop();
        (c.primary_key ? where : sets).push_back(c.primary_key ? orm_column_sql(c, quoter()) + " = " + *sql
                                                               : quote_name(c.column->name) + "=" + *sql);
      }
      if (sets.empty()) continue;
      const std::string sql = fmt::format("UPDATE {} SET {} WHERE {}", quote_name(mapping->table->name),
                                          fmt::join(sets, ", "), fmt::join(where, " AND "));
      if (auto stop = run_sql(sql, "session." + name, span)) return *stop;
    }
    return Value();
  }
  if (name == "begin") {
    auto tx = std::make_shared<SessionTransaction>();
    tx->session = session;
    tx->begun_at = &call;
    return Value(ObjectPtr(tx));
  }
  if (name == "query") {
    auto query = std::make_shared<OrmQuery>();
    query->session = session;
    for (const Value& e : args.args) {
      if (auto mapping = orm_mapping(e)) {
        if (mapping->is_base || args.args.size() > 1) {
          return unsupported(fmt::format("the ORM query `{}`", text(span)), span);
        }
        query->select = entity_select(std::dynamic_pointer_cast<ClassValue>(*e.object()), *mapping, quoter());
        continue;
      }
      auto sql = sql_operand(e, nullptr, span);
      if (!sql) return sql.stop();
      if (auto c = e.as<ColumnClause>()) {
        query->select.add_column(*sql, c->row_key(), c->type);
        if (!c->table.empty() && std::find(query->select.froms.begin(), query->select.froms.end(),
                                           quote_name(c->table)) == query->select.froms.end()) {
          query->select.froms.push_back(quote_name(c->table));
        }
      } else if (auto ex = e.as<SqlExpression>(); ex && !ex->label.empty()) {
        query->select.add_column(*sql, ex->label, ex->type);
      } else {
        return unsupported(fmt::format("the ORM query `{}`", text(span)), span);
      }
    }
    if (args.args.empty()) return failure("session.query() of nothing", span);
    return Value(ObjectPtr(query));
  }
  if (name == "get") {
    const Value* model = args.get(0, "entity");
    const Value* ident = args.get(1, "ident");
    auto mapping = model ? orm_mapping(*model) : nullptr;
    if (!mapping || mapping->is_base || !ident) return unsupported(fmt::format("the ORM call `{}`", text(span)), span);
    auto query = std::make_shared<OrmQuery>();
    query->session = session;
    query->select = entity_select(std::dynamic_pointer_cast<ClassValue>(*model->object()), *mapping, quoter());
    CallArgs get_args;
    get_args.args.push_back(*ident);
    get_args.span = span;
    return call_query(query, "get", get_args, call);
  }
  if (name == "execute" || name == "scalars" || name == "scalar") {
    const Value* statement = args.get(0, "statement");
    if (!statement) return unsupported(fmt::format("session.{}() without a statement", name), span);
    if (auto stop = require_session_database(*session, span)) return *stop;
    Value result;
    auto select = statement->as<SelectStatement>();
    if (select && select->mixed_entities) {
      return unsupported(fmt::format("session.{}() of a select of a model beside other columns or "
                                     "models",
                                     name),
                         span);
    }
    if (select && select->entity) {
      if (args.get(1, "params")) return unsupported("session.execute(select(Model), params)", span);
      auto objects = load_objects(*session, *select, call);
      if (!objects) return objects.stop();
      result = Value(ObjectPtr(object_result(entity_class(*select)->name, *objects)));
    } else {
      if (session->autoflush) {
        if (auto stop = flush_session(*session, call)) return *stop;
      }
      if (auto stop = execute(*statement, args.get(1, "params"), "session.execute", span)) return *stop;
      auto r = executed_result(span);
      if (!r) return r;
      result = *r;
      auto dml = statement->as<DmlStatement>();
      if (auto mapping = dml ? orm_mapping(Value(dml->entity)) : nullptr) {
        const bool deleted = dml->kind == DmlStatement::Kind::del;
        if (auto stop = synchronize_objects(*session, *mapping, deleted, span)) return *stop;
      }
    }
    if (name == "execute") return result;
    auto r = result.as<ResultObj>();
    if (!r) return result;
    CallArgs none;
    none.span = span;
    auto view = call_result(r, name == "scalars" ? "scalars" : "scalar", none, span);
    if (!view) return unsupported(fmt::format("session.{}()", name), span);
    return *view;
  }
  return unsupported(fmt::format("an ORM Session call `{}`", text(span)), span);
}

} // namespace miglint::ops
