// Translates SQLite result codes into model::Error, once, for the whole sqlite/ folder.
#pragma once

#include "model/result.hpp"

#include <string>
#include <string_view>

struct sqlite3;

namespace miglint::sqlite {

// The Error for a call on `db` (may be null) that returned `rc`. The message is
// `<db_name>: <action>: <what SQLite said>`, with clearer wording for the cases users
// meet: a lock held by another process (SQLITE_BUSY after `busy_timeout_ms`), a file
// that is not a database, a corrupt database, and a read-only file.
model::Error error_from_code(sqlite3* db, int rc, std::string_view db_name, int busy_timeout_ms,
                             std::string_view action);

// A one-line excerpt of `sql` for messages: whitespace collapsed, long text shortened.
std::string sql_excerpt(std::string_view sql);

} // namespace miglint::sqlite
