// Python tokens: enough of CPython's tokenizer for revision files (strings of every
// quoting, numbers, operators, INDENT/DEDENT, comments), without decoding anything.
#pragma once

#include "python/syntax_error.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace miglint::python {

enum class TokenKind : std::uint8_t {
  name,       // identifier, keywords included (see Token::keyword)
  number,     // 42, 0x_ff, 1_000.5e-3, 2j
  string,     // one literal with its prefix and quotes; the parser joins adjacent ones
  op,         // operator or delimiter
  newline,    // end of a logical line
  indent,
  dedent,
  end_of_file,
};

// Keywords are classified once here so the parser compares integers, not text.
enum class Keyword : std::uint8_t {
  none, false_, none_, true_, and_, as, assert_, async, await, break_, class_, continue_,
  def, del, elif, else_, except, finally, for_, from, global, if_, import, in, is, lambda,
  nonlocal, not_, or_, pass, raise, return_, try_, while_, with, yield,
};

// An operator's bytes packed into an integer (first byte lowest), so the parser compares
// one word instead of text: `tok.op == op_code("**=")`. Operators are at most 3 bytes.
constexpr std::uint32_t op_code(std::string_view op)
{
  std::uint32_t code = 0;
  for (std::size_t i = 0; i < op.size() && i < 3; ++i) {
    code |= static_cast<std::uint32_t>(static_cast<unsigned char>(op[i])) << (8 * i);
  }
  return code;
}

struct Token {
  TokenKind kind = TokenKind::end_of_file;
  Keyword keyword = Keyword::none; // for TokenKind::name only
  Span span;                       // byte range in the source; empty for indent/dedent/eof
  std::uint32_t op = 0;            // for TokenKind::op only: op_code of its text
};

// A `#` comment, without its line ending.
struct Comment {
  Span span;
  bool own_line = false; // only whitespace before it on its line
};

struct TokenizeResult {
  std::vector<Token> tokens; // always ends with end_of_file, even after an error
  std::vector<Comment> comments;
  std::optional<SyntaxError> error;
};

// Limits that keep the parser's recursion bounded (CPython uses the same values).
inline constexpr int k_max_bracket_depth = 200;
inline constexpr int k_max_indent_depth = 100;

// Tokenizes a module. A UTF-8 BOM is skipped; \n, \r\n and lone \r end lines; a tab
// advances the column to the next multiple of 8, and indentation that only agrees under
// one tab size is an error (CPython's TabError). Stops at the first error. Linear time.
TokenizeResult tokenize(std::string_view source);

// Tokenizes only the given ranges of a module, in order, as one token stream. Each range
// must hold whole logical lines that start at column 0 (no indentation, no open bracket
// or string across its ends); blank and comment lines inside a range are fine. Spans stay
// absolute. A reader uses this to read module-level statements without function bodies.
TokenizeResult tokenize_lines(std::string_view source, std::span<const Span> ranges);

// Tokenizes source[begin, end) as a bare expression (newlines are whitespace, no
// INDENT/NEWLINE), e.g. the `{...}` part of an f-string. Spans stay absolute.
TokenizeResult tokenize_expression(std::string_view source, std::uint32_t begin,
                                   std::uint32_t end);

// The keyword an identifier spells, or Keyword::none.
Keyword keyword_of(std::string_view word);

inline std::string_view text_of(std::string_view source, Span span)
{
  return source.substr(span.begin, span.end - span.begin);
}

} // namespace miglint::python
