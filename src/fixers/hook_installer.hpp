// Installing miglint's git hooks into a repository's hooks directory (core.hooksPath
// when set, else the common git dir's hooks/, shared by every worktree). A hook someone
// else installed is never lost: it is renamed to <hook>.local and miglint's hook runs it
// first; when <hook>.local is taken too, installing refuses unless forced.
#pragma once

#include "model/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace miglint::fixers {

struct HookScript {
  const char* name; // "pre-commit", "pre-push", "post-merge", "post-checkout"
  const char* text; // the script, as in hooks/<name>
};

// The scripts of hooks/, in install order.
const std::vector<HookScript>& hook_scripts();

// The line that marks a hook file as miglint's.
inline constexpr const char* k_hook_marker =
    "# miglint-hook: installed by `miglint install-hooks`; `miglint install-hooks --uninstall` "
    "removes it";

// The installed file: the script with the marker line after its `#!` line; a non-empty
// `binary` becomes the default for MIGLINT (for a miglint that is not on PATH).
std::string installed_hook_text(const HookScript& script, const std::string& binary = {});
bool is_miglint_hook(const std::string& text);

struct InstallOptions {
  std::vector<std::string> hooks; // empty: all of them
  bool force = false;             // replace a foreign hook even when <hook>.local is taken
  bool uninstall = false;
  std::string binary; // see installed_hook_text
};

// Installs (or removes) the hooks in `hooks_dir`; returns one human-readable line per
// action. Errors (kind usage) name the hook and the way out (--force).
model::Result<std::vector<std::string>> install_hooks(const std::filesystem::path& hooks_dir,
                                                      const InstallOptions& options);

} // namespace miglint::fixers
