#include "util/strings.hpp"

#include <doctest/doctest.h>

using namespace miglint::util;

TEST_SUITE("util::strings")
{
  TEST_CASE("strip removes whitespace like Python's str.strip")
  {
    CHECK(strip("  a b \n") == "a b");
    CHECK(strip("\n\t") == "");
  }

  TEST_CASE("closest_match suggests a near candidate and nothing for a far one")
  {
    const std::vector<std::string> commands = {"heads", "history", "branches", "lint"};
    CHECK(closest_match("haeds", commands) == "heads");
    CHECK(closest_match("histroy", commands) == "history");
    CHECK(closest_match("zzzzzzzz", commands) == "");
  }
}
