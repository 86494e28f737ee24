// A database that `upgrade`, `downgrade`, `stamp` and `current` work on, whichever it is:
// the connection half of the seam between the engine and SQLite or PostgreSQL.
#pragma once

#include "db/dialect.hpp"
#include "db/version_store.hpp"
#include "model/result.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace miglint::sqlite {
class Connection;
}
namespace miglint::postgres {
class Connection;
}

namespace miglint::db {

// The refusal of a revision statement that begins, commits or rolls back (`keyword`), on
// any database: miglint runs each revision in a transaction with its version-table update.
model::Error transaction_end_refusal(std::string_view keyword);

class MigrationTarget {
public:
  virtual ~MigrationTarget() = default;

  virtual Dialect dialect() const = 0;
  // The database for messages (a path, or a URL with its password hidden).
  virtual std::string name() const = 0;
  virtual VersionStore& versions() = 0;

  // Serializes migrations of this database between processes for as long as the target is
  // open (SQLite: the write lock each step takes; PostgreSQL: an advisory lock).
  virtual model::Result<void> lock_for_migration() = 0;
  // One transaction per revision, its version change included.
  virtual model::Result<void> begin() = 0;
  virtual model::Result<void> commit() = 0;
  virtual model::Result<void> rollback() = 0;
  // Runs a statement of a revision; the Error's message is the database's own words. A
  // statement that ends the transaction miglint runs the revision in is refused.
  virtual model::Result<void> execute(std::string_view sql) = 0;
  // Writes every statement run from now on to `out` (nullptr stops), replayable by the
  // database's own shell.
  virtual void echo_statements(std::FILE* out) = 0;
  // What to tell the user after the last failure, when the database knows (a full disk).
  virtual std::string failure_advice() const { return {}; }
  // The SQLite connection, for the op interpreter's reads and reflection; null elsewhere.
  virtual sqlite::Connection* sqlite_connection() { return nullptr; }
  // The PostgreSQL connection, for the same; null elsewhere.
  virtual postgres::Connection* postgres_connection() { return nullptr; }
};

} // namespace miglint::db
