// SQLAlchemy constructors as revision bodies call them: sa.Column, sa.ForeignKey, the
// table constraints, sa.Index, sa.text, sa.func.*, sa.true()/false(), sa.table/sa.column
// and types (generic, dialect, sqlmodel and unknown ones).
#include "ops/interpreter.hpp"

#include <algorithm>
#include <cctype>
#include "util/strings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace miglint::ops {

using namespace python;

namespace {

std::string leaf_of(const std::string& path)
{
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string parent_of(const std::string& path)
{
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

bool is_generic_type(const std::string& n)
{
  static const char* const k_types[] = {
      "Integer", "BigInteger", "SmallInteger", "String", "Unicode", "Text", "UnicodeText",
      "Boolean", "Date", "DateTime", "Time", "Interval", "Float", "Numeric", "LargeBinary",
      "PickleType", "Enum", "JSON", "Uuid", "UUID", "Double", "ARRAY", "TypeDecorator"};
  for (const char* t : k_types) {
    if (n == t) return true;
  }
  return !n.empty() && std::isupper(static_cast<unsigned char>(n[0])) &&
         std::all_of(n.begin(), n.end(), [](char c) {
           return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

std::string optional_str(const CallArgs& args, std::string_view key)
{
  const Value* v = args.kw(key);
  return v && v->str() ? *v->str() : std::string();
}

std::string sql_literal(const Value& v)
{
  if (auto s = v.str()) return ddl::quote_literal(*s);
  if (auto t = v.as<TextClause>()) return t->text;
  if (auto e = v.as<SqlExpression>()) return e->sql;
  if (auto b = v.boolean()) return *b ? "1" : "0";
  if (v.is_none()) return "NULL";
  return to_str(v);
}

// sa.Identity(always=False, start=..., increment=..., ...) as PostgreSQL's column clause.
std::shared_ptr<IdentityObj> identity_object(const CallArgs& args)
{
  auto identity = std::make_shared<IdentityObj>();
  const Value* always = args.get(0, "always");
  identity->ddl = fmt::format("GENERATED {} AS IDENTITY", always && truthy(*always) ? "ALWAYS" : "BY DEFAULT");
  std::vector<std::string> options;
  auto number = [&](std::size_t position, std::string_view key, std::string_view clause) {
    const Value* v = args.get(position, key);
    if (v && v->integer()) options.push_back(fmt::format("{} {}", clause, *v->integer()));
  };
  auto flag = [&](std::size_t position, std::string_view key, std::string_view yes, std::string_view no) {
    const Value* v = args.get(position, key);
    if (v && !v->is_none()) options.emplace_back(truthy(*v) ? yes : no);
  };
  number(3, "increment", "INCREMENT BY");
  number(2, "start", "START WITH");
  number(4, "minvalue", "MINVALUE");
  number(5, "maxvalue", "MAXVALUE");
  if (const Value* v = args.get(6, "nominvalue"); v && !v->is_none()) options.emplace_back("NO MINVALUE");
  if (const Value* v = args.get(7, "nomaxvalue"); v && !v->is_none()) options.emplace_back("NO MAXVALUE");
  number(9, "cache", "CACHE");
  flag(10, "order", "ORDER", "NO ORDER");
  flag(8, "cycle", "CYCLE", "NO CYCLE");
  if (!options.empty()) identity->ddl += " (" + fmt::format("{}", fmt::join(options, " ")) + ")";
  return identity;
}

} // namespace

std::shared_ptr<SqlType> to_type(const Value& v)
{
  if (auto t = v.as<SqlType>()) return t;
  if (auto ns = v.as<Namespace>()) {
    auto t = std::make_shared<SqlType>();
    t->name = ns->leaf();
    t->module = ns->known ? canonical_module(parent_of(ns->path)) : parent_of(ns->path);
    if (ns->known && parent_of(ns->path).starts_with("sqlmodel")) t->module = parent_of(ns->path);
    t->known = ns->known;
    return t;
  }
  if (auto o = v.as<OpaqueCall>()) {
    auto t = std::make_shared<SqlType>();
    t->name = leaf_of(o->path);
    t->module = parent_of(o->path);
    t->known = false;
    return t;
  }
  return nullptr;
}

// sa.Column(...) and sqlalchemy.orm.mapped_column(...).
Flow<Value> Interpreter::column_object(CallArgs& args, const Expr& call)
{
  auto c = std::make_shared<ColumnObj>();
  std::size_t i = 0;
  if (!args.args.empty() && args.args[0].str()) {
    c->name = *args.args[0].str();
    i = 1;
  } else if (const Value* n = args.kw("name"); n && n->str()) {
    c->name = *n->str();
  }
  for (; i < args.args.size(); ++i) {
    const Value& a = args.args[i];
    if (auto fk = a.as<ForeignKeyObj>()) {
      c->foreign_keys.push_back(fk);
    } else if (auto ck = a.as<ConstraintObj>()) {
      c->checks.push_back(ck->def);
    } else if (auto t = to_type(a)) {
      c->type = t;
    } else if (auto identity = a.as<IdentityObj>()) {
      c->identity = identity->ddl;
    } else if (auto sequence = a.as<SequenceObj>()) {
      c->sequence = sequence;
    } else if (a.as<SqlExpression>() || a.as<TextClause>()) {
      // Sequence/Identity-like arguments: nothing on SQLite.
    } else if (auto ns = a.as<Namespace>(); ns) {
    } else if (auto cls = a.as<ClassValue>()) {
      // A TypeDecorator class rather than an instance: Column instantiates it.
      CallArgs none;
      none.span = args.span;
      auto made = decorated_type(cls, none, call);
      std::shared_ptr<SqlType> t;
      if (made && *made) t = to_type(**made);
      if (made && !*made) return made->stop();
      if (!t) return unsupported(fmt::format("Column argument of type {}", type_name(a)), args.span);
      c->type = t;
    } else {
      return unsupported(fmt::format("Column argument of type {}", type_name(a)), args.span);
    }
  }
  if (const Value* t = args.kw("type_")) c->type = to_type(*t);
  if (const Value* v = args.kw("nullable")) c->nullable = truthy(*v);
  if (const Value* v = args.kw("primary_key")) c->primary_key = truthy(*v);
  if (const Value* v = args.kw("unique")) c->unique = truthy(*v);
  if (const Value* v = args.kw("index")) c->index = truthy(*v);
  if (const Value* v = args.kw("server_default")) {
    auto d = server_default(*v, args.span);
    if (!d) return d.stop();
    c->server_default = *d;
    c->server_default_is_clause = v->as<TextClause>() || v->as<SqlExpression>();
  }
  if (const Value* v = args.kw("default")) c->python_default = *v;
  if (const Value* v = args.kw("autoincrement")) c->autoincrement = *v;
  if (const Value* v = args.kw("comment"); v && v->str()) c->comment = *v->str();
  if (c->name.empty()) {
    // Named by the attribute it is assigned to in an ORM model; not a table element.
    auto unnamed = std::make_shared<UnnamedColumn>();
    unnamed->column = c;
    return Value(ObjectPtr(unnamed));
  }
  return Value(ObjectPtr(c));
}

Flow<Value> Interpreter::call_sqlalchemy(const std::string& path, CallArgs& args, const Expr& call)
{
  const std::string module = canonical_module(parent_of(path));
  const std::string leaf = leaf_of(path);
  const bool in_func = parent_of(path).ends_with(".func") || parent_of(path) == "sqlalchemy.func";

  if (in_func) {
    auto e = std::make_shared<SqlExpression>();
    static const char* const k_bare[] = {"now", "current_timestamp", "current_date",
                                         "current_time", "localtimestamp"};
    for (const char* b : k_bare) {
      if (leaf == b && args.args.empty()) {
        if (postgresql()) {
          // PostgreSQL has now() itself; the others are its SQL keywords.
          e->sql = leaf == "now" ? std::string("now()") : util::to_upper(leaf);
          return Value(ObjectPtr(e));
        }
        e->sql = leaf == "now" || leaf == "localtimestamp" ? "CURRENT_TIMESTAMP" : leaf;
        for (char& c : e->sql) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return Value(ObjectPtr(e));
      }
    }
    std::vector<std::string> parts;
    for (const Value& a : args.args) {
      if (a.as<ColumnClause>() || a.as<SelectStatement>() ||
          (a.as<SqlExpression>() && a.as<SqlExpression>()->compound)) {
        auto operand = sql_operand(a, nullptr, args.span);
        if (!operand) return operand.stop();
        parts.push_back(*operand);
      } else {
        if (!unknown_reason(a).empty()) {
          return unsupported(fmt::format("sa.func.{} of {}", leaf, unknown_reason(a)), args.span);
        }
        parts.push_back(sql_literal(a));
      }
    }
    e->sql = fmt::format("{}({})", leaf, fmt::join(parts, ", "));
    return Value(ObjectPtr(e));
  }
  if (module == "sqlalchemy" || module == "sqlmodel") {
    if (auto r = call_sql_construct(path, leaf, args, call)) return std::move(*r);
    if (leaf == "Column") return column_object(args, call);
    if (leaf == "ForeignKey") {
      auto fk = std::make_shared<ForeignKeyObj>();
      const Value* target = args.get(0, "column");
      if (!target || !target->str()) return unsupported("ForeignKey target that is not a string", args.span);
      fk->target = *target->str();
      fk->name = optional_str(args, "name");
      fk->ondelete = optional_str(args, "ondelete");
      fk->onupdate = optional_str(args, "onupdate");
      fk->initially = optional_str(args, "initially");
      if (const Value* d = args.kw("deferrable"); d && !d->is_none()) fk->deferrable = truthy(*d);
      if (const Value* a = args.kw("use_alter")) fk->use_alter = truthy(*a);
      return Value(ObjectPtr(fk));
    }
    if (leaf == "PrimaryKeyConstraint" || leaf == "UniqueConstraint") {
      auto c = std::make_shared<ConstraintObj>();
      c->def.kind = leaf == "UniqueConstraint" ? ddl::ConstraintDef::Kind::unique
                                               : ddl::ConstraintDef::Kind::primary_key;
      std::vector<std::string> columns;
      for (const Value& a : args.args) {
        if (auto s = a.str()) columns.push_back(*s);
        else if (auto col = a.as<ColumnObj>()) columns.push_back(col->name);
        else return unsupported(fmt::format("{} column of type {}", leaf, type_name(a)), args.span);
      }
      c->def.columns = columns;
      c->def.name = optional_str(args, "name");
      return Value(ObjectPtr(c));
    }
    if (leaf == "CheckConstraint") {
      auto c = std::make_shared<ConstraintObj>();
      c->def.kind = ddl::ConstraintDef::Kind::check;
      const Value* text = args.get(0, "sqltext");
      if (!text || !(text->str() || text->as<TextClause>())) {
        return unsupported("CheckConstraint with an SQL expression object", args.span);
      }
      c->def.sqltext = text->str() ? *text->str() : text->as<TextClause>()->text;
      c->def.name = optional_str(args, "name");
      return Value(ObjectPtr(c));
    }
    if (leaf == "ForeignKeyConstraint") {
      auto c = std::make_shared<ConstraintObj>();
      c->def.kind = ddl::ConstraintDef::Kind::foreign_key;
      auto local = names(args.get(0, "columns"), args.span, "columns");
      if (!local) return local.stop();
      auto remote = names(args.get(1, "refcolumns"), args.span, "refcolumns");
      if (!remote) return remote.stop();
      c->def.columns = *local;
      for (const std::string& r : *remote) {
        const auto dot = r.rfind('.');
        if (dot == std::string::npos) return unsupported("refcolumns without a table", args.span);
        c->def.ref_table = r.substr(0, dot);
        c->def.ref_columns.push_back(r.substr(dot + 1));
      }
      c->def.name = optional_str(args, "name");
      c->def.ondelete = optional_str(args, "ondelete");
      c->def.onupdate = optional_str(args, "onupdate");
      c->def.initially = optional_str(args, "initially");
      if (const Value* d = args.kw("deferrable"); d && !d->is_none()) c->def.deferrable = truthy(*d);
      if (const Value* a = args.kw("use_alter")) c->def.use_alter = truthy(*a);
      return Value(ObjectPtr(c));
    }
    if (leaf == "Index") {
      auto ix = std::make_shared<IndexObj>();
      const Value* name = args.get(0, "name");
      if (!name || !name->str()) return unsupported("Index without a literal name", args.span);
      ix->def.name = *name->str();
      std::vector<Value> cols(args.args.begin() + 1, args.args.end());
      const Value list = make_list(cols);
      auto elements = index_elements(&list, args.span);
      if (!elements) return elements.stop();
      ix->def.elements = *elements;
      if (const Value* u = args.kw("unique")) ix->def.unique = truthy(*u);
      if (const Value* where = args.kw("sqlite_where"); where && !where->is_none()) {
        if (auto t = where->as<TextClause>()) ix->def.where = t->text;
        else return unsupported("sqlite_where that is not sa.text()", args.span);
      }
      return Value(ObjectPtr(ix));
    }
    if (leaf == "text" || leaf == "literal_column") {
      const Value* t = args.get(0, "text");
      if (!t || !t->str()) return unsupported(fmt::format("sa.{}() of a non-string", leaf), args.span);
      if (leaf == "literal_column") {
        auto e = std::make_shared<SqlExpression>();
        e->sql = *t->str();
        return Value(ObjectPtr(e));
      }
      auto tc = std::make_shared<TextClause>();
      tc->text = *t->str();
      return Value(ObjectPtr(tc));
    }
    if (leaf == "true" || leaf == "false" || leaf == "null") {
      auto e = std::make_shared<SqlExpression>();
      if (postgresql()) e->sql = leaf == "true" ? "true" : leaf == "false" ? "false" : "NULL";
      else e->sql = leaf == "true" ? "1" : leaf == "false" ? "0" : "NULL";
      return Value(ObjectPtr(e));
    }
    if (leaf == "table") {
      auto t = std::make_shared<TableClause>();
      const Value* name = args.get(0, "name");
      if (!name || !name->str()) return unsupported("sa.table() without a literal name", args.span);
      t->name = *name->str();
      for (std::size_t i = 1; i < args.args.size(); ++i) {
        auto c = args.args[i].as<ColumnClause>();
        if (!c) return unsupported("sa.table() element that is not sa.column()", args.span);
        t->columns.push_back(c);
      }
      return Value(ObjectPtr(t));
    }
    if (leaf == "column") {
      auto c = std::make_shared<ColumnClause>();
      const Value* name = args.get(0, "text");
      if (!name || !name->str()) return unsupported("sa.column() without a literal name", args.span);
      c->name = *name->str();
      if (const Value* t = args.get(1, "type_")) c->type = to_type(*t);
      return Value(ObjectPtr(c));
    }
    if (leaf == "Identity") return Value(ObjectPtr(identity_object(args))); // no effect on SQLite
    if (leaf == "Sequence") {
      auto e = std::make_shared<SequenceObj>();
      if (const Value* optional = args.kw("optional")) e->optional = truthy(*optional);
      return Value(ObjectPtr(e)); // no effect on SQLite
    }
  }
  if (is_generic_type(leaf) || module.starts_with("sqlalchemy.dialects.") || module == "sqlmodel") {
    if (!std::isupper(static_cast<unsigned char>(leaf.empty() ? 'a' : leaf[0]))) {
      return unsupported(fmt::format("call of `{}`", path), call.span);
    }
    auto t = std::make_shared<SqlType>();
    t->name = leaf;
    t->module = module == "sqlmodel" ? parent_of(path) : module;
    t->args = args.args;
    t->kwargs = args.kwargs;
    return Value(ObjectPtr(t));
  }
  return unsupported(fmt::format("call of `{}` (`{}`)", path, text(call.span)), call.span);
}

std::shared_ptr<TableClause> created_table_clause(const std::string& name,
                                                  const std::vector<Value>& items)
{
  auto table = std::make_shared<TableClause>();
  table->name = name;
  for (const Value& item : items) {
    if (auto c = item.as<ColumnObj>()) {
      auto column = std::make_shared<ColumnClause>();
      column->name = c->name;
      column->type = c->type;
      table->columns.push_back(column);
    }
  }
  return table;
}

} // namespace miglint::ops
