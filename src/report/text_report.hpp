// GCC-style text diagnostics: `path:line:col: severity: message [rule-name]`, then notes.
#pragma once

#include "model/diagnostic.hpp"

#include <string>
#include <vector>

namespace miglint::report {

// Resolves a Location to 1-based line and column (0, 0 when it has no file or span).
model::Position position_of(const model::Location& at);

std::string render_text(const std::vector<model::Diagnostic>& diagnostics, bool color);

} // namespace miglint::report
