#include "sqlite/database_url.hpp"

#include "temp_dir.hpp"
#include "test_text.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace miglint::sqlite;
using miglint::sqlite::testing::TempDir;

using miglint::testing::contains;

namespace {

DatabaseTarget parse_ok(std::string_view text)
{
  Result<DatabaseTarget> target = parse_database_url(text);
  REQUIRE_MESSAGE(target, (target ? std::string() : target.error().message));
  return *target;
}

EnvLookup fake_env(std::map<std::string, std::string> vars)
{
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

} // namespace

TEST_SUITE("sqlite::database_url")
{
  TEST_CASE("plain paths are taken as they are")
  {
    CHECK(parse_ok("app.db").path == "app.db");
    CHECK(parse_ok("data/app.db").path == "data/app.db");
    CHECK(parse_ok("/var/lib/app.db").path == "/var/lib/app.db");
    CHECK(parse_ok("  app.db \n").path == "app.db");
    CHECK(parse_ok(":memory:").memory);
    CHECK_FALSE(parse_ok("app.db").memory);
    CHECK(parse_ok("app.db").open_mode() == OpenMode::read_write_create);
  }

  TEST_CASE("sqlite URLs: three slashes are relative, four absolute")
  {
    CHECK(parse_ok("sqlite:///rel.db").path == "rel.db");
    CHECK(parse_ok("sqlite:///data/rel.db").path == "data/rel.db");
    CHECK(parse_ok("sqlite:////abs.db").path == "/abs.db");
    CHECK(parse_ok("sqlite:////var/lib/app.db").path == "/var/lib/app.db");
    // SQLAlchemy 1.4 does not unquote the database part: the name is the file's.
    CHECK(parse_ok("sqlite:///my%20app.db").path == "my%20app.db");
    CHECK(parse_ok("sqlite:///a%00b.db").path == "a%00b.db");
    CHECK(parse_ok("sqlite://@/rel.db").path == "rel.db");
  }

  TEST_CASE("any sqlite driver is accepted")
  {
    CHECK(parse_ok("sqlite+pysqlite:///rel.db").path == "rel.db");
    CHECK(parse_ok("sqlite+aiosqlite:////abs/app.db").path == "/abs/app.db");
    CHECK(parse_ok("sqlite+aiosqlite:///./app.db").path == "./app.db");
  }

  TEST_CASE("in-memory forms")
  {
    for (const char* url : {"sqlite://", "sqlite:///", "sqlite:///:memory:",
                            "sqlite+aiosqlite:///:memory:", "sqlite:///file:m?mode=memory&uri=true"}) {
      CAPTURE(url);
      const DatabaseTarget target = parse_ok(url);
      CHECK(target.memory);
      CHECK(target.path.empty());
      CHECK(target.open_mode() == OpenMode::memory);
      CHECK(target.display() == ":memory:");
    }
  }

  TEST_CASE("driver options are checked; SQLite URI modes are honoured with uri=true")
  {
    const DatabaseTarget other = parse_ok("sqlite:///app.db?timeout=30&check_same_thread=false");
    CHECK(other.path == "app.db");
    CHECK_FALSE(other.read_only);
    const DatabaseTarget ro = parse_ok("sqlite:///file:app.db?mode=ro&uri=true");
    CHECK(ro.path == "app.db");
    CHECK(ro.open_mode() == OpenMode::read_only);
    CHECK(parse_ok("sqlite:///file:app.db?mode=rw&uri=true").open_mode() == OpenMode::read_write);
    CHECK(parse_ok("sqlite:///file:my%20app.db?uri=true").path == "my app.db");
    CHECK(parse_ok("sqlite:///file:///var/app.db?uri=1").path == "/var/app.db");
  }

  TEST_CASE("what SQLAlchemy refuses or would misread is a usage error")
  {
    for (const char* url :
         {"sqlite:app.db", "SQLite:///app.db", "sqlite+nosuch:///app.db", "sqlite://host/app.db",
          "sqlite:///app.db?timeout=soon", "sqlite:///app.db?uri=maybe", "sqlite:///app.db?mode=ro",
          "sqlite:///file:app.db", "sqlite:///app.db?mode=ro&uri=true",
          "sqlite:///file:app.db?mode=RO&uri=true", "sqlite:///file:app.db?vfs=unix&uri=true",
          "sqlite:///file:a%00b.db?uri=true", "sqlite:///file://host/app.db?uri=true"}) {
      CAPTURE(url);
      Result<DatabaseTarget> target = parse_database_url(url);
      REQUIRE_FALSE(target);
      CHECK(target.error().kind == Error::Kind::usage);
    }
    CHECK(parse_ok("./odd:name.db").path == "./odd:name.db");
  }

  TEST_CASE("other databases are a usage error naming the dialect")
  {
    for (const auto& [url, dialect] : std::map<std::string, std::string>{
             {"mysql+pymysql://user:secret@h/db", "mysql"},
             {"mssql+pyodbc://dsn", "mssql"}}) {
      CAPTURE(url);
      Result<DatabaseTarget> target = parse_database_url(url);
      REQUIRE_FALSE(target);
      CHECK(target.error().kind == Error::Kind::usage);
      CHECK(target.error().message ==
            "miglint runs migrations on SQLite and PostgreSQL; got " + dialect);
      CHECK_FALSE(contains(target.error().message, "secret"));
    }
  }

  TEST_CASE("malformed sqlite URLs are usage errors")
  {
    Result<DatabaseTarget> host = parse_database_url("sqlite://localhost/app.db");
    REQUIRE_FALSE(host);
    CHECK(host.error().kind == Error::Kind::usage);
    CHECK(contains(host.error().message, "sqlite:///relative/path.db"));

    Result<DatabaseTarget> empty = parse_database_url("   ");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().kind == Error::Kind::usage);

    Result<DatabaseTarget> cipher = parse_database_url("sqlite+pysqlcipher://:key@/app.db");
    REQUIRE_FALSE(cipher);
    CHECK(contains(cipher.error().message, "encrypted"));
  }
}

TEST_SUITE("sqlite::dotenv")
{
  TEST_CASE("assignments, export, quotes and comments")
  {
    const auto values = parse_dotenv(R"(# a comment
DATABASE_URL=sqlite:///app.db
export ALEMBIC_DATABASE_URL = "sqlite:////srv/app.db"  # trailing comment
SINGLE='$literal ${X} # not a comment'
DOUBLE="line1\nline2 \"quoted\""
UNQUOTED=value with spaces   # comment
HASH=a#b
EMPTY=
  INDENTED=yes
not an assignment
KEY_WITHOUT_VALUE
)");
    CHECK(values.at("DATABASE_URL") == "sqlite:///app.db");
    CHECK(values.at("ALEMBIC_DATABASE_URL") == "sqlite:////srv/app.db");
    CHECK(values.at("SINGLE") == "$literal ${X} # not a comment");
    CHECK(values.at("DOUBLE") == "line1\nline2 \"quoted\"");
    CHECK(values.at("UNQUOTED") == "value with spaces");
    CHECK(values.at("HASH") == "a#b");
    CHECK(values.at("EMPTY") == "");
    CHECK(values.at("INDENTED") == "yes");
    CHECK_FALSE(values.contains("not"));
    CHECK_FALSE(values.contains("KEY_WITHOUT_VALUE"));
  }

  TEST_CASE("single quotes are literal and may span lines")
  {
    const auto values = parse_dotenv("A='${HOME} \\' x'\nB='one\ntwo'\nC=3\n");
    CHECK(values.at("A") == "${HOME} ' x");
    CHECK(values.at("B") == "one\ntwo");
    CHECK(values.at("C") == "3");
  }

  TEST_CASE("${VAR} expands from the environment, then earlier keys, then a default")
  {
    const auto values = parse_dotenv("DATA=/srv/data\n"
                                     "DATABASE_URL=sqlite:///${DATA}/app.db\n"
                                     "FROM_ENV=\"${HOME}/x\"\n"
                                     "DEFAULTED=${MISSING:-fallback}\n"
                                     "BARE=$DATA\n",
                                     fake_env({{"HOME", "/home/me"}}));
    CHECK(values.at("DATABASE_URL") == "sqlite:////srv/data/app.db");
    CHECK(values.at("FROM_ENV") == "/home/me/x");
    CHECK(values.at("DEFAULTED") == "fallback");
    CHECK(values.at("BARE") == "$DATA");
  }

  TEST_CASE("Windows line endings")
  {
    const auto values = parse_dotenv("A=1\r\nB=\"2\"\r\n");
    CHECK(values.at("A") == "1");
    CHECK(values.at("B") == "2");
  }
}

TEST_SUITE("sqlite::resolve_database")
{
  TEST_CASE("--db wins over everything")
  {
    TempDir dir;
    dir.write(".env", "DATABASE_URL=sqlite:///dotenv.db\n");
    Result<DatabaseTarget> target =
        resolve_database("sqlite:///flag.db", dir.path(), "config.db",
                         fake_env({{"ALEMBIC_DATABASE_URL", "sqlite:///env.db"}}));
    REQUIRE(target);
    CHECK(target->path == dir / "flag.db");
    CHECK(target->origin == "--db");
  }

  TEST_CASE("environment: ALEMBIC_DATABASE_URL, then DATABASE_URL")
  {
    TempDir dir;
    Result<DatabaseTarget> both = resolve_database(
        std::nullopt, dir.path(), std::nullopt,
        fake_env({{"ALEMBIC_DATABASE_URL", "sqlite:///a.db"}, {"DATABASE_URL", "sqlite:///b.db"}}));
    REQUIRE(both);
    CHECK(both->path == dir / "a.db");
    CHECK(both->origin == "ALEMBIC_DATABASE_URL (environment)");

    Result<DatabaseTarget> second =
        resolve_database(std::nullopt, dir.path(), std::nullopt,
                         fake_env({{"ALEMBIC_DATABASE_URL", ""}, {"DATABASE_URL", "/abs/b.db"}}));
    REQUIRE(second);
    CHECK(second->path == "/abs/b.db");
  }

  TEST_CASE("then the .env file, then the configuration")
  {
    TempDir dir;
    dir.write(".env", "OTHER=1\nexport DATABASE_URL=\"sqlite:///from_dotenv.db\"\n");
    Result<DatabaseTarget> dotenv =
        resolve_database(std::nullopt, dir.path(), "sqlite:///config.db", fake_env({}));
    REQUIRE(dotenv);
    CHECK(dotenv->path == dir / "from_dotenv.db");
    CHECK(contains(dotenv->origin, "DATABASE_URL in"));

    dir.write(".env", "DATABASE_URL=sqlite:///d.db\nALEMBIC_DATABASE_URL=sqlite:///a.db\n");
    Result<DatabaseTarget> alembic_first =
        resolve_database(std::nullopt, dir.path(), std::nullopt, fake_env({}));
    REQUIRE(alembic_first);
    CHECK(alembic_first->path == dir / "a.db");

    dir.write(".env", "# nothing useful\n");
    Result<DatabaseTarget> config =
        resolve_database(std::nullopt, dir.path(), "sqlite:///config.db", fake_env({}));
    REQUIRE(config);
    CHECK(config->path == dir / "config.db");
    CHECK(config->origin == "the configuration");
  }

  TEST_CASE("nothing configured is not_found, so callers can default to memory")
  {
    TempDir dir;
    Result<DatabaseTarget> none =
        resolve_database(std::nullopt, dir.path(), std::nullopt, fake_env({}));
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == Error::Kind::not_found);
    CHECK(contains(none.error().message, "--db"));
  }

  TEST_CASE("errors name where the URL came from")
  {
    TempDir dir;
    dir.write(".env", "DATABASE_URL=mysql://u:p@db/app\n");
    Result<DatabaseTarget> target =
        resolve_database(std::nullopt, dir.path(), std::nullopt, fake_env({}));
    REQUIRE_FALSE(target);
    CHECK(target.error().kind == Error::Kind::usage);
    CHECK(
        contains(target.error().message, "miglint runs migrations on SQLite and PostgreSQL; got mysql"));
    CHECK(contains(target.error().message, "(from DATABASE_URL in"));

    Result<DatabaseTarget> empty_flag =
        resolve_database(std::string(""), dir.path(), std::nullopt, fake_env({}));
    REQUIRE_FALSE(empty_flag);
    CHECK(empty_flag.error().kind == Error::Kind::usage);
  }

  TEST_CASE("memory and absolute targets are not anchored")
  {
    TempDir dir;
    Result<DatabaseTarget> memory =
        resolve_database("sqlite://", dir.path(), std::nullopt, fake_env({}));
    REQUIRE(memory);
    CHECK(memory->memory);
    CHECK(memory->path.empty());
    Result<DatabaseTarget> absolute =
        resolve_database("sqlite:////tmp/x.db", dir.path(), std::nullopt, fake_env({}));
    REQUIRE(absolute);
    CHECK(absolute->path == "/tmp/x.db");
    Result<DatabaseTarget> unanchored =
        resolve_database("rel.db", std::filesystem::path(), std::nullopt, fake_env({}));
    REQUIRE(unanchored);
    CHECK(unanchored->path == "rel.db");
  }
}
