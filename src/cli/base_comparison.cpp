#include "cli/base_comparison.hpp"

#include "readers/reader.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <functional>
#include <memory>
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

// Answers "who added this file" for the rules, one file at a time, each answer found by a
// walk back from that side's commit that stops at the commit adding the file. Holds a
// reference to `repo`, which outlives the lint run.
std::function<std::optional<rules::Introduction>(bool, const std::string&)>
introduction_lookup(const git::Repository& repo, const std::string& ours, const std::string& theirs,
                    const std::vector<source::VersionDir>& dirs)
{
  using Answer = std::optional<rules::Introduction>;
  auto memo = std::make_shared<std::map<std::pair<bool, std::string>, Answer>>();
  return [&repo, ours, theirs, dirs, memo](bool our_side, const std::string& path) -> Answer {
    const auto key = std::make_pair(our_side, path);
    if (auto it = memo->find(key); it != memo->end()) {
      return it->second;
    }
    Answer answer;
    for (const auto& dir : dirs) {
      const std::string prefix = dir.display_path.empty() ? "" : dir.display_path + "/";
      if (!path.starts_with(prefix) || path.find('/', prefix.size()) != std::string::npos) {
        continue;
      }
      auto found = repo.introducing_commit(our_side ? ours : theirs, dir.path,
                                           path.substr(prefix.size()));
      if (found && *found) {
        const auto& info = **found;
        answer = rules::Introduction{info.short_id, info.author, info.date, info.subject};
        break;
      }
    }
    memo->emplace(key, answer);
    return answer;
  };
}

} // namespace

std::string revision_label(const std::string& rev, const std::string& commit)
{
  if (rev.size() >= 7 && commit.starts_with(rev) &&
      rev.find_first_not_of("0123456789abcdef") == std::string::npos) {
    return commit.substr(0, 8);
  }
  for (const char* prefix : {"refs/heads/", "refs/remotes/", "refs/tags/"}) {
    if (rev.starts_with(prefix) && rev.size() > std::string_view(prefix).size()) {
      return rev.substr(std::string_view(prefix).size());
    }
  }
  return rev;
}

model::Result<std::string> resolve_revision(const git::Repository& repo, const std::string& rev)
{
  auto commit = repo.resolve_commit(rev);
  if (commit) {
    return commit;
  }
  std::string message = commit.error().message;
  if (commit.error().kind == model::Error::Kind::not_found) {
    std::vector<std::string> names;
    if (auto branches = repo.branches()) {
      for (const auto& b : *branches) {
        names.push_back(b.name);
      }
    }
    if (auto near = util::closest_match(rev, names); !near.empty()) {
      message += fmt::format("; did you mean '{}'?", near);
    }
  }
  return model::make_error(message, model::Error::Kind::usage);
}

std::vector<source::VersionDir> git_version_dirs(const config::Project& project,
                                                 const git::Repository& repo)
{
  if (project.in_tree || repo.is_bare()) {
    return project.version_dirs; // found in a commit's tree: already paths in the tree
  }
  std::vector<source::VersionDir> dirs;
  for (const auto& dir : project.version_dirs) {
    dirs.push_back({repo.relative(dir.path), dir.display_path});
  }
  return dirs;
}

model::Result<Workspace> open_staged_workspace(const GlobalOptions& global,
                                               std::optional<git::Repository>& repo)
{
  auto project = config::discover_project(global.directory,
                                          config::ProjectOptions{global.versions, global.config});
  MIGLINT_TRY(project);
  auto found = git::Repository::discover(project->cwd.string());
  if (!found) {
    return model::make_error(fmt::format("--staged needs a git repository: {}",
                                         found.error().message),
                             model::Error::Kind::usage);
  }
  repo.emplace(std::move(*found));
  auto index = repo->index_source();
  MIGLINT_TRY(index);
  const auto dirs = git_version_dirs(*project, *repo);
  return open_workspace(std::move(*project), **index, dirs);
}

model::Result<std::map<std::string, std::string>> introduction_lines(const Workspace& ws)
{
  std::map<std::string, std::string> out;
  auto repo = git::Repository::discover(ws.project.cwd);
  if (!repo) {
    // Outside a repository there is no commit to name; without libgit2 there is no
    // telling, and the user asked for commits.
    MIGLINT_TRY(git::Repository::available());
    return out;
  }
  auto head = repo->resolve_commit("HEAD");
  std::map<std::string, std::string> known;
  if (head) {
    for (const auto& dir : git_version_dirs(ws.project, *repo)) {
      auto added = repo->introducing_commits(*head, dir.path);
      if (!added) {
        // Shallow clones cannot attribute files; say why instead of guessing.
        for (const auto& rev : ws.graph().revisions()) {
          out[rev.path()] = "unknown (" + added.error().message + ")";
        }
        return out;
      }
      for (const auto& [name, info] : *added) {
        const std::string path = dir.display_path.empty() ? name : dir.display_path + "/" + name;
        known[path] = fmt::format("{} {} {} {}", info.short_id, info.author, info.date, info.subject);
      }
    }
  }
  for (const auto& rev : ws.graph().revisions()) {
    auto it = known.find(rev.path());
    out[rev.path()] = it != known.end() ? it->second : "not committed";
  }
  return out;
}

model::Result<rules::BaseView> read_base(const Workspace& ws, const git::Repository& repo,
                                         const std::string& requested, const std::string& ours)
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
  view.ref = revision_label(*ref, *commit);
  if (!ours.empty()) {
    view.ours = ours;
  }
  view.ref_commit = commit->substr(0, 8);
  auto ref_files = files_at(repo, *commit, dirs);
  if (!ref_files) {
    return ref_files.error();
  }
  view.ref_files = *ref_files;
  std::vector<model::Revision> ref_revisions;
  for (const auto& file : view.ref_files) {
    // REF's revisions only feed the merged graph: ids and links, not bodies.
    auto outcome = readers::read_revision(file, readers::ReadMode::links);
    if (outcome.revision) {
      ref_revisions.push_back(std::move(*outcome.revision));
    }
  }
  view.ref_build = graph::RevisionGraph::build(std::move(ref_revisions));

  // Our side: the commit linted (`lint --ref`, a bare repository's HEAD), else HEAD.
  auto head = ws.commit.empty() ? repo.resolve_commit("HEAD")
                                : model::Result<std::string>(ws.commit);
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
        if (auto outcome = readers::read_revision(f, readers::ReadMode::links);
            outcome.revision) {
          view.moved_or_deleted_ids[f->path] = outcome.revision->id;
        }
      }
    }
    view.merge_base_files = std::move(by_path);
  }
  if (repo.is_shallow()) {
    if (view.history_problem.empty()) {
      view.history_problem = "this is a shallow clone, so the commits that added each revision "
                             "are unknown; run `git fetch --unshallow` (in GitHub Actions: "
                             "`fetch-depth: 0` in actions/checkout)";
    }
    return view;
  }
  view.introduced_by = introduction_lookup(repo, *head, *commit, dirs);
  return view;
}

} // namespace miglint::cli
