// Plans on a hand-built graph. The expected orders and version rows are what Alembic 1.8
// does on the equivalent directory (tests/e2e/test_engine_alembic_interop.py runs both).
#include "graph/planner.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <memory>
#include <string>
#include <vector>

using namespace miglint;
using graph::VersionChange;
using Ids = std::vector<std::string>;

namespace {

model::Revision revision(const std::string& id, Ids down, Ids labels = {})
{
  model::Revision rev;
  rev.format = model::Format::sql;
  rev.file = std::make_shared<model::SourceFile>(model::SourceFile{id + ".sql", ""});
  rev.id = id;
  rev.down_revisions = std::move(down);
  rev.branch_labels = std::move(labels);
  return rev;
}

// a1 - b2 (branchpoint) - c3 --\
//                  \- d4 ---- e5 (merge) - f6 - g7;   x1 (aux) - x2
graph::RevisionGraph library()
{
  std::vector<model::Revision> revs;
  revs.push_back(revision("a1a1a1", {}));
  revs.push_back(revision("b2b2b2", {"a1a1a1"}));
  revs.push_back(revision("c3c3c3", {"b2b2b2"}));
  revs.push_back(revision("d4d4d4", {"b2b2b2"}));
  revs.push_back(revision("e5e5e5", {"c3c3c3", "d4d4d4"}));
  revs.push_back(revision("f6f6f6", {"e5e5e5"}));
  revs.push_back(revision("g7g7g7", {"f6f6f6"}));
  revs.push_back(revision("x1x1x1", {}, {"aux"}));
  revs.push_back(revision("x2x2x2", {"x1x1x1"}));
  auto build = graph::RevisionGraph::build(std::move(revs));
  REQUIRE(build.errors.empty());
  return std::move(build.graph);
}

Ids order(const graph::RevisionGraph& g, const graph::Plan& plan)
{
  Ids out;
  for (const auto& s : plan.steps) {
    out.push_back(g.rev(s.rev).id);
  }
  return out;
}

graph::Plan require_plan(const model::Result<graph::Plan>& plan)
{
  REQUIRE_MESSAGE(plan, (plan ? std::string() : plan.error().message));
  return *plan;
}

} // namespace

TEST_SUITE("graph::planner")
{
  TEST_CASE("upgrade from base to a prefix inserts then updates the row")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_upgrade(g, {}, "b2b2"));
    CHECK(order(g, plan) == Ids{"a1a1a1", "b2b2b2"});
    CHECK(plan.steps[0].changes == std::vector<VersionChange>{{VersionChange::Kind::insert, "", "a1a1a1"}});
    CHECK(plan.steps[1].changes ==
          std::vector<VersionChange>{{VersionChange::Kind::update, "a1a1a1", "b2b2b2"}});
    CHECK(plan.heads_after == Ids{"b2b2b2"});
  }

  TEST_CASE("label@head upgrades only that branch, as a new row")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_upgrade(g, {"c3c3c3"}, "aux@head"));
    CHECK(order(g, plan) == Ids{"x1x1x1", "x2x2x2"});
    CHECK(plan.heads_after == Ids{"c3c3c3", "x2x2x2"});
  }

  TEST_CASE("a sibling of the current head becomes a new branch row")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_upgrade(g, {"c3c3c3", "x2x2x2"}, "d4d4d4"));
    CHECK(order(g, plan) == Ids{"d4d4d4"});
    CHECK(plan.steps[0].changes == std::vector<VersionChange>{{VersionChange::Kind::insert, "", "d4d4d4"}});
  }

  TEST_CASE("upgrading a merge point collapses its parents into one row")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_upgrade(g, {"c3c3c3", "d4d4d4", "x2x2x2"}, "heads"));
    CHECK(order(g, plan) == Ids{"e5e5e5", "f6f6f6", "g7g7g7"});
    REQUIRE(plan.steps[0].changes.size() == 2);
    CHECK(plan.steps[0].changes[0].kind == VersionChange::Kind::remove);
    CHECK(plan.steps[0].changes[1].kind == VersionChange::Kind::update);
    CHECK(plan.heads_after == Ids{"g7g7g7", "x2x2x2"});
  }

  TEST_CASE("upgrade heads from base walks in reverse history order")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_upgrade(g, {}, "heads"));
    CHECK(plan.steps.size() == 9);
    CHECK(plan.heads_after == Ids{"g7g7g7", "x2x2x2"});
    // Every revision comes after its parents.
    const auto ids = order(g, plan);
    auto pos = [&](const std::string& id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
    CHECK(pos("e5e5e5") > pos("c3c3c3"));
    CHECK(pos("e5e5e5") > pos("d4d4d4"));
    CHECK(pos("x2x2x2") > pos("x1x1x1"));
  }

  TEST_CASE("downgrading across a merge point re-inserts the other parent")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_downgrade(g, {"g7g7g7", "x2x2x2"}, "c3c3c3"));
    CHECK(order(g, plan) == Ids{"g7g7g7", "f6f6f6", "e5e5e5"});
    CHECK(plan.heads_after == Ids{"c3c3c3", "d4d4d4", "x2x2x2"});
  }

  TEST_CASE("label@base drops only that branch")
  {
    const auto g = library();
    const auto plan = require_plan(graph::plan_downgrade(g, {"c3c3c3", "x2x2x2"}, "aux@base"));
    CHECK(order(g, plan) == Ids{"x2x2x2", "x1x1x1"});
    CHECK(plan.heads_after == Ids{"c3c3c3"});
  }

  TEST_CASE("relative targets")
  {
    const auto g = library();
    CHECK(order(g, require_plan(graph::plan_upgrade(g, {}, "a1a1a1+1"))) ==
          Ids{"a1a1a1", "b2b2b2"});
    CHECK_FALSE(graph::plan_upgrade(g, {}, "a1a1a1+2")); // b2b2b2 branches: ambiguous walk
    CHECK(order(g, require_plan(graph::plan_downgrade(g, {"g7g7g7"}, "-1"))) == Ids{"g7g7g7"});
    CHECK(order(g, require_plan(graph::plan_downgrade(g, {"g7g7g7"}, "g7g7g7-2"))) ==
          Ids{"g7g7g7", "f6f6f6"});
    CHECK_FALSE(graph::plan_downgrade(g, {"g7g7g7"}, "g7g7g7-3")); // e5e5e5 merges: ambiguous
    CHECK_FALSE(graph::plan_upgrade(g, {"c3c3c3", "x2x2x2"}, "+1"));
    CHECK_FALSE(graph::plan_downgrade(g, {"g7g7g7"}, "+1"));
  }

  TEST_CASE("head with two heads fails naming them")
  {
    const auto g = library();
    const auto plan = graph::plan_upgrade(g, {}, "head");
    REQUIRE_FALSE(plan);
    CHECK(plan.error().message.find("'heads'") != std::string::npos);
    CHECK(plan.error().message.find("g7g7g7") != std::string::npos);
  }

  TEST_CASE("a database at an unknown revision is reported, not planned")
  {
    const auto g = library();
    const auto plan = graph::plan_upgrade(g, {"zzzz99"}, "heads");
    REQUIRE_FALSE(plan);
    CHECK(plan.error().kind == model::Error::Kind::not_found);
    CHECK(plan.error().message.find("zzzz99") != std::string::npos);
  }

  TEST_CASE("stamp moves rows without revisions")
  {
    const auto g = library();
    auto down = require_plan(graph::plan_stamp(g, {"e5e5e5"}, {"b2b2b2"}, false));
    CHECK(down.heads_after == Ids{"b2b2b2"});
    auto up = require_plan(graph::plan_stamp(g, {"b2b2b2"}, {"heads"}, false));
    CHECK(up.heads_after == Ids{"g7g7g7", "x2x2x2"});
    auto base = require_plan(graph::plan_stamp(g, {"g7g7g7", "x2x2x2"}, {"base"}, false));
    CHECK(base.heads_after.empty());
    auto purge = require_plan(graph::plan_stamp(g, {"zzzz99"}, {"c3c3c3"}, true));
    CHECK(purge.purge);
    CHECK(purge.heads_after == Ids{"c3c3c3"});
  }

  TEST_CASE("current shows applied branch heads")
  {
    const auto g = library();
    const auto heads = graph::current_branch_heads(g, {g.find("c3c3c3"), g.find("x1x1x1")});
    REQUIRE(heads.size() == 2);
    CHECK(g.rev(heads[0]).id == "c3c3c3");
    CHECK(g.rev(heads[1]).id == "x1x1x1");
  }
}
