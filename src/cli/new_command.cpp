// `miglint new -m MSG [--head REV]`: writes a new revision on top of the current head, in
// the directory's format (Alembic .py from the project's template, or native SQL).
#include "cli/commands.hpp"
#include "fixers/new_revision.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>

namespace miglint::cli {

namespace {

struct NewOptions {
  std::string message;
  std::optional<std::string> head;
  std::optional<std::string> rev_id;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
};

model::Result<std::vector<std::string>> parents_for(const graph::RevisionGraph& graph,
                                                    const std::optional<std::string>& head)
{
  if (head && *head == "base") {
    return std::vector<std::string>{};
  }
  if (head && *head != "head") {
    auto nodes = graph.resolve_one(*head);
    if (!nodes) {
      return model::make_error(nodes.error().message, model::Error::Kind::usage);
    }
    std::vector<std::string> ids;
    for (graph::NodeId n : *nodes) {
      ids.push_back(graph.rev(n).id);
    }
    return ids;
  }
  const auto heads = fixers::head_ids(graph);
  if (heads.size() > 1) {
    return model::make_error(
        fmt::format("there are {} heads ({}); pass --head REV, or join them first with `miglint "
                    "rebase` or `miglint merge`",
                    heads.size(), util::join(heads, ", ")),
        model::Error::Kind::usage);
  }
  return heads;
}

} // namespace

namespace {

int run_new(const GlobalOptions& global, const NewOptions& options)
{
  auto ws = open_workspace(global);
  if (!ws) {
    return usage_failure(ws.error().message);
  }
  if (!require_working_tree(*ws, "new")) {
    return 2;
  }
  if (!require_sound_graph(*ws)) {
    return 2;
  }
  const auto& graph = ws->graph();
  auto parents = parents_for(graph, options.head);
  if (!parents) {
    return usage_failure(parents.error().message);
  }
  auto id = fixers::new_revision_id(graph, options.rev_id);
  if (!id) {
    return usage_failure(id.error().message);
  }
  fixers::NewRevision rev;
  rev.id = *id;
  rev.message = options.message;
  rev.down_revisions = *parents;
  rev.branch_labels = options.branch_labels;
  rev.depends_on = options.depends_on;
  auto written = fixers::add_revision(ws->project, graph, rev);
  if (!written) {
    return usage_failure(written.error().message);
  }
  std::printf("Generating %s ...  done\n", written->path.string().c_str());
  return 0;
}

} // namespace

void add_new_command(Command& app, const GlobalOptions& global, Action& action)
{
  auto options = std::make_shared<NewOptions>();
  auto* sub = app.add_subcommand("new", "Write a new revision on top of the current head");
  sub->add_option("-m,--message", options->message, "The revision's message")->required();
  sub->add_option("--head", options->head,
                  "The revision to build on: a revision, 'head' (default) or 'base'")
      ->option_text("REV");
  sub->add_option("--rev-id", options->rev_id, "Use this revision id instead of a random one")
      ->option_text("ID");
  sub->add_option("--branch-label", options->branch_labels, "A branch label for the revision")
      ->option_text("LABEL");
  sub->add_option("--depends-on", options->depends_on, "A revision this one depends on")
      ->option_text("REV");
  sub->callback([&action, &global, options] {
    action = [&global, options] { return run_new(global, *options); };
  });
}

} // namespace miglint::cli
