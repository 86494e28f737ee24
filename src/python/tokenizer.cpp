#include "python/tokenizer.hpp"
#include "python/string_literal.hpp"

#include <array>
#include <span>
#include <string>
#include <utility>

namespace miglint::python {

namespace {

bool is_ident_start(unsigned char c)
{
  // Bytes >= 0x80 are accepted as identifier characters: Python allows non-ASCII names,
  // and we do not validate UTF-8 (a revision file is not the place to be strict).
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(unsigned char c) { return is_ident_start(c) || is_digit(c); }

// r, u, b, f and the two-letter combinations CPython accepts, in any case.
bool is_string_prefix(std::string_view word)
{
  if (word.size() == 1) {
    const char c = static_cast<char>(word[0] | 0x20);
    return c == 'r' || c == 'u' || c == 'b' || c == 'f';
  }
  if (word.size() == 2) {
    const char a = static_cast<char>(word[0] | 0x20);
    const char b = static_cast<char>(word[1] | 0x20);
    return (a == 'r' && (b == 'b' || b == 'f')) || (b == 'r' && (a == 'b' || a == 'f'));
  }
  return false;
}

struct KeywordEntry {
  std::string_view text;
  Keyword keyword;
};

constexpr KeywordEntry k_keywords[] = {
  {"False", Keyword::false_}, {"None", Keyword::none_},       {"True", Keyword::true_},
  {"and", Keyword::and_},     {"as", Keyword::as},            {"assert", Keyword::assert_},
  {"async", Keyword::async},  {"await", Keyword::await},      {"break", Keyword::break_},
  {"class", Keyword::class_}, {"continue", Keyword::continue_}, {"def", Keyword::def},
  {"del", Keyword::del},      {"elif", Keyword::elif},        {"else", Keyword::else_},
  {"except", Keyword::except}, {"finally", Keyword::finally}, {"for", Keyword::for_},
  {"from", Keyword::from},    {"global", Keyword::global},    {"if", Keyword::if_},
  {"import", Keyword::import}, {"in", Keyword::in},           {"is", Keyword::is},
  {"lambda", Keyword::lambda}, {"nonlocal", Keyword::nonlocal}, {"not", Keyword::not_},
  {"or", Keyword::or_},       {"pass", Keyword::pass},        {"raise", Keyword::raise},
  {"return", Keyword::return_}, {"try", Keyword::try_},       {"while", Keyword::while_},
  {"with", Keyword::with},    {"yield", Keyword::yield},
};

// For each first byte, the range of k_keywords starting with it (the table is sorted).
constexpr auto k_keywords_by_first = [] {
  std::array<std::pair<std::uint8_t, std::uint8_t>, 128> ranges{};
  for (std::size_t i = 0; i < std::size(k_keywords); ++i) {
    auto& range = ranges[static_cast<unsigned char>(k_keywords[i].text[0])];
    if (range.first == range.second) {
      range.first = static_cast<std::uint8_t>(i);
    }
    range.second = static_cast<std::uint8_t>(i + 1);
  }
  return ranges;
}();
static_assert([] {
  for (std::size_t i = 1; i < std::size(k_keywords); ++i) {
    if (k_keywords[i - 1].text[0] > k_keywords[i].text[0]) {
      return false;
    }
  }
  return true;
}(), "k_keywords must be grouped by first byte");

class Tokenizer {
public:
  Tokenizer(std::string_view source, std::uint32_t begin, std::uint32_t end, bool expression)
    : m_src(source), m_pos(begin), m_end(end), m_expression(expression)
  {
    m_out.tokens.reserve((end - begin) / 5 + 16);
    m_indents.push_back({0, 0});
  }

  TokenizeResult run()
  {
    if (!m_expression && m_pos == 0 && m_end >= 3 && m_src.substr(0, 3) == "\xEF\xBB\xBF") {
      m_pos += 3;
    }
    scan();
    close();
    m_out.tokens.push_back(Token{TokenKind::end_of_file, Keyword::none, {m_end, m_end}});
    return std::move(m_out);
  }

  // Each range holds whole logical lines that start at column 0 (as if each were a module
  // of its own), so the indentation and bracket state starts afresh in every range.
  TokenizeResult run_lines(std::span<const Span> ranges)
  {
    std::uint32_t last_end = 0;
    for (const Span& range : ranges) {
      m_pos = range.begin;
      m_end = range.end;
      m_line_has_tokens = false;
      m_indents.resize(1);
      scan();
      close();
      last_end = range.end;
      if (m_out.error) {
        break;
      }
    }
    m_out.tokens.push_back(Token{TokenKind::end_of_file, Keyword::none, {last_end, last_end}});
    return std::move(m_out);
  }

private:
  void scan()
  {
    bool at_line_start = !m_expression;
    while (m_pos < m_end && !m_out.error) {
      if (at_line_start && m_brackets.empty()) {
        if (!indentation()) {
          continue; // blank or comment-only line, already consumed
        }
        at_line_start = false;
      }
      if (m_out.error) {
        break;
      }
      const unsigned char c = at(m_pos);
      if (c == ' ' || c == '\t' || c == '\f') {
        ++m_pos;
      } else if (c == '\n' || c == '\r') {
        const std::uint32_t start = m_pos;
        skip_newline();
        if (!m_expression && m_brackets.empty()) {
          if (m_line_has_tokens) {
            push(TokenKind::newline, {start, m_pos});
            m_line_has_tokens = false;
          }
          at_line_start = true;
        }
      } else if (c == '#') {
        if (m_expression) {
          fail("f-string expression part cannot include '#'", {m_pos, m_pos + 1});
          break;
        }
        comment(false);
      } else if (c == '\\') {
        continuation();
      } else if (is_ident_start(c)) {
        identifier();
      } else if (is_digit(c) || (c == '.' && m_pos + 1 < m_end && is_digit(at(m_pos + 1)))) {
        number();
      } else if (c == '"' || c == '\'') {
        string(m_pos, m_pos);
      } else {
        op();
      }
    }
  }

  unsigned char at(std::uint32_t i) const { return static_cast<unsigned char>(m_src[i]); }

  void push(TokenKind kind, Span span, Keyword keyword = Keyword::none)
  {
    m_out.tokens.push_back(Token{kind, keyword, span});
    if (kind != TokenKind::newline) {
      m_line_has_tokens = true;
    }
  }

  void fail(std::string message, Span span)
  {
    if (!m_out.error) {
      m_out.error = SyntaxError{std::move(message), span};
    }
  }

  void skip_newline()
  {
    if (at(m_pos) == '\r' && m_pos + 1 < m_end && at(m_pos + 1) == '\n') {
      m_pos += 2;
    } else {
      ++m_pos;
    }
  }

  bool is_newline_at(std::uint32_t i) const
  {
    return i < m_end && (at(i) == '\n' || at(i) == '\r');
  }

  // Measures the indentation of a new logical line and emits INDENT/DEDENT. Returns
  // false when the line is blank or only a comment: those never change indentation.
  bool indentation()
  {
    const std::uint32_t line_start = m_pos;
    std::uint32_t col = 0;     // tabs to the next multiple of 8
    std::uint32_t alt_col = 0; // tabs count as 1: both must agree, as in CPython
    while (m_pos < m_end) {
      const unsigned char c = at(m_pos);
      if (c == ' ') {
        ++col;
        ++alt_col;
      } else if (c == '\t') {
        col = (col / 8 + 1) * 8;
        ++alt_col;
      } else if (c == '\f') {
        col = alt_col = 0;
      } else {
        break;
      }
      ++m_pos;
    }
    if (m_pos >= m_end) {
      return false;
    }
    const unsigned char c = at(m_pos);
    if (c == '#') {
      comment(true);
      return false;
    }
    if (c == '\n' || c == '\r') {
      skip_newline();
      return false;
    }
    const Span where{line_start, m_pos};
    auto [top, alt_top] = m_indents.back();
    if (col == top) {
      if (alt_col != alt_top) {
        fail("inconsistent use of tabs and spaces in indentation", where);
      }
    } else if (col > top) {
      if (alt_col <= alt_top) {
        fail("inconsistent use of tabs and spaces in indentation", where);
      } else if (m_indents.size() > static_cast<std::size_t>(k_max_indent_depth)) {
        fail("too many levels of indentation", where);
      } else {
        m_indents.push_back({col, alt_col});
        push(TokenKind::indent, where);
      }
    } else {
      while (m_indents.size() > 1 && col < m_indents.back().first) {
        m_indents.pop_back();
        push(TokenKind::dedent, {m_pos, m_pos});
      }
      if (col != m_indents.back().first) {
        fail("unindent does not match any outer indentation level", where);
      } else if (alt_col != m_indents.back().second) {
        fail("inconsistent use of tabs and spaces in indentation", where);
      }
    }
    return true;
  }

  void comment(bool own_line)
  {
    const std::uint32_t start = m_pos;
    while (m_pos < m_end && at(m_pos) != '\n' && at(m_pos) != '\r') {
      ++m_pos;
    }
    m_out.comments.push_back(Comment{{start, m_pos}, own_line});
  }

  void continuation()
  {
    if (m_expression) {
      fail("f-string expression part cannot include a backslash", {m_pos, m_pos + 1});
    } else if (m_pos + 1 >= m_end) {
      fail("unexpected end of file after line continuation character", {m_pos, m_pos + 1});
    } else if (!is_newline_at(m_pos + 1)) {
      fail("unexpected character after line continuation character", {m_pos, m_pos + 1});
    } else {
      ++m_pos;
      skip_newline();
    }
  }

  void identifier()
  {
    const std::uint32_t start = m_pos;
    while (m_pos < m_end && is_ident_char(at(m_pos))) {
      ++m_pos;
    }
    const std::string_view word = m_src.substr(start, m_pos - start);
    if (m_pos < m_end && (at(m_pos) == '"' || at(m_pos) == '\'') && is_string_prefix(word)) {
      string(start, m_pos);
      return;
    }
    push(TokenKind::name, {start, m_pos}, keyword_of(word));
  }

  void digits()
  {
    while (m_pos < m_end && (is_digit(at(m_pos)) || at(m_pos) == '_')) {
      ++m_pos;
    }
  }

  void number()
  {
    const std::uint32_t start = m_pos;
    const unsigned char c1 = m_pos + 1 < m_end ? (at(m_pos + 1) | 0x20) : 0;
    if (at(m_pos) == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
      m_pos += 2;
      while (m_pos < m_end && is_ident_char(at(m_pos)) && at(m_pos) < 0x80) {
        ++m_pos;
      }
    } else {
      digits();
      if (m_pos < m_end && at(m_pos) == '.') {
        ++m_pos;
        digits();
      }
      if (m_pos < m_end && (at(m_pos) | 0x20) == 'e') {
        std::uint32_t p = m_pos + 1;
        if (p < m_end && (at(p) == '+' || at(p) == '-')) {
          ++p;
        }
        if (p < m_end && is_digit(at(p))) {
          m_pos = p;
          digits();
        }
      }
      if (m_pos < m_end && (at(m_pos) | 0x20) == 'j') {
        ++m_pos;
      }
      if (m_pos < m_end && is_ident_char(at(m_pos))) {
        fail("invalid decimal literal", {start, m_pos + 1});
        return;
      }
    }
    push(TokenKind::number, {start, m_pos});
  }

  // `start` is where the prefix begins, `quote` the opening quote.
  void string(std::uint32_t start, std::uint32_t quote)
  {
    const StringScan scan = scan_string_literal(m_src, m_src.substr(start, quote - start), quote, m_end);
    if (!scan.error.empty()) {
      const bool triple = scan.error.starts_with("unterminated triple");
      fail(scan.error, triple ? Span{start, quote + 3} : Span{start, scan.end});
      m_pos = triple ? m_end : scan.end;
      return;
    }
    m_pos = scan.end;
    push(TokenKind::string, {start, scan.end});
  }

  void op()
  {
    const unsigned char c = at(m_pos);
    const unsigned char c1 = m_pos + 1 < m_end ? at(m_pos + 1) : 0;
    const unsigned char c2 = m_pos + 2 < m_end ? at(m_pos + 2) : 0;
    // Longest match by the first byte: `**=` before `**` before `*`.
    std::uint32_t length = 1;
    switch (c) {
    case '*': case '/': case '<': case '>': // ** // << >>, their `=` forms, *= /= <= >=
      if (c1 == c) {
        length = c2 == '=' ? 3 : 2;
      } else if (c1 == '=') {
        length = 2;
      }
      break;
    case '-': length = c1 == '=' || c1 == '>' ? 2 : 1; break;
    case '.': length = c1 == '.' && c2 == '.' ? 3 : 1; break;
    case '+': case '%': case '&': case '|': case '^': case '@': case '=': case '!': case ':':
      length = c1 == '=' ? 2 : 1;
      break;
    default: break;
    }
    if (length > 1) {
      push_op({m_pos, m_pos + length});
      m_pos += length;
      return;
    }
    const Span span{m_pos, m_pos + 1};
    switch (c) {
    case '(':
    case '[':
    case '{':
      if (m_brackets.size() >= static_cast<std::size_t>(k_max_bracket_depth)) {
        fail("too many nested parentheses", span);
        return;
      }
      m_brackets.push_back(m_pos);
      break;
    case ')':
    case ']':
    case '}': {
      if (m_brackets.empty()) {
        fail(std::string("unmatched '") + static_cast<char>(c) + "'", span);
        return;
      }
      const unsigned char open = at(m_brackets.back());
      const unsigned char expected = open == '(' ? ')' : open == '[' ? ']' : '}';
      if (c != expected) {
        fail(std::string("closing parenthesis '") + static_cast<char>(c) +
               "' does not match opening parenthesis '" + static_cast<char>(open) + "'",
             span);
        return;
      }
      m_brackets.pop_back();
      break;
    }
    case '+': case '-': case '*': case '/': case '%': case '@': case '&': case '|':
    case '^': case '~': case '<': case '>': case ',': case ':': case ';': case '.':
    case '=':
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        fail("invalid non-printable character in source", span);
      } else {
        fail(std::string("invalid character '") + static_cast<char>(c) + "'", span);
      }
      return;
    }
    push_op(span);
    ++m_pos;
  }

  void push_op(Span span)
  {
    push(TokenKind::op, span);
    m_out.tokens.back().op = op_code(m_src.substr(span.begin, span.end - span.begin));
  }

  // Ends the tokens of a module (or of one range): open brackets are an error, then the
  // last NEWLINE and the DEDENTs back to column 0.
  void close()
  {
    const Span eof{m_end, m_end};
    if (!m_out.error && !m_brackets.empty()) {
      const std::uint32_t open = m_brackets.back();
      std::string message = "' was never closed";
      message.insert(message.begin(), static_cast<char>(at(open)));
      message.insert(message.begin(), '\'');
      fail(std::move(message), {open, open + 1});
    }
    if (!m_out.error && !m_expression) {
      if (m_line_has_tokens) {
        push(TokenKind::newline, eof);
      }
      for (std::size_t i = 1; i < m_indents.size(); ++i) {
        push(TokenKind::dedent, eof);
      }
    }
  }

  std::string_view m_src;
  std::uint32_t m_pos;
  std::uint32_t m_end;
  bool m_expression;
  bool m_line_has_tokens = false;
  TokenizeResult m_out;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> m_indents; // (col, alt_col)
  std::vector<std::uint32_t> m_brackets; // offsets of the open brackets
};

} // namespace

Keyword keyword_of(std::string_view word)
{
  if (word.size() < 2 || word.size() > 8) {
    return Keyword::none;
  }
  // Most names are not keywords, and those that could be share their first byte with a
  // handful of keywords at most.
  const auto first = static_cast<unsigned char>(word[0]);
  if (first >= k_keywords_by_first.size()) {
    return Keyword::none;
  }
  const auto [begin, end] = k_keywords_by_first[first];
  for (std::size_t i = begin; i < end; ++i) {
    if (k_keywords[i].text == word) {
      return k_keywords[i].keyword;
    }
  }
  return Keyword::none;
}

TokenizeResult tokenize(std::string_view source)
{
  // Spans are 32-bit; a larger "revision file" is not one.
  if (source.size() > 0xFFFFFFF0u) {
    TokenizeResult out;
    out.error = SyntaxError{"file too large", {0, 0}};
    out.tokens.push_back(Token{});
    return out;
  }
  return Tokenizer(source, 0, static_cast<std::uint32_t>(source.size()), false).run();
}

TokenizeResult tokenize_lines(std::string_view source, std::span<const Span> ranges)
{
  std::uint32_t length = 0;
  for (const Span& range : ranges) {
    length += range.end - range.begin;
  }
  Tokenizer tokenizer(source, 0, length, false);
  return tokenizer.run_lines(ranges);
}

TokenizeResult tokenize_expression(std::string_view source, std::uint32_t begin,
                                   std::uint32_t end)
{
  return Tokenizer(source, begin, end, true).run();
}

} // namespace miglint::python
