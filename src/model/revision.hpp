// A revision as read from one file (Alembic Python or native SQL): plain data, no I/O.
#pragma once

#include "model/source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace miglint::model {

enum class Format { alembic_python, sql };

// One statement of an upgrade/downgrade body, as far as lint needs to see it.
// Python: every `op.X(...)` / `batch_op.X(...)` call anywhere in the body (name = "X",
// in_batch = true for calls on a batch_alter_table context). SQL: one statement
// (name = its leading keywords upper-cased, e.g. "DROP TABLE", "CREATE INDEX", "UPDATE").
struct Step {
  std::string name;
  std::string text;   // SQL text: the statement, or the literal string given to op.execute
  std::string target; // first literal string argument (usually a table name), else ""
  bool in_batch = false;
  std::string batch_table; // the table of the enclosing batch_alter_table, if any
  Span span;
};

// The body of upgrade()/downgrade(), or a `-- migrate:up` / `-- migrate:down` section.
struct Body {
  Span span;      // the whole def (or section, marker included)
  Span name_span; // the `def NAME` header line or the marker comment
  Span body_span; // the statements only
  bool does_nothing = false; // pass, ..., only a docstring/comments, or an empty section
  bool raises = false;       // the body only raises (e.g. NotImplementedError): irreversible
  std::vector<Step> steps;
};

// `# miglint: ignore[MG101,undescriptive-message] reason` or its SQL `--` form.
struct Suppression {
  std::vector<std::string> rules; // ids or kebab names, as written
  std::string reason;             // trimmed text after the bracket; may be empty
  Span span;                      // the comment
  bool file_level = false;        // on a line of its own before the first statement
};

// A string-valued variable whose value a reader could not resolve statically
// (e.g. `branch_labels = (cli.EXPAND_BRANCH,)`).
struct Unresolved {
  std::string variable;
  std::string expression;
  Span span;
};

struct Revision {
  Format format = Format::alembic_python;
  std::shared_ptr<const SourceFile> file;

  std::string id;
  Span id_span;
  std::vector<std::string> down_revisions; // empty for a base; written order kept
  Span down_span;
  std::vector<std::string> branch_labels;
  Span labels_span;
  std::vector<std::string> depends_on; // revision ids or branch labels, as written
  Span depends_span;

  std::string doc; // the module docstring (SQL: the header comment block), as written
  Span doc_span;
  bool has_doc = false;

  // `Revision ID:` / `Revises:` lines of the docstring (or SQL header), when present.
  std::optional<std::string> header_id;
  Span header_id_span;
  std::optional<std::vector<std::string>> header_revises;
  Span header_revises_span;

  std::optional<Body> upgrade;
  std::optional<Body> downgrade;
  std::vector<Suppression> suppressions;
  std::vector<Unresolved> unresolved;

  const std::string& path() const { return file->path; }
  bool is_merge() const { return down_revisions.size() > 1; }
  // First paragraph of the stripped docstring: what `alembic history` prints.
  std::string message() const;
  // The whole stripped docstring.
  std::string long_doc() const;
};

} // namespace miglint::model
