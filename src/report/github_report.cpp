// `--format github`: GitHub Actions workflow commands, one per finding, e.g.
//   ::error file=versions/3f2a_add_users.py,line=41,col=1,endLine=41,endColumn=9,title=miglint
//   (MG101)::revision 3f2a has no downgrade steps
// Notes follow the message on their own lines (escaped, so still one command).
#include "report/formats.hpp"
#include "report/text_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace miglint::report {

namespace {

// The runner's escapeData: the message may hold anything but '%', CR and LF.
std::string escape_data(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// The runner's escapeProperty: as escape_data, plus ':' and ',' which delimit properties.
std::string escape_property(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case ':':
      out += "%3A";
      break;
    case ',':
      out += "%2C";
      break;
    default:
      out += escape_data(std::string_view(&c, 1));
    }
  }
  return out;
}

const char* command_of(model::Severity severity)
{
  switch (severity) {
  case model::Severity::error:
    return "error";
  case model::Severity::warning:
    return "warning";
  case model::Severity::info:
    return "notice";
  }
  return "error";
}

// `path:line:col: ` (or `path: `), as in the text format; empty without a path.
std::string note_where(const model::Location& at)
{
  const auto pos = position_of(at);
  if (at.path.empty()) {
    return {};
  }
  if (pos.line == 0) {
    return fmt::format("{}: ", at.path);
  }
  return fmt::format("{}:{}:{}: ", at.path, pos.line, pos.column);
}

} // namespace

std::string render_github(const std::vector<model::Diagnostic>& diagnostics)
{
  std::string out;
  for (const auto& d : diagnostics) {
    std::vector<std::string> properties;
    if (!d.at.path.empty()) {
      properties.push_back("file=" + escape_property(d.at.path));
    }
    const auto begin = position_of(d.at);
    if (begin.line != 0) {
      const auto end = end_position_of(d.at);
      properties.push_back(fmt::format("line={}", begin.line));
      properties.push_back(fmt::format("col={}", begin.column));
      properties.push_back(fmt::format("endLine={}", end.line));
      properties.push_back(fmt::format("endColumn={}", end.column));
    }
    const auto& id = d.code.empty() ? d.rule : d.code;
    properties.push_back("title=" +
                         escape_property(id.empty() ? "miglint" : "miglint (" + id + ")"));

    std::string message = d.message;
    for (const auto& note : d.notes) {
      message += fmt::format("\n{}note: {}", note_where(note.at), note.message);
    }
    out += fmt::format("::{} {}::{}\n", command_of(d.severity), fmt::join(properties, ","),
                       escape_data(message));
  }
  return out;
}

} // namespace miglint::report
