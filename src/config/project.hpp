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
  // Found in a git tree (discover_project_in_tree): version_dirs hold paths in that tree
  // rather than paths on disk.
  bool in_tree = false;
};

struct ProjectOptions {
  std::optional<std::string> versions;    // --versions
  std::optional<std::string> config_file; // --config
};

// Looks in `cwd` and its parents (up to the directory holding .git) for miglint.toml,
// pyproject.toml with [tool.miglint], and alembic.ini. Errors are usage errors (exit 2);
// finding no versions directory at all (no config naming one, none of the default
// locations) is an Error of kind not_found.
model::Result<Project> discover_project(const std::filesystem::path& cwd,
                                        const ProjectOptions& options);

// The same discovery in a git tree instead of on disk: a bare repository's HEAD, or a
// commit read with `lint --ref`, neither checked out. `root` is the directory standing for
// the tree's top (the work tree, or a bare repository's directory) and `start` the tree
// path of the directory miglint runs in ("" for the top). Config files are looked for
// from `start` up to the top, --config and --versions are relative to `start`, and the
// versions directories come out as tree paths, displayed relative to `start`.
model::Result<Project> discover_project_in_tree(const source::Source& tree,
                                                const std::filesystem::path& root,
                                                const ProjectOptions& options,
                                                const std::string& start = {});

// `path` relative to `base` with '/' separators, as shown in diagnostics.
std::string display_path(const std::filesystem::path& path, const std::filesystem::path& base);

} // namespace miglint::config
