#include "sqlite/version_table.hpp"
#include "test_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace miglint::sqlite;

using miglint::testing::contains;

namespace {

using Heads = std::vector<std::string>;

Connection memory_db()
{
  Result<Connection> db = Connection::open_memory();
  REQUIRE(db);
  return std::move(*db);
}

Heads heads_of(VersionTable& table)
{
  Result<Heads> heads = table.heads();
  REQUIRE_MESSAGE(heads, (heads ? std::string() : heads.error().message));
  return *heads;
}

std::string stored_sql(Connection& db, const std::string& name)
{
  Result<Statement> stmt = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?");
  REQUIRE(stmt);
  REQUIRE(stmt->bind(1, name));
  Result<bool> row = stmt->step();
  REQUIRE(row);
  return *row ? stmt->column_text(0) : std::string();
}

} // namespace

TEST_SUITE("sqlite::version_table")
{
  TEST_CASE("an unstamped database has no heads and no table")
  {
    Connection db = memory_db();
    VersionTable table(db);
    CHECK(heads_of(table).empty());
    Result<bool> exists = table.exists();
    REQUIRE(exists);
    CHECK_FALSE(*exists);
    CHECK(table.clear());
  }

  TEST_CASE("the table is created with Alembic's DDL, byte for byte")
  {
    Connection db = memory_db();
    VersionTable table(db);
    REQUIRE(table.create_if_missing());
    REQUIRE(table.create_if_missing()); // idempotent
    // What sqlite_master holds after Alembic 1.8 / SQLAlchemy 1.4 creates it.
    CHECK(stored_sql(db, "alembic_version") ==
          "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)");
    CHECK(stored_sql(db, "sqlite_autoindex_alembic_version_1").empty());
    CHECK(heads_of(table).empty());
  }

  TEST_CASE("a database stamped by Alembic reads back its heads")
  {
    Connection db = memory_db();
    REQUIRE(db.exec("CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\t"
                    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"));
    REQUIRE(db.exec("INSERT INTO alembic_version (version_num) VALUES ('ae1027a6acf')"));
    REQUIRE(db.exec("INSERT INTO alembic_version (version_num) VALUES ('27c6a30d7c24')"));
    REQUIRE(db.exec("INSERT INTO alembic_version (version_num) VALUES ('not_in_graph')"));
    VersionTable table(db);
    CHECK(heads_of(table) == Heads{"27c6a30d7c24", "ae1027a6acf", "not_in_graph"});
  }

  TEST_CASE("insert, update and remove heads as Alembic's HeadMaintainer does")
  {
    Connection db = memory_db();
    VersionTable table(db);
    REQUIRE(table.create_if_missing());
    REQUIRE(table.insert("aaa"));
    CHECK(heads_of(table) == Heads{"aaa"});
    REQUIRE(table.update("aaa", "bbb"));
    CHECK(heads_of(table) == Heads{"bbb"});
    REQUIRE(table.insert("ccc")); // a second branch
    CHECK(heads_of(table) == Heads{"bbb", "ccc"});
    REQUIRE(table.remove("ccc"));
    CHECK(heads_of(table) == Heads{"bbb"});
    REQUIRE(table.clear());
    CHECK(heads_of(table).empty());
  }

  TEST_CASE("update and remove must change exactly one row")
  {
    Connection db = memory_db();
    VersionTable table(db);
    REQUIRE(table.create_if_missing());
    REQUIRE(table.insert("aaa"));

    Result<void> removed = table.remove("zzz");
    REQUIRE_FALSE(removed);
    CHECK(contains(removed.error().message,
                   "expected to match one row when deleting 'zzz' in 'alembic_version'; 0 found"));

    Result<void> updated = table.update("zzz", "bbb");
    REQUIRE_FALSE(updated);
    CHECK(contains(updated.error().message, "expected to match one row when updating 'zzz' to "
                                            "'bbb' in 'alembic_version'; 0 found"));
    CHECK(heads_of(table) == Heads{"aaa"});

    Result<void> duplicate = table.insert("aaa");
    REQUIRE_FALSE(duplicate);
    CHECK(contains(duplicate.error().message, "UNIQUE constraint failed"));
  }

  TEST_CASE("a table without its primary key can hold duplicate rows; both are reported")
  {
    Connection db = memory_db();
    REQUIRE(db.exec("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
                    "INSERT INTO alembic_version VALUES ('aaa'), ('aaa')"));
    VersionTable table(db);
    CHECK(heads_of(table) == Heads{"aaa", "aaa"});
    Result<void> removed = table.remove("aaa");
    REQUIRE_FALSE(removed);
    CHECK(contains(removed.error().message, "2 found"));
  }

  TEST_CASE("a custom version table name")
  {
    Connection db = memory_db();
    VersionTable table(db, "my_versions");
    REQUIRE(table.create_if_missing());
    CHECK(contains(stored_sql(db, "my_versions"), "CONSTRAINT my_versions_pkc PRIMARY KEY"));
    REQUIRE(table.insert("x1"));
    CHECK(heads_of(table) == Heads{"x1"});
    VersionTable standard(db);
    CHECK(heads_of(standard).empty());
  }

  TEST_CASE("version changes roll back with the migration step")
  {
    Connection db = memory_db();
    VersionTable table(db);
    REQUIRE(table.create_if_missing());
    REQUIRE(table.insert("aaa"));
    {
      Result<Transaction> tx = Transaction::begin(db);
      REQUIRE(tx);
      REQUIRE(db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)"));
      REQUIRE(table.update("aaa", "bbb"));
      // no commit: the step failed
    }
    CHECK(heads_of(table) == Heads{"aaa"});
  }
}
