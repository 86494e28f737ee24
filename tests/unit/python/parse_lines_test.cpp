#include "model/source.hpp"
#include "python/parser.hpp"
#include "python/tokenizer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace miglint;
using namespace miglint::python;

TEST_SUITE("python::operators and ranges")
{
  TEST_CASE("every operator is one token carrying its op_code, longest match first")
  {
    const std::vector<std::string> ops = {
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==",
        "!=",  "+=",  "-=",  "*=",  "/=",  "%=", "&=", "|=", "^=", "@=", "+",  "-",  "*",  "/",
        "%",   "@",   "&",   "|",   "^",   "~",  "<",  ">",  ",",  ":",  ";",  ".",  "=",
    };
    for (const std::string& op : ops) {
      CAPTURE(op);
      const std::string src = "a " + op + " b\n";
      const TokenizeResult r = tokenize(src);
      REQUIRE(!r.error);
      REQUIRE(r.tokens.size() == 5); // name op name newline eof
      CHECK(r.tokens[1].kind == TokenKind::op);
      CHECK(text_of(src, r.tokens[1].span) == op);
      CHECK(r.tokens[1].op == op_code(op));
      CHECK(r.tokens[0].op == 0);
    }
    const std::string src = "x[1:2]**-y...\n";
    const TokenizeResult r = tokenize(src);
    REQUIRE(!r.error);
    std::vector<std::string> texts;
    for (const Token& t : r.tokens) {
      if (t.kind == TokenKind::op) {
        texts.emplace_back(text_of(src, t.span));
      }
    }
    CHECK(texts == std::vector<std::string>{"[", ":", "]", "**", "-", "..."});
    CHECK(tokenize("a ! b\n").error);
    CHECK(tokenize("a .. b\n").tokens[1].op == op_code("."));
  }

  TEST_CASE("parse_module_lines reads the statements of its ranges with absolute spans")
  {
    const std::string src = "\"\"\"doc\"\"\"\nA = 'x'\n\ndef f():\n    y = 'no'\n"
                            "    return (1,\n2)\n# c\nB = (A,\n  'z')\n";
    const ParseResult whole = parse_module(src);
    REQUIRE(whole.ok());
    REQUIRE(whole.module.body.size() == 4);
    const auto def_at = static_cast<std::uint32_t>(src.find("def"));
    const auto b_at = static_cast<std::uint32_t>(src.find("# c"));
    const std::vector<Span> ranges = {{0, def_at}, {b_at, static_cast<std::uint32_t>(src.size())}};
    const ParseResult part = parse_module_lines(src, ranges);
    REQUIRE(part.ok());
    REQUIRE(part.module.body.size() == 3);
    const std::size_t from_whole[] = {0, 1, 3};
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(part.module.body[i]->span.begin == whole.module.body[from_whole[i]]->span.begin);
      CHECK(part.module.body[i]->span.end == whole.module.body[from_whole[i]]->span.end);
    }
    CHECK(part.comments.size() == 1);
    CHECK(parse_module_lines(src, std::vector<Span>{}).module.body.empty());
    // An error in a range is reported; one between the ranges is never seen.
    const std::string broken = "A = 1\ndef f(:\n    pass\nB = (\n";
    const auto f_at = static_cast<std::uint32_t>(broken.find("def"));
    const auto b2_at = static_cast<std::uint32_t>(broken.find("B ="));
    CHECK(parse_module_lines(broken, std::vector<Span>{{0, f_at}}).ok());
    CHECK(!parse_module_lines(broken,
                              std::vector<Span>{{b2_at, static_cast<std::uint32_t>(broken.size())}})
               .ok());
  }
}
