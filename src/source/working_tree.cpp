#include "source/source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

namespace miglint::source {

using model::Error;
using model::Result;

Result<std::vector<std::string>> WorkingTree::list(const std::string& dir) const
{
  // opendir/readdir rather than std::filesystem: no exceptions, and d_type spares a stat
  // per file on the file systems that fill it in.
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    const auto kind = errno == ENOENT || errno == ENOTDIR ? Error::Kind::not_found : Error::Kind::other;
    return model::make_error(fmt::format("cannot read directory {}: {}", dir, std::strerror(errno)),
                             kind);
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle)) {
    bool regular = entry->d_type == DT_REG;
    if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
      struct stat st {};
      regular = ::stat((dir + "/" + entry->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    if (regular) {
      names.emplace_back(entry->d_name);
    }
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> WorkingTree::read(const std::string& path) const
{
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return model::make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)),
                             errno == ENOENT ? Error::Kind::not_found : Error::Kind::other);
  }
  std::string text;
  char buffer[16384];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    text.append(buffer, got);
    if (text.size() > k_max_file_size) {
      std::fclose(f);
      return model::make_error(fmt::format("file is larger than {} MiB; not a revision file",
                                           k_max_file_size >> 20));
    }
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    return model::make_error(fmt::format("cannot read {}", path));
  }
  return text;
}

} // namespace miglint::source
