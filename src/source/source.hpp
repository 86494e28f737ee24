// Where revision files come from: the working tree, the git index, or a git tree.
// Readers only ever see the SourceFiles a Source hands out, so new origins plug in
// without touching them.
#pragma once

#include "model/diagnostic.hpp"
#include "model/result.hpp"
#include "model/source.hpp"

#include <memory>
#include <string>
#include <vector>

namespace miglint::source {

// Refuse files larger than this: a revision file is a few kilobytes; a huge one is junk
// (or an attack) and is reported instead of read.
constexpr std::size_t k_max_file_size = 16u << 20;

class Source {
public:
  virtual ~Source() = default;
  // Names of the regular files directly inside `dir`, sorted by name. A missing
  // directory is an Error of kind not_found.
  virtual model::Result<std::vector<std::string>> list(const std::string& dir) const = 0;
  virtual model::Result<std::string> read(const std::string& path) const = 0;
  // Reads the file `name` that list(dir) returned: by default read(dir + "/" + name).
  // A source may take shortcuts here that only hold for what it listed.
  virtual model::Result<std::string> read_listed(const std::string& dir,
                                                 const std::string& name) const;
  // "working tree", "index", "HEAD", ... for messages.
  virtual std::string describe() const = 0;
  // Whether read() may be called from several threads at once. Off unless a source
  // says so (a libgit2 repository handle is not to be shared between threads).
  virtual bool concurrent_reads() const { return false; }
};

// Files on disk. Paths are used as given (absolute or relative to the process's cwd).
class WorkingTree final : public Source {
public:
  model::Result<std::vector<std::string>> list(const std::string& dir) const override;
  model::Result<std::string> read(const std::string& path) const override;
  // Listed files are regular files, so one read() that returns less than asked has
  // reached the end: open, read, close, with an fstat only for a file larger than the
  // buffer. read() itself also copes with pipes and devices (`--config /dev/stdin`).
  model::Result<std::string> read_listed(const std::string& dir,
                                         const std::string& name) const override;
  std::string describe() const override { return "working tree"; }
  bool concurrent_reads() const override { return true; }
};

// A versions directory as the source sees it, plus how to show its files to people.
struct VersionDir {
  std::string path;         // path the Source understands
  std::string display_path; // path shown in diagnostics (repo-relative, '/')
};

struct LoadedFiles {
  std::vector<std::shared_ptr<const model::SourceFile>> files;
  std::vector<model::Diagnostic> problems; // files that could not be read (too big, ...)
};

// Reads every revision candidate of the given directories (sorted by file name within
// each directory, directories in the order given), on all cores when the source allows
// concurrent reads. A missing directory is an Error; an unreadable file is a problem
// diagnostic and loading goes on.
model::Result<LoadedFiles> load_revision_files(const Source& source,
                                               const std::vector<VersionDir>& dirs);

} // namespace miglint::source
