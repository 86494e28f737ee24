// Flags files whose name does not carry their revision id, when the project's
// file_template puts the id into names (the default `%(rev)s_%(slug)s` and date-prefixed
// templates do; a template without `%(rev)s` names files by date or slug only).
// User docs: rules/MG103-filename-mismatch.md
#include "rules/checks.hpp"

namespace miglint::rules {

namespace {

// Why the name is wrong and the name Alembic would have given the file: the present
// name with its id part corrected when the name has the template's shape (a copied
// file), else the template expanded from the revision's message and `Create Date:`.
std::string advice(const config::FileNaming& naming, const config::FileTemplate& file_template,
                   const model::Revision& rev, const std::string& name)
{
  const auto dot = name.find_last_of('.');
  const std::string stem = name.substr(0, dot);
  const std::string extension = dot == std::string::npos ? "" : name.substr(dot);
  // The template is worth naming only when the project chose its own.
  const std::string following = naming.file_template == config::FileNaming{}.file_template
                                    ? ""
                                    : fmt::format(" (file_template {})", naming.file_template);
  if (auto renamed = file_template.with_rev(stem, rev.id)) {
    return fmt::format("file name {} carries '{}' where the revision id goes, but the "
                       "revision id is '{}'; rename it to {}{}{}",
                       name, renamed->old_rev, rev.id, renamed->stem, extension, following);
  }
  const std::string what =
      fmt::format("file name {} does not contain the revision id '{}'", name, rev.id);
  const config::NameFields fields{rev.id,
                                  config::slugify(rev.message(), naming.truncate_slug_length),
                                  config::parse_create_date(rev.doc)};
  auto expanded = file_template.expand(fields);
  return expanded ? fmt::format("{}; rename it to {}{}{}", what, *expanded, extension, following)
                  : what;
}

} // namespace

void check_filename_mismatch(const RuleContext& ctx, Reporter& out)
{
  const config::FileNaming naming = ctx.naming ? *ctx.naming : config::FileNaming{};
  auto file_template = config::FileTemplate::parse(naming.file_template);
  if (!file_template || !file_template->uses("rev")) {
    return; // names carry no id to check (a broken template is `new`'s error to report)
  }
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    const std::string& path = rev.path();
    const std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.find(rev.id) == std::string::npos) {
      out.report(rev, rev.id_span, advice(naming, *file_template, rev, name));
    }
  }
}

} // namespace miglint::rules
