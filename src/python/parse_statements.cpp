// Statements and the parser's entry points.
#include "python/parser_impl.hpp"

namespace miglint::python {

Span block_span(const Block& block)
{
  if (block.empty()) {
    return {};
  }
  return {block.front()->span.begin, block.back()->span.end};
}

namespace detail {

void Parser::fail(std::string message, Span span)
{
  if (!m_error) {
    m_error = SyntaxError{std::move(message), span};
  }
}

void Parser::fail_here(std::string_view expected)
{
  const Token& t = tok();
  std::string message = "invalid syntax";
  if (!expected.empty()) {
    message = "expected ";
    message += expected;
  }
  switch (t.kind) {
  case TokenKind::end_of_file: message += " (unexpected end of file)"; break;
  case TokenKind::newline: message += " (unexpected end of line)"; break;
  case TokenKind::indent: message = "unexpected indent"; break;
  case TokenKind::dedent: message += " (unexpected dedent)"; break;
  default:
    message += " (unexpected '";
    message += text(t).substr(0, 20);
    message += "')";
    break;
  }
  fail(std::move(message), t.span);
}

bool Parser::expect_op(std::string_view op)
{
  if (accept_op(op)) {
    return true;
  }
  fail_here("'" + std::string(op) + "'");
  return false;
}

bool Parser::expect_kw(Keyword k, std::string_view spelled)
{
  if (accept_kw(k)) {
    return true;
  }
  fail_here("'" + std::string(spelled) + "'");
  return false;
}

bool Parser::enter()
{
  if (m_depth >= k_max_nesting) {
    fail("too many nested expressions or blocks", tok().span);
    return false;
  }
  ++m_depth;
  return true;
}

void Parser::parse_file(Block& out)
{
  out.reserve(16); // a revision module has a dozen statements or so
  while (!failed() && !at_kind(TokenKind::end_of_file)) {
    if (at_kind(TokenKind::newline)) {
      advance();
      continue;
    }
    if (!statement(out)) {
      return;
    }
  }
}

ExprPtr Parser::parse_eval()
{
  while (at_kind(TokenKind::newline)) {
    advance();
  }
  ExprPtr e = star_expressions();
  if (!e) {
    return nullptr;
  }
  while (at_kind(TokenKind::newline)) {
    advance();
  }
  if (!at_kind(TokenKind::end_of_file)) {
    fail_here("end of expression");
    return nullptr;
  }
  return e;
}

bool Parser::statement(Block& out)
{
  if (at_kind(TokenKind::indent)) {
    fail("unexpected indent", tok().span);
    return false;
  }
  if (at_kind(TokenKind::dedent)) {
    fail_here();
    return false;
  }
  if (tok().kind == TokenKind::name) {
    switch (tok().keyword) {
    case Keyword::def:
    case Keyword::class_:
    case Keyword::if_:
    case Keyword::for_:
    case Keyword::while_:
    case Keyword::with:
    case Keyword::try_:
    case Keyword::async: {
      StmtPtr s = compound_statement();
      if (!s) {
        return false;
      }
      out.push_back(std::move(s));
      return true;
    }
    default: break;
    }
    if (starts_match_statement() || starts_type_alias()) {
      StmtPtr s = starts_type_alias() ? type_alias() : match_statement();
      if (!s) {
        return false;
      }
      if (s->is<TypeAlias>()) {
        // A simple statement: it ends its line.
        if (at_kind(TokenKind::newline)) {
          advance();
        } else if (!at_kind(TokenKind::end_of_file)) {
          fail_here();
          return false;
        }
      }
      out.push_back(std::move(s));
      return true;
    }
  } else if (at_op("@")) {
    StmtPtr s = decorated();
    if (!s) {
      return false;
    }
    out.push_back(std::move(s));
    return true;
  }
  return simple_statements(out);
}

// small_stmt (';' small_stmt)* [';'] NEWLINE
bool Parser::simple_statements(Block& out)
{
  const Token& first = tok();
  while (true) {
    StmtPtr s = small_statement();
    if (!s) {
      return false;
    }
    out.push_back(std::move(s));
    if (accept_op(";")) {
      if (at_kind(TokenKind::newline) || at_kind(TokenKind::end_of_file)) {
        break;
      }
      continue;
    }
    break;
  }
  if (at_kind(TokenKind::newline)) {
    advance();
    return true;
  }
  if (at_kind(TokenKind::end_of_file)) {
    return true;
  }
  (void)first;
  fail_here();
  return false;
}

StmtPtr Parser::small_statement()
{
  const Token& first = tok();
  const Span start = first.span;
  if (first.kind == TokenKind::name) {
    switch (first.keyword) {
    case Keyword::pass: advance(); return make_stmt(start, Pass{});
    case Keyword::break_: advance(); return make_stmt(start, Break{});
    case Keyword::continue_: advance(); return make_stmt(start, Continue{});
    case Keyword::return_: {
      advance();
      Return r;
      if (starts_expression()) {
        r.value = star_expressions();
        if (!r.value) {
          return nullptr;
        }
      }
      return make_stmt(join(start, prev_span()), std::move(r));
    }
    case Keyword::raise: {
      advance();
      Raise r;
      if (starts_expression()) {
        if (!(r.exc = test())) {
          return nullptr;
        }
        if (accept_kw(Keyword::from) && !(r.cause = test())) {
          return nullptr;
        }
      }
      return make_stmt(join(start, prev_span()), std::move(r));
    }
    case Keyword::global:
    case Keyword::nonlocal: {
      advance();
      std::vector<std::string> names;
      do {
        if (!at_name()) {
          fail_here("a name");
          return nullptr;
        }
        names.emplace_back(text(advance()));
      } while (accept_op(","));
      const Span span = join(start, prev_span());
      if (first.keyword == Keyword::global) {
        return make_stmt(span, Global{std::move(names)});
      }
      return make_stmt(span, Nonlocal{std::move(names)});
    }
    case Keyword::assert_: {
      advance();
      Assert a;
      if (!(a.test = test())) {
        return nullptr;
      }
      if (accept_op(",") && !(a.msg = test())) {
        return nullptr;
      }
      return make_stmt(join(start, prev_span()), std::move(a));
    }
    case Keyword::del: {
      advance();
      Delete d;
      do {
        if (!starts_expression()) {
          break; // trailing comma
        }
        ExprPtr t = binary(0);
        if (!t || !check_target(*t, true)) {
          return nullptr;
        }
        d.targets.push_back(std::move(t));
      } while (accept_op(","));
      if (d.targets.empty()) {
        fail_here("a target");
        return nullptr;
      }
      return make_stmt(join(start, prev_span()), std::move(d));
    }
    case Keyword::import: return import_statement();
    case Keyword::from: return from_import_statement();
    default: break;
    }
  }
  return expression_statement();
}

// Expression statement, assignment (chained, tuple targets), annotated and augmented ones.
StmtPtr Parser::expression_statement()
{
  const Span start = tok().span;
  auto rhs = [this]() -> ExprPtr {
    return at_kw(Keyword::yield) ? yield_expression() : star_expressions();
  };
  ExprPtr first = rhs();
  if (!first) {
    return nullptr;
  }
  if (at_op(":")) {
    if (!first->is<Name>() && !first->is<Attribute>() && !first->is<Subscript>()) {
      fail("only a single name, attribute or subscript can be annotated", first->span);
      return nullptr;
    }
    advance();
    AnnAssign a;
    a.target = std::move(first);
    if (!(a.annotation = test())) {
      return nullptr;
    }
    if (accept_op("=") && !(a.value = rhs())) {
      return nullptr;
    }
    return make_stmt(join(start, prev_span()), std::move(a));
  }
  if (tok().kind == TokenKind::op) {
    static constexpr std::pair<std::string_view, BinaryOperator> k_augmented[] = {
      {"+=", BinaryOperator::add},       {"-=", BinaryOperator::sub},
      {"*=", BinaryOperator::mult},      {"@=", BinaryOperator::mat_mult},
      {"/=", BinaryOperator::div},       {"%=", BinaryOperator::mod},
      {"**=", BinaryOperator::pow},      {"<<=", BinaryOperator::lshift},
      {">>=", BinaryOperator::rshift},   {"|=", BinaryOperator::bit_or},
      {"^=", BinaryOperator::bit_xor},   {"&=", BinaryOperator::bit_and},
      {"//=", BinaryOperator::floor_div},
    };
    const std::uint32_t op = tok().op;
    for (const auto& [spelled, binop] : k_augmented) {
      if (op == op_code(spelled)) {
        if (!check_target(*first, false)) {
          return nullptr;
        }
        advance();
        AugAssign a{std::move(first), binop, rhs()};
        if (!a.value) {
          return nullptr;
        }
        return make_stmt(join(start, prev_span()), std::move(a));
      }
    }
  }
  if (!at_op("=")) {
    const Span span = first->span;
    return make_stmt(span, ExprStmt{std::move(first)});
  }
  Assign a;
  a.targets.reserve(2); // `x = value`: the value is parsed as a second target first
  a.targets.push_back(std::move(first));
  while (accept_op("=")) {
    ExprPtr value = rhs();
    if (!value) {
      return nullptr;
    }
    a.targets.push_back(std::move(value));
  }
  a.value = std::move(a.targets.back());
  a.targets.pop_back();
  for (const ExprPtr& t : a.targets) {
    if (!check_target(*t, true)) {
      return nullptr;
    }
  }
  return make_stmt(join(start, prev_span()), std::move(a));
}

bool Parser::check_target(const Expr& target, bool allow_tuple)
{
  if (target.is<Name>() || target.is<Attribute>() || target.is<Subscript>()) {
    return true;
  }
  const ExprList* elts = nullptr;
  if (const auto* t = target.as<Tuple>()) {
    elts = &t->elts;
  } else if (const auto* l = target.as<List>()) {
    elts = &l->elts;
  }
  if (elts && allow_tuple) {
    for (const ExprPtr& e : *elts) {
      const Expr* inner = e.get();
      if (const auto* s = inner->as<Starred>()) {
        inner = s->value.get();
      }
      if (!check_target(*inner, true)) {
        return false;
      }
    }
    return true;
  }
  const char* what = "expression";
  if (target.is<Call>()) {
    what = "function call";
  } else if (target.is<Constant>()) {
    what = "literal";
  } else if (elts) {
    what = "tuple";
  }
  fail(std::string("cannot assign to ") + what, target.span);
  return false;
}

StmtPtr Parser::import_statement()
{
  const Span start = advance().span;
  Import imp;
  do {
    Alias alias;
    alias.span = tok().span;
    if (!at_name()) {
      fail_here("a module name");
      return nullptr;
    }
    alias.name = text(advance());
    while (accept_op(".")) {
      if (!at_name()) {
        fail_here("a module name");
        return nullptr;
      }
      alias.name += '.';
      alias.name += text(advance());
    }
    if (accept_kw(Keyword::as)) {
      if (!at_name()) {
        fail_here("a name");
        return nullptr;
      }
      alias.asname = text(advance());
    }
    alias.span = join(alias.span, prev_span());
    imp.names.push_back(std::move(alias));
  } while (accept_op(","));
  return make_stmt(join(start, prev_span()), std::move(imp));
}

StmtPtr Parser::from_import_statement()
{
  const Span start = advance().span;
  ImportFrom imp;
  while (at_op(".") || at_op("...")) {
    imp.level += static_cast<int>(text(advance()).size());
  }
  if (at_name()) {
    imp.module = text(advance());
    while (accept_op(".")) {
      if (!at_name()) {
        fail_here("a module name");
        return nullptr;
      }
      imp.module += '.';
      imp.module += text(advance());
    }
  } else if (imp.level == 0) {
    fail_here("a module name");
    return nullptr;
  }
  if (!expect_kw(Keyword::import, "import")) {
    return nullptr;
  }
  if (at_op("*")) {
    imp.names.push_back(Alias{"*", "", advance().span});
    return make_stmt(join(start, prev_span()), std::move(imp));
  }
  const bool parenthesized = accept_op("(");
  do {
    if (parenthesized && at_op(")")) {
      break;
    }
    if (!at_name()) {
      fail_here("a name");
      return nullptr;
    }
    Alias alias;
    alias.span = tok().span;
    alias.name = text(advance());
    if (accept_kw(Keyword::as)) {
      if (!at_name()) {
        fail_here("a name");
        return nullptr;
      }
      alias.asname = text(advance());
    }
    alias.span = join(alias.span, prev_span());
    imp.names.push_back(std::move(alias));
  } while (accept_op(","));
  if (parenthesized && !expect_op(")")) {
    return nullptr;
  }
  if (imp.names.empty()) {
    fail_here("a name");
    return nullptr;
  }
  return make_stmt(join(start, prev_span()), std::move(imp));
}

// ':' followed by either statements on the same line or NEWLINE INDENT stmts DEDENT.
bool Parser::block(Block& out)
{
  if (!expect_op(":")) {
    return false;
  }
  if (!enter()) {
    return false;
  }
  DepthGuard guard(m_depth);
  if (!at_kind(TokenKind::newline)) {
    return simple_statements(out);
  }
  advance();
  if (!at_kind(TokenKind::indent)) {
    fail("expected an indented block", tok().span);
    return false;
  }
  advance();
  while (!at_kind(TokenKind::dedent) && !at_kind(TokenKind::end_of_file)) {
    if (!statement(out)) {
      return false;
    }
  }
  advance();
  return true;
}

StmtPtr Parser::compound_statement()
{
  const Span start = tok().span;
  switch (tok().keyword) {
  case Keyword::def: return function_def({}, start.begin);
  case Keyword::class_: return class_def({}, start.begin);
  case Keyword::if_: return if_statement(start.begin);
  case Keyword::for_: return for_statement(start.begin, false);
  case Keyword::while_: return while_statement();
  case Keyword::with: return with_statement(start.begin, false);
  case Keyword::try_: return try_statement();
  case Keyword::async:
    switch (peek(1).keyword) {
    case Keyword::def: return function_def({}, start.begin);
    case Keyword::for_: advance(); return for_statement(start.begin, true);
    case Keyword::with: advance(); return with_statement(start.begin, true);
    default: advance(); fail_here("'def', 'for' or 'with' after 'async'"); return nullptr;
    }
  default: fail_here(); return nullptr;
  }
}

StmtPtr Parser::decorated()
{
  const std::uint32_t start = tok().span.begin;
  ExprList decorators;
  while (accept_op("@")) {
    ExprPtr d = named_expression();
    if (!d) {
      return nullptr;
    }
    decorators.push_back(std::move(d));
    if (!at_kind(TokenKind::newline)) {
      fail_here("a new line after the decorator");
      return nullptr;
    }
    advance();
  }
  if (at_kw(Keyword::def) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::def)) {
    return function_def(std::move(decorators), start);
  }
  if (at_kw(Keyword::class_)) {
    return class_def(std::move(decorators), start);
  }
  fail_here("'def' or 'class' after decorators");
  return nullptr;
}

StmtPtr Parser::function_def(ExprList decorators, std::uint32_t start)
{
  FunctionDef f;
  f.decorators = std::move(decorators);
  const std::uint32_t header = tok().span.begin;
  f.is_async = accept_kw(Keyword::async);
  advance(); // def
  if (!at_name()) {
    fail_here("a function name");
    return nullptr;
  }
  f.name_span = tok().span;
  f.name = text(advance());
  if (at_op("[") && !type_parameters()) {
    return nullptr;
  }
  if (!expect_op("(") || !parameters(f.args, ")", true) || !expect_op(")")) {
    return nullptr;
  }
  if (accept_op("->") && !(f.returns = test())) {
    return nullptr;
  }
  f.header_span = {header, tok().span.end};
  if (!block(f.body)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(f));
}

// Parameters up to `closer` (")" for def, ":" for lambda), which is not consumed.
bool Parser::parameters(Arguments& args, std::string_view closer, bool annotations)
{
  bool keyword_only = false;
  while (!at_op(closer)) {
    if (accept_op("/")) {
      // Positional-only marker: nothing to record.
    } else {
      Param p;
      p.span = tok().span;
      if (accept_op("**")) {
        p.kind = ParamKind::var_keyword;
      } else if (accept_op("*")) {
        keyword_only = true;
        p.kind = ParamKind::var_positional;
        if (at_op(",") || at_op(closer)) {
          p.kind = ParamKind::keyword_only; // bare `*`: marker only
          p.name.clear();
        }
      } else if (keyword_only) {
        p.kind = ParamKind::keyword_only;
      }
      const bool bare_star = p.kind == ParamKind::keyword_only && !at_name();
      if (!bare_star) {
        if (!at_name()) {
          fail_here("a parameter name");
          return false;
        }
        p.name = text(advance());
        if (annotations && accept_op(":") && !(p.annotation = test())) {
          return false;
        }
        if (accept_op("=") && !(p.default_value = test())) {
          return false;
        }
        p.span = join(p.span, prev_span());
        args.params.push_back(std::move(p));
      }
    }
    if (!accept_op(",")) {
      break;
    }
  }
  if (!at_op(closer)) {
    fail_here("'" + std::string(closer) + "'");
    return false;
  }
  return true;
}

// `[T, U: bound, *Ts, **P]` (and 3.13 defaults `T = int`); the evaluator has no use for
// them, so they are only parsed.
bool Parser::type_parameters()
{
  advance(); // [
  do {
    if (at_op("]")) {
      break;
    }
    if (!accept_op("**")) {
      accept_op("*");
    }
    if (!at_name()) {
      fail_here("a type parameter name");
      return false;
    }
    advance();
    if (accept_op(":") && !test()) {
      return false;
    }
    if (accept_op("=") && !test()) {
      return false;
    }
  } while (accept_op(","));
  return expect_op("]");
}

StmtPtr Parser::class_def(ExprList decorators, std::uint32_t start)
{
  ClassDef c;
  c.decorators = std::move(decorators);
  advance(); // class
  if (!at_name()) {
    fail_here("a class name");
    return nullptr;
  }
  c.name_span = tok().span;
  c.name = text(advance());
  if (at_op("[") && !type_parameters()) {
    return nullptr;
  }
  if (at_op("(")) {
    const std::uint32_t open = advance().span.begin;
    Call call;
    if (!call_arguments(call, open)) {
      return nullptr;
    }
    c.bases = std::move(call.args);
    c.keywords = std::move(call.keywords);
  }
  if (!block(c.body)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(c));
}

StmtPtr Parser::if_statement(std::uint32_t start)
{
  advance(); // if / elif
  If s;
  if (!(s.test = named_expression()) || !block(s.body)) {
    return nullptr;
  }
  if (at_kw(Keyword::elif)) {
    StmtPtr nested = if_statement(tok().span.begin);
    if (!nested) {
      return nullptr;
    }
    s.orelse.push_back(std::move(nested));
  } else if (accept_kw(Keyword::else_) && !block(s.orelse)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(s));
}

StmtPtr Parser::for_statement(std::uint32_t start, bool is_async)
{
  advance(); // for
  For s;
  s.is_async = is_async;
  if (!(s.target = target_list()) || !check_target(*s.target, true) ||
      !expect_kw(Keyword::in, "in") || !(s.iter = star_expressions()) || !block(s.body)) {
    return nullptr;
  }
  if (accept_kw(Keyword::else_) && !block(s.orelse)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(s));
}

StmtPtr Parser::while_statement()
{
  const std::uint32_t start = advance().span.begin;
  While s;
  if (!(s.test = named_expression()) || !block(s.body)) {
    return nullptr;
  }
  if (accept_kw(Keyword::else_) && !block(s.orelse)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(s));
}

StmtPtr Parser::with_statement(std::uint32_t start, bool is_async)
{
  advance(); // with
  With s;
  s.is_async = is_async;
  // Python 3.9+ accepts `with (a as x, b as y):`. Tell it from a parenthesized
  // expression by looking for `as` directly inside the parentheses, then `:` after them.
  bool parenthesized = false;
  if (at_op("(")) {
    int depth = 0;
    bool saw_as = false;
    for (std::size_t k = 0; peek(k).kind != TokenKind::end_of_file; ++k) {
      const Token& t = peek(k);
      if (t.kind == TokenKind::op) {
        const std::uint32_t op = t.op;
        if (op == op_code("(") || op == op_code("[") || op == op_code("{")) {
          ++depth;
        } else if (op == op_code(")") || op == op_code("]") || op == op_code("}")) {
          if (--depth == 0) {
            parenthesized =
              saw_as && peek(k + 1).kind == TokenKind::op && peek(k + 1).op == op_code(":");
            break;
          }
        }
      } else if (depth == 1 && t.keyword == Keyword::as) {
        saw_as = true;
      }
    }
    if (parenthesized) {
      advance();
    }
  }
  do {
    if (parenthesized && at_op(")")) {
      break;
    }
    WithItem item;
    if (!(item.context_expr = test())) {
      return nullptr;
    }
    if (accept_kw(Keyword::as)) {
      // One target per item (`with a as x, b as y`); a tuple target needs parentheses.
      if (!(item.optional_vars = binary(0)) || !check_target(*item.optional_vars, true)) {
        return nullptr;
      }
    }
    s.items.push_back(std::move(item));
  } while (accept_op(","));
  if (parenthesized && !expect_op(")")) {
    return nullptr;
  }
  if (!block(s.body)) {
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(s));
}

StmtPtr Parser::try_statement()
{
  const std::uint32_t start = advance().span.begin;
  Try s;
  if (!block(s.body)) {
    return nullptr;
  }
  while (at_kw(Keyword::except)) {
    ExceptHandler h;
    h.span = advance().span;
    h.star = accept_op("*");
    if (h.star && at_op(":")) {
      fail_here("an exception type after 'except*'");
      return nullptr;
    }
    if (!at_op(":")) {
      if (!(h.type = test())) {
        return nullptr;
      }
      if (accept_kw(Keyword::as)) {
        if (!at_name()) {
          fail_here("a name");
          return nullptr;
        }
        h.name = text(advance());
      }
    }
    if (!block(h.body)) {
      return nullptr;
    }
    h.span = join(h.span, prev_span());
    s.handlers.push_back(std::move(h));
  }
  if (!s.handlers.empty() && accept_kw(Keyword::else_) && !block(s.orelse)) {
    return nullptr;
  }
  if (accept_kw(Keyword::finally) && !block(s.finalbody)) {
    return nullptr;
  }
  if (s.handlers.empty() && s.finalbody.empty()) {
    fail_here("'except' or 'finally'");
    return nullptr;
  }
  return make_stmt(Span{start, prev_span().end}, std::move(s));
}

} // namespace detail

ParseResult parse_module(std::string_view source)
{
  ParseResult result;
  TokenizeResult tokens = tokenize(source);
  result.comments = std::move(tokens.comments);
  if (tokens.error) {
    result.error = std::move(tokens.error);
    return result;
  }
  detail::Parser parser(source, std::move(tokens.tokens), result.arena);
  parser.parse_file(result.module.body);
  result.error = std::move(parser.error());
  return result;
}

ParseResult parse_module_lines(std::string_view source, std::span<const Span> ranges)
{
  ParseResult result;
  if (source.size() > 0xFFFFFFF0u) {
    result.error = SyntaxError{"file too large", {0, 0}};
    return result;
  }
  TokenizeResult tokens = tokenize_lines(source, ranges);
  result.comments = std::move(tokens.comments);
  if (tokens.error) {
    result.error = std::move(tokens.error);
    return result;
  }
  detail::Parser parser(source, std::move(tokens.tokens), result.arena);
  parser.parse_file(result.module.body);
  result.error = std::move(parser.error());
  return result;
}

ExpressionResult parse_expression(std::string_view source)
{
  ExpressionResult result;
  if (source.size() > 0xFFFFFFF0u) {
    result.error = SyntaxError{"expression too large", {0, 0}};
    return result;
  }
  TokenizeResult tokens =
    tokenize_expression(source, 0, static_cast<std::uint32_t>(source.size()));
  if (tokens.error) {
    result.error = std::move(tokens.error);
    return result;
  }
  detail::Parser parser(source, std::move(tokens.tokens), result.arena);
  result.expr = parser.parse_eval();
  if (parser.error()) {
    result.error = std::move(parser.error());
    result.expr.reset();
  }
  return result;
}

} // namespace miglint::python
