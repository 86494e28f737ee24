// Flags docstrings whose `Revision ID:` / `Revises:` lines disagree with the code,
// the usual trace of a hand-edited rebase.
// User docs: rules/MG104-header-mismatch.md
#include "rules/checks.hpp"
#include "util/strings.hpp"

#include <algorithm>

namespace miglint::rules {

namespace {

// The value of the `Revises:` line as the file spells it.
std::string written_value(const model::Revision& rev)
{
  const model::Span at = rev.header_revises_span;
  std::string_view line = std::string_view(rev.file->text).substr(at.begin, at.end - at.begin);
  line.remove_prefix(std::min(line.size(), std::string_view("Revises:").size()));
  while (!line.empty() && (line.back() == '"' || line.back() == '\'')) {
    line.remove_suffix(1); // the closing quotes of a one-line docstring
  }
  return std::string(util::strip(line));
}

} // namespace

void check_header_mismatch(const RuleContext& ctx, Reporter& out)
{
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    if (rev.format == model::Format::sql) {
      continue; // the SQL header is the revision's only source of truth
    }
    if (rev.header_id && *rev.header_id != rev.id) {
      out.report(rev, rev.header_id_span,
                 fmt::format("docstring says 'Revision ID: {}' but revision = '{}'; make them "
                             "agree",
                             *rev.header_id, rev.id))
          .notes.push_back({model::Location::in(rev.file, rev.id_span), "revision is set here"});
    }
    const bool down_unresolved =
        std::any_of(rev.unresolved.begin(), rev.unresolved.end(),
                    [](const model::Unresolved& u) { return u.variable == "down_revision"; });
    // A down_revision naming no revision while the docstring names existing ones is a typo
    // in the code: unknown-parent reports it with the docstring's id as the fix, and
    // "update the docstring" would be the wrong advice.
    const auto known = [&](const std::string& id) { return ctx.graph.find(id) >= 0; };
    const bool code_typo =
        rev.header_revises && !rev.header_revises->empty() &&
        std::all_of(rev.header_revises->begin(), rev.header_revises->end(), known) &&
        !std::all_of(rev.down_revisions.begin(), rev.down_revisions.end(), known);
    if (rev.header_revises && !down_unresolved && !code_typo) { // unparsable-revision: unresolved
      auto written = *rev.header_revises;
      auto actual = rev.down_revisions;
      std::sort(written.begin(), written.end());
      std::sort(actual.begin(), actual.end());
      if (written != actual) {
        const std::string down = actual.empty() ? "None" : util::join(rev.down_revisions, ", ");
        // Quoted as written (`Revises: None`, `Revises: ('a', 'b')`): that is what to edit.
        const std::string says =
            rev.header_revises->empty() && written_value(rev).empty()
                ? std::string("docstring's 'Revises:' line is empty")
                : fmt::format("docstring says 'Revises: {}'", written_value(rev));
        out.report(rev, rev.header_revises_span,
                   fmt::format("{} but down_revision is {}; was the revision re-parented by "
                               "hand? update the docstring",
                               says, down))
            .notes.push_back(
                {model::Location::in(rev.file, rev.down_span), "down_revision is set here"});
      }
    }
  }
}

} // namespace miglint::rules
