// Flags a revision graph with more heads than the project intends (one, by default).
// User docs: rules/MG001-multiple-heads.md
#include "rules/checks.hpp"

#include "fixers/rebase.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <set>

namespace miglint::rules {

namespace {

// The newest revisions every head descends from: common ancestors that are not
// ancestors of another common ancestor.
graph::NodeList fork_points(const graph::RevisionGraph& g, const graph::NodeList& heads)
{
  std::vector<bool> common(g.size(), true);
  for (graph::NodeId h : heads) {
    const auto anc = g.ancestors({h}, true);
    for (std::size_t i = 0; i < g.size(); ++i) {
      common[i] = common[i] && anc[i];
    }
  }
  graph::NodeList candidates;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (common[i]) {
      candidates.push_back(static_cast<graph::NodeId>(i));
    }
  }
  graph::NodeList out;
  for (graph::NodeId c : candidates) {
    bool newest = true;
    for (graph::NodeId child : g.node(c).all_children) {
      if (common[child]) {
        newest = false;
        break;
      }
    }
    if (newest) {
      out.push_back(c);
    }
  }
  return out;
}

bool heads_have_own_labels(const graph::RevisionGraph& g, const graph::NodeList& heads)
{
  std::set<std::string> seen;
  for (graph::NodeId h : heads) {
    const auto& labels = g.node(h).labels;
    if (labels.empty()) {
      return false;
    }
    const std::string key = util::join(labels, ",");
    if (!seen.insert(key).second) {
      return false;
    }
  }
  return true;
}

} // namespace

void check_multiple_heads(const RuleContext& ctx, Reporter& out)
{
  if (!ctx.graph_usable) {
    return;
  }
  const auto& g = ctx.graph;
  const auto heads = g.heads();
  const auto max_heads = ctx.options.get_int("max-heads", 1);
  if (static_cast<std::int64_t>(heads.size()) <= max_heads) {
    return;
  }
  if (ctx.options.get_bool("allow-labelled-heads", false) && heads_have_own_labels(g, heads)) {
    return;
  }
  std::vector<std::string> ids;
  for (graph::NodeId h : heads) {
    ids.push_back(g.rev(h).id);
  }
  const auto forks = fork_points(g, heads);
  std::string where;
  if (forks.empty()) {
    where = "they share no common ancestor";
  } else {
    std::vector<std::string> fork_ids;
    for (graph::NodeId f : forks) {
      fork_ids.push_back(g.rev(f).id);
    }
    where = fmt::format("they fork at {}", util::join(fork_ids, ", "));
  }
  const std::string merge_fix = "run `miglint merge -m \"merge heads\"` to join them";
  fixers::KeptHeadHints hints;
  if (ctx.merged_in) {
    hints.merged_in = *ctx.merged_in;
  }
  if (ctx.base) {
    for (const auto& rev : ctx.base->ref_build.graph.revisions()) {
      hints.on_base.insert(rev.id);
    }
  }
  const auto rebase = fixers::plan_rebase_to_one_head(g, hints);
  std::string fix;
  if (!rebase) {
    fix = merge_fix; // no single chain can move: only a merge revision joins them
  } else {
    const std::string moved =
        rebase->moved.size() == 1
            ? rebase->moved.front()
            : fmt::format("{} (and the {} after it)", rebase->moved.front(),
                          rebase->moved.size() - 1);
    const std::string command = fmt::format("miglint rebase --onto {}", rebase->onto);
    fix = ctx.preferred_fix == "rebase"
              ? fmt::format("run `{}` to put {} after {} (or `miglint merge -m \"merge "
                            "heads\"`)",
                            command, moved, rebase->onto)
              : fmt::format("{} (or `{}` to put {} after {} and keep history linear)",
                            merge_fix, command, moved, rebase->onto);
  }
  // One finding, at the newest head; each head and the fork point as notes.
  const graph::NodeId anchor = heads.back();
  auto& d = out.report(g.rev(anchor), g.rev(anchor).id_span,
                       fmt::format("{} heads ({}): {}; {}", heads.size(), util::join(ids, ", "),
                                   where, fix));
  for (graph::NodeId h : heads) {
    const auto& rev = g.rev(h);
    d.notes.push_back({model::Location::in(rev.file, rev.id_span),
                       fmt::format("head {}: \"{}\"", rev.id, rev.message())});
  }
  for (graph::NodeId f : forks) {
    const auto& rev = g.rev(f);
    d.notes.push_back({model::Location::in(rev.file, rev.id_span),
                       fmt::format("the heads fork at {}: \"{}\"", rev.id, rev.message())});
  }
}

} // namespace miglint::rules
