// Whether a revision file's bytes are text its loader can decode at all. Python refuses a
// source file with a NUL byte, and decodes it as UTF-8 unless a PEP 263 declaration on
// line 1 or 2 names another encoding; the SQL format is UTF-8 without NUL bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace miglint::readers {

struct EncodingProblem {
  std::size_t offset = 0; // of the first byte that cannot be decoded
  std::string message;    // names the byte and its offset
};

// As Python 3 decodes a module: NUL bytes anywhere are refused; a UTF-8 BOM or no coding
// declaration means UTF-8 (checked strictly, as Python's decoder does); `latin-1` and
// its aliases take every byte; `ascii` takes bytes below 0x80; any other declared
// encoding is taken on trust.
std::optional<EncodingProblem> python_encoding_problem(std::string_view bytes);

// A native SQL revision: UTF-8 (with or without a BOM) and no NUL bytes.
std::optional<EncodingProblem> sql_encoding_problem(std::string_view bytes);

} // namespace miglint::readers
