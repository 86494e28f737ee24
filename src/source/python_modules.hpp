// Where a revision's imports of the application's own modules are found
// (`from myapp.db.types import GUID`), so that the op interpreter can read what they
// define instead of treating them as opaque. Nothing is executed: the files are only read.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace miglint::source {

struct PythonModule {
  std::string dotted;       // "myapp.db.types"
  std::string display_path; // "src/myapp/db/types.py", relative to the project
  std::string text;         // empty for a package directory without __init__.py
  bool package = false;     // a directory: its submodules are found below it
};

// Looks modules up as Python's path-based import does, in `roots` in order: `a.b` is
// ROOT/a/b.py, or ROOT/a/b/__init__.py, or (a namespace package) the directory ROOT/a/b.
// Each module is read once.
class PythonModules {
public:
  // How files are read: from disk by default, or from the same git source as the revisions
  // (`verify --staged`): `read` gives a file's text, `is_directory` whether a path is one.
  struct Files {
    std::function<std::optional<std::string>(const std::filesystem::path&)> read;
    std::function<bool(const std::filesystem::path&)> is_directory;
  };
  // Regular files on disk.
  static Files disk();

  PythonModules(std::vector<std::filesystem::path> roots, std::filesystem::path display_base,
                Files files = disk());

  // Null when no root holds the module (a third-party or standard module).
  std::shared_ptr<const PythonModule> find(const std::string& dotted) const;

  const std::vector<std::filesystem::path>& roots() const { return m_roots; }

private:
  std::vector<std::filesystem::path> m_roots;
  std::filesystem::path m_display_base;
  Files m_files;
  mutable std::map<std::string, std::shared_ptr<const PythonModule>> m_found;
};

} // namespace miglint::source
