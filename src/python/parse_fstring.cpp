// String atoms: adjacent literals joined, and f-strings split into literal parts and
// `{expression!conversion:spec}` fields (Python 3.11 rules: a field cannot reuse the
// enclosing quote, so its source text is a plain slice of the file).
#include "python/parser_impl.hpp"

#include <cctype>

namespace miglint::python::detail {

namespace {

constexpr int k_max_spec_nesting = 2; // f"{x:{width}}" nests once; CPython allows two

bool only_whitespace(std::string_view text)
{
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
      return false;
    }
  }
  return true;
}

} // namespace

ExprPtr Parser::strings()
{
  const Span start = tok().span;
  bool any_format = false;
  bool any_bytes = false;
  bool any_text = false;
  ExprList parts;         // for f-strings
  std::string pending;    // literal text not yet stored as a part
  Span pending_span{start.begin, start.begin};
  while (at_kind(TokenKind::string)) {
    const Token& t = advance();
    const StringLiteral lit = split_string_token(m_src, t.span);
    (lit.bytes ? any_bytes : any_text) = true;
    if (any_bytes && any_text) {
      fail("cannot mix bytes and nonbytes literals", join(start, t.span));
      return nullptr;
    }
    if (!lit.format) {
      if (pending.empty()) {
        pending_span = lit.body;
      }
      decode_string_body(text_of(m_src, lit.body), lit.raw, lit.bytes, pending);
      pending_span.end = lit.body.end;
      continue;
    }
    any_format = true;
    std::uint32_t i = lit.body.begin;
    if (!fstring_parts(i, lit.body.end, lit.raw, 0, parts, pending, pending_span)) {
      return nullptr;
    }
  }
  const Span span = join(start, prev_span());
  if (!any_format) {
    Constant c;
    c.kind = any_bytes ? Constant::Kind::bytes : Constant::Kind::string;
    c.value = std::move(pending);
    return make_expr(span, std::move(c));
  }
  flush_literal(parts, pending, pending_span);
  return make_expr(span, JoinedStr{std::move(parts)});
}

void Parser::flush_literal(ExprList& parts, std::string& pending, Span& pending_span)
{
  if (pending.empty()) {
    return;
  }
  Constant c;
  c.kind = Constant::Kind::string;
  c.value = std::move(pending);
  pending.clear();
  parts.push_back(make_expr(pending_span, std::move(c)));
}

// Parses literal text and fields from source[i, end). At spec_level > 0 (inside a format
// spec) a single `}` ends the spec and is left at `i`.
bool Parser::fstring_parts(std::uint32_t& i, std::uint32_t end, bool raw, int spec_level,
                           ExprList& parts, std::string& pending, Span& pending_span)
{
  std::uint32_t chunk = i; // start of the literal text not yet decoded
  auto take_chunk = [&](std::uint32_t upto) {
    if (upto > chunk) {
      if (pending.empty()) {
        pending_span = {chunk, upto};
      }
      decode_string_body(m_src.substr(chunk, upto - chunk), raw, false, pending);
      pending_span.end = upto;
    }
  };
  while (i < end) {
    const char c = m_src[i];
    if (c == '\\' && !raw && i + 2 < end && m_src[i + 1] == 'N' && m_src[i + 2] == '{') {
      // \N{NAME}: its braces are not a field.
      const std::size_t close = m_src.find('}', i);
      i = close == std::string_view::npos || close >= end ? end : static_cast<std::uint32_t>(close + 1);
      continue;
    }
    if (c == '\\' && !raw) {
      i += 2;
      continue;
    }
    if (c == '}') {
      if (spec_level > 0) {
        take_chunk(i);
        return true;
      }
      if (i + 1 < end && m_src[i + 1] == '}') {
        take_chunk(i + 1); // keep one brace
        i += 2;
        chunk = i;
        continue;
      }
      fail("f-string: single '}' is not allowed", {i, i + 1});
      return false;
    }
    if (c == '{') {
      if (spec_level == 0 && i + 1 < end && m_src[i + 1] == '{') {
        take_chunk(i + 1);
        i += 2;
        chunk = i;
        continue;
      }
      take_chunk(i);
      ExprPtr field = fstring_field(i, end, raw, spec_level, parts, pending, pending_span);
      if (!field) {
        return false;
      }
      flush_literal(parts, pending, pending_span);
      parts.push_back(std::move(field));
      chunk = i;
      continue;
    }
    ++i;
  }
  take_chunk(end);
  if (spec_level > 0) {
    fail("f-string: expecting '}'", {end, end});
    return false;
  }
  return true;
}

// At `{`: parses one replacement field and leaves `i` after its `}`.
ExprPtr Parser::fstring_field(std::uint32_t& i, std::uint32_t end, bool raw, int spec_level,
                              ExprList& parts, std::string& pending, Span& pending_span)
{
  const std::uint32_t open = i;
  if (spec_level >= k_max_spec_nesting) {
    fail("f-string: expressions nested too deeply", {open, open + 1});
    return nullptr;
  }
  // Find where the expression ends: the first `}`, `!`, `:` or `=` outside brackets and
  // nested strings, skipping the comparison operators that contain `=` or `!`.
  std::uint32_t p = open + 1;
  int depth = 0;
  std::uint32_t expr_end = 0;
  bool debug = false;
  while (p < end) {
    const char c = m_src[p];
    if (c == '\'' || c == '"') {
      // A nested string, with any quotes and its own fields (Python 3.12).
      std::uint32_t word = p;
      while (word > open + 1 && p - word < 2 && std::isalpha(static_cast<unsigned char>(m_src[word - 1]))) {
        --word;
      }
      const StringScan inner = scan_string_literal(m_src, m_src.substr(word, p - word), p, end);
      if (!inner.error.empty()) {
        fail("f-string: unterminated string", {p, p + 1});
        return nullptr;
      }
      p = inner.end;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0) {
      const char next = p + 1 < end ? m_src[p + 1] : '\0';
      if (c == '}' || c == ':' || (c == '!' && next != '=')) {
        expr_end = p;
        break;
      }
      if ((c == '=' || c == '!' || c == '<' || c == '>') && next == '=') {
        p += 2;
        continue;
      }
      if (c == '=') {
        expr_end = p;
        debug = true;
        break;
      }
    }
    ++p;
  }
  if (expr_end == 0) {
    fail("f-string: expecting '}'", {open, open + 1});
    return nullptr;
  }
  const std::string_view expr_text = m_src.substr(open + 1, expr_end - open - 1);
  if (only_whitespace(expr_text)) {
    fail("f-string: empty expression not allowed", {open, expr_end + 1});
    return nullptr;
  }
  TokenizeResult tokens = tokenize_expression(m_src, open + 1, expr_end);
  if (tokens.error) {
    fail(std::move(tokens.error->message), tokens.error->span);
    return nullptr;
  }
  Parser inner(m_src, std::move(tokens.tokens), m_arena, m_depth + 1);
  FormattedValue fv;
  fv.value = inner.parse_fstring_expression();
  if (inner.error()) {
    m_error = std::move(inner.error());
    return nullptr;
  }
  p = expr_end;
  if (debug) {
    // f"{x=}" prints "x=" then the repr of x.
    ++p;
    while (p < end && (m_src[p] == ' ' || m_src[p] == '\t')) {
      ++p;
    }
    if (pending.empty()) {
      pending_span = {open + 1, p};
    }
    pending.append(m_src.substr(open + 1, p - open - 1));
    pending_span.end = p;
    flush_literal(parts, pending, pending_span);
    fv.conversion = 'r';
  }
  if (p < end && m_src[p] == '!') {
    const char conv = p + 1 < end ? m_src[p + 1] : '\0';
    if (conv != 'r' && conv != 's' && conv != 'a') {
      fail("f-string: invalid conversion character: expected 's', 'r', or 'a'", {p, p + 2});
      return nullptr;
    }
    fv.conversion = conv;
    p += 2;
  }
  if (p < end && m_src[p] == ':') {
    ++p;
    const std::uint32_t spec_start = p;
    ExprList spec_parts;
    std::string spec_pending;
    Span spec_span{p, p};
    if (!fstring_parts(p, end, raw, spec_level + 1, spec_parts, spec_pending, spec_span)) {
      return nullptr;
    }
    flush_literal(spec_parts, spec_pending, spec_span);
    if (debug && fv.conversion == 'r') {
      fv.conversion = 0; // a format spec after `=` means format(), not repr()
    }
    fv.format_spec = make_expr(Span{spec_start, p}, JoinedStr{std::move(spec_parts)});
  }
  if (p >= end || m_src[p] != '}') {
    fail("f-string: expecting '}'", {open, open + 1});
    return nullptr;
  }
  i = p + 1;
  return make_expr(Span{open, i}, std::move(fv));
}

ExprPtr Parser::parse_fstring_expression()
{
  ExprPtr e = at_kw(Keyword::yield) ? yield_expression() : star_expressions();
  if (!e) {
    return nullptr;
  }
  if (!at_kind(TokenKind::end_of_file)) {
    fail_here("'}'");
    return nullptr;
  }
  return e;
}

} // namespace miglint::python::detail
