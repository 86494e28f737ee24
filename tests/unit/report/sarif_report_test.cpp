#include "report/formats.hpp"
#include "sample_diagnostics.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace miglint;
using namespace miglint::report::test;
using nlohmann::json;

namespace {

json sample_sarif()
{
  return json::parse(report::render_sarif(sample_diagnostics(), sample_rules()));
}

} // namespace

TEST_SUITE("report::render_sarif")
{
  TEST_CASE("top level: version 2.1.0, $schema and one run by miglint")
  {
    const auto doc = sample_sarif();
    CHECK(doc["version"] == "2.1.0");
    CHECK(doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    REQUIRE(doc["runs"].size() == 1);
    const auto& driver = doc["runs"][0]["tool"]["driver"];
    CHECK(driver["name"] == "miglint");
    CHECK(driver["version"] == MIGLINT_VERSION);
    CHECK(driver["informationUri"].get<std::string>().starts_with("https://"));
  }

  TEST_CASE("every rule has an id, a name, descriptions, help and a default level")
  {
    const auto doc = sample_sarif();
    const auto& rules = doc["runs"][0]["tool"]["driver"]["rules"];
    // The three catalogue rules in the given order, then MG902 which only a finding names.
    REQUIRE(rules.size() == 4);
    CHECK(rules[0]["id"] == "MG001");
    CHECK(rules[0]["name"] == "MultipleHeads");
    CHECK(rules[0]["shortDescription"]["text"] == "the revision graph has more than one head");
    CHECK(rules[0]["fullDescription"]["text"] ==
          "Two revisions that share a parent and are both heads.");
    CHECK(rules[0]["help"]["markdown"].get<std::string>().starts_with("# MG001 multiple-heads"));
    CHECK(rules[0]["defaultConfiguration"]["level"] == "error");
    CHECK(rules[2]["id"] == "MG102");
    CHECK(rules[2]["defaultConfiguration"]["level"] == "warning");
    CHECK(rules[2]["fullDescription"]["text"] == "a revision message does not say what it does");
    CHECK(rules[3]["id"] == "MG902");
    CHECK(rules[3]["name"] == "UnusedSuppression");
    CHECK(rules[3]["defaultConfiguration"]["level"] == "note");
    for (const auto& rule : rules) {
      CAPTURE(rule.dump());
      CHECK(rule["help"]["text"].is_string());
      CHECK_FALSE(rule["help"]["text"].get<std::string>().empty());
      CHECK(rule["help"]["markdown"].is_string());
      CHECK(rule["shortDescription"]["text"].is_string());
      CHECK(rule["fullDescription"]["text"].is_string());
    }
  }

  TEST_CASE("results point at their rule by id and index")
  {
    const auto doc = sample_sarif();
    const auto& rules = doc["runs"][0]["tool"]["driver"]["rules"];
    const auto& results = doc["runs"][0]["results"];
    REQUIRE(results.size() == 3);
    for (const auto& result : results) {
      CAPTURE(result.dump());
      CHECK(rules[result["ruleIndex"].get<std::size_t>()]["id"] == result["ruleId"]);
    }
    CHECK(results[0]["ruleId"] == "MG101");
    CHECK(results[0]["ruleIndex"] == 1);
    CHECK(results[0]["level"] == "error");
    CHECK(results[0]["message"]["text"] == "revision 3f2a9c1b7d4e has no downgrade steps");
    CHECK(results[1]["level"] == "warning");
    CHECK(results[2]["ruleIndex"] == 3);
    CHECK(results[2]["level"] == "note");
  }

  TEST_CASE("locations are %SRCROOT%-relative with a 1-based region")
  {
    const auto result = sample_sarif()["runs"][0]["results"][0];
    REQUIRE(result["locations"].size() == 1);
    const auto& physical = result["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"] ==
          json{{"uri", "versions/3f2a9c1b7d4e_add_users.py"}, {"uriBaseId", "%SRCROOT%"}});
    CHECK(physical["region"] ==
          json{{"startLine", 17}, {"startColumn", 5}, {"endLine", 17}, {"endColumn", 9}});
    CHECK(result["partialFingerprints"].size() == 1);
    CHECK(result["properties"]["revision"] == "3f2a9c1b7d4e");
  }

  TEST_CASE("a finding tied to no line has a location without a region")
  {
    const auto result = sample_sarif()["runs"][0]["results"][2];
    const auto& physical = result["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "miglint.toml");
    CHECK_FALSE(physical.contains("region"));
    CHECK_FALSE(result.contains("properties"));
  }

  TEST_CASE("notes become related locations with their own message")
  {
    const auto results = sample_sarif()["runs"][0]["results"];
    REQUIRE(results[0]["relatedLocations"].size() == 1);
    const auto& note = results[0]["relatedLocations"][0];
    CHECK(note["id"] == 1);
    CHECK(note["message"]["text"] == "upgrade() is defined here");
    CHECK(note["physicalLocation"]["region"]["startLine"] == 12);
    CHECK(note["physicalLocation"]["region"]["startColumn"] == 1);
    CHECK_FALSE(results[1].contains("relatedLocations"));
  }

  TEST_CASE("a finding with no path at all has a logical location (GitHub requires one)")
  {
    model::Diagnostic d;
    d.code = "MG301";
    d.rule = "roundtrip-not-restored";
    d.message = "downgrade of 3f2a did not restore the schema";
    d.revision = "3f2a";
    const auto doc = json::parse(report::render_sarif({d}, {}));
    const auto& result = doc["runs"][0]["results"][0];
    CHECK(result["locations"] == json::parse(R"([{"logicalLocations": [{"name": "3f2a"}]}])"));
    CHECK(doc["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "MG301");
  }

  TEST_CASE("URIs are percent-encoded and columns count UTF-16 code units")
  {
    const auto file = source("versions/add café.sql", "-- café 🍰 wip\n");
    model::Diagnostic d;
    d.code = "MG102";
    d.message = "bad";
    d.at = at(file, "wip");
    const auto doc = json::parse(report::render_sarif({d}, {}));
    const auto& physical = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "versions/add%20caf%C3%A9.sql");
    // "-- café 🍰 " is 14 bytes (byte column 15) but 11 UTF-16 units: 'é' is one unit, the
    // emoji a surrogate pair.
    CHECK(physical["region"]["startColumn"] == 12);
    CHECK(physical["region"]["endColumn"] == 15);
    CHECK(doc["runs"][0]["columnKind"] == "utf16CodeUnits");
  }

  TEST_CASE("output is deterministic")
  {
    CHECK(report::render_sarif(sample_diagnostics(), sample_rules()) ==
          report::render_sarif(sample_diagnostics(), sample_rules()));
  }
}
