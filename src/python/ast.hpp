// A Python syntax tree shaped like CPython's `ast` module, for the subset of Python
// that revision files use. Every node carries the byte span of its source text.
// Nodes own their children through unique_ptr; the parser bounds the tree depth, so
// recursive walks (and destruction) stay shallow.
#pragma once

#include "model/source.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace miglint::python {

using model::Span;

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using ExprList = std::vector<ExprPtr>;
using Block = std::vector<StmtPtr>;

// ---- expressions ----------------------------------------------------------------------

struct Name {
  std::string id;
};

// str, bytes, numbers, True/False/None and `...`.
struct Constant {
  enum class Kind : std::uint8_t { none, boolean, ellipsis, integer, floating, imaginary,
                                   string, bytes };
  Kind kind = Kind::none;
  bool boolean = false;
  // string/bytes: the decoded value (adjacent literals joined); numbers: the literal as
  // written, without underscores. Non-UTF-8 bytes are kept as they are.
  std::string value;
  // integer: the value when it fits in 64 bits (int_fits); floating: the value.
  std::int64_t int_value = 0;
  bool int_fits = false;
  double float_value = 0;

  bool is_string() const { return kind == Kind::string; }
};

// An f-string: Constant(string) parts and FormattedValue parts, in order.
struct JoinedStr {
  ExprList values;
};

// `{value!conversion:format_spec}` inside an f-string.
struct FormattedValue {
  ExprPtr value;
  char conversion = 0;  // 'r', 's', 'a' or 0
  ExprPtr format_spec;  // a JoinedStr, or null
};

struct Attribute {
  ExprPtr value;
  std::string attr;
  Span attr_span;
};

// `name=value` in a call or class header; `**value` has an empty name.
struct KeywordArg {
  std::string arg;
  ExprPtr value;
  Span span;
};

struct Call {
  ExprPtr func;
  ExprList args; // may contain Starred for `*args`
  std::vector<KeywordArg> keywords;
};

struct Subscript {
  ExprPtr value;
  ExprPtr slice; // an expression, a Slice, or a Tuple of them
};

struct Slice {
  ExprPtr lower; // each may be null
  ExprPtr upper;
  ExprPtr step;
};

struct Tuple {
  ExprList elts;
};

struct List {
  ExprList elts;
};

struct Set {
  ExprList elts;
};

// `{k: v, **other}`: keys[i] is null for a `**` entry.
struct Dict {
  ExprList keys;
  ExprList values;
};

enum class BinaryOperator : std::uint8_t {
  add, sub, mult, mat_mult, div, mod, pow, lshift, rshift, bit_or, bit_xor, bit_and, floor_div,
};

struct BinOp {
  ExprPtr left;
  BinaryOperator op = BinaryOperator::add;
  ExprPtr right;
};

enum class UnaryOperator : std::uint8_t { invert, not_, plus, minus };

struct UnaryOp {
  UnaryOperator op = UnaryOperator::not_;
  ExprPtr operand;
};

enum class BoolOperator : std::uint8_t { and_, or_ };

// `a and b and c` is one BoolOp with three values.
struct BoolOp {
  BoolOperator op = BoolOperator::and_;
  ExprList values;
};

enum class CompareOperator : std::uint8_t { eq, not_eq_, lt, lt_e, gt, gt_e, is, is_not, in,
                                            not_in };

// `a < b <= c`: left = a, ops = {lt, lt_e}, comparators = {b, c}.
struct Compare {
  ExprPtr left;
  std::vector<CompareOperator> ops;
  ExprList comparators;
};

struct IfExp {
  ExprPtr test;
  ExprPtr body;
  ExprPtr orelse;
};

enum class ParamKind : std::uint8_t { positional, var_positional, keyword_only, var_keyword };

struct Param {
  std::string name;
  Span span;
  ParamKind kind = ParamKind::positional;
  ExprPtr annotation; // null when absent
  ExprPtr default_value;
};

// Parameters in written order; `/` and a bare `*` are not kept as entries (a bare `*`
// makes the following ones keyword_only).
struct Arguments {
  std::vector<Param> params;
};

struct Lambda {
  Arguments args;
  ExprPtr body;
};

// `for target in iter if cond1 if cond2`
struct Comprehension {
  ExprPtr target;
  ExprPtr iter;
  ExprList ifs;
  bool is_async = false;
};

struct ListComp {
  ExprPtr elt;
  std::vector<Comprehension> generators;
};

struct SetComp {
  ExprPtr elt;
  std::vector<Comprehension> generators;
};

struct GeneratorExp {
  ExprPtr elt;
  std::vector<Comprehension> generators;
};

struct DictComp {
  ExprPtr key;
  ExprPtr value;
  std::vector<Comprehension> generators;
};

struct Starred {
  ExprPtr value;
};

// `target := value`
struct NamedExpr {
  ExprPtr target;
  ExprPtr value;
};

struct Await {
  ExprPtr value;
};

struct Yield {
  ExprPtr value; // may be null
};

struct YieldFrom {
  ExprPtr value;
};

struct Expr {
  Span span;
  std::variant<Name, Constant, JoinedStr, FormattedValue, Attribute, Call, Subscript, Slice,
               Tuple, List, Set, Dict, BinOp, UnaryOp, BoolOp, Compare, IfExp, Lambda,
               ListComp, SetComp, GeneratorExp, DictComp, Starred, NamedExpr, Await, Yield,
               YieldFrom>
    node;

  template <typename T> const T* as() const { return std::get_if<T>(&node); }
  template <typename T> T* as() { return std::get_if<T>(&node); }
  template <typename T> bool is() const { return std::holds_alternative<T>(node); }
};

// ---- statements -----------------------------------------------------------------------

struct ExprStmt {
  ExprPtr value;
};

// `a = b = value`; a target may be a Tuple/List (unpacking), Attribute or Subscript.
struct Assign {
  ExprList targets;
  ExprPtr value;
};

// `target: annotation [= value]`
struct AnnAssign {
  ExprPtr target;
  ExprPtr annotation;
  ExprPtr value; // may be null
};

struct AugAssign {
  ExprPtr target;
  BinaryOperator op = BinaryOperator::add;
  ExprPtr value;
};

struct FunctionDef {
  std::string name;
  Span name_span;   // the name
  Span header_span; // from `def` (or `async`) to the `:` ending the header
  Arguments args;
  ExprPtr returns; // the return annotation, or null
  ExprList decorators;
  Block body;
  bool is_async = false;
};

struct ClassDef {
  std::string name;
  Span name_span;
  ExprList bases;
  std::vector<KeywordArg> keywords;
  ExprList decorators;
  Block body;
};

// `elif` is an If inside orelse, as in CPython.
struct If {
  ExprPtr test;
  Block body;
  Block orelse;
};

struct For {
  ExprPtr target;
  ExprPtr iter;
  Block body;
  Block orelse;
  bool is_async = false;
};

struct While {
  ExprPtr test;
  Block body;
  Block orelse;
};

struct WithItem {
  ExprPtr context_expr;
  ExprPtr optional_vars; // the `as` target, or null
};

struct With {
  std::vector<WithItem> items;
  Block body;
  bool is_async = false;
};

struct Return {
  ExprPtr value; // may be null
};

struct Pass {};
struct Break {};
struct Continue {};

struct Raise {
  ExprPtr exc;   // may be null (bare `raise`)
  ExprPtr cause; // `from cause`, or null
};

// `name as asname` in an import; asname is empty when absent.
struct Alias {
  std::string name; // dotted for `import a.b`
  std::string asname;
  Span span;
};

struct Import {
  std::vector<Alias> names;
};

struct ImportFrom {
  std::string module; // may be empty for `from . import x`
  std::vector<Alias> names; // a single "*" for `import *`
  int level = 0;            // number of leading dots
};

struct ExceptHandler {
  ExprPtr type; // may be null
  std::string name;
  Block body;
  Span span;
};

struct Try {
  Block body;
  std::vector<ExceptHandler> handlers;
  Block orelse;
  Block finalbody;
};

struct Global {
  std::vector<std::string> names;
};

struct Nonlocal {
  std::vector<std::string> names;
};

struct Assert {
  ExprPtr test;
  ExprPtr msg; // may be null
};

struct Delete {
  ExprList targets;
};

struct Stmt {
  Span span; // a def/class span starts at its first decorator
  std::variant<ExprStmt, Assign, AnnAssign, AugAssign, FunctionDef, ClassDef, If, For, While,
               With, Return, Pass, Break, Continue, Raise, Import, ImportFrom, Try, Global,
               Nonlocal, Assert, Delete>
    node;

  template <typename T> const T* as() const { return std::get_if<T>(&node); }
  template <typename T> T* as() { return std::get_if<T>(&node); }
  template <typename T> bool is() const { return std::holds_alternative<T>(node); }
};

struct Module {
  Block body;
};

// The span of a block: from its first statement to its last (empty for an empty block).
Span block_span(const Block& block);

} // namespace miglint::python
