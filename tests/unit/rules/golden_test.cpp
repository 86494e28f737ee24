// Runs the real miglint binary over every lint fixture and compares its output with the
#include "test_text.hpp"
// golden files next to the input:
//
//   tests/fixtures/rules/<CODE>-<name>/<case>/   one rule, a failing or a clean case
//   tests/fixtures/lint/<case>/                  config, baseline, formats, exit codes
//
// Each case holds versions/ (and optionally miglint.toml or pyproject.toml), `args` (the
// command after `-C <case>`; `lint` when absent), expected.txt (exact stdout),
// expected_stderr.txt (exact stderr; when absent stderr must be empty) and exit_code (when
// absent: 1 if the output has a `: error: ` line, else 0). MIGLINT_UPDATE_GOLDEN=1 rewrites the
// golden files; review the diff in git.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

using miglint::testing::read_text;

namespace {

void write_text(const fs::path& path, const std::string& text)
{
  std::ofstream(path, std::ios::binary) << text;
}

std::string shell_quote(const std::string& word)
{
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::vector<std::string> split_words(const std::string& text)
{
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

void replace_all(std::string& text, const std::string& from, const std::string& to)
{
  if (from.empty()) {
    return;
  }
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

struct Run {
  std::string out;
  std::string err;
  int exit_code = -1;
};

// Golden files hold no machine paths or tool version: config errors name the config file
// by its absolute path, and SARIF carries the version. SARIF also embeds the whole rule
// catalogue, which registry_test covers; here it is left out so that a new rule or an
// edited page does not change the golden file of a lint run.
std::string normalized(std::string text, const fs::path& case_dir)
{
  replace_all(text, case_dir.string() + "/", "");
  replace_all(text, "\"" + std::string(MIGLINT_VERSION) + "\"", "\"<version>\"");
  if (text.find("\"$schema\"") != std::string::npos) {
    auto sarif = nlohmann::json::parse(text, nullptr, false);
    if (!sarif.is_discarded() && sarif.contains("runs")) {
      for (auto& run : sarif["runs"]) {
        run["tool"]["driver"]["rules"] = "<the rule catalogue>";
      }
      text = sarif.dump(2) + "\n";
    }
  }
  return text;
}

Run run_case(const fs::path& fixture_dir, const fs::path& err_file)
{
  std::vector<std::string> args = {"lint"};
  if (fs::exists(fixture_dir / "args")) {
    args = split_words(read_text(fixture_dir / "args"));
  }
  // Run on a copy outside this repository: lint compares with the base branch by default,
  // and this repository's own history of the fixture files must not take part.
  const fs::path case_dir = err_file.parent_path() / "case" / fixture_dir.filename();
  fs::remove_all(case_dir.parent_path());
  fs::create_directories(case_dir.parent_path());
  fs::copy(fixture_dir, case_dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  // CI variables would switch the format; the golden files are for a plain terminal.
  std::string command = "env -u GITHUB_ACTIONS " + shell_quote(MIGLINT_BINARY) + " -C " +
                        shell_quote(case_dir.string());
  for (const auto& a : args) {
    command += " " + shell_quote(a);
  }
  command += " --color never 2>" + shell_quote(err_file.string());
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return run;
  }
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    run.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_text(err_file);
  run.out = normalized(run.out, case_dir);
  run.err = normalized(run.err, case_dir);
  return run;
}

int derived_exit_code(const std::string& text_output)
{
  return text_output.find(": error: ") != std::string::npos ? 1 : 0;
}

std::vector<fs::path> case_dirs()
{
  const fs::path fixtures = fs::path(MIGLINT_SOURCE_DIR) / "tests" / "fixtures";
  std::vector<fs::path> out;
  if (fs::is_directory(fixtures / "rules")) {
    for (const auto& rule : fs::directory_iterator(fixtures / "rules")) {
      if (!rule.is_directory()) {
        continue;
      }
      for (const auto& c : fs::directory_iterator(rule.path())) {
        if (c.is_directory() && fs::is_directory(c.path() / "versions")) {
          out.push_back(c.path());
        }
      }
    }
  }
  if (fs::is_directory(fixtures / "lint")) {
    for (const auto& c : fs::directory_iterator(fixtures / "lint")) {
      if (c.is_directory() && fs::is_directory(c.path() / "versions")) {
        out.push_back(c.path());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_SUITE("rules golden fixtures")
{
  TEST_CASE("every fixture case gives its expected output and exit code")
  {
    const auto cases = case_dirs();
    CHECK(cases.size() >= 28);
    const bool update = [] {
      const char* v = std::getenv("MIGLINT_UPDATE_GOLDEN");
      return v != nullptr && std::string(v) == "1";
    }();
    const fs::path work = fs::temp_directory_path() / ("miglint-golden-" + std::to_string(::getpid()));
    fs::create_directories(work);
    const fs::path err_file = work / "stderr";
    for (const auto& case_dir : cases) {
      const std::string name =
          case_dir.parent_path().filename().string() + "/" + case_dir.filename().string();
      CAPTURE(name);
      const Run run = run_case(case_dir, err_file);
      CAPTURE(run.err);
      const fs::path expected_out = case_dir / "expected.txt";
      const fs::path expected_err = case_dir / "expected_stderr.txt";
      const fs::path exit_file = case_dir / "exit_code";
      if (update) {
        write_text(expected_out, run.out);
        if (!run.err.empty()) {
          write_text(expected_err, run.err);
        } else if (fs::exists(expected_err)) {
          fs::remove(expected_err);
        }
        if (fs::exists(exit_file) || run.exit_code != derived_exit_code(run.out)) {
          write_text(exit_file, std::to_string(run.exit_code) + "\n");
        }
      }
      CHECK_MESSAGE(fs::exists(expected_out), "missing expected.txt; run with MIGLINT_UPDATE_GOLDEN=1");
      CHECK(run.out == read_text(expected_out));
      if (fs::exists(expected_err)) {
        CHECK(run.err == read_text(expected_err));
      } else {
        CHECK(run.err == "");
      }
      const int expected_exit = fs::exists(exit_file) ? std::atoi(read_text(exit_file).c_str())
                                                      : derived_exit_code(run.out);
      CHECK(run.exit_code == expected_exit);
    }
    fs::remove_all(work);
  }
}
