// The shared body of `upgrade` and `downgrade`: choose and open the database, resolve the
// target against its version rows, then migrate (or print the script with --sql).
#pragma once

#include "cli/workspace.hpp"

#include <optional>
#include <string>

namespace miglint::cli {

struct MigrationOptions {
  std::string target;
  std::optional<std::string> db;
  bool sql = false;   // offline: print the statements instead of running them
  bool quiet = false; // no INFO lines on stderr
  bool echo = false;  // every statement run, on stderr
};

int run_migration_command(const GlobalOptions& global, const MigrationOptions& options, bool up);

} // namespace miglint::cli
