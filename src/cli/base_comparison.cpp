#include "cli/base_comparison.hpp"

#include "readers/reader.hpp"

#include <fmt/format.h>
#include <set>

namespace miglint::cli {

namespace {

model::Result<std::vector<std::shared_ptr<const model::SourceFile>>>
files_at(const git::Repository& repo, const std::string& commit,
         const std::vector<source::VersionDir>& dirs)
{
  auto tree = repo.tree_source(commit);
  if (!tree) {
    return tree.error();
  }
  std::vector<std::shared_ptr<const model::SourceFile>> files;
  for (const auto& dir : dirs) {
    auto loaded = source::load_revision_files(**tree, {dir});
    if (!loaded) {
      if (loaded.error().kind == model::Error::Kind::not_found) {
        continue; // the directory does not exist yet on that side
      }
      return loaded.error();
    }
    files.insert(files.end(), loaded->files.begin(), loaded->files.end());
  }
  return files;
}

// Who added each file, as of each of `commits` (this branch's HEAD and REF), from one
// history walk per versions directory shared by all of them.
std::vector<std::map<std::string, rules::Introduction>>
introductions(const git::Repository& repo, const std::vector<std::string>& commits,
              const std::vector<source::VersionDir>& dirs, std::string& problem)
{
  std::vector<std::map<std::string, rules::Introduction>> out(commits.size());
  for (const auto& dir : dirs) {
    auto added = repo.introducing_commits(commits, dir.path);
    if (!added) {
      problem = added.error().message;
      return out;
    }
    for (std::size_t i = 0; i < commits.size(); ++i) {
      for (const auto& [name, info] : (*added)[i]) {
        const std::string path = dir.display_path.empty() ? name : dir.display_path + "/" + name;
        out[i][path] = {info.short_id, info.author, info.date, info.subject};
      }
    }
  }
  return out;
}

} // namespace

std::vector<source::VersionDir> git_version_dirs(const config::Project& project,
                                                 const git::Repository& repo)
{
  if (repo.is_bare()) {
    return project.version_dirs; // found in HEAD's tree: already paths in the tree
  }
  std::vector<source::VersionDir> dirs;
  for (const auto& dir : project.version_dirs) {
    dirs.push_back({repo.relative(dir.path), dir.display_path});
  }
  return dirs;
}

model::Result<rules::BaseView> read_base(const Workspace& ws, const git::Repository& repo,
                                         const std::string& requested)
{
  auto ref = requested.empty() ? repo.default_base(ws.project.config.base_ref)
                               : model::Result<std::string>(requested);
  if (!ref) {
    return ref.error();
  }
  auto commit = repo.resolve_commit(*ref);
  if (!commit) {
    return model::make_error(fmt::format("cannot compare with '{}': {}", *ref,
                                         commit.error().message),
                             model::Error::Kind::usage);
  }
  const auto dirs = git_version_dirs(ws.project, repo);
  rules::BaseView view;
  view.ref = *ref;
  view.ref_commit = commit->substr(0, 8);
  auto ref_files = files_at(repo, *commit, dirs);
  if (!ref_files) {
    return ref_files.error();
  }
  view.ref_files = *ref_files;
  std::vector<model::Revision> ref_revisions;
  for (const auto& file : view.ref_files) {
    auto outcome = readers::read_revision(file);
    if (outcome.revision) {
      ref_revisions.push_back(std::move(*outcome.revision));
    }
  }
  view.ref_build = graph::RevisionGraph::build(std::move(ref_revisions));

  auto head = repo.resolve_commit("HEAD");
  if (!head) {
    view.history_problem = "this branch has no commits yet";
    return view;
  }
  auto base = repo.merge_base(*head, *commit);
  if (!base) {
    view.history_problem = base.error().message;
  } else {
    auto base_files = files_at(repo, *base, dirs);
    if (!base_files) {
      return base_files.error();
    }
    std::set<std::string> our_paths;
    for (const auto& rev : ws.graph().revisions()) {
      our_paths.insert(rev.path());
    }
    std::map<std::string, std::shared_ptr<const model::SourceFile>> by_path;
    for (const auto& f : *base_files) {
      by_path[f->path] = f;
      if (!our_paths.count(f->path)) {
        // Gone from its path here: its revision id tells a move from a deletion.
        if (auto outcome = readers::read_revision(f); outcome.revision) {
          view.moved_or_deleted_ids[f->path] = outcome.revision->id;
        }
      }
    }
    view.merge_base_files = std::move(by_path);
  }
  std::string problem;
  auto introduced = introductions(repo, {*head, *commit}, dirs, problem);
  view.ours_introduced = std::move(introduced[0]);
  view.theirs_introduced = std::move(introduced[1]);
  if (view.history_problem.empty()) {
    view.history_problem = problem;
  }
  return view;
}

} // namespace miglint::cli
