#include "readers/reader.hpp"
#include "source/source.hpp"

namespace miglint::source {

model::Result<LoadedFiles> load_revision_files(const Source& source,
                                               const std::vector<VersionDir>& dirs)
{
  LoadedFiles out;
  for (const auto& dir : dirs) {
    auto names = source.list(dir.path);
    if (!names) {
      return names.error();
    }
    for (const auto& name : *names) {
      if (!readers::is_revision_file(name)) {
        continue;
      }
      auto file = std::make_shared<model::SourceFile>();
      file->path = dir.display_path.empty() ? name : dir.display_path + "/" + name;
      auto text = source.read(dir.path + "/" + name);
      if (!text) {
        out.problems.push_back(readers::unparsable(file, {}, text.error().message));
        continue;
      }
      file->text = std::move(*text);
      out.files.push_back(std::move(file));
    }
  }
  return out;
}

} // namespace miglint::source
