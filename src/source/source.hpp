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

  // The files of one listed directory, read by name: what loading a versions directory
  // does a thousand times. Read only names that list(dir) returned.
  class Directory {
  public:
    virtual ~Directory() = default;
    // Thread-safe when the Source's concurrent_reads() is.
    virtual model::Result<std::string> read(const std::string& name) const = 0;
  };
  // By default each file is read(dir + "/" + name).
  virtual std::unique_ptr<Directory> open_directory(const std::string& dir) const;

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
  // Keeps the directory open and opens each file relative to it (no walk of the whole
  // path per file), and reads a listed file, which is a regular file, with one read()
  // when it fits a 32 KiB buffer: open, read, close. read() itself also copes with pipes
  // and devices (`--config /dev/stdin`).
  std::unique_ptr<Directory> open_directory(const std::string& dir) const override;
  std::string describe() const override { return "working tree"; }
  bool concurrent_reads() const override { return true; }
};

// A versions directory as the source sees it, plus how to show its files to people.
struct VersionDir {
  std::string path;         // path the Source understands
  std::string display_path; // path shown in diagnostics (repo-relative, '/')
};

// The revision candidates of some directories (sorted by file name within each directory,
// directories in the order given), listed but not read yet.
class RevisionFiles {
public:
  // A missing directory is an Error.
  static model::Result<RevisionFiles> list(const Source& source, const std::vector<VersionDir>& dirs);

  std::size_t size() const { return m_entries.size(); }
  // Reads candidate i into file(i), a new SourceFile named by its display path. Different
  // candidates may be read at once when source.concurrent_reads(): the per-file work
  // (the path included) is done there rather than while listing.
  model::Result<void> read(std::size_t i);
  // Candidate i, once read(i) was called: its text is there when read(i) succeeded.
  const std::shared_ptr<model::SourceFile>& file(std::size_t i) const { return m_entries[i].file; }

private:
  struct Directory {
    std::unique_ptr<Source::Directory> files;
    std::string display_path;
    std::vector<std::string> names;
  };
  struct Entry {
    std::uint32_t dir;  // index into m_directories
    std::uint32_t name; // index into its names
    std::shared_ptr<model::SourceFile> file;
  };
  std::vector<Directory> m_directories;
  std::vector<Entry> m_entries;
};

struct LoadedFiles {
  std::vector<std::shared_ptr<const model::SourceFile>> files;
  std::vector<model::Diagnostic> problems; // files that could not be read (too big, ...)
};

// Lists and reads every revision candidate of the given directories, on all cores when
// the source allows concurrent reads. A missing directory is an Error; an unreadable
// file is a problem diagnostic and loading goes on.
model::Result<LoadedFiles> load_revision_files(const Source& source,
                                               const std::vector<VersionDir>& dirs);

} // namespace miglint::source
