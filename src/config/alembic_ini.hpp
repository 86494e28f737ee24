// alembic.ini, read as Alembic reads it: ConfigParser syntax with %(here)s and
// %(key)s interpolation, continuation lines, and the keys that locate revision files.
#pragma once

#include "model/result.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace miglint::config {

struct AlembicIni {
  std::filesystem::path path;
  std::map<std::string, std::string> main; // the [alembic] section, interpolated
  // Version directories in Alembic's order: version_locations, else script_location/versions.
  std::vector<std::filesystem::path> version_dirs;
  bool recursive = false; // recursive_version_locations
  std::string file_template = "%(rev)s_%(slug)s";
  std::string sqlalchemy_url;
};

// Parses `text` (the contents of `path`). Relative locations resolve against the ini's
// directory (Alembic resolves them against the cwd, which is that directory in practice).
model::Result<AlembicIni> parse_alembic_ini(const std::filesystem::path& path,
                                            const std::string& text,
                                            const std::string& section = "alembic");

} // namespace miglint::config
