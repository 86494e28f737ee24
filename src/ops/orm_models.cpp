// Declarative ORM models defined in a revision: which classes are mapped, to which table
// and columns, and how their instances behave as Python objects (construction with keyword
// arguments, attribute reads that load expired values, attribute writes the session
// flushes).
#include "ops/interpreter.hpp"
#include "ops/orm.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

const OrmColumn* OrmMapping::find_attr(const std::string& attr) const
{
  for (const OrmColumn& c : columns) {
    if (c.attr == attr) return &c;
  }
  return nullptr;
}

std::vector<const OrmColumn*> OrmMapping::primary_key() const
{
  std::vector<const OrmColumn*> out;
  for (const OrmColumn& c : columns) {
    if (c.primary_key) out.push_back(&c);
  }
  return out;
}

std::shared_ptr<OrmMapping> orm_mapping(const Value& v)
{
  auto cls = v.as<ClassValue>();
  return cls ? std::dynamic_pointer_cast<OrmMapping>(cls->orm) : nullptr;
}

std::string orm_column_sql(const OrmColumn& c, ddl::Quoter quote)
{
  return quote(c.column->table) + "." + quote(c.column->name);
}

// The select of every mapped column of a model: `SELECT "t"."id", "t"."name" FROM "t"`.
SelectStatement entity_select(const std::shared_ptr<ClassValue>& cls, const OrmMapping& mapping,
                              ddl::Quoter quote)
{
  SelectStatement s;
  s.entity = cls;
  s.froms.push_back(quote(mapping.table->name));
  for (const OrmColumn& c : mapping.columns) s.add_column(orm_column_sql(c, quote), c.attr, c.column->type);
  return s;
}

std::shared_ptr<ClassValue> entity_class(const SelectStatement& s)
{
  return std::dynamic_pointer_cast<ClassValue>(s.entity);
}

bool same_identity(const std::vector<Value>& a, const std::vector<Value>& b)
{
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!equal(a[i], b[i])) return false;
  }
  return true;
}

namespace {

bool is_declarative_base_class(const Value& base)
{
  auto ns = base.as<Namespace>();
  if (!ns || !ns->path.starts_with("sqlalchemy.")) return false;
  const std::string leaf = ns->leaf();
  return leaf == "DeclarativeBase" || leaf == "DeclarativeBaseNoMeta";
}

std::string strip_spaces(std::string_view s)
{
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '"' && c != '\'') out += c;
  }
  return out;
}

// The inner type of `Mapped[...]` with Optional[X], Union[X, None] and `X | None` undone:
// "Mapped[Optional[datetime.datetime]]" -> "datetime.datetime"; "" when not Mapped.
std::string mapped_python_type(std::string_view annotation)
{
  std::string t = strip_spaces(annotation);
  const std::size_t open = t.find('[');
  if (open == std::string::npos || t.back() != ']') return {};
  const std::string head = t.substr(0, open);
  if (head != "Mapped" && !head.ends_with(".Mapped")) return {};
  t = t.substr(open + 1, t.size() - open - 2);
  for (const char* wrapper : {"Optional[", "typing.Optional["}) {
    if (t.starts_with(wrapper) && t.back() == ']') {
      t = t.substr(std::string_view(wrapper).size(), t.size() - std::string_view(wrapper).size() - 1);
    }
  }
  for (const char* wrapper : {"Union[", "typing.Union["}) {
    if (t.starts_with(wrapper) && t.back() == ']') {
      std::string inner =
          t.substr(std::string_view(wrapper).size(), t.size() - std::string_view(wrapper).size() - 1);
      if (inner.ends_with(",None")) t = inner.substr(0, inner.size() - 5);
      else if (inner.starts_with("None,")) t = inner.substr(5);
    }
  }
  if (t.ends_with("|None")) t = t.substr(0, t.size() - 5);
  if (t.starts_with("None|")) t = t.substr(5);
  return t;
}

// SQLAlchemy 2.0's default type_annotation_map. Another Python type (an enum class, an
// application type) maps to a type whose values miglint does not reproduce.
std::shared_ptr<SqlType> annotated_sql_type(const std::string& python_type)
{
  auto type = std::make_shared<SqlType>();
  type->module = "sqlalchemy";
  const std::string leaf = python_type.substr(python_type.rfind('.') + 1);
  static const std::pair<const char*, const char*> k_map[] = {
      {"int", "Integer"},     {"str", "String"},        {"bool", "Boolean"},
      {"float", "Float"},     {"datetime", "DateTime"}, {"date", "Date"},
      {"time", "Time"},       {"timedelta", "Interval"}, {"Decimal", "Numeric"},
      {"bytes", "LargeBinary"}, {"UUID", "Uuid"}};
  for (const auto& [py, sa] : k_map) {
    if (leaf == py) {
      type->name = sa;
      return type;
    }
  }
  type->name = python_type;
  type->module = "python";
  type->known = false;
  return type;
}

// The ColumnObj behind a class attribute: sa.Column / mapped_column, named or not.
std::shared_ptr<ColumnObj> declared_column(const Value& v)
{
  if (auto c = v.as<ColumnObj>()) return c;
  if (auto u = v.as<UnnamedColumn>()) return u->column;
  return nullptr;
}

bool is_orm_only(const Value& v)
{
  auto o = v.as<OpaqueCall>();
  return o && (o->path.starts_with("sqlalchemy.orm.") || o->path.starts_with("sqlalchemy.ext."));
}

// `__table_args__ = {"schema": "x"}` or `(..., {"schema": "x"})`.
bool names_schema(const Value* table_args)
{
  if (!table_args) return false;
  const DictValue* d = table_args->dict();
  if (const ListValue* l = table_args->list(); l && !l->items.empty()) d = l->items.back().dict();
  if (!d) return false;
  for (const auto& [k, v] : d->items) {
    if (k.str() && *k.str() == "schema" && !v.is_none()) return true;
  }
  return false;
}

} // namespace

std::optional<Stop> Interpreter::class_defined(const std::shared_ptr<ClassValue>& cls,
                                               const ClassDef& def)
{
  bool declarative = false;
  bool direct_base = false;
  std::vector<std::pair<std::string, std::shared_ptr<ColumnObj>>> declared;
  std::vector<std::string> ignored;
  // The columns a class body declares; a later declaration of a name replaces an earlier.
  auto declare_from = [&](const ClassValue& c) {
    for (const auto& [name, v] : c.attrs) {
      if (auto col = declared_column(v)) {
        std::erase_if(declared, [&](const auto& d) { return d.first == name; });
        declared.emplace_back(name, col);
      } else if (is_orm_only(v)) {
        ignored.push_back(name);
      }
    }
  };
  // Columns of mixins are copied into each mapped subclass.
  auto collect = [&](const ClassValue& c, auto& self) -> void {
    for (const Value& b : c.bases) {
      if (auto base = b.as<ClassValue>(); base && !orm_mapping(b)) self(*base, self);
    }
    declare_from(c);
  };
  for (const Value& b : cls->bases) {
    if (is_declarative_base_class(b)) {
      declarative = direct_base = true;
    } else if (auto m = orm_mapping(b)) {
      if (!m->is_base) {
        return unsupported(fmt::format("the ORM model {}, which inherits the mapped class {}",
                                       def.name, m->class_name),
                           def.name_span);
      }
      declarative = true;
    }
  }
  if (!declarative) return std::nullopt;
  for (const Value& b : cls->bases) {
    if (auto base = b.as<ClassValue>()) {
      if (auto m = orm_mapping(b)) {
        for (const OrmColumn& c : m->columns) {
          // An abstract base's columns, already resolved.
          auto col = std::make_shared<ColumnObj>();
          col->name = c.column->name;
          col->type = c.column->type;
          col->primary_key = c.primary_key;
          col->python_default = c.python_default;
          if (c.server_default) col->server_default = "";
          declared.emplace_back(c.attr, col);
        }
        ignored.insert(ignored.end(), m->ignored.begin(), m->ignored.end());
      } else {
        collect(*base, collect);
      }
    }
  }
  declare_from(*cls);
  // Annotations: `x: Mapped[int]` alone declares a column; they also type mapped_column().
  std::map<std::string, std::string> annotations;
  for (const StmtPtr& s : def.body) {
    const auto* a = s->as<AnnAssign>();
    const auto* n = a ? a->target->as<Name>() : nullptr;
    if (!n) continue;
    const std::string python_type = mapped_python_type(text(a->annotation->span));
    if (python_type.empty()) continue;
    annotations[n->id] = python_type;
    if (!a->value) {
      auto type = annotated_sql_type(python_type);
      const bool collection = python_type.find('[') != std::string::npos;
      if (collection || (!type->known && python_type.front() >= 'A' && python_type.front() <= 'Z')) {
        // `Mapped["Child"]`, `Mapped[List["Child"]]` without a value: a relationship.
        ignored.push_back(n->id);
        continue;
      }
      auto col = std::make_shared<ColumnObj>();
      col->type = type;
      declared.emplace_back(n->id, col);
    }
  }

  auto mapping = std::make_shared<OrmMapping>();
  mapping->class_name = def.name;
  mapping->ignored = ignored;
  // Only the class's own __tablename__ and __abstract__ count, not its bases'.
  const Value* tablename = nullptr;
  const Value* abstract = nullptr;
  for (const auto& [k, v] : cls->attrs) {
    if (k == "__tablename__") tablename = &v;
    if (k == "__abstract__") abstract = &v;
  }
  const bool is_base = (direct_base && !tablename) || (abstract && truthy(*abstract));
  mapping->is_base = is_base;
  if (!is_base && !tablename) {
    if (cls->attr("__table__")) {
      return unsupported(fmt::format("the ORM model {} declared with __table__", def.name),
                         def.name_span);
    }
    return failure(fmt::format("sqlalchemy.exc.InvalidRequestError: Class <class '{}'> does not "
                               "have a __table__ or __tablename__ specified and does not inherit "
                               "from an existing table-mapped class.",
                               def.name),
                   def.name_span);
  }
  if (!is_base && !tablename->str()) {
    return unsupported(fmt::format("the ORM model {} whose __tablename__ is not a string", def.name),
                       def.name_span);
  }
  if (!is_base && names_schema(cls->attr("__table_args__"))) {
    return unsupported(fmt::format("the ORM model {} in another schema", def.name), def.name_span);
  }
  // A declarative base has its MetaData (Base.metadata), which its mapped tables join.
  if (is_base && !cls->attr("metadata")) {
    cls->attrs.emplace_back("metadata", Value(ObjectPtr(std::make_shared<MetaDataObj>())));
  }
  auto table = std::make_shared<TableClause>();
  if (!is_base) table->name = *tablename->str();
  for (const auto& [attr, col] : declared) {
    OrmColumn c;
    c.attr = attr;
    c.primary_key = col->primary_key;
    c.server_default = col->server_default.has_value();
    c.python_default = col->python_default;
    c.column = std::make_shared<ColumnClause>();
    c.column->name = col->name.empty() ? attr : col->name;
    if (c.column->name != attr) c.column->key = attr;
    c.column->type = col->type;
    if (!c.column->type) {
      if (auto it = annotations.find(attr); it != annotations.end()) {
        c.column->type = annotated_sql_type(it->second);
      }
    }
    c.column->table = table->name;
    if (!is_base) table->columns.push_back(c.column);
    mapping->columns.push_back(c);
  }
  if (!is_base) {
    if (mapping->primary_key().empty()) {
      return failure(fmt::format("sqlalchemy.exc.ArgumentError: Mapper mapped class {}->{} could "
                                 "not assemble any primary key columns for mapped table '{}'",
                                 def.name, table->name, table->name),
                     def.name_span);
    }
    mapping->table = table;
    // Class-level access gives the columns: `M.name == "x"`, `session.query(M.id)`.
    for (const OrmColumn& c : mapping->columns) {
      std::erase_if(cls->attrs, [&](const auto& kv) { return kv.first == c.attr; });
      cls->attrs.emplace_back(c.attr, Value(ObjectPtr(c.column)));
    }
    cls->attrs.emplace_back("__table__", Value(ObjectPtr(table)));
    if (const Value* meta = cls->attr("metadata")) {
      if (auto m = meta->as<MetaDataObj>()) {
        std::erase_if(m->tables, [&](const auto& known) { return known->name == table->name; });
        m->tables.push_back(table);
      }
    }
  }
  cls->orm = mapping;
  return std::nullopt;
}

// M(name="x"): SQLAlchemy's default constructor sets the keyword arguments that are
// attributes of the class.
Flow<Value> Interpreter::construct_orm_object(const std::shared_ptr<ClassValue>& cls,
                                              const std::shared_ptr<OrmMapping>& mapping,
                                              CallArgs& args, const Expr& call)
{
  if (mapping->is_base) {
    return unsupported(fmt::format("an instance of the declarative base {}", cls->name), call.span);
  }
  for (const auto& [k, v] : cls->attrs) {
    if (k == "__init__") {
      return unsupported(fmt::format("the ORM model {} with its own __init__", cls->name), call.span);
    }
  }
  if (!args.args.empty()) {
    return failure(fmt::format("TypeError: __init__() takes 1 positional argument but {} were given",
                               args.args.size() + 1),
                   call.span);
  }
  auto obj = std::make_shared<OrmObject>();
  obj->cls = cls;
  obj->mapping = mapping;
  for (const auto& [k, v] : args.kwargs) {
    if (std::find(mapping->ignored.begin(), mapping->ignored.end(), k) != mapping->ignored.end()) {
      return unsupported(fmt::format("the relationship `{}` set when constructing {} (miglint "
                                     "does not evaluate relationships)",
                                     k, cls->name),
                         call.span);
    }
    if (!mapping->find_attr(k) && !cls->attr(k)) {
      return failure(fmt::format("TypeError: '{}' is an invalid keyword argument for {}", k, cls->name),
                     call.span);
    }
    obj->attrs[k] = v;
  }
  return Value(ObjectPtr(obj));
}

Flow<Value> Interpreter::orm_attribute(const std::shared_ptr<OrmObject>& obj, const std::string& name,
                                       const Expr& expr)
{
  if (const OrmColumn* c = obj->mapping->find_attr(name)) {
    if (auto it = obj->attrs.find(name); it != obj->attrs.end()) return it->second;
    if (obj->deferred.contains(name)) {
      return unsupported(fmt::format("`{}`, a column that load_only()/defer() left unloaded (SQLAlchemy "
                                     "loads it lazily on access)",
                                     text(expr.span)),
                         expr.span);
    }
    if (obj->state == OrmObject::State::transient || obj->state == OrmObject::State::pending) {
      return Value();
    }
    if (obj->state == OrmObject::State::detached || obj->state == OrmObject::State::deleted) {
      return failure(fmt::format("sqlalchemy.orm.exc.DetachedInstanceError: Instance <{} at 0x...> "
                                 "is not bound to a Session; attribute refresh operation cannot "
                                 "proceed",
                                 obj->mapping->class_name),
                     expr.span);
    }
    if (auto stop = refresh_orm_object(*obj, expr.span)) return *stop;
    return obj->attrs[c->attr];
  }
  if (auto it = obj->attrs.find(name); it != obj->attrs.end()) return it->second;
  if (std::find(obj->mapping->ignored.begin(), obj->mapping->ignored.end(), name) !=
      obj->mapping->ignored.end()) {
    return unsupported(fmt::format("the relationship `{}` (miglint does not load relationships)",
                                   text(expr.span)),
                       expr.span);
  }
  if (const Value* v = obj->cls->attr(name)) return bind_to_instance(Value(ObjectPtr(obj)), *v);
  return failure(fmt::format("AttributeError: '{}' object has no attribute '{}'",
                             obj->mapping->class_name, name),
                 expr.span);
}

std::optional<Stop> Interpreter::assign_attribute(const ObjectPtr& object, const std::string& name,
                                                  const Value& value, const Expr& target)
{
  auto obj = std::dynamic_pointer_cast<OrmObject>(object);
  if (!obj) return Evaluator::assign_attribute(object, name, value, target);
  if (std::find(obj->mapping->ignored.begin(), obj->mapping->ignored.end(), name) !=
      obj->mapping->ignored.end()) {
    return unsupported(fmt::format("assignment to the relationship `{}` (miglint does not evaluate "
                                   "relationships)",
                                   text(target.span)),
                       target.span);
  }
  obj->attrs[name] = value;
  obj->deferred.erase(name); // set without loading, as SQLAlchemy allows
  return std::nullopt;
}

} // namespace miglint::ops
