// Readers turn (path, bytes) into a Revision. They never open files: the source layer
// (working tree, git index, git tree) hands them a SourceFile.
#pragma once

#include "model/diagnostic.hpp"
#include "model/revision.hpp"

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace miglint::readers {

struct ReadOutcome {
  std::optional<model::Revision> revision; // absent when the file is not a usable revision
  std::vector<model::Diagnostic> diagnostics; // unparsable-revision (MG901) and similar
};

// How much of a revision file to read.
//   full:  everything, including upgrade()/downgrade() bodies and suppression comments.
//   graph: what the revision graph and its listings need: id, down_revisions,
//          branch_labels, depends_on, the docstring and its header lines (with their
//          spans), `unresolved`, and the same MG901 findings as full mode, a syntax
//          error anywhere in the file included (Alembic cannot import such a file, so its
//          graph commands fail on it). Bodies are parsed but not analysed; suppressions
//          are left empty. For heads, history and branches.
//   links: the graph fields of graph mode from a byte scan that parses only module-level
//          simple statements, much faster: a syntax error inside a top-level def or class
//          goes unnoticed. For the comparisons that read other commits' revisions (the
//          base branch, conflicts), where the working tree's own files are read in full.
enum class ReadMode { full, graph, links };

// Alembic revision module (.py), read by parsing, never by running Python.
ReadOutcome read_alembic(const std::shared_ptr<const model::SourceFile>& file,
                         ReadMode mode = ReadMode::full);
// Native SQL revision (.sql) with an Alembic-like header and migrate:up/down sections.
ReadOutcome read_sql(const std::shared_ptr<const model::SourceFile>& file);
// Picks the reader by file extension. SQL files are always read in full.
ReadOutcome read_revision(const std::shared_ptr<const model::SourceFile>& file,
                          ReadMode mode = ReadMode::full);

// Whether a file name in a versions directory is a revision candidate, as Alembic decides
// for .py files (not `__init__*`, not `.#*` editor locks) plus our `.sql` files.
bool is_revision_file(std::string_view file_name);

// The diagnostic readers emit for a file that cannot be read as a revision.
model::Diagnostic unparsable(const std::shared_ptr<const model::SourceFile>& file,
                             model::Span span, std::string message);

// What is said of an assignment the reader could not resolve without running Python.
std::string unresolved_message(const model::Unresolved& assignment);

} // namespace miglint::readers
