// alembic.ini's `package:path` script_location, resolved as Alembic 1.8 resolves it
// (importlib.resources.files(package) / each further colon-separated part).
#include "config/alembic_ini.hpp"

#include <doctest/doctest.h>

using namespace miglint::config;

TEST_SUITE("config::alembic_ini")
{
  TEST_CASE("a package resource location splits on every colon")
  {
    auto ini = parse_alembic_ini("/proj/alembic.ini",
                                 "[alembic]\nscript_location = app.server:database:_migrations\n",
                                 "alembic", "/proj/src");
    REQUIRE(ini);
    CHECK(ini->script_dir == "/proj/src/app/server/database/_migrations");
    REQUIRE(ini->version_dirs.size() == 1);
    CHECK(ini->version_dirs[0] == "/proj/src/app/server/database/_migrations/versions");
    auto single = parse_alembic_ini("/proj/alembic.ini", "[alembic]\nscript_location = myapp:migrations\n",
                                    "alembic", "/proj");
    REQUIRE(single);
    CHECK(single->script_dir == "/proj/myapp/migrations");
  }
}
