// Entry point: hands argv to cli::run; holds the program's only catch-all.
#include "cli/cli.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv)
{
  try {
    return miglint::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "miglint: internal error: %s\n", e.what());
    return 2;
  }
}
