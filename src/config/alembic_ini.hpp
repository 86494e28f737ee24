// alembic.ini, read as Alembic reads it: ConfigParser syntax with %(here)s and
// %(key)s interpolation, continuation lines, and the keys that locate revision files.
#pragma once

#include "config/file_template.hpp"
#include "model/result.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace miglint::config {

struct AlembicIni {
  std::filesystem::path path;
  std::map<std::string, std::string> main; // the [alembic] section, interpolated
  // script_location, resolved; with no script_location (Flask-Migrate's alembic.ini, whose
  // location Flask-Migrate passes in code), the ini's own directory.
  std::filesystem::path script_dir;
  // Version directories in Alembic's order: version_locations, else script_location/versions.
  std::vector<std::filesystem::path> version_dirs;
  bool recursive = false; // recursive_version_locations
  FileNaming naming;      // file_template, truncate_slug_length
  std::string sqlalchemy_url;
};

// Parses `text` (the contents of `path`). Relative locations resolve, as in Alembic,
// against the directory Alembic runs in, `location_base`; empty means the ini's own
// directory, where `alembic` is run to find alembic.ini without `-c`.
model::Result<AlembicIni> parse_alembic_ini(const std::filesystem::path& path,
                                            const std::string& text,
                                            const std::string& section = "alembic",
                                            const std::filesystem::path& location_base = {});

} // namespace miglint::config
