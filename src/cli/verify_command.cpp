#include "cli/commands.hpp"
namespace miglint::cli {
void add_verify_command(CLI::App&, const GlobalOptions&, Action&) {}
}
