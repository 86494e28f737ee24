// `miglint merge [-m MSG] [REVS...]`: writes a merge revision over the given revisions
// (default: the current heads), as `alembic merge` writes it.
#include "cli/commands.hpp"
#include "fixers/new_revision.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct MergeOptions {
  std::optional<std::string> message;
  std::vector<std::string> revisions;
  std::optional<std::string> rev_id;
};

int run_merge(const GlobalOptions& global, const MergeOptions& options)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_working_tree(*ws, "merge")) {
    return 2;
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  std::vector<std::string> parents;
  const std::vector<std::string> wanted =
      options.revisions.empty() ? std::vector<std::string>{"heads"} : options.revisions;
  for (const auto& w : wanted) {
    // "heads" merges the real heads, as `alembic merge heads` does.
    auto nodes = w == "heads" ? model::Result<graph::NodeList>(graph.real_heads()) : graph.resolve_one(w);
    if (!nodes) {
      return usage_failure(nodes.error().message);
    }
    for (graph::NodeId n : *nodes) {
      const std::string& id = graph.rev(n).id;
      if (std::find(parents.begin(), parents.end(), id) != parents.end()) {
        return usage_failure(fmt::format("revision {} is named twice", id));
      }
      parents.push_back(id);
    }
  }
  if (parents.size() < 2) {
    std::fprintf(stderr, "miglint: note: nothing to merge: %s\n",
                 parents.empty() ? "there are no revisions"
                                 : fmt::format("one head ({})", parents.front()).c_str());
    return 0;
  }
  auto id = fixers::new_revision_id(graph, options.rev_id);
  if (!id) {
    return usage_failure(id.error().message);
  }
  fixers::NewRevision rev;
  rev.id = *id;
  rev.message = options.message ? *options.message : "merge " + util::join(parents, " and ");
  rev.down_revisions = parents;
  auto written = fixers::add_revision(ws->project, graph, rev);
  if (!written) {
    return usage_failure(written.error().message);
  }
  std::printf("Generating %s ...  done\n", written->path.string().c_str());
  return 0;
}

} // namespace

void add_merge_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<MergeOptions>();
  auto* sub = app.add_subcommand("merge", "Write a merge revision joining the heads");
  sub->add_option("-m,--message", options->message,
                  "The revision's message (default: merge A and B)");
  sub->add_option("revisions", options->revisions,
                  "Revisions to merge (default: heads)")->option_text("REV...");
  sub->add_option("--rev-id", options->rev_id, "Use this revision id instead of a random one")
      ->option_text("ID");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_merge(global, *options); };
  });
}

} // namespace miglint::cli
