// The op.* interpreter: an Evaluator whose namespaces are Alembic's `op` and SQLAlchemy,
// turning each op call into statements for a StatementSink as Alembic 1.8 with
// SQLAlchemy 1.4 would on the run's dialect. On SQLite, batch operations reflect the live
// table through the connection (null offline, where only ALTER-free batches can be
// rendered). On PostgreSQL the dialect's seam is narrow: types (postgresql_type), DDL
// text (ops/postgresql_ddl.hpp) and the ops whose SQL differs (postgresql_operations.cpp);
// nothing is read back from the database there, so reads are not runnable.
#pragma once

#include "db/dialect.hpp"
#include "engine/body_runner.hpp"
#include "ops/ddl.hpp"
#include "ops/evaluator.hpp"
#include "ops/result_rows.hpp"
#include "ops/sa_objects.hpp"
#include "source/python_modules.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace miglint::ops {

struct BatchProxy;
struct AppModule;
struct OrmColumn;
struct OrmMapping;
struct OrmObject;
struct OrmQuery;
struct SessionObj;

class Interpreter : public Evaluator {
public:
  Interpreter(std::string_view source, engine::StatementSink& sink, sqlite::Connection* db)
    : Evaluator(source), m_sink(sink), m_db(db)
  {
  }

  // Statements run so far, with the op call each came from.
  const std::vector<engine::StatementRun>& statements() const { return m_runs; }
  // Types that fell back to their name ("app.types.GUID" declared as "GUID").
  const std::set<engine::FallbackType>& fallback_types() const { return m_fallbacks; }
  // Where declared types written by fallback are recorded and kept over the revisions of
  // a run, so that batch rebuilds keep them as declared (null: not kept).
  void set_declared_by_name(std::set<std::string>* declared) { m_declared_by_name = declared; }
  // SQLAlchemy's memo of the enum types created with a table in this run (null: this body).
  void set_enum_types_created(std::set<std::string>* created)
  {
    m_enum_types_created = created ? created : &m_own_enum_types_created;
  }
  // The dialect the SQL is written for, and whether the run is offline (--sql): online on
  // PostgreSQL there is no SQLite connection to read from, yet the run is not offline.
  void set_dialect(db::Dialect dialect, bool offline)
  {
    m_dialect = dialect;
    m_offline = offline;
  }
  bool postgresql() const { return m_dialect == db::Dialect::postgresql; }
  // The PostgreSQL connection being migrated, for reads (null offline and on SQLite), and
  // whether autocommit_block() may end the revision's transaction on it.
  void set_postgres_connection(postgres::Connection* pg, bool autocommit_blocks)
  {
    m_pg = pg;
    m_autocommit_blocks = autocommit_blocks;
  }
  // The line of an autocommit_block() that committed the statements before it, or 0.
  std::uint32_t committed_at_line() const { return m_committed_at_line; }
  // An identifier quoted as the dialect's SQLAlchemy preparer quotes it.
  std::string quote_name(std::string_view identifier) const;
  ddl::Quoter quoter() const;
  // op.* and batch_op.* calls interpreted.
  std::size_t op_calls() const { return m_op_calls; }

  // Runs one statement; a failure becomes a failed Stop carrying SQLite's message.
  std::optional<Stop> run_sql(const std::string& sql, std::string name, python::Span span);

  // Converters shared by operations and batch mode.
  Flow<std::string> column_type(const ColumnObj& column, python::Span span);
  Flow<ddl::ColumnDef> column_def(const ColumnObj& column, python::Span span);
  // `sa.text('0')` -> "0", "'x'" for a string, "(CURRENT_TIMESTAMP)" for sa.func.now().
  Flow<std::optional<std::string>> server_default(const Value& v, python::Span span);
  // A column list argument: ['a', 'b'] or 'a'.
  Flow<std::vector<std::string>> names(const Value* v, python::Span span, std::string_view what);
  // Index elements: quoted names or SQL text.
  Flow<std::vector<std::string>> index_elements(const Value* v, python::Span span);
  // The CREATE TABLE definition for op.create_table(name, *items, **kw).
  Flow<ddl::TableDef> table_def(const std::string& name, const std::vector<Value>& items,
                                const CallArgs& args, std::vector<ddl::IndexDef>& indexes);
  sqlite::Connection* db() const { return m_db; }
  void count_op() { ++m_op_calls; }
  // Where the application's own modules are read from; without it they stay opaque.
  void set_modules(const source::PythonModules* modules) { m_modules = modules; }
  // Whether engine_from_config of the ini's main section opens the migrated database.
  void set_config_engine_is_target(bool yes) { m_config_engine_is_target = yes; }

  // A value as SQL: a literal bound as SQLAlchemy binds it for `type` (JSON dumped,
  // booleans 1/0), a column ("t"."c" qualified when reached through t.c), an expression,
  // a scalar subquery. Data read from the database and application values are unsupported.
  Flow<std::string> sql_operand(const Value& v, const SqlType* type, python::Span span);
  // Runs an executable: SQL text (with `:name` parameters bound from `params`, a dict or
  // a list of dicts), sa.text(...), an UPDATE/INSERT/DELETE construct, or a select (read).
  std::optional<Stop> execute(const Value& statement, const Value* params, const std::string& label,
                              python::Span span);

protected:
  Flow<Value> call_object(const ObjectPtr& callee, CallArgs& args,
                          const python::Expr& call) override;
  Flow<Value> attribute_of_object(const ObjectPtr& object, const std::string& name,
                                  const python::Expr& expr) override;
  Flow<Value> enter_context(const Value& manager, const python::Expr& expr) override;
  std::optional<Stop> exit_context(const Value& manager, const Value& entered,
                                   bool body_completed) override;
  Value import_module(const std::string& dotted) override;
  Flow<Value> call_class(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                         const python::Expr& call) override;
  std::optional<Stop> expression_statement(const Value& value, const python::Stmt& stmt) override;
  std::optional<Flow<Value>> binary_object(python::BinaryOperator op, const Value& a,
                                           const Value& b, const python::Expr& expr) override;
  std::optional<Flow<Value>> compare_object(python::CompareOperator op, const Value& a,
                                            const Value& b, const python::Expr& expr) override;
  std::optional<Flow<Value>> unary_object(python::UnaryOperator op, const Value& v,
                                          const python::Expr& expr) override;
  std::optional<Stop> check_known(const Value& v, const python::Expr& expr,
                                  std::string_view use) override;
  Flow<std::vector<Value>> iterate_object(const ObjectPtr& object, const python::Expr& expr) override;
  bool is_own_iterator(const ObjectPtr& object) const override
  {
    return std::dynamic_pointer_cast<ResultObj>(object) != nullptr;
  }
  std::optional<Flow<std::optional<Value>>> next_of_object(const ObjectPtr& object,
                                                           const python::Expr& expr) override;
  Flow<Value> subscript_object(const ObjectPtr& object, const Value& key,
                               const python::Expr& expr) override;
  std::optional<Stop> assign_attribute(const ObjectPtr& object, const std::string& name,
                                       const Value& value, const python::Expr& target) override;
  std::optional<Stop> class_defined(const std::shared_ptr<ClassValue>& cls,
                                    const python::ClassDef& def) override;

private:
  // sqlalchemy.* constructors (sa_constructors.cpp).
  Flow<Value> call_sqlalchemy(const std::string& path, CallArgs& args, const python::Expr& call);
  // op.* (operations.cpp).
  Flow<Value> call_op(const std::string& name, CallArgs& args, const python::Expr& call);
  // op.* on PostgreSQL (postgresql_operations.cpp): natively, as Alembic's PostgresqlImpl,
  // for the ops is_postgresql_native_op names (the others are the same on every dialect).
  Flow<Value> call_postgresql_op(const std::string& name, CallArgs& args, const python::Expr& call);
  // Enum(...).create(bind, checkfirst=) / .drop(bind, checkfirst=) on PostgreSQL.
  Flow<Value> postgresql_enum_ddl(const SqlType& type, const std::string& name, CallArgs& args,
                                  const python::Expr& call);
  // batch_op.* on PostgreSQL: the plain op on the batch's table, applied at once.
  Flow<Value> call_postgresql_batch(BatchProxy& batch, const std::string& name, CallArgs& args,
                                    const python::Expr& call);
  // A CREATE TABLE on PostgreSQL: its enum types first, then the table, its indexes and
  // comments.
  std::optional<Stop> create_postgresql_table(ddl::TableDef& table, const std::vector<Value>& items,
                                              std::vector<ddl::IndexDef>& indexes,
                                              const std::string& label, python::Span span);
  // batch_op.* (batch.cpp).
  Flow<Value> call_batch(BatchProxy& batch, const std::string& name, CallArgs& args,
                         const python::Expr& call);
  std::optional<Stop> flush_batch(BatchProxy& batch);
  // Connections, contexts, inspectors, results, SQL expressions and DML (database.cpp);
  // null when `callee` / `object` is not one of them.
  std::optional<Flow<Value>> call_database(const BoundMethod& method, CallArgs& args,
                                           const python::Expr& call);
  std::optional<Flow<Value>> attribute_database(const ObjectPtr& object, const std::string& name,
                                                const python::Expr& expr);
  // sa.and_/or_/not_/case/cast/literal/select/update/insert/delete/inspect/Table/MetaData
  // and sqlalchemy.orm names; null for other names.
  std::optional<Flow<Value>> call_sql_construct(const std::string& path, const std::string& leaf,
                                                CallArgs& args, const python::Expr& call);
  Flow<Value> inspector_call(const std::string& name, CallArgs& args, const python::Expr& call);
  // The inspector on PostgreSQL (postgresql_inspector.cpp).
  Flow<Value> postgresql_inspector_call(const std::string& name, CallArgs& args,
                                        const python::Expr& call);
  // A table of the database being migrated, reflected (NoSuchTableError when missing).
  Flow<std::shared_ptr<TableClause>> reflect_table_clause_of(const std::string& table,
                                                             python::Span span);
  // The schema the inspector reflects when none is given: current_schema(), read once, as
  // SQLAlchemy reads its default schema once per connection.
  model::Result<std::string> postgresql_schema();
  // Whether a PostgreSQL type exists, as SQLAlchemy's checkfirst asks.
  Flow<bool> postgresql_type_exists(const std::string& name, const std::string& schema,
                                    python::Span span);
  // meta.reflect(...), meta.tables, meta.sorted_tables (database.cpp).
  Flow<Value> call_metadata(MetaDataObj& meta, const std::string& name, CallArgs& args,
                            const python::Expr& call);
  Flow<Value> metadata_attribute(MetaDataObj& meta, const std::string& name, const python::Expr& expr);
  // Runs one rendered statement: one that returns rows is read into m_result (online).
  std::optional<Stop> run_executable(const std::string& sql, const std::string& label,
                                     python::Span span, const SelectedColumns& columns);
  std::optional<Stop> run_postgresql_executable(const std::string& sql, const std::string& label,
                                                python::Span span, const SelectedColumns& columns);
  // The tables a WHERE condition's columns belong to, added to the select's FROM list.
  void add_condition_froms(SelectStatement& select, const Value& condition,
                           const std::string& sql) const;
  // Runs a statement of the revision on PostgreSQL, timed among the statements run.
  Flow<postgres::Rows> run_postgresql_statement(const std::string& sql, const std::string& label,
                                                python::Span span);
  // Runs a statement that changes rows and says how many it changed (online only).
  Flow<std::int64_t> run_counted(const std::string& sql, const std::string& label, python::Span span);
  // Reads the rows of a select on the database being migrated (online only).
  Flow<std::shared_ptr<ResultState>> read_select(const std::string& sql,
                                                 const SelectedColumns& columns, python::Span span);
  // Whether there is a database to read from (online on SQLite or PostgreSQL).
  bool can_read() const { return m_db || m_pg; }
  // A PostgreSQL type's name by oid, for types that are not built in.
  std::string postgresql_type_name(unsigned type_oid);
  // Refuses a read through a second engine once the revision has run a statement.
  std::optional<Stop> second_engine_read(bool second_engine, python::Span span);
  // What the last execute() returned: its rows online, unknown data offline.
  Flow<Value> executed_result(python::Span span);
  Flow<std::string> render_statement(const Value& v, python::Span span);
  // Why a value is unknown statically (data read from the database, an application
  // call), or "" when it is known.
  std::string unknown_reason(const Value& v) const;
  // The application's own modules (app_modules.cpp): a module found through m_modules,
  // an attribute of one (evaluated on first use), and what a TypeDecorator subclass
  // declares on SQLite.
  std::optional<Value> import_app_module(const std::string& dotted);
  Flow<Value> app_module_attribute(const std::shared_ptr<AppModule>& module,
                                   const std::string& name, const python::Expr& expr);
  void load_app_module(AppModule& module);
  std::optional<Flow<Value>> decorated_type(const std::shared_ptr<ClassValue>& cls,
                                            CallArgs& args, const python::Expr& call);

  // sa.Column(...) / mapped_column(...) (sa_constructors.cpp).
  Flow<Value> column_object(CallArgs& args, const python::Expr& call);
  // The ORM: models (orm_models.cpp), sessions and queries (orm_session.cpp).
  Flow<Value> construct_orm_object(const std::shared_ptr<ClassValue>& cls,
                                   const std::shared_ptr<OrmMapping>& mapping, CallArgs& args,
                                   const python::Expr& call);
  Flow<Value> orm_attribute(const std::shared_ptr<OrmObject>& obj, const std::string& name,
                            const python::Expr& expr);
  // Session, sessionmaker, scoped_session, mapped_column, declarative_base; null otherwise.
  std::optional<Flow<Value>> call_orm_construct(const std::string& leaf, CallArgs& args,
                                                const python::Expr& call);
  // Calls of sessions, session factories and queries; null for other callees.
  std::optional<Flow<Value>> call_orm(const ObjectPtr& callee, CallArgs& args,
                                      const python::Expr& call);
  Flow<Value> call_session(const std::shared_ptr<SessionObj>& session, const std::string& name,
                           CallArgs& args, const python::Expr& call);
  Flow<Value> call_query(const std::shared_ptr<OrmQuery>& query, const std::string& name,
                         CallArgs& args, const python::Expr& call);
  Flow<Value> new_session(const Value* bind, const CallArgs& args, bool autoflush,
                          bool expire_on_commit, python::Span span);
  std::optional<Stop> require_session_database(const SessionObj& session, python::Span span);
  // filter_by(name=value, ...) of a model's query or select(Model), added to `select`.
  std::optional<Stop> filter_by(const OrmMapping& mapping, const CallArgs& args,
                                SelectStatement& select, python::Span span);
  // Loads the expired attributes of a persistent object from its row.
  std::optional<Stop> refresh_orm_object(OrmObject& obj, python::Span span);
  Flow<std::vector<std::shared_ptr<OrmObject>>> load_objects(SessionObj& session,
                                                             const SelectStatement& select,
                                                             const python::Expr& call);
  std::optional<Stop> flush_session(SessionObj& session, const python::Expr& call);
  std::optional<Stop> flush_update(OrmObject& obj, python::Span span);
  std::optional<Stop> flush_insert(OrmObject& obj, const python::Expr& call);
  std::optional<Stop> bulk_insert_row(const OrmMapping& mapping,
                                      const std::vector<std::pair<std::string, Value>>& row,
                                      const python::Expr& call);
  // A column's default=: the value, or what calling it returns.
  Flow<Value> python_default_value(const OrmColumn& column, const python::Expr& call);
  std::optional<Stop> synchronize_objects(SessionObj& session, const OrmMapping& mapping,
                                          bool deleted, python::Span span);
  void expire_session(SessionObj& session);
  void close_session(SessionObj& session);

  engine::StatementSink& m_sink;
  sqlite::Connection* m_db;
  postgres::Connection* m_pg = nullptr;
  bool m_autocommit_blocks = false;
  bool m_in_autocommit_block = false; // statements run outside a transaction
  std::uint32_t m_committed_at_line = 0;
  std::map<unsigned, std::string> m_pg_type_names;
  std::string m_pg_schema; // postgresql_schema(), once read
  db::Dialect m_dialect = db::Dialect::sqlite;
  bool m_offline = false;
  std::set<std::string> m_own_enum_types_created;
  std::set<std::string>* m_enum_types_created = &m_own_enum_types_created;
  std::vector<engine::StatementRun> m_runs;
  std::set<engine::FallbackType> m_fallbacks;
  std::set<std::string>* m_declared_by_name = nullptr;
  std::size_t m_op_calls = 0;
  std::string m_current_op;
  std::shared_ptr<ResultState> m_result; // of the last execute()
  const source::PythonModules* m_modules = nullptr;
  bool m_config_engine_is_target = false;
  std::map<std::string, std::shared_ptr<AppModule>> m_app_modules;
};

// The ops whose SQL differs on PostgreSQL (DDL, bulk_insert, batch_alter_table).
bool is_postgresql_native_op(std::string_view name);

// On PostgreSQL, the table's autoincrement column (as SQLAlchemy chooses it: the one
// integer primary key column with no default, foreign key or identity, or the one marked
// autoincrement=True) becomes SERIAL, BIGSERIAL or SMALLSERIAL, listed first in the key.
void use_postgresql_serial(ddl::TableDef& table, const std::vector<Value>& items);

// A literal as the SQL SQLAlchemy binds for a column of `type` (null when untyped);
// nullopt for values that are not literals.
std::optional<std::string> data_literal(const Value& v, const SqlType* type);
// What every dialect writes alike: None, a string, sa.text(...), an SQL expression, an
// enum member (sa.Enum stores names); nullopt for other values.
std::optional<std::string> common_literal(const Value& v);
// The error SQLAlchemy 1.4's SQLite bind processor for `type` raises for the literal `v`
// ("TypeError: SQLite Date type only accepts Python date objects as input."), or "".
std::string bind_error(const Value& v, const SqlType* type);

// The same on PostgreSQL, as psycopg2 sends it (booleans true/false, JSON dumped), and
// the errors SQLAlchemy raises before sending (a JSON document json.dumps refuses).
std::optional<std::string> postgresql_literal(const Value& v, const SqlType* type, bool online = false);
std::string postgresql_bind_error(const Value& v, const SqlType* type);

// A type argument as a SqlType: a called type, a type class (`sa.Integer`), or an
// application/third-party type (which falls back to its name). Null otherwise.
std::shared_ptr<SqlType> to_type(const Value& v);

// Canonical module of an import path: "sqlalchemy" for sqlalchemy.types / sqlalchemy.sql...,
// "sqlalchemy.dialects.postgresql", "alembic.op", "sqlmodel...", or the path itself.
std::string canonical_module(const std::string& path);

} // namespace miglint::ops
