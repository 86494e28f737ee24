// A Python syntax tree shaped like CPython's `ast` module, for the subset of Python
// that revision files use. Every node carries the byte span of its source text.
// Nodes own their children through unique_ptr; the parser bounds the tree depth, so
// recursive walks (and destruction) stay shallow. The memory of the nodes belongs to the
// NodeArena of the parse that made them.
#pragma once

#include "model/source.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace miglint::python {

using model::Span;

// Memory for the nodes of one parse, handed out from a few growing blocks and released
// together: a revision module's parse makes dozens of nodes, and allocating each one on
// its own was a good part of the parse. Moving an arena keeps its nodes where they are;
// it must outlive them (ParseResult holds both, the arena destroyed last).
class NodeArena {
public:
  NodeArena() = default;
  NodeArena(NodeArena&& other) noexcept
    : m_blocks(std::exchange(other.m_blocks, nullptr)), m_next(std::exchange(other.m_next, nullptr)),
      m_left(std::exchange(other.m_left, 0)), m_block_size(std::exchange(other.m_block_size, 0))
  {
  }
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;
  // Takes the blocks of `other` and keeps its own: when a ParseResult is assigned to, its
  // arena is assigned before its old nodes are destroyed, so they must stay valid.
  NodeArena& operator=(NodeArena&& other) noexcept
  {
    if (this != &other && other.m_blocks != nullptr) {
      Block* last = other.m_blocks;
      while (last->next != nullptr) {
        last = last->next;
      }
      last->next = m_blocks;
      m_blocks = std::exchange(other.m_blocks, nullptr);
      m_next = std::exchange(other.m_next, nullptr);
      m_left = std::exchange(other.m_left, 0);
      m_block_size = std::exchange(other.m_block_size, 0);
    }
    return *this;
  }
  ~NodeArena()
  {
    while (m_blocks != nullptr) {
      Block* next = m_blocks->next;
      ::operator delete(m_blocks);
      m_blocks = next;
    }
  }

  // `size` bytes aligned for any node.
  void* allocate(std::size_t size)
  {
    size = (size + k_align - 1) & ~(k_align - 1);
    if (size > m_left) {
      m_block_size = std::max<std::size_t>(m_block_size * 2, 4096 - sizeof(Block));
      const std::size_t bytes = std::max(m_block_size, size);
      auto* block = static_cast<Block*>(::operator new(sizeof(Block) + bytes));
      block->next = m_blocks;
      m_blocks = block;
      m_next = reinterpret_cast<std::byte*>(block + 1);
      m_left = bytes;
    }
    void* out = m_next;
    m_next += size;
    m_left -= size;
    return out;
  }

private:
  static constexpr std::size_t k_align = alignof(std::max_align_t);
  struct alignas(std::max_align_t) Block {
    Block* next;
  };
  Block* m_blocks = nullptr;
  std::byte* m_next = nullptr;
  std::size_t m_left = 0;
  std::size_t m_block_size = 0;
};

// Destroys a node and leaves its memory to the arena.
struct NodeDeleter {
  template <typename T> void operator()(T* node) const { node->~T(); }
};

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr, NodeDeleter>;
using StmtPtr = std::unique_ptr<Stmt, NodeDeleter>;
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
  bool star = false; // `except*` (an exception group handler)
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

// A pattern of a `case` clause (PEP 634).
struct Pattern {
  enum class Kind : std::uint8_t {
    value,    // a literal, a dotted name or a signed/complex number: compared with ==
    singleton, // None, True, False: compared with `is`
    capture,  // a bare name binds the subject; `_` (empty name) matches anything
    sequence, // [p, *rest, q] or (p, q)
    mapping,  // {"k": p, **rest}
    class_,   // Cls(p, key=q)
    or_,      // p | q
    as,       // p as name
  };
  Kind kind = Kind::capture;
  Span span;
  ExprPtr value;                 // value/singleton: the expression; class_: the class
  std::string name;              // capture/as: the bound name; sequence/mapping: `*rest`/`**rest`
  std::vector<Pattern> patterns; // sequence/or_/class_ positional/mapping values; as: the inner one
  ExprList keys;                 // mapping keys
  std::vector<std::string> keyword_names; // class_ keywords, matching keyword_patterns
  std::vector<Pattern> keyword_patterns;
  std::ptrdiff_t star = -1;      // sequence: index of the `*rest` entry (not in patterns)
};

struct MatchCase {
  Pattern pattern;
  ExprPtr guard; // `if guard`, or null
  Block body;
};

struct Match {
  ExprPtr subject;
  std::vector<MatchCase> cases;
};

// `type Name[T] = value` (PEP 695).
struct TypeAlias {
  std::string name;
  ExprPtr value;
};

struct Stmt {
  Span span; // a def/class span starts at its first decorator
  std::variant<ExprStmt, Assign, AnnAssign, AugAssign, FunctionDef, ClassDef, If, For, While,
               With, Return, Pass, Break, Continue, Raise, Import, ImportFrom, Try, Global,
               Nonlocal, Assert, Delete, Match, TypeAlias>
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
