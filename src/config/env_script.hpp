// What a project's env.py says about how its revisions run, read from its text (never run).
#pragma once

#include "config/project.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace miglint::config {

// Whether env.py connects the way Alembic's generic template does:
// engine_from_config(config.get_section(config.config_ini_section...), prefix="sqlalchemy.", ...)
// (the prefix is SQLAlchemy's default when not given).
// Then a revision making that same call opens the database being migrated.
bool connects_with_config_engine(std::string_view env_py);

// Where the project's env.py is: in the ini's script location, else beside the first
// versions directory (on disk; nullopt for a project found in a git tree).
std::optional<std::filesystem::path> env_script_path(const Project& project);

} // namespace miglint::config
