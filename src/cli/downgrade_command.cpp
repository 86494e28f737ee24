// `miglint downgrade TARGET [--db URL] [--sql]`: reverts revisions as `alembic downgrade`.
#include "cli/commands.hpp"
#include "cli/migration_command.hpp"

#include <memory>

namespace miglint::cli {

void add_downgrade_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<MigrationOptions>();
  auto* sub = app.add_subcommand("downgrade", "Revert the database to an earlier revision");
  sub->add_option("target", options->target, "base, REV, label@base, -N, REV-N")
      ->option_text("TARGET")
      ->required();
  sub->add_option("--db", options->db, "Database path or sqlite:/// URL")->option_text("URL");
  sub->add_flag("--sql", options->sql, "Print the SQL instead of running it (START:TARGET)");
  sub->add_flag("-q,--quiet", options->quiet, "No progress lines on stderr");
  sub->add_flag("--echo", options->echo,
                "Print every SQL statement on stderr as it runs (replayable by the sqlite3 shell)");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_migration_command(global, *options, false); };
  });
}

} // namespace miglint::cli
