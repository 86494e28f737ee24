// Python source -> syntax tree (python/ast.hpp), for revision files and the evaluator.
#pragma once

#include "python/ast.hpp"
#include "python/syntax_error.hpp"
#include "python/tokenizer.hpp"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace miglint::python {

// Nesting budget of the recursive-descent parser: brackets, blocks, unary operators and
// long operator/attribute chains all spend it, so no input can exhaust the stack and
// every tree is at most this deep. Exceeding it is a SyntaxError, never a crash.
inline constexpr int k_max_nesting = 1000;

struct ParseResult {
  NodeArena arena;                // the memory of every node below: declared first, freed last
  Module module;                  // partial (possibly empty) when there is an error
  std::vector<Comment> comments;  // every `#` comment, in source order
  std::optional<SyntaxError> error;

  bool ok() const { return !error.has_value(); }
};

// Parses a module, as `compile(source, path, "exec")` would (Python 3.9 grammar, plus
// the 3.10 parenthesized `with` items; no `match`). Stops at the first error, never throws.
// Spans index `source`; the caller keeps the source alive to read text through them.
ParseResult parse_module(std::string_view source);

// Parses only the statements inside `ranges`, as tokenize_lines() reads them: runs of
// whole top-level logical lines, in source order. The statements and their spans are
// those parse_module() gives for the same lines; what lies between the ranges is never
// looked at, so errors there are not reported.
ParseResult parse_module_lines(std::string_view source, std::span<const Span> ranges);

struct ExpressionResult {
  NodeArena arena; // the memory of the nodes of `expr`
  ExprPtr expr;    // null when there is an error
  std::optional<SyntaxError> error;
};

// Parses one expression, as `eval` mode would (surrounding whitespace and newlines allowed).
ExpressionResult parse_expression(std::string_view source);

} // namespace miglint::python
