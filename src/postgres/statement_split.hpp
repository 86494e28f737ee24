// SQL text as PostgreSQL's own lexer divides it into statements: a `;` ends a statement
// unless it is inside a string ('...', E'...', $tag$...$tag$), a quoted name, a comment,
// parentheses, or a `BEGIN ATOMIC ... END` function body (psql's rule).
#pragma once

#include <string_view>
#include <vector>

namespace miglint::postgres {

// The statements of `sql` in order, each without its `;` and without leading blanks or
// comments; empty statements are left out.
std::vector<std::string_view> split_statements(std::string_view sql);

} // namespace miglint::postgres
