// Python string literals: prefix flags and escape decoding, shared by the parser
// (Constant values, f-string literal parts) and anyone who needs a token's value.
#pragma once

#include "model/source.hpp"

#include <string>
#include <string_view>

namespace miglint::python {

using model::Span;

struct StringLiteral {
  bool raw = false;
  bool bytes = false;
  bool format = false; // f-string
  bool triple = false;
  Span body; // between the quotes
};

// Splits one string token (prefix, quotes, body). The token must come from the tokenizer.
StringLiteral split_string_token(std::string_view source, Span token);

// Appends the value of `body` to `out`. Line endings become \n, as Python reads source.
// Unless `raw`: \n \t \\ \' \" \a \b \f \v \r, \ooo and \xHH are decoded, and for str also
// \uXXXX and \UXXXXXXXX (as UTF-8); \N{...} and unknown escapes are kept as written.
// Bytes that are not valid UTF-8 are copied unchanged.
void decode_string_body(std::string_view body, bool raw, bool bytes, std::string& out);

// Where the string literal whose opening quote is at `quote` ends: one past its closing
// quote. `prefix` is the text before the quote ("f", "rb", ""). In an f-string, replacement
// fields may hold strings with any quotes, nested f-strings and line breaks (Python 3.12).
// On error `end` is where scanning stopped and `error` says why.
struct StringScan {
  std::uint32_t end = 0;
  std::string error;
};
StringScan scan_string_literal(std::string_view source, std::string_view prefix,
                               std::uint32_t quote, std::uint32_t limit);

// Appends the UTF-8 encoding of a code point (invalid ones as U+FFFD).
void append_utf8(std::uint32_t code_point, std::string& out);

} // namespace miglint::python
