#include "cli/python_modules.hpp"

#include "config/env_script.hpp"
#include "git/repository.hpp"

#include <regex>
#include <variant>

namespace miglint::cli {

source::PythonModules::Files python_files(const source::Source* files, const git::Repository* repo)
{
  if (files == nullptr || repo == nullptr) return source::PythonModules::disk();
  auto in_repo = [repo](const std::filesystem::path& path) -> std::optional<std::string> {
    std::string relative = repo->relative(path);
    if (relative.empty() || relative.starts_with("..")) return std::nullopt;
    return relative;
  };
  return {[files, in_repo](const std::filesystem::path& path) -> std::optional<std::string> {
            auto relative = in_repo(path);
            if (!relative) return std::nullopt;
            auto text = files->read(*relative);
            if (!text) return std::nullopt;
            return std::move(*text);
          },
          [files, in_repo](const std::filesystem::path& path) {
            auto relative = in_repo(path);
            return relative && files->list(*relative).has_value();
          }};
}

source::PythonModules project_python_modules(const Workspace& workspace,
                                             source::PythonModules::Files files)
{
  const config::Project& project = workspace.project;
  std::vector<std::filesystem::path> roots;
  auto add = [&](const std::filesystem::path& base, const std::string& entry) {
    if (entry.empty()) return;
    const std::filesystem::path path(entry);
    roots.push_back((path.is_absolute() ? path : base / path).lexically_normal());
  };
  if (auto it = project.config.settings.find("python-path"); it != project.config.settings.end()) {
    const std::filesystem::path base = project.config.file.parent_path();
    if (const auto* one = std::get_if<std::string>(&it->second.value)) add(base, *one);
    if (const auto* list = std::get_if<std::vector<std::string>>(&it->second.value)) {
      for (const auto& entry : *list) add(base, entry);
    }
  }
  if (project.ini) {
    if (auto it = project.ini->main.find("prepend_sys_path"); it != project.ini->main.end()) {
      // Alembic splits it on commas, spaces and colons.
      static const std::regex separators(", *| +|:");
      for (std::sregex_token_iterator part(it->second.begin(), it->second.end(), separators, -1), end;
           part != end; ++part) {
        add(project.cwd, *part);
      }
    }
  }
  add(project.root, ".");
  add(project.root, "src");
  return source::PythonModules(std::move(roots), project.cwd, std::move(files));
}

bool env_connects_with_config_engine(const Workspace& workspace,
                                     const source::PythonModules::Files& files)
{
  const auto path = config::env_script_path(workspace.project);
  if (!path) return false;
  const auto text = files.read(*path);
  return text && config::connects_with_config_engine(*text);
}

} // namespace miglint::cli
