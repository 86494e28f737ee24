// `miglint upgrade [TARGET] [--db URL] [--sql]`: applies revisions as `alembic upgrade`.
#include "cli/commands.hpp"
#include "cli/migration_command.hpp"

#include <memory>

namespace miglint::cli {

void add_upgrade_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<MigrationOptions>();
  options->target = "head";
  auto* sub = app.add_subcommand("upgrade", "Upgrade the database to a later revision");
  sub->add_option("target", options->target,
                  "head (default), heads, REV, label@head, +N, REV+N")
      ->option_text("TARGET");
  sub->add_option("--db", options->db, "Database path or sqlite:/// URL")->option_text("URL");
  sub->add_flag("--sql", options->sql, "Print the SQL instead of running it ([START:]TARGET)");
  sub->add_flag("-q,--quiet", options->quiet, "No progress lines on stderr");
  sub->add_flag("--echo", options->echo,
                "Print every SQL statement on stderr as it runs (replayable by the sqlite3 shell)");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_migration_command(global, *options, true); };
  });
}

} // namespace miglint::cli
