#include "sqlite/database.hpp"

#include "temp_dir.hpp"
#include "test_text.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

using namespace miglint::sqlite;
using miglint::sqlite::testing::TempDir;

using miglint::testing::contains;

namespace {

std::int64_t count_rows(Connection& db, const std::string& table)
{
  Result<Statement> stmt = db.prepare("SELECT count(*) FROM " + table);
  REQUIRE(stmt);
  Result<bool> row = stmt->step();
  REQUIRE(row);
  REQUIRE(*row);
  return stmt->column_int(0);
}

} // namespace

TEST_SUITE("sqlite::database")
{
  TEST_CASE("an in-memory database runs statements and returns rows")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    CHECK(db->name() == "in-memory database");
    REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL); "
                     "INSERT INTO t (name, score) VALUES ('a', 1.5);"));

    Result<Statement> insert = db->prepare("INSERT INTO t (name, score) VALUES (?, ?)");
    REQUIRE(insert);
    REQUIRE(insert->bind(1, std::string_view("b")));
    REQUIRE(insert->bind(2, 2.5));
    REQUIRE(insert->run());
    CHECK(db->changes() == 1);
    insert->reset();
    REQUIRE(insert->bind_null(1));
    REQUIRE(insert->bind(2, 7));
    REQUIRE(insert->run());

    Result<Statement> select = db->prepare("SELECT id, name, score FROM t ORDER BY id");
    REQUIRE(select);
    CHECK(select->column_count() == 3);
    std::vector<std::string> names;
    while (true) {
      Result<bool> row = select->step();
      REQUIRE(row);
      if (!*row) {
        break;
      }
      names.push_back(select->column_optional_text(1).value_or("<null>"));
    }
    CHECK(names == std::vector<std::string>{"a", "b", "<null>"});
    CHECK(count_rows(*db, "t") == 3);
  }

  TEST_CASE("a failing statement reports SQLite's message and the statement")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    Result<void> result = db->exec("DROP TABLE nope");
    REQUIRE_FALSE(result);
    CHECK(contains(result.error().message, "no such table: nope"));
    CHECK(contains(result.error().message, "DROP TABLE nope"));

    REQUIRE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
    REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    Result<Statement> insert = db->prepare("INSERT INTO t VALUES (1)");
    REQUIRE(insert);
    Result<void> duplicate = insert->run();
    REQUIRE_FALSE(duplicate);
    CHECK(contains(duplicate.error().message, "UNIQUE constraint failed: t.id"));
    CHECK(contains(duplicate.error().message, "SQLITE_CONSTRAINT_PRIMARYKEY"));
  }

  TEST_CASE("prepare takes exactly one statement")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    CHECK(db->prepare("SELECT 1;  ")); // a trailing separator is fine
    Result<Statement> two = db->prepare("SELECT 1; SELECT 2");
    REQUIRE_FALSE(two);
    CHECK(contains(two.error().message, "more than one statement"));
    Result<Statement> empty = db->prepare("  ");
    REQUIRE_FALSE(empty);
    CHECK(contains(empty.error().message, "empty statement"));
    Result<Statement> bad = db->prepare("SELEC 1");
    REQUIRE_FALSE(bad);
    CHECK(contains(bad.error().message, "syntax error"));
  }

  TEST_CASE("read_write_create creates the file; read_write needs it to exist")
  {
    TempDir dir;
    const auto path = dir / "app.db";
    {
      Result<Connection> created = Connection::open(path, OpenMode::read_write_create);
      REQUIRE(created);
      REQUIRE(created->exec("CREATE TABLE t (x)"));
    }
    CHECK(std::filesystem::exists(path));
    CHECK(Connection::open(path, OpenMode::read_write));

    Result<Connection> missing = Connection::open(dir / "missing.db", OpenMode::read_write);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == Error::Kind::not_found);
    CHECK(contains(missing.error().message, "missing.db: no such database file"));
    CHECK_FALSE(std::filesystem::exists(dir / "missing.db"));

    Result<Connection> missing_ro = Connection::open(dir / "missing.db", OpenMode::read_only);
    REQUIRE_FALSE(missing_ro);
    CHECK(missing_ro.error().kind == Error::Kind::not_found);

    Result<Connection> no_dir = Connection::open(dir / "nodir" / "app.db");
    REQUIRE_FALSE(no_dir);
    CHECK(no_dir.error().kind == Error::Kind::not_found);
    CHECK(contains(no_dir.error().message, "does not exist"));

    Result<Connection> directory = Connection::open(dir.path(), OpenMode::read_write);
    REQUIRE_FALSE(directory);
    CHECK(contains(directory.error().message, "is a directory"));
  }

  TEST_CASE("a file that is not a database fails at open with a clear error")
  {
    TempDir dir;
    std::string junk;
    for (int i = 0; i < 200; ++i) {
      junk += "this is certainly not an SQLite database file\n";
    }
    dir.write("junk.db", junk);
    for (OpenMode mode : {OpenMode::read_write, OpenMode::read_only, OpenMode::read_write_create}) {
      CAPTURE(static_cast<int>(mode));
      Result<Connection> db = Connection::open(dir / "junk.db", mode);
      REQUIRE_FALSE(db);
      CHECK(contains(db.error().message, "junk.db"));
      CHECK(contains(db.error().message, "file is not a database"));
    }
  }

  TEST_CASE("an empty file is an empty database")
  {
    TempDir dir;
    dir.write("empty.db", "");
    Result<Connection> db = Connection::open(dir / "empty.db", OpenMode::read_write);
    REQUIRE(db);
    CHECK(db->exec("CREATE TABLE t (x)"));
  }

  TEST_CASE("read_only refuses writes with a clear error")
  {
    TempDir dir;
    {
      Result<Connection> db = Connection::open(dir / "app.db");
      REQUIRE(db);
      REQUIRE(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"));
    }
    Result<Connection> ro = Connection::open(dir / "app.db", OpenMode::read_only);
    REQUIRE(ro);
    CHECK(ro->read_only());
    CHECK(count_rows(*ro, "t") == 1);
    Result<void> write = ro->exec("INSERT INTO t VALUES (2)");
    REQUIRE_FALSE(write);
    CHECK(contains(write.error().message, "attempt to write a readonly database"));
  }

  TEST_CASE("a write-protected file cannot be opened for writing")
  {
    if (::geteuid() == 0) {
      MESSAGE("skipped: file permissions do not bind root");
      return;
    }
    TempDir dir;
    {
      Result<Connection> db = Connection::open(dir / "app.db");
      REQUIRE(db);
      REQUIRE(db->exec("CREATE TABLE t (x)"));
    }
    std::filesystem::permissions(dir / "app.db", std::filesystem::perms::owner_read,
                                 std::filesystem::perm_options::replace);
    Result<Connection> rw = Connection::open(dir / "app.db", OpenMode::read_write);
    REQUIRE_FALSE(rw);
    CHECK(contains(rw.error().message, "read-only"));
    CHECK(Connection::open(dir / "app.db", OpenMode::read_only));
  }

  TEST_CASE("a database locked by another connection fails after the busy timeout")
  {
    TempDir dir;
    const auto path = dir / "app.db";
    Result<Connection> holder = Connection::open(path);
    REQUIRE(holder);
    REQUIRE(holder->exec("CREATE TABLE t (x)"));
    REQUIRE(holder->begin_immediate());
    REQUIRE(holder->exec("INSERT INTO t VALUES (1)"));

    Result<Connection> waiter = Connection::open(path, OpenMode::read_write, 50);
    REQUIRE(waiter); // reading is still allowed under a RESERVED lock
    CHECK(waiter->busy_timeout() == 50);
    const auto start = std::chrono::steady_clock::now();
    Result<void> begin = waiter->begin_immediate();
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(begin);
    CHECK(contains(begin.error().message, "database is locked"));
    CHECK(contains(begin.error().message, "50 ms"));
    CHECK(contains(begin.error().message, "app.db"));
    CHECK(waited >= std::chrono::milliseconds(40));

    Result<void> write = waiter->exec("INSERT INTO t VALUES (2)");
    REQUIRE_FALSE(write);
    CHECK(contains(write.error().message, "database is locked"));

    REQUIRE(holder->commit());
    REQUIRE(waiter->begin_immediate());
    REQUIRE(waiter->exec("INSERT INTO t VALUES (2)"));
    REQUIRE(waiter->commit());
    CHECK(count_rows(*holder, "t") == 2);
  }

  TEST_CASE("an exclusively locked database fails at open")
  {
    TempDir dir;
    const auto path = dir / "app.db";
    Result<Connection> holder = Connection::open(path);
    REQUIRE(holder);
    REQUIRE(holder->exec("CREATE TABLE t (x)"));
    REQUIRE(holder->exec("BEGIN EXCLUSIVE"));
    Result<Connection> other = Connection::open(path, OpenMode::read_write, 20);
    REQUIRE_FALSE(other);
    CHECK(contains(other.error().message, "database is locked"));
    REQUIRE(holder->rollback());
  }

  TEST_CASE("transactions commit, roll back, and roll back on scope exit")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE t (x)"));

    REQUIRE(db->begin_immediate());
    CHECK(db->in_transaction());
    REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    REQUIRE(db->rollback());
    CHECK_FALSE(db->in_transaction());
    CHECK(count_rows(*db, "t") == 0);
    CHECK(db->rollback()); // nothing to roll back is not an error

    {
      Result<Transaction> tx = Transaction::begin(*db);
      REQUIRE(tx);
      REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    }
    CHECK_FALSE(db->in_transaction());
    CHECK(count_rows(*db, "t") == 0);

    {
      Result<Transaction> tx = Transaction::begin(*db);
      REQUIRE(tx);
      REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
      REQUIRE(tx->commit());
    }
    CHECK(count_rows(*db, "t") == 1);

    // DDL is transactional in SQLite: a failed migration step leaves no trace.
    {
      Result<Transaction> tx = Transaction::begin(*db);
      REQUIRE(tx);
      REQUIRE(db->exec("CREATE TABLE u (y)"));
      CHECK_FALSE(db->exec("CREATE TABLE u (y)"));
    }
    CHECK_FALSE(db->exec("SELECT * FROM u"));
  }

  TEST_CASE("a connection can move while statements are open")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    Result<Statement> stmt = db->prepare("SELECT 42");
    REQUIRE(stmt);
    Connection moved = std::move(*db);
    Result<bool> row = stmt->step();
    REQUIRE(row);
    CHECK(stmt->column_int(0) == 42);
    CHECK(moved.exec("SELECT 1"));
  }

  TEST_CASE("has_table sees tables, not views, and another connection's DDL at once")
  {
    TempDir dir;
    const auto path = dir / "app.db";
    Result<Connection> mine = Connection::open(path);
    Result<Connection> theirs = Connection::open(path);
    REQUIRE(mine);
    REQUIRE(theirs);
    auto has = [&](std::string_view table, std::string_view schema = "main") {
      Result<bool> found = mine->has_table(table, schema);
      REQUIRE(found);
      return *found;
    };
    CHECK_FALSE(has("alembic_version"));
    REQUIRE(theirs->exec("CREATE TABLE alembic_version (v); CREATE VIEW v AS SELECT 1"));
    CHECK(has("ALEMBIC_VERSION"));
    CHECK_FALSE(has("v"));
    REQUIRE(mine->begin_immediate());
    REQUIRE(mine->rollback());
    REQUIRE(theirs->exec("DROP TABLE alembic_version"));
    REQUIRE(mine->begin_immediate());
    CHECK_FALSE(has("alembic_version"));
    REQUIRE(mine->rollback());
    CHECK_FALSE(has("t", "temp"));
  }

  TEST_CASE("the write log names the tables statements may change, triggers' included")
  {
    Result<Connection> db = Connection::open_memory();
    REQUIRE(db);
    REQUIRE(db->exec("CREATE TABLE Users (id INTEGER PRIMARY KEY, name TEXT);"
                     "CREATE TABLE audit (n INT); CREATE TABLE quiet (n INT);"
                     "CREATE TRIGGER t AFTER UPDATE ON Users BEGIN DELETE FROM audit; END"));
    WriteLog log;
    db->log_writes(&log);
    REQUIRE(db->exec("SELECT * FROM quiet; UPDATE Users SET name = name"));
    CHECK(log.tables == std::set<std::string>{"users", "audit"});
    CHECK(log.touched("USERS"));
    CHECK_FALSE(log.touched("quiet"));
    log.clear();
    // DDL also writes sqlite_master, which is left out: only the table it is about counts.
    REQUIRE(db->exec("CREATE INDEX ix ON quiet (n); ALTER TABLE audit ADD COLUMN m INT"));
    CHECK(log.tables == std::set<std::string>{"quiet", "audit"});
    CHECK_FALSE(log.everything);
    db->log_writes(nullptr);
    log.clear();
    REQUIRE(db->exec("DELETE FROM quiet"));
    CHECK(log.tables.empty());
  }
}
