// Where a project's own Python modules are found, for revisions that import them: the
// `python-path` setting of miglint.toml / [tool.miglint] (a path or a list, relative to
// the config file), alembic.ini's `prepend_sys_path` (relative to the working directory,
// as Python resolves sys.path entries), then the project root and its `src/`.
#pragma once

#include "cli/workspace.hpp"
#include "source/python_modules.hpp"

namespace miglint::cli {

source::PythonModules project_python_modules(const Workspace& workspace);

} // namespace miglint::cli
