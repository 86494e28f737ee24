#include "readers/reader.hpp"

#include <fmt/format.h>

namespace miglint::readers {

namespace {
bool ends_with(std::string_view text, std::string_view suffix)
{
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}
} // namespace

bool is_revision_file(std::string_view file_name)
{
  if (file_name.starts_with("__init__") || file_name.starts_with(".#")) {
    return false;
  }
  return ends_with(file_name, ".py") || ends_with(file_name, ".sql");
}

ReadOutcome read_revision(const std::shared_ptr<const model::SourceFile>& file, ReadMode mode)
{
  if (ends_with(file->path, ".sql")) {
    return read_sql(file);
  }
  return read_alembic(file, mode);
}

model::Diagnostic unparsable(const std::shared_ptr<const model::SourceFile>& file,
                             model::Span span, std::string message)
{
  model::Diagnostic d;
  d.code = "MG901";
  d.rule = "unparsable-revision";
  d.severity = model::Severity::error;
  d.message = std::move(message);
  d.at = model::Location::in(file, span);
  return d;
}

std::string unresolved_message(const model::Unresolved& assignment)
{
  return fmt::format("cannot resolve `{} = {}` without running Python: use a string literal",
                     assignment.variable, assignment.expression);
}

} // namespace miglint::readers
