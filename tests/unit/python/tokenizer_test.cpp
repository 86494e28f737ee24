#include "model/source.hpp"
#include "python/tokenizer.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace miglint;
using namespace miglint::python;

namespace {

std::string kinds(const TokenizeResult& r)
{
  std::string out;
  for (const Token& t : r.tokens) {
    switch (t.kind) {
    case TokenKind::name: out += 'n'; break;
    case TokenKind::number: out += '1'; break;
    case TokenKind::string: out += 's'; break;
    case TokenKind::op: out += 'o'; break;
    case TokenKind::newline: out += ';'; break;
    case TokenKind::indent: out += '>'; break;
    case TokenKind::dedent: out += '<'; break;
    case TokenKind::end_of_file: out += '$'; break;
    }
  }
  return out;
}

std::uint32_t error_line(const std::string& src, const TokenizeResult& r)
{
  REQUIRE(r.error);
  return model::LineIndex(src).position(r.error->span.begin).line;
}

} // namespace

TEST_SUITE("python::tokenizer")
{
  TEST_CASE("strings of every quoting are single tokens")
  {
    const std::string src = R"(a = 'x' "y" '''t
r''' """q""" r'\'' Rb"\d" fr'{x}' u'u' b'\x00' rB'' BR"")";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "nosssssssssss;$");
    CHECK(text_of(src, r.tokens[4].span) == "'''t\nr'''");
    CHECK(text_of(src, r.tokens[6].span) == R"(r'\'')");
  }

  TEST_CASE("keywords are classified and operators take the longest match")
  {
    const std::string src = "if x not in y: z **= 2 // 3 ... -> :=\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(r.tokens[0].keyword == Keyword::if_);
    CHECK(r.tokens[1].keyword == Keyword::none);
    CHECK(r.tokens[2].keyword == Keyword::not_);
    CHECK(r.tokens[3].keyword == Keyword::in);
    CHECK(text_of(src, r.tokens[7].span) == "**=");
    CHECK(text_of(src, r.tokens[9].span) == "//");
    CHECK(text_of(src, r.tokens[11].span) == "...");
    CHECK(text_of(src, r.tokens[12].span) == "->");
    CHECK(text_of(src, r.tokens[13].span) == ":=");
  }

  TEST_CASE("numbers in every notation")
  {
    const std::string src = "0x_FF 0o17 0b1010 1_000 3.14 .5 1e-3 2J 10.\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "111111111;$");
    CHECK(text_of(src, r.tokens[6].span) == "1e-3");
  }

  TEST_CASE("indentation produces INDENT and DEDENT, blank and comment lines do not")
  {
    const std::string src = "def f():\n    x = 1\n\n  # comment\n    if x:\n        y\nz\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "nnooo;>no1;nno;>n;<<n;$");
    REQUIRE(r.comments.size() == 1);
    CHECK(r.comments[0].own_line);
    CHECK(text_of(src, r.comments[0].span) == "# comment");
  }

  TEST_CASE("brackets spanning lines and backslash continuations join lines")
  {
    const std::string src = "x = (1,\n  2\n    )\ny = 1 + \\\n 2\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "noo1o1o;no1o1;$");
  }

  TEST_CASE("a tab indents to the next multiple of 8 and mixing inconsistently is an error")
  {
    const std::string ok = "if x:\n\ty = 1\n\tz = 2\n";
    CHECK_FALSE(tokenize(ok).error);
    const std::string bad = "if x:\n        y = 1\n\tz = 2\n";
    const TokenizeResult r = tokenize(bad);
    REQUIRE(r.error);
    CHECK(r.error->message == "inconsistent use of tabs and spaces in indentation");
    CHECK(error_line(bad, r) == 3);
  }

  TEST_CASE("a dedent to an unknown level is an error on its line")
  {
    const std::string src = "if x:\n    y = 1\n  z = 2\n";
    const TokenizeResult r = tokenize(src);
    CHECK(r.error->message == "unindent does not match any outer indentation level");
    CHECK(error_line(src, r) == 3);
  }

  TEST_CASE("CRLF, lone CR and a BOM are accepted")
  {
    const std::string crlf = "\xEF\xBB\xBFx = 1\r\nif x:\r\n    y = '''a\r\nb'''\r\n";
    const TokenizeResult r = tokenize(crlf);
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "no1;nno;>nos;<$");
    CHECK(r.tokens[0].span.begin == 3);
    const TokenizeResult cr = tokenize("x = 1\ry = 2\r");
    REQUIRE_FALSE(cr.error);
    CHECK(kinds(cr) == "no1;no1;$");
  }

  TEST_CASE("non-UTF-8 bytes in strings and comments are kept")
  {
    const std::string src = "x = '\xff\xfe' # \xc3\x28 bad\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE_FALSE(r.error);
    CHECK(text_of(src, r.tokens[2].span) == "'\xff\xfe'");
    CHECK(text_of(src, r.comments[0].span) == "# \xc3\x28 bad");
  }

  TEST_CASE("an unterminated single-quoted string is reported on its line")
  {
    const std::string src = "x = 1\ny = 'abc\nz = 2\n";
    const TokenizeResult r = tokenize(src);
    CHECK(r.error->message == "unterminated string literal");
    CHECK(error_line(src, r) == 2);
    CHECK(r.tokens.back().kind == TokenKind::end_of_file);
  }

  TEST_CASE("an unterminated triple-quoted string is reported where it starts")
  {
    const std::string src = "x = 1\n\ny = \"\"\"abc\nmore\n";
    const TokenizeResult r = tokenize(src);
    CHECK(r.error->message == "unterminated triple-quoted string literal");
    CHECK(error_line(src, r) == 3);
  }

  TEST_CASE("unbalanced brackets are reported at the offending bracket")
  {
    const std::string never = "x = [1,\n  (2,\n";
    TokenizeResult r = tokenize(never);
    CHECK(r.error->message == "'(' was never closed");
    CHECK(error_line(never, r) == 2);
    const std::string mismatch = "x = [1,\n 2)\n";
    r = tokenize(mismatch);
    CHECK(r.error->message == "closing parenthesis ')' does not match opening parenthesis '['");
    CHECK(error_line(mismatch, r) == 2);
    const std::string unmatched = "\n\nx = 1)\n";
    r = tokenize(unmatched);
    CHECK(r.error->message == "unmatched ')'");
    CHECK(error_line(unmatched, r) == 3);
  }

  TEST_CASE("10,000 open brackets stop at the nesting limit")
  {
    const std::string src = "x = " + std::string(10000, '(');
    const TokenizeResult r = tokenize(src);
    CHECK(r.error->message == "too many nested parentheses");
    CHECK(r.error->span.begin == 4 + k_max_bracket_depth);
  }

  TEST_CASE("stray characters and a bad continuation are errors")
  {
    TokenizeResult r = tokenize("x = 1\ny = $\n");
    CHECK(r.error->message == "invalid character '$'");
    r = tokenize("x = 1 \\ y\n");
    CHECK(r.error->message == "unexpected character after line continuation character");
    r = tokenize("x = 1 \\");
    CHECK(r.error->message == "unexpected end of file after line continuation character");
    r = tokenize("x = 12abc\n");
    CHECK(r.error->message == "invalid decimal literal");
  }

  TEST_CASE("an empty file has only the end token")
  {
    const TokenizeResult r = tokenize("");
    REQUIRE_FALSE(r.error);
    CHECK(kinds(r) == "$");
    CHECK(kinds(tokenize("\n\n   \n# c\n")) == "$");
  }
}
