// Flags upgrades that drop or rename tables or columns: running code may still use them.
// User docs: rules/MG105-destructive-operation.md
#include "rules/body_effect.hpp"
#include "rules/checks.hpp"

namespace miglint::rules {

void check_destructive_operation(const RuleContext& ctx, Reporter& out)
{
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    if (!rev.upgrade) {
      continue;
    }
    for (const auto& step : rev.upgrade->steps) {
      const std::string what = destructive_description(step);
      if (!what.empty()) {
        out.report(rev, step.span,
                   fmt::format("upgrade of {} {}; deploy code that no longer uses it first, "
                               "or keep it and drop it in a later release",
                               rev.id, what));
      }
    }
  }
}

} // namespace miglint::rules
