#include "config/project.hpp"

#include "source/source.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <system_error>

namespace miglint::config {

namespace fs = std::filesystem;

namespace {

bool path_exists(const fs::path& p)
{
  std::error_code ec;
  return fs::exists(p, ec);
}

bool is_dir(const fs::path& p)
{
  std::error_code ec;
  return fs::is_directory(p, ec);
}

model::Result<std::string> read_text(const fs::path& path)
{
  return source::WorkingTree{}.read(path.string());
}

void add_dir(Project& project, const fs::path& dir, bool recursive)
{
  project.version_dirs.push_back({dir.string(), display_path(dir, project.cwd)});
  if (!recursive) {
    return;
  }
  std::error_code ec;
  std::vector<fs::path> subdirs;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() != "__pycache__") {
      subdirs.push_back(it->path());
    }
  }
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& sub : subdirs) {
    project.version_dirs.push_back({sub.string(), display_path(sub, project.cwd)});
  }
}

// Flask-Migrate keeps its alembic.ini inside the migrations directory and passes the
// location in code, so the ini has no script_location. Found next to a default versions
// directory, such an ini says how the project names its files.
std::optional<AlembicIni> script_dir_ini(const fs::path& path,
                                         const model::Result<std::string>& text)
{
  if (!text) {
    return std::nullopt;
  }
  auto ini = parse_alembic_ini(path, *text);
  if (!ini || ini->main.count("script_location") || ini->main.count("version_locations")) {
    return std::nullopt;
  }
  return std::move(*ini);
}

} // namespace

std::string display_path(const fs::path& path, const fs::path& base)
{
  const fs::path abs = fs::absolute(path).lexically_normal();
  const fs::path rel = abs.lexically_relative(fs::absolute(base).lexically_normal());
  std::string out = rel.empty() ? abs.generic_string() : rel.generic_string();
  if (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  return out == "." ? std::string() : out;
}

model::Result<Project> discover_project(const fs::path& cwd, const ProjectOptions& options)
{
  Project project;
  project.cwd = fs::absolute(cwd).lexically_normal();
  project.root = project.cwd;

  // 1. Config: --config, else the nearest miglint.toml / pyproject.toml [tool.miglint].
  fs::path ini_path;
  if (options.config_file) {
    const fs::path file = fs::absolute(project.cwd / *options.config_file);
    if (!path_exists(file)) {
      return model::make_error(fmt::format("config file {} does not exist", *options.config_file),
                               model::Error::Kind::usage);
    }
    if (file.extension() == ".ini") {
      ini_path = file;
    } else {
      auto loaded = load_config(file);
      if (!loaded) {
        return loaded.error();
      }
      project.config = std::move(*loaded);
      project.root = file.parent_path();
    }
  } else {
    for (fs::path dir = project.cwd;; dir = dir.parent_path()) {
      bool found = false;
      for (const char* name : {"miglint.toml", "pyproject.toml"}) {
        if (path_exists(dir / name)) {
          auto loaded = load_config(dir / name);
          if (!loaded) {
            return loaded.error();
          }
          if (!loaded->file.empty()) {
            project.config = std::move(*loaded);
            found = true;
            break;
          }
        }
      }
      if (!found && path_exists(dir / "alembic.ini")) {
        ini_path = dir / "alembic.ini";
        found = true;
      }
      if (found) {
        project.root = dir;
        break;
      }
      if (path_exists(dir / ".git") || dir == dir.parent_path()) {
        break;
      }
    }
  }
  if (ini_path.empty() && path_exists(project.root / "alembic.ini")) {
    ini_path = project.root / "alembic.ini";
  }
  if (!ini_path.empty()) {
    auto text = read_text(ini_path);
    if (!text) {
      return text.error();
    }
    // `alembic -c FILE` resolves relative locations against the directory it runs in;
    // an alembic.ini found by looking is where `alembic` would be run to find it.
    auto ini = parse_alembic_ini(ini_path, *text, "alembic",
                                 options.config_file ? project.cwd : fs::path());
    if (ini) {
      project.ini = std::move(*ini);
    } else if (!options.versions && !project.config.versions) {
      return ini.error();
    }
  }

  // 2. Versions directories.
  if (options.versions) {
    project.found_by = "--versions";
    add_dir(project, project.cwd / *options.versions, false);
  } else if (project.config.versions) {
    project.found_by = project.config.file.filename().string();
    add_dir(project, project.root / *project.config.versions, false);
  } else if (project.ini) {
    project.found_by = "alembic.ini";
    for (const auto& dir : project.ini->version_dirs) {
      add_dir(project, dir, project.ini->recursive);
    }
  } else {
    // The default locations, in the project directory and, when started further down
    // inside a git work tree with no config (`miglint` run from src/ or versions/), in
    // each parent up to the work tree's top.
    std::vector<fs::path> places = {project.root};
    if (project.config.file.empty() && !project.ini) {
      for (fs::path dir = project.root; !path_exists(dir / ".git");) {
        if (dir == dir.parent_path()) {
          places.resize(1); // not in a work tree: only the directory itself
          break;
        }
        dir = dir.parent_path();
        places.push_back(dir);
      }
    }
    for (const auto& place : places) {
      for (const char* candidate : {"versions", "alembic/versions", "migrations/versions"}) {
        if (project.version_dirs.empty() && is_dir(place / candidate)) {
          project.found_by = "default location";
          project.root = place;
          add_dir(project, place / candidate, false);
          const fs::path ini = (place / candidate).parent_path() / "alembic.ini";
          if (!project.ini && path_exists(ini)) {
            project.ini = script_dir_ini(ini, read_text(ini));
          }
        }
      }
    }
    if (project.version_dirs.empty()) {
      return model::make_error(
          "no versions directory found: looked for versions/, alembic/versions/ and "
          "migrations/versions/, alembic.ini and miglint.toml; pass --versions DIR",
          model::Error::Kind::not_found);
    }
  }
  for (const auto& dir : project.version_dirs) {
    if (!is_dir(dir.path)) {
      return model::make_error(fmt::format("versions directory {} {} (from {})",
                                           dir.display_path.empty() ? "." : dir.display_path,
                                           path_exists(dir.path) ? "is not a directory"
                                                                 : "does not exist",
                                           project.found_by),
                               model::Error::Kind::usage);
    }
  }
  return project;
}

namespace {

// A directory as a path in the tree: "" for the top, no "./", no trailing '/'. Empty
// optional when it leaves the tree.
std::optional<std::string> tree_path(const fs::path& dir, const fs::path& root)
{
  fs::path rel = dir.is_absolute() ? dir.lexically_relative(root) : dir;
  rel = rel.lexically_normal();
  std::string out = rel.generic_string();
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  if (out == ".") {
    return std::string();
  }
  if (out.empty() || out == ".." || out.starts_with("../") || out.starts_with("/")) {
    return std::nullopt;
  }
  return out;
}

bool tree_has_dir(const source::Source& tree, const std::string& dir)
{
  return static_cast<bool>(tree.list(dir));
}

} // namespace

model::Result<Project> discover_project_in_tree(const source::Source& tree, const fs::path& root,
                                                const ProjectOptions& options,
                                                const std::string& start)
{
  fs::path top = fs::absolute(root).lexically_normal();
  if (top.filename().empty()) {
    top = top.parent_path(); // "repo.git/" -> "repo.git"
  }
  Project project;
  project.in_tree = true;
  project.cwd = start.empty() ? top : (top / start).lexically_normal();
  project.root = project.cwd;
  std::string base = start; // the tree path of project.root
  auto read = [&](const std::string& path) { return tree.read(path); };
  auto in = [](const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
  };
  auto parent = [](const std::string& dir) {
    const auto slash = dir.rfind('/');
    return slash == std::string::npos ? std::string() : dir.substr(0, slash);
  };

  // 1. Config and alembic.ini: --config (relative to where miglint runs), else the
  //    nearest directory, from there up to the top of the tree, that holds miglint.toml,
  //    pyproject.toml with [tool.miglint] or alembic.ini, as discover_project does on disk.
  std::string ini_file;
  if (options.config_file) {
    auto name = tree_path(project.cwd / *options.config_file, top);
    auto text = name ? read(*name) : model::Result<std::string>(model::make_error("outside"));
    if (!text) {
      return model::make_error(fmt::format("config file {} does not exist in {}",
                                           *options.config_file, tree.describe()),
                               model::Error::Kind::usage);
    }
    if (name->ends_with(".ini")) {
      ini_file = *name;
    } else {
      auto loaded = parse_config(top / *name, *text);
      if (!loaded) {
        return loaded.error();
      }
      project.config = std::move(*loaded);
      base = parent(*name);
    }
  } else {
    for (std::string dir = start;; dir = parent(dir)) {
      bool found = false;
      for (const char* name : {"miglint.toml", "pyproject.toml"}) {
        if (auto text = read(in(dir, name))) {
          auto loaded = parse_config(top / in(dir, name), *text);
          if (!loaded) {
            return loaded.error();
          }
          if (!loaded->file.empty()) {
            project.config = std::move(*loaded);
            found = true;
            break;
          }
        }
      }
      if (!found && read(in(dir, "alembic.ini"))) {
        ini_file = in(dir, "alembic.ini");
        found = true;
      }
      if (found || dir.empty()) {
        if (found) {
          base = dir;
        }
        break;
      }
    }
  }
  project.root = base.empty() ? top : top / base;
  if (ini_file.empty() && read(in(base, "alembic.ini"))) {
    ini_file = in(base, "alembic.ini");
  }
  if (!ini_file.empty()) {
    auto text = read(ini_file);
    if (!text) {
      return text.error();
    }
    // %(here)s is the ini's directory under `top`, so locations resolve as on disk.
    auto ini = parse_alembic_ini(top / ini_file, *text, "alembic",
                                 options.config_file ? project.cwd : fs::path());
    if (ini) {
      project.ini = std::move(*ini);
    } else if (!options.versions && !project.config.versions) {
      return ini.error();
    }
  }

  // 2. Versions directories, as tree paths.
  std::vector<fs::path> wanted;
  if (options.versions) {
    project.found_by = "--versions";
    wanted.push_back(project.cwd / *options.versions);
  } else if (project.config.versions) {
    project.found_by = project.config.file.filename().string();
    wanted.push_back(project.root / *project.config.versions);
  } else if (project.ini) {
    // recursive_version_locations is not followed in a tree: the listed directories only.
    project.found_by = "alembic.ini";
    wanted = project.ini->version_dirs;
  } else {
    // The default locations where the project is and, with no config at all, in each
    // parent up to the top of the tree (miglint run from src/ or versions/).
    for (std::string place = base;; place = parent(place)) {
      for (const char* candidate : {"versions", "alembic/versions", "migrations/versions"}) {
        if (wanted.empty() && tree_has_dir(tree, in(place, candidate))) {
          project.found_by = "default location";
          project.root = place.empty() ? top : top / place;
          wanted.push_back(top / in(place, candidate));
          const std::string ini = in(parent(in(place, candidate)), "alembic.ini");
          if (!project.ini) {
            project.ini = script_dir_ini(top / ini, read(ini));
          }
        }
      }
      if (!wanted.empty() || place.empty() || !project.config.file.empty()) {
        break;
      }
    }
    if (wanted.empty()) {
      return model::make_error(
          fmt::format("no versions directory found in {}: looked for versions/, "
                      "alembic/versions/ and migrations/versions/, alembic.ini and "
                      "miglint.toml; pass --versions DIR",
                      tree.describe()),
          model::Error::Kind::not_found);
    }
  }
  for (const auto& dir : wanted) {
    auto path = tree_path(dir, top);
    if (!path || !tree_has_dir(tree, *path)) {
      const bool file = path && tree.read(*path);
      return model::make_error(fmt::format("versions directory {} {} in {} (from {})",
                                           path ? (path->empty() ? "." : *path) : dir.string(),
                                           file ? "is not a directory" : "does not exist",
                                           tree.describe(), project.found_by),
                               model::Error::Kind::usage);
    }
    // Shown relative to where miglint runs, like the files of a working tree.
    project.version_dirs.push_back({*path, display_path(top / *path, project.cwd)});
  }
  return project;
}

} // namespace miglint::config
