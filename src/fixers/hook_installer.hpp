// Installing miglint's git hooks into a repository's hooks directory (core.hooksPath
// when set, else the common git dir's hooks/, shared by every worktree). Bytes miglint did
// not write are never lost: a hook someone else installed is renamed to <hook>.local and
// miglint's hook runs it first; a hook that is in the way otherwise (a miglint hook edited
// since it was installed, a foreign hook when <hook>.local is taken and --force is given)
// is kept under the next free <hook>.miglint-backup[.N] name, never over an earlier one.
#pragma once

#include "model/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace miglint::fixers {

struct HookScript {
  const char* name; // "pre-commit", "pre-merge-commit", "pre-push", "post-merge", "post-checkout"
  const char* text; // the script, as in hooks/<name>
};

// The scripts of hooks/, in install order.
const std::vector<HookScript>& hook_scripts();

// The start of the line that marks a hook file as miglint's. The line ends with a checksum
// of the file as installed (see installed_hook_text), which tells an edited hook apart.
inline constexpr const char* k_hook_marker =
    "# miglint-hook: installed by `miglint install-hooks`; `miglint install-hooks --uninstall` "
    "removes it";

// The installed file: the script with the marker line (and its checksum) after its `#!`
// line; a non-empty `binary` becomes the default for MIGLINT (for a miglint that is not on
// PATH).
std::string installed_hook_text(const HookScript& script, const std::string& binary = {});
bool is_miglint_hook(const std::string& text);

enum class HookContent {
  foreign,      // no marker: someone else's hook
  as_installed, // miglint's, byte for byte as it was installed
  edited,       // miglint's marker, but the bytes differ from what was installed
  unverifiable, // miglint's marker without a checksum (an older miglint): edits unknown
};
HookContent classify_hook(const std::string& text);

struct InstallOptions {
  std::vector<std::string> hooks; // empty: all of them
  bool force = false;             // replace a foreign hook even when <hook>.local is taken
  bool uninstall = false;
  std::string binary; // see installed_hook_text
};

struct InstallReport {
  std::vector<std::string> lines;    // one per hook: what was done (for stdout)
  std::vector<std::string> warnings; // where a displaced hook was kept (for stderr)
};

// Installs (or removes) the hooks in `hooks_dir`. Errors (kind usage) name the hook and
// the way out (--force).
model::Result<InstallReport> install_hooks(const std::filesystem::path& hooks_dir,
                                           const InstallOptions& options);

} // namespace miglint::fixers
