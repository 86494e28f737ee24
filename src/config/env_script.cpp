#include "config/env_script.hpp"

#include <string>

namespace miglint::config {

namespace {

// The text without spaces, line breaks and comments, so that formatting does not matter.
std::string squeezed(std::string_view text)
{
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == 0 && c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '\'' || c == '"') quote = quote == 0 ? c : (quote == c ? 0 : quote);
    if (quote == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\')) continue;
    out += c == '\'' ? '"' : c;
  }
  return out;
}

} // namespace

bool connects_with_config_engine(std::string_view env_py)
{
  const std::string text = squeezed(env_py);
  for (std::size_t at = text.find("engine_from_config("); at != std::string::npos;
       at = text.find("engine_from_config(", at + 1)) {
    std::size_t pos = at + std::string_view("engine_from_config(").size();
    for (std::string_view owner : {"config.", "context.config."}) {
      const std::string section = std::string(owner) + "get_section(" + std::string(owner) +
                                  "config_ini_section";
      if (text.compare(pos, section.size(), section) != 0) continue;
      // The call's own arguments: up to its closing parenthesis.
      int depth = 1;
      std::size_t end = pos;
      for (; end < text.size() && depth > 0; ++end) {
        depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
      }
      // SQLAlchemy's default prefix is "sqlalchemy." too.
      const std::string call = text.substr(pos, end - pos);
      const bool other_prefix = call.find("prefix=") != std::string::npos &&
                                call.find("prefix=\"sqlalchemy.\"") == std::string::npos;
      const bool positional_prefix = call.find("),\"") != std::string::npos &&
                                     call.find("),\"sqlalchemy.\"") == std::string::npos;
      if (!other_prefix && !positional_prefix) return true;
    }
  }
  return false;
}

std::optional<std::filesystem::path> env_script_path(const Project& project)
{
  if (project.ini) return project.ini->script_dir / "env.py";
  if (project.version_dirs.empty() || project.in_tree) return std::nullopt;
  return std::filesystem::path(project.version_dirs.front().path).parent_path() / "env.py";
}

} // namespace miglint::config
