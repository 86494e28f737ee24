// op.* as Alembic 1.8 carries each out on SQLite (SQLAlchemy 1.4 DDL). Operations SQLite
// cannot do outside batch mode fail the way Alembic fails: constraint changes raise
// Alembic's NotImplementedError, and ALTER COLUMN statements are sent to SQLite, which
// rejects them.
#include "ops/add_column.hpp"
#include "ops/batch.hpp"
#include "ops/interpreter.hpp"
#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"
#include "util/strings.hpp"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <map>

namespace miglint::ops {

using namespace python;

namespace {

constexpr const char* k_no_alter_constraints =
    "NotImplementedError: No support for ALTER of constraints in SQLite dialect. Please refer to "
    "the batch mode feature which allows for SQLite migrations using a copy-and-move strategy.";

const std::string* str_arg(const CallArgs& args, std::size_t position, std::string_view name)
{
  const Value* v = args.get(position, name);
  return v ? v->str() : nullptr;
}


} // namespace

namespace {

bool type_is(const SqlType* type, std::initializer_list<std::string_view> names)
{
  if (!type || !type->known || !type->module.starts_with("sqlalchemy")) return false;
  for (auto n : names) {
    if (type->name == n) return true;
  }
  return false;
}

// Types whose SQLite bind processor is float(): Numeric and its kin.
bool float_bound(const SqlType* type)
{
  return type_is(type, {"Numeric", "Float", "Double", "NUMERIC", "DECIMAL", "FLOAT", "REAL", "DOUBLE",
                        "DOUBLE_PRECISION"});
}

// Python's float() of a string: optional blanks around a decimal or inf/nan.
std::optional<double> parse_float(const std::string& text)
{
  const auto first = text.find_first_not_of(" \t\n\r\f\v");
  if (first == std::string::npos) return std::nullopt;
  const auto last = text.find_last_not_of(" \t\n\r\f\v");
  const std::string core = text.substr(first, last - first + 1);
  char* end = nullptr;
  const double d = std::strtod(core.c_str(), &end);
  if (end != core.c_str() + core.size() || core.find_first_of("xX") != std::string::npos) {
    return std::nullopt;
  }
  return d;
}

// A double as an SQLite literal that reads back as the same REAL (never an INTEGER
// literal: 3.0 stored in a TEXT column is '3.0', as when Python binds a float).
std::string real_literal(double d)
{
  if (std::isnan(d)) return "NULL"; // Python's sqlite3 binds NaN as NULL
  if (std::isinf(d)) return d > 0 ? "9e999" : "-9e999";
  std::string s = fmt::format("{:.17g}", d);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

} // namespace

namespace {

// The class name whose bind processor applies ("DateTime"), "" for none.
std::string processor_type(const SqlType* type)
{
  if (!type || !type->known || !type->module.starts_with("sqlalchemy")) return {};
  return type->name;
}

// A bytes, date or Decimal value inside a JSON document: json.dumps refuses it.
const Object* unserializable(const Value& v)
{
  if (v.as<BytesValue>() || v.as<TemporalValue>() || v.as<DecimalValue>()) return v.object()->get();
  if (auto l = v.list()) {
    for (const Value& item : l->items) {
      if (auto o = unserializable(item)) return o;
    }
  }
  if (auto d = v.dict()) {
    for (const auto& kv : d->items) {
      if (auto o = unserializable(kv.second)) return o;
    }
  }
  return nullptr;
}

// The required parameters of Alembic 1.8's op.* functions that a call leaves out, which
// Python refuses with a TypeError before Alembic runs anything.
std::vector<std::string> missing_op_arguments(const std::string& name, const CallArgs& args)
{
  static const std::map<std::string, std::vector<std::string>> k_required = {
    {"create_table", {"table_name"}},
    {"drop_table", {"table_name"}},
    {"add_column", {"table_name", "column"}},
    {"drop_column", {"table_name", "column_name"}},
    {"alter_column", {"table_name", "column_name"}},
    {"rename_table", {"old_table_name", "new_table_name"}},
    {"create_index", {"index_name", "table_name", "columns"}},
    {"drop_index", {"index_name"}},
    {"create_unique_constraint", {"constraint_name", "table_name", "columns"}},
    {"create_primary_key", {"constraint_name", "table_name", "columns"}},
    {"create_check_constraint", {"constraint_name", "table_name", "condition"}},
    {"create_foreign_key",
     {"constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"}},
    {"drop_constraint", {"constraint_name", "table_name"}},
    {"create_table_comment", {"table_name", "comment"}},
    {"drop_table_comment", {"table_name"}},
    {"execute", {"sqltext"}},
    {"bulk_insert", {"table", "rows"}},
  };
  std::vector<std::string> missing;
  auto it = k_required.find(name);
  if (it == k_required.end()) return missing;
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    if (!args.get(i, it->second[i])) missing.push_back(it->second[i]);
  }
  return missing;
}

// Python's list of names in a TypeError: 'a', 'a' and 'b', 'a', 'b', and 'c'.
std::string python_name_list(const std::vector<std::string>& names)
{
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + names[i] + "'";
  }
  return out;
}

} // namespace

std::string bind_error(const Value& v, const SqlType* type)
{
  if (auto bound = bind_stdlib(v, processor_type(type))) return bound->error;
  if (type && (type->name == "JSON" || type->name == "JSONB")) {
    if (const Object* o = unserializable(v)) {
      std::string name = "Decimal";
      if (dynamic_cast<const BytesValue*>(o)) name = "bytes";
      if (auto t = dynamic_cast<const TemporalValue*>(o)) name = t->python_type().substr(9);
      return fmt::format("TypeError: Object of type {} is not JSON serializable", name);
    }
  }
  if (!type || v.is_none() || v.as<TextClause>() || v.as<SqlExpression>()) return {};
  if (type_is(type, {"Date", "DATE"})) {
    return "TypeError: SQLite Date type only accepts Python date objects as input.";
  }
  if (type_is(type, {"DateTime", "DATETIME", "TIMESTAMP"})) {
    return "TypeError: SQLite DateTime type only accepts Python datetime and date objects as input.";
  }
  if (type_is(type, {"Time", "TIME"})) {
    return "TypeError: SQLite Time type only accepts Python time objects as input.";
  }
  if (type_is(type, {"Interval"})) {
    return fmt::format("TypeError: unsupported operand type(s) for +: 'datetime.datetime' and '{}'",
                       type_name(v));
  }
  if (type_is(type, {"LargeBinary", "BLOB", "BINARY", "VARBINARY", "_Binary"})) {
    return fmt::format("TypeError: memoryview: a bytes-like object is required, not '{}'", type_name(v));
  }
  if (type_is(type, {"Boolean", "BOOLEAN"}) && !v.boolean()) {
    if (auto i = v.integer(); i && (*i == 0 || *i == 1)) return {};
    if (v.integer()) return fmt::format("ValueError: Value {} is not None, True, or False", *v.integer());
    return fmt::format("TypeError: Not a boolean value: {}", to_repr(v));
  }
  if (float_bound(type)) {
    if (auto str = v.str(); str && !parse_float(*str)) {
      return fmt::format("ValueError: could not convert string to float: {}", to_repr(v));
    }
    if (v.list() || v.dict()) {
      return fmt::format("TypeError: float() argument must be a string or a real number, not '{}'",
                         type_name(v));
    }
  }
  if (type_is(type, {"Enum", "ENUM"}) && !v.str() && !v.as<EnumMember>()) {
    return fmt::format("LookupError: '{}' is not among the defined enum values", to_str(v));
  }
  return {};
}

// A value as an SQL literal bound the way SQLAlchemy binds it for the column's type.
std::optional<std::string> data_literal(const Value& v, const SqlType* type)
{
  if (auto bound = bind_stdlib(v, processor_type(type))) return bound->literal;
  const bool json = type && (type->name == "JSON" || type->name == "JSONB");
  if (json) return ddl::quote_literal(json_dumps(v, false, nullptr));
  if (v.is_none()) return "NULL";
  if (float_bound(type)) {
    // float(value): Numeric, Float and the like bind REALs on SQLite.
    if (auto b = v.boolean()) return real_literal(*b ? 1.0 : 0.0);
    if (auto i = v.integer()) return real_literal(static_cast<double>(*i));
    if (auto str = v.str()) {
      if (auto d = parse_float(*str)) return real_literal(*d);
    }
  }
  if (auto b = v.boolean()) return *b ? "1" : "0";
  if (auto i = v.integer()) return std::to_string(*i);
  if (auto d = v.floating()) return real_literal(*d);
  return common_literal(v);
}

std::optional<std::string> common_literal(const Value& v)
{
  if (v.is_none()) return "NULL";
  if (auto s = v.str()) return util::sql_string_literal(*s);
  if (auto t = v.as<TextClause>()) return t->text;
  if (auto e = v.as<SqlExpression>()) return e->sql;
  if (auto m = v.as<EnumMember>()) return util::sql_string_literal(m->name);
  return std::nullopt;
}

Flow<Value> Interpreter::call_op(const std::string& name, CallArgs& args, const Expr& call)
{
  const Span span = call.span;
  if (name == "f") {
    const Value* v = args.get(0, "name");
    return v ? *v : Value();
  }
  if (name == "inline_literal") {
    const Value* v = args.get(0, "value");
    auto lit = v ? data_literal(*v, nullptr) : std::nullopt;
    if (!lit) return unsupported("op.inline_literal of a non-literal", span);
    auto e = std::make_shared<SqlExpression>();
    e->sql = *lit;
    return Value(ObjectPtr(e));
  }
  if (name == "get_bind") {
    return Value(ObjectPtr(std::make_shared<ConnectionObj>()));
  }
  if (auto missing = missing_op_arguments(name, args); !missing.empty()) {
    return failure(fmt::format("TypeError: {}() missing {} required positional argument{}: {}", name,
                               missing.size(), missing.size() == 1 ? "" : "s",
                               python_name_list(missing)),
                   span);
  }
  if (postgresql() && is_postgresql_native_op(name)) return call_postgresql_op(name, args, call);
  count_op();
  const std::string label = "op." + name;
  if (name == "create_table") {
    const std::string* table = str_arg(args, 0, "table_name");
    if (!table) return unsupported("op.create_table without a literal table name", span);
    std::vector<Value> items(args.args.begin() + 1, args.args.end());
    std::vector<ddl::IndexDef> indexes;
    auto def = table_def(*table, items, args, indexes);
    if (!def) return def.stop();
    if (auto stop = run_sql(ddl::render_create_table(*def), label, span)) return *stop;
    for (const auto& ix : indexes) {
      if (auto stop = run_sql(ddl::render_create_index(ix), label, span)) return *stop;
    }
    return Value(ObjectPtr(created_table_clause(*table, items)));
  }
  if (name == "drop_table") {
    const std::string* table = str_arg(args, 0, "table_name");
    if (!table) return unsupported("op.drop_table without a literal table name", span);
    if (auto stop = run_sql("DROP TABLE " + ddl::quote(*table), label, span)) return *stop;
    return Value();
  }
  if (name == "rename_table") {
    const std::string* old_name = str_arg(args, 0, "old_table_name");
    const std::string* new_name = str_arg(args, 1, "new_table_name");
    if (!old_name || !new_name) return unsupported("op.rename_table without literal names", span);
    if (auto stop = run_sql(fmt::format("ALTER TABLE {} RENAME TO {}", ddl::quote(*old_name),
                                        ddl::quote(*new_name)),
                            label, span)) {
      return *stop;
    }
    return Value();
  }
  if (name == "add_column") {
    const std::string* table = str_arg(args, 0, "table_name");
    const Value* cv = args.get(1, "column");
    auto column = cv ? cv->as<ColumnObj>() : nullptr;
    if (!table || !column) return unsupported("op.add_column without a table name and sa.Column", span);
    auto def = column_def(*column, span);
    if (!def) return def.stop();
    ddl::TableDef t;
    t.name = *table;
    for (const auto& sql : add_column_statements(db(), *table, ddl::render_column(*def, t))) {
      if (auto stop = run_sql(sql, label, span)) return *stop;
    }
    const bool unique_constraint = column->unique.value_or(false) && !column->index.value_or(false);
    // (The column's CHECKs went into its definition: ADD COLUMN z INTEGER CHECK (z > 0).)
    if (unique_constraint || !column->foreign_keys.empty()) {
      return failure(k_no_alter_constraints, span);
    }
    if (column->index.value_or(false)) {
      ddl::IndexDef ix;
      ix.name = "ix_" + *table + "_" + column->name;
      ix.table = *table;
      ix.elements = {ddl::quote(column->name)};
      ix.unique = column->unique.value_or(false);
      if (auto stop = run_sql(ddl::render_create_index(ix), label, span)) return *stop;
    }
    return Value();
  }
  if (name == "drop_column") {
    const std::string* table = str_arg(args, 0, "table_name");
    const std::string* column = str_arg(args, 1, "column_name");
    if (!table || !column) return unsupported("op.drop_column without literal names", span);
    if (auto stop = run_sql(fmt::format("ALTER TABLE {} DROP COLUMN {}", ddl::quote(*table),
                                        ddl::quote(*column)),
                            label, span)) {
      return *stop;
    }
    return Value();
  }
  if (name == "alter_column") {
    const std::string* table = str_arg(args, 0, "table_name");
    const std::string* column = str_arg(args, 1, "column_name");
    if (!table || !column) return unsupported("op.alter_column without literal names", span);
    const std::string prefix =
        fmt::format("ALTER TABLE {} ALTER COLUMN {} ", ddl::quote(*table), ddl::quote(*column));
    if (const Value* n = args.kw("nullable"); n && !n->is_none()) {
      if (auto stop = run_sql(prefix + (truthy(*n) ? "DROP NOT NULL" : "SET NOT NULL"), label, span)) {
        return *stop;
      }
    }
    if (const Value* d = args.kw("server_default"); d && !(d->boolean() && !*d->boolean())) {
      auto rendered = server_default(*d, span);
      if (!rendered) return rendered.stop();
      const std::string sql = *rendered ? prefix + "SET DEFAULT " + **rendered : prefix + "DROP DEFAULT";
      if (auto stop = run_sql(sql, label, span)) return *stop;
    }
    if (const Value* t = args.kw("type_"); t && !t->is_none()) {
      auto type = to_type(*t);
      if (!type) return unsupported("alter_column type_ that is not a type", span);
      ColumnObj c;
      c.name = *column;
      c.type = type;
      auto declared = column_type(c, span);
      if (!declared) return declared.stop();
      if (auto stop = run_sql(prefix + "TYPE " + *declared, label, span)) return *stop;
    }
    if (const std::string* renamed = args.kw("new_column_name") ? args.kw("new_column_name")->str() : nullptr) {
      if (auto stop = run_sql(fmt::format("ALTER TABLE {} RENAME {} TO {}", ddl::quote(*table),
                                          ddl::quote(*column), ddl::quote(*renamed)),
                              label, span)) {
        return *stop;
      }
    }
    return Value();
  }
  if (name == "create_index") {
    const std::string* index = str_arg(args, 0, "index_name");
    const std::string* table = str_arg(args, 1, "table_name");
    if (!index || !table) return unsupported("op.create_index without literal names", span);
    auto elements = index_elements(args.get(2, "columns"), span);
    if (!elements) return elements.stop();
    ddl::IndexDef ix;
    ix.name = *index;
    ix.table = *table;
    ix.elements = *elements;
    if (const Value* u = args.kw("unique")) ix.unique = truthy(*u);
    if (const Value* where = args.kw("sqlite_where"); where && !where->is_none()) {
      if (auto t = where->as<TextClause>()) ix.where = t->text;
      else if (where->str()) ix.where = *where->str();
      else return unsupported("sqlite_where that is not sa.text()", span);
    }
    std::string sql = ddl::render_create_index(ix);
    if (auto stop = run_sql(sql, label, span)) return *stop;
    return Value();
  }
  if (name == "drop_index") {
    const std::string* index = str_arg(args, 0, "index_name");
    if (!index) return unsupported("op.drop_index without a literal name", span);
    if (auto stop = run_sql("DROP INDEX " + ddl::quote(*index), label, span)) return *stop;
    return Value();
  }
  if (name == "execute") {
    const Value* sql = args.get(0, "sqltext");
    if (!sql) return unsupported("op.execute of nothing", span);
    if (auto t = sql->as<TextClause>(); t && t->binds.empty()) {
      // Text runs as written (no parameter parsing), as Alembic passes it through.
      if (auto stop = run_sql(t->text, label, span)) return *stop;
      return Value();
    }
    if (sql->str()) {
      if (auto stop = run_sql(*sql->str(), label, span)) return *stop;
      return Value();
    }
    if (auto stop = execute(*sql, nullptr, label, span)) return *stop;
    return Value();
  }
  if (name == "bulk_insert") {
    const Value* tv = args.get(0, "table");
    const Value* rows = args.get(1, "rows");
    auto table = tv ? tv->as<TableClause>() : nullptr;
    if (!table || !rows || !rows->list()) return unsupported("op.bulk_insert arguments", span);
    const auto& items = rows->list()->items;
    if (items.empty()) return Value();
    const DictValue* first = items.front().dict();
    if (!first) return unsupported("op.bulk_insert rows that are not dicts", span);
    std::vector<std::shared_ptr<ColumnClause>> columns;
    for (const auto& c : table->columns) {
      for (const auto& kv : first->items) {
        if (kv.first.str() && *kv.first.str() == c->name) columns.push_back(c);
      }
    }
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back(ddl::quote(c->name));
    std::vector<std::string> tuples;
    for (std::size_t r = 0; r < items.size(); ++r) {
      const DictValue* row = items[r].dict();
      if (!row) return unsupported("op.bulk_insert rows that are not dicts", span);
      std::vector<std::string> values;
      for (const auto& c : columns) {
        const Value* found = nullptr;
        for (const auto& kv : row->items) {
          if (kv.first.str() && *kv.first.str() == c->name) found = &kv.second;
        }
        if (!found) {
          return failure(fmt::format("A value is required for bind parameter '{}', in parameter "
                                     "group {}",
                                     c->name, r),
                         span);
        }
        if (std::string error = bind_error(*found, c->type.get()); !error.empty()) {
          return failure(error, span);
        }
        auto lit = data_literal(*found, c->type.get());
        if (!lit) return unsupported(fmt::format("bulk_insert value of type {}", type_name(*found)), span);
        values.push_back(*lit);
      }
      tuples.push_back("(" + fmt::format("{}", fmt::join(values, ", ")) + ")");
    }
    for (std::size_t at = 0; at < tuples.size(); at += 200) {
      std::vector<std::string> chunk(tuples.begin() + static_cast<std::ptrdiff_t>(at),
                                     tuples.begin() + static_cast<std::ptrdiff_t>(std::min(tuples.size(), at + 200)));
      const std::string sql = fmt::format("INSERT INTO {} ({}) VALUES {}", ddl::quote(table->name),
                                          fmt::join(names, ", "), fmt::join(chunk, ", "));
      if (auto stop = run_sql(sql, label, span)) return *stop;
    }
    return Value();
  }
  if (name == "batch_alter_table") {
    const std::string* table = str_arg(args, 0, "table_name");
    if (!table) return unsupported("op.batch_alter_table without a literal table name", span);
    auto batch = std::make_shared<BatchProxy>();
    batch->table = *table;
    batch->span = span;
    if (const Value* r = args.kw("recreate"); r && r->str()) batch->recreate = *r->str();
    if (const Value* c = args.kw("copy_from"); c && !c->is_none()) {
      return unsupported("batch_alter_table(copy_from=...)", span);
    }
    return Value(ObjectPtr(batch));
  }
  if (name == "create_foreign_key" || name == "create_unique_constraint" ||
      name == "create_check_constraint" || name == "create_primary_key" ||
      name == "drop_constraint" || name == "create_exclude_constraint") {
    return failure(fmt::format("op.{} cannot run on SQLite outside batch mode: {}", name,
                               k_no_alter_constraints),
                   span);
  }
  return unsupported(fmt::format("op.{}()", name), span);
}

} // namespace miglint::ops
