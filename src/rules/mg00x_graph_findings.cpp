// Graph findings made while building the graph (RevisionGraph::build): cycle,
// unknown-parent, duplicate-revision, unknown-dependency, duplicate-branch-label,
// invalid-revision-id; and the heads file check (stale-heads-file), made by the command
// that reads the file.
// User docs: rules/MG002-cycle.md ... rules/MG009-invalid-revision-id.md
#include "rules/checks.hpp"

namespace miglint::rules {

namespace {
void forward_code(const RuleContext& ctx, Reporter& out)
{
  for (const auto& finding : ctx.graph_errors) {
    if (finding.code == out.info().code) {
      out.forward(finding);
    }
  }
}
} // namespace

// MG008: the heads file is read by the command (I/O); the finding arrives precomputed.
void check_stale_heads_file(const RuleContext& ctx, Reporter& out)
{
  if (ctx.precomputed == nullptr) {
    return;
  }
  for (const auto& finding : *ctx.precomputed) {
    if (finding.code == out.info().code) {
      out.forward(finding);
    }
  }
}

void check_cycle(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

void check_unknown_parent(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

void check_duplicate_revision(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

void check_unknown_dependency(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

void check_duplicate_branch_label(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

void check_invalid_revision_id(const RuleContext& ctx, Reporter& out)
{
  forward_code(ctx, out);
}

} // namespace miglint::rules
