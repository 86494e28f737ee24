#include "fixers/checkout_advice.hpp"

namespace miglint::fixers {

std::vector<MissingRevision> missing_revisions(const graph::RevisionGraph& previous,
                                               const graph::RevisionGraph& current,
                                               const std::vector<std::string>& db_rows)
{
  std::vector<MissingRevision> out;
  for (const auto& row : db_rows) {
    if (current.find(row) >= 0) {
      continue;
    }
    MissingRevision m;
    m.id = row;
    const graph::NodeId n = previous.find(row);
    m.in_previous = n >= 0;
    if (n >= 0) {
      // Shared = ancestors of the row (in the previous branch) that this branch has too;
      // the target is the newest of them: those no other shared revision descends from.
      const auto below = previous.ancestors({n}, false);
      graph::NodeList shared;
      for (std::size_t i = 0; i < previous.size(); ++i) {
        if (below[i] && current.find(previous.rev(static_cast<graph::NodeId>(i)).id) >= 0) {
          shared.push_back(static_cast<graph::NodeId>(i));
        }
      }
      std::vector<bool> covered(previous.size(), false);
      for (graph::NodeId s : shared) {
        const auto anc = previous.ancestors({s}, false);
        for (std::size_t i = 0; i < previous.size(); ++i) {
          if (anc[i] && static_cast<graph::NodeId>(i) != s) {
            covered[i] = true;
          }
        }
      }
      for (graph::NodeId s : shared) {
        if (!covered[static_cast<std::size_t>(s)]) {
          m.common.push_back(previous.rev(s).id);
        }
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace miglint::fixers
