// Reports files in the versions directory that cannot be read as revisions (the
// readers' findings), so that nothing there is silently skipped.
// User docs: rules/MG901-unparsable-revision.md
#include "rules/checks.hpp"

namespace miglint::rules {

void check_unparsable_revision(const RuleContext& ctx, Reporter& out)
{
  for (const auto& finding : ctx.read_problems) {
    out.forward(finding);
  }
}

} // namespace miglint::rules
