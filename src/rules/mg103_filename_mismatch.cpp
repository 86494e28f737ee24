// Flags files whose name does not carry their revision id (the default file_template,
// `%(rev)s_%(slug)s`, and date-prefixed templates all put it there).
// User docs: rules/MG103-filename-mismatch.md
#include "rules/checks.hpp"

#include <algorithm>

namespace miglint::rules {

void check_filename_mismatch(const RuleContext& ctx, Reporter& out)
{
  for (std::size_t i = 0; i < ctx.graph.size(); ++i) {
    if (!ctx.in_scope[i]) {
      continue;
    }
    const model::Revision& rev = ctx.graph.rev(i);
    const std::string& path = rev.path();
    const std::string name = path.substr(path.find_last_of('/') + 1);
    const std::string stem = name.substr(0, name.find_last_of('.'));
    if (stem.find(rev.id) != std::string::npos) {
      continue;
    }
    // A name that starts with another id is the usual trace of a copied file.
    std::string leading = stem.substr(0, stem.find('_'));
    const bool looks_like_id = leading.size() >= 4 &&
                               std::all_of(leading.begin(), leading.end(), [](char c) {
                                 return std::isxdigit(static_cast<unsigned char>(c));
                               });
    const std::string slug = stem.substr(stem.find('_') == std::string::npos ? stem.size()
                                                                              : stem.find('_'));
    out.report(rev, rev.id_span,
               looks_like_id
                   ? fmt::format("file name {} starts with '{}' but the revision id is '{}'; "
                                 "rename it to {}{}{}",
                                 name, leading, rev.id, rev.id, slug,
                                 name.substr(name.find_last_of('.')))
                   : fmt::format("file name {} does not contain the revision id '{}'", name,
                                 rev.id));
  }
}

} // namespace miglint::rules
