// Replays every input the fuzzers ever found a problem with (tests/fuzz/regressions/<target>/)
// and every hand-written seed through the same entry points, so a fixed crash stays fixed.
#include "fuzz_entries.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace miglint;

namespace {

int replay(const std::filesystem::path& dir)
{
  namespace fs = std::filesystem;
  int replayed = 0;
  if (!fs::is_directory(dir)) {
    return replayed;
  }
  for (const auto& target_dir : fs::directory_iterator(dir)) {
    const auto entry = fuzz::entry_for(target_dir.path().filename().string());
    CAPTURE(target_dir.path().string());
    REQUIRE(static_cast<bool>(entry));
    for (const auto& input : fs::directory_iterator(target_dir.path())) {
      CAPTURE(input.path().string());
      std::ifstream in(input.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      entry(bytes.str()); // aborts on a broken invariant; sanitizers catch the rest
      ++replayed;
    }
  }
  return replayed;
}

} // namespace

TEST_SUITE("fuzz")
{
  TEST_CASE("inputs kept from fuzzing and the fuzz seeds run cleanly")
  {
    const std::filesystem::path fuzz = std::filesystem::path(MIGLINT_SOURCE_DIR) / "tests" / "fuzz";
    CHECK(replay(fuzz / "seeds") > 0);
    replay(fuzz / "regressions");
  }
}
