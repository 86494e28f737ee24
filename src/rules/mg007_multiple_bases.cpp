// Flags several revisions that start from an empty database (several roots), unless
// each root carries a branch label, the way intentional multi-root projects are built.
// User docs: rules/MG007-multiple-bases.md
#include "rules/checks.hpp"

#include "util/strings.hpp"

namespace miglint::rules {

void check_multiple_bases(const RuleContext& ctx, Reporter& out)
{
  if (!ctx.graph_usable) {
    return;
  }
  const auto& g = ctx.graph;
  const auto bases = g.bases();
  if (bases.size() < 2) {
    return;
  }
  bool all_labelled = true;
  std::vector<std::string> ids;
  for (graph::NodeId b : bases) {
    all_labelled = all_labelled && !g.rev(b).branch_labels.empty();
    ids.push_back(g.rev(b).id);
  }
  if (all_labelled) {
    return;
  }
  const auto& last = g.rev(bases.back());
  auto& d = out.report(last, last.down_span.end > 0 ? last.down_span : last.id_span,
                       fmt::format("{} revisions start from an empty database ({}); give each "
                                   "root a branch label if that is intended, or set its "
                                   "down_revision",
                                   bases.size(), util::join(ids, ", ")));
  for (graph::NodeId b : bases) {
    const auto& rev = g.rev(b);
    d.notes.push_back({model::Location::in(rev.file, rev.id_span),
                       fmt::format("base {}: \"{}\"", rev.id, rev.message())});
  }
}

} // namespace miglint::rules
