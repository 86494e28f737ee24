#include "cli/workspace.hpp"

#include "readers/reader.hpp"
#include "report/text_report.hpp"
#include "source/parallel.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace miglint::cli {

model::Result<Workspace> open_workspace(const GlobalOptions& options, const source::Source* source,
                                        readers::ReadMode mode)
{
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
  auto loaded = source::load_revision_files(source, dirs);
  if (!loaded) {
    return loaded.error();
  }
  Workspace ws;
  ws.project = std::move(project);
  ws.read_problems = std::move(loaded->problems);
  // Readers are pure functions of one file: parse on every core, then gather in file order.
  std::vector<readers::ReadOutcome> outcomes(loaded->files.size());
  source::parallel_for(outcomes.size(), [&](std::size_t i) {
    outcomes[i] = readers::read_revision(loaded->files[i], mode);
  });
  std::vector<model::Revision> revisions;
  revisions.reserve(outcomes.size());
  for (auto& outcome : outcomes) {
    for (auto& d : outcome.diagnostics) {
      ws.read_problems.push_back(std::move(d));
    }
    if (outcome.revision) {
      revisions.push_back(std::move(*outcome.revision));
    }
  }
  ws.build = graph::RevisionGraph::build(std::move(revisions));
  return ws;
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
