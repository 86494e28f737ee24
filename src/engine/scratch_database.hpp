// The database verify's round trips run on, behind what the round trip needs of it:
// snapshots of the schema and their differences, sample rows and their digests. One
// implementation per database (sqlite_scratch, postgres_scratch); the round trip itself
// (round_trip.cpp) does not know which one it has.
#pragma once

#include "db/dialect.hpp"
#include "db/version_store.hpp"
#include "engine/body_runner.hpp"
#include "model/result.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::engine {

class ScratchDatabase {
public:
  // A schema as a snapshot saw it, and every table's rows at some point; what they hold
  // is the implementation's business.
  struct Schema {
    virtual ~Schema() = default;
  };
  struct Rows {
    virtual ~Rows() = default;
  };
  using SchemaPtr = std::shared_ptr<const Schema>;
  using RowsPtr = std::shared_ptr<const Rows>;

  virtual ~ScratchDatabase() = default;

  virtual db::VersionStore& versions() = 0;
  // Runs miglint's own statements (SAVEPOINT, RELEASE, ROLLBACK TO, DELETE FROM).
  virtual model::Result<void> exec(std::string_view sql) = 0;
  // What a revision's body runs with (its statements go to `sink`).
  virtual RunContext run_context(StatementSink& sink) = 0;
  virtual StatementSink& sink() = 0;

  virtual model::Result<SchemaPtr> snapshot() = 0;
  virtual SchemaPtr empty_schema() const = 0;
  // How `got` differs from `want`, one line per difference ("table \"t\" is missing").
  virtual std::vector<std::string> differences(const Schema& want, const Schema& got) const = 0;
  // Differences that do not change how the database behaves: column order (MG309) and,
  // on SQLite, PRAGMA user_version (MG310: "leaves PRAGMA user_version at 3, expected 2").
  virtual std::vector<std::string> column_order_differences(const Schema& want,
                                                            const Schema& got) const = 0;
  virtual std::optional<std::string> user_version_difference(const Schema& want,
                                                             const Schema& got) const = 0;

  // Before an upgrade: tops the tables of `schema` up to `target_rows` sample rows; the
  // notes say which tables refused them.
  virtual model::Result<std::vector<std::string>> seed(const Schema& schema,
                                                       std::size_t target_rows) = 0;
  // Every table's rows now.
  virtual model::Result<RowsPtr> rows_now(const Schema& schema) = 0;
  // The same tables, with no rows.
  virtual RowsPtr emptied(const Rows& rows) const = 0;
  virtual std::vector<std::string> populated_tables(const Rows& rows) const = 0;
  // Deletes every row of the tables populated_tables named.
  virtual model::Result<void> delete_rows(const std::vector<std::string>& tables) = 0;
  // Where a real migration would commit a revision: runs what COMMIT checks (PostgreSQL's
  // deferred constraints); the Error is the violation.
  virtual model::Result<void> end_of_revision() { return {}; }
  // Before a revision runs, with no savepoint open: makes the rows there so far permanent,
  // as a real database's rows were committed before the migration (PostgreSQL treats rows
  // its own transaction wrote differently: updating them queues deferred checks).
  virtual model::Result<void> checkpoint() { return {}; }
  // One line per table whose rows (as `rows_before` had them) did not all come back now.
  virtual model::Result<std::vector<std::string>>
  row_differences(const Rows& rows_before, const Schema& before, const Schema& after,
                  const Schema& now) = 0;
  // Forgets what is known of the rows of the tables written since the last call.
  virtual void forget_writes(const Schema& schema) = 0;
};

} // namespace miglint::engine
