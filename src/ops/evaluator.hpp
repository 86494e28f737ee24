// A small evaluator over python/ast.hpp for the subset of Python revision files use:
// literals, names, attributes, calls, f-strings, %- and str.format formatting, arithmetic,
// comparisons, comprehensions, slices; assignments (also to `d[k]` and `obj.attr`), with,
// if/elif/else, for, while, try, return and raise; module-level and nested functions
// (closures), lambdas and small classes. What a statement means for the database is up to
// a subclass (the op interpreter), which handles calls on objects, attributes of objects,
// operators on SQL expressions and context managers. Anything else stops evaluation with
// an `unsupported` Stop that names the construct, rather than guessing.
//
// Evaluation is bounded (steps, call depth, string size; see Limits), so a hostile file
// cannot hang or exhaust miglint: hitting a bound is a `bounded` Stop naming the line.
#pragma once

#include "ops/value.hpp"
#include "python/ast.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace miglint::ops {

// Why evaluation stopped before the end of a block.
struct Stop {
  enum class Kind {
    unsupported, // a construct the evaluator cannot interpret (message names it)
    failed,      // an operation failed (SQLite's message, or Alembic's error)
    raised,      // the body executed `raise`
    returned,    // `return` (not an error)
    broke,       // `break`
    continued,   // `continue`
    bounded,     // a bound of Limits was reached (message says which)
  };
  Kind kind = Kind::unsupported;
  std::string message;
  std::string statement; // the failing SQL statement, if any
  python::Span span;
  Value value; // `return` value
};

// A value or a Stop.
template <typename T> class Flow {
public:
  Flow(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Flow(Stop stop) : m_data(std::in_place_index<1>, std::move(stop)) {}
  explicit operator bool() const { return m_data.index() == 0; }
  T& value() { return std::get<0>(m_data); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  Stop& stop() { return std::get<1>(m_data); }

private:
  std::variant<T, Stop> m_data;
};

// Arguments of a call, evaluated.
struct CallArgs {
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  python::Span span; // the whole call

  // Positional argument `position`, or keyword `name`; null when absent.
  const Value* get(std::size_t position, std::string_view name) const;
  const Value* kw(std::string_view name) const;
};

Stop unsupported(std::string message, python::Span span);
Stop failure(std::string message, python::Span span, std::string statement = {});

struct ClassValue;
struct SuperValue;
struct FunctionValue;
struct LambdaValue;

// Bounds on one evaluation (one body with the module it runs in).
struct Limits {
  std::size_t max_steps = 1'000'000;         // statements + expressions evaluated
  int max_depth = 100;                       // nested function calls
  std::size_t max_string = 16 * 1024 * 1024; // bytes in one string (and items in one list)
};

// The text of a module other than the revision (an application module imported by it):
// functions defined there keep it, so that their spans read their own file.
struct ModuleText {
  std::string dotted; // "myapp.db.types"
  std::string path;   // as shown in messages
  std::string text;
  bool package = false; // an __init__.py: `from . import x` is relative to itself
};

// The variables of one function call; `parent` is the frame a nested function or lambda
// was defined in (its closure).
struct Frame {
  std::unordered_map<std::string, Value> vars;
  std::shared_ptr<Frame> parent;
  // A class body's frame: the class being defined, which zero-argument super() in its
  // methods (whose closure this frame is) resolves from, as Python's `__class__` cell.
  // Weak: the class owns its methods, which own this frame.
  std::weak_ptr<ClassValue> class_cell;
  // A function call's frame: the name of its first positional parameter (super()'s
  // second argument).
  std::string first_param;
};

class Evaluator {
public:
  explicit Evaluator(std::string_view source) : m_source(source), m_revision_source(source) {}
  virtual ~Evaluator() = default;

  // Binds module-level imports, constants and function definitions. Statements the
  // evaluator cannot run at module level are skipped (they do not affect op calls).
  void load_module(const python::Module& module);

  // Runs a function body with no arguments. A `return` ends it normally.
  std::optional<Stop> run_function(const python::FunctionDef& def);

  std::optional<Stop> exec_block(const python::Block& block);
  // Runs a module-level definition (a class, a constant) of the revision or of an
  // application module. When it stops, the names it would have bound remember why, so
  // that a later use reports the construct at its own line rather than an unknown name.
  void exec_module_definition(const python::Stmt& stmt);
  // Records what a function's decorator does (classmethod, staticmethod, a transparent
  // one such as functools.lru_cache) or that it is unknown.
  void apply_decorator(FunctionValue& fn, const python::Expr& decorator);
  // Whether a try's handlers all let a failed SQL statement's DatabaseError through.
  bool no_handler_catches_sql_failure(const python::Try& t, const Stop& failure);
  std::optional<Stop> exec(const python::Stmt& stmt);
  Flow<Value> eval(const python::Expr& expr);

  // The source text of a span (for messages).
  std::string text(python::Span span) const;
  // "line N" of a span.
  std::uint32_t line_of(python::Span span) const;

  void set(const std::string& name, Value value);
  const Value* lookup(const std::string& name) const;

  void set_limits(const Limits& limits) { m_limits = limits; }
  std::size_t steps() const { return m_steps; }

protected:
  // Hooks for the op interpreter. Defaults: unsupported.
  virtual Flow<Value> call_object(const ObjectPtr& callee, CallArgs& args,
                                  const python::Expr& call);
  virtual Flow<Value> attribute_of_object(const ObjectPtr& object, const std::string& name,
                                          const python::Expr& expr);
  // `with X as y:` — the value bound to y; exit_context runs after the body.
  virtual Flow<Value> enter_context(const Value& manager, const python::Expr& expr);
  virtual std::optional<Stop> exit_context(const Value& manager, const Value& entered,
                                           bool body_completed);
  // `obj.name = value` on an object other than an instance of a class the revision
  // defines (an ORM object). Default: unsupported.
  virtual std::optional<Stop> assign_attribute(const ObjectPtr& object, const std::string& name,
                                               const Value& value, const python::Expr& target);
  // After a class statement ran, before its name is bound (ORM models are mapped here).
  virtual std::optional<Stop> class_defined(const std::shared_ptr<ClassValue>& cls,
                                            const python::ClassDef& def);
  // Called with the value of each expression statement (a bare call's result).
  virtual std::optional<Stop> expression_statement(const Value& value, const python::Stmt& stmt);
  // How an import binds: `import sqlalchemy as sa` -> Namespace("sqlalchemy").
  virtual Value import_module(const std::string& dotted);
  // Operators with an object operand (SQL expressions: `t.c.id == 5`, `col + 1`); null
  // when the subclass does not handle them.
  virtual std::optional<Flow<Value>> binary_object(python::BinaryOperator op, const Value& a,
                                                   const Value& b, const python::Expr& expr);
  virtual std::optional<Flow<Value>> compare_object(python::CompareOperator op, const Value& a,
                                                    const Value& b, const python::Expr& expr);
  virtual std::optional<Flow<Value>> unary_object(python::UnaryOperator op, const Value& v,
                                                  const python::Expr& expr);
  // A value used as a condition (if, while, and/or/not, a comprehension filter) or
  // iterated over: a Stop when its truth or items are unknown (rows read from the
  // database, the result of an application call). Defaults: none.
  virtual std::optional<Stop> check_known(const Value& v, const python::Expr& expr,
                                          std::string_view use);
  virtual Flow<std::vector<Value>> iterate_object(const ObjectPtr& object, const python::Expr& expr);
  // Whether iter() of the object is the object itself (a database result), and next() of
  // such an object: its next item, or nullopt when it has none left; nullopt for others.
  virtual bool is_own_iterator(const ObjectPtr&) const { return false; }
  virtual std::optional<Flow<std::optional<Value>>> next_of_object(const ObjectPtr& object,
                                                                   const python::Expr& expr);
  virtual Flow<Value> subscript_object(const ObjectPtr& object, const Value& key,
                                       const python::Expr& expr);

  // One step of the budget; a `bounded` Stop once it is spent.
  std::optional<Stop> tick(python::Span span);
  // A `bounded` Stop when a string or list is larger than Limits::max_string.
  std::optional<Stop> check_size(const Value& v, python::Span span);
  Flow<std::vector<Value>> iterate(const Value& v, const python::Expr& expr);
  // Truthiness after check_known.
  Flow<bool> condition(const Value& v, const python::Expr& expr, std::string_view use);

  std::string_view m_source;
  // The module whose code runs now; null while the revision's own code runs.
  std::shared_ptr<const ModuleText> m_module;
  std::string_view m_revision_source;

  // Runs code of `module` (null: the revision) with its text as the source of spans.
  // A Stop raised there comes back at `call` in the revision, naming the module's line.
  template <typename Run> auto in_module(const std::shared_ptr<const ModuleText>& module,
                                         const python::Expr& call, Run run) -> decltype(run());
  // Calls a function defined in the revision or in an application module.
  Flow<Value> call_function_value(const python::FunctionDef& def,
                                  const std::shared_ptr<Frame>& closure,
                                  const std::shared_ptr<const ModuleText>& module, CallArgs& args,
                                  const python::Expr& call);
  virtual Flow<Value> call_class(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                                 const python::Expr& call);
  Flow<Value> call_value(const Value& callee, CallArgs& args, const python::Expr& call);
  // One frame per active function call (an application module's top level too).
  std::vector<std::shared_ptr<Frame>> m_frames;

private:
  Flow<Value> eval_call(const python::Expr& expr, const python::Call& call);
  Flow<Value> eval_attribute(const python::Expr& expr, const python::Attribute& attr);
  Flow<Value> call_function(const python::FunctionDef& def, CallArgs& args,
                            const python::Expr& call, std::shared_ptr<Frame> closure);
  Flow<Value> call_builtin(const std::string& name, CallArgs& args, const python::Expr& call);
  // type(x) and super() (evaluator_classes.cpp).
  Flow<Value> builtin_type(const Value& v, const python::Expr& call);
  Flow<Value> make_super(CallArgs& args, const python::Expr& call);
  Flow<Value> super_attribute(const SuperValue& super, const std::string& name,
                              const python::Expr& expr);
  Flow<Value> call_method(const Value& self, const std::string& name, CallArgs& args,
                          const python::Expr& call);
  Flow<Value> binary(python::BinaryOperator op, const Value& a, const Value& b,
                     const python::Expr& expr);
  // == between values whose equality is by value (mixin enum members, dataclasses,
  // dates, uuids, bytes); nullopt when it is not decided here.
  std::optional<bool> equal_values(const Value& a, const Value& b);
  Flow<Value> compare(python::CompareOperator op, const Value& a, const Value& b,
                      const python::Expr& expr);
  Flow<Value> comprehension(const python::Expr& expr, const python::Expr& elt,
                            const std::vector<python::Comprehension>& generators,
                            const python::Expr* value_elt = nullptr);
  std::optional<Stop> assign(const python::Expr& target, const Value& value);
  std::optional<Stop> bind_import(const python::Stmt& stmt);
  std::optional<Stop> exec_inner(const python::Stmt& stmt);
  Flow<Value> eval_inner(const python::Expr& expr);
  std::optional<Stop> define_class(const python::Stmt& stmt, const python::ClassDef& def);
  // `match` (evaluator_match.cpp): whether `pattern` matches, binding its captures.
  std::optional<Stop> exec_match(const python::Match& m);
  Flow<bool> match_pattern(const python::Pattern& pattern, const Value& subject,
                           const python::Expr& where);
  Flow<Value> call_dataclass(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                             const python::Expr& call);
  Flow<Value> call_lambda(const LambdaValue& fn, CallArgs& args, const python::Expr& call);
  Flow<Value> subscript(const python::Expr& expr, const python::Subscript& s);
  std::optional<Stop> bind_params(const python::Arguments& params, CallArgs& args,
                                  const std::string& name, Frame& frame,
                                  const python::Expr& call);

  // Scopes: module globals, then one frame per active function call.
  std::unordered_map<std::string, Value> m_globals;
  // "module:name" -> why the module-level statement that binds it could not run.
  std::unordered_map<std::string, std::string> m_unbound;
  int m_depth = 0;
  Limits m_limits;
  std::size_t m_steps = 0;
  mutable std::vector<std::uint32_t> m_line_starts;
};

// A Python-like function value defined in the module (helpers called from upgrade()),
// or nested in a function (`closure` is then the frame it was defined in).
struct FunctionValue : Object {
  const python::FunctionDef* def = nullptr;
  std::shared_ptr<Frame> closure;
  std::shared_ptr<const ModuleText> module; // null: defined in the revision
  // @classmethod binds the class, @staticmethod nothing, a plain method the instance.
  enum class Binding { plain, class_method, static_method } binding = Binding::plain;
  // A decorator miglint does not know may have replaced the function: calls are unknown.
  std::string unknown_decorator;
  std::string describe() const override { return def->name + "()"; }
};

struct LambdaValue : Object {
  const python::Lambda* def = nullptr;
  std::shared_ptr<Frame> closure;
  std::string describe() const override { return "lambda"; }
};

// A class defined in the revision: a namespace of constants and functions, a Python enum,
// or an ORM model declared inside the migration. `bases` are the evaluated base values.
struct ClassValue : Object {
  std::string name;
  std::vector<Value> bases;
  std::vector<std::pair<std::string, Value>> attrs; // in definition order
  bool is_enum = false;
  // A str/int mixin enum (`class S(str, Enum)`, IntEnum, StrEnum): members equal their values.
  bool value_enum = false;
  // @dataclass or a typing.NamedTuple: built from `fields` (annotated names, in order).
  bool is_dataclass = false;
  std::vector<std::string> fields;
  // A decorator miglint does not know may have replaced the class: instances are unknown.
  std::string unknown_decorator;
  // A declarative ORM base or mapped class: its mapping (orm.hpp); null otherwise.
  ObjectPtr orm;
  const Value* attr(const std::string& key) const;
  std::string describe() const override { return "class " + name; }
};

// An instance of a ClassValue (attributes set by __init__ or keyword arguments).
struct InstanceValue : Object {
  std::shared_ptr<ClassValue> cls;
  std::unordered_map<std::string, Value> attrs;
  std::string describe() const override { return cls->name + "()"; }
};

// A member of an enum class: `Status.ACTIVE` (.name, .value).
struct EnumMember : Object {
  std::string cls;
  std::string name;
  Value value;
  bool value_like = false; // of a str/int mixin enum: == compares the value
  std::string describe() const override { return cls + "." + name; }
};

// dataclasses.field(default=..., default_factory=...).
struct FieldSpec : Object {
  std::optional<Value> default_value;
  std::optional<Value> factory;
  std::string describe() const override { return "dataclasses.field(...)"; }
};

// A function bound to an instance (`self.helper`).
struct BoundFunction : Object {
  Value self;
  const python::FunctionDef* def = nullptr;
  std::shared_ptr<Frame> closure;
  std::shared_ptr<const ModuleText> module;
  std::string describe() const override { return def->name + "()"; }
};

// `fn` bound to `self` (self.method, or the class for a classmethod).
Value bind_function(const FunctionValue& fn, const Value& self);
// A class attribute read through an instance: a function becomes a method bound to `self`
// (to its class for a classmethod; a staticmethod stays a function).
Value bind_to_instance(const Value& self, const Value& attribute);

// The receiver of a method call on a literal value (`"{}".format`, `d.items`).
struct LiteralReceiver : Object {
  Value value;
  std::string describe() const override { return type_name(value); }
};

// iter(x) of a list, a dict, a string or a set: the items not taken by next() yet.
struct IteratorValue : Object {
  std::vector<Value> items;
  std::size_t next = 0;
  std::string describe() const override { return "an iterator"; }
};

// A builtin such as len or range (one shared object per name, so that `type(x) is int`
// compares identities as Python does).
struct BuiltinValue : Object {
  std::string name;
  std::string describe() const override { return name; }
};

// The builtin named `name` (len, int, type, ...).
Value builtin_value(const std::string& name);

// `super()` or `super(C, obj)`: attributes are looked up in the method resolution order
// of obj's class after C. `self` is an instance, or the class in a classmethod.
struct SuperValue : Object {
  std::shared_ptr<ClassValue> cls;
  Value self;
  std::string describe() const override { return "super()"; }
};

// The method resolution order of a class defined in Python code: the class, then its
// bases as C3 linearization orders them (external bases, such as `sa.TypeDecorator` or
// an application's unknown import, stay in the list as the Values they are).
std::vector<Value> method_resolution_order(const std::shared_ptr<ClassValue>& cls);

template <typename Run>
auto Evaluator::in_module(const std::shared_ptr<const ModuleText>& module, const python::Expr& call,
                          Run run) -> decltype(run())
{
  if (module == m_module) return run();
  const std::string_view saved_source = m_source;
  auto saved_module = m_module;
  std::vector<std::uint32_t> saved_lines;
  saved_lines.swap(m_line_starts);
  m_module = module;
  m_source = module ? std::string_view(module->text) : m_revision_source;
  auto result = run();
  std::string where;
  if (module && !result) {
    where = fmt::format("{}:{}", module->path, line_of(result.stop().span));
  }
  m_module = std::move(saved_module);
  m_source = saved_source;
  m_line_starts.swap(saved_lines);
  if (!where.empty()) {
    Stop stop = result.stop();
    stop.message = fmt::format("{} (in {})", stop.message, where);
    stop.span = call.span;
    return stop;
  }
  return result;
}

} // namespace miglint::ops
