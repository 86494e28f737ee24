// Everything a command needs about the project: where it is, its revisions and graph.
#pragma once

#include "config/project.hpp"
#include "graph/revision_graph.hpp"
#include "readers/reader.hpp"
#include "source/source.hpp"

#include <optional>
#include <string>

namespace miglint::git {
class Repository;
}

namespace miglint::cli {

// Options every command accepts (before or after the command name).
struct GlobalOptions {
  std::string directory = "."; // -C
  std::optional<std::string> versions;
  std::optional<std::string> config;
  std::string format = "text"; // text|json|sarif|github|gitlab
  std::string color = "auto";  // auto|always|never
  bool format_given = false;
};

struct Workspace {
  config::Project project;
  std::vector<model::Diagnostic> read_problems; // files that are not usable revisions
  // How many of read_problems are files that could not be read at all (I/O errors,
  // broken symbolic links): unreadable input, which `lint` reports with exit 2.
  std::size_t unreadable = 0;
  graph::GraphBuild build;
  // Read from HEAD's tree because miglint runs inside a bare repository (no working
  // tree): nothing may be written next to the revisions.
  bool bare = false;
  // The commit whose tree the revisions were read from (full id): a bare repository's
  // HEAD, or `lint --ref REV`. Empty when they come from the working tree or the index.
  std::string commit;

  const graph::RevisionGraph& graph() const { return build.graph; }
  bool graph_usable() const { return build.errors.empty(); }
};

// Finds the project and reads every revision through `source` (the working tree when
// null). A git source (index, tree) takes repository-relative directories: pass `dirs`.
// Commands that only print the graph (heads, history, branches) pass ReadMode::graph,
// which parses but does not analyse upgrade()/downgrade() bodies; everything else reads
// in full.
model::Result<Workspace> open_workspace(const GlobalOptions& options,
                                        const source::Source* source = nullptr,
                                        readers::ReadMode mode = readers::ReadMode::full);
model::Result<Workspace> open_workspace(config::Project project, const source::Source& source,
                                        const std::vector<source::VersionDir>& dirs,
                                        readers::ReadMode mode = readers::ReadMode::full);

// The project and revisions as of `commit`'s tree (a full commit id), read through
// libgit2 with no checkout. Config files and versions directories are looked up in the
// tree from the directory miglint runs in (its place in the work tree; the top of the tree
// in a bare repository), so paths show as they would in a checkout of that commit.
model::Result<Workspace> open_commit_workspace(const GlobalOptions& options,
                                               const git::Repository& repo,
                                               const std::string& commit,
                                               readers::ReadMode mode = readers::ReadMode::full);

// Whether `directory` lies inside a bare git repository. Cheap outside one: a few stats
// up to the nearest `.git` before libgit2 is asked.
bool in_bare_repository(const std::string& directory);

// The project as found on disk or, inside a bare repository, in HEAD's tree.
model::Result<config::Project> find_project(const GlobalOptions& options);

// Inside a bare repository, the project and revisions as of HEAD's tree (open_workspace
// with no source does this by itself); nullopt elsewhere.
std::optional<model::Result<Workspace>>
open_bare_workspace(const GlobalOptions& options,
                    readers::ReadMode mode = readers::ReadMode::full);

// For commands that write revision files: a usage error in a bare repository.
bool require_working_tree(const Workspace& workspace, const char* command);

// For commands that need a sound graph (heads, history, upgrade, ...): prints reader and
// graph problems to stderr and returns false when there are any.
bool require_sound_graph(const Workspace& workspace);

// Prints `miglint: error: MESSAGE` to stderr and returns exit code 2.
int usage_failure(const std::string& message);

} // namespace miglint::cli
