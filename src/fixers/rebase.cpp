#include "fixers/rebase.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace miglint::fixers {

namespace {

model::Error refuse(std::string message)
{
  return model::make_error(std::move(message), model::Error::Kind::usage);
}

struct Edit {
  std::uint32_t begin;
  std::uint32_t end;
  std::string text;
};

// The value part of a Python docstring's `Revises: a, b` line, whose span runs from the
// label to the end of the line (a one-line docstring may end in its closing quotes).
Edit revises_value_edit(const std::string& text, model::Span span, const std::string& id)
{
  const std::string_view line(text.data() + span.begin, span.end - span.begin);
  std::uint32_t begin = span.begin;
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    begin = span.begin + static_cast<std::uint32_t>(colon) + 1;
  }
  std::string prefix;
  if (begin < span.end && text[begin] == ' ') {
    ++begin;
  } else {
    prefix = " ";
  }
  std::uint32_t end = span.end;
  while (end > begin && (text[end - 1] == '"' || text[end - 1] == '\'' ||
                         text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r')) {
    --end;
  }
  return Edit{begin, end, prefix + id};
}

} // namespace

model::Result<RebasePlan> plan_rebase(const graph::RevisionGraph& graph, const std::string& onto,
                                      const std::vector<std::string>& base_ids)
{
  const graph::NodeId target = graph.find(onto);
  const bool on_base = std::find(base_ids.begin(), base_ids.end(), onto) != base_ids.end();
  if (target < 0 && !on_base) {
    return refuse(fmt::format("cannot rebase onto '{}': no such revision here", onto));
  }
  std::vector<bool> below(graph.size(), false);
  if (target >= 0) {
    below = graph.ancestors({target}, false);
  } else {
    for (std::size_t i = 0; i < graph.size(); ++i) {
      const auto& id = graph.rev(static_cast<graph::NodeId>(i)).id;
      below[i] = std::find(base_ids.begin(), base_ids.end(), id) != base_ids.end();
    }
  }
  std::vector<graph::NodeId> branch;
  for (std::size_t i = 0; i < graph.size(); ++i) {
    if (!below[i]) {
      branch.push_back(static_cast<graph::NodeId>(i));
    }
  }
  if (branch.empty()) {
    return refuse(fmt::format("nothing to rebase: every revision is already below {}", onto));
  }
  auto in_branch = [&](graph::NodeId n) {
    return std::find(branch.begin(), branch.end(), n) != branch.end();
  };
  std::vector<std::string> ids;
  for (graph::NodeId n : branch) {
    ids.push_back(graph.rev(n).id);
  }
  const std::string listed = util::join(ids, ", ");
  std::vector<graph::NodeId> roots;
  for (graph::NodeId n : branch) {
    const auto& node = graph.node(n);
    if (node.down.size() > 1) {
      return refuse(fmt::format(
          "cannot rebase: this branch's revisions ({}) include the merge revision {}; remove it "
          "and run `miglint rebase` again, or keep the merge",
          listed, graph.rev(n).id));
    }
    std::size_t children_here = 0;
    for (graph::NodeId c : node.children) {
      children_here += in_branch(c);
    }
    if (children_here > 1) {
      return refuse(fmt::format(
          "cannot rebase: this branch's revisions ({}) branch at {}; join them with `miglint "
          "merge` first",
          listed, graph.rev(n).id));
    }
    if (node.down.empty() || !in_branch(node.down.front())) {
      roots.push_back(n);
    }
  }
  if (roots.size() != 1) {
    return refuse(fmt::format(
        "cannot rebase: this branch's revisions ({}) are not one chain (they start at {} "
        "places)",
        listed, roots.size()));
  }
  RebasePlan plan;
  plan.onto = target >= 0 ? graph.rev(target).id : onto;
  plan.oldest = graph.rev(roots.front()).id;
  plan.old_parents = graph.rev(roots.front()).down_revisions;
  for (graph::NodeId n = roots.front();;) {
    plan.moved.push_back(graph.rev(n).id);
    graph::NodeId next = -1;
    for (graph::NodeId c : graph.node(n).children) {
      if (in_branch(c)) {
        next = c;
      }
    }
    if (next < 0) {
      break;
    }
    n = next;
  }
  if (plan.old_parents.size() == 1 && plan.old_parents.front() == plan.onto) {
    return refuse(fmt::format("nothing to rebase: {} already follows {}", plan.oldest, plan.onto));
  }
  return plan;
}

std::optional<RebasePlan> plan_rebase_to_one_head(const graph::RevisionGraph& graph,
                                                  const KeptHeadHints& hints)
{
  const auto heads = graph.heads();
  if (heads.size() != 2) {
    return std::nullopt; // moving one chain leaves a head behind
  }
  std::vector<RebasePlan> plans;
  for (graph::NodeId h : heads) {
    if (auto plan = plan_rebase(graph, graph.rev(h).id)) {
      plans.push_back(std::move(*plan));
    }
  }
  if (plans.size() < 2) {
    return plans.empty() ? std::nullopt : std::optional(plans.front());
  }
  auto keeping = [&](const std::set<std::string>& ids) -> std::optional<RebasePlan> {
    const bool first = ids.count(plans[0].onto) > 0;
    if (first == (ids.count(plans[1].onto) > 0)) {
      return std::nullopt;
    }
    return first ? plans[0] : plans[1];
  };
  if (hints.merged_in) {
    if (auto plan = keeping(hints.merged_in())) {
      return plan;
    }
  }
  if (auto plan = keeping(hints.on_base)) {
    return plan;
  }
  return plans[1].moved.size() < plans[0].moved.size() ? plans[1] : plans[0];
}

model::Result<std::string> reparent_text(const model::Revision& rev, const std::string& new_parent)
{
  const std::string& text = rev.file->text;
  std::vector<Edit> edits;
  if (rev.format == model::Format::sql) {
    if (rev.down_span.end == 0 && rev.down_span.begin == 0) {
      return refuse(fmt::format("{}: no `-- Revises:` line to rewrite", rev.path()));
    }
    edits.push_back(Edit{rev.down_span.begin, rev.down_span.end, new_parent});
    // An empty value right after "Revises:" needs its separating space.
    if (rev.down_span.begin == rev.down_span.end && rev.down_span.begin > 0 &&
        text[rev.down_span.begin - 1] == ':') {
      edits.back().text = " " + new_parent;
    }
  } else {
    if (rev.down_span.end <= rev.down_span.begin) {
      return refuse(fmt::format("{}: no `down_revision = ...` value to rewrite", rev.path()));
    }
    const std::string_view old(text.data() + rev.down_span.begin,
                               rev.down_span.end - rev.down_span.begin);
    const char quote = old.find('"') != std::string_view::npos &&
                               old.find('\'') == std::string_view::npos
                           ? '"'
                           : '\'';
    edits.push_back(Edit{rev.down_span.begin, rev.down_span.end,
                         std::string(1, quote) + new_parent + std::string(1, quote)});
    if (rev.header_revises) {
      edits.push_back(revises_value_edit(text, rev.header_revises_span, new_parent));
    }
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  std::string out = text;
  for (const auto& e : edits) {
    out.replace(e.begin, e.end - e.begin, e.text);
  }
  return out;
}

} // namespace miglint::fixers
