// Values of the op.* evaluator: Python's literal values (None, bool, int, float, str,
// list/tuple, dict) plus opaque objects that stand for SQLAlchemy and Alembic things
// (a namespace such as `sa` or `op`, a type, a Column, a constraint, `sa.text(...)`,
// `sa.table(...)`, a batch_alter_table proxy, ...). Values are cheap to copy: containers
// and objects are shared.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace miglint::ops {

struct Value;
struct Object;
using ObjectPtr = std::shared_ptr<Object>;

struct NoneValue {
  bool operator==(const NoneValue&) const = default;
};

struct ListValue {
  std::vector<Value> items;
  bool tuple = false;
};

// Ordered like a Python dict (insertion order).
struct DictValue {
  std::vector<std::pair<Value, Value>> items;
  // collections.defaultdict's default_factory: called for a missing key read by d[k].
  std::shared_ptr<const Value> default_factory;
};

struct Value {
  std::variant<NoneValue, bool, std::int64_t, double, std::string, std::shared_ptr<ListValue>,
               std::shared_ptr<DictValue>, ObjectPtr>
    data;

  Value() = default;
  Value(NoneValue) {}
  Value(bool b) : data(b) {}
  Value(std::int64_t i) : data(i) {}
  Value(int i) : data(std::int64_t{i}) {}
  Value(double d) : data(d) {}
  Value(std::string s) : data(std::move(s)) {}
  Value(const char* s) : data(std::string(s)) {}
  Value(std::shared_ptr<ListValue> l) : data(std::move(l)) {}
  Value(std::shared_ptr<DictValue> d) : data(std::move(d)) {}
  Value(ObjectPtr o) : data(std::move(o)) {}

  bool is_none() const { return std::holds_alternative<NoneValue>(data); }
  const std::string* str() const { return std::get_if<std::string>(&data); }
  const bool* boolean() const { return std::get_if<bool>(&data); }
  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data); }
  const double* floating() const { return std::get_if<double>(&data); }
  const ListValue* list() const
  {
    auto p = std::get_if<std::shared_ptr<ListValue>>(&data);
    return p ? p->get() : nullptr;
  }
  const DictValue* dict() const
  {
    auto p = std::get_if<std::shared_ptr<DictValue>>(&data);
    return p ? p->get() : nullptr;
  }
  const ObjectPtr* object() const { return std::get_if<ObjectPtr>(&data); }
  // The shared container itself, for in-place methods (list.append, d[k] = v).
  ListValue* mutable_list() const
  {
    auto p = std::get_if<std::shared_ptr<ListValue>>(&data);
    return p ? p->get() : nullptr;
  }
  DictValue* mutable_dict() const
  {
    auto p = std::get_if<std::shared_ptr<DictValue>>(&data);
    return p ? p->get() : nullptr;
  }
  // The object when it is of type T, else null.
  template <typename T> std::shared_ptr<T> as() const
  {
    const ObjectPtr* o = object();
    return o ? std::dynamic_pointer_cast<T>(*o) : nullptr;
  }
};

Value make_list(std::vector<Value> items, bool tuple = false);
// A list of strings, and a dict with string keys in the order given.
Value make_string_list(const std::vector<std::string>& items);
Value make_dict(std::vector<std::pair<std::string, Value>> items);

// Python truthiness for literal values; objects are true.
bool truthy(const Value& v);
// Python equality for literal values; objects compare by identity.
bool equal(const Value& a, const Value& b);
// str(v) for literals (`None`, `True`, `1.5`, the string itself); objects describe themselves.
std::string to_str(const Value& v);
// repr(v): strings quoted with single quotes.
std::string to_repr(const Value& v);
// "str", "int", ..., or the object's kind.
std::string type_name(const Value& v);

// Base of every non-literal value.
struct Object {
  virtual ~Object() = default;
  // What a message calls it: "sa.Column(...)", "op", "module myapp.models".
  virtual std::string describe() const = 0;
};

// A module, class or function reached through imports: `sa`, `sa.Column`, `op.create_table`,
// `postgresql.UUID`. `path` is the canonical dotted name ("sqlalchemy.Column",
// "alembic.op.create_table"); `known` is false for application and third-party imports,
// whose attributes and calls the evaluator cannot know.
struct Namespace : Object {
  std::string path;
  bool known = true;
  std::uint32_t import_line = 0; // the line of the import that bound it (0: unknown)
  Namespace(std::string p, bool k) : path(std::move(p)), known(k) {}
  std::string describe() const override { return path; }
  // The last dotted component ("UUID" for "sqlalchemy.dialects.postgresql.UUID").
  std::string leaf() const;
};

// The result of calling something unknown (an application type such as `GUID()`,
// `myapp.helpers.f()`): usable as a column type (falls back to its name), nothing else.
struct OpaqueCall : Object {
  std::string path;
  std::uint32_t import_line = 0; // the line of the import the callee came from
  OpaqueCall(std::string p) : path(std::move(p)) {}
  std::string describe() const override { return path + "(...)"; }
};

// A method of an object, e.g. `batch_op.add_column` or `op.get_context().autocommit_block`.
struct BoundMethod : Object {
  ObjectPtr self;
  std::string name;
  BoundMethod(ObjectPtr s, std::string n) : self(std::move(s)), name(std::move(n)) {}
  std::string describe() const override { return self->describe() + "." + name; }
};

} // namespace miglint::ops
