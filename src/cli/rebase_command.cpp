// `miglint rebase [--onto REV] [--base REF]`: re-parents the revisions only this branch has
// onto the base branch's head, leaving one linear head and no merge revision.
#include "cli/commands.hpp"
#include "fixers/heads_file.hpp"
#include "fixers/new_revision.hpp"
#include "fixers/rebase.hpp"
#include "fixers/revision_writer.hpp"
#include "fixers/tree_graph.hpp"
#include "git/repository.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <set>

namespace miglint::cli {

namespace {

struct RebaseOptions {
  std::optional<std::string> onto;
  std::optional<std::string> base;
  bool dry_run = false;
};

struct Base {
  std::string ref;
  std::vector<std::string> ids; // every revision of the base branch
  std::vector<std::string> heads;
};

// The base branch's revisions, read from its commit.
model::Result<Base> read_base(const Workspace& ws, const std::optional<std::string>& base)
{
  auto repo = git::Repository::discover(ws.project.cwd);
  if (!repo) {
    return model::make_error(
        fmt::format("{}; without git, name the revision to rebase onto with --onto REV",
                    repo.error().message),
        model::Error::Kind::usage);
  }
  auto ref = repo->default_base(base ? base : ws.project.config.base_ref);
  if (!ref) {
    return ref.error();
  }
  auto commit = repo->resolve_commit(*ref);
  if (!commit) {
    return model::make_error(fmt::format("base branch '{}': {}", *ref, commit.error().message),
                             model::Error::Kind::usage);
  }
  auto built = fixers::graph_at_commit(*repo, ws.project, *commit);
  if (!built) {
    return built.error();
  }
  if (!built->errors.empty()) {
    return model::make_error(
        fmt::format("the revision graph on {} cannot be built ({}); fix it there first", *ref,
                    built->errors.front().message),
        model::Error::Kind::usage);
  }
  Base out{*ref, {}, fixers::head_ids(built->graph)};
  for (const auto& rev : built->graph.revisions()) {
    out.ids.push_back(rev.id);
  }
  return out;
}

// The head of the base branch's graph.
model::Result<std::string> base_head(const Base& base_info)
{
  const std::string* ref = &base_info.ref;
  const auto& heads = base_info.heads;
  if (heads.empty()) {
    return model::make_error(
        fmt::format("{} has no revisions, so there is nothing to rebase onto", *ref),
        model::Error::Kind::usage);
  }
  if (heads.size() > 1) {
    return model::make_error(
        fmt::format("{} itself has {} heads ({}); merge them there first, or pass --onto REV",
                    *ref, heads.size(), util::join(heads, ", ")),
        model::Error::Kind::usage);
  }
  std::fprintf(stderr, "miglint: note: base branch %s, head %s\n", ref->c_str(),
               heads.front().c_str());
  return heads.front();
}

// The rebase that leaves the working tree's two heads one: see plan_rebase_to_one_head.
std::optional<fixers::RebasePlan> rebase_onto_the_other_head(const Workspace& ws,
                                                             const Base* base)
{
  fixers::KeptHeadHints hints;
  hints.merged_in = [&ws]() -> std::set<std::string> {
    auto repo = git::Repository::discover(ws.project.cwd);
    return repo ? fixers::merged_in_revisions(*repo, ws.project, "") : std::set<std::string>{};
  };
  if (base) {
    hints.on_base.insert(base->ids.begin(), base->ids.end());
  }
  return fixers::plan_rebase_to_one_head(ws.graph(), hints);
}

int run_rebase(const GlobalOptions& global, const RebaseOptions& options)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_working_tree(*ws, "rebase")) {
    return 2;
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  std::string onto;
  std::optional<Base> base;
  if (options.onto && graph.find(*options.onto) < 0 && !graph.resolve_one(*options.onto)) {
    // Not here: maybe a revision of the base branch that is not merged in yet.
    auto read = read_base(*ws, options.base);
    if (!read || std::find(read->ids.begin(), read->ids.end(), *options.onto) == read->ids.end()) {
      return usage_failure(graph.resolve_one(*options.onto).error().message);
    }
    base = std::move(*read);
    onto = *options.onto;
  } else if (options.onto) {
    auto nodes = graph.resolve_one(*options.onto);
    if (nodes->size() != 1) {
      return usage_failure(fmt::format("--onto {}: name one revision", *options.onto));
    }
    onto = graph.rev(nodes->front()).id;
  } else {
    auto read = read_base(*ws, options.base);
    if (!read) {
      return usage_failure(read.error().message);
    }
    auto head = base_head(*read);
    if (!head) {
      return usage_failure(head.error().message);
    }
    onto = *head;
    base = std::move(*read);
  }
  auto plan = fixers::plan_rebase(graph, onto, base ? base->ids : std::vector<std::string>{});
  if (!plan && !options.onto) {
    // After merging a sibling branch, the revisions above the base branch's head are two
    // chains: move this branch's own onto the other head, as multiple-heads suggests.
    if (auto one_head = rebase_onto_the_other_head(*ws, base ? &*base : nullptr)) {
      std::fprintf(stderr,
                   "miglint: note: the revisions above %s are two heads, not one chain; "
                   "moving %s onto the other head, %s\n",
                   onto.c_str(), util::join(one_head->moved, ", ").c_str(),
                   one_head->onto.c_str());
      plan = std::move(*one_head);
    }
  }
  if (!plan) {
    return usage_failure(plan.error().message);
  }
  const model::Revision& oldest = graph.rev(graph.find(plan->oldest));
  auto text = fixers::reparent_text(oldest, plan->onto);
  if (!text) {
    return usage_failure(text.error().message);
  }
  const std::string parents =
      plan->old_parents.empty() ? "<base>" : util::join(plan->old_parents, ", ");
  if (options.dry_run) {
    std::printf("would re-parent %s (%s) from %s onto %s\n", plan->oldest.c_str(),
                oldest.path().c_str(), parents.c_str(), plan->onto.c_str());
    return 0;
  }
  if (auto w = fixers::write_file_atomic(ws->project.cwd / oldest.path(), *text); !w) {
    return usage_failure(w.error().message);
  }
  // The heads after the move: every head but `onto` (which now has a child).
  std::vector<std::string> heads;
  for (const auto& h : fixers::head_ids(graph)) {
    if (h != plan->onto) {
      heads.push_back(h);
    }
  }
  if (auto hf = fixers::update_heads_file(ws->project, heads); !hf) {
    return usage_failure(hf.error().message);
  }
  std::printf("Re-parented %s (%s): %s -> %s\n", plan->oldest.c_str(), oldest.path().c_str(),
              parents.c_str(), plan->onto.c_str());
  std::printf("%zu revision%s now on top of %s: %s\n", plan->moved.size(),
              plan->moved.size() == 1 ? "" : "s", plan->onto.c_str(),
              util::join(plan->moved, " -> ").c_str());
  if (graph.find(plan->onto) < 0 && base) {
    std::printf("%s is on %s but not in this working tree yet: merge %s next (`git merge %s`) "
                "and the graph has one head\n",
                plan->onto.c_str(), base->ref.c_str(), base->ref.c_str(), base->ref.c_str());
  }
  return 0;
}

} // namespace

void add_rebase_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<RebaseOptions>();
  auto* sub = app.add_subcommand(
      "rebase", "Re-parent this branch's revisions onto the base branch's head (no merge revision)");
  sub->add_option("--onto", options->onto,
                  "The revision to put this branch's revisions on (default: the base branch's head)")
      ->option_text("REV");
  sub->add_option("--base", options->base,
                  "The base branch (default: base_ref, else origin/HEAD, main, master)")
      ->option_text("REF");
  sub->add_flag("-n,--dry-run", options->dry_run, "Say what would change; write nothing");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_rebase(global, *options); };
  });
}

} // namespace miglint::cli
