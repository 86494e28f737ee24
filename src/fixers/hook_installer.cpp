#include "fixers/hook_installer.hpp"

#include "fixers/revision_writer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

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

model::Result<std::string> install_one(const fs::path& dir, const HookScript& script, bool force,
                                       const std::string& binary)
{
  const fs::path path = dir / script.name;
  const fs::path local = dir / (std::string(script.name) + ".local");
  const std::string text = installed_hook_text(script, binary);
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(path, ec));
  std::string note;
  if (exists) {
    const auto current = read_file(path);
    if (current && is_miglint_hook(*current)) {
      if (*current == text) {
        return fmt::format("{}: up to date", path.string());
      }
      if (auto w = write_file_atomic(path, text, false, 0755); !w) {
        return w.error();
      }
      return fmt::format("{}: updated", path.string());
    }
    // Someone else's hook: keep it, and run it first from ours.
    if (fs::exists(fs::symlink_status(local, ec))) {
      if (!force) {
        return model::make_error(
            fmt::format("{} is not miglint's hook and {} already exists, so there is nowhere to "
                        "keep it; move one of them away, or pass --force to replace {} (it is "
                        "kept as {}.miglint-backup)",
                        path.string(), local.filename().string(), script.name, script.name),
            model::Error::Kind::usage);
      }
      const fs::path backup = dir / (std::string(script.name) + ".miglint-backup");
      fs::rename(path, backup, ec);
      if (ec) {
        return io_error("move aside", path, ec);
      }
      note = fmt::format(" (the hook that was there is kept as {})", backup.filename().string());
    } else {
      fs::rename(path, local, ec);
      if (ec) {
        return io_error("move aside", path, ec);
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

model::Result<std::string> uninstall_one(const fs::path& dir, const HookScript& script)
{
  const fs::path path = dir / script.name;
  const fs::path local = dir / (std::string(script.name) + ".local");
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) {
    return fmt::format("{}: not installed", path.string());
  }
  const auto current = read_file(path);
  if (!current || !is_miglint_hook(*current)) {
    return fmt::format("{}: not miglint's hook; left alone", path.string());
  }
  fs::remove(path, ec);
  if (ec) {
    return io_error("remove", path, ec);
  }
  if (fs::exists(fs::symlink_status(local, ec))) {
    fs::rename(local, path, ec);
    if (ec) {
      return io_error("restore", local, ec);
    }
    return fmt::format("{}: removed; the hook from before is back", path.string());
  }
  return fmt::format("{}: removed", path.string());
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
  text.insert(at, std::string(k_hook_marker) + "\n");
  return text;
}

bool is_miglint_hook(const std::string& text)
{
  return text.find("# miglint-hook: ") != std::string::npos;
}

model::Result<std::vector<std::string>> install_hooks(const fs::path& hooks_dir,
                                                      const InstallOptions& options)
{
  std::vector<const HookScript*> chosen;
  for (const auto& name : options.hooks) {
    const auto& all = hook_scripts();
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const HookScript& s) { return name == s.name; });
    if (it == all.end()) {
      return model::make_error(
          fmt::format("unknown hook '{}'; miglint has pre-commit, pre-push, post-merge and "
                      "post-checkout",
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
          return install_one(hooks_dir, *s, false, options.binary).error();
        }
      }
    }
  }
  std::vector<std::string> lines;
  for (const HookScript* s : chosen) {
    auto line = options.uninstall ? uninstall_one(hooks_dir, *s)
                                  : install_one(hooks_dir, *s, options.force, options.binary);
    if (!line) {
      return line.error();
    }
    lines.push_back(std::move(*line));
  }
  return lines;
}

} // namespace miglint::fixers
