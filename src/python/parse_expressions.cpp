// Expressions: CPython's precedence levels, with binary operators parsed by
// precedence climbing so one bracket level costs a handful of stack frames.
#include "python/parser_impl.hpp"

#include <cerrno>
#include <cstdlib>

namespace miglint::python::detail {

namespace {

struct BinaryLevel {
  std::uint32_t op;
  int level;
  BinaryOperator binop;
};

// Lowest binding first: | ^ & (<< >>) (+ -) (* / // % @)
constexpr BinaryLevel k_binary[] = {
  {op_code("|"), 0, BinaryOperator::bit_or},   {op_code("^"), 1, BinaryOperator::bit_xor},
  {op_code("&"), 2, BinaryOperator::bit_and},  {op_code("<<"), 3, BinaryOperator::lshift},
  {op_code(">>"), 3, BinaryOperator::rshift},  {op_code("+"), 4, BinaryOperator::add},
  {op_code("-"), 4, BinaryOperator::sub},      {op_code("*"), 5, BinaryOperator::mult},
  {op_code("/"), 5, BinaryOperator::div},      {op_code("//"), 5, BinaryOperator::floor_div},
  {op_code("%"), 5, BinaryOperator::mod},      {op_code("@"), 5, BinaryOperator::mat_mult},
};

const BinaryLevel* binary_level(std::uint32_t op)
{
  for (const BinaryLevel& b : k_binary) {
    if (b.op == op) {
      return &b;
    }
  }
  return nullptr;
}

} // namespace

bool Parser::starts_expression() const
{
  const Token& t = tok();
  switch (t.kind) {
  case TokenKind::number:
  case TokenKind::string: return true;
  case TokenKind::name:
    switch (t.keyword) {
    case Keyword::none:
    case Keyword::false_:
    case Keyword::none_:
    case Keyword::true_:
    case Keyword::not_:
    case Keyword::lambda:
    case Keyword::await:
    case Keyword::yield: return true;
    default: return false;
    }
  case TokenKind::op: {
    const std::uint32_t op = t.op;
    return op == op_code("(") || op == op_code("[") || op == op_code("{") ||
           op == op_code("-") || op == op_code("+") || op == op_code("~") ||
           op == op_code("...") || op == op_code("*");
  }
  default: return false;
  }
}

namespace {

// A token that atom() turns into a whole expression: a name, None/True/False, a number or
// a string (adjacent strings join, but then the next token is a string too).
bool is_single_token_atom(const Token& t)
{
  switch (t.kind) {
  case TokenKind::name:
    return t.keyword == Keyword::none || t.keyword == Keyword::none_ ||
           t.keyword == Keyword::true_ || t.keyword == Keyword::false_;
  case TokenKind::number:
  case TokenKind::string: return true;
  default: return false;
  }
}

// A token that no operator, trailer or keyword level of test() takes after an operand.
bool ends_expression(const Token& t)
{
  if (t.kind == TokenKind::newline || t.kind == TokenKind::end_of_file) {
    return true;
  }
  if (t.kind != TokenKind::op) {
    return false;
  }
  const std::uint32_t op = t.op;
  return op == op_code("=") || op == op_code(",") || op == op_code(")") ||
         op == op_code("]") || op == op_code("}") || op == op_code(":") || op == op_code(";");
}

} // namespace

// star_expression (',' star_expression)* [','] -> a Tuple when there is a comma.
ExprPtr Parser::star_expressions()
{
  ExprPtr first = star_expression();
  if (!first || !at_op(",")) {
    return first;
  }
  Tuple tuple;
  const Span start = first->span;
  tuple.elts.push_back(std::move(first));
  while (accept_op(",")) {
    if (!starts_expression() || at_kw(Keyword::yield)) {
      break;
    }
    ExprPtr e = star_expression();
    if (!e) {
      return nullptr;
    }
    tuple.elts.push_back(std::move(e));
  }
  return make_expr(join(start, prev_span()), std::move(tuple));
}

ExprPtr Parser::star_expression()
{
  if (at_op("*")) {
    const Span start = advance().span;
    ExprPtr value = binary(0);
    if (!value) {
      return nullptr;
    }
    const Span span = join(start, value->span);
    return make_expr(span, Starred{std::move(value)});
  }
  return test();
}

ExprPtr Parser::star_named_expression()
{
  if (at_op("*")) {
    return star_expression();
  }
  return named_expression();
}

ExprPtr Parser::named_expression()
{
  if (at_name() && peek(1).kind == TokenKind::op && peek(1).op == op_code(":=")) {
    const Token& name = advance();
    advance();
    ExprPtr target = make_expr(name.span, Name{std::string(text(name))});
    ExprPtr value = test();
    if (!value) {
      return nullptr;
    }
    const Span span = join(name.span, value->span);
    return make_expr(span, NamedExpr{std::move(target), std::move(value)});
  }
  return test();
}

ExprPtr Parser::test()
{
  if (!enter()) {
    return nullptr;
  }
  DepthGuard guard(m_depth);
  // Most expressions of a revision module are one name, string or number that ends the
  // expression (`revision = "ae1027a6acf"`): every level between here and atom() would
  // hand it back untouched, so go straight there.
  if (is_single_token_atom(tok()) && ends_expression(peek(1))) {
    return atom();
  }
  if (at_kw(Keyword::lambda)) {
    return lambda();
  }
  ExprPtr body = or_test();
  if (!body || !at_kw(Keyword::if_)) {
    return body;
  }
  advance();
  IfExp e;
  if (!(e.test = or_test()) || !expect_kw(Keyword::else_, "else") || !(e.orelse = test())) {
    return nullptr;
  }
  const Span span = join(body->span, e.orelse->span);
  e.body = std::move(body);
  return make_expr(span, std::move(e));
}

ExprPtr Parser::lambda()
{
  const Span start = advance().span;
  Lambda l;
  if (!parameters(l.args, ":", false) || !expect_op(":") || !(l.body = test())) {
    return nullptr;
  }
  const Span span = join(start, l.body->span);
  return make_expr(span, std::move(l));
}

ExprPtr Parser::or_test()
{
  ExprPtr first = and_test();
  if (!first || !at_kw(Keyword::or_)) {
    return first;
  }
  BoolOp op{BoolOperator::or_, {}};
  const Span start = first->span;
  op.values.push_back(std::move(first));
  while (accept_kw(Keyword::or_)) {
    ExprPtr e = and_test();
    if (!e) {
      return nullptr;
    }
    op.values.push_back(std::move(e));
  }
  return make_expr(join(start, prev_span()), std::move(op));
}

ExprPtr Parser::and_test()
{
  ExprPtr first = not_test();
  if (!first || !at_kw(Keyword::and_)) {
    return first;
  }
  BoolOp op{BoolOperator::and_, {}};
  const Span start = first->span;
  op.values.push_back(std::move(first));
  while (accept_kw(Keyword::and_)) {
    ExprPtr e = not_test();
    if (!e) {
      return nullptr;
    }
    op.values.push_back(std::move(e));
  }
  return make_expr(join(start, prev_span()), std::move(op));
}

ExprPtr Parser::not_test()
{
  if (!at_kw(Keyword::not_)) {
    return comparison();
  }
  const Span start = advance().span;
  if (!enter()) {
    return nullptr;
  }
  DepthGuard guard(m_depth);
  ExprPtr operand = not_test();
  if (!operand) {
    return nullptr;
  }
  const Span span = join(start, operand->span);
  return make_expr(span, UnaryOp{UnaryOperator::not_, std::move(operand)});
}

ExprPtr Parser::comparison()
{
  ExprPtr left = binary(0);
  if (!left) {
    return nullptr;
  }
  Compare cmp;
  while (true) {
    CompareOperator op;
    const Token& t = tok();
    if (t.kind == TokenKind::op) {
      const std::uint32_t s = t.op;
      if (s == op_code("==")) op = CompareOperator::eq;
      else if (s == op_code("!=")) op = CompareOperator::not_eq_;
      else if (s == op_code("<")) op = CompareOperator::lt;
      else if (s == op_code("<=")) op = CompareOperator::lt_e;
      else if (s == op_code(">")) op = CompareOperator::gt;
      else if (s == op_code(">=")) op = CompareOperator::gt_e;
      else break;
      advance();
    } else if (at_kw(Keyword::in)) {
      op = CompareOperator::in;
      advance();
    } else if (at_kw(Keyword::not_) && peek(1).keyword == Keyword::in) {
      op = CompareOperator::not_in;
      advance();
      advance();
    } else if (at_kw(Keyword::is)) {
      advance();
      op = accept_kw(Keyword::not_) ? CompareOperator::is_not : CompareOperator::is;
    } else {
      break;
    }
    ExprPtr right = binary(0);
    if (!right) {
      return nullptr;
    }
    cmp.ops.push_back(op);
    cmp.comparators.push_back(std::move(right));
  }
  if (cmp.ops.empty()) {
    return left;
  }
  const Span span = join(left->span, cmp.comparators.back()->span);
  cmp.left = std::move(left);
  return make_expr(span, std::move(cmp));
}

ExprPtr Parser::binary(int min_level)
{
  ExprPtr left = factor();
  if (!left) {
    return nullptr;
  }
  // Each link of a left-associative chain deepens the tree by one: charge the budget.
  const int depth_before = m_depth;
  while (tok().kind == TokenKind::op) {
    const BinaryLevel* b = binary_level(tok().op);
    if (!b || b->level < min_level) {
      break;
    }
    advance();
    if (!enter()) {
      m_depth = depth_before;
      return nullptr;
    }
    ExprPtr right = binary(b->level + 1);
    if (!right) {
      m_depth = depth_before;
      return nullptr;
    }
    const Span span = join(left->span, right->span);
    left = make_expr(span, BinOp{std::move(left), b->binop, std::move(right)});
  }
  m_depth = depth_before;
  return left;
}

ExprPtr Parser::factor()
{
  UnaryOperator op;
  if (at_op("-")) {
    op = UnaryOperator::minus;
  } else if (at_op("+")) {
    op = UnaryOperator::plus;
  } else if (at_op("~")) {
    op = UnaryOperator::invert;
  } else {
    return power();
  }
  const Span start = advance().span;
  if (!enter()) {
    return nullptr;
  }
  DepthGuard guard(m_depth);
  ExprPtr operand = factor();
  if (!operand) {
    return nullptr;
  }
  const Span span = join(start, operand->span);
  return make_expr(span, UnaryOp{op, std::move(operand)});
}

ExprPtr Parser::power()
{
  ExprPtr base;
  if (at_kw(Keyword::await)) {
    const Span start = advance().span;
    ExprPtr value = primary();
    if (!value) {
      return nullptr;
    }
    const Span span = join(start, value->span);
    base = make_expr(span, Await{std::move(value)});
  } else {
    base = primary();
  }
  if (!base || !at_op("**")) {
    return base;
  }
  advance();
  if (!enter()) {
    return nullptr;
  }
  DepthGuard guard(m_depth);
  ExprPtr exponent = factor();
  if (!exponent) {
    return nullptr;
  }
  const Span span = join(base->span, exponent->span);
  return make_expr(span, BinOp{std::move(base), BinaryOperator::pow, std::move(exponent)});
}

// atom followed by `.name`, `(args)` and `[slices]` trailers.
ExprPtr Parser::primary()
{
  ExprPtr e = atom();
  if (!e) {
    return nullptr;
  }
  const int depth_before = m_depth;
  while (tok().kind == TokenKind::op) {
    const std::uint32_t op = tok().op;
    if (op != op_code(".") && op != op_code("(") && op != op_code("[")) {
      break;
    }
    if (!enter()) {
      m_depth = depth_before;
      return nullptr;
    }
    const std::uint32_t open = advance().span.begin;
    if (op == op_code(".")) {
      if (tok().kind != TokenKind::name) {
        fail_here("an attribute name");
        m_depth = depth_before;
        return nullptr;
      }
      const Token& name = advance();
      const Span span = join(e->span, name.span);
      e = make_expr(span, Attribute{std::move(e), std::string(text(name)), name.span});
    } else if (op == op_code("(")) {
      Call call;
      if (!call_arguments(call, open)) {
        m_depth = depth_before;
        return nullptr;
      }
      const Span span = join(e->span, prev_span());
      call.func = std::move(e);
      e = make_expr(span, std::move(call));
    } else {
      ExprPtr slice = subscript_slices();
      if (!slice || !expect_op("]")) {
        m_depth = depth_before;
        return nullptr;
      }
      const Span span = join(e->span, prev_span());
      e = make_expr(span, Subscript{std::move(e), std::move(slice)});
    }
  }
  m_depth = depth_before;
  return e;
}

// After `(`: arguments and the closing `)`.
bool Parser::call_arguments(Call& call, std::uint32_t open)
{
  while (!at_op(")")) {
    const Span start = tok().span;
    if (accept_op("*")) {
      ExprPtr value = test();
      if (!value) {
        return false;
      }
      const Span span = join(start, value->span);
      call.args.push_back(make_expr(span, Starred{std::move(value)}));
    } else if (accept_op("**")) {
      ExprPtr value = test();
      if (!value) {
        return false;
      }
      call.keywords.push_back(KeywordArg{"", std::move(value), join(start, prev_span())});
    } else if (tok().kind == TokenKind::name && peek(1).kind == TokenKind::op &&
               peek(1).op == op_code("=")) {
      if (!at_name()) {
        fail_here("an argument name");
        return false;
      }
      std::string name(text(advance()));
      advance();
      ExprPtr value = test();
      if (!value) {
        return false;
      }
      call.keywords.push_back(KeywordArg{std::move(name), std::move(value), join(start, prev_span())});
    } else {
      ExprPtr value = named_expression();
      if (!value) {
        return false;
      }
      if (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
        GeneratorExp g;
        g.elt = std::move(value);
        if (!comprehensions(g.generators)) {
          return false;
        }
        value = make_expr(Span{open, tok().span.end}, std::move(g));
      }
      call.args.push_back(std::move(value));
    }
    if (!accept_op(",")) {
      break;
    }
  }
  return expect_op(")");
}

// Inside `[...]`: one slice, or several separated by commas (a Tuple).
ExprPtr Parser::subscript_slices()
{
  ExprPtr first = slice_item();
  if (!first || !at_op(",")) {
    return first;
  }
  Tuple tuple;
  const Span start = first->span;
  tuple.elts.push_back(std::move(first));
  while (accept_op(",")) {
    if (at_op("]")) {
      break;
    }
    ExprPtr e = slice_item();
    if (!e) {
      return nullptr;
    }
    tuple.elts.push_back(std::move(e));
  }
  return make_expr(join(start, prev_span()), std::move(tuple));
}

ExprPtr Parser::slice_item()
{
  const Span start = tok().span;
  ExprPtr lower;
  if (!at_op(":")) {
    lower = star_named_expression();
    if (!lower || !at_op(":")) {
      return lower;
    }
  }
  Slice s;
  s.lower = std::move(lower);
  advance(); // ':'
  auto bound_follows = [this] { return !at_op(":") && !at_op("]") && !at_op(","); };
  if (bound_follows() && !(s.upper = test())) {
    return nullptr;
  }
  if (accept_op(":") && bound_follows() && !(s.step = test())) {
    return nullptr;
  }
  return make_expr(join(start, prev_span()), std::move(s));
}

bool Parser::comprehensions(std::vector<Comprehension>& out)
{
  while (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
    Comprehension c;
    c.is_async = accept_kw(Keyword::async);
    advance(); // for
    if (!(c.target = target_list()) || !check_target(*c.target, true) ||
        !expect_kw(Keyword::in, "in") || !(c.iter = or_test())) {
      return false;
    }
    while (accept_kw(Keyword::if_)) {
      ExprPtr cond = or_test();
      if (!cond) {
        return false;
      }
      c.ifs.push_back(std::move(cond));
    }
    out.push_back(std::move(c));
  }
  return true;
}

// `for` and `with ... as` targets: `a`, `a, b`, `(a, b)`, `*rest` - stops before `in`.
ExprPtr Parser::target_list()
{
  auto one = [this]() -> ExprPtr {
    if (at_op("*")) {
      const Span start = advance().span;
      ExprPtr value = binary(0);
      if (!value) {
        return nullptr;
      }
      const Span span = join(start, value->span);
      return make_expr(span, Starred{std::move(value)});
    }
    return binary(0);
  };
  ExprPtr first = one();
  if (!first || !at_op(",")) {
    return first;
  }
  Tuple tuple;
  const Span start = first->span;
  tuple.elts.push_back(std::move(first));
  while (accept_op(",")) {
    if (at_kw(Keyword::in) || at_op(":") || at_op("=") || !starts_expression()) {
      break;
    }
    ExprPtr e = one();
    if (!e) {
      return nullptr;
    }
    tuple.elts.push_back(std::move(e));
  }
  return make_expr(join(start, prev_span()), std::move(tuple));
}

ExprPtr Parser::yield_expression()
{
  const Span start = advance().span;
  if (accept_kw(Keyword::from)) {
    ExprPtr value = test();
    if (!value) {
      return nullptr;
    }
    const Span span = join(start, value->span);
    return make_expr(span, YieldFrom{std::move(value)});
  }
  Yield y;
  if (starts_expression() && !(y.value = star_expressions())) {
    return nullptr;
  }
  return make_expr(join(start, prev_span()), std::move(y));
}

ExprPtr Parser::atom()
{
  const Token& t = tok();
  switch (t.kind) {
  case TokenKind::name: {
    Constant c;
    switch (t.keyword) {
    case Keyword::none: {
      advance();
      return make_expr(t.span, Name{std::string(text(t))});
    }
    case Keyword::none_: c.kind = Constant::Kind::none; break;
    case Keyword::true_: c.kind = Constant::Kind::boolean; c.boolean = true; break;
    case Keyword::false_: c.kind = Constant::Kind::boolean; break;
    default: fail_here(); return nullptr;
    }
    advance();
    return make_expr(t.span, std::move(c));
  }
  case TokenKind::number: return number();
  case TokenKind::string: return strings();
  case TokenKind::op: {
    const std::uint32_t op = t.op;
    if (op == op_code("(") || op == op_code("[") || op == op_code("{")) {
      if (!enter()) {
        return nullptr;
      }
      DepthGuard guard(m_depth);
      return op == op_code("(") ? paren_atom() : op == op_code("[") ? list_atom() : brace_atom();
    }
    if (op == op_code("...")) {
      advance();
      Constant c;
      c.kind = Constant::Kind::ellipsis;
      return make_expr(t.span, std::move(c));
    }
    fail_here();
    return nullptr;
  }
  default: fail_here(); return nullptr;
  }
}

// Comma-separated star_named_expressions up to `closer` (not consumed).
bool Parser::elements(ExprList& out, std::string_view closer)
{
  while (accept_op(",")) {
    if (at_op(closer)) {
      break;
    }
    ExprPtr e = star_named_expression();
    if (!e) {
      return false;
    }
    out.push_back(std::move(e));
  }
  return true;
}

ExprPtr Parser::paren_atom()
{
  const Span start = advance().span;
  if (accept_op(")")) {
    return make_expr(join(start, prev_span()), Tuple{});
  }
  if (at_kw(Keyword::yield)) {
    ExprPtr y = yield_expression();
    if (!y || !expect_op(")")) {
      return nullptr;
    }
    return y;
  }
  ExprPtr first = star_named_expression();
  if (!first) {
    return nullptr;
  }
  if (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
    GeneratorExp g;
    g.elt = std::move(first);
    if (!comprehensions(g.generators) || !expect_op(")")) {
      return nullptr;
    }
    return make_expr(join(start, prev_span()), std::move(g));
  }
  if (!at_op(",")) {
    if (!expect_op(")")) {
      return nullptr;
    }
    if (first->is<Starred>()) {
      fail("cannot use starred expression here", first->span);
      return nullptr;
    }
    // Like CPython, a parenthesized expression keeps the inner expression's span,
    // except a Tuple, which then covers its parentheses.
    return first;
  }
  Tuple tuple;
  tuple.elts.push_back(std::move(first));
  if (!elements(tuple.elts, ")") || !expect_op(")")) {
    return nullptr;
  }
  return make_expr(join(start, prev_span()), std::move(tuple));
}

ExprPtr Parser::list_atom()
{
  const Span start = advance().span;
  List list;
  if (accept_op("]")) {
    return make_expr(join(start, prev_span()), std::move(list));
  }
  ExprPtr first = star_named_expression();
  if (!first) {
    return nullptr;
  }
  if (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
    ListComp comp;
    comp.elt = std::move(first);
    if (!comprehensions(comp.generators) || !expect_op("]")) {
      return nullptr;
    }
    return make_expr(join(start, prev_span()), std::move(comp));
  }
  list.elts.push_back(std::move(first));
  if (!elements(list.elts, "]") || !expect_op("]")) {
    return nullptr;
  }
  return make_expr(join(start, prev_span()), std::move(list));
}

ExprPtr Parser::brace_atom()
{
  const Span start = advance().span;
  if (accept_op("}")) {
    return make_expr(join(start, prev_span()), Dict{});
  }
  const bool dict_unpack = at_op("**");
  ExprPtr first;
  if (dict_unpack) {
    advance();
    first = binary(0);
  } else {
    first = star_named_expression();
  }
  if (!first) {
    return nullptr;
  }
  if (dict_unpack || at_op(":")) {
    Dict dict;
    if (dict_unpack) {
      dict.keys.push_back(nullptr);
      dict.values.push_back(std::move(first));
    } else {
      advance();
      ExprPtr value = test();
      if (!value) {
        return nullptr;
      }
      if (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
        DictComp comp;
        comp.key = std::move(first);
        comp.value = std::move(value);
        if (!comprehensions(comp.generators) || !expect_op("}")) {
          return nullptr;
        }
        return make_expr(join(start, prev_span()), std::move(comp));
      }
      dict.keys.push_back(std::move(first));
      dict.values.push_back(std::move(value));
    }
    while (accept_op(",")) {
      if (at_op("}")) {
        break;
      }
      if (accept_op("**")) {
        ExprPtr value = binary(0);
        if (!value) {
          return nullptr;
        }
        dict.keys.push_back(nullptr);
        dict.values.push_back(std::move(value));
        continue;
      }
      ExprPtr key = test();
      if (!key || !expect_op(":")) {
        return nullptr;
      }
      ExprPtr value = test();
      if (!value) {
        return nullptr;
      }
      dict.keys.push_back(std::move(key));
      dict.values.push_back(std::move(value));
    }
    if (!expect_op("}")) {
      return nullptr;
    }
    return make_expr(join(start, prev_span()), std::move(dict));
  }
  if (at_kw(Keyword::for_) || (at_kw(Keyword::async) && peek(1).keyword == Keyword::for_)) {
    SetComp comp;
    comp.elt = std::move(first);
    if (!comprehensions(comp.generators) || !expect_op("}")) {
      return nullptr;
    }
    return make_expr(join(start, prev_span()), std::move(comp));
  }
  Set set;
  set.elts.push_back(std::move(first));
  if (!elements(set.elts, "}") || !expect_op("}")) {
    return nullptr;
  }
  return make_expr(join(start, prev_span()), std::move(set));
}

ExprPtr Parser::number()
{
  const Token& t = advance();
  Constant c;
  const std::string_view written = text(t);
  c.value.reserve(written.size());
  for (char ch : written) {
    if (ch != '_') {
      c.value.push_back(ch);
    }
  }
  const std::string& v = c.value;
  const char last = static_cast<char>(v.back() | 0x20);
  const char second = v.size() > 1 ? static_cast<char>(v[1] | 0x20) : 0;
  if (last == 'j') {
    c.kind = Constant::Kind::imaginary;
    c.float_value = std::strtod(v.c_str(), nullptr);
  } else if (v[0] == '0' && (second == 'x' || second == 'o' || second == 'b')) {
    c.kind = Constant::Kind::integer;
    const int base = second == 'x' ? 16 : second == 'o' ? 8 : 2;
    errno = 0;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str() + 2, &end, base);
    if (v.size() == 2 || *end != '\0') {
      fail("invalid " + std::string(base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary") +
             " literal",
           t.span);
      return nullptr;
    }
    c.int_fits = errno == 0 && n <= static_cast<unsigned long long>(INT64_MAX);
    c.int_value = c.int_fits ? static_cast<std::int64_t>(n) : 0;
  } else if (v.find_first_of(".eE") != std::string::npos) {
    c.kind = Constant::Kind::floating;
    c.float_value = std::strtod(v.c_str(), nullptr);
  } else {
    c.kind = Constant::Kind::integer;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), nullptr, 10);
    c.int_fits = errno == 0;
    c.int_value = c.int_fits ? n : 0;
  }
  return make_expr(t.span, std::move(c));
}

} // namespace miglint::python::detail
