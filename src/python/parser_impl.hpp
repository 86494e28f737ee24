// Internal to src/python: the recursive-descent parser shared by parse_statements.cpp,
// parse_expressions.cpp and parse_fstring.cpp. Every parse_* method returns null/false
// after recording the first error; callers stop at once, so no partial node is used.
#pragma once

#include "python/parser.hpp"
#include "python/string_literal.hpp"

#include <algorithm>

#include <string>
#include <string_view>
#include <utility>

namespace miglint::python::detail {

inline Span join(Span a, Span b) { return {a.begin, b.end}; }

class Parser {
public:
  // Nodes are made in `arena`. `depth` is the nesting already spent by an enclosing
  // parser (f-string expressions), which shares its arena.
  Parser(std::string_view source, std::vector<Token> tokens, NodeArena& arena, int depth = 0)
    : m_src(source), m_tokens(std::move(tokens)), m_arena(arena), m_depth(depth)
  {
  }

  void parse_file(Block& out);
  ExprPtr parse_eval();              // an expression list, then end of input
  ExprPtr parse_fstring_expression(); // the `{...}` content of an f-string
  std::optional<SyntaxError>& error() { return m_error; }

  // ---- shared helpers (public for the f-string helper functions) ----
  std::string_view source() const { return m_src; }
  int depth() const { return m_depth; }
  void fail(std::string message, Span span);

private:
  template <typename T> ExprPtr make_expr(Span span, T node)
  {
    return ExprPtr(new (m_arena.allocate(sizeof(Expr))) Expr{span, std::move(node)});
  }
  template <typename T> StmtPtr make_stmt(Span span, T node)
  {
    return StmtPtr(new (m_arena.allocate(sizeof(Stmt))) Stmt{span, std::move(node)});
  }

  // tokens
  const Token& tok() const { return m_tokens[m_pos]; }
  const Token& peek(std::size_t k) const
  {
    return m_tokens[std::min(m_pos + k, m_tokens.size() - 1)];
  }
  std::string_view text(const Token& t) const { return text_of(m_src, t.span); }
  bool at_op(std::string_view op) const
  {
    return tok().kind == TokenKind::op && tok().op == op_code(op);
  }
  bool at_kw(Keyword k) const { return tok().kind == TokenKind::name && tok().keyword == k; }
  bool at_kind(TokenKind k) const { return tok().kind == k; }
  bool at_name() const { return tok().kind == TokenKind::name && tok().keyword == Keyword::none; }
  const Token& advance()
  {
    const Token& t = m_tokens[m_pos];
    if (m_pos + 1 < m_tokens.size()) {
      ++m_pos;
    }
    return t;
  }
  bool accept_op(std::string_view op)
  {
    if (at_op(op)) {
      advance();
      return true;
    }
    return false;
  }
  bool accept_kw(Keyword k)
  {
    if (at_kw(k)) {
      advance();
      return true;
    }
    return false;
  }
  bool expect_op(std::string_view op);
  bool expect_kw(Keyword k, std::string_view spelled);
  void fail_here(std::string_view expected = {});
  // The last consumed token that is not layout (NEWLINE/INDENT/DEDENT), so a compound
  // statement ends at its last statement, not at the next line's DEDENT.
  Span prev_span() const
  {
    std::size_t i = m_pos;
    while (i > 0) {
      const TokenKind k = m_tokens[--i].kind;
      if (k != TokenKind::newline && k != TokenKind::indent && k != TokenKind::dedent) {
        return m_tokens[i].span;
      }
    }
    return m_tokens[0].span;
  }
  bool failed() const { return m_error.has_value(); }
  bool starts_expression() const;

  // nesting budget
  bool enter();
  void leave() { --m_depth; }

  // statements
  bool statement(Block& out);
  bool simple_statements(Block& out);
  StmtPtr small_statement();
  StmtPtr expression_statement();
  StmtPtr import_statement();
  StmtPtr from_import_statement();
  bool block(Block& out);
  StmtPtr compound_statement();
  StmtPtr decorated();
  StmtPtr function_def(ExprList decorators, std::uint32_t start);
  StmtPtr class_def(ExprList decorators, std::uint32_t start);
  StmtPtr if_statement(std::uint32_t start);
  StmtPtr for_statement(std::uint32_t start, bool is_async);
  StmtPtr while_statement();
  StmtPtr with_statement(std::uint32_t start, bool is_async);
  StmtPtr try_statement();
  bool parameters(Arguments& args, std::string_view closer, bool annotations);
  bool type_parameters(); // PEP 695 `[T, *Ts, **P]` after a def/class name: checked, not kept

  // soft keywords and `match` (parse_match.cpp)
  bool at_soft_keyword(std::string_view word) const;
  bool starts_match_statement() const;
  bool starts_type_alias() const;
  StmtPtr match_statement();
  StmtPtr type_alias();
  bool pattern(Pattern& out, bool allow_open_sequence);
  bool closed_pattern(Pattern& out);
  bool or_pattern(Pattern& out);
  bool sequence_items(std::vector<Pattern>& items, Pattern& seq);
  bool value_expression(Pattern& out);
  bool check_target(const Expr& target, bool allow_tuple);

  // expressions
  ExprPtr star_expressions();      // `a, *b` as an implicit Tuple
  ExprPtr star_expression();
  ExprPtr named_expression();      // `name := value` or test
  ExprPtr star_named_expression();
  ExprPtr test();                  // ternary / lambda
  ExprPtr or_test();
  ExprPtr and_test();
  ExprPtr not_test();
  ExprPtr comparison();
  ExprPtr binary(int min_level);
  ExprPtr factor();
  ExprPtr power();
  ExprPtr primary();
  ExprPtr atom();
  ExprPtr lambda();
  ExprPtr yield_expression();
  ExprPtr target_list();           // `for` targets: stops before `in`
  ExprPtr paren_atom();
  ExprPtr list_atom();
  ExprPtr brace_atom();
  ExprPtr number();
  ExprPtr strings();
  bool call_arguments(Call& call, std::uint32_t open);
  ExprPtr subscript_slices();
  ExprPtr slice_item();
  bool comprehensions(std::vector<Comprehension>& out);
  bool elements(ExprList& out, std::string_view closer);

  // f-strings (parse_fstring.cpp)
  bool fstring_parts(std::uint32_t& i, std::uint32_t end, bool raw, int spec_level,
                     ExprList& parts, std::string& pending, Span& pending_span);
  void flush_literal(ExprList& parts, std::string& pending, Span& pending_span);
  ExprPtr fstring_field(std::uint32_t& i, std::uint32_t end, bool raw, int spec_level,
                        ExprList& parts, std::string& pending, Span& pending_span);

  std::string_view m_src;
  std::vector<Token> m_tokens;
  NodeArena& m_arena;
  std::size_t m_pos = 0;
  int m_depth = 0;
  std::optional<SyntaxError> m_error;
};

// Releases one unit of nesting budget when a parse function returns.
class DepthGuard {
public:
  explicit DepthGuard(int& depth) : m_depth(depth) {}
  ~DepthGuard() { --m_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;

private:
  int& m_depth;
};

} // namespace miglint::python::detail
