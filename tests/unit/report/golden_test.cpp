// Pins the exact bytes of every machine format for the sample findings, against
// tests/fixtures/report/. MIGLINT_UPDATE_GOLDEN=1 rewrites the files; review the diff in git.
#include "report/formats.hpp"
#include "sample_diagnostics.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace miglint;
using namespace miglint::report::test;

namespace {

std::string golden_path(const std::string& name)
{
  return std::string(MIGLINT_SOURCE_DIR) + "/tests/fixtures/report/" + name;
}

void check_golden(const std::string& name, const std::string& actual)
{
  CAPTURE(name);
  const auto path = golden_path(name);
  const char* update = std::getenv("MIGLINT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  CHECK_MESSAGE(in.good(), "missing golden file; run with MIGLINT_UPDATE_GOLDEN=1");
  std::ostringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

// The tool's version changes with every release; the golden file says <version>.
std::string without_version(std::string text)
{
  const std::string version = MIGLINT_VERSION;
  const std::string quoted = "\"" + version + "\"";
  for (auto at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at)) {
    text.replace(at, quoted.size(), "\"<version>\"");
  }
  return text;
}

} // namespace

TEST_SUITE("report golden files")
{
  TEST_CASE("json")
  {
    check_golden("sample.json", report::render_json(sample_diagnostics(), {2, 2}));
  }

  TEST_CASE("sarif")
  {
    check_golden("sample.sarif",
                 without_version(report::render_sarif(sample_diagnostics(), sample_rules())));
  }

  TEST_CASE("github")
  {
    check_golden("sample.github.txt", report::render_github(sample_diagnostics()));
  }

  TEST_CASE("gitlab")
  {
    check_golden("sample.gitlab.json", report::render_gitlab(sample_diagnostics()));
  }
}
