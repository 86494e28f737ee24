// The project's Python side as revisions see it: where its own modules are found, for
// revisions that import them (the `python-path` setting of miglint.toml / [tool.miglint],
// a path or a list relative to the config file; alembic.ini's `prepend_sys_path`, relative
// to the working directory as Python resolves sys.path entries; then the project root and
// its `src/`), and what its env.py says. Both are read from the working tree, or from the
// index for `verify --staged`.
#pragma once

#include "cli/workspace.hpp"
#include "source/python_modules.hpp"
#include "source/source.hpp"

namespace miglint::git {
class Repository;
}

namespace miglint::cli {

// Files on disk, or (with both given) as `files` holds them, a git source whose paths
// are relative to `repo`'s work tree.
source::PythonModules::Files python_files(const source::Source* files = nullptr,
                                          const git::Repository* repo = nullptr);

source::PythonModules project_python_modules(const Workspace& workspace,
                                             source::PythonModules::Files files);

// Whether env.py connects with engine_from_config of the ini's main section
// (config::connects_with_config_engine).
bool env_connects_with_config_engine(const Workspace& workspace,
                                     const source::PythonModules::Files& files);

} // namespace miglint::cli
