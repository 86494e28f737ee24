#include "cli/cli.hpp"

namespace miglint::cli {

int run(int, char**)
{
  return 0;
}

} // namespace miglint::cli
