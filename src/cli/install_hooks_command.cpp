// `miglint install-hooks [--hook NAME]... [--force] [--uninstall]`: installs the git hooks
// of hooks/ where git runs them (core.hooksPath, else the common git dir, so every
// worktree gets them). Also `miglint hook post-checkout PREV NEW`, the part of the
// post-checkout hook that needs the revision graphs of both branches.
#include "cli/commands.hpp"
#include "cli/database_access.hpp"
#include "fixers/checkout_advice.hpp"
#include "fixers/hook_installer.hpp"
#include "fixers/tree_graph.hpp"
#include "git/repository.hpp"
#include "sqlite/database_url.hpp"
#include "sqlite/version_table.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace miglint::cli {

namespace fs = std::filesystem;

namespace {

struct InstallHooksOptions {
  std::vector<std::string> hooks;
  bool force = false;
  bool uninstall = false;
};

bool miglint_on_path()
{
  const char* path = std::getenv("PATH");
  if (!path) {
    return false;
  }
  for (const auto& dir : util::split(path, ':')) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "miglint";
    if (::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

int run_install_hooks(const GlobalOptions& global, const InstallHooksOptions& options)
{
  auto repo = git::Repository::discover(global.directory);
  if (!repo) {
    return usage_failure(repo.error().message);
  }
  auto dir = repo->hooks_dir();
  if (!dir) {
    return usage_failure(dir.error().message);
  }
  auto configured = repo->config_string("core.hooksPath");
  if (configured && *configured) {
    std::fprintf(stderr, "miglint: note: core.hooksPath is set; using %s\n",
                 dir->string().c_str());
  }
  // A miglint that is not on PATH (run from its build directory) is named in the hooks.
  std::string binary;
  if (!miglint_on_path()) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      binary = self.string();
    }
  }
  auto report = fixers::install_hooks(
      *dir, {options.hooks, options.force, options.uninstall, binary});
  if (!report) {
    return usage_failure(report.error().message);
  }
  for (const auto& line : report->lines) {
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
  for (const auto& warning : report->warnings) {
    std::fprintf(stderr, "miglint: warning: %s\n", warning.c_str());
  }
  if (!binary.empty() && !options.uninstall) {
    std::fprintf(stderr,
                 "miglint: note: miglint is not on PATH; the hooks run %s (MIGLINT overrides it)\n",
                 binary.c_str());
  }
  return 0;
}

struct HookOptions {
  std::string name;
  std::vector<std::string> args;
  std::optional<std::string> db;
};

bool is_zero_oid(const std::string& oid)
{
  return oid.empty() || oid.find_first_not_of('0') == std::string::npos;
}

// The branches a checkout left and arrived at, for the advice: the names in HEAD's reflog
// ("checkout: moving from X to Y") when they are local branches at the hook's commits (two
// branches can share a commit), else a branch at that commit, else `-` (the previous
// branch, right after the checkout).
std::pair<std::string, std::string> checkout_names(const git::Repository& repo,
                                                   const std::string& prev, const std::string& now)
{
  std::vector<git::BranchRef> local;
  if (auto branches = repo.branches()) {
    for (auto& b : *branches) {
      if (!b.remote) {
        local.push_back(std::move(b));
      }
    }
  }
  auto at = [&](const std::string& name, const std::string& commit) {
    return std::any_of(local.begin(), local.end(), [&](const git::BranchRef& b) {
      return b.name == name && b.commit == commit;
    });
  };
  auto first_at = [&](const std::string& commit) -> std::string {
    for (const auto& b : local) {
      if (b.commit == commit) {
        return b.name;
      }
    }
    return "-";
  };
  std::string from = first_at(prev);
  std::string to = first_at(now);
  const std::string message = repo.last_reflog_message("HEAD");
  const std::string_view lead = "checkout: moving from ";
  if (message.starts_with(lead)) {
    const std::string rest = message.substr(lead.size());
    if (const auto sep = rest.rfind(" to "); sep != std::string::npos) {
      const std::string left = rest.substr(0, sep);
      const std::string arrived = std::string(util::strip(rest.substr(sep + 4)));
      from = at(left, prev) ? left : from;
      to = at(arrived, now) ? arrived : to;
    }
  }
  return {from, to};
}

// The version rows of the development database, or nullopt when there is none to read
// (a SQLite file not created yet, a server that does not answer): the hook only advises.
std::optional<std::vector<std::string>> checkout_version_rows(sqlite::DatabaseTarget target)
{
  if (target.postgres) {
    // A checkout must not hang on a server that does not answer.
    auto& keywords = target.postgres->keywords;
    if (std::none_of(keywords.begin(), keywords.end(),
                     [](const auto& kv) { return kv.first == "connect_timeout"; })) {
      keywords.emplace_back("connect_timeout", "5");
    }
    auto db = open_migration_target(target, true, sqlite::k_default_busy_timeout_ms);
    if (!db) {
      return std::nullopt;
    }
    auto rows = read_version_rows(**db);
    return rows ? std::optional(std::move(*rows)) : std::nullopt;
  }
  std::error_code ec;
  if (target.memory || !fs::exists(target.path, ec)) {
    return std::nullopt;
  }
  auto db = sqlite::Connection::open(target.path, sqlite::OpenMode::read_only);
  if (!db) {
    return std::nullopt;
  }
  sqlite::VersionTable table(*db);
  auto rows = table.heads();
  return rows ? std::optional(std::move(*rows)) : std::nullopt;
}

// post-checkout: warn when the database is at a revision this branch does not have, and
// print the downgrade (on the previous branch) that gets back to the shared revision.
int run_post_checkout(const GlobalOptions& global, const HookOptions& given)
{
  HookOptions options = given;
  if (options.args.empty()) {
    // The pre-commit framework's post-checkout stage passes git's arguments as variables;
    // a file checkout (type 0) changes no branch.
    const char* from = std::getenv("PRE_COMMIT_FROM_REF");
    const char* to = std::getenv("PRE_COMMIT_TO_REF");
    const char* type = std::getenv("PRE_COMMIT_CHECKOUT_TYPE");
    if (from && to && type && std::string_view(type) == "1") {
      options.args = {from, to};
    }
  }
  if (options.args.size() < 2 || is_zero_oid(options.args[0]) ||
      options.args[0] == options.args[1]) {
    return 0; // a clone, the same commit, or called without the hook's arguments
  }
  auto ws = open_workspace(global);
  if (!ws || !ws->graph_usable()) {
    return 0; // lint reports a broken graph; this hook only advises
  }
  std::optional<std::string> configured = ws->project.config.database_url;
  if (!configured && ws->project.ini && !ws->project.ini->sqlalchemy_url.empty()) {
    configured = ws->project.ini->sqlalchemy_url;
  }
  auto target = sqlite::resolve_database(options.db, ws->project.cwd, configured);
  if (!target) {
    return 0; // no development database to look at
  }
  auto rows = checkout_version_rows(*target);
  if (!rows || rows->empty()) {
    return 0;
  }
  auto repo = git::Repository::discover(ws->project.cwd);
  if (!repo) {
    return 0;
  }
  const std::string prev = options.args[0];
  auto previous = fixers::graph_at_commit(*repo, ws->project, prev);
  if (!previous) {
    return 0;
  }
  auto missing = fixers::missing_revisions(previous->graph, ws->graph(), *rows);
  if (missing.empty()) {
    return 0;
  }
  const auto [prev_name, here_name] = checkout_names(*repo, prev, options.args[1]);
  const std::string db_name = target->postgres
                                  ? target->display()
                                  : config::display_path(target->path, ws->project.cwd);
  for (const auto& m : missing) {
    if (!m.in_previous) {
      std::fprintf(stderr,
                   "miglint: warning: the database %s is at revision %s, which neither this "
                   "branch nor the previous one has; check out the branch that added it and "
                   "downgrade there\n",
                   db_name.c_str(), m.id.c_str());
      continue;
    }
    const std::string target_rev = m.common.empty() ? "base" : m.common.front();
    std::fprintf(stderr,
                 "miglint: warning: the database %s is at revision %s, which this branch does "
                 "not have\n",
                 db_name.c_str(), m.id.c_str());
    std::fprintf(stderr,
                 "miglint: note: to go back to %s, the revision both branches share, run:\n"
                 "    git checkout %s && miglint downgrade %s && git checkout %s\n",
                 target_rev == "base" ? "the empty schema" : target_rev.c_str(),
                 prev_name.c_str(), target_rev.c_str(), here_name.c_str());
    for (std::size_t i = 1; i < m.common.size(); ++i) {
      std::fprintf(stderr, "miglint: note: %s is also shared: miglint downgrade %s\n",
                   m.common[i].c_str(), m.common[i].c_str());
    }
  }
  return 0;
}

int run_hook(const GlobalOptions& global, const HookOptions& options)
{
  if (options.name == "post-checkout") {
    return run_post_checkout(global, options);
  }
  return usage_failure(fmt::format(
      "unknown hook '{}'; `miglint hook` runs post-checkout (the other hooks are scripts that "
      "`miglint install-hooks` installs)",
      options.name));
}

} // namespace

void add_install_hooks_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<InstallHooksOptions>();
  auto* sub = app.add_subcommand(
      "install-hooks", "Install the git hooks (pre-commit, pre-merge-commit, pre-push, post-merge, post-checkout)");
  sub->add_option("--hook", options->hooks, "Only this hook (repeatable)")->option_text("NAME");
  sub->add_flag("-f,--force", options->force,
                "Replace a foreign hook even when <hook>.local is taken (it is kept as "
                "<hook>.miglint-backup[.N])");
  sub->add_flag("--uninstall", options->uninstall,
                "Remove miglint's hooks and put back the hooks they chained to (an edited one "
                "is kept as <hook>.miglint-backup[.N])");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_install_hooks(global, *options); };
  });

  auto hook = std::make_shared<HookOptions>();
  auto* run = app.add_subcommand("hook", "The checks of a git hook (used by the installed hooks)");
  run->add_option("name", hook->name, "post-checkout")->required();
  run->add_option("args", hook->args,
                  "The arguments git gave the hook (default: PRE_COMMIT_FROM_REF and "
                  "PRE_COMMIT_TO_REF, as the pre-commit framework passes them)");
  run->add_option("--db", hook->db, "Database path or sqlite:/// URL")->option_text("URL");
  run->callback([&action, &global, hook] {
    action = [&global, hook] { return run_hook(global, *hook); };
  });
}

} // namespace miglint::cli
