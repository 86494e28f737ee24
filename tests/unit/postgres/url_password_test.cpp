#include "postgres/url.hpp"
#include "util/url_password.hpp"

#include <doctest/doctest.h>

using namespace miglint;

TEST_SUITE("postgres::Url display")
{
  TEST_CASE("messages never carry the password")
  {
    CHECK(util::hide_url_password("postgresql://u:s3cret@h:5432/db") ==
          "postgresql://u:***@h:5432/db");
    CHECK(util::hide_url_password("postgres://u@h/db?sslmode=disable&password=s3cret") ==
          "postgres://u@h/db?sslmode=disable&password=***");
    CHECK(util::hide_url_password("postgresql://h/db") == "postgresql://h/db");
    CHECK(util::hide_url_password("sqlite:///a:b@c.db") == "sqlite:///a:b@c.db");
    CHECK(util::hide_url_password("not a url") == "not a url");
    // Refused URLs are quoted without it too.
    for (const char* text : {"postgresql://u:s3cret@h:port/db", "postgresql+nodriver://u:s3cret@h/db",
                             "postgresql://u:s3cret@[::1/db"}) {
      CAPTURE(text);
      auto url = postgres::parse_url(text);
      REQUIRE_FALSE(url);
      CHECK(url.error().message.find("s3cret") == std::string::npos);
      CHECK(url.error().message.find("u:***@") != std::string::npos);
    }
    auto url = postgres::parse_url("postgresql://u@h/db?password=s3cret&sslmode=bogus");
    REQUIRE(url);
    CHECK(url->display == "postgresql://u@h/db?password=***&sslmode=bogus");
  }
}
