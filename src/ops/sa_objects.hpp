// Evaluator objects for SQLAlchemy constructs that revision bodies build: types, Column,
// ForeignKey, table constraints, Index, sa.text(...), SQL functions such as
// sa.func.now(), and the lightweight sa.table(...)/sa.column(...) used by bulk_insert.
#pragma once

#include "ops/ddl.hpp"
#include "ops/value.hpp"

#include <optional>
#include <string>
#include <vector>

namespace miglint::ops {

// A SQLAlchemy type such as String(50) or postgresql.UUID(as_uuid=True). `name` is the
// class name as written ("String", "VARCHAR", "UUID"), `module` the canonical module
// ("sqlalchemy", "sqlalchemy.dialects.postgresql", "sqlmodel.sql.sqltypes", or an
// application module when `known` is false).
struct SqlType : Object {
  std::string name;
  std::string module;
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  bool known = true;
  std::string describe() const override { return name + "()"; }
  const Value* kwarg(std::string_view key) const;
};

// `sa.text("...")`: SQL text used as is (not parenthesized as a server default).
struct TextClause : Object {
  std::string text;
  std::vector<std::pair<std::string, Value>> binds; // .bindparams(name=value)
  std::string describe() const override { return "sa.text(...)"; }
};

// A SQL expression element rendered for SQLite: sa.func.now() -> CURRENT_TIMESTAMP,
// sa.false() -> 0, sa.literal_column("x") -> x, `t.c.n + 1`, `t.c.id == 5` -> t.id = 5.
// Parenthesized as a server default. `compound` marks an operator expression, which is
// parenthesized when it becomes an operand.
struct SqlExpression : Object {
  std::string sql;
  bool compound = false;
  std::string label; // expr.label("name"): its key in result rows
  std::shared_ptr<SqlType> type; // a labelled column's type
  std::string describe() const override { return sql; }
};

struct ForeignKeyObj : Object {
  std::string target; // "table.column"
  std::string name;
  std::string ondelete;
  std::string onupdate;
  std::optional<bool> deferrable;
  std::string initially;
  std::string describe() const override { return "sa.ForeignKey('" + target + "')"; }
};

struct ColumnObj : Object {
  std::string name;
  std::shared_ptr<SqlType> type; // null when the Column has no type (FK-only columns)
  std::optional<bool> nullable;  // as given
  bool primary_key = false;
  std::optional<bool> unique;
  std::optional<bool> index;
  std::optional<std::string> server_default; // rendered DEFAULT text
  // The server_default was an SQL construct (sa.text(...), sa.func.now(), sa.false()),
  // not a string: Alembic's batch mode then recreates the table to add the column.
  bool server_default_is_clause = false;
  std::vector<std::shared_ptr<ForeignKeyObj>> foreign_keys;
  std::vector<ddl::ConstraintDef> checks; // column-level CheckConstraint arguments
  std::optional<Value> python_default;    // default=: a value or a callable, for ORM inserts
  std::string describe() const override { return "sa.Column('" + name + "')"; }
};

// sa.Column(sa.Integer, ...) / mapped_column(...) without a name: an ORM model's attribute
// names it. Nothing else accepts it.
struct UnnamedColumn : Object {
  std::shared_ptr<ColumnObj> column;
  std::string describe() const override { return "a Column without a name"; }
};

struct ConstraintObj : Object {
  ddl::ConstraintDef def;
  std::string describe() const override { return "constraint"; }
};

struct IndexObj : Object {
  ddl::IndexDef def;
  std::string describe() const override { return "sa.Index('" + def.name + "')"; }
};

// sa.column('name', type) / sa.table('t', columns...): just names for bulk_insert and
// for index expressions.
struct ColumnClause : Object {
  std::string name;
  std::shared_ptr<SqlType> type;
  std::string table; // set when reached as `t.c.name`: rendered "t.name"
  std::string key;   // an ORM model's attribute for it, when named otherwise: its key in rows
  std::string row_key() const { return key.empty() ? name : key; }
  std::string describe() const override { return "sa.column('" + name + "')"; }
};

struct TableClause : Object {
  std::string name;
  std::vector<std::shared_ptr<ColumnClause>> columns;
  std::vector<std::string> referenced_tables; // by its foreign keys (sorted_tables)
  std::string describe() const override { return "sa.table('" + name + "')"; }
};

// The SQLite declared type SQLAlchemy 1.4 renders for `type` ("VARCHAR(50)", "BOOLEAN",
// "NUMERIC(10, 2)"). Types it does not know fall back to their name; `fell_back` says so.
// An error message is returned through `error` for types SQLAlchemy refuses to render.
std::string declared_type(const SqlType& type, bool* fell_back = nullptr,
                          std::string* error = nullptr);

// What a declared type becomes after SQLAlchemy reflects it from SQLite and renders it
// again (batch mode): "GUID" -> "NUMERIC", "INT(11)" -> "INTEGER", "varchar(10)" ->
// "VARCHAR(10)". Empty for a column without a type, which SQLAlchemy cannot render.
std::string reflected_type(std::string_view declared);

// SQLite type affinity class of a declared type in SQLAlchemy's sense, used to decide
// whether batch mode CASTs a column when its type changes: "integer", "string",
// "numeric", "float", "datetime", "date", "time", "boolean", "binary", "json", other.
std::string type_affinity(std::string_view declared);

// `t.c` of a table: its columns by attribute or subscript, and iterable.
struct ColumnCollection : Object {
  std::shared_ptr<TableClause> table;
  std::string describe() const override { return table->name + ".c"; }
};

// sa.MetaData(): the tables defined or reflected into it (`meta.tables`), and the
// connection it is bound to (`MetaData(bind=conn)`, for legacy `autoload=True`).
struct MetaDataObj : Object {
  std::vector<std::shared_ptr<TableClause>> tables;
  bool bound = false;
  std::string describe() const override { return "sa.MetaData()"; }
};

// An UPDATE, INSERT or DELETE built with t.update()/sa.update(t), .where(), .values().
struct DmlStatement : Object {
  enum class Kind { update, insert, del };
  Kind kind = Kind::update;
  std::shared_ptr<TableClause> table;
  std::vector<std::string> where;                            // AND-ed conditions
  std::vector<std::vector<std::pair<std::string, std::string>>> rows; // column -> SQL
  std::string from_select;                                   // INSERT ... SELECT
  std::vector<std::string> from_select_columns;
  ObjectPtr entity; // sa.update(Model) and the like: a Session synchronizes its objects
  std::string describe() const override;
};

// sa.select(...): only rendered (scalar subqueries, INSERT ... SELECT) or executed as a read.
struct SelectStatement : Object {
  std::vector<std::string> columns;
  // Per column: its key in result rows ("" when SQLAlchemy names it anonymously) and its
  // type when known, for reading rows as SQLAlchemy returns them.
  std::vector<std::string> keys;
  std::vector<std::shared_ptr<SqlType>> types;
  std::vector<std::string> froms;
  std::vector<std::string> where;
  std::vector<std::string> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  bool distinct = false;
  // select(Model): the ORM class selected whole; a Session returns its rows as objects.
  ObjectPtr entity;
  // A model selected beside other columns or models (select(A, B)): a Session would return
  // rows of objects, which is not evaluated.
  bool mixed_entities = false;
  // The column loader options given to .options() (load_only, defer, undefer), in order:
  // they narrow the SELECT when a Session loads `entity`.
  std::vector<Value> loader_options;
  void add_column(std::string sql, std::string key, std::shared_ptr<SqlType> type)
  {
    columns.push_back(std::move(sql));
    keys.push_back(std::move(key));
    types.push_back(std::move(type));
  }
  std::string describe() const override { return "sa.select(...)"; }
};

// SELECT ... FROM ... WHERE ... ORDER BY ... LIMIT ... OFFSET ...
std::string render_select(const SelectStatement& s);

// op.get_bind(), op.get_context().bind, context.get_bind(): the migration's connection.
// `second_engine`: engine_from_config(...) of the ini's main section where env.py connects
// the same way, a second connection to the migrated database. It sees only what is
// committed, so it may read the schema before the revision has run any statement.
struct ConnectionObj : Object {
  bool second_engine = false;
  std::string describe() const override
  {
    return second_engine ? "engine_from_config(config.get_section(config.config_ini_section))"
                         : "op.get_bind()";
  }
};

// `bind.engine.url`: the URL SQLAlchemy shows for the database being migrated
// ("sqlite://" in memory, "sqlite:///rel.db", "sqlite:////abs/x.db").
struct UrlObj : Object {
  std::string database; // the file as opened, empty in memory
  std::string text() const { return database.empty() ? "sqlite://" : "sqlite:///" + database; }
  std::string describe() const override { return text(); }
};

// `context.config` / `op.get_context().config`: the Alembic Config. Its options come from
// alembic.ini as env.py may have changed them, so what is read from it is unknown here.
struct ConfigObj : Object {
  std::string describe() const override { return "context.config"; }
};

// `config.config_ini_section`, and `config.get_section(config.config_ini_section)`: the ini's
// main section, whatever its name (`-n`): known only as what engine_from_config is given.
struct ConfigMainSectionName : Object {
  std::string describe() const override { return "config.config_ini_section"; }
};
struct ConfigMainSection : Object {
  std::string describe() const override { return "config.get_section(config.config_ini_section)"; }
};

// `bind.dialect`: SQLite's (name "sqlite").
struct DialectObj : Object {
  std::string describe() const override { return "dialect"; }
};

// op.get_context() / context.get_context().
struct MigrationContextObj : Object {
  std::string describe() const override { return "op.get_context()"; }
};

// op.get_context().autocommit_block(), bind.begin(): run their body as is.
struct PassThroughContext : Object {
  std::string what;
  std::string describe() const override { return what; }
};

// sa.inspect(bind): answers from the live SQLite schema (reading the schema is not
// reading data, so revisions that check `has_table` stay verifiable).
struct InspectorObj : Object {
  bool second_engine = false; // made from a second engine (see ConnectionObj)
  std::string describe() const override { return "sa.inspect(bind)"; }
};

// Data read from the database that miglint cannot know: any result offline, and online a
// value it cannot reproduce as SQLAlchemy returns it (a Decimal, a JSON document). It may
// be carried around but not steer control flow or feed a statement.
struct DbData : Object {
  std::string origin; // "the result of `conn.execute(...)` (line 12)"
  std::string describe() const override { return origin; }
};

} // namespace miglint::ops
