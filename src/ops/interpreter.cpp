#include "ops/interpreter.hpp"
#include "postgres/migration_target.hpp"
#include "ops/orm.hpp"

#include "ops/app_module.hpp"
#include "ops/batch.hpp"
#include "ops/flask_sqlalchemy.hpp"
#include "ops/postgresql_ddl.hpp"
#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

// textwrap.dedent: removes the longest common leading whitespace of non-blank lines.
std::string dedent(const std::string& text)
{
  std::vector<std::string> lines = util::split(text, '\n');
  std::optional<std::string> common;
  for (const auto& line : lines) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string indent = line.substr(0, line.find_first_not_of(" \t"));
    if (!common) {
      common = indent;
    } else {
      std::size_t n = 0;
      while (n < common->size() && n < indent.size() && (*common)[n] == indent[n]) ++n;
      common = common->substr(0, n);
    }
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (line.find_first_not_of(" \t") == std::string::npos) line = "";
    else if (common) line = line.substr(common->size());
    out += (i ? "\n" : "") + line;
  }
  return out;
}

} // namespace

std::string canonical_module(const std::string& path)
{
  if (path.starts_with("sqlalchemy.dialects.")) {
    const auto dot = path.find('.', std::string("sqlalchemy.dialects.").size());
    return dot == std::string::npos ? path : path.substr(0, dot);
  }
  if (path == "sqlalchemy" || path.starts_with("sqlalchemy.")) return "sqlalchemy";
  if (path.starts_with("sqlmodel")) return "sqlmodel";
  return path;
}

Value Interpreter::import_module(const std::string& dotted)
{
  const std::string top = dotted.substr(0, dotted.find('.'));
  const bool known = dotted == "alembic" || dotted.starts_with("alembic.") ||
                     dotted == "sqlalchemy" || dotted.starts_with("sqlalchemy.") ||
                     dotted == "sqlmodel" || dotted.starts_with("sqlmodel.") ||
                     is_stdlib_module(top) || is_known_stdlib_module(top);
  // Type-checking-only imports are skipped at run time.
  if (dotted == "typing.TYPE_CHECKING" || dotted == "typing_extensions.TYPE_CHECKING") return Value(false);
  if (!known) {
    if (auto module = import_app_module(dotted)) return *module;
  }
  return Value(ObjectPtr(std::make_shared<Namespace>(dotted, known)));
}

std::string Interpreter::quote_name(std::string_view identifier) const
{
  return quoter()(identifier);
}

ddl::Quoter Interpreter::quoter() const
{
  return postgresql() ? &pgddl::quote : &ddl::quote;
}

std::optional<Stop> Interpreter::run_sql(const std::string& sql, std::string name, Span span)
{
  const auto start = std::chrono::steady_clock::now();
  // Inside an autocommit_block() there is no revision transaction for the sink to guard.
  auto done = m_in_autocommit_block ? postgres::run_revision_statement(*m_pg, sql, true)
                                    : m_sink.execute(sql);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  m_runs.push_back({std::move(name), span, ms});
  if (!done) {
    return failure(done.error().message, span, sql);
  }
  return std::nullopt;
}

std::optional<Stop> Interpreter::expression_statement(const Value& value, const Stmt& stmt)
{
  if (auto opaque = value.as<OpaqueCall>()) {
    if (opaque->import_line) {
      return unsupported(fmt::format("call of `{}`, imported at line {} from outside Alembic and "
                                     "SQLAlchemy, which miglint cannot evaluate",
                                     opaque->path, opaque->import_line),
                         stmt.span);
    }
    return unsupported(fmt::format("call of `{}`, which is not Alembic or SQLAlchemy",
                                   opaque->path),
                       stmt.span);
  }
  return std::nullopt;
}

Flow<Value> Interpreter::call_object(const ObjectPtr& callee, CallArgs& args, const Expr& call)
{
  if (auto ns = std::dynamic_pointer_cast<Namespace>(callee)) {
    const std::string& path = ns->path;
    if (path.starts_with("alembic.op.")) {
      const std::string name = path.substr(std::string("alembic.op.").size());
      if (name.find('.') == std::string::npos) {
        if (name == "get_context") {
          return Value(ObjectPtr(std::make_shared<MigrationContextObj>()));
        }
        return call_op(name, args, call);
      }
    }
    if (path.starts_with("alembic.context.")) {
      // `from alembic import context`: the environment module as revisions use it.
      const std::string name = path.substr(std::string("alembic.context.").size());
      if (name == "is_offline_mode") return Value(m_offline);
      if (name == "get_context") return Value(ObjectPtr(std::make_shared<MigrationContextObj>()));
      if (name == "get_bind") return Value(ObjectPtr(std::make_shared<ConnectionObj>()));
      // miglint takes no -x arguments: Alembic run without -x returns [] (or {}).
      if (name == "get_x_argument") {
        const Value* dict = args.get(0, "as_dictionary");
        if (dict && truthy(*dict)) return Value(std::make_shared<DictValue>());
        return make_list({});
      }
      if (name.starts_with("config.")) {
        auto unknown = std::make_shared<OpaqueCall>("context." + name);
        return Value(ObjectPtr(unknown));
      }
    }
    const bool from_config =
        path == "sqlalchemy.engine_from_config" || path == "sqlalchemy.engine.engine_from_config";
    if (from_config && m_config_engine_is_target) {
      // The call env.py connects with: the database being migrated, on a second connection.
      const Value* section = args.get(0, "configuration");
      const Value* prefix = args.get(1, "prefix");
      // "sqlalchemy." is SQLAlchemy's default prefix.
      if (section && section->as<ConfigMainSection>() &&
          (!prefix || (prefix->str() && *prefix->str() == "sqlalchemy."))) {
        auto engine = std::make_shared<ConnectionObj>();
        engine->second_engine = true;
        return Value(ObjectPtr(engine));
      }
    }
    if (from_config || path == "sqlalchemy.create_engine" || path == "sqlalchemy.engine.create_engine") {
      // A second engine, to the database of the configuration rather than the one being
      // migrated: what it says or does is not known here.
      return Value(ObjectPtr(std::make_shared<OpaqueCall>(
          fmt::format("{}(...), a new engine beside the migration's connection", ns->leaf()))));
    }
    if (auto made = call_stdlib(path, args)) return std::move(*made);
    if (auto made = call_module_function(path, args)) return std::move(*made);
    if (ns->known && (canonical_module(path) != path || path.starts_with("sqlmodel"))) {
      return call_sqlalchemy(path, args, call);
    }
    if (path == "textwrap.dedent" && args.get(0, "text") && args.get(0, "text")->str()) {
      return Value(dedent(*args.get(0, "text")->str()));
    }
    if (!ns->known) {
      auto opaque = std::make_shared<OpaqueCall>(path);
      opaque->import_line = ns->import_line;
      return Value(ObjectPtr(opaque));
    }
    return unsupported(fmt::format("call of `{}`", path), call.span);
  }
  if (auto r = call_orm(callee, args, call)) return std::move(*r);
  if (auto m = std::dynamic_pointer_cast<BoundMethod>(callee)) {
    if (auto batch = std::dynamic_pointer_cast<BatchProxy>(m->self)) {
      return call_batch(*batch, m->name, args, call);
    }
    if (auto r = call_database(*m, args, call)) return std::move(*r);
    if (auto r = stdlib_method(m->self, m->name, args)) return std::move(*r);
    if (auto type = std::dynamic_pointer_cast<SqlType>(m->self)) {
      if ((m->name == "create" || m->name == "drop") && postgresql()) {
        return postgresql_enum_ddl(*type, m->name, args, call);
      }
      if (m->name == "with_variant") {
        // The variant applies only when it is registered for the dialect migrated.
        const Value* variant = args.get(0, "type_");
        const Value* dialect = args.get(1, "dialect_name");
        if (variant && dialect && dialect->str() && *dialect->str() == db::dialect_name(m_dialect)) {
          return *variant;
        }
        return Value(callee == nullptr ? ObjectPtr() : m->self);
      }
    }
    if (std::dynamic_pointer_cast<DialectObj>(m->self) && m->name == "type_descriptor") {
      // SQLAlchemy's dialect.type_descriptor(t) adapts t to the dialect: t itself here.
      if (const Value* t = args.get(0, "typeobj")) return *t;
    }
    if (auto self = std::dynamic_pointer_cast<OpaqueCall>(m->self)) {
      auto opaque = std::make_shared<OpaqueCall>(m->describe());
      opaque->import_line = self->import_line;
      return Value(ObjectPtr(opaque));
    }
  }
  return unsupported(fmt::format("call of `{}`", text(call.span)), call.span);
}

Flow<Value> Interpreter::attribute_of_object(const ObjectPtr& object, const std::string& name,
                                             const Expr& expr)
{
  if (auto module = std::dynamic_pointer_cast<AppModule>(object)) {
    return app_module_attribute(module, name, expr);
  }
  if (auto opaque = std::dynamic_pointer_cast<OpaqueCall>(object)) {
    if (is_flask_sqlalchemy_class(opaque->path)) {
      if (auto path = flask_sqlalchemy_attribute(name)) {
        return Value(ObjectPtr(std::make_shared<Namespace>(*path, true)));
      }
    }
    auto child = std::make_shared<OpaqueCall>(opaque->path + "." + name);
    child->import_line = opaque->import_line;
    return Value(ObjectPtr(child));
  }
  if (auto obj = std::dynamic_pointer_cast<OrmObject>(object)) return orm_attribute(obj, name, expr);
  if (auto r = attribute_database(object, name, expr)) return std::move(*r);
  if (auto v = stdlib_attribute(object, name)) return *v;
  if (auto table = std::dynamic_pointer_cast<TableClause>(object); table && name == "name") {
    return Value(table->name);
  }
  if (auto column = std::dynamic_pointer_cast<ColumnObj>(object); column && name == "name") {
    return Value(column->name);
  }
  return Evaluator::attribute_of_object(object, name, expr);
}

Flow<Value> Interpreter::enter_context(const Value& manager, const Expr& expr)
{
  if (auto batch = manager.as<BatchProxy>()) {
    return manager;
  }
  if (auto pass = manager.as<PassThroughContext>()) {
    if (pass->ends_script_transaction) {
      if (auto stop = run_sql("COMMIT", pass->what, expr.span)) return *stop;
    }
    if (pass->ends_transaction && !m_in_autocommit_block) {
      // What the revision ran so far is committed, as Alembic commits it.
      if (auto done = m_pg->exec("COMMIT"); !done) return failure(done.error().message, expr.span);
      m_in_autocommit_block = true;
      m_committed_at_line = line_of(expr.span);
      pass->entered = true;
    }
    return Value();
  }
  if (manager.as<ConnectionObj>()) {
    return manager; // `with op.get_bind().connect() as conn` and the like
  }
  if (manager.as<SessionObj>()) {
    return manager;
  }
  if (auto tx = manager.as<SessionTransaction>()) {
    return Value(ObjectPtr(tx->session));
  }
  return Evaluator::enter_context(manager, expr);
}

std::optional<Stop> Interpreter::exit_context(const Value& manager, const Value&,
                                              bool body_completed)
{
  if (auto batch = manager.as<BatchProxy>(); batch && body_completed) {
    return flush_batch(*batch);
  }
  if (auto pass = manager.as<PassThroughContext>(); pass && pass->ends_script_transaction) {
    return run_sql("BEGIN", pass->what, {});
  }
  if (auto pass = manager.as<PassThroughContext>(); pass && pass->entered) {
    pass->entered = false;
    m_in_autocommit_block = false;
    if (auto done = m_pg->exec("BEGIN"); !done) return failure(done.error().message, {});
  }
  // `with Session(bind) as s:` closes the session (unflushed changes are lost);
  // `with s.begin():` commits.
  if (auto session = manager.as<SessionObj>()) {
    close_session(*session);
  }
  if (auto tx = manager.as<SessionTransaction>(); tx && body_completed) {
    if (auto stop = flush_session(*tx->session, *tx->begun_at)) return stop;
    if (tx->session->expire_on_commit) expire_session(*tx->session);
    if (tx->closes) close_session(*tx->session);
  }
  return std::nullopt;
}

Flow<std::string> Interpreter::column_type(const ColumnObj& column, Span span)
{
  if (!column.type) {
    return failure(fmt::format("(in column '{}'): Can't generate DDL for NullType(); did you "
                               "forget to specify a type on this Column?",
                               column.name),
                   span);
  }
  bool fell_back = false;
  std::string error;
  std::string type = postgresql() ? postgresql_type(*column.type, &fell_back, &error)
                                  : declared_type(*column.type, &fell_back, &error);
  if (!error.empty()) {
    return failure(error, span);
  }
  if (fell_back) {
    const std::string module = column.type->module;
    m_fallbacks.insert({module.empty() ? column.type->name : module + "." + column.type->name,
                        type});
    if (m_declared_by_name) m_declared_by_name->insert(type);
  }
  return type;
}

Flow<ddl::ColumnDef> Interpreter::column_def(const ColumnObj& column, Span span)
{
  ddl::ColumnDef def;
  def.name = column.name;
  auto type = column_type(column, span);
  if (!type) return type.stop();
  def.type = *type;
  def.primary_key = column.primary_key;
  def.nullable = column.nullable.value_or(!column.primary_key);
  def.server_default = column.server_default;
  def.identity = column.identity;
  def.comment = column.comment;
  // SQLAlchemy writes a column's own CHECK constraints in the column definition.
  for (const auto& check : column.checks) def.inline_constraints.push_back(ddl::render_constraint(check));
  return def;
}

Flow<std::optional<std::string>> Interpreter::server_default(const Value& v, Span span)
{
  if (v.is_none()) return std::optional<std::string>();
  if (auto s = v.str()) return std::optional<std::string>(ddl::quote_literal(*s));
  if (auto t = v.as<TextClause>()) return std::optional<std::string>(t->text);
  // SQLite's dialect parenthesizes an expression default; PostgreSQL's writes it bare.
  if (auto e = v.as<SqlExpression>()) {
    return std::optional<std::string>(postgresql() ? e->sql : "(" + e->sql + ")");
  }
  return unsupported(fmt::format("server_default of type {}", type_name(v)), span);
}

Flow<std::vector<std::string>> Interpreter::names(const Value* v, Span span, std::string_view what)
{
  std::vector<std::string> out;
  if (!v) return unsupported(fmt::format("missing {}", what), span);
  if (auto s = v->str()) {
    out.push_back(*s);
    return out;
  }
  if (auto l = v->list()) {
    for (const Value& item : l->items) {
      if (auto s = item.str()) out.push_back(*s);
      else if (auto c = item.as<ColumnObj>()) out.push_back(c->name);
      else if (auto c = item.as<ColumnClause>()) out.push_back(c->name);
      else return unsupported(fmt::format("{} given as {}", what, type_name(item)), span);
    }
    return out;
  }
  return unsupported(fmt::format("{} given as {}", what, type_name(*v)), span);
}

Flow<std::vector<std::string>> Interpreter::index_elements(const Value* v, Span span)
{
  std::vector<std::string> out;
  if (!v) return unsupported("an index without columns", span);
  std::vector<Value> items;
  if (auto l = v->list()) items = l->items;
  else items.push_back(*v);
  for (const Value& item : items) {
    if (auto s = item.str()) out.push_back(quote_name(*s));
    else if (auto t = item.as<TextClause>()) out.push_back(t->text);
    else if (auto e = item.as<SqlExpression>()) out.push_back(e->sql);
    else if (auto c = item.as<ColumnClause>()) out.push_back(quote_name(c->name));
    else return unsupported(fmt::format("index element of type {}", type_name(item)), span);
  }
  return out;
}

Flow<ddl::TableDef> Interpreter::table_def(const std::string& name, const std::vector<Value>& items,
                                           const CallArgs& args, std::vector<ddl::IndexDef>& indexes)
{
  ddl::TableDef table;
  table.name = name;
  if (const Value* a = args.kw("sqlite_autoincrement")) table.sqlite_autoincrement = truthy(*a);
  ddl::ConstraintDef pk;
  pk.kind = ddl::ConstraintDef::Kind::primary_key;
  bool explicit_pk = false;
  std::vector<ddl::ConstraintDef> table_constraints;
  std::vector<ddl::ConstraintDef> column_constraints;
  std::vector<std::string> column_pk;
  for (const Value& item : items) {
    if (auto column = item.as<ColumnObj>()) {
      auto def = column_def(*column, args.span);
      if (!def) return def.stop();
      table.columns.push_back(*def);
      if (column->primary_key) column_pk.push_back(column->name);
      // Column-level constraints are created when the Table is built, after the
      // constraints written as arguments: a UNIQUE, then the column's foreign keys
      // (its CHECKs are written in the column definition).
      if (column->unique.value_or(false) && !column->index.value_or(false)) {
        ddl::ConstraintDef uq;
        uq.kind = ddl::ConstraintDef::Kind::unique;
        uq.columns = {column->name};
        column_constraints.push_back(uq);
      }
      for (const auto& fk : column->foreign_keys) {
        ddl::ConstraintDef c;
        c.kind = ddl::ConstraintDef::Kind::foreign_key;
        c.name = fk->name;
        c.columns = {column->name};
        const auto dot = fk->target.rfind('.');
        c.ref_table = dot == std::string::npos ? fk->target : fk->target.substr(0, dot);
        if (const auto schema_dot = c.ref_table.rfind('.'); postgresql() && schema_dot != std::string::npos) {
          c.ref_schema = c.ref_table.substr(0, schema_dot);
          c.ref_table = c.ref_table.substr(schema_dot + 1);
        }
        c.ref_columns = {dot == std::string::npos ? std::string() : fk->target.substr(dot + 1)};
        c.ondelete = fk->ondelete;
        c.onupdate = fk->onupdate;
        c.deferrable = fk->deferrable;
        c.initially = fk->initially;
        c.use_alter = fk->use_alter;
        column_constraints.push_back(c);
      }
      if (column->index.value_or(false)) {
        ddl::IndexDef ix;
        // SQLAlchemy's ix_%(column_0_label)s: the label carries the schema (PostgreSQL only).
        const Value* schema = postgresql() ? args.kw("schema") : nullptr;
        const std::string label = schema && schema->str() ? *schema->str() + "_" + name : name;
        ix.name = "ix_" + label + "_" + column->name;
        ix.table = name;
        ix.elements = {quote_name(column->name)};
        ix.columns = {column->name};
        ix.unique = column->unique.value_or(false);
        indexes.push_back(ix);
      }
    } else if (auto constraint = item.as<ConstraintObj>()) {
      if (constraint->def.kind == ddl::ConstraintDef::Kind::primary_key) {
        pk = constraint->def;
        explicit_pk = true;
      } else {
        table_constraints.push_back(constraint->def);
      }
    } else if (auto index = item.as<IndexObj>()) {
      ddl::IndexDef ix = index->def;
      ix.table = name;
      indexes.push_back(ix);
    } else {
      return unsupported(fmt::format("table element of type {}", type_name(item)), args.span);
    }
  }
  if (!explicit_pk) {
    pk.columns = column_pk;
  }
  // A primary key makes its columns NOT NULL unless nullable was given.
  for (auto& column : table.columns) {
    bool in_pk = std::find(pk.columns.begin(), pk.columns.end(), column.name) != pk.columns.end();
    if (in_pk) {
      column.primary_key = true;
      bool given = false;
      for (const Value& item : items) {
        if (auto c = item.as<ColumnObj>(); c && c->name == column.name && c->nullable) {
          given = true;
        }
      }
      if (!given) column.nullable = false;
    }
  }
  for (const auto& c : table_constraints) {
    for (const auto& col : c.columns) {
      if (!table.column(col)) {
        return failure(fmt::format("Can't create {} on table '{}': no column named '{}' is present.",
                                   c.kind == ddl::ConstraintDef::Kind::foreign_key ? "ForeignKeyConstraint" : "constraint",
                                   name, col),
                       args.span);
      }
    }
  }
  table.constraints.push_back(pk);
  table.constraints.insert(table.constraints.end(), table_constraints.begin(), table_constraints.end());
  table.constraints.insert(table.constraints.end(), column_constraints.begin(), column_constraints.end());
  if (postgresql()) {
    if (const Value* schema = args.kw("schema"); schema && schema->str()) table.schema = *schema->str();
    if (const Value* comment = args.kw("comment"); comment && comment->str()) table.comment = *comment->str();
    for (auto& ix : indexes) ix.schema = table.schema;
    use_postgresql_serial(table, items);
  }
  return table;
}

} // namespace miglint::ops
