// One function per command registers its subcommand on the command line; when parsing
// selects it, the command stores the action that main dispatch runs afterwards.
//
// Commands reach CLI11 only through Command and Option below, which forward to the part of
// its API they use, with the same signatures. CLI11 is header-only and every member of its
// App is inline: each command file that included <CLI/CLI.hpp> compiled most of it again
// (about 6 s of CPU per file in a Release build). Only cli.cpp includes it now.
#pragma once

#include "cli/workspace.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace miglint::cli {

using Action = std::function<int()>;

// An option or a positional argument (a CLI::Option); the setters chain as CLI11's do.
class Option {
public:
  explicit Option(CLI::Option* option) : m_option(option) {}

  Option* option_text(std::string text);
  Option* required();
  Option* delimiter(char separator);
  Option* expected(int min, int max);
  // One value per occurrence (repeat the option for more), so positionals that follow stay
  // positionals.
  Option* one_value_each();
  Option* default_str(std::string value);

private:
  CLI::Option* m_option;
};

// A command or subcommand (a CLI::App). It owns the Options and subcommands it hands out.
class Command {
public:
  explicit Command(CLI::App* app);
  ~Command();
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  Command* add_subcommand(std::string name, std::string description);
  Option* add_flag(std::string name, bool& value, std::string description);
  Option* add_option(std::string name, std::string& value, std::string description);
  Option* add_option(std::string name, std::optional<std::string>& value,
                     std::string description);
  Option* add_option(std::string name, std::vector<std::string>& value,
                     std::string description);
  // Runs when parsing selected this command (after its options were stored).
  void callback(std::function<void()> on_parsed);

private:
  Option* keep(CLI::Option* option);

  CLI::App* m_app;
  std::vector<std::unique_ptr<Command>> m_subcommands;
  std::vector<std::unique_ptr<Option>> m_options;
};

void add_heads_command(Command& app, const GlobalOptions& global, Action& action);
void add_history_command(Command& app, const GlobalOptions& global, Action& action);
void add_branches_command(Command& app, const GlobalOptions& global, Action& action);
void add_conflicts_command(Command& app, const GlobalOptions& global, Action& action);
void add_lint_command(Command& app, const GlobalOptions& global, Action& action);
void add_rules_command(Command& app, const GlobalOptions& global, Action& action);
void add_upgrade_command(Command& app, const GlobalOptions& global, Action& action);
void add_downgrade_command(Command& app, const GlobalOptions& global, Action& action);
void add_current_command(Command& app, const GlobalOptions& global, Action& action);
void add_stamp_command(Command& app, const GlobalOptions& global, Action& action);
void add_verify_command(Command& app, const GlobalOptions& global, Action& action);
void add_new_command(Command& app, const GlobalOptions& global, Action& action);
void add_merge_command(Command& app, const GlobalOptions& global, Action& action);
void add_rebase_command(Command& app, const GlobalOptions& global, Action& action);
void add_install_hooks_command(Command& app, const GlobalOptions& global, Action& action);

} // namespace miglint::cli
