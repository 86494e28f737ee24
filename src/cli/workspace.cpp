#include "cli/workspace.hpp"

#include "git/repository.hpp"
#include "readers/reader.hpp"
#include "report/text_report.hpp"
#include "source/parallel.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <optional>

namespace miglint::cli {

model::Result<Workspace> open_workspace(const GlobalOptions& options, const source::Source* source,
                                        readers::ReadMode mode)
{
  if (source == nullptr) {
    if (auto bare = open_bare_workspace(options, mode)) {
      return std::move(*bare);
    }
  }
  auto project = config::discover_project(options.directory,
                                          config::ProjectOptions{options.versions, options.config});
  if (!project) {
    return project.error();
  }
  const source::WorkingTree working_tree;
  const auto dirs = project->version_dirs;
  return open_workspace(std::move(*project), source ? *source : working_tree, dirs, mode);
}

model::Result<Workspace> open_workspace(config::Project project, const source::Source& source,
                                        const std::vector<source::VersionDir>& dirs,
                                        readers::ReadMode mode)
{
  auto listed = source::RevisionFiles::list(source, dirs);
  if (!listed) {
    return listed.error();
  }
  source::RevisionFiles& files = *listed;
  const std::size_t count = files.size();
  // Readers are pure functions of one file: each file is parsed on the thread that read
  // it, while it is still in cache, on every core; results are gathered in file order.
  // Revisions go straight into the vector the graph keeps, so that none of them (a few
  // hundred bytes each) is copied on the way.
  std::vector<model::Revision> revisions(count);
  std::vector<char> usable(count, 0);
  std::vector<std::optional<model::Error>> read_errors(count);
  std::vector<std::vector<model::Diagnostic>> diagnostics(count);
  auto parse = [&](std::size_t i) {
    readers::ReadOutcome outcome = readers::read_revision(files.file(i), mode);
    diagnostics[i] = std::move(outcome.diagnostics);
    if (outcome.revision) {
      revisions[i] = std::move(*outcome.revision);
      usable[i] = 1;
    }
  };
  auto read = [&](std::size_t i) {
    auto done = files.read(i);
    if (!done) {
      read_errors[i] = done.error();
    }
    return done.has_value();
  };
  if (source.concurrent_reads()) {
    source::parallel_for(count, [&](std::size_t i) {
      if (read(i)) {
        parse(i);
      }
    });
  } else {
    std::vector<std::size_t> readable;
    for (std::size_t i = 0; i < count; ++i) {
      if (read(i)) {
        readable.push_back(i);
      }
    }
    source::parallel_for(readable.size(), [&](std::size_t k) { parse(readable[k]); });
  }

  Workspace ws;
  ws.project = std::move(project);
  // Files that could not be read come first, then what the readers found, in file order.
  for (std::size_t i = 0; i < count; ++i) {
    if (read_errors[i]) {
      ws.read_problems.push_back(readers::unparsable(files.file(i), {}, read_errors[i]->message));
      ++ws.unreadable;
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    for (auto& d : diagnostics[i]) {
      ws.read_problems.push_back(std::move(d));
    }
    if (usable[i]) {
      if (kept != i) {
        revisions[kept] = std::move(revisions[i]);
      }
      ++kept;
    }
  }
  revisions.resize(kept);
  ws.build = graph::RevisionGraph::build(std::move(revisions));
  return ws;
}

bool in_bare_repository(const std::string& directory)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  if (std::getenv("GIT_DIR") == nullptr) {
    // Look for the repository the way git does, but only with stats: a `.git` entry
    // means a work tree; a directory with HEAD, objects/ and refs/ is a git directory.
    fs::path dir = fs::absolute(directory, ec).lexically_normal();
    for (;; dir = dir.parent_path()) {
      if (fs::exists(dir / ".git", ec)) {
        return false;
      }
      if (fs::is_regular_file(dir / "HEAD", ec) && fs::is_directory(dir / "objects", ec) &&
          fs::is_directory(dir / "refs", ec)) {
        break;
      }
      if (dir == dir.parent_path()) {
        return false;
      }
    }
  }
  auto repo = git::Repository::discover(directory);
  return repo && repo->is_bare();
}

model::Result<Workspace> open_commit_workspace(const GlobalOptions& options,
                                               const git::Repository& repo,
                                               const std::string& commit,
                                               readers::ReadMode mode)
{
  auto tree = repo.tree_source(commit);
  if (!tree) {
    return tree.error();
  }
  const bool bare = repo.is_bare();
  std::string start;
  if (!bare) {
    start = repo.relative(options.directory);
    if (start == ".." || start.starts_with("../")) {
      return model::make_error(fmt::format("{} is outside the work tree of {}", options.directory,
                                           repo.workdir().string()),
                               model::Error::Kind::usage);
    }
  }
  auto project = config::discover_project_in_tree(
      **tree, bare ? repo.git_dir() : repo.workdir(),
      config::ProjectOptions{options.versions, options.config}, start);
  if (!project) {
    return project.error();
  }
  const auto dirs = project->version_dirs; // already paths in the tree
  auto ws = open_workspace(std::move(*project), **tree, dirs, mode);
  if (ws) {
    ws->bare = bare;
    ws->commit = commit;
  }
  return ws;
}

namespace {

// A bare repository's HEAD commit, or a usage error saying there is nothing to read.
model::Result<std::string> bare_head(const git::Repository& repo)
{
  auto head = repo.resolve_commit("HEAD");
  if (!head) {
    return model::make_error(
        fmt::format("this bare repository has nothing to read: HEAD names no commit ({})",
                    head.error().message),
        model::Error::Kind::usage);
  }
  return head;
}

} // namespace

model::Result<config::Project> find_project(const GlobalOptions& options)
{
  const config::ProjectOptions project_options{options.versions, options.config};
  if (!in_bare_repository(options.directory)) {
    return config::discover_project(options.directory, project_options);
  }
  auto repo = git::Repository::discover(options.directory);
  if (!repo) {
    return repo.error();
  }
  auto head = bare_head(*repo);
  if (!head) {
    return head.error();
  }
  auto tree = repo->tree_source(*head);
  if (!tree) {
    return tree.error();
  }
  return config::discover_project_in_tree(**tree, repo->git_dir(), project_options);
}

std::optional<model::Result<Workspace>> open_bare_workspace(const GlobalOptions& options,
                                                            readers::ReadMode mode)
{
  if (!in_bare_repository(options.directory)) {
    return std::nullopt;
  }
  auto repo = git::Repository::discover(options.directory);
  if (!repo) {
    return model::Result<Workspace>(repo.error());
  }
  auto head = bare_head(*repo);
  if (!head) {
    return model::Result<Workspace>(head.error());
  }
  return open_commit_workspace(options, *repo, *head, mode);
}

bool require_working_tree(const Workspace& workspace, const char* command)
{
  if (!workspace.bare) {
    return true;
  }
  usage_failure(fmt::format("{} writes revision files, but this is a bare repository (no "
                            "working tree); run it in a clone",
                            command));
  return false;
}

bool require_sound_graph(const Workspace& workspace)
{
  std::vector<model::Diagnostic> problems;
  for (const auto& d : workspace.read_problems) {
    if (d.severity == model::Severity::error) {
      problems.push_back(d);
    }
  }
  problems.insert(problems.end(), workspace.build.errors.begin(), workspace.build.errors.end());
  // Values that need Python to be known: without its parents a revision would pass for a
  // base, so that stops the command; labels or dependencies left out are only said.
  std::vector<model::Diagnostic> omissions;
  const auto& graph = workspace.graph();
  for (std::size_t i = 0; i < graph.size(); ++i) {
    const model::Revision& rev = graph.rev(i);
    for (const auto& u : rev.unresolved) {
      model::Diagnostic d = readers::unparsable(rev.file, u.span, readers::unresolved_message(u));
      d.revision = rev.id;
      if (u.variable == "down_revision") {
        problems.push_back(std::move(d));
      } else {
        d.severity = model::Severity::warning;
        d.message += fmt::format(" (left out: revision {} is shown without its {})", rev.id, u.variable);
        omissions.push_back(std::move(d));
      }
    }
  }
  if (!omissions.empty()) {
    std::fputs(report::render_text(omissions, false).c_str(), stderr);
  }
  if (problems.empty()) {
    return true;
  }
  std::string text = report::render_text(problems, false);
  std::fputs(text.c_str(), stderr);
  std::fprintf(stderr, "miglint: error: the revision graph cannot be built (%zu problem%s above)\n",
               problems.size(), problems.size() == 1 ? "" : "s");
  return false;
}

int usage_failure(const std::string& message)
{
  std::fprintf(stderr, "miglint: error: %s\n", message.c_str());
  return 2;
}

} // namespace miglint::cli
