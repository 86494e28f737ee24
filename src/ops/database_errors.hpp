// Which `except` clauses can catch the error a failed SQL statement raises in Alembic.
// SQLite's failures reach a revision as SQLAlchemy's wrappers of pysqlite's errors:
// OperationalError (most: no such table, syntax), IntegrityError (constraints, type
// mismatch), DataError, InternalError or plain DatabaseError, all DatabaseErrors. A
// handler for a class that is none of those and none of their bases (ProgrammingError,
// psycopg2's errors, KeyError, ...) lets the failure through, exactly as in Python.
#pragma once

#include <string>

namespace miglint::ops {

// `path` is the handler's class as imported ("sqlalchemy.exc.ProgrammingError",
// "psycopg2.errors.DuplicateColumn") or a builtin's name ("builtins.KeyError"). True when
// the class is known not to catch a DatabaseError; false when it may (bases such as
// Exception, sqlalchemy.exc.DBAPIError) or is not known.
bool cannot_catch_database_error(const std::string& path);

} // namespace miglint::ops
