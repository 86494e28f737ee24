#include "fixers/tree_graph.hpp"

#include "readers/reader.hpp"

namespace miglint::fixers {

model::Result<graph::GraphBuild> graph_at_commit(const git::Repository& repo,
                                                 const config::Project& project,
                                                 const std::string& commit)
{
  auto tree = repo.tree_source(commit);
  if (!tree) {
    return tree.error();
  }
  std::vector<model::Revision> revisions;
  for (const auto& dir : project.version_dirs) {
    // A project found in a tree (bare repository, --ref) already holds tree paths.
    const std::string rel =
        project.in_tree ? dir.path
                        : repo.relative(std::filesystem::absolute(dir.path).lexically_normal());
    auto loaded = source::load_revision_files(**tree, {source::VersionDir{rel, dir.display_path}});
    if (!loaded) {
      if (loaded.error().kind == model::Error::Kind::not_found) {
        continue;
      }
      return loaded.error();
    }
    for (const auto& file : loaded->files) {
      auto outcome = readers::read_revision(file);
      if (outcome.revision) {
        revisions.push_back(std::move(*outcome.revision));
      }
    }
  }
  return graph::RevisionGraph::build(std::move(revisions));
}

} // namespace miglint::fixers
