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

// Alembic revision module (.py), read by parsing, never by running Python.
ReadOutcome read_alembic(const std::shared_ptr<const model::SourceFile>& file);
// Native SQL revision (.sql) with an Alembic-like header and migrate:up/down sections.
ReadOutcome read_sql(const std::shared_ptr<const model::SourceFile>& file);
// Picks the reader by file extension.
ReadOutcome read_revision(const std::shared_ptr<const model::SourceFile>& file);

// Whether a file name in a versions directory is a revision candidate, as Alembic decides
// for .py files (not `__init__*`, not `.#*` editor locks) plus our `.sql` files.
bool is_revision_file(std::string_view file_name);

// The diagnostic readers emit for a file that cannot be read as a revision.
model::Diagnostic unparsable(const std::shared_ptr<const model::SourceFile>& file,
                             model::Span span, std::string message);

} // namespace miglint::readers
