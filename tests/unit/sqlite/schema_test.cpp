#include "sqlite/schema_diff.hpp"
#include "sqlite/schema_snapshot.hpp"
#include "sqlite/sql_text.hpp"
#include "sqlite/version_table.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace miglint::sqlite;

namespace {

// A list of differences; its own type so that failed checks can print it.
struct Lines : std::vector<std::string> {
  using std::vector<std::string>::vector;
  Lines(std::vector<std::string> lines) : std::vector<std::string>(std::move(lines)) {}
};

Connection db_with(std::string_view sql)
{
  Result<Connection> db = Connection::open_memory();
  REQUIRE(db);
  Result<void> ran = db->exec(sql);
  REQUIRE_MESSAGE(ran, (ran ? std::string() : ran.error().message));
  return std::move(*db);
}

SchemaSnapshot snapshot(Connection& db, SnapshotCache* cache = nullptr)
{
  Result<SchemaSnapshot> snap = take_snapshot(db, cache);
  REQUIRE_MESSAGE(snap, (snap ? std::string() : snap.error().message));
  return std::move(*snap);
}

SchemaSnapshot snapshot_of(std::string_view sql)
{
  Connection db = db_with(sql);
  return snapshot(db);
}

Lines diff(std::string_view expected_sql, std::string_view actual_sql, DiffOptions options = {})
{
  Lines lines = diff_schemas(snapshot_of(expected_sql), snapshot_of(actual_sql), options);
  return lines;
}

constexpr std::string_view k_users = R"(
CREATE TABLE users (
  id INTEGER NOT NULL,
  email VARCHAR(120) NOT NULL,
  age BIGINT,
  created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
  PRIMARY KEY (id),
  UNIQUE (email)
);
CREATE INDEX ix_users_age ON users (age);
)";

} // namespace

namespace doctest {
template <> struct StringMaker<Lines> {
  static String convert(const Lines& lines)
  {
    std::string out = "{";
    for (const std::string& line : lines) {
      out += "\n  " + line;
    }
    out += lines.empty() ? "}" : "\n}";
    return String(out.c_str());
  }
};
} // namespace doctest

TEST_SUITE("sqlite::sql_text")
{
  TEST_CASE("normalize_sql ignores quoting, case, spacing and comments")
  {
    CHECK(normalize_sql("CREATE VIEW \"v\" AS SELECT  \"ID\" FROM [users] -- note\n;") ==
          "create view v as select id from users");
    CHECK(normalize_sql("select `a`.b from a") == normalize_sql("SELECT a . b FROM a"));
    CHECK(normalize_sql("SELECT 'It''s' , X'0A'") == "select 'It''s', x'0A'");
    CHECK(normalize_sql("lower( name )>0") == "lower(name) > 0");
    CHECK(normalize_sql("\"odd name\"") == "\"odd name\"");
    CHECK(normalize_sql("a /* c */ <> b") == "a <> b");
  }

  TEST_CASE("normalize_type compares declared types like SQLite")
  {
    CHECK(normalize_type("numeric(10,2)") == normalize_type("NUMERIC(10, 2)"));
    CHECK(normalize_type("NUMERIC (10, 2)") == "NUMERIC(10,2)");
    CHECK(normalize_type("varchar(32)") == "VARCHAR(32)");
    CHECK(normalize_type("double  precision") == "DOUBLE PRECISION");
    CHECK(normalize_type("INTEGER") != normalize_type("BIGINT"));
  }

  TEST_CASE("table clauses: checks, WITHOUT ROWID, STRICT, AUTOINCREMENT")
  {
    const TableClauses clauses = parse_table_clauses(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, age INT CHECK (age >= 0), "
        "s TEXT, CONSTRAINT ck_s CHECK(length(\"s\") > 0)) WITHOUT ROWID, STRICT");
    REQUIRE(clauses.checks.size() == 2);
    CHECK(clauses.checks[0].name == "");
    CHECK(clauses.checks[0].expression == "age >= 0");
    CHECK(clauses.checks[1].name == "ck_s");
    CHECK(clauses.checks[1].expression == "length(s) > 0");
    CHECK(clauses.without_rowid);
    CHECK(clauses.strict);
    CHECK(clauses.autoincrement);
    CHECK(parse_table_clauses("CREATE TABLE t AS SELECT 1 AS x").checks.empty());
  }

  TEST_CASE("index WHERE clause and terms")
  {
    CHECK(index_where("CREATE INDEX i ON t (a) WHERE deleted_at IS NULL") == "deleted_at is null");
    CHECK(index_where("CREATE INDEX i ON t (a, (b > 0))") == "");
    CHECK(index_terms("CREATE INDEX i ON t (a, lower(b) DESC)") ==
          std::vector<std::string>{"a", "lower(b) desc"});
  }

  TEST_CASE("add_column_offset: before the first table constraint, else the closing paren")
  {
    const std::string with_pk = "CREATE TABLE t (a INT, b TEXT, PRIMARY KEY (a))";
    CHECK(add_column_offset(with_pk) == with_pk.find(", PRIMARY"));
    const std::string plain = "CREATE TABLE \"t(\" (a INT DEFAULT (1), \"primary\" TEXT)\nWITHOUT ROWID";
    CHECK(add_column_offset(plain) == plain.rfind(')'));
    const std::string named = "CREATE TABLE t (a INT CHECK (a > 0), -- x, CHECK\n b INT, CONSTRAINT c UNIQUE (b))";
    CHECK(add_column_offset(named) == named.find(", CONSTRAINT"));
    CHECK_FALSE(add_column_offset("CREATE TABLE t AS SELECT 1 AS x"));
  }

  TEST_CASE("add_column_offset agrees with SQLite's ALTER TABLE ... ADD COLUMN")
  {
    for (const char* create : {"CREATE TABLE t (a INT, b TEXT, PRIMARY KEY (a))",
                               "CREATE TABLE t (\n\ta INTEGER NOT NULL, \n\tCONSTRAINT pk PRIMARY KEY (a)\n)",
                               "CREATE TABLE t (a INT /* ) */, 'b' TEXT)",
                               "CREATE TABLE t (a, b, FOREIGN KEY (b) REFERENCES t (a), UNIQUE (a))"}) {
      CAPTURE(create);
      Connection db = db_with(create);
      REQUIRE(db.exec("ALTER TABLE t ADD COLUMN c VARCHAR(4) DEFAULT 'x'"));
      auto stmt = db.prepare("SELECT sql FROM sqlite_master WHERE name = 't'");
      REQUIRE(stmt);
      auto row = stmt->step();
      REQUIRE((row && *row));
      const std::string original = create;
      const auto at = add_column_offset(original);
      REQUIRE(at);
      CHECK(original.substr(0, *at) + ", c VARCHAR(4) DEFAULT 'x'" + original.substr(*at) ==
            stmt->column_text(0));
    }
  }
}

TEST_SUITE("sqlite::schema_snapshot")
{
  TEST_CASE("a snapshot reads columns, indexes, foreign keys, views and triggers")
  {
    const SchemaSnapshot snap = snapshot_of(R"(
      CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE,
                          name TEXT DEFAULT 'anon', CHECK (length(email) > 3));
      CREATE TABLE orders (
        id INTEGER NOT NULL, user_id INTEGER, total NUMERIC(10, 2),
        PRIMARY KEY (id),
        FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
      CREATE UNIQUE INDEX ix_orders_total ON orders (total DESC) WHERE total > 0;
      CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
      CREATE TRIGGER trg AFTER INSERT ON orders BEGIN SELECT 1; END;
      CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
      CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT);
      INSERT INTO seq DEFAULT VALUES;
    )");
    CHECK(snap.tables.size() == 3); // alembic_version and sqlite_sequence are left out
    CHECK_FALSE(snap.tables.contains("alembic_version"));
    CHECK_FALSE(snap.tables.contains("sqlite_sequence"));

    const TableInfo& users = *snap.tables.at("users");
    REQUIRE(users.columns.size() == 3);
    CHECK(users.columns[0].name == "id");
    CHECK(users.columns[0].pk == 1);
    CHECK(users.columns[1].type == "VARCHAR(120)");
    CHECK(users.columns[1].not_null);
    CHECK(users.columns[2].default_value == "'anon'");
    REQUIRE(users.indexes.size() == 1);
    CHECK(users.indexes[0].name == "sqlite_autoindex");
    CHECK(users.indexes[0].original_name == "sqlite_autoindex_users_1");
    CHECK(users.indexes[0].origin == 'u');
    CHECK(users.indexes[0].columns == std::vector<std::string>{"email"});
    REQUIRE(users.checks.size() == 1);
    CHECK(users.checks[0].expression == "length(email) > 3");

    const TableInfo& orders = *snap.tables.at("orders");
    REQUIRE(orders.foreign_keys.size() == 1);
    CHECK(orders.foreign_keys[0].describe() == "(user_id) -> users(id) ON DELETE CASCADE");
    const IndexInfo* total = nullptr;
    for (const IndexInfo& index : orders.indexes) {
      if (index.name == "ix_orders_total") {
        total = &index;
      }
    }
    REQUIRE(total != nullptr);
    CHECK(total->unique);
    CHECK(total->columns == std::vector<std::string>{"total DESC"});
    CHECK(total->where == "total > 0");

    CHECK(snap.tables.at("seq")->autoincrement);
    CHECK(snap.views.at("big_orders").sql ==
          "create view big_orders as select * from orders where total > 100");
    CHECK(snap.triggers.at("trg").table == "orders");
  }

  TEST_CASE("render lists every object")
  {
    const std::string text = render_snapshot(snapshot_of(k_users));
    CHECK(text == "table users\n"
                  "  column id INTEGER NOT NULL PRIMARY KEY\n"
                  "  column email VARCHAR(120) NOT NULL\n"
                  "  column age BIGINT\n"
                  "  column created_at DATETIME DEFAULT CURRENT_TIMESTAMP\n"
                  "  index ix_users_age (age)\n"
                  "  unique constraint (email)\n");
  }

  TEST_CASE("expression index columns are named from the CREATE INDEX text")
  {
    const SchemaSnapshot snap = snapshot_of(
        "CREATE TABLE t (a TEXT, b TEXT); CREATE INDEX ix ON t (a COLLATE NOCASE, lower(b));");
    const IndexInfo& index = snap.tables.at("t")->indexes.at(0);
    CHECK(index.columns == std::vector<std::string>{"a COLLATE NOCASE", "lower(b)"});
  }

  TEST_CASE("the cache rereads only tables whose CREATE text changed")
  {
    Connection db = db_with(R"(
      CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);
      CREATE TABLE b (id INTEGER PRIMARY KEY, y TEXT);
      CREATE TABLE c (id INTEGER PRIMARY KEY, z TEXT);
    )");
    SnapshotCache cache;
    const SchemaSnapshot first = snapshot(db, &cache);
    CHECK(cache.misses == 3);
    CHECK(cache.hits == 0);

    REQUIRE(db.exec("ALTER TABLE b ADD COLUMN w INTEGER"));
    const SchemaSnapshot second = snapshot(db, &cache);
    CHECK(cache.misses == 4);
    CHECK(cache.hits == 2);
    CHECK(second.tables.at("a") == first.tables.at("a")); // shared, not re-read
    CHECK(second.tables.at("b")->columns.size() == 3);

    REQUIRE(db.exec("CREATE INDEX ix_c_z ON c (z)"));
    const SchemaSnapshot third = snapshot(db, &cache);
    CHECK(cache.misses == 5); // a new index changes its table's key
    CHECK(third.tables.at("c")->indexes.size() == 1);

    REQUIRE(db.exec("DROP INDEX ix_c_z; ALTER TABLE b DROP COLUMN w"));
    const SchemaSnapshot back = snapshot(db, &cache);
    CHECK(cache.misses == 5); // every table is back to a state already seen
    CHECK(diff_schemas(first, back).empty());
    CHECK_FALSE(diff_schemas(first, second).empty());
  }
}

TEST_SUITE("sqlite::schema_diff")
{
  TEST_CASE("identical schemas have no differences")
  {
    CHECK(diff(k_users, k_users).empty());
  }

  TEST_CASE("column order is ignored unless strict")
  {
    // What Alembic's drop_column + add_column downgrade leaves behind.
    Connection db = db_with("CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR(120), "
                            "age BIGINT, name TEXT, PRIMARY KEY (id))");
    const SchemaSnapshot before = snapshot(db);
    REQUIRE(db.exec("ALTER TABLE users DROP COLUMN age"));
    REQUIRE(db.exec("ALTER TABLE users ADD COLUMN age BIGINT"));
    const SchemaSnapshot after = snapshot(db);
    CHECK(diff_schemas(before, after).empty());
    CHECK(Lines(diff_schemas(before, after, DiffOptions{.strict_column_order = true})) ==
          Lines{"table \"users\": column order (id, email, name, age), expected (id, "
                "email, age, name)"});
  }

  TEST_CASE("quoting and automatic index numbering from a batch rebuild do not matter")
  {
    const Lines lines = diff(
        "CREATE TABLE t (id INTEGER NOT NULL, a TEXT, b TEXT, PRIMARY KEY (id), "
        "CONSTRAINT uq_a UNIQUE (a), CONSTRAINT uq_b UNIQUE (b)); CREATE INDEX ix_t_a ON t (a)",
        "CREATE TABLE \"t\" (\"id\" INTEGER NOT NULL, \"b\" TEXT, \"a\" TEXT, "
        "CONSTRAINT uq_b UNIQUE (\"b\"), CONSTRAINT uq_a UNIQUE (\"a\"), PRIMARY KEY (\"id\")); "
        "CREATE INDEX \"ix_t_a\" ON \"t\" (\"a\")");
    CHECK(lines.empty());
  }

  TEST_CASE("missing and unexpected tables, columns and type changes")
  {
    const Lines lines = diff(k_users, R"(
      CREATE TABLE users (
        id INTEGER NOT NULL, age INTEGER, created_at DATETIME DEFAULT (CURRENT_TIMESTAMP),
        nickname TEXT, PRIMARY KEY (id));
      CREATE INDEX ix_users_age ON users (age);
      CREATE TABLE tmp (x INTEGER);
    )");
    CHECK(lines == Lines{
                       "table \"tmp\" unexpected",
                       "table \"users\": column \"email\" missing (expected VARCHAR(120) NOT NULL)",
                       "table \"users\": column \"age\" type INTEGER, expected BIGINT",
                       "table \"users\": column \"nickname\" unexpected (TEXT)",
                       "table \"users\": unique constraint (email) missing",
                   });
    CHECK(diff("CREATE TABLE a (x)", "") == Lines{"table \"a\" missing"});
  }

  TEST_CASE("nullability, defaults and primary keys")
  {
    const Lines lines =
        diff("CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, n INT NOT NULL, d TEXT DEFAULT 'x', "
             "e INT DEFAULT 0)",
             "CREATE TABLE t (id INTEGER, n INT, d TEXT DEFAULT 'y', e INT)");
    CHECK(lines == Lines{
                       "table \"t\": column \"id\" is nullable, expected NOT NULL",
                       "table \"t\": column \"id\" is not in the primary key, expected primary "
                       "key column 1",
                       "table \"t\": column \"n\" is nullable, expected NOT NULL",
                       "table \"t\": column \"d\" has default 'y', expected default 'x'",
                       "table \"t\": column \"e\" has no default, expected default 0",
                   });
    // The same default spelled differently is equal.
    CHECK(diff("CREATE TABLE t (a DEFAULT (CURRENT_TIMESTAMP))",
               "CREATE TABLE t (a DEFAULT CURRENT_TIMESTAMP)")
              .empty());
    CHECK(diff("CREATE TABLE t (a numeric(10,2))", "CREATE TABLE t (a NUMERIC(10, 2))").empty());
  }

  TEST_CASE("indexes: missing, unexpected, columns, uniqueness, WHERE")
  {
    const std::string base = "CREATE TABLE t (a INT, b INT, c INT);";
    CHECK(diff(base + "CREATE INDEX ix_users_email ON t (a)", base) ==
          Lines{"index \"ix_users_email\" missing"});
    CHECK(diff(base, base + "CREATE INDEX ix_extra ON t (a)") ==
          Lines{"index \"ix_extra\" unexpected"});
    CHECK(diff(base + "CREATE INDEX ix ON t (a, b)", base + "CREATE UNIQUE INDEX ix ON t (a)") ==
          Lines{"index \"ix\" columns (a), expected (a, b)",
                "index \"ix\" is unique, expected not unique"});
    CHECK(diff(base + "CREATE INDEX ix ON t (a) WHERE b > 0", base + "CREATE INDEX ix ON t (a)") ==
          Lines{"index \"ix\" has no WHERE clause, expected WHERE b > 0"});
    CHECK(diff("CREATE TABLE t (a INT, b INT, UNIQUE (a, b))", "CREATE TABLE t (a INT, b INT)") ==
          Lines{"table \"t\": unique constraint (a, b) missing"});
  }

  TEST_CASE("foreign keys")
  {
    const std::string users = "CREATE TABLE users (id INTEGER PRIMARY KEY);";
    CHECK(diff(users + "CREATE TABLE orders (id INT, user_id INT, "
                       "FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE)",
               users + "CREATE TABLE orders (id INT, user_id INT)") ==
          Lines{"table \"orders\": foreign key (user_id) -> users(id) ON DELETE CASCADE missing"});
    CHECK(diff(users + "CREATE TABLE orders (user_id INT REFERENCES users (id))",
               users +
                   "CREATE TABLE orders (user_id INT REFERENCES users (id) ON UPDATE SET NULL)") ==
          Lines{"table \"orders\": foreign key (user_id) -> users(id) missing",
                "table \"orders\": foreign key (user_id) -> users(id) ON UPDATE SET NULL "
                "unexpected"});
  }

  TEST_CASE("checks and table options")
  {
    CHECK(diff("CREATE TABLE t (a INT CHECK (a > 0))", "CREATE TABLE t (a INT)") ==
          Lines{"table \"t\": check (a > 0) missing"});
    CHECK(diff("CREATE TABLE t (a INT, CONSTRAINT ck CHECK (\"a\" > 0))",
               "CREATE TABLE t (a INT, CONSTRAINT ck CHECK (a>0))")
              .empty());
    CHECK(diff("CREATE TABLE t (a INT PRIMARY KEY) WITHOUT ROWID",
               "CREATE TABLE t (a INT PRIMARY KEY)") ==
          Lines{"table \"t\": column \"a\" is nullable, expected NOT NULL",
                "table \"t\": options (none), expected (WITHOUT ROWID)"});
  }

  TEST_CASE("views and triggers")
  {
    const std::string base = "CREATE TABLE t (a INT); CREATE TABLE u (a INT);";
    CHECK(diff(base + "CREATE VIEW v AS SELECT a FROM t", base) == Lines{"view \"v\" missing"});
    CHECK(diff(base, base + "CREATE VIEW v AS SELECT a FROM t") == Lines{"view \"v\" unexpected"});
    CHECK(diff(base + "CREATE VIEW v AS SELECT a FROM t",
               base + "CREATE VIEW \"v\" AS SELECT \"a\" FROM \"t\"")
              .empty());
    CHECK(diff(base + "CREATE VIEW v AS SELECT a FROM t",
               base + "CREATE VIEW v AS SELECT a FROM u") ==
          Lines{"view \"v\" definition `create view v as select a from u`, expected `create view "
                "v as select a from t`"});
    CHECK(diff(base + "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END",
               base + "CREATE TRIGGER trg AFTER INSERT ON u BEGIN SELECT 1; END") ==
          Lines{"trigger \"trg\" is on table \"u\", expected \"t\""});
    CHECK(diff(base + "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END", base) ==
          Lines{"trigger \"trg\" missing"});
  }

  TEST_CASE("column collation, generated expression and NOT NULL ON CONFLICT")
  {
    CHECK(diff("CREATE TABLE t (a TEXT)", "CREATE TABLE t (a TEXT COLLATE NOCASE)") ==
          Lines{"table \"t\": column \"a\" has collation nocase, expected BINARY"});
    CHECK(diff("CREATE TABLE t (a TEXT COLLATE binary)", "CREATE TABLE \"t\" (\"a\" TEXT)")
              .empty());
    CHECK(diff("CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED)",
               "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 3) STORED)") ==
          Lines{"table \"t\": column \"b\" is generated as a * 3, expected a * 2"});
    CHECK(diff("CREATE TABLE t (a INT, b INT AS (a*2))",
               "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (\"a\" * 2) VIRTUAL)")
              .empty());
    CHECK(diff("CREATE TABLE t (a INT, b INT AS (a * 2) VIRTUAL)",
               "CREATE TABLE t (a INT, b INT AS (a * 2) STORED)") ==
          Lines{"table \"t\": column \"b\" is a generated STORED column, expected a generated "
                "VIRTUAL column"});
    CHECK(diff("CREATE TABLE t (a INT NOT NULL)",
               "CREATE TABLE t (a INT NOT NULL ON CONFLICT IGNORE)") ==
          Lines{"table \"t\": column \"a\" NOT NULL ON CONFLICT IGNORE, expected ABORT"});
    CHECK(diff("CREATE TABLE t (a INT NOT NULL)", "CREATE TABLE t (a INT NOT NULL ON CONFLICT ABORT)")
              .empty());
  }

  TEST_CASE("UNIQUE and PRIMARY KEY ON CONFLICT")
  {
    CHECK(diff("CREATE TABLE t (a INT, b INT, UNIQUE (a, b))",
               "CREATE TABLE t (a INT, b INT, UNIQUE (a, b) ON CONFLICT REPLACE)") ==
          Lines{"table \"t\": unique constraint (a, b) ON CONFLICT REPLACE, expected unique "
                "constraint (a, b)"});
    CHECK(diff("CREATE TABLE t (a INT UNIQUE ON CONFLICT REPLACE, b INT UNIQUE)",
               "CREATE TABLE t (b INT, a INT, UNIQUE (b), CONSTRAINT uq UNIQUE (\"a\") ON "
               "CONFLICT REPLACE)")
              .empty());
    CHECK(diff("CREATE TABLE t (id INTEGER PRIMARY KEY)",
               "CREATE TABLE t (id INTEGER, PRIMARY KEY (id) ON CONFLICT REPLACE)") ==
          Lines{"table \"t\": options (PRIMARY KEY ON CONFLICT REPLACE), expected (none)"});
  }

  TEST_CASE("foreign key DEFERRABLE INITIALLY")
  {
    const std::string users = "CREATE TABLE users (id INTEGER PRIMARY KEY);";
    CHECK(diff(users + "CREATE TABLE o (user_id INT REFERENCES users (id))",
               users + "CREATE TABLE o (user_id INT, FOREIGN KEY (user_id) REFERENCES users (id) "
                       "DEFERRABLE INITIALLY DEFERRED)") ==
          Lines{"table \"o\": foreign key (user_id) -> users(id) missing",
                "table \"o\": foreign key (user_id) -> users(id) DEFERRABLE INITIALLY DEFERRED "
                "unexpected"});
    CHECK(diff(users + "CREATE TABLE o (user_id INT REFERENCES users (id) NOT DEFERRABLE "
                       "INITIALLY DEFERRED NOT NULL)",
               users + "CREATE TABLE o (user_id INT NOT NULL, FOREIGN KEY (\"user_id\") "
                       "REFERENCES users (id))")
              .empty());
  }

  TEST_CASE("user_version and column order are reported apart")
  {
    Connection db = db_with("CREATE TABLE t (a INT, b INT)");
    const SchemaSnapshot before = snapshot(db);
    REQUIRE(db.exec("PRAGMA user_version = 7; ALTER TABLE t DROP COLUMN a; "
                    "ALTER TABLE t ADD COLUMN a INT"));
    const SchemaSnapshot after = snapshot(db);
    CHECK(before.user_version == 0);
    CHECK(after.user_version == 7);
    CHECK(diff_schemas(before, after).empty());
    CHECK(Lines(column_order_differences(before, after)) ==
          Lines{"table \"t\": column order (b, a), expected (a, b)"});
  }

  TEST_CASE("the version table is not part of the schema")
  {
    Connection db = db_with(k_users);
    const SchemaSnapshot before = snapshot(db);
    VersionTable versions(db);
    REQUIRE(versions.create_if_missing());
    REQUIRE(versions.insert("abc123"));
    CHECK(diff_schemas(before, snapshot(db)).empty());
  }
}
