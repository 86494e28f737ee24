#include "ops/add_column.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace miglint;

namespace {

sqlite::Connection schema_of(int pad_tables, const std::string& extra)
{
  auto db = sqlite::Connection::open_memory();
  REQUIRE(db);
  std::string sql;
  for (int i = 0; i < pad_tables; ++i) sql += "CREATE TABLE pad" + std::to_string(i) + " (id INTEGER PRIMARY KEY);";
  REQUIRE(db->exec(sql + extra));
  return std::move(*db);
}

std::vector<std::string> master(sqlite::Connection& db)
{
  std::vector<std::string> rows;
  auto stmt = db.prepare("SELECT type || ' ' || name || ' ' || sql FROM sqlite_master ORDER BY type, name");
  REQUIRE(stmt);
  for (auto r = stmt->step(); r && *r; r = stmt->step()) rows.push_back(stmt->column_text(0));
  return rows;
}

const std::string k_table = "CREATE TABLE t (id INTEGER NOT NULL, name TEXT, PRIMARY KEY (id));"
                            "CREATE INDEX ix_t_name ON t (name);"
                            "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN SELECT 1; END;";
const std::string k_column = "price NUMERIC(10, 2) DEFAULT '0' NOT NULL";

} // namespace

TEST_SUITE("ops::add_column")
{
  TEST_CASE("offline and on a small schema it is the ALTER itself")
  {
    CHECK(ops::add_column_statements(nullptr, "t", k_column) ==
          std::vector<std::string>{"ALTER TABLE t ADD COLUMN " + k_column});
    auto db = schema_of(3, k_table);
    CHECK(ops::add_column_statements(&db, "t", k_column) ==
          std::vector<std::string>{"ALTER TABLE t ADD COLUMN " + k_column});
  }

  TEST_CASE("an empty table in a big schema is recreated, leaving sqlite_master as the ALTER does")
  {
    auto altered = schema_of(40, k_table);
    REQUIRE(altered.exec("ALTER TABLE t ADD COLUMN " + k_column));
    auto db = schema_of(40, k_table);
    const auto statements = ops::add_column_statements(&db, "T", k_column);
    REQUIRE(statements.size() == 4);
    CHECK(statements.front() == "DROP TABLE t");
    for (const auto& sql : statements) REQUIRE(db.exec(sql));
    CHECK(master(db) == master(altered));
  }

  TEST_CASE("a table with rows is recreated with its rows, rowids and values as after the ALTER")
  {
    const std::string rows = "CREATE TABLE plain (v TEXT, n NUMERIC, r REAL, b BLOB);"
                             "CREATE INDEX ix_plain_v ON plain (v);"
                             "INSERT INTO plain VALUES ('a', '1.50', 2, x'00ff'), (NULL, 'x', 1e300, NULL),"
                             " ('c', 3, -0.5, 'text');"
                             "DELETE FROM plain WHERE v = 'a';"
                             "INSERT INTO t (id, name) VALUES (7, 'seven'), (3, 'three');";
    const std::string table_sql = "SELECT rowid, *, typeof(v), typeof(n), typeof(r), typeof(b) FROM plain";
    for (const std::string table : {"t", "plain"}) {
      CAPTURE(table);
      auto altered = schema_of(40, k_table + rows);
      REQUIRE(altered.exec("ALTER TABLE " + table + " ADD COLUMN " + k_column));
      auto db = schema_of(40, k_table + rows);
      const auto statements = ops::add_column_statements(&db, table, k_column);
      REQUIRE(statements.size() > 4);
      CHECK(statements.front().starts_with("DROP TABLE IF EXISTS temp."));
      for (const auto& sql : statements) REQUIRE(db.exec(sql));
      CHECK(master(db) == master(altered));
      for (const std::string query : {table_sql, std::string("SELECT rowid, * FROM t")}) {
        auto contents = [&](sqlite::Connection& c) {
          std::vector<std::string> out;
          auto stmt = c.prepare(query);
          REQUIRE(stmt);
          for (auto r = stmt->step(); r && *r; r = stmt->step()) {
            std::string line;
            for (int i = 0; i < stmt->column_count(); ++i) line += stmt->column_text(i) + "|";
            out.push_back(line);
          }
          return out;
        };
        CHECK(contents(db) == contents(altered));
      }
      auto temp = db.prepare("SELECT count(*) FROM sqlite_temp_master");
      REQUIRE(temp);
      REQUIRE(temp->step());
      CHECK(temp->column_int(0) == 0);
    }
  }

  TEST_CASE("what the recreation could not keep, or SQLite would refuse, stays an ALTER")
  {
    const std::string row = "INSERT INTO t (id) VALUES (1);";
    auto checked = schema_of(40, k_table + row);
    CHECK(ops::add_column_statements(&checked, "t", "code INTEGER CHECK (code > 0)").size() == 1);
    // Refused by SQLite only when the table has rows: the ALTER must be the one to fail.
    CHECK(ops::add_column_statements(&checked, "t", "at DATETIME DEFAULT (CURRENT_TIMESTAMP)").size() == 1);
    CHECK(ops::add_column_statements(&checked, "t", "code INTEGER NOT NULL").size() == 1);
    auto enforced = schema_of(40, k_table + row + "PRAGMA foreign_keys = ON;");
    CHECK(ops::add_column_statements(&enforced, "t", k_column).size() == 1);
    auto rowid_named = schema_of(40, "CREATE TABLE r (oid TEXT); INSERT INTO r VALUES ('x');");
    CHECK(ops::add_column_statements(&rowid_named, "r", k_column).size() == 1);
    auto without = schema_of(40, "CREATE TABLE w (k TEXT PRIMARY KEY) WITHOUT ROWID; INSERT INTO w VALUES ('x');");
    CHECK(ops::add_column_statements(&without, "w", k_column).size() == 1);
    auto db = schema_of(40, k_table);
    CHECK(ops::add_column_statements(&db, "t", "code INTEGER UNIQUE").size() == 1);
    CHECK(ops::add_column_statements(&db, "missing", k_column).size() == 1);
    REQUIRE(db.exec("CREATE TEMP TABLE t (x)"));
    CHECK(ops::add_column_statements(&db, "t", k_column).size() == 1);
  }

  TEST_CASE("an AUTOINCREMENT counter survives the recreation")
  {
    auto db = schema_of(40, "CREATE TABLE c (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);"
                            "INSERT INTO c (v) VALUES ('a'), ('b'); DELETE FROM c;");
    const auto statements = ops::add_column_statements(&db, "c", "w TEXT");
    REQUIRE(statements.size() == 3);
    for (const auto& sql : statements) REQUIRE(db.exec(sql));
    REQUIRE(db.exec("INSERT INTO c (v) VALUES ('c')"));
    auto stmt = db.prepare("SELECT id FROM c");
    REQUIRE(stmt);
    auto row = stmt->step();
    REQUIRE((row && *row));
    CHECK(stmt->column_int(0) == 3);
  }
}
