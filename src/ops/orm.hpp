// The SQLAlchemy ORM as data migrations use it: declarative models defined in the revision
// (declarative_base(), `class Base(DeclarativeBase)`, Column / mapped_column / Mapped[...];
// relationships are ignored), a Session bound to the migration's connection, its queries
// (session.query(M)..., session.execute(select(M))) read from the live database, and its
// unit of work: objects added, changed or deleted become INSERT / UPDATE (changed
// attributes only, by primary key) / DELETE at flush, as SQLAlchemy 1.4 issues them.
#pragma once

#include "ops/evaluator.hpp"
#include "ops/sa_objects.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace miglint::ops {

// One mapped column of a model: the attribute and the table column it maps.
struct OrmColumn {
  std::string attr;
  std::shared_ptr<ColumnClause> column; // named, typed, with its table
  bool primary_key = false;
  bool server_default = false;          // declared with server_default=
  std::optional<Value> python_default;  // default=
};

// What a declarative class maps. A base (declarative_base(), a DeclarativeBase subclass,
// an `__abstract__` class) maps no table; its columns are inherited by its subclasses.
struct OrmMapping : Object {
  bool is_base = false;
  std::string class_name;
  std::shared_ptr<TableClause> table; // null for a base
  std::vector<OrmColumn> columns;
  std::vector<std::string> ignored;  // relationship() and other ORM-only attributes
  const OrmColumn* find_attr(const std::string& attr) const;
  std::vector<const OrmColumn*> primary_key() const;
  std::string describe() const override { return "mapping of " + class_name; }
};

struct SessionObj;

// A loader option: one that changes how relationships are loaded (joinedload(...), ...),
// never which rows, columns or values a query returns; or one that narrows the columns an
// entity query selects (load_only, defer; undefer widens them again). `columns` are the
// attributes it names: a model's class attribute or, as SQLAlchemy 1.4 still accepts, a
// string.
struct LoaderOption : Object {
  std::string name;
  std::vector<Value> columns;
  bool narrows() const { return name == "load_only" || name == "defer" || name == "undefer"; }
  std::string describe() const override { return "orm." + name + "(...)"; }
};

// The attributes of `mapping` that the loader options leave unloaded, as SQLAlchemy 1.4
// decides: the primary key always loads; an attribute named by load_only or undefer
// loads, one named by defer does not (the later option wins); with a load_only, every
// other attribute is deferred. A Stop when an option names something that is not a
// column attribute of the mapping.
Flow<std::vector<std::string>> deferred_attributes(const OrmMapping& mapping,
                                                   const std::vector<Value>& options, python::Span span);
// `select` without the columns of `deferred` (attributes of its entity).
void narrow_entity_select(SelectStatement& select, const std::vector<std::string>& deferred);

// An instance of a mapped class. `attrs` holds what Python sees, `committed` what the
// database holds as last loaded or flushed (an attribute missing from both is expired and
// is loaded again on access).
struct OrmObject : Object {
  enum class State { transient, pending, persistent, deleted, detached };
  std::shared_ptr<ClassValue> cls;
  std::shared_ptr<OrmMapping> mapping;
  std::map<std::string, Value> attrs;
  std::map<std::string, Value> committed;
  std::vector<Value> identity; // the primary key of its row, once persistent
  State state = State::transient;
  // Attributes a load_only/defer option left unloaded: reading one is SQLAlchemy's lazy
  // load of a deferred column, which is not evaluated.
  std::set<std::string> deferred;
  std::string describe() const override { return "<" + mapping->class_name + " object>"; }
};

// Session(bind=...) / sessionmaker(...)(). `objects` is the identity map plus the pending
// ones, in the order they joined the session.
struct SessionObj : Object {
  bool bound = false;
  bool autoflush = true;
  bool expire_on_commit = true;
  bool scoped = false; // a scoped_session registry: calling it gives the session itself
  std::vector<std::shared_ptr<OrmObject>> objects;
  std::string describe() const override { return "an ORM Session"; }
};

// sessionmaker(bind=..., autoflush=..., expire_on_commit=...): calling it makes a Session.
struct SessionFactory : Object {
  bool bound = false;
  bool autoflush = true;
  bool expire_on_commit = true;
  std::string describe() const override { return "sessionmaker()"; }
};

// `with session.begin():` commits at the end of the block; `with factory.begin() as s:`
// also closes the session it made.
struct SessionTransaction : Object {
  std::shared_ptr<SessionObj> session;
  bool closes = false;
  const python::Expr* begun_at = nullptr; // the begin() call, where its flush is reported
  std::string describe() const override { return "session.begin()"; }
};

// session.query(M) / session.query(M.a, M.b): a select that the session runs when its
// results are asked for (all(), first(), iteration, ...).
struct OrmQuery : Object {
  std::shared_ptr<SessionObj> session;
  SelectStatement select; // entity set for query(M)
  std::string describe() const override { return "session.query(...)"; }
};

// The mapping of a declarative class or base, or null.
std::shared_ptr<OrmMapping> orm_mapping(const Value& v);

// `"table"."column"` of a mapped column.
std::string orm_column_sql(const OrmColumn& c, ddl::Quoter quote);
// The select of every mapped column of a model, keyed by attribute:
// `SELECT "t"."id", "t"."name" FROM "t"`.
SelectStatement entity_select(const std::shared_ptr<ClassValue>& cls, const OrmMapping& mapping,
                              ddl::Quoter quote);
// The model a select(Model) selects, or null.
std::shared_ptr<ClassValue> entity_class(const SelectStatement& s);
// Whether two primary keys are the same row.
bool same_identity(const std::vector<Value>& a, const std::vector<Value>& b);

} // namespace miglint::ops
