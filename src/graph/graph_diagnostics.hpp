// Findings that make a revision graph unusable, each pointing at the line responsible.
#pragma once

#include "graph/revision_graph.hpp"

namespace miglint::graph {

model::Diagnostic duplicate_revision(const model::Revision& rev, const model::Revision& first);
model::Diagnostic illegal_revision_id(const model::Revision& rev);
model::Diagnostic duplicate_branch_label(const model::Revision& rev, const std::string& label,
                                         const model::Revision& owner);
model::Diagnostic self_loop(const model::Revision& rev);
model::Diagnostic unknown_parent(const model::Revision& rev, const std::string& parent,
                                 const std::vector<model::Revision>& all);
model::Diagnostic unknown_dependency(const model::Revision& rev, const std::string& dependency,
                                     const std::vector<model::Revision>& all);

// One cycle through down_revision or depends_on edges, as the list of nodes along it
// (first == last omitted); empty when the graph is acyclic.
NodeList find_cycle(const RevisionGraph& graph);
model::Diagnostic cycle_diagnostic(const RevisionGraph& graph, const NodeList& cycle);

} // namespace miglint::graph
