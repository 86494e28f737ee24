// The command line: parses argv (CLI11) and dispatches to one function per command.
#pragma once

namespace miglint::cli {

// Runs miglint with the given arguments; returns the process exit code (0, 1 or 2).
int run(int argc, char** argv);

} // namespace miglint::cli
