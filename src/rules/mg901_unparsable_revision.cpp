// Reports files in the versions directory that cannot be read as revisions (the
// readers' findings), and assignments the reader could not resolve without running Python,
// so that nothing there is silently skipped or guessed.
// User docs: rules/MG901-unparsable-revision.md
#include "readers/reader.hpp"
#include "rules/checks.hpp"

namespace miglint::rules {

void check_unparsable_revision(const RuleContext& ctx, Reporter& out)
{
  for (const auto& finding : ctx.read_problems) {
    out.forward(finding);
  }
  // `down_revision = PARENT` reads as no parent at all; say so instead of letting the
  // revision pass for a second base.
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    for (const auto& u : rev.unresolved) {
      out.report(rev, u.span, readers::unresolved_message(u));
    }
  }
}

} // namespace miglint::rules
