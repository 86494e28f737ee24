#include "report/formats.hpp"
#include "sample_diagnostics.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace miglint;
using namespace miglint::report::test;
using nlohmann::json;

TEST_SUITE("report::render_gitlab")
{
  TEST_CASE("issues carry description, check name, severity and location")
  {
    const auto doc = json::parse(report::render_gitlab(sample_diagnostics()));
    REQUIRE(doc.is_array());
    REQUIRE(doc.size() == 3);
    CHECK(doc[0]["description"] ==
          "revision 3f2a9c1b7d4e has no downgrade steps [missing-downgrade]");
    CHECK(doc[0]["check_name"] == "MG101");
    CHECK(doc[0]["location"] ==
          json{{"path", "versions/3f2a9c1b7d4e_add_users.py"}, {"lines", {{"begin", 17}}}});
    CHECK(doc[1]["location"]["lines"]["begin"] == 1);
    // GitLab needs a line >= 1 even for a finding tied to no line.
    CHECK(doc[2]["location"] == json{{"path", "miglint.toml"}, {"lines", {{"begin", 1}}}});
  }

  TEST_CASE("severity maps error to major, warning to minor, info to info")
  {
    const auto doc = json::parse(report::render_gitlab(sample_diagnostics()));
    CHECK(doc[0]["severity"] == "major");
    CHECK(doc[1]["severity"] == "minor");
    CHECK(doc[2]["severity"] == "info");
  }

  TEST_CASE("fingerprints are stable across runs and line shifts, and unique per report")
  {
    const auto first = json::parse(report::render_gitlab(sample_diagnostics()));
    const auto again = json::parse(report::render_gitlab(sample_diagnostics()));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < first.size(); ++i) {
      CHECK(first[i]["fingerprint"] == again[i]["fingerprint"]);
      CHECK(first[i]["fingerprint"].get<std::string>().size() == 32);
      seen.insert(first[i]["fingerprint"].get<std::string>());
    }
    CHECK(seen.size() == first.size());

    // The same finding two lines further down keeps its fingerprint.
    auto shifted = sample_diagnostics();
    const auto moved = source(shifted[0].at.path, "\n\n" + shifted[0].at.file->text);
    shifted[0].at = at(moved, "pass");
    const auto after = json::parse(report::render_gitlab(shifted));
    CHECK(after[0]["location"]["lines"]["begin"] == 19);
    CHECK(after[0]["fingerprint"] == first[0]["fingerprint"]);

    // A different message is a different issue.
    shifted[0].message = "revision 3f2a9c1b7d4e has an empty downgrade";
    CHECK(json::parse(report::render_gitlab(shifted))[0]["fingerprint"] != first[0]["fingerprint"]);
  }

  TEST_CASE("the fingerprint is a fixed function of its inputs")
  {
    // Pinned: changing the hash would reopen every issue in every project's history.
    model::Diagnostic d;
    d.code = "MG101";
    d.message = "revision 3f2a has no downgrade steps";
    d.at = model::Location::whole("versions/3f2a_add_users.py");
    const auto fp = report::fingerprints_of({d});
    REQUIRE(fp.size() == 1);
    CHECK(fp[0] == "52385958ba35d401d11b8e4efadd6c5f");
  }

  TEST_CASE("identical findings get distinct fingerprints, in a stable order")
  {
    model::Diagnostic d;
    d.code = "MG103";
    d.message = "op.execute() has no downgrade";
    d.at = model::Location::whole("versions/a.py");
    const auto fps = report::fingerprints_of({d, d, d});
    CHECK(fps[0] != fps[1]);
    CHECK(fps[1] != fps[2]);
    CHECK(fps[0] != fps[2]);
    CHECK(fps == report::fingerprints_of({d, d, d}));
    CHECK(fps[0] == report::fingerprints_of({d})[0]);
  }

  TEST_CASE("no findings is an empty array")
  {
    CHECK(report::render_gitlab({}) == "[]\n");
  }
}
