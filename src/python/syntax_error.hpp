// The one error the Python front end reports: a message and the bytes it is about.
#pragma once

#include "model/source.hpp"

#include <string>

namespace miglint::python {

using model::Span;

// A tokenizer or parser error. The front end stops at the first one; callers turn it
// into a diagnostic (line and column come from the span through a LineIndex).
struct SyntaxError {
  std::string message; // lower case, no trailing period, like CPython's wording
  Span span;
};

} // namespace miglint::python
