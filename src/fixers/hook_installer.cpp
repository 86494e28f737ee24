#include "fixers/hook_installer.hpp"

#include "fixers/revision_writer.hpp"
#include "util/fnv128.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

namespace miglint::fixers {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model::Error io_error(const std::string& what, const fs::path& path, const std::error_code& ec)
{
  return model::make_error(fmt::format("cannot {} {}: {}", what, path.string(), ec.message()));
}

// Renames `from` to `to` unless `to` exists: atomically where the file system can, so that
// not even a concurrent install overwrites a kept hook.
std::error_code rename_no_replace(const fs::path& from, const fs::path& to)
{
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return {};
  }
  if (errno != EINVAL && errno != ENOSYS) {
    return {errno, std::generic_category()};
  }
#endif
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) {
    return std::make_error_code(std::errc::file_exists);
  }
  fs::rename(from, to, ec);
  return ec;
}

// Moves `path` to the first free name of <path>.miglint-backup, .miglint-backup.1, ...
model::Result<fs::path> keep_as_backup(const fs::path& path)
{
  for (int n = 0; n < 100000; ++n) {
    fs::path backup = path;
    backup += ".miglint-backup";
    if (n > 0) {
      backup += "." + std::to_string(n);
    }
    const std::error_code ec = rename_no_replace(path, backup);
    if (!ec) {
      return backup;
    }
    if (ec != std::errc::file_exists) {
      return io_error("keep a copy of", path, ec);
    }
  }
  return model::make_error(fmt::format("cannot keep a copy of {}: every {}.miglint-backup.N "
                                       "name is taken",
                                       path.string(), path.filename().string()));
}

const std::string k_checksum_label = "; checksum ";

// The marker line of `text`: its offset and length (without the newline), if any.
std::optional<std::pair<std::size_t, std::size_t>> marker_line(const std::string& text)
{
  const std::size_t at = text.find("# miglint-hook: ");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const std::size_t eol = text.find('\n', at);
  return std::pair{at, (eol == std::string::npos ? text.size() : eol) - at};
}

// The checksum covers the whole file with the checksum's own value left out.
std::string checksum_of(const std::string& unsigned_text)
{
  util::Fnv128 hash;
  hash.add(unsigned_text);
  return hash.hex();
}

// `text` as an older miglint wrote it: the marker line without its checksum.
std::string without_checksum(const std::string& text)
{
  std::string out = text;
  if (const auto line = marker_line(out)) {
    const std::string_view marker(out.data() + line->first, line->second);
    if (const auto label = marker.find(k_checksum_label); label != std::string_view::npos) {
      out.erase(line->first + label, line->second - label);
    }
  }
  return out;
}

struct Displaced {
  fs::path backup;
  std::string warning;
};

// Moves an edited (or unverifiable) miglint hook out of the way, saying where it went.
model::Result<Displaced> keep_edited(const fs::path& path, HookContent content)
{
  auto backup = keep_as_backup(path);
  if (!backup) {
    return backup.error();
  }
  const std::string why =
      content == HookContent::edited
          ? "was edited after miglint installed it"
          : "was installed by an older miglint that recorded no checksum, so edits to it "
            "cannot be ruled out";
  return Displaced{*backup, fmt::format("{} {}; it is kept as {}", path.string(), why,
                                        backup->string())};
}

// What is in `path`, for deciding whether miglint may replace or remove it: unreadable
// counts as foreign (kept). A checksum-less hook that matches what this miglint would
// write is as installed.
HookContent content_of(const std::optional<std::string>& current, const std::string& text)
{
  if (!current) {
    return HookContent::foreign;
  }
  const HookContent content = classify_hook(*current);
  if (content == HookContent::unverifiable && *current == without_checksum(text)) {
    return HookContent::as_installed;
  }
  return content;
}

model::Result<std::string> install_one(const fs::path& dir, const HookScript& script, bool force,
                                       const std::string& binary,
                                       std::vector<std::string>& warnings)
{
  const fs::path path = dir / script.name;
  const fs::path local = dir / (std::string(script.name) + ".local");
  const std::string text = installed_hook_text(script, binary);
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(path, ec));
  std::string note;
  if (exists) {
    const auto current = read_file(path);
    const HookContent content = content_of(current, text);
    if (content == HookContent::as_installed) {
      if (*current == text) {
        return fmt::format("{}: up to date", path.string());
      }
      if (auto w = write_file_atomic(path, text, false, 0755); !w) {
        return w.error();
      }
      return fmt::format("{}: updated", path.string());
    }
    if (content != HookContent::foreign) {
      auto kept = keep_edited(path, content);
      if (!kept) {
        return kept.error();
      }
      warnings.push_back(kept->warning);
      if (auto w = write_file_atomic(path, text, false, 0755); !w) {
        return w.error();
      }
      return fmt::format("{}: updated (the hook that was there is kept as {})", path.string(),
                         kept->backup.filename().string());
    }
    // Someone else's hook: keep it, and run it first from ours.
    if (fs::exists(fs::symlink_status(local, ec))) {
      if (!force) {
        return model::make_error(
            fmt::format("{} is not miglint's hook and {} already exists, so there is nowhere to "
                        "keep it; move one of them away, or pass --force to replace {} (it is "
                        "kept as {}.miglint-backup, or .miglint-backup.N when that is taken)",
                        path.string(), local.filename().string(), script.name, script.name),
            model::Error::Kind::usage);
      }
      auto backup = keep_as_backup(path);
      if (!backup) {
        return backup.error();
      }
      warnings.push_back(fmt::format("{} was not miglint's hook and {} was taken; it is kept as {}",
                                     path.string(), local.filename().string(),
                                     backup->string()));
      note = fmt::format(" (the hook that was there is kept as {})", backup->filename().string());
    } else {
      if (const auto moved = rename_no_replace(path, local); moved) {
        return io_error("move aside", path, moved);
      }
      note = fmt::format(" (the hook that was there is now {} and runs first)",
                         local.filename().string());
    }
  }
  if (auto w = write_file_atomic(path, text, false, 0755); !w) {
    return w.error();
  }
  return fmt::format("{}: installed{}", path.string(), note);
}

model::Result<std::string> uninstall_one(const fs::path& dir, const HookScript& script,
                                         const std::string& binary,
                                         std::vector<std::string>& warnings)
{
  const fs::path path = dir / script.name;
  const fs::path local = dir / (std::string(script.name) + ".local");
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) {
    return fmt::format("{}: not installed", path.string());
  }
  const HookContent content = content_of(read_file(path), installed_hook_text(script, binary));
  if (content == HookContent::foreign) {
    return fmt::format("{}: not miglint's hook; left alone", path.string());
  }
  std::string line = fmt::format("{}: removed", path.string());
  if (content == HookContent::as_installed) {
    fs::remove(path, ec);
    if (ec) {
      return io_error("remove", path, ec);
    }
  } else {
    // Edited: the edits are the user's, so the file is moved aside, never deleted.
    auto kept = keep_edited(path, content);
    if (!kept) {
      return kept.error();
    }
    warnings.push_back(kept->warning);
    line += fmt::format(" (kept as {})", kept->backup.filename().string());
  }
  if (fs::exists(fs::symlink_status(local, ec))) {
    if (const auto moved = rename_no_replace(local, path); moved) {
      return io_error("restore", local, moved);
    }
    line += "; the hook from before is back";
  }
  return line;
}

} // namespace

std::string installed_hook_text(const HookScript& script, const std::string& binary)
{
  std::string text = script.text;
  const std::string default_line = "miglint=${MIGLINT:-miglint}";
  if (const auto at = text.find(default_line); !binary.empty() && at != std::string::npos) {
    std::string quoted = "'";
    for (char c : binary) {
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    quoted += "'";
    text.replace(at, default_line.size(), "miglint=${MIGLINT:-" + quoted + "}");
  }
  const auto eol = text.find('\n');
  const std::size_t at = text.starts_with("#!") && eol != std::string::npos ? eol + 1 : 0;
  text.insert(at, std::string(k_hook_marker) + k_checksum_label + "\n");
  text.insert(at + std::strlen(k_hook_marker) + k_checksum_label.size(), checksum_of(text));
  return text;
}

bool is_miglint_hook(const std::string& text)
{
  return marker_line(text).has_value();
}

HookContent classify_hook(const std::string& text)
{
  const auto line = marker_line(text);
  if (!line) {
    return HookContent::foreign;
  }
  const std::string_view marker(text.data() + line->first, line->second);
  const auto label = marker.find(k_checksum_label);
  if (label == std::string_view::npos) {
    return HookContent::unverifiable;
  }
  const std::size_t value_at = line->first + label + k_checksum_label.size();
  std::string unsigned_text = text;
  unsigned_text.erase(value_at, line->first + line->second - value_at);
  const std::string_view value(text.data() + value_at, line->first + line->second - value_at);
  return value == checksum_of(unsigned_text) ? HookContent::as_installed : HookContent::edited;
}

model::Result<InstallReport> install_hooks(const fs::path& hooks_dir, const InstallOptions& options)
{
  std::vector<const HookScript*> chosen;
  for (const auto& name : options.hooks) {
    const auto& all = hook_scripts();
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const HookScript& s) { return name == s.name; });
    if (it == all.end()) {
      return model::make_error(
          fmt::format("unknown hook '{}'; miglint has pre-commit, pre-merge-commit, pre-push, "
                      "post-merge and post-checkout",
                      name),
          model::Error::Kind::usage);
    }
    chosen.push_back(&*it);
  }
  if (chosen.empty()) {
    for (const auto& s : hook_scripts()) {
      chosen.push_back(&s);
    }
  }
  std::error_code ec;
  if (!options.uninstall) {
    fs::create_directories(hooks_dir, ec);
    if (ec) {
      return io_error("create", hooks_dir, ec);
    }
  }
  // Refuse before touching anything: an install either happens for every hook or none.
  if (!options.uninstall && !options.force) {
    for (const HookScript* s : chosen) {
      const fs::path path = hooks_dir / s->name;
      const fs::path local = hooks_dir / (std::string(s->name) + ".local");
      if (fs::exists(fs::symlink_status(path, ec)) && fs::exists(fs::symlink_status(local, ec))) {
        const auto current = read_file(path);
        if (!current || !is_miglint_hook(*current)) {
          std::vector<std::string> unused;
          return install_one(hooks_dir, *s, false, options.binary, unused).error();
        }
      }
    }
  }
  InstallReport report;
  for (const HookScript* s : chosen) {
    auto line = options.uninstall
                    ? uninstall_one(hooks_dir, *s, options.binary, report.warnings)
                    : install_one(hooks_dir, *s, options.force, options.binary, report.warnings);
    if (!line) {
      return line.error();
    }
    report.lines.push_back(std::move(*line));
  }
  return report;
}

} // namespace miglint::fixers
