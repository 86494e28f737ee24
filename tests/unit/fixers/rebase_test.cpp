#include "fixers/checkout_advice.hpp"
#include "fixers/heads_file.hpp"
#include "fixers/hook_installer.hpp"
#include "fixers/rebase.hpp"
#include "readers/reader.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace miglint;
using namespace miglint::fixers;

namespace {

std::string py(const std::string& id, const std::string& down, const std::string& quote = "'")
{
  const std::string down_value = down.empty() ? "None" : quote + down + quote;
  return "\"\"\"rev " + id + "\n\nRevision ID: " + id + "\nRevises: " + down +
         "\nCreate Date: 2026-01-01 00:00:00\n\n\"\"\"\nfrom alembic import op\n\nrevision = " +
         quote + id + quote + "\ndown_revision = " + down_value +
         "\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\n"
         "def downgrade() -> None:\n    pass\n";
}

graph::GraphBuild build(const std::vector<std::pair<std::string, std::string>>& revs)
{
  std::vector<model::Revision> out;
  for (const auto& [id, down] : revs) {
    auto file = std::make_shared<model::SourceFile>(
        model::SourceFile{"versions/" + id + "_x.py", py(id, down)});
    auto r = readers::read_alembic(file);
    REQUIRE(r.revision);
    out.push_back(std::move(*r.revision));
  }
  return graph::RevisionGraph::build(std::move(out));
}

} // namespace

TEST_SUITE("fixers::rebase")
{
  TEST_CASE("this branch's chain moves onto the base head, oldest first")
  {
    auto b = build({{"aaa", ""}, {"bbb", "aaa"}, {"ccc", "aaa"}, {"ddd", "ccc"}});
    REQUIRE(b.errors.empty());
    auto plan = plan_rebase(b.graph, "bbb");
    REQUIRE(plan);
    CHECK(plan->oldest == "ccc");
    CHECK(plan->moved == std::vector<std::string>{"ccc", "ddd"});
    CHECK(plan->old_parents == std::vector<std::string>{"aaa"});
  }

  TEST_CASE("nothing to rebase, already on top, and a branching chain are refused")
  {
    auto linear = build({{"aaa", ""}, {"bbb", "aaa"}});
    CHECK(!plan_rebase(linear.graph, "bbb"));
    auto on_top = plan_rebase(linear.graph, "aaa");
    REQUIRE(!on_top);
    CHECK(on_top.error().message.find("already follows") != std::string::npos);
    auto forked = build({{"aaa", ""}, {"bbb", "aaa"}, {"ccc", "aaa"}, {"ddd", "ccc"}, {"eee", "ccc"}});
    auto refused = plan_rebase(forked.graph, "bbb");
    REQUIRE(!refused);
    CHECK(refused.error().message.find("branch at ccc") != std::string::npos);
  }

  TEST_CASE("re-parenting rewrites only the down_revision value and the Revises: line")
  {
    auto file = std::make_shared<model::SourceFile>(
        model::SourceFile{"versions/ccc_x.py", py("ccc", "aaa", "\"")});
    auto r = readers::read_alembic(file);
    REQUIRE(r.revision);
    auto text = reparent_text(*r.revision, "bbb");
    REQUIRE(text);
    std::string expected = py("ccc", "bbb", "\"");
    CHECK(*text == expected);
  }

  TEST_CASE("re-parenting a SQL revision rewrites its Revises: value, even an empty one")
  {
    const std::string sql = "-- add x\n--\n-- Revision ID: ccc\n-- Revises:\n-- Create Date: "
                            "2026-01-01 00:00:00\n\n-- migrate:up\n\n-- migrate:down\n";
    auto file = std::make_shared<model::SourceFile>(model::SourceFile{"versions/ccc_x.sql", sql});
    auto r = readers::read_sql(file);
    REQUIRE(r.revision);
    auto text = reparent_text(*r.revision, "bbb");
    REQUIRE(text);
    CHECK(text->find("-- Revises: bbb\n") != std::string::npos);
    CHECK(text->size() == sql.size() + 4);
  }

  TEST_CASE("checkout advice names the newest revision both branches share")
  {
    auto previous = build({{"aaa", ""}, {"bbb", "aaa"}, {"ccc", "bbb"}});
    auto current = build({{"aaa", ""}, {"bbb", "aaa"}, {"ddd", "bbb"}});
    auto missing = missing_revisions(previous.graph, current.graph, {"ccc"});
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].in_previous);
    CHECK(missing[0].common == std::vector<std::string>{"bbb"});
    CHECK(missing_revisions(previous.graph, current.graph, {"bbb"}).empty());
    auto unknown = missing_revisions(previous.graph, current.graph, {"zzz"});
    REQUIRE(unknown.size() == 1);
    CHECK(!unknown[0].in_previous);
  }

  TEST_CASE("the heads file lists sorted heads under a comment and parses back")
  {
    const std::string text = heads_file_text({"bbb", "aaa"});
    CHECK(text.ends_with("\naaa\nbbb\n"));
    CHECK(parse_heads_file(text) == std::vector<std::string>{"aaa", "bbb"});
  }

  TEST_CASE("the installed hooks are the scripts of hooks/, marked as miglint's")
  {
    for (const auto& script : hook_scripts()) {
      CAPTURE(script.name);
      std::ifstream in(std::string(MIGLINT_SOURCE_DIR) + "/hooks/" + script.name, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      CHECK(ss.str() == script.text);
      const std::string installed = installed_hook_text(script);
      CHECK(is_miglint_hook(installed));
      CHECK(!is_miglint_hook(script.text));
      CHECK(installed.starts_with("#!/bin/sh\n# miglint-hook: "));
    }
  }

  TEST_CASE("an installed hook's checksum tells an edited hook apart")
  {
    const HookScript& script = hook_scripts().front();
    const std::string installed = installed_hook_text(script, "/opt/miglint's/bin/miglint");
    CHECK(classify_hook(installed) == HookContent::as_installed);
    CHECK(classify_hook(installed + "echo more\n") == HookContent::edited);
    std::string marker_edited = installed;
    marker_edited.replace(marker_edited.find("removes it"), 10, "removes it!");
    CHECK(classify_hook(marker_edited) == HookContent::edited);
    const auto at = installed.find("; checksum ");
    REQUIRE(at != std::string::npos);
    const std::string without = installed.substr(0, at) + installed.substr(installed.find('\n', at));
    CHECK(classify_hook(without) == HookContent::unverifiable);
    CHECK(classify_hook(script.text) == HookContent::foreign);
  }
}
