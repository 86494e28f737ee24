// `--format json`: one object, {"diagnostics": [...], "summary": {...}}. Keys come out sorted
// (nlohmann's default object), so the output is byte-for-byte stable for the same findings.
#include "report/formats.hpp"
#include "report/text_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace miglint::report {

model::Position end_position_of(const model::Location& at)
{
  if (!at.file) {
    return {0, 0};
  }
  auto end = std::max(at.span.begin, at.span.end);
  // A span that swallows its line's '\n' ends on that line, not at column 1 of the next one.
  if (end > at.span.begin && end <= at.file->text.size() && at.file->text[end - 1] == '\n') {
    --end;
  }
  model::Location past_end = at;
  past_end.span = {end, end};
  return position_of(past_end);
}

namespace {

using nlohmann::json;

// Fields shared by a diagnostic and its notes. Not tied to a line: line, column, end_line and
// end_column are all 0.
void put_location(json& out, const model::Location& at)
{
  const auto begin = position_of(at);
  const auto end = begin.line == 0 ? model::Position{0, 0} : end_position_of(at);
  out["path"] = at.path;
  out["line"] = begin.line;
  out["column"] = begin.column;
  out["end_line"] = end.line;
  out["end_column"] = end.column;
}

} // namespace

std::string render_json(const std::vector<model::Diagnostic>& diagnostics, const Summary& summary)
{
  json list = json::array();
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& d : diagnostics) {
    json item;
    item["code"] = d.code;
    item["rule"] = d.rule;
    item["severity"] = model::to_string(d.severity);
    item["message"] = d.message;
    put_location(item, d.at);
    item["revision"] = d.revision.empty() ? json(nullptr) : json(d.revision);
    json notes = json::array();
    for (const auto& note : d.notes) {
      json n;
      n["message"] = note.message;
      put_location(n, note.at);
      notes.push_back(std::move(n));
    }
    item["notes"] = std::move(notes);
    list.push_back(std::move(item));
    ++counts[static_cast<int>(d.severity)];
  }

  json doc;
  doc["diagnostics"] = std::move(list);
  doc["summary"] = {
      {"errors", counts[static_cast<int>(model::Severity::error)]},
      {"warnings", counts[static_cast<int>(model::Severity::warning)]},
      {"info", counts[static_cast<int>(model::Severity::info)]},
      {"files_checked", summary.files_checked},
      {"revisions_checked", summary.revisions_checked},
  };
  // Bytes that are not UTF-8 (a Latin-1 revision file quoted in a message) become U+FFFD
  // instead of throwing.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

} // namespace miglint::report
