#include "fixers/tree_graph.hpp"

#include "readers/reader.hpp"

#include <unistd.h>

namespace miglint::fixers {

namespace {

// The commit a merge in progress merges: MERGE_HEAD, or, in git's pre-merge-commit hook
// (which runs before MERGE_HEAD is written), the GITHEAD_<commit id> variable git merge
// sets for each commit it merges.
model::Result<std::string> merging_commit(const git::Repository& repo)
{
  if (auto merging = repo.resolve_commit("MERGE_HEAD")) {
    return merging;
  }
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (variable.starts_with("GITHEAD_")) {
      const auto id = variable.substr(8, variable.find('=') - 8);
      if (auto found = repo.resolve_commit(std::string(id))) {
        return found;
      }
    }
  }
  return model::make_error("no merge in progress");
}

} // namespace

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

std::set<std::string> merged_in_revisions(const git::Repository& repo,
                                          const config::Project& project,
                                          const std::string& commit)
{
  const std::string at = commit.empty() ? "HEAD" : commit;
  auto ours = repo.resolve_commit(at);
  model::Result<std::string> theirs = model::make_error("not merging");
  if (commit.empty()) {
    theirs = merging_commit(repo);
  }
  if (!theirs) {
    ours = repo.resolve_commit(at + "^1");
    theirs = repo.resolve_commit(at + "^2");
  }
  if (!ours || !theirs) {
    return {};
  }
  auto our_graph = graph_at_commit(repo, project, *ours);
  auto their_graph = graph_at_commit(repo, project, *theirs);
  if (!our_graph || !their_graph) {
    return {};
  }
  std::set<std::string> ids;
  for (const auto& rev : their_graph->graph.revisions()) {
    if (our_graph->graph.find(rev.id) < 0) {
      ids.insert(rev.id);
    }
  }
  return ids;
}

} // namespace miglint::fixers
