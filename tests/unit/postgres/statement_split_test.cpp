#include "postgres/migration_target.hpp"
#include "postgres/statement_split.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace miglint;

namespace {

std::vector<std::string> statements_of(std::string_view sql)
{
  std::vector<std::string> out;
  for (std::string_view s : postgres::split_statements(sql)) {
    out.emplace_back(s);
  }
  return out;
}

} // namespace

TEST_SUITE("postgres::split_statements")
{
  TEST_CASE("semicolons inside strings, names, comments and bodies do not split")
  {
    using V = std::vector<std::string>;
    CHECK(statements_of("SELECT 1; SELECT 2") == V{"SELECT 1", "SELECT 2"});
    CHECK(statements_of(" ;; -- only a comment; really\n /* and; /* nested; */ this */ ")
              .empty());
    CHECK(statements_of("SELECT 'a;b', \"c;d\", E'e\\';f'; COMMIT") ==
          V{"SELECT 'a;b', \"c;d\", E'e\\';f'", "COMMIT"});
    CHECK(statements_of("DO $$ BEGIN PERFORM 1; END $$; DO $x$ BEGIN NULL; END $x$") ==
          V{"DO $$ BEGIN PERFORM 1; END $$", "DO $x$ BEGIN NULL; END $x$"});
    // A `$` inside a word is part of the word, not a dollar quote.
    CHECK(statements_of("SELECT a$b$ FROM t; END") == V{"SELECT a$b$ FROM t", "END"});
    CHECK(statements_of("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); "
                        "ROLLBACK") ==
          V{"CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", "ROLLBACK"});
    CHECK(statements_of("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT "
                        "CASE WHEN true THEN 1 END; SELECT 2; END; COMMIT") ==
          V{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true "
            "THEN 1 END; SELECT 2; END",
            "COMMIT"});
  }
}

TEST_SUITE("postgres::transaction_control_keyword")
{
  TEST_CASE("any statement of the text that ends the transaction is named")
  {
    CHECK(postgres::transaction_control_keyword("commit") == "COMMIT");
    CHECK(postgres::transaction_control_keyword("CREATE TABLE t (id int); COMMIT") == "COMMIT");
    CHECK(postgres::transaction_control_keyword("SELECT 1;\n-- done\nend;") == "END");
    CHECK(postgres::transaction_control_keyword("/* x */ START TRANSACTION") == "START");
    CHECK(postgres::transaction_control_keyword("PREPARE TRANSACTION 'x'") ==
          "PREPARE TRANSACTION");
    CHECK(postgres::transaction_control_keyword("SAVEPOINT a; ROLLBACK TO SAVEPOINT a").empty());
    CHECK(postgres::transaction_control_keyword("ROLLBACK WORK TO a").empty());
    CHECK(postgres::transaction_control_keyword("SELECT 1; ROLLBACK") == "ROLLBACK");
    CHECK(postgres::transaction_control_keyword("DO $$ BEGIN COMMIT; END $$").empty());
    CHECK(postgres::transaction_control_keyword("SELECT 'x; COMMIT'").empty());
    CHECK(postgres::transaction_control_keyword("PREPARE q AS SELECT 1").empty());
  }
}
