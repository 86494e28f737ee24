// Revisions printed exactly as Alembic 1.8 prints them (Script._head_only / log_entry),
// except that sets Alembic prints in hash order (labels, children) come out sorted.
#pragma once

#include "graph/revision_graph.hpp"

#include <filesystem>
#include <string>

namespace miglint::cli {

struct LineStyle {
  bool include_branches = false; // " (label, label)"
  bool include_doc = false;      // ", message"
  bool include_parents = false;  // "down -> "
  bool tree_indicators = true;   // " (branchpoint)", " (mergepoint)"
  bool current = false;          // " (current)"
};

// One-line form: `[DOWN[ (DEPS)] -> ]REV[ (LABELS)][ (head)|(effective head)][ (current)]
// [ (branchpoint)][ (mergepoint)][, MESSAGE]`.
std::string revision_line(const graph::RevisionGraph& graph, graph::NodeId id,
                          const LineStyle& style);

// The `--verbose` block (Rev:, Parent:/Merges:, Also depends on:, Branches into:,
// Branch names:, Path:, then the docstring indented by four spaces), newline-terminated.
// `Path:` is absolute, as Alembic prints it: revision paths are relative to `cwd`.
// `commit`, when given, adds a `Commit:` line (the commit that introduced the file).
std::string revision_block(const graph::RevisionGraph& graph, graph::NodeId id, bool current,
                           const std::filesystem::path& cwd, const std::string& commit = {});

// "<base>" or the down revisions as written, joined by ", ".
std::string format_down(const model::Revision& rev);

} // namespace miglint::cli
