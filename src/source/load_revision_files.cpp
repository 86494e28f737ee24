#include "readers/reader.hpp"
#include "source/parallel.hpp"
#include "source/source.hpp"

#include <optional>

namespace miglint::source {

model::Result<std::string> Source::read_listed(const std::string& dir, const std::string& name) const
{
  return read(dir + "/" + name);
}

model::Result<LoadedFiles> load_revision_files(const Source& source,
                                               const std::vector<VersionDir>& dirs)
{
  // List every directory first (a missing one is an Error), then read the files, on all
  // cores when the source allows it: opening a file costs more than parsing its module
  // level, so this is most of the time `heads` takes.
  std::vector<std::vector<std::string>> listings;
  listings.reserve(dirs.size());
  struct Entry {
    std::uint32_t dir;  // index into dirs and listings
    std::uint32_t name; // index into listings[dir]
    std::shared_ptr<model::SourceFile> file;
    std::optional<model::Error> error;
  };
  std::vector<Entry> entries;
  for (const auto& dir : dirs) {
    auto names = source.list(dir.path);
    if (!names) {
      return names.error();
    }
    listings.push_back(std::move(*names));
    const auto d = static_cast<std::uint32_t>(listings.size() - 1);
    entries.reserve(entries.size() + listings.back().size());
    for (std::size_t n = 0; n < listings.back().size(); ++n) {
      const std::string& name = listings.back()[n];
      if (!readers::is_revision_file(name)) {
        continue;
      }
      auto file = std::make_shared<model::SourceFile>();
      file->path = dir.display_path.empty() ? name : dir.display_path + "/" + name;
      entries.push_back({d, static_cast<std::uint32_t>(n), std::move(file), std::nullopt});
    }
  }
  auto read_one = [&](std::size_t i) {
    Entry& entry = entries[i];
    auto text = source.read_listed(dirs[entry.dir].path, listings[entry.dir][entry.name]);
    if (text) {
      entry.file->text = std::move(*text);
    } else {
      entry.error = std::move(text.error());
    }
  };
  if (source.concurrent_reads()) {
    parallel_for(entries.size(), read_one);
  } else {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      read_one(i);
    }
  }
  LoadedFiles out;
  out.files.reserve(entries.size());
  for (Entry& entry : entries) {
    if (entry.error) {
      out.problems.push_back(readers::unparsable(entry.file, {}, entry.error->message));
    } else {
      out.files.push_back(std::move(entry.file));
    }
  }
  return out;
}

} // namespace miglint::source
