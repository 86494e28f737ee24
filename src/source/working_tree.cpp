#include "source/source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

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
  // open/fstat/read straight into a string of the file's size: no FILE buffer and no
  // second copy. Reading until read() returns 0 still copes with a file that grows.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return model::make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)),
                             errno == ENOENT ? Error::Kind::not_found : Error::Kind::other);
  }
  struct stat st {};
  std::size_t expected = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    expected = static_cast<std::size_t>(st.st_size);
  }
  auto too_large = [&] {
    ::close(fd);
    return model::make_error(
      fmt::format("file is larger than {} MiB; not a revision file", k_max_file_size >> 20));
  };
  if (expected > k_max_file_size) {
    return too_large();
  }
  std::string text;
  text.resize(expected + 1); // one spare byte: a read of 0 there confirms the end
  std::size_t size = 0;
  while (true) {
    if (size == text.size()) {
      if (size > k_max_file_size) {
        return too_large();
      }
      text.resize(std::max<std::size_t>(size * 2, 4096));
    }
    const ssize_t got = ::read(fd, text.data() + size, text.size() - size);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      ::close(fd);
      return model::make_error(fmt::format("cannot read {}: {}", path, std::strerror(error)));
    }
    if (got == 0) {
      break;
    }
    size += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (size > k_max_file_size) {
    return model::make_error(
      fmt::format("file is larger than {} MiB; not a revision file", k_max_file_size >> 20));
  }
  text.resize(size);
  return text;
}

} // namespace miglint::source
