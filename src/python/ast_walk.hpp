// Generic traversal of python/ast.hpp trees: the direct children of a node, in source
// order, so that walkers (the Alembic reader, the evaluator) only handle the nodes they
// care about and recurse through the rest.
#pragma once

#include "python/ast.hpp"

#include <functional>

namespace miglint::python {

using ExprVisitor = std::function<void(const Expr&)>;
using StmtVisitor = std::function<void(const Stmt&)>;

// Calls `on_expr` for each direct child expression of `expr` (f-string parts, call
// arguments and keyword values, comprehension targets/iterables/conditions, lambda
// defaults and body, ...).
void for_each_child(const Expr& expr, const ExprVisitor& on_expr);

// Calls `on_expr` for the expressions directly inside `stmt` (targets, values, tests,
// decorators, parameter defaults and annotations, ...) and `on_stmt` for the statements
// of its nested blocks, in source order.
void for_each_child(const Stmt& stmt, const ExprVisitor& on_expr, const StmtVisitor& on_stmt);

} // namespace miglint::python
