// Times the attribution of every revision (the commit that added each file of a versions
// directory) through miglint's git layer, as `history --verbose` needs it: one history
// walk per run, with a freshly opened repository each time (cold libgit2 object cache).
// Built and run by bench_git.sh: git_attribution REPO DIR RUNS REF...
#include "git/repository.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s REPO DIR RUNS REF...\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[2];
  const int runs = std::atoi(argv[3]);
  std::vector<double> ms;
  std::size_t attributed = 0;
  for (int run = 0; run < runs + 1; ++run) {
    const auto start = std::chrono::steady_clock::now();
    auto repo = miglint::git::Repository::discover(argv[1]);
    if (!repo) {
      std::fprintf(stderr, "%s\n", repo.error().message.c_str());
      return 2;
    }
    std::vector<std::string> heads;
    for (int i = 4; i < argc; ++i) {
      auto commit = repo->resolve_commit(argv[i]);
      if (!commit) {
        std::fprintf(stderr, "%s\n", commit.error().message.c_str());
        return 2;
      }
      heads.push_back(*commit);
    }
    auto result = repo->introducing_commits(heads, dir);
    if (!result) {
      std::fprintf(stderr, "%s\n", result.error().message.c_str());
      return 2;
    }
    attributed = 0;
    for (const auto& side : *result) {
      attributed += side.size();
    }
    const auto stop = std::chrono::steady_clock::now();
    if (run > 0) { // the first run warms the page cache
      ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%.1f %zu\n", ms[ms.size() / 2], attributed);
  return 0;
}
