// One function per command registers its subcommand on the CLI11 app; when parsing
// selects it, the command stores the action that main dispatch runs afterwards.
#pragma once

#include "cli/workspace.hpp"

#include <CLI/CLI.hpp>
#include <functional>

namespace miglint::cli {

using Action = std::function<int()>;

void add_heads_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_history_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_branches_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_conflicts_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_lint_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_rules_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_upgrade_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_downgrade_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_current_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_stamp_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_verify_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_new_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_merge_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_rebase_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_install_hooks_command(CLI::App& app, const GlobalOptions& global, Action& action);

} // namespace miglint::cli
