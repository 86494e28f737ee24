#include "cli/base_comparison.hpp"

#include "readers/reader.hpp"

#include <fmt/format.h>

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

std::map<std::string, rules::Introduction>
introductions(const git::Repository& repo, const std::string& commit,
              const std::vector<source::VersionDir>& dirs, std::string& problem)
{
  std::map<std::string, rules::Introduction> out;
  for (const auto& dir : dirs) {
    auto added = repo.introducing_commits(commit, dir.path);
    if (!added) {
      problem = added.error().message;
      return out;
    }
    for (const auto& [name, info] : *added) {
      const std::string path = dir.display_path.empty() ? name : dir.display_path + "/" + name;
      out[path] = {info.short_id, info.author, info.date, info.subject};
    }
  }
  return out;
}

} // namespace

std::vector<source::VersionDir> git_version_dirs(const config::Project& project,
                                                 const git::Repository& repo)
{
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
    std::map<std::string, std::shared_ptr<const model::SourceFile>> by_path;
    for (const auto& f : *base_files) {
      by_path[f->path] = f;
    }
    view.merge_base_files = std::move(by_path);
  }
  std::string problem;
  view.ours_introduced = introductions(repo, *head, dirs, problem);
  view.theirs_introduced = introductions(repo, *commit, dirs, problem);
  if (view.history_problem.empty()) {
    view.history_problem = problem;
  }
  return view;
}

} // namespace miglint::cli
