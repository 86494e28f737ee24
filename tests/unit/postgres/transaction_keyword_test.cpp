#include "postgres/migration_target.hpp"

#include <doctest/doctest.h>

using miglint::postgres::transaction_control_keyword;

TEST_SUITE("postgres::transaction_control_keyword")
{
  TEST_CASE("a statement that ends the transaction is found wherever it is")
  {
    CHECK(transaction_control_keyword("COMMIT") == "COMMIT");
    CHECK(transaction_control_keyword("  -- done\n commit;") == "COMMIT");
    CHECK(transaction_control_keyword("SELECT 1; COMMIT;") == "COMMIT");
    CHECK(transaction_control_keyword("INSERT INTO t VALUES (1);\nrollback") == "ROLLBACK");
    CHECK(transaction_control_keyword("/* x */ BEGIN; CREATE TABLE t (id int)") == "BEGIN");
    CHECK(transaction_control_keyword("end;") == "END");
  }

  TEST_CASE("words inside bodies, strings and comments are not statements")
  {
    CHECK(transaction_control_keyword("DO $$ BEGIN PERFORM 1; END $$;").empty());
    CHECK(transaction_control_keyword(
              "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN; COMMIT; $body$ LANGUAGE sql")
              .empty());
    CHECK(transaction_control_keyword("INSERT INTO t VALUES ('a; COMMIT')").empty());
    CHECK(transaction_control_keyword("SELECT 1 /* ; COMMIT */").empty());
    CHECK(transaction_control_keyword("SELECT 1 -- ; COMMIT").empty());
    CHECK(transaction_control_keyword("UPDATE t SET \"end\" = $1").empty());
    CHECK(transaction_control_keyword("CREATE TABLE t (id int)").empty());
  }
}
