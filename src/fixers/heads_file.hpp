// The optional heads file (`heads_file = true`): versions/HEADS lists the current head
// revision(s), one per line. `new`, `merge` and `rebase` rewrite it, and lint compares
// it with the graph. Two branches that each add a revision both change its line, so git
// itself reports a conflict when they meet, even where no CI runs (the idea of
// django-linear-migrations' max_migration.txt, for Alembic graphs).
#pragma once

#include "config/project.hpp"
#include "graph/revision_graph.hpp"
#include "model/diagnostic.hpp"

#include <optional>

namespace miglint::fixers {

inline constexpr const char* k_heads_file_name = "HEADS";

// Whether the config sets `heads_file = true`.
bool heads_file_enabled(const config::Project& project);

// <first versions directory>/HEADS.
std::filesystem::path heads_file_path(const config::Project& project);

// The file's text for these head ids: a two-line comment, then one id per line.
std::string heads_file_text(const std::vector<std::string>& heads);

// The head ids the file lists (comment and blank lines skipped).
std::vector<std::string> parse_heads_file(const std::string& text);

// Rewrites the heads file (atomically) when it is enabled; does nothing otherwise.
model::Result<void> update_heads_file(const config::Project& project,
                                      const std::vector<std::string>& heads);

// A finding when the heads file is enabled and missing, holds a git conflict, or
// disagrees with the graph's heads; nullopt when it agrees (or is not enabled). `source`
// reads it where the revisions were read: the working tree, or a commit's tree when the
// project was found in one.
std::optional<model::Diagnostic> check_heads_file(const config::Project& project,
                                                  const graph::RevisionGraph& graph,
                                                  const source::Source& source);

} // namespace miglint::fixers
