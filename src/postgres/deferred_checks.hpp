// The checks of deferred constraints that COMMIT would run, run now inside verify's one
// long transaction: where a real migration commits (after each revision; before it, for
// rows already there), pending checks must not linger (PostgreSQL refuses to ALTER a table
// with pending trigger events) and a violation must show where the commit would fail.
#pragma once

#include "model/result.hpp"
#include "postgres/connection.hpp"

namespace miglint::postgres {

// Runs the pending checks (an Error carries the violation in the server's words), then
// puts the constraints that are deferred by default back into deferred mode.
model::Result<void> run_deferred_checks(Connection& db);

} // namespace miglint::postgres
