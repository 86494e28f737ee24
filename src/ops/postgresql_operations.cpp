// op.* on PostgreSQL, as Alembic 1.8's PostgresqlImpl carries each out with SQLAlchemy
// 1.4's PostgreSQL DDL compiler: everything natively (ALTER TABLE ... ADD CONSTRAINT,
// ALTER COLUMN ... TYPE ... USING), batch_alter_table as the same plain statements, and a
// table's enum types created with it (CREATE TYPE mood AS ENUM ('a', 'b')).
#include "ops/batch.hpp"
#include "ops/interpreter.hpp"
#include "ops/postgresql_ddl.hpp"
#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace miglint::ops {

using namespace python;

namespace {

const std::string* pg_str(const CallArgs& args, std::size_t position, std::string_view name)
{
  const Value* v = args.get(position, name);
  return v ? v->str() : nullptr;
}

std::string pg_kw_str(const CallArgs& args, std::string_view name)
{
  const Value* v = args.kw(name);
  return v && v->str() ? *v->str() : std::string();
}

bool pg_is_type(const SqlType& t, std::initializer_list<std::string_view> names)
{
  if (!t.known || !t.module.starts_with("sqlalchemy")) return false;
  for (auto n : names) {
    if (t.name == n) return true;
  }
  return false;
}

// SQLAlchemy's autoincrement candidates: types of Integer or Numeric affinity.
bool pg_integer_or_numeric(const SqlType* t)
{
  return t && pg_is_type(*t, {"Integer", "BigInteger", "SmallInteger", "INTEGER", "INT", "BIGINT",
                              "SMALLINT", "Numeric", "Float", "NUMERIC", "DECIMAL", "FLOAT",
                              "REAL", "DOUBLE_PRECISION", "Double", "DOUBLE"});
}

// autoincrement= as given: "auto" unless True/False/"ignore_fk".
std::string pg_autoincrement(const ColumnObj& c)
{
  if (!c.autoincrement) return "auto";
  if (auto b = c.autoincrement->boolean()) return *b ? "true" : "false";
  if (auto s = c.autoincrement->str()) return *s;
  return "auto";
}

// PrimaryKeyConstraint._autoincrement_column's test for a column not forced by
// autoincrement=True.
bool pg_autoincrement_candidate(const ColumnObj& c)
{
  if (!pg_integer_or_numeric(c.type.get())) return false;
  if (c.python_default) return false;
  if (c.server_default) return false;
  if (!c.foreign_keys.empty() && pg_autoincrement(c) != "ignore_fk") return false;
  return true;
}

const ColumnObj* pg_column_item(const std::vector<Value>& items, const std::string& name)
{
  for (const Value& item : items) {
    if (auto c = item.as<ColumnObj>(); c && c->name == name) return c.get();
  }
  return nullptr;
}

std::string pg_comment_literal(const std::optional<std::string>& comment)
{
  return comment ? pgddl::quote_literal(*comment) : "NULL";
}

// A float as Python's repr writes it (psycopg2 sends repr()).
std::string pg_float(double d)
{
  if (std::isnan(d)) return "'NaN'::float";
  if (std::isinf(d)) return d > 0 ? "'Infinity'::float" : "'-Infinity'::float";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

} // namespace

void use_postgresql_serial(ddl::TableDef& table, const std::vector<Value>& items)
{
  ddl::ConstraintDef* pk = nullptr;
  for (auto& c : table.constraints) {
    if (c.kind == ddl::ConstraintDef::Kind::primary_key) pk = &c;
  }
  if (!pk || pk->columns.empty()) return;
  const ColumnObj* chosen = nullptr;
  if (pk->columns.size() == 1) {
    const ColumnObj* only = pg_column_item(items, pk->columns.front());
    if (!only) return;
    const std::string mode = pg_autoincrement(*only);
    if (mode == "true" || ((mode == "auto" || mode == "ignore_fk") && pg_autoincrement_candidate(*only))) {
      chosen = only;
    }
  } else {
    for (const auto& name : pk->columns) {
      const ColumnObj* c = pg_column_item(items, name);
      if (c && pg_autoincrement(*c) == "true") chosen = c;
    }
    if (chosen) {
      // SQLAlchemy lists the autoincrement column first in the key.
      std::vector<std::string> ordered{chosen->name};
      for (const auto& name : pk->columns) {
        if (name != chosen->name) ordered.push_back(name);
      }
      pk->columns = ordered;
    }
  }
  if (!chosen || !chosen->identity.empty() || chosen->python_default) return;
  if (chosen->sequence && !chosen->sequence->optional) return;
  ddl::ColumnDef* def = table.column(chosen->name);
  if (!def) return;
  const SqlType& t = *chosen->type;
  def->type = pg_is_type(t, {"BigInteger", "BIGINT"})       ? "BIGSERIAL"
              : pg_is_type(t, {"SmallInteger", "SMALLINT"}) ? "SMALLSERIAL"
                                                            : "SERIAL";
  def->server_default.reset();
}

std::optional<std::string> postgresql_literal(const Value& v, const SqlType* type, bool online)
{
  const bool json = type && (type->name == "JSON" || type->name == "JSONB");
  if (json) return pgddl::quote_literal(json_dumps(v, false, nullptr));
  if (auto b = v.boolean()) return *b ? "true" : "false";
  if (auto i = v.integer()) return std::to_string(*i);
  if (auto d = v.floating()) return pg_float(*d);
  if (auto common = common_literal(v)) return common;
  if (!online) return std::nullopt; // SQLAlchemy has no literal renderer for the rest
  // psycopg2's adaptation of the standard library's values.
  if (auto t = v.as<TemporalValue>()) {
    using K = TemporalValue::Kind;
    if (t->kind == K::timedelta) {
      return fmt::format("'{} days {}.{:06} seconds'::interval", t->days, t->seconds, t->micro);
    }
    const char* cast = t->kind == K::date ? "date" : t->kind == K::time ? "time" : "timestamp";
    return fmt::format("{}::{}", pgddl::quote_literal(t->describe()), cast);
  }
  if (auto d = v.as<DecimalValue>()) return fmt::format("{}::numeric", pgddl::quote_literal(d->text));
  if (auto u = v.as<UuidValue>()) return fmt::format("{}::uuid", pgddl::quote_literal(u->describe()));
  if (auto b = v.as<BytesValue>()) {
    std::string hex;
    for (unsigned char c : b->data) hex += fmt::format("{:02x}", c);
    return fmt::format("'\\x{}'::bytea", hex);
  }
  return std::nullopt;
}

std::string postgresql_bind_error(const Value& v, const SqlType* type)
{
  // Only JSON's serializer runs before psycopg2; the server judges everything else.
  if (type && (type->name == "JSON" || type->name == "JSONB")) return bind_error(v, type);
  return {};
}

std::optional<Stop> Interpreter::create_postgresql_table(ddl::TableDef& table,
                                                         const std::vector<Value>& items,
                                                         std::vector<ddl::IndexDef>& indexes,
                                                         const std::string& label, Span span)
{
  // The table's before_create event creates the enum types of its columns once per
  // migration run (SQLAlchemy keeps a memo of the names it created).
  for (const Value& item : items) {
    auto column = item.as<ColumnObj>();
    if (!column || !column->type) continue;
    std::shared_ptr<SqlType> type = column->type;
    // An ARRAY passes the table's events on to its item type.
    if (type->known && type->name == "ARRAY") {
      const Value* item_type = type->kwarg("item_type");
      if (!item_type && !type->args.empty()) item_type = &type->args[0];
      if (auto inner = item_type ? to_type(*item_type) : nullptr) type = inner;
    }
    auto e = postgresql_enum(*type);
    if (!e || !e->create_type) continue;
    if (!e->labels_known) return unsupported("an Enum over a Python enum class on PostgreSQL", span);
    if (!m_enum_types_created->insert(e->name).second) continue;
    std::vector<std::string> labels;
    for (const auto& l : e->labels) labels.push_back(pgddl::quote_literal(l));
    if (auto stop = run_sql(fmt::format("CREATE TYPE {} AS ENUM ({})", e->name, fmt::join(labels, ", ")),
                            label, span)) {
      return stop;
    }
  }
  if (auto stop = run_sql(pgddl::render_create_table(table), label, span)) return stop;
  for (const auto& ix : indexes) {
    if (auto stop = run_sql(pgddl::render_create_index(ix, {}), label, span)) return stop;
  }
  const std::string qualified = pgddl::qualified(table.schema, table.name);
  if (table.comment) {
    if (auto stop = run_sql(fmt::format("COMMENT ON TABLE {} IS {}", qualified,
                                        pg_comment_literal(table.comment)),
                            label, span)) {
      return stop;
    }
  }
  for (const auto& column : table.columns) {
    if (!column.comment) continue;
    if (auto stop = run_sql(fmt::format("COMMENT ON COLUMN {}.{} IS {}", qualified,
                                        pgddl::quote(column.name), pg_comment_literal(column.comment)),
                            label, span)) {
      return stop;
    }
  }
  return std::nullopt;
}

bool is_postgresql_native_op(std::string_view name)
{
  for (std::string_view op : {"create_table", "drop_table", "rename_table", "add_column", "drop_column",
                              "alter_column", "create_index", "drop_index", "create_foreign_key",
                              "create_unique_constraint", "create_primary_key", "create_check_constraint",
                              "drop_constraint", "bulk_insert", "batch_alter_table",
                              "create_exclude_constraint", "create_table_comment",
                              "drop_table_comment"}) {
    if (name == op) return true;
  }
  return false;
}

Flow<Value> Interpreter::call_postgresql_op(const std::string& name, CallArgs& args,
                                                           const Expr& call)
{
  const Span span = call.span;
  const std::string label = "op." + name;
  const std::string schema = pg_kw_str(args, "schema");
  auto table_at = [&](std::size_t position, std::string_view key) -> std::optional<std::string> {
    const std::string* t = pg_str(args, position, key);
    if (!t) return std::nullopt;
    return pgddl::qualified(schema, *t);
  };
  auto run = [&](const std::string& sql) -> Flow<Value> {
    if (auto stop = run_sql(sql, label, span)) return *stop;
    return Value();
  };
  auto add_constraint = [&](const std::string& table, const ddl::ConstraintDef& c) {
    return run(fmt::format("ALTER TABLE {} ADD {}", table, pgddl::render_constraint(c)));
  };

  if (name == "create_table") {
    count_op();
    const std::string* table = pg_str(args, 0, "table_name");
    if (!table) return unsupported("op.create_table without a literal table name", span);
    std::vector<Value> items(args.args.begin() + 1, args.args.end());
    std::vector<ddl::IndexDef> indexes;
    auto def = table_def(*table, items, args, indexes);
    if (!def) return def.stop();
    if (auto stop = create_postgresql_table(*def, items, indexes, label, span)) return *stop;
    return Value(ObjectPtr(created_table_clause(*table, items)));
  }
  if (name == "drop_table") {
    count_op();
    auto table = table_at(0, "table_name");
    if (!table) return unsupported("op.drop_table without a literal table name", span);
    return run("DROP TABLE " + *table);
  }
  if (name == "create_table_comment" || name == "drop_table_comment") {
    count_op();
    auto table = table_at(0, "table_name");
    if (!table) return unsupported(fmt::format("op.{} without a literal table name", name), span);
    std::optional<std::string> comment; // drop: IS NULL
    if (name == "create_table_comment") {
      const std::string* text = pg_str(args, 1, "comment");
      if (!text) return unsupported("op.create_table_comment without a literal comment", span);
      comment = *text;
    }
    return run(fmt::format("COMMENT ON TABLE {} IS {}", *table, pg_comment_literal(comment)));
  }
  if (name == "rename_table") {
    count_op();
    auto old_name = table_at(0, "old_table_name");
    const std::string* new_name = pg_str(args, 1, "new_table_name");
    if (!old_name || !new_name) return unsupported("op.rename_table without literal names", span);
    return run(fmt::format("ALTER TABLE {} RENAME TO {}", *old_name, pgddl::quote(*new_name)));
  }
  if (name == "add_column") {
    count_op();
    auto table = table_at(0, "table_name");
    const Value* cv = args.get(1, "column");
    auto column = cv ? cv->as<ColumnObj>() : nullptr;
    if (!table || !column) return unsupported("op.add_column without a table name and sa.Column", span);
    auto def = column_def(*column, span);
    if (!def) return def.stop();
    if (auto r = run(fmt::format("ALTER TABLE {} ADD COLUMN {}", *table, pgddl::render_column(*def)));
        !r) {
      return r;
    }
    // Then the constraints and index the column brings (Alembic's add_column op).
    if (column->unique.value_or(false) && !column->index.value_or(false)) {
      ddl::ConstraintDef uq;
      uq.kind = ddl::ConstraintDef::Kind::unique;
      uq.columns = {column->name};
      if (auto r = add_constraint(*table, uq); !r) return r;
    }
    for (const auto& fk : column->foreign_keys) {
      ddl::ConstraintDef c;
      c.kind = ddl::ConstraintDef::Kind::foreign_key;
      c.name = fk->name;
      c.columns = {column->name};
      std::string target = fk->target;
      const auto dot = target.rfind('.');
      c.ref_columns = {dot == std::string::npos ? std::string() : target.substr(dot + 1)};
      c.ref_table = dot == std::string::npos ? target : target.substr(0, dot);
      if (const auto schema_dot = c.ref_table.rfind('.'); schema_dot != std::string::npos) {
        c.ref_schema = c.ref_table.substr(0, schema_dot);
        c.ref_table = c.ref_table.substr(schema_dot + 1);
      }
      c.ondelete = fk->ondelete;
      c.onupdate = fk->onupdate;
      c.deferrable = fk->deferrable;
      c.initially = fk->initially;
      if (auto r = add_constraint(*table, c); !r) return r;
    }
    const std::string* table_name = pg_str(args, 0, "table_name");
    if (column->index.value_or(false)) {
      ddl::IndexDef ix;
      ix.name = "ix_" + (schema.empty() ? "" : schema + "_") + *table_name + "_" + column->name;
      ix.table = *table_name;
      ix.schema = schema;
      ix.elements = {pgddl::quote(column->name)};
      ix.unique = column->unique.value_or(false);
      if (auto r = run(pgddl::render_create_index(ix, {})); !r) return r;
    }
    if (column->comment) {
      return run(fmt::format("COMMENT ON COLUMN {}.{} IS {}", *table, pgddl::quote(column->name),
                             pg_comment_literal(column->comment)));
    }
    return Value();
  }
  if (name == "drop_column") {
    count_op();
    auto table = table_at(0, "table_name");
    const std::string* column = pg_str(args, 1, "column_name");
    if (!table || !column) return unsupported("op.drop_column without literal names", span);
    return run(fmt::format("ALTER TABLE {} DROP COLUMN {}", *table, pgddl::quote(*column)));
  }
  if (name == "alter_column") {
    count_op();
    auto table = table_at(0, "table_name");
    const std::string* column = pg_str(args, 1, "column_name");
    if (!table || !column) return unsupported("op.alter_column without literal names", span);
    const std::string prefix = fmt::format("ALTER TABLE {} ALTER COLUMN {} ", *table, pgddl::quote(*column));
    const Value* type_arg = args.kw("type_");
    const Value* using_arg = args.kw("postgresql_using");
    if (using_arg && !using_arg->is_none() && !(type_arg && !type_arg->is_none())) {
      return failure("alembic.util.exc.CommandError: postgresql_using must be used with the type_ parameter",
                     span);
    }
    // PostgresqlImpl changes the type first, then the rest in Alembic's usual order.
    if (type_arg && !type_arg->is_none()) {
      auto type = to_type(*type_arg);
      if (!type) return unsupported("alter_column type_ that is not a type", span);
      ColumnObj c;
      c.name = *column;
      c.type = type;
      auto declared = column_type(c, span);
      if (!declared) return declared.stop();
      std::string sql = prefix + "TYPE " + *declared;
      if (using_arg && !using_arg->is_none()) {
        if (auto s = using_arg->str()) sql += " USING " + *s;
        else if (auto t = using_arg->as<TextClause>()) sql += " USING " + t->text;
        else return unsupported("postgresql_using that is not a string", span);
      }
      if (auto r = run(sql); !r) return r;
    }
    if (const Value* n = args.kw("nullable"); n && !n->is_none()) {
      if (auto r = run(prefix + (truthy(*n) ? "DROP NOT NULL" : "SET NOT NULL")); !r) return r;
    }
    if (const Value* d = args.kw("server_default"); d && !(d->boolean() && !*d->boolean())) {
      auto rendered = server_default(*d, span);
      if (!rendered) return rendered.stop();
      if (auto r = run(*rendered ? prefix + "SET DEFAULT " + **rendered : prefix + "DROP DEFAULT"); !r) {
        return r;
      }
    }
    if (const Value* comment = args.kw("comment"); comment && !(comment->boolean() && !*comment->boolean())) {
      std::optional<std::string> text;
      if (comment->str()) text = *comment->str();
      else if (!comment->is_none()) return unsupported("a comment that is not a string", span);
      if (auto r = run(fmt::format("COMMENT ON COLUMN {}.{} IS {}", *table, pgddl::quote(*column),
                                   pg_comment_literal(text)));
          !r) {
        return r;
      }
    }
    if (const Value* renamed = args.kw("new_column_name"); renamed && renamed->str()) {
      return run(fmt::format("ALTER TABLE {} RENAME {} TO {}", *table, pgddl::quote(*column),
                             pgddl::quote(*renamed->str())));
    }
    return Value();
  }
  if (name == "create_index") {
    count_op();
    const std::string* index = pg_str(args, 0, "index_name");
    const std::string* table = pg_str(args, 1, "table_name");
    if (!index || !table) return unsupported("op.create_index without literal names", span);
    const Value* columns = args.get(2, "columns");
    auto elements = index_elements(columns, span);
    if (!elements) return elements.stop();
    ddl::IndexDef ix;
    ix.name = *index;
    ix.table = *table;
    ix.schema = schema;
    ix.elements = *elements;
    // postgresql_ops names columns: each element's column name, "" for an expression.
    std::vector<Value> listed;
    if (columns && columns->list()) listed = columns->list()->items;
    else if (columns) listed.push_back(*columns);
    for (const Value& item : listed) {
      if (auto s = item.str()) ix.columns.push_back(*s);
      else if (auto c = item.as<ColumnClause>()) ix.columns.push_back(c->name);
      else ix.columns.emplace_back();
    }
    if (const Value* u = args.kw("unique")) ix.unique = truthy(*u);
    pgddl::IndexOptions options;
    options.using_method = pg_kw_str(args, "postgresql_using");
    if (const Value* where = args.kw("postgresql_where"); where && !where->is_none()) {
      if (auto t = where->as<TextClause>()) ix.where = t->text;
      else if (where->str()) ix.where = *where->str();
      else if (auto e = where->as<SqlExpression>()) ix.where = e->sql;
      else return unsupported("postgresql_where that is not sa.text()", span);
    }
    if (const Value* ops = args.kw("postgresql_ops"); ops && !ops->is_none()) {
      const DictValue* d = ops->dict();
      if (!d) return unsupported("postgresql_ops that is not a dict", span);
      for (const auto& [k, v] : d->items) {
        if (!k.str() || !v.str()) return unsupported("postgresql_ops that is not a dict of strings", span);
        options.ops.emplace_back(*k.str(), *v.str());
      }
    }
    if (const Value* include = args.kw("postgresql_include"); include && !include->is_none()) {
      auto included = names(include, span, "postgresql_include");
      if (!included) return included.stop();
      options.include = *included;
    }
    if (const Value* c = args.kw("postgresql_concurrently")) options.concurrently = truthy(*c);
    return run(pgddl::render_create_index(ix, options));
  }
  if (name == "drop_index") {
    count_op();
    const std::string* index = pg_str(args, 0, "index_name");
    if (!index) return unsupported("op.drop_index without a literal name", span);
    const Value* concurrently = args.kw("postgresql_concurrently");
    return run(fmt::format("DROP INDEX {}{}", concurrently && truthy(*concurrently) ? "CONCURRENTLY " : "",
                           pgddl::qualified(schema, *index)));
  }
  if (name == "create_foreign_key") {
    count_op();
    const Value* constraint_name = args.get(0, "constraint_name");
    const std::string* source = pg_str(args, 1, "source_table");
    const std::string* referent = pg_str(args, 2, "referent_table");
    auto local = names(args.get(3, "local_cols"), span, "local_cols");
    if (!local) return local.stop();
    auto remote = names(args.get(4, "remote_cols"), span, "remote_cols");
    if (!remote) return remote.stop();
    if (!source || !referent) return unsupported("op.create_foreign_key without literal table names", span);
    if (args.kw("match") && !args.kw("match")->is_none()) return unsupported("create_foreign_key(match=...)", span);
    ddl::ConstraintDef c;
    c.kind = ddl::ConstraintDef::Kind::foreign_key;
    if (constraint_name && constraint_name->str()) c.name = *constraint_name->str();
    c.columns = *local;
    c.ref_table = *referent;
    c.ref_schema = pg_kw_str(args, "referent_schema");
    c.ref_columns = *remote;
    c.ondelete = pg_kw_str(args, "ondelete");
    c.onupdate = pg_kw_str(args, "onupdate");
    c.initially = pg_kw_str(args, "initially");
    if (const Value* d = args.kw("deferrable"); d && !d->is_none()) c.deferrable = truthy(*d);
    return add_constraint(pgddl::qualified(pg_kw_str(args, "source_schema"), *source), c);
  }
  if (name == "create_unique_constraint" || name == "create_primary_key" ||
      name == "create_check_constraint") {
    count_op();
    const Value* constraint_name = args.get(0, "constraint_name");
    auto table = table_at(1, "table_name");
    if (!table) return unsupported(fmt::format("op.{} without a literal table name", name), span);
    ddl::ConstraintDef c;
    if (constraint_name && constraint_name->str()) c.name = *constraint_name->str();
    if (name == "create_check_constraint") {
      c.kind = ddl::ConstraintDef::Kind::check;
      const Value* condition = args.get(2, "condition");
      if (condition && condition->str()) c.sqltext = *condition->str();
      else if (auto t = condition ? condition->as<TextClause>() : nullptr) c.sqltext = t->text;
      else if (auto e = condition ? condition->as<SqlExpression>() : nullptr) c.sqltext = e->sql;
      else return unsupported("a check condition that is not SQL text", span);
    } else {
      c.kind = name == "create_primary_key" ? ddl::ConstraintDef::Kind::primary_key
                                            : ddl::ConstraintDef::Kind::unique;
      auto columns = names(args.get(2, "columns"), span, "columns");
      if (!columns) return columns.stop();
      c.columns = *columns;
      c.initially = pg_kw_str(args, "initially");
      if (const Value* d = args.kw("deferrable"); d && !d->is_none()) c.deferrable = truthy(*d);
    }
    return add_constraint(*table, c);
  }
  if (name == "drop_constraint") {
    count_op();
    const std::string* constraint = pg_str(args, 0, "constraint_name");
    auto table = table_at(1, "table_name");
    if (const Value* given = args.get(0, "constraint_name"); given && given->is_none()) {
      // What SQLAlchemy's compiler says of a nameless constraint (autogenerate writes None
      // for constraints the database named itself).
      const Value* kind = args.get(2, "type_");
      const std::string* type = kind ? kind->str() : nullptr;
      const char* cls = !type                   ? "Constraint"
                        : *type == "unique"     ? "UniqueConstraint"
                        : *type == "foreignkey" ? "ForeignKeyConstraint"
                        : *type == "primary"    ? "PrimaryKeyConstraint"
                        : *type == "check"      ? "CheckConstraint"
                                                : "Constraint";
      return failure(fmt::format("CompileError: Can't emit DROP CONSTRAINT for constraint {}(); "
                                 "it has no name",
                                 cls),
                     span);
    }
    if (!constraint || !table) return unsupported("op.drop_constraint without literal names", span);
    return run(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", *table, pgddl::quote(*constraint)));
  }
  if (name == "bulk_insert") {
    count_op();
    const Value* tv = args.get(0, "table");
    const Value* rows = args.get(1, "rows");
    auto table = tv ? tv->as<TableClause>() : nullptr;
    if (!table || !rows || !rows->list()) return unsupported("op.bulk_insert arguments", span);
    // One INSERT a row, its columns in the table's order: what Alembic writes offline
    // (online it is one executemany, with the same effect).
    for (std::size_t r = 0; r < rows->list()->items.size(); ++r) {
      const DictValue* row = rows->list()->items[r].dict();
      if (!row) return unsupported("op.bulk_insert rows that are not dicts", span);
      std::vector<std::string> columns;
      std::vector<std::string> values;
      for (const auto& c : table->columns) {
        const Value* found = nullptr;
        for (const auto& kv : row->items) {
          if (kv.first.str() && *kv.first.str() == c->name) found = &kv.second;
        }
        if (!found) continue;
        if (std::string error = postgresql_bind_error(*found, c->type.get()); !error.empty()) {
          return failure(error, span);
        }
        // Offline, values are rendered as literals: SQLAlchemy has no literal renderer
        // for JSON.
        const SqlType* type = c->type.get();
        if (m_offline && type && type->known && (type->name == "JSON" || type->name == "JSONB")) {
          return failure(fmt::format("sqlalchemy.exc.CompileError: No literal value renderer is available "
                                     "for literal value \"{}\" with datatype {}",
                                     to_repr(*found), type->name == "JSONB" ? "JSONB" : "JSON"),
                         span);
        }
        auto lit = postgresql_literal(*found, c->type.get(), !m_offline);
        if (!lit) return unsupported(fmt::format("bulk_insert value of type {}", type_name(*found)), span);
        columns.push_back(pgddl::quote(c->name));
        values.push_back(*lit);
      }
      if (auto r2 = run(fmt::format("INSERT INTO {} ({}) VALUES ({})", pgddl::quote(table->name),
                                    fmt::join(columns, ", "), fmt::join(values, ", ")));
          !r2) {
        return r2;
      }
    }
    return Value();
  }
  if (name == "batch_alter_table") {
    count_op();
    const std::string* table = pg_str(args, 0, "table_name");
    if (!table) return unsupported("op.batch_alter_table without a literal table name", span);
    auto batch = std::make_shared<BatchProxy>();
    batch->table = *table;
    batch->span = span;
    batch->schema = schema;
    if (const Value* r = args.kw("recreate"); r && r->str()) batch->recreate = *r->str();
    if (batch->recreate == "always") {
      return unsupported("batch_alter_table(recreate=\"always\") on PostgreSQL (a table rebuild)", span);
    }
    return Value(ObjectPtr(batch));
  }
  return unsupported(fmt::format("op.{}() on PostgreSQL", name), span);
}

Flow<Value> Interpreter::postgresql_enum_ddl(const SqlType& type, const std::string& name,
                                             CallArgs& args, const Expr& call)
{
  const Span span = call.span;
  auto e = postgresql_enum(type);
  if (!e || !e->labels_known) return unsupported(fmt::format("{}.{}() of this type", type.name, name), span);
  const Value* bind = args.get(0, "bind");
  if (!bind || !bind->as<ConnectionObj>()) {
    return unsupported(fmt::format("{}.{}() without op.get_bind()", type.name, name), span);
  }
  // checkfirst=True (the default) asks the database whether the type exists; offline
  // SQLAlchemy's mock connection skips the check.
  const Value* checkfirst = args.get(1, "checkfirst");
  if ((!checkfirst || truthy(*checkfirst)) && !m_offline) {
    const Value* raw_name = type.kwarg("name");
    const Value* schema = type.kwarg("schema");
    if (!raw_name || !raw_name->str() || (schema && !schema->is_none() && !schema->str())) {
      return unsupported(fmt::format("`{}` (checkfirst) of this type", text(span)), span);
    }
    auto exists = postgresql_type_exists(*raw_name->str(), schema && schema->str() ? *schema->str() : "", span);
    if (!exists) return exists.stop();
    if (*exists == (name == "create")) return Value(); // nothing to do
  }
  count_op();
  std::string sql = "DROP TYPE " + e->name;
  if (name == "create") {
    std::vector<std::string> labels;
    for (const auto& l : e->labels) labels.push_back(pgddl::quote_literal(l));
    sql = fmt::format("CREATE TYPE {} AS ENUM ({})", e->name, fmt::join(labels, ", "));
  }
  if (auto stop = run_sql(sql, type.name + "." + name, span)) return *stop;
  return Value();
}

Flow<Value> Interpreter::call_postgresql_batch(BatchProxy& batch, const std::string& name,
                                               CallArgs& args, const Expr& call)
{
  // Outside SQLite Alembic applies each batch operation as the plain op on the table.
  CallArgs forwarded = args;
  std::size_t table_position = 0;
  if (name == "add_column" || name == "drop_column" || name == "alter_column") {
    table_position = 0;
  } else if (name == "create_index" || name == "create_unique_constraint" ||
             name == "create_check_constraint" || name == "drop_constraint" ||
             name == "create_primary_key" || name == "create_foreign_key") {
    table_position = 1;
  } else if (name == "drop_index" || name == "execute" || name == "f") {
    return call_op(name, args, call);
  } else {
    return unsupported(fmt::format("batch_op.{}() on PostgreSQL", name), call.span);
  }
  if (forwarded.args.size() < table_position) {
    return unsupported(fmt::format("batch_op.{}() with its leading arguments given by keyword", name),
                       call.span);
  }
  forwarded.args.insert(forwarded.args.begin() + static_cast<std::ptrdiff_t>(table_position),
                        Value(batch.table));
  if (!batch.schema.empty() && !forwarded.kw("schema")) {
    forwarded.kwargs.emplace_back(name == "create_foreign_key" ? "source_schema" : "schema",
                                  Value(batch.schema));
  }
  if (name == "add_column") {
    // The batch applies the impl's add_column: the column only, without the index or
    // constraints the op-level add_column adds.
    const Value* cv = forwarded.get(1, "column");
    auto column = cv ? cv->as<ColumnObj>() : nullptr;
    if (column && (column->index.value_or(false) || column->unique.value_or(false) ||
                   !column->foreign_keys.empty() || column->comment)) {
      auto bare = std::make_shared<ColumnObj>(*column);
      bare->index.reset();
      bare->unique.reset();
      bare->foreign_keys.clear();
      bare->comment.reset();
      forwarded.args[1] = Value(ObjectPtr(bare));
    }
  }
  return call_op(name, forwarded, call);
}

} // namespace miglint::ops
