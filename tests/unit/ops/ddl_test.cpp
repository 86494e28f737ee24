// Expected strings are what SQLAlchemy 1.4's SQLite dialect emitted for the same input.
#include "ops/ddl.hpp"
#include "ops/sa_objects.hpp"

#include <doctest/doctest.h>

using namespace miglint::ops;

namespace {

std::string type_of(const std::string& name, std::vector<Value> args = {},
                    std::vector<std::pair<std::string, Value>> kwargs = {},
                    std::string module = "sqlalchemy", bool* fell_back = nullptr)
{
  SqlType t;
  t.name = name;
  t.module = std::move(module);
  t.args = std::move(args);
  t.kwargs = std::move(kwargs);
  t.known = t.module.starts_with("sqlalchemy") || t.module.starts_with("sqlmodel");
  return declared_type(t, fell_back);
}

} // namespace

TEST_SUITE("ops::sa_types")
{
  TEST_CASE("generic types render as SQLAlchemy renders them for SQLite")
  {
    CHECK(type_of("Integer") == "INTEGER");
    CHECK(type_of("BigInteger") == "BIGINT");
    CHECK(type_of("SmallInteger") == "SMALLINT");
    CHECK(type_of("String") == "VARCHAR");
    CHECK(type_of("String", {Value(50)}) == "VARCHAR(50)");
    CHECK(type_of("String", {}, {{"length", Value(20)}}) == "VARCHAR(20)");
    CHECK(type_of("Unicode", {Value(20)}) == "VARCHAR(20)");
    CHECK(type_of("Text") == "TEXT");
    CHECK(type_of("UnicodeText") == "TEXT");
    CHECK(type_of("Boolean") == "BOOLEAN");
    CHECK(type_of("Date") == "DATE");
    CHECK(type_of("DateTime", {}, {{"timezone", Value(true)}}) == "DATETIME");
    CHECK(type_of("Interval") == "DATETIME");
    CHECK(type_of("Time") == "TIME");
    CHECK(type_of("Float", {}, {{"precision", Value(53)}}) == "FLOAT");
    CHECK(type_of("Numeric") == "NUMERIC");
    CHECK(type_of("Numeric", {Value(10), Value(2)}) == "NUMERIC(10, 2)");
    CHECK(type_of("DECIMAL", {Value(8), Value(3)}) == "DECIMAL(8, 3)");
    CHECK(type_of("JSON") == "JSON");
    CHECK(type_of("LargeBinary") == "BLOB");
    CHECK(type_of("Enum", {Value("a"), Value("bbb")}, {{"name", Value("e")}}) == "VARCHAR(3)");
    CHECK(type_of("CHAR", {Value(3)}) == "CHAR(3)");
    CHECK(type_of("TIMESTAMP") == "TIMESTAMP");
    CHECK(type_of("Uuid") == "CHAR(32)");
  }

  TEST_CASE("dialect, sqlmodel and application types")
  {
    CHECK(type_of("DATETIME", {}, {}, "sqlalchemy.dialects.sqlite") == "DATETIME");
    CHECK(type_of("VARCHAR", {Value(9)}, {}, "sqlalchemy.dialects.mysql") == "VARCHAR(9)");
    CHECK(type_of("AutoString", {}, {}, "sqlmodel.sql.sqltypes") == "VARCHAR");
    CHECK(type_of("GUID", {}, {}, "sqlmodel.sql.sqltypes") == "CHAR(32)");
    bool fell_back = false;
    CHECK(type_of("JSONB", {}, {}, "sqlalchemy.dialects.postgresql", &fell_back) == "JSONB");
    CHECK(fell_back);
    CHECK(type_of("GUID", {}, {}, "app.models.types", &fell_back) == "GUID");
    CHECK(fell_back);
  }

  TEST_CASE("declared types after SQLAlchemy reflects them (batch mode)")
  {
    CHECK(reflected_type("GUID") == "NUMERIC");
    CHECK(reflected_type("UUID") == "NUMERIC");
    CHECK(reflected_type("INT(11)") == "INTEGER");
    CHECK(reflected_type("varchar(10)") == "VARCHAR(10)");
    CHECK(reflected_type("DOUBLE PRECISION") == "REAL");
    CHECK(reflected_type("TEXT(20)") == "TEXT(20)");
    CHECK(reflected_type("FLOAT(53)") == "FLOAT");
    CHECK(reflected_type("numeric(10)") == "NUMERIC(10)");
    CHECK(reflected_type("DECIMAL(8,3)") == "DECIMAL(8, 3)");
    CHECK(reflected_type("CLOB") == "TEXT");
    CHECK(reflected_type("JSONB") == "NUMERIC");
    CHECK(reflected_type("BLOB") == "BLOB");
    CHECK(reflected_type("") == "");
  }
}

TEST_SUITE("ops::ddl")
{
  TEST_CASE("identifiers are quoted like SQLAlchemy's SQLite preparer does")
  {
    CHECK(ddl::quote("users") == "users");
    CHECK(ddl::quote("order") == "\"order\"");
    CHECK(ddl::quote("Mixed") == "\"Mixed\"");
    CHECK(ddl::quote("_alembic_tmp_t") == "_alembic_tmp_t");
    CHECK(ddl::quote("_x") == "_x");
    CHECK(ddl::quote("$x") == "\"$x\"");
    CHECK(ddl::quote("x$") == "x$");
    CHECK(ddl::quote("1st") == "\"1st\"");
    CHECK(ddl::quote("a b") == "\"a b\"");
    CHECK(ddl::quote_literal("it's") == "'it''s'");
  }

  TEST_CASE("a column's own constraints follow its definition")
  {
    ddl::TableDef t;
    t.name = "t";
    ddl::ColumnDef x{"x", "INTEGER", false, false, std::nullopt};
    x.inline_constraints = {"CHECK (x > 0)", "CONSTRAINT ck_x CHECK (x < 9)"};
    CHECK(ddl::render_column(x, t) == "x INTEGER NOT NULL CHECK (x > 0) CONSTRAINT ck_x CHECK (x < 9)");
  }

  TEST_CASE("CREATE TABLE with columns, defaults and every kind of constraint")
  {
    ddl::TableDef t;
    t.name = "t";
    t.columns = {{"id", "INTEGER", false, true, std::nullopt},
                 {"a", "VARCHAR(50)", true, false, std::nullopt},
                 {"d", "BOOLEAN", true, false, "(0)"},
                 {"g", "NUMERIC(10, 2)", true, false, "'0'"},
                 {"h", "INTEGER", true, false, "10"}};
    using K = ddl::ConstraintDef::Kind;
    ddl::ConstraintDef pk{K::primary_key, "pk_t", {"id"}};
    ddl::ConstraintDef ck{K::check, "", {}};
    ck.sqltext = "id > 0";
    ddl::ConstraintDef uq{K::unique, "uq_ab", {"a", "h"}};
    ddl::ConstraintDef fk{K::foreign_key, "fk_h", {"h"}, "o", {"id"}};
    fk.onupdate = "SET NULL";
    ddl::ConstraintDef fk2{K::foreign_key, "", {"h"}, "o", {"id"}};
    fk2.ondelete = "CASCADE";
    t.constraints = {pk, ck, uq, fk, fk2};
    CHECK(ddl::render_create_table(t) ==
          "CREATE TABLE t (\n"
          "\tid INTEGER NOT NULL, \n"
          "\ta VARCHAR(50), \n"
          "\td BOOLEAN DEFAULT (0), \n"
          "\tg NUMERIC(10, 2) DEFAULT '0', \n"
          "\th INTEGER DEFAULT 10, \n"
          "\tCONSTRAINT pk_t PRIMARY KEY (id), \n"
          "\tCHECK (id > 0), \n"
          "\tCONSTRAINT uq_ab UNIQUE (a, h), \n"
          "\tCONSTRAINT fk_h FOREIGN KEY(h) REFERENCES o (id) ON UPDATE SET NULL, \n"
          "\tFOREIGN KEY(h) REFERENCES o (id) ON DELETE CASCADE\n"
          ")");
  }

  TEST_CASE("sqlite_autoincrement puts the key inline")
  {
    ddl::TableDef t;
    t.name = "t";
    t.sqlite_autoincrement = true;
    t.columns = {{"id", "INTEGER", false, true, std::nullopt}};
    t.constraints = {{ddl::ConstraintDef::Kind::primary_key, "", {"id"}}};
    CHECK(ddl::render_create_table(t) ==
          "CREATE TABLE t (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT\n)");
  }

  TEST_CASE("CREATE INDEX")
  {
    ddl::IndexDef ix{"ix", "o", {"id", "lower(id)"}, true};
    CHECK(ddl::render_create_index(ix) == "CREATE UNIQUE INDEX ix ON o (id, lower(id))");
    CHECK(ddl::render_create_index({"ix_t_c", "t", {"c"}, false}, "\"t\"") ==
          "CREATE INDEX ix_t_c ON \"t\" (c)");
  }
}
