// A small evaluator over python/ast.hpp for revision bodies: literals, names, attributes,
// calls, f-strings, %-formatting, simple arithmetic and comparisons; assignments, with,
// if, for, expression statements, pass, return and raise. What a statement means for
// the database is up to a subclass (the op interpreter), which handles calls on objects,
// attributes of objects and context managers. Anything else stops evaluation with an
// `unsupported` Stop that names the construct, rather than guessing.
#pragma once

#include "ops/value.hpp"
#include "python/ast.hpp"

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

class Evaluator {
public:
  explicit Evaluator(std::string_view source) : m_source(source) {}
  virtual ~Evaluator() = default;

  // Binds module-level imports, constants and function definitions. Statements the
  // evaluator cannot run at module level are skipped (they do not affect op calls).
  void load_module(const python::Module& module);

  // Runs a function body with no arguments. A `return` ends it normally.
  std::optional<Stop> run_function(const python::FunctionDef& def);

  std::optional<Stop> exec_block(const python::Block& block);
  std::optional<Stop> exec(const python::Stmt& stmt);
  Flow<Value> eval(const python::Expr& expr);

  // The source text of a span (for messages).
  std::string text(python::Span span) const;
  // "line N" of a span.
  std::uint32_t line_of(python::Span span) const;

  void set(const std::string& name, Value value);
  const Value* lookup(const std::string& name) const;

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
  // Called with the value of each expression statement (a bare call's result).
  virtual std::optional<Stop> expression_statement(const Value& value, const python::Stmt& stmt);
  // How an import binds: `import sqlalchemy as sa` -> Namespace("sqlalchemy").
  virtual Value import_module(const std::string& dotted);

  std::string_view m_source;

private:
  Flow<Value> eval_call(const python::Expr& expr, const python::Call& call);
  Flow<Value> eval_attribute(const python::Expr& expr, const python::Attribute& attr);
  Flow<Value> call_value(const Value& callee, CallArgs& args, const python::Expr& call);
  Flow<Value> call_function(const python::FunctionDef& def, CallArgs& args,
                            const python::Expr& call);
  Flow<Value> call_builtin(const std::string& name, CallArgs& args, const python::Expr& call);
  Flow<Value> call_method(const Value& self, const std::string& name, CallArgs& args,
                          const python::Expr& call);
  Flow<Value> binary(python::BinaryOperator op, const Value& a, const Value& b,
                     const python::Expr& expr);
  Flow<Value> compare(python::CompareOperator op, const Value& a, const Value& b,
                      const python::Expr& expr);
  Flow<Value> comprehension(const python::Expr& expr, const python::Expr& elt,
                            const std::vector<python::Comprehension>& generators);
  std::optional<Stop> assign(const python::Expr& target, const Value& value);
  std::optional<Stop> bind_import(const python::Stmt& stmt);
  Flow<std::vector<Value>> iterate(const Value& v, const python::Expr& expr);

  // Scopes: module globals, then one frame per active function call.
  std::unordered_map<std::string, Value> m_globals;
  std::vector<std::unordered_map<std::string, Value>> m_frames;
  std::unordered_map<std::string, const python::FunctionDef*> m_functions;
  int m_depth = 0;
  mutable std::vector<std::uint32_t> m_line_starts;
};

// A Python-like function value defined in the module (helpers called from upgrade()).
struct FunctionValue : Object {
  const python::FunctionDef* def = nullptr;
  std::string describe() const override { return def->name + "()"; }
};

// The receiver of a method call on a literal value (`"{}".format`, `d.items`).
struct LiteralReceiver : Object {
  Value value;
  std::string describe() const override { return type_name(value); }
};

// A builtin such as len or range.
struct BuiltinValue : Object {
  std::string name;
  std::string describe() const override { return name; }
};

} // namespace miglint::ops
