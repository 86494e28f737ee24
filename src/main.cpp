// Entry point: hands argv to cli::run; holds the program's only catch-all.
#include "cli/cli.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char** argv)
{
#if defined(__GLIBC__)
  // A run is short and its heap churns (SQLite's page caches, parse trees): handing
  // freed memory back to the kernel only to fault it in again cost ~10% of `upgrade`.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif
  // Past a file size limit (ulimit -f) the kernel kills the writer with SIGXFSZ, in the
  // middle of a commit and without a word; ignored, the write fails (EFBIG) and the
  // migration reports it and rolls back like any other failed write.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return miglint::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "miglint: internal error: %s\n", e.what());
    return 2;
  }
}
