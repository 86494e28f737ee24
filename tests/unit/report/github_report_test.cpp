#include "report/formats.hpp"
#include "sample_diagnostics.hpp"

#include <doctest/doctest.h>

using namespace miglint;
using namespace miglint::report::test;

TEST_SUITE("report::render_github")
{
  TEST_CASE("one workflow command per finding; info becomes a notice; notes follow the message")
  {
    CHECK(report::render_github(sample_diagnostics()) ==
          "::error file=versions/3f2a9c1b7d4e_add_users.py,line=17,col=5,endLine=17,endColumn=9,"
          "title=miglint (MG101)::revision 3f2a9c1b7d4e has no downgrade steps"
          "%0Aversions/3f2a9c1b7d4e_add_users.py:12:1: note: upgrade() is defined here\n"
          "::warning file=versions/7c1d_wip.sql,line=1,col=4,endLine=1,endColumn=7,"
          "title=miglint (MG102)::message \"wip\" does not say what the revision does\n"
          "::notice file=miglint.toml,title=miglint (MG902)::no revision uses the suppression list "
          "in miglint.toml\n");
  }

  TEST_CASE("the message escapes %, CR and LF; properties also escape : and ,")
  {
    const auto file = source("versions/a:b,c%d.py", "x = 1\n");
    model::Diagnostic d;
    d.code = "MG101";
    d.message = "100% done\r\nnext: a, b";
    d.at = model::Location::in(file, {0, 1});
    CHECK(report::render_github({d}) ==
          "::error file=versions/a%3Ab%2Cc%25d.py,line=1,col=1,endLine=1,endColumn=2,"
          "title=miglint (MG101)::100%25 done%0D%0Anext: a, b\n");
  }

  TEST_CASE("a finding with no path has only a title")
  {
    model::Diagnostic d;
    d.code = "MG301";
    d.severity = model::Severity::warning;
    d.message = "database is not at head";
    CHECK(report::render_github({d}) ==
          "::warning title=miglint (MG301)::database is not at head\n");
  }

  TEST_CASE("no findings prints nothing")
  {
    CHECK(report::render_github({}).empty());
  }
}
