#include "source/python_modules.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace miglint::source {

namespace {

// Python identifiers only: a dotted name never walks out of a root.
bool valid_dotted(const std::string& dotted)
{
  if (dotted.empty() || dotted.front() == '.' || dotted.back() == '.') return false;
  for (char c : dotted) {
    const bool ok = c == '.' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
    if (!ok) return false;
  }
  return dotted.find("..") == std::string::npos;
}

std::optional<std::string> read_regular_file(const std::filesystem::path& path)
{
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

PythonModules::Files PythonModules::disk()
{
  return {read_regular_file, [](const std::filesystem::path& path) {
            std::error_code ec;
            return std::filesystem::is_directory(path, ec);
          }};
}

PythonModules::PythonModules(std::vector<std::filesystem::path> roots,
                             std::filesystem::path display_base, Files files)
    : m_roots(std::move(roots)), m_display_base(std::move(display_base)), m_files(std::move(files))
{
}

std::shared_ptr<const PythonModule> PythonModules::find(const std::string& dotted) const
{
  if (auto it = m_found.find(dotted); it != m_found.end()) return it->second;
  std::shared_ptr<const PythonModule> found;
  if (valid_dotted(dotted)) {
    std::filesystem::path relative;
    for (std::size_t start = 0; start <= dotted.size();) {
      const std::size_t dot = std::min(dotted.find('.', start), dotted.size());
      relative /= dotted.substr(start, dot - start);
      start = dot + 1;
    }
    for (const auto& root : m_roots) {
      const std::filesystem::path base = root / relative;
      auto module = std::make_shared<PythonModule>();
      module->dotted = dotted;
      std::filesystem::path file = base;
      file += ".py";
      std::optional<std::string> text = m_files.read(file);
      if (!text) {
        file = base / "__init__.py";
        text = m_files.read(file);
        module->package = true;
      }
      if (!text && !m_files.is_directory(base)) continue;
      if (!text) file = base;
      module->text = text.value_or("");
      module->display_path =
          file.lexically_relative(m_display_base).empty()
              ? file.generic_string()
              : file.lexically_relative(m_display_base).generic_string();
      found = std::move(module);
      break;
    }
  }
  m_found[dotted] = found;
  return found;
}

} // namespace miglint::source
