#include "report/formats.hpp"
#include "sample_diagnostics.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace miglint;
using namespace miglint::report::test;
using nlohmann::json;

TEST_SUITE("report::render_json")
{
  TEST_CASE("diagnostics carry code, kebab rule, severity, 1-based positions and revision")
  {
    const auto doc = json::parse(report::render_json(sample_diagnostics(), {2, 2}));
    REQUIRE(doc["diagnostics"].size() == 3);

    const auto& first = doc["diagnostics"][0];
    CHECK(first["code"] == "MG101");
    CHECK(first["rule"] == "missing-downgrade");
    CHECK(first["severity"] == "error");
    CHECK(first["message"] == "revision 3f2a9c1b7d4e has no downgrade steps");
    CHECK(first["path"] == "versions/3f2a9c1b7d4e_add_users.py");
    CHECK(first["line"] == 17);
    CHECK(first["column"] == 5);
    CHECK(first["end_line"] == 17);
    CHECK(first["end_column"] == 9);
    CHECK(first["revision"] == "3f2a9c1b7d4e");
    REQUIRE(first["notes"].size() == 1);
    CHECK(first["notes"][0]["message"] == "upgrade() is defined here");
    CHECK(first["notes"][0]["path"] == "versions/3f2a9c1b7d4e_add_users.py");
    CHECK(first["notes"][0]["line"] == 12);
    CHECK(first["notes"][0]["column"] == 1);

    const auto& second = doc["diagnostics"][1];
    CHECK(second["severity"] == "warning");
    CHECK(second["line"] == 1);
    CHECK(second["column"] == 4); // "-- wip": byte offset 3, column 4
    CHECK(second["notes"] == json::array());
  }

  TEST_CASE("a finding tied to no line has line 0 and a null revision")
  {
    const auto doc = json::parse(report::render_json(sample_diagnostics(), {}));
    const auto& info = doc["diagnostics"][2];
    CHECK(info["severity"] == "info");
    CHECK(info["path"] == "miglint.toml");
    CHECK(info["line"] == 0);
    CHECK(info["column"] == 0);
    CHECK(info["end_line"] == 0);
    CHECK(info["end_column"] == 0);
    CHECK(info["revision"].is_null());
  }

  TEST_CASE("the summary counts severities and echoes what was checked")
  {
    const auto doc = json::parse(report::render_json(sample_diagnostics(), {5, 4}));
    CHECK(doc["summary"] == json{{"errors", 1},
                                 {"warnings", 1},
                                 {"info", 1},
                                 {"files_checked", 5},
                                 {"revisions_checked", 4}});
  }

  TEST_CASE("no findings is an empty list, not a missing key")
  {
    const auto doc = json::parse(report::render_json({}, {}));
    CHECK(doc["diagnostics"] == json::array());
    CHECK(doc["summary"]["errors"] == 0);
  }

  TEST_CASE("columns are UTF-8 bytes + 1 and a span ending in a newline ends on its own line")
  {
    const auto file = source("versions/a.sql", "-- café wip\nSELECT 1;\n");
    model::Diagnostic d;
    d.code = "MG102";
    d.rule = "undescriptive-message";
    d.message = "bad";
    d.at = model::Location::in(file, {9, 13}); // "wip\n"
    const auto doc = json::parse(report::render_json({d}, {}));
    CHECK(doc["diagnostics"][0]["column"] == 10); // 'é' is two bytes
    CHECK(doc["diagnostics"][0]["end_line"] == 1);
    CHECK(doc["diagnostics"][0]["end_column"] == 13);
  }

  TEST_CASE("special characters are escaped by the JSON library and bad UTF-8 does not throw")
  {
    model::Diagnostic d;
    d.message = "quote \" backslash \\ newline \n bad byte \xff";
    d.at = model::Location::whole("versions/x.py");
    std::string out;
    CHECK_NOTHROW(out = report::render_json({d}, {}));
    const auto doc = json::parse(out);
    CHECK(doc["diagnostics"][0]["message"] ==
          "quote \" backslash \\ newline \n bad byte \xEF\xBF\xBD");
  }
}
