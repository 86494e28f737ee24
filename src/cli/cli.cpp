#include "cli/cli.hpp"

#include "cli/commands.hpp"
#include "util/strings.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

namespace miglint::cli {

namespace {

constexpr const char* k_options_with_value[] = {"-C", "--versions", "--config", "--format",
                                                "--color"};

// CLI11 would say "The following arguments were not expected"; people who type
// `miglint haeds` deserve "unknown command 'haeds'; did you mean 'heads'?".
std::string unknown_command(int argc, char** argv, const CLI::App& app)
{
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) {
    names.push_back(sub->get_name());
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      return {};
    }
    if (arg.starts_with("-")) {
      for (const char* opt : k_options_with_value) {
        if (arg == opt) {
          ++i;
        }
      }
      continue;
    }
    if (std::find(names.begin(), names.end(), arg) != names.end()) {
      return {};
    }
    const std::string near = util::closest_match(arg, names);
    return near.empty() ? fmt::format("unknown command '{}'; run 'miglint --help' for the list", arg)
                        : fmt::format("unknown command '{}'; did you mean '{}'?", arg, near);
  }
  return {};
}

} // namespace

Option* Option::option_text(std::string text)
{
  m_option->option_text(std::move(text));
  return this;
}

Option* Option::required()
{
  m_option->required();
  return this;
}

Option* Option::delimiter(char separator)
{
  m_option->delimiter(separator);
  return this;
}

Option* Option::expected(int min, int max)
{
  m_option->expected(min, max);
  return this;
}

Option* Option::one_value_each()
{
  m_option->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
  return this;
}

Option* Option::default_str(std::string value)
{
  m_option->default_str(std::move(value));
  return this;
}

Command::Command(CLI::App* app) : m_app(app) {}

Command::~Command() = default;

Command* Command::add_subcommand(std::string name, std::string description)
{
  CLI::App* sub = m_app->add_subcommand(std::move(name), std::move(description));
  return m_subcommands.emplace_back(std::make_unique<Command>(sub)).get();
}

Option* Command::add_flag(std::string name, bool& value, std::string description)
{
  return keep(m_app->add_flag(std::move(name), value, std::move(description)));
}

Option* Command::add_option(std::string name, std::string& value, std::string description)
{
  return keep(m_app->add_option(std::move(name), value, std::move(description)));
}

Option* Command::add_option(std::string name, std::optional<std::string>& value,
                            std::string description)
{
  return keep(m_app->add_option(std::move(name), value, std::move(description)));
}

Option* Command::add_option(std::string name, std::vector<std::string>& value,
                            std::string description)
{
  return keep(m_app->add_option(std::move(name), value, std::move(description)));
}

void Command::callback(std::function<void()> on_parsed)
{
  m_app->callback(std::move(on_parsed));
}

Option* Command::keep(CLI::Option* option)
{
  return m_options.emplace_back(std::make_unique<Option>(option)).get();
}

int run(int argc, char** argv)
{
  CLI::App app{"miglint: lint, verify and apply Alembic-compatible database migrations"};
  app.set_version_flag("--version", std::string("miglint ") + MIGLINT_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("-C", global.directory, "Run as if started in DIR")->option_text("DIR");
  app.add_option("--versions", global.versions, "The versions directory")->option_text("DIR");
  app.add_option("--config", global.config, "miglint.toml, pyproject.toml or alembic.ini to use")
      ->option_text("FILE");
  app.add_option("--format", global.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "gitlab"}))
      ->each([&global](const std::string&) { global.format_given = true; });
  app.add_option("--color", global.color, "Colour the output")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  Action action;
  Command root(&app);
  add_heads_command(root, global, action);
  add_history_command(root, global, action);
  add_branches_command(root, global, action);
  add_lint_command(root, global, action);
  add_rules_command(root, global, action);
  add_upgrade_command(root, global, action);
  add_downgrade_command(root, global, action);
  add_current_command(root, global, action);
  add_stamp_command(root, global, action);
  add_verify_command(root, global, action);
  add_new_command(root, global, action);
  add_merge_command(root, global, action);
  add_rebase_command(root, global, action);
  add_install_hooks_command(root, global, action);
  add_conflicts_command(root, global, action);
  for (auto* sub : app.get_subcommands({})) {
    sub->fallthrough(); // global options may also follow the command name
  }

  if (auto message = unknown_command(argc, argv, app); !message.empty()) {
    return usage_failure(message);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty()) {
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    }
    std::fprintf(stderr, "miglint: error: %s\nRun 'miglint --help' or 'miglint COMMAND --help'.\n",
                 message.c_str());
    return 2;
  }
  return action ? action() : 2;
}

} // namespace miglint::cli
