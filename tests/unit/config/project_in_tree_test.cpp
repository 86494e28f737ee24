// Project discovery in a commit's tree (`lint --ref`, bare repositories): the same
// answers as on disk, read through libgit2 from a real repository built with git.
#include "../sqlite/temp_dir.hpp"
#include "config/project.hpp"
#include "git/repository.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace miglint;
using miglint::sqlite::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& s)
{
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

void run_git(const fs::path& repo, const std::string& args)
{
  const std::string command = "cd " + quoted(repo.string()) +
                              " && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "
                              "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com "
                              "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com git " +
                              args + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

void write(const fs::path& path, const std::string& text)
{
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Committed {
  git::Repository repo;
  std::unique_ptr<source::Source> tree;
};

// Commits what `files` holds, then removes it all from the work tree: discovery may only
// find the project through the commit.
Committed commit_only(const TempDir& dir, const std::vector<std::pair<std::string, std::string>>& files)
{
  run_git(dir.path(), "init -q -b main");
  for (const auto& [path, text] : files) {
    write(dir / path, text);
  }
  run_git(dir.path(), "add -A");
  run_git(dir.path(), "commit -q -m files");
  for (const auto& [path, text] : files) {
    fs::remove(dir / path);
  }
  auto repo = git::Repository::discover(dir.path());
  REQUIRE(repo);
  auto head = repo->resolve_commit("HEAD");
  REQUIRE(head);
  auto tree = repo->tree_source(*head);
  REQUIRE(tree);
  return {std::move(*repo), std::move(*tree)};
}

} // namespace

TEST_SUITE("config::discover_project_in_tree")
{
  TEST_CASE("from the top, the default versions directory is a tree path shown as is")
  {
    TempDir dir;
    auto c = commit_only(dir, {{"versions/a_x.py", "revision = 'a'\n"}});
    auto project = config::discover_project_in_tree(*c.tree, c.repo.workdir(), {});
    REQUIRE(project);
    CHECK(project->in_tree);
    REQUIRE(project->version_dirs.size() == 1);
    CHECK(project->version_dirs[0].path == "versions");
    CHECK(project->version_dirs[0].display_path == "versions");
    CHECK(project->found_by == "default location");
  }

  TEST_CASE("from a subdirectory, alembic.ini is found in a parent and paths show from there")
  {
    TempDir dir;
    auto c = commit_only(dir, {{"app/db/alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n"},
                               {"app/db/migrations/versions/a_x.py", "revision = 'a'\n"},
                               {"app/db/migrations/env.py", "\n"}});
    for (const auto& [start, shown] :
         std::vector<std::pair<std::string, std::string>>{
             {"app/db", "migrations/versions"},
             {"app/db/migrations/versions", ""},
             {"app/db/migrations", "versions"}}) {
      CAPTURE(start);
      auto project = config::discover_project_in_tree(*c.tree, c.repo.workdir(), {}, start);
      REQUIRE(project);
      CHECK(project->found_by == "alembic.ini");
      CHECK(project->root == fs::absolute(c.repo.workdir() / "app/db").lexically_normal());
      REQUIRE(project->version_dirs.size() == 1);
      CHECK(project->version_dirs[0].path == "app/db/migrations/versions");
      CHECK(project->version_dirs[0].display_path == shown);
    }
    // From the top, nothing says where the project is.
    auto top = config::discover_project_in_tree(*c.tree, c.repo.workdir(), {});
    REQUIRE(!top);
    CHECK(top.error().kind == model::Error::Kind::not_found);
  }

  TEST_CASE("with no config, the default locations are looked for up to the top")
  {
    TempDir dir;
    auto c = commit_only(dir, {{"migrations/versions/a_x.py", "revision = 'a'\n"},
                               {"src/pkg/mod.py", "\n"}});
    auto project = config::discover_project_in_tree(*c.tree, c.repo.workdir(), {}, "src/pkg");
    REQUIRE(project);
    REQUIRE(project->version_dirs.size() == 1);
    CHECK(project->version_dirs[0].path == "migrations/versions");
    CHECK(project->version_dirs[0].display_path == "../../migrations/versions");
  }

  TEST_CASE("miglint.toml in a parent wins, and --versions is relative to the start")
  {
    TempDir dir;
    auto c = commit_only(dir, {{"miglint.toml", "versions = \"db/revs\"\n"},
                               {"db/revs/a_x.py", "revision = 'a'\n"},
                               {"db/other/b_x.py", "revision = 'b'\n"}});
    auto project = config::discover_project_in_tree(*c.tree, c.repo.workdir(), {}, "db");
    REQUIRE(project);
    CHECK(project->found_by == "miglint.toml");
    REQUIRE(project->version_dirs.size() == 1);
    CHECK(project->version_dirs[0].path == "db/revs");
    CHECK(project->version_dirs[0].display_path == "revs");
    auto given = config::discover_project_in_tree(*c.tree, c.repo.workdir(),
                                                  {std::string("other"), std::nullopt}, "db");
    REQUIRE(given);
    CHECK(given->version_dirs[0].path == "db/other");
    // A config naming a directory the commit lacks is a usage error, not "nothing here".
    auto missing = config::discover_project_in_tree(*c.tree, c.repo.workdir(),
                                                    {std::string("gone"), std::nullopt}, "db");
    REQUIRE(!missing);
    CHECK(missing.error().kind == model::Error::Kind::usage);
  }
}
