// RAII wrapper over an sqlite3 connection and its prepared statements.
// This folder is the only place that includes <sqlite3.h>; headers forward-declare its handles.
#pragma once

#include "model/result.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace miglint::sqlite {

using model::Error;
using model::Result;

// How a database file is opened.
//   read_write_create: create the file if it does not exist (upgrade, stamp);
//   read_write:        the file must exist (a missing file is an Error of kind not_found);
//   read_only:         the file must exist; writes fail with "attempt to write a readonly
//   database"; memory:            a private in-memory database; the path is ignored.
enum class OpenMode { read_write_create, read_write, read_only, memory };

inline constexpr int k_default_busy_timeout_ms = 5000;

class Connection;

// What the statements prepared on a connection may change, as SQLite's authorizer reports
// them at prepare time (so also the statements of the triggers they fire): the tables they
// write rows of (INSERT, UPDATE, DELETE) and those whose definition, indexes or triggers they
// create, alter or drop (SQLite's own tables, sqlite_master included, are left out).
// `everything` when a statement may change what no table name says (a virtual table, ATTACH).
struct WriteLog {
  std::set<std::string> tables; // lower-cased
  bool everything = false;

  bool touched(std::string_view table) const;
  void clear()
  {
    tables.clear();
    everything = false;
  }
};

// A callback with sqlite3_set_authorizer's signature.
using Authorizer = int (*)(void* data, int action, const char* arg1, const char* arg2,
                           const char* database, const char* trigger);

// A prepared statement. Bind indexes are 1-based (SQLite's), column indexes 0-based.
// step() yields true while a row is available and false once the statement is done.
// Errors carry sqlite3_errmsg and the statement text.
class Statement {
public:
  Statement() = default;

  Result<void> bind(int index, std::string_view text);
  Result<void> bind(int index, std::int64_t value);
  Result<void> bind(int index, int value) { return bind(index, std::int64_t{value}); }
  Result<void> bind(int index, double value);
  Result<void> bind_null(int index);

  Result<bool> step();
  // Steps until the statement is done, ignoring any rows.
  Result<void> run();
  // Makes the statement runnable again and clears its bindings.
  void reset();

  int column_count() const;
  bool column_is_null(int column) const;
  std::string column_text(int column) const; // "" for NULL
  std::optional<std::string> column_optional_text(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  // SQLite's storage class of a column of the current row, and the column's name as
  // the statement names it (what Python's sqlite3 puts in cursor.description).
  enum class Storage { integer, real, text, blob, null };
  Storage column_storage(int column) const;
  std::string column_name(int column) const;

  std::string sql() const;
  bool valid() const { return m_stmt != nullptr; }

private:
  friend class Connection;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  Statement(sqlite3_stmt* stmt, std::string db_name, int busy_timeout_ms);

  Error failure(int rc, std::string_view action) const;

  std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
  // Copied rather than pointing at the Connection, which may move.
  std::string m_db_name;
  int m_busy_timeout_ms = 0;
};

// An open database. Move-only; closing happens in the destructor (sqlite3_close_v2).
// Every failure is returned as an Error whose message names the database and quotes
// SQLite's own message, e.g. `app.db: database is locked (gave up after 5000 ms)`.
class Connection {
public:
  // Opens `path` in `mode` and reads its schema once, so that a file which is not a
  // database, or a database locked exclusively by another process, fails here rather
  // than at the first statement. `busy_timeout_ms` is how long a statement waits for
  // another connection's lock before failing with "database is locked".
  static Result<Connection> open(const std::filesystem::path& path,
                                 OpenMode mode = OpenMode::read_write_create,
                                 int busy_timeout_ms = k_default_busy_timeout_ms);
  static Result<Connection> open_memory();

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // Runs one or more `;`-separated statements with no parameters.
  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);

  // Whether `schema` has a table (not a view) named `table`, compared without case as
  // SQLite resolves names. Answered from the connection's parsed schema (brought up to
  // date first): unlike a query on sqlite_master, which SQLite can only scan, it costs
  // no more on a large schema.
  Result<bool> has_table(std::string_view table, std::string_view schema = "main");

  // Replaces this database's content with `source`'s, page by page (SQLite's backup API):
  // verify starts its scratch database from a copy of an existing one, never writing it.
  Result<void> copy_from(Connection& source);

  // BEGIN IMMEDIATE takes the write lock up front, so a concurrent writer makes it
  // wait (busy timeout) and then fail, instead of failing half way through a migration.
  Result<void> begin_immediate();
  Result<void> commit();
  Result<void> rollback();
  bool in_transaction() const;

  Result<void> set_busy_timeout(int milliseconds);
  int busy_timeout() const { return m_busy_timeout_ms; }

  // Writes every statement the connection runs to `out` as it starts, with its bound
  // values in place and a `;`, so that the output replays in the sqlite3 shell
  // (statements inside triggers are not repeated). nullptr stops it.
  void echo_statements(std::FILE* out);

  // Records in `log` what every statement prepared from now on may change; nullptr stops.
  void log_writes(WriteLog* log);
  // The one authorizer a connection has beside the write log (nullptr: none). SQLITE_DENY
  // from it refuses the statement.
  void set_authorizer(Authorizer authorizer, void* data);

  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  // Whether the database is open read-only (by request or because the file is).
  bool read_only() const;
  // The path as given, or ":memory:".
  const std::string& name() const { return m_name; }

  // Builds the Error for a failed call on this connection from `rc`, the connection's
  // sqlite3_errmsg and its extended error code. `action` says what was attempted
  // ("cannot open", "cannot run `DROP TABLE t`"); it may be empty.
  Error error_from(int rc, std::string_view action) const;

  sqlite3* handle() const { return m_db.get(); }

private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Connection() = default;

  struct AuthorizerHooks {
    WriteLog* log = nullptr;
    Authorizer authorizer = nullptr;
    void* data = nullptr;
  };
  void install_authorizer();

  std::unique_ptr<sqlite3, Closer> m_db;
  // On the heap: SQLite keeps its address, which must survive moving the Connection.
  std::unique_ptr<AuthorizerHooks> m_hooks = std::make_unique<AuthorizerHooks>();
  std::string m_name;
  int m_busy_timeout_ms = k_default_busy_timeout_ms;
};

// Rolls back on destruction unless commit() succeeded. Obtain one with begin().
class Transaction {
public:
  static Result<Transaction> begin(Connection& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<void> commit();
  Result<void> rollback();

private:
  explicit Transaction(Connection& db) : m_db(&db) {}
  Connection* m_db = nullptr;
};

} // namespace miglint::sqlite
