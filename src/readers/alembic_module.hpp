// Internal to the Alembic reader: what the module level of a revision file tells us
// (string constants, the local name of `op`, top-level functions), and body analysis.
#pragma once

#include "model/revision.hpp"
#include "python/ast.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace miglint::readers::alembic {

struct ModuleScope {
  std::string_view source;
  // `NAME = "literal"` at module level, as of the end of the module.
  std::unordered_map<std::string, std::string> constants;
  std::vector<std::string> op_names{"op"}; // `from alembic import op as X` adds X
  std::unordered_map<std::string, const python::FunctionDef*> functions; // last def wins

  bool is_op(std::string_view name) const;
  // The value of a string literal, or of a Name bound to a module-level string constant.
  std::optional<std::string> string_value(const python::Expr& expr) const;
};

// Where a module's top-level simple statements are (docstring, imports, assignments),
// found by scanning bytes (alembic_scan.cpp) instead of tokenizing function bodies.
struct TopLevelScan {
  bool ok = false; // false: the scan met something it cannot vouch for; parse the file
  // Runs of whole top-level logical lines holding only simple statements, in order, for
  // python::parse_module_lines(); compound statements and their blocks lie between them.
  std::vector<model::Span> simple;
  bool first_is_compound = false; // the first statement is a def/class/if/...: no docstring
};
TopLevelScan scan_top_level(std::string_view source);

// upgrade()/downgrade(): spans, does_nothing, raises, and the op.* steps (following calls
// to module-level helper functions once each).
model::Body analyse_body(const python::Stmt& def, const ModuleScope& scope);

} // namespace miglint::readers::alembic
