// Finds the project around a directory: its config, its alembic.ini, and the versions
// directories, in the order DESIGN.md gives: --versions; `versions` of miglint.toml or
// [tool.miglint]; alembic.ini's version_locations / script_location; then the default
// locations versions/, alembic/versions/, migrations/versions/.
#pragma once

#include "config/alembic_ini.hpp"
#include "config/config.hpp"
#include "source/source.hpp"

#include <optional>

namespace miglint::config {

struct Project {
  std::filesystem::path cwd;  // where miglint runs (after -C)
  std::filesystem::path root; // the directory holding the config (or cwd)
  Config config;
  std::optional<AlembicIni> ini;
  std::vector<source::VersionDir> version_dirs;
  std::string found_by; // "--versions", "miglint.toml", "alembic.ini", "default location"
};

struct ProjectOptions {
  std::optional<std::string> versions;    // --versions
  std::optional<std::string> config_file; // --config
};

// Looks in `cwd` and its parents (up to the directory holding .git) for miglint.toml,
// pyproject.toml with [tool.miglint], and alembic.ini. Errors are usage errors (exit 2).
model::Result<Project> discover_project(const std::filesystem::path& cwd,
                                        const ProjectOptions& options);

// The same discovery in a git tree instead of on disk, for a bare repository, which has
// no working tree: `tree` is HEAD's tree and `root` the repository directory, which stands
// for the tree's top. miglint.toml, pyproject.toml and alembic.ini are read at the top
// of the tree (or where --config names, a path in the tree); --versions is a path in the
// tree. The versions directories come out as tree paths (also their display paths).
model::Result<Project> discover_project_in_tree(const source::Source& tree,
                                                const std::filesystem::path& root,
                                                const ProjectOptions& options);

// `path` relative to `base` with '/' separators, as shown in diagnostics.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

} // namespace miglint::config
