#include "postgres/url.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace miglint;

namespace {

std::map<std::string, std::string> keywords_of(const std::string& text)
{
  auto url = postgres::parse_url(text);
  REQUIRE(url);
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : url->keywords) {
    out[key] = value;
  }
  return out;
}

} // namespace

TEST_SUITE("postgres::parse_url")
{
  TEST_CASE("user, password, host, port and database become libpq keywords")
  {
    const auto k = keywords_of("postgresql://app:s%40cret@db.example:6543/shop?sslmode=disable");
    CHECK(k.at("user") == "app");
    CHECK(k.at("password") == "s@cret");
    CHECK(k.at("host") == "db.example");
    CHECK(k.at("port") == "6543");
    CHECK(k.at("dbname") == "shop");
    CHECK(k.at("sslmode") == "disable");
  }

  TEST_CASE("drivers and the postgres alias are PostgreSQL")
  {
    for (const char* text : {"postgresql+psycopg2://u@h/db", "postgres://u@h/db",
                             "postgresql+asyncpg://u@h/db", "postgresql+pg8000://u@h/db"}) {
      CAPTURE(text);
      CHECK(keywords_of(text).at("dbname") == "db");
    }
    auto unknown = postgres::parse_url("postgresql+nosuch://u@h/db");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == model::Error::Kind::usage);
  }

  TEST_CASE("what is absent is left to libpq's defaults")
  {
    const auto k = keywords_of("postgresql:///shop");
    CHECK(k.size() == 1);
    CHECK(k.at("dbname") == "shop");
    CHECK(keywords_of("postgresql://").empty());
  }

  TEST_CASE("an IPv6 host and a socket directory in the query")
  {
    CHECK(keywords_of("postgresql://u@[::1]:5432/db").at("host") == "::1");
    CHECK(keywords_of("postgresql://u@/db?host=/var/run/postgresql").at("host") ==
          "/var/run/postgresql");
  }

  TEST_CASE("a port that is not a number is refused, as SQLAlchemy refuses it")
  {
    auto bad = postgres::parse_url("postgresql://u:p@h:54x/db");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().kind == model::Error::Kind::usage);
  }

  TEST_CASE("the display hides the password and follows another database")
  {
    auto url = postgres::parse_url("postgresql+psycopg2://app:secret@h:5432/shop?sslmode=disable");
    REQUIRE(url);
    CHECK(url->display == "postgresql+psycopg2://app:***@h:5432/shop?sslmode=disable");
    const auto other = url->with_database("miglint_verify_1");
    CHECK(other.display == "postgresql+psycopg2://app:***@h:5432/miglint_verify_1?sslmode=disable");
    CHECK(other.database() == "miglint_verify_1");
  }
}
