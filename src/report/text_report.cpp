#include "report/text_report.hpp"

#include <fmt/format.h>
#include <map>
#include <memory>

namespace miglint::report {

model::Position position_of(const model::Location& at)
{
  if (!at.file) {
    return {0, 0};
  }
  // One LineIndex per file per thread, built the first time a file is rendered. The
  // entry also holds a weak_ptr to its file: once that file is gone, another one may be
  // allocated at the same address, and it must not get the old file's lines.
  struct Cached {
    std::weak_ptr<const model::SourceFile> file;
    model::LineIndex lines;
  };
  thread_local std::map<const model::SourceFile*, Cached> cache;
  auto it = cache.find(at.file.get());
  if (it == cache.end() || it->second.file.expired()) {
    it = cache.insert_or_assign(at.file.get(), Cached{at.file, model::LineIndex(at.file->text)})
             .first;
  }
  return it->second.lines.position(at.span.begin);
}

namespace {

std::string location_text(const model::Location& at)
{
  const auto pos = position_of(at);
  if (pos.line == 0) {
    return fmt::format("{}:", at.path.empty() ? "miglint" : at.path);
  }
  return fmt::format("{}:{}:{}:", at.path, pos.line, pos.column);
}

const char* colour_of(model::Severity severity)
{
  switch (severity) {
  case model::Severity::error:
    return "\033[1;31m";
  case model::Severity::warning:
    return "\033[1;35m";
  case model::Severity::info:
    return "\033[1;36m";
  }
  return "";
}

} // namespace

std::string render_text(const std::vector<model::Diagnostic>& diagnostics, bool color)
{
  std::string out;
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  for (const auto& d : diagnostics) {
    out += fmt::format("{}{}{} {}{}:{} {}", bold, location_text(d.at), reset,
                       color ? colour_of(d.severity) : "", model::to_string(d.severity), reset,
                       d.message);
    if (!d.rule.empty()) {
      out += fmt::format(" [{}]", d.rule);
    }
    out += '\n';
    for (const auto& note : d.notes) {
      out += fmt::format("{}{}{} {}note:{} {}\n", bold, location_text(note.at), reset,
                         color ? "\033[1;36m" : "", reset, note.message);
    }
  }
  return out;
}

} // namespace miglint::report
