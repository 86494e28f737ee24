// Writing new revision files the way Alembic 1.8 writes them: the revision id, the
// slug and file name (file_template), the module text rendered from script.py.mako
// (classic or typed form, or the project's own template), and the native SQL header.
#pragma once

#include "config/file_template.hpp"
#include "model/result.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace miglint::fixers {

// Which text a new revision gets.
enum class Style {
  classic, // Alembic 1.8's generic script.py.mako: `revision = 'x'`
  typed,   // the annotated form of later templates: `revision: str = 'x'`
  mako,    // the project's own script.py.mako (or a template file named in the config)
  sql,     // the native SQL format (`-- Revision ID:` header, migrate:up/down sections)
};

struct NewRevision {
  std::string id;
  std::string message;                     // as given; may be several lines
  std::vector<std::string> down_revisions; // empty for a base; several for a merge
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  // Local time of creation: the `Create Date:` line and the date fields of file_template.
  std::chrono::system_clock::time_point created = std::chrono::system_clock::now();
};

// A 12-hex-digit random id, as Alembic's `uuid.uuid4().hex[-12:]`.
std::string generate_revision_id();

// Alembic's `_rev_path` slug.
using config::slugify;

// Expands an Alembic file_template (after ini interpolation, e.g.
// "%(year)d_%(month).2d_%(day).2d-%(rev)s_%(slug)s") for `rev`; no extension added.
// Keys: rev, slug, epoch, year, month, day, hour, minute, second. An unknown key or a
// malformed placeholder is an Error (usage).
model::Result<std::string> expand_file_template(const std::string& file_template,
                                                const NewRevision& rev, const std::string& slug);

// The text of the revision in `style`; `mako_template` is the template text for
// Style::mako. Templates may use the script.py.mako expressions `${message}`,
// `${up_revision}`, `${down_revision | comma,n}`, `${create_date}`, `${repr(NAME)}`,
// `${imports if imports else ""}`, `${upgrades if upgrades else "pass"}` (and the
// downgrade twin) and mako `##` comment lines; anything else is an Error naming it.
model::Result<std::string> render_revision(const NewRevision& rev, Style style,
                                           const std::string& mako_template = {});

// Python's repr() of the values Alembic puts into the template: None, 'x', ('a', 'b').
std::string python_repr(const std::vector<std::string>& values, bool single_as_string = true);

// `str(datetime)` of the local time: "2026-02-23 12:40:07.451688".
std::string create_date_text(std::chrono::system_clock::time_point when, bool microseconds);

// Writes `text` to `path` atomically: a temporary file in the same directory, flushed,
// then renamed over `path`. With `exclusive`, refuses when `path` already exists. On
// failure nothing is left behind. The file keeps the mode of the file it replaces, or
// gets `mode` (0644 by default, less the umask).
model::Result<void> write_file_atomic(const std::filesystem::path& path, const std::string& text,
                                      bool exclusive = false, unsigned mode = 0644);

} // namespace miglint::fixers
