// file_template: fixing the id part of a name that has the template's shape, and the
// `Create Date:` the date keys come from.
#include "config/file_template.hpp"

#include <doctest/doctest.h>

using namespace miglint::config;

TEST_SUITE("config::file_template")
{
  TEST_CASE("a name with the template's shape keeps everything but its id")
  {
    auto dated = FileTemplate::parse("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d"
                                     "%(second).2d_%(rev)s_%(slug)s");
    REQUIRE(dated);
    auto fixed = dated->with_rev("2023_09_25_121806_8167af8df781_remove_flow_run", "05ea6f882b1d");
    REQUIRE(fixed);
    CHECK(fixed->stem == "2023_09_25_121806_05ea6f882b1d_remove_flow_run");
    CHECK(fixed->old_rev == "8167af8df781");
    // "add" is no revision id: no shape to keep.
    CHECK(!dated->with_rev("2026_02_19_200000_add_scheduler_index", "a1b2c3d4e5f6"));
    auto plain = FileTemplate::parse("%(rev)s_%(slug)s");
    REQUIRE(plain);
    CHECK(plain->with_rev("3f2a9c1d7b40_add_orders_table", "8d41e07b6a25")->stem ==
          "8d41e07b6a25_add_orders_table");
    CHECK(!plain->with_rev("add_orders_table", "8d41e07b6a25"));
    CHECK(dated->uses("rev"));
    CHECK(!FileTemplate::parse("%(year)d_%(slug)s")->uses("rev"));
  }

  TEST_CASE("Create Date: with and without a UTC offset")
  {
    auto naive = parse_create_date("add x\n\nRevision ID: a\nCreate Date: 2024-03-01 "
                                   "23:40:07.451688\n");
    REQUIRE(naive);
    CHECK(naive->year == 2024);
    CHECK(naive->month == 3);
    CHECK(naive->second == 7);
    auto zoned = parse_create_date("Create Date: 2024-03-01 23:40:07+05:30");
    REQUIRE(zoned);
    CHECK(zoned->hour == 23);
    CHECK(zoned->epoch == 1709316607); // 2024-03-01T18:10:07Z
    CHECK(!parse_create_date("Create Date: yesterday"));
    CHECK(!parse_create_date("no date here"));
  }
}
