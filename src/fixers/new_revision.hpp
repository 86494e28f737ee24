// Adding a revision file to a project: which directory, which format and template
// (the project's script.py.mako, the `template` setting, or the style of the existing
// revisions), which file name (alembic.ini's file_template), then an atomic write.
// Shared by `miglint new` and `miglint merge`.
#pragma once

#include "config/project.hpp"
#include "fixers/revision_writer.hpp"
#include "graph/revision_graph.hpp"

namespace miglint::fixers {

struct StyleChoice {
  Style style = Style::classic;
  std::string mako_template; // Style::mako
  std::string origin;        // for messages: "script.py.mako", "template = \"typed\"", ...
};

// The directory a revision with these parents goes into: the first parent's directory
// (as Alembic does with several version locations), else the first versions directory.
std::filesystem::path target_directory(const config::Project& project,
                                       const graph::RevisionGraph& graph,
                                       const std::vector<std::string>& parents);

// Chooses the text format for a new revision in `dir`.
model::Result<StyleChoice> choose_style(const config::Project& project,
                                        const graph::RevisionGraph& graph,
                                        const std::vector<std::string>& parents,
                                        const std::filesystem::path& dir);

struct Written {
  std::filesystem::path path; // absolute
  std::string display_path;   // relative to the project's cwd
  std::string text;
};

// Renders `rev` and writes it under `dir` (never replacing an existing file). The file
// name comes from alembic.ini's file_template and truncate_slug_length.
model::Result<Written> write_new_revision(const config::Project& project,
                                          const std::filesystem::path& dir,
                                          const NewRevision& rev, const StyleChoice& style);

// A fresh random id not used in `graph`, or `given` after Alembic's checks (no '@', '-',
// '+', ',' or blanks; not already used).
model::Result<std::string> new_revision_id(const graph::RevisionGraph& graph,
                                           const std::optional<std::string>& given);

// The ids of the graph's heads, in map order.
std::vector<std::string> head_ids(const graph::RevisionGraph& graph);

// Everything `new` and `merge` do: picks the directory and style, writes the file, and
// rewrites the heads file (when enabled) with `rev` replacing its parents.
model::Result<Written> add_revision(const config::Project& project,
                                    const graph::RevisionGraph& graph, const NewRevision& rev);

} // namespace miglint::fixers
