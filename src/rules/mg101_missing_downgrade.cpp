// Flags revisions whose upgrade changes the database while the downgrade does nothing.
// User docs: rules/MG101-missing-downgrade.md
#include "rules/body_effect.hpp"
#include "rules/checks.hpp"

namespace miglint::rules {

void check_missing_downgrade(const RuleContext& ctx, Reporter& out)
{
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    const BodyEffect up = classify(rev.upgrade ? &*rev.upgrade : nullptr);
    if (up.effect == Effect::none) {
      continue; // an empty merge revision needs no downgrade
    }
    const model::Body* down = rev.downgrade ? &*rev.downgrade : nullptr;
    // A downgrade of session settings only (`SET lock_timeout`) reverses nothing either.
    if (down && !down->raises && classify(down).effect != Effect::none) {
      continue;
    }
    const bool sql = rev.format == model::Format::sql;
    const std::string what = !down ? (sql ? "has no `-- migrate:down` section" : "has no downgrade()")
                             : down->raises ? "has a downgrade() that only raises"
                                            : (sql ? "has an empty `-- migrate:down` section"
                                                   : "has a downgrade() that does nothing");
    const std::string change =
        up.effect == Effect::schema
            ? fmt::format("its upgrade changes the schema ({})", up.first_schema_step->name)
            : "its upgrade changes data only";
    const std::string suppress = sql ? "-- miglint: ignore[missing-downgrade] <reason>"
                                     : "# miglint: ignore[missing-downgrade] <reason>";
    const model::Span at = down ? down->name_span : rev.upgrade->name_span;
    auto& d = out.report(rev, at,
                         fmt::format("revision {} {} but {}; write the reverse steps, or mark "
                                     "it irreversible with `{}`",
                                     rev.id, what, change, suppress));
    if (up.effect == Effect::data) {
      Reporter::soften(d); // data backfills often cannot be undone
    }
    if (down) {
      d.notes.push_back({model::Location::in(rev.file, rev.upgrade->name_span),
                         sql ? "the upgrade section starts here" : "upgrade() is defined here"});
    }
  }
}

} // namespace miglint::rules
