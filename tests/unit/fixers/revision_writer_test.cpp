#include "fixers/revision_writer.hpp"
#include "readers/reader.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace miglint;
using namespace miglint::fixers;

namespace {

std::chrono::system_clock::time_point local_time(int y, int mo, int d, int h, int mi, int s)
{
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm)) +
         std::chrono::microseconds(451688);
}

std::string read_sample(const std::string& name)
{
  std::ifstream in(std::string(MIGLINT_SOURCE_DIR) + "/versions/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

NewRevision merge_revision()
{
  NewRevision rev;
  rev.id = "ce0792d28880";
  rev.message = "merge chat and nutrition branches";
  rev.down_revisions = {"5ffc32d08c59", "f6d6fc9c8a31"};
  rev.created = local_time(2026, 2, 23, 12, 40, 7);
  return rev;
}

} // namespace

TEST_SUITE("fixers::revision_writer")
{
  TEST_CASE("slugs are Alembic's: word runs joined by '_', lower case, cut at 40 back to a '_'")
  {
    CHECK(slugify("Add users table!") == "add_users_table");
    CHECK(slugify("  add  index on users.email ") == "add_index_on_users_email");
    CHECK(slugify("") == "");
    CHECK(slugify("merge heads") == "merge_heads");
    // len > 40: slug[:40].rsplit("_", 1)[0] + "_"
    CHECK(slugify("add a very long message that goes on and on beyond forty chars") ==
          "add_a_very_long_message_that_goes_on_");
    CHECK(slugify("x", 0) == "_");
  }

  TEST_CASE("file_template placeholders expand like Python's %-format")
  {
    NewRevision rev;
    rev.id = "3f2a9c1b7d4e";
    rev.created = local_time(2026, 3, 4, 5, 6, 7);
    CHECK(*expand_file_template("%(rev)s_%(slug)s", rev, "add_users") == "3f2a9c1b7d4e_add_users");
    CHECK(*expand_file_template(
              "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d%(second).2d-%(rev)s_%(slug)s",
              rev, "x") == "2026_03_04_050607-3f2a9c1b7d4e_x");
    CHECK(expand_file_template("%(epoch)s", rev, "x")->size() >= 10);
    CHECK(*expand_file_template("100%%_%(rev)s", rev, "x") == "100%_3f2a9c1b7d4e");
    CHECK(!expand_file_template("%(nope)s", rev, "x"));
    CHECK(!expand_file_template("%(rev", rev, "x"));
  }

  TEST_CASE("revision ids are 12 hex digits")
  {
    const std::string id = generate_revision_id();
    CHECK(id.size() == 12);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(generate_revision_id() != id);
  }

  TEST_CASE("python_repr matches repr() of str, None-free tuples")
  {
    CHECK(python_repr({"a"}) == "'a'");
    CHECK(python_repr({"a", "b"}) == "('a', 'b')");
    CHECK(python_repr({"a"}, false) == "('a',)");
    CHECK(python_repr({"it's"}) == "\"it's\"");
  }

  TEST_CASE("the classic template reproduces Alembic 1.8's merge file byte for byte")
  {
    auto text = render_revision(merge_revision(), Style::classic);
    REQUIRE(text);
    CHECK(*text == read_sample("ce0792d28880_merge_chat_and_nutrition_branches.py"));
  }

  TEST_CASE("a base revision has an empty Revises: and down_revision None")
  {
    NewRevision rev = merge_revision();
    rev.down_revisions.clear();
    auto text = render_revision(rev, Style::classic);
    REQUIRE(text);
    CHECK(text->find("Revises: \nCreate Date: 2026-02-23 12:40:07.451688\n") != std::string::npos);
    CHECK(text->find("down_revision = None\n") != std::string::npos);
  }

  TEST_CASE("the typed template annotates the identifiers and reads back")
  {
    NewRevision rev = merge_revision();
    rev.down_revisions = {"5ffc32d08c59"};
    auto text = render_revision(rev, Style::typed);
    REQUIRE(text);
    CHECK(text->find("from typing import Sequence, Union\n") != std::string::npos);
    CHECK(text->find("down_revision: Union[str, None] = '5ffc32d08c59'\n") != std::string::npos);
    auto file = std::make_shared<model::SourceFile>(model::SourceFile{"versions/x.py", *text});
    auto out = readers::read_alembic(file);
    REQUIRE(out.revision);
    CHECK(out.revision->id == "ce0792d28880");
    CHECK(out.revision->down_revisions == std::vector<std::string>{"5ffc32d08c59"});
    CHECK(out.revision->message() == "merge chat and nutrition branches");
  }

  TEST_CASE("a project template renders the script.py.mako expressions and rejects others")
  {
    NewRevision rev = merge_revision();
    auto text = render_revision(rev, Style::mako,
                                "## comment\n\"\"\"${message}\"\"\"\nrevision = ${repr(up_revision)}\n"
                                "down_revision = ${repr(down_revision)}  # ${down_revision | comma,n}\n");
    REQUIRE(text);
    CHECK(*text == "\"\"\"merge chat and nutrition branches\"\"\"\nrevision = 'ce0792d28880'\n"
                   "down_revision = ('5ffc32d08c59', 'f6d6fc9c8a31')  # 5ffc32d08c59, f6d6fc9c8a31\n");
    CHECK(!render_revision(rev, Style::mako, "${os.system('x')}\n"));
    CHECK(!render_revision(rev, Style::mako, "% if x:\n"));
  }

  TEST_CASE("the SQL form has the header the SQL reader reads")
  {
    NewRevision rev = merge_revision();
    auto text = render_revision(rev, Style::sql);
    REQUIRE(text);
    CHECK(*text == "-- merge chat and nutrition branches\n--\n-- Revision ID: ce0792d28880\n"
                   "-- Revises: 5ffc32d08c59, f6d6fc9c8a31\n-- Create Date: 2026-02-23 12:40:07\n\n"
                   "-- migrate:up\n\n\n-- migrate:down\n\n");
    auto file = std::make_shared<model::SourceFile>(model::SourceFile{"versions/x.sql", *text});
    auto out = readers::read_sql(file);
    REQUIRE(out.revision);
    CHECK(out.revision->down_revisions.size() == 2);
  }

  TEST_CASE("atomic writes refuse to replace a file when exclusive, and leave no temp files")
  {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("miglint-writer-" + generate_revision_id());
    fs::create_directories(dir);
    const fs::path p = dir / "a.py";
    CHECK(write_file_atomic(p, "one\n", true));
    CHECK(!write_file_atomic(p, "two\n", true));
    CHECK(write_file_atomic(p, "three\n"));
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    CHECK(line == "three");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
  }
}
