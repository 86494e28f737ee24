// Python 3.10+ soft keywords: the `match` statement with its patterns (PEP 634) and the
// `type X = ...` alias (PEP 695). `match`, `case` and `type` stay ordinary names
// everywhere else, so a statement only counts as one of these when its shape says so.
#include "python/parser_impl.hpp"

namespace miglint::python::detail {

bool Parser::at_soft_keyword(std::string_view word) const
{
  return tok().kind == TokenKind::name && tok().keyword == Keyword::none && text(tok()) == word;
}

// `match <subject>:` NEWLINE INDENT `case`: the logical line ends with `:` and the indented
// block starts with the name `case`. (`match = 1`, `match(x)`, `match: int` never do.)
bool Parser::starts_match_statement() const
{
  if (!at_soft_keyword("match")) {
    return false;
  }
  const Token& next = peek(1);
  if (next.kind == TokenKind::newline || next.kind == TokenKind::end_of_file ||
      (next.kind == TokenKind::op && (next.op == op_code("=") || next.op == op_code(".") ||
                                      next.op == op_code(":") || next.op == op_code(",")))) {
    return false;
  }
  for (std::size_t k = 1;; ++k) {
    const Token& t = peek(k);
    if (t.kind == TokenKind::end_of_file) {
      return false;
    }
    if (t.kind == TokenKind::newline) {
      const Token& last = peek(k - 1);
      const Token& indent = peek(k + 1);
      const Token& first = peek(k + 2);
      return last.kind == TokenKind::op && last.op == op_code(":") &&
             indent.kind == TokenKind::indent && first.kind == TokenKind::name &&
             first.keyword == Keyword::none && text(first) == "case";
    }
  }
}

// `type Name = value` or `type Name[T] = value`.
bool Parser::starts_type_alias() const
{
  if (!at_soft_keyword("type")) {
    return false;
  }
  const Token& name = peek(1);
  const Token& after = peek(2);
  return name.kind == TokenKind::name && name.keyword == Keyword::none &&
         after.kind == TokenKind::op && (after.op == op_code("=") || after.op == op_code("["));
}

StmtPtr Parser::type_alias()
{
  const Span start = advance().span; // type
  TypeAlias alias;
  alias.name = text(advance());
  if (at_op("[") && !type_parameters()) {
    return nullptr;
  }
  if (!expect_op("=") || !(alias.value = test())) {
    return nullptr;
  }
  return make_stmt(join(start, prev_span()), std::move(alias));
}

StmtPtr Parser::match_statement()
{
  const Span start = advance().span; // match
  Match m;
  m.subject = star_expressions();
  if (!m.subject || !expect_op(":")) {
    return nullptr;
  }
  if (!enter()) {
    return nullptr;
  }
  DepthGuard guard(m_depth);
  advance(); // NEWLINE
  advance(); // INDENT
  while (at_soft_keyword("case")) {
    advance();
    MatchCase c;
    if (!pattern(c.pattern, true)) {
      return nullptr;
    }
    if (accept_kw(Keyword::if_) && !(c.guard = named_expression())) {
      return nullptr;
    }
    if (!block(c.body)) {
      return nullptr;
    }
    m.cases.push_back(std::move(c));
  }
  if (!at_kind(TokenKind::dedent)) {
    fail_here("'case'");
    return nullptr;
  }
  advance();
  return make_stmt(join(start, prev_span()), std::move(m));
}

// pattern: or_pattern ['as' name]; at the top of a case, `a, b` is an open sequence.
bool Parser::pattern(Pattern& out, bool allow_open_sequence)
{
  if (!enter()) {
    return false;
  }
  DepthGuard guard(m_depth);
  const Span start = tok().span;
  Pattern first;
  auto one = [&](Pattern& p) -> bool {
    if (at_op("*")) {
      // A star pattern inside a sequence: recorded by the caller through `name`.
      advance();
      if (!at_name()) {
        fail_here("a name after '*'");
        return false;
      }
      p.kind = Pattern::Kind::capture;
      p.span = tok().span;
      p.name = "*" + std::string(text(advance()));
      return true;
    }
    if (!or_pattern(p)) {
      return false;
    }
    if (accept_kw(Keyword::as)) {
      if (!at_name()) {
        fail_here("a name after 'as'");
        return false;
      }
      Pattern as;
      as.kind = Pattern::Kind::as;
      as.name = text(advance());
      as.span = join(p.span, prev_span());
      as.patterns.push_back(std::move(p));
      p = std::move(as);
    }
    return true;
  };
  if (!one(first)) {
    return false;
  }
  if (!allow_open_sequence || !at_op(",")) {
    if (first.kind == Pattern::Kind::capture && first.name.starts_with("*")) {
      fail("a star pattern outside a sequence", first.span);
      return false;
    }
    out = std::move(first);
    return true;
  }
  Pattern seq;
  seq.kind = Pattern::Kind::sequence;
  std::vector<Pattern> items;
  items.push_back(std::move(first));
  while (accept_op(",")) {
    if (at_op(":") || at_kw(Keyword::if_)) {
      break;
    }
    Pattern p;
    if (!one(p)) {
      return false;
    }
    items.push_back(std::move(p));
  }
  seq.span = join(start, prev_span());
  if (!sequence_items(items, seq)) {
    return false;
  }
  out = std::move(seq);
  return true;
}

// Moves `items` into a sequence pattern; a `*name` entry (read as a capture named "*name")
// becomes its `star` position and `name` instead.
bool Parser::sequence_items(std::vector<Pattern>& items, Pattern& seq)
{
  for (Pattern& p : items) {
    if (p.kind == Pattern::Kind::capture && p.name.starts_with("*")) {
      if (seq.star >= 0) {
        fail("multiple starred names in sequence pattern", p.span);
        return false;
      }
      seq.star = static_cast<std::ptrdiff_t>(seq.patterns.size());
      seq.name = p.name.substr(1);
      continue;
    }
    seq.patterns.push_back(std::move(p));
  }
  return true;
}

bool Parser::or_pattern(Pattern& out)
{
  const Span start = tok().span;
  Pattern first;
  if (!closed_pattern(first)) {
    return false;
  }
  if (!at_op("|")) {
    out = std::move(first);
    return true;
  }
  Pattern alt;
  alt.kind = Pattern::Kind::or_;
  alt.patterns.push_back(std::move(first));
  while (accept_op("|")) {
    Pattern p;
    if (!closed_pattern(p)) {
      return false;
    }
    alt.patterns.push_back(std::move(p));
  }
  alt.span = join(start, prev_span());
  out = std::move(alt);
  return true;
}

// A literal (signed number, `a + bj`, strings, None/True/False) or a dotted name with at
// least one dot, without taking `|`, `(` or `as` that belong to the pattern.
bool Parser::value_expression(Pattern& out)
{
  const Span start = tok().span;
  if (tok().kind == TokenKind::string) {
    out.kind = Pattern::Kind::value;
    return (out.value = strings()) != nullptr && (out.span = out.value->span, true);
  }
  if (at_kw(Keyword::none_) || at_kw(Keyword::true_) || at_kw(Keyword::false_)) {
    out.kind = Pattern::Kind::singleton;
    out.value = atom();
    out.span = start;
    return out.value != nullptr;
  }
  if (at_op("-") || tok().kind == TokenKind::number) {
    const bool negative = accept_op("-");
    if (tok().kind != TokenKind::number) {
      fail_here("a number");
      return false;
    }
    ExprPtr n = number();
    if (!n) {
      return false;
    }
    if (negative) {
      const Span span = join(start, n->span);
      n = make_expr(span, UnaryOp{UnaryOperator::minus, std::move(n)});
    }
    if ((at_op("+") || at_op("-")) && peek(1).kind == TokenKind::number) {
      const BinaryOperator op = at_op("+") ? BinaryOperator::add : BinaryOperator::sub;
      advance();
      ExprPtr imaginary = number();
      if (!imaginary) {
        return false;
      }
      const Span span = join(start, imaginary->span);
      n = make_expr(span, BinOp{std::move(n), op, std::move(imaginary)});
    }
    out.kind = Pattern::Kind::value;
    out.span = n->span;
    out.value = std::move(n);
    return true;
  }
  fail_here("a pattern");
  return false;
}

bool Parser::closed_pattern(Pattern& out)
{
  if (!enter()) {
    return false;
  }
  DepthGuard guard(m_depth);
  const Span start = tok().span;
  if (at_name()) {
    ExprPtr e = make_expr(tok().span, Name{std::string(text(tok()))});
    advance();
    bool dotted = false;
    while (accept_op(".")) {
      if (tok().kind != TokenKind::name) {
        fail_here("an attribute name");
        return false;
      }
      const Token& name = advance();
      e = make_expr(join(start, name.span), Attribute{std::move(e), std::string(text(name)), name.span});
      dotted = true;
    }
    if (at_op("(")) {
      // Class pattern: Cls(p, q, key=r).
      advance();
      out.kind = Pattern::Kind::class_;
      out.value = std::move(e);
      while (!at_op(")")) {
        if (at_name() && peek(1).kind == TokenKind::op && peek(1).op == op_code("=")) {
          out.keyword_names.emplace_back(text(advance()));
          advance(); // =
          Pattern p;
          if (!pattern(p, false)) {
            return false;
          }
          out.keyword_patterns.push_back(std::move(p));
        } else {
          if (!out.keyword_names.empty()) {
            fail_here("a keyword pattern");
            return false;
          }
          Pattern p;
          if (!pattern(p, false)) {
            return false;
          }
          out.patterns.push_back(std::move(p));
        }
        if (!accept_op(",")) {
          break;
        }
      }
      if (!expect_op(")")) {
        return false;
      }
      out.span = join(start, prev_span());
      return true;
    }
    out.span = join(start, prev_span());
    if (dotted) {
      out.kind = Pattern::Kind::value;
      out.value = std::move(e);
      return true;
    }
    out.kind = Pattern::Kind::capture;
    const std::string& id = e->as<Name>()->id;
    out.name = id == "_" ? std::string() : id;
    return true;
  }
  if (at_op("(") || at_op("[")) {
    const bool paren = at_op("(");
    const std::string_view closer = paren ? ")" : "]";
    advance();
    std::vector<Pattern> items;
    bool comma = false;
    while (!at_op(closer)) {
      Pattern p;
      if (accept_op("*")) {
        if (!at_name()) {
          fail_here("a name after '*'");
          return false;
        }
        p.span = tok().span;
        p.name = "*" + std::string(text(advance()));
      } else if (!pattern(p, false)) {
        return false;
      }
      items.push_back(std::move(p));
      if (!accept_op(",")) {
        break;
      }
      comma = true;
    }
    if (!expect_op(closer)) {
      return false;
    }
    if (paren && items.size() == 1 && !comma) {
      out = std::move(items[0]); // a group: (p)
      return true;
    }
    out.kind = Pattern::Kind::sequence;
    out.span = join(start, prev_span());
    return sequence_items(items, out);
  }
  if (at_op("{")) {
    advance();
    out.kind = Pattern::Kind::mapping;
    while (!at_op("}")) {
      if (accept_op("**")) {
        if (!at_name()) {
          fail_here("a name after '**'");
          return false;
        }
        out.name = text(advance());
        accept_op(",");
        break;
      }
      Pattern key;
      if (at_name()) {
        Pattern dotted;
        if (!closed_pattern(dotted)) {
          return false;
        }
        if (dotted.kind != Pattern::Kind::value) {
          fail("mapping pattern keys may only match literals and attribute lookups", dotted.span);
          return false;
        }
        key = std::move(dotted);
      } else if (!value_expression(key)) {
        return false;
      }
      if (!expect_op(":")) {
        return false;
      }
      Pattern value;
      if (!pattern(value, false)) {
        return false;
      }
      out.keys.push_back(std::move(key.value));
      out.patterns.push_back(std::move(value));
      if (!accept_op(",")) {
        break;
      }
    }
    if (!expect_op("}")) {
      return false;
    }
    out.span = join(start, prev_span());
    return true;
  }
  return value_expression(out);
}

} // namespace miglint::python::detail
