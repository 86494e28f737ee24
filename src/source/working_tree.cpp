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
    bool listed = entry->d_type == DT_REG;
    if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
      const std::string path = dir + "/" + entry->d_name;
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) {
        listed = S_ISREG(st.st_mode);
      } else {
        // A link that leads nowhere (dangling, or a loop) is listed so that reading it
        // fails and says so: Alembic fails on it too, rather than run without it.
        listed = ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
      }
    }
    if (listed) {
      names.emplace_back(entry->d_name);
    }
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

Error read_error(const std::string& path, int error)
{
  return model::make_error(fmt::format("cannot read {}: {}", path, std::strerror(error)),
                           error == ENOENT ? Error::Kind::not_found : Error::Kind::other);
}

// Why `link` (a name relative to `dir_fd`, shown as `path`) could not be opened, saying
// where a symbolic link points when the link is what failed.
Error open_error(int dir_fd, const std::string& link, const std::string& path, int error)
{
  if (error == ENOENT || error == ELOOP) {
    char target[4096];
    const ssize_t n = ::readlinkat(dir_fd, link.c_str(), target, sizeof target);
    if (n >= 0) {
      const std::string_view to(target, static_cast<std::size_t>(n));
      return model::make_error(
          error == ELOOP
              ? fmt::format("cannot read {}: symbolic link to {} that loops", path, to)
              : fmt::format("cannot read {}: broken symbolic link to {}, which does not exist",
                            path, to));
    }
  }
  return read_error(path, error);
}

Error too_large()
{
  return model::make_error(
    fmt::format("file is larger than {} MiB; not a revision file", k_max_file_size >> 20));
}

// Reads the rest of an open file after the `text` already read, and closes it. The
// size from fstat sizes the string, but reading goes on until read() returns 0, so a
// file that grows, or one with no size (a pipe), still comes out whole.
Result<std::string> read_to_end(int fd, const std::string& path, std::string text)
{
  struct stat st {};
  std::size_t expected = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    expected = static_cast<std::size_t>(st.st_size);
  }
  if (expected > k_max_file_size) {
    ::close(fd);
    return too_large();
  }
  std::size_t size = text.size();
  text.resize(std::max(expected, size) + 1); // one spare byte: a read of 0 there confirms the end
  while (true) {
    if (size == text.size()) {
      if (size > k_max_file_size) {
        ::close(fd);
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
      return read_error(path, error);
    }
    if (got == 0) {
      break;
    }
    size += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (size > k_max_file_size) {
    return too_large();
  }
  text.resize(size);
  return text;
}

} // namespace

Result<std::string> WorkingTree::read(const std::string& path) const
{
  // open/fstat/read straight into a string of the file's size: no FILE buffer and no
  // second copy.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return open_error(AT_FDCWD, path, path, error);
  }
  return read_to_end(fd, path, {});
}

namespace {

// A directory kept open: each file is opened relative to it (openat), so the kernel
// looks up one name instead of walking the whole path, per file.
class OpenDirectory final : public Source::Directory {
public:
  OpenDirectory(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  OpenDirectory(const OpenDirectory&) = delete;
  OpenDirectory& operator=(const OpenDirectory&) = delete;
  ~OpenDirectory() override { ::close(m_fd); }

  Result<std::string> read(const std::string& name) const override
  {
    const int fd = ::openat(m_fd, name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      return open_error(m_fd, name, m_path + "/" + name, error);
    }
    // A revision file is a few KiB, so this one read usually holds all of it. list() saw
    // a regular file, and a read of a regular file that returns less than it was asked
    // for has met the end of the file (POSIX): there is no need to ask its size first,
    // nor to read again for the 0 that says so.
    char buffer[32 * 1024];
    ssize_t got = 0;
    do {
      got = ::read(fd, buffer, sizeof buffer);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      return read_error(m_path + "/" + name, error);
    }
    const auto size = static_cast<std::size_t>(got);
    if (size < sizeof buffer) {
      ::close(fd);
      return std::string(buffer, size);
    }
    return read_to_end(fd, m_path + "/" + name, std::string(buffer, size));
  }

private:
  std::string m_path;
  int m_fd;
};

} // namespace

std::unique_ptr<Source::Directory> WorkingTree::open_directory(const std::string& dir) const
{
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Source::open_directory(dir); // read() then says what is wrong, file by file
  }
  return std::make_unique<OpenDirectory>(dir, fd);
}

} // namespace miglint::source
