// Every SQL-format fixture history reads cleanly and forms one connected history.
#include "readers/reader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace miglint;

TEST_SUITE("readers::sql_fixtures")
{
  TEST_CASE("fixture histories under tests/fixtures/sql read cleanly with one head")
  {
    namespace fs = std::filesystem;
    const fs::path root = fs::path(MIGLINT_SOURCE_DIR) / "tests" / "fixtures" / "sql";
    REQUIRE(fs::is_directory(root));
    int histories = 0;
    for (const auto& history : fs::directory_iterator(root)) {
      const fs::path versions = history.path() / "versions";
      if (!fs::is_directory(versions)) {
        continue;
      }
      ++histories;
      std::map<std::string, std::vector<std::string>> parents;
      for (const auto& entry : fs::directory_iterator(versions)) {
        const std::string name = entry.path().filename().string();
        CAPTURE(name);
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        const auto out = readers::read_sql(std::make_shared<const model::SourceFile>(
            model::SourceFile{"versions/" + name, bytes.str()}));
        CHECK(out.diagnostics.empty());
        if (!out.revision) {
          continue;
        }
        CHECK(name.starts_with(out.revision->id + "_"));
        CHECK(out.revision->upgrade.has_value());
        CHECK(out.revision->downgrade.has_value());
        CHECK(out.revision->upgrade->does_nothing == out.revision->is_merge());
        parents[out.revision->id] = out.revision->down_revisions;
      }
      std::set<std::string> heads;
      for (const auto& [id, ps] : parents) {
        heads.insert(id);
      }
      for (const auto& [id, ps] : parents) {
        for (const std::string& p : ps) {
          CAPTURE(id);
          CHECK(parents.count(p) == 1);
          heads.erase(p);
        }
      }
      CAPTURE(history.path().string());
      CHECK(heads.size() == 1);
    }
    CHECK(histories >= 1);
  }
}
