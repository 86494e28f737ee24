#include "readers/reader.hpp"
#include "source/parallel.hpp"
#include "source/source.hpp"

#include <optional>

namespace miglint::source {

namespace {

class PathDirectory final : public Source::Directory {
public:
  PathDirectory(const Source& source, std::string dir) : m_source(source), m_dir(std::move(dir)) {}
  model::Result<std::string> read(const std::string& name) const override
  {
    return m_source.read(m_dir + "/" + name);
  }

private:
  const Source& m_source;
  std::string m_dir;
};

} // namespace

std::unique_ptr<Source::Directory> Source::open_directory(const std::string& dir) const
{
  return std::make_unique<PathDirectory>(*this, dir);
}

model::Result<RevisionFiles> RevisionFiles::list(const Source& source,
                                                 const std::vector<VersionDir>& dirs)
{
  RevisionFiles out;
  out.m_directories.reserve(dirs.size());
  for (const auto& dir : dirs) {
    auto names = source.list(dir.path);
    if (!names) {
      return names.error();
    }
    const auto d = static_cast<std::uint32_t>(out.m_directories.size());
    out.m_entries.reserve(out.m_entries.size() + names->size());
    for (std::size_t n = 0; n < names->size(); ++n) {
      if (readers::is_revision_file((*names)[n])) {
        out.m_entries.push_back({d, static_cast<std::uint32_t>(n), nullptr});
      }
    }
    out.m_directories.push_back({source.open_directory(dir.path), dir.display_path, std::move(*names)});
  }
  return out;
}

model::Result<void> RevisionFiles::read(std::size_t i)
{
  Entry& entry = m_entries[i];
  const Directory& dir = m_directories[entry.dir];
  const std::string& name = dir.names[entry.name];
  entry.file = std::make_shared<model::SourceFile>();
  model::SourceFile& file = *entry.file;
  if (dir.display_path.empty()) {
    file.path = name;
  } else {
    file.path.reserve(dir.display_path.size() + 1 + name.size());
    file.path.append(dir.display_path).append(1, '/').append(name);
  }
  auto text = dir.files->read(name);
  if (!text) {
    return text.error();
  }
  file.text = std::move(*text);
  return {};
}

model::Result<LoadedFiles> load_revision_files(const Source& source,
                                               const std::vector<VersionDir>& dirs)
{
  auto listed = RevisionFiles::list(source, dirs);
  if (!listed) {
    return listed.error();
  }
  RevisionFiles& files = *listed;
  std::vector<std::optional<model::Error>> errors(files.size());
  auto read_one = [&](std::size_t i) {
    if (auto done = files.read(i); !done) {
      errors[i] = done.error();
    }
  };
  if (source.concurrent_reads()) {
    parallel_for(files.size(), read_one);
  } else {
    for (std::size_t i = 0; i < files.size(); ++i) {
      read_one(i);
    }
  }
  LoadedFiles out;
  out.files.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (errors[i]) {
      out.problems.push_back(readers::unparsable(files.file(i), {}, errors[i]->message));
    } else {
      out.files.push_back(files.file(i));
    }
  }
  return out;
}

} // namespace miglint::source
