// `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it ($schema, a rules array with
// help on every rule, repository-relative URIs under %SRCROOT%).
#include "report/formats.hpp"
#include "report/text_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string_view>

namespace miglint::report {

namespace {

using nlohmann::json;

const char* sarif_level(model::Severity severity)
{
  switch (severity) {
  case model::Severity::error:
    return "error";
  case model::Severity::warning:
    return "warning";
  case model::Severity::info:
    return "note";
  }
  return "error";
}

// SARIF's friendly rule name is a PascalCase identifier: "missing-downgrade" -> "MissingDowngrade".
std::string pascal_case(std::string_view kebab)
{
  std::string out;
  bool upper = true;
  for (const char c : kebab) {
    if (c == '-' || c == '_' || c == ' ') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// Paragraphs of a markdown page: runs of non-blank lines, each heading a paragraph of its own.
std::vector<std::string> paragraphs(std::string_view md)
{
  std::vector<std::string> out;
  bool open = false;
  while (!md.empty()) {
    const auto nl = md.find('\n');
    auto line = md.substr(0, nl);
    md = nl == std::string_view::npos ? std::string_view() : md.substr(nl + 1);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      open = false;
    } else if (line.starts_with('#') || !open) {
      out.emplace_back(line);
      open = !line.starts_with('#');
    } else {
      out.back() += ' ';
      out.back() += line;
    }
  }
  return out;
}

// fullDescription: the paragraph under the page's "What it flags" heading, else the first
// paragraph that is not a heading, else the one-line summary.
std::string full_description(const RuleMeta& rule)
{
  const auto blocks = paragraphs(rule.markdown);
  const std::string* first = nullptr;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].starts_with('#')) {
      if (blocks[i].find("What it flags") != std::string::npos && i + 1 < blocks.size() &&
          !blocks[i + 1].starts_with('#')) {
        return blocks[i + 1];
      }
    } else if (first == nullptr) {
      first = &blocks[i];
    }
  }
  return first != nullptr ? *first : rule.summary;
}

json rule_json(const RuleMeta& rule)
{
  const std::string summary = rule.summary.empty() ? rule.name : rule.summary;
  const std::string markdown = rule.markdown.empty() ? summary : rule.markdown;
  const std::string full = full_description(rule);
  return {
      {"id", rule.code},
      {"name", pascal_case(rule.name)},
      {"shortDescription", {{"text", summary}}},
      {"fullDescription", {{"text", full.empty() ? summary : full}}},
      {"help", {{"text", markdown}, {"markdown", markdown}}},
      {"defaultConfiguration", {{"level", sarif_level(rule.default_severity)}}},
      {"properties", {{"tags", json::array({rule.name})}}},
  };
}

// A relative path as a URI reference: '/' kept, anything outside RFC 3986's unreserved set
// percent-encoded ("versions/a b.py" -> "versions/a%20b.py").
std::string uri_of(std::string_view path)
{
  std::string out;
  for (const unsigned char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    out += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return out;
}

// SARIF's default columnKind is UTF-16 code units (what GitHub and editors count), while our
// positions count UTF-8 bytes; the two differ only on lines with non-ASCII text before the column.
class Utf16Columns {
public:
  std::uint32_t column(const model::Location& at, model::Position pos)
  {
    if (!at.file || pos.column <= 1) {
      return pos.column;
    }
    const auto& text = at.file->text;
    auto it = m_lines.find(at.file.get());
    if (it == m_lines.end()) {
      it = m_lines.emplace(at.file.get(), model::LineIndex(text)).first;
    }
    const std::size_t start = it->second.line_start(pos.line);
    const std::size_t stop = std::min<std::size_t>(start + pos.column - 1, text.size());
    std::uint32_t units = 0;
    for (std::size_t i = start; i < stop; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if ((c & 0xC0) != 0x80) {
        units += c >= 0xF0 ? 2 : 1; // a 4-byte sequence is a surrogate pair
      }
    }
    // Past the end of the text (an offset at EOF), keep counting one unit per byte.
    return units + 1 + static_cast<std::uint32_t>(start + pos.column - 1 - stop);
  }

  // {artifactLocation, region?}; null when the location has no path at all.
  json physical_location(const model::Location& at)
  {
    if (at.path.empty()) {
      return nullptr;
    }
    json physical = {{"artifactLocation", {{"uri", uri_of(at.path)}, {"uriBaseId", "%SRCROOT%"}}}};
    const auto begin = position_of(at);
    if (begin.line != 0) {
      const auto end = end_position_of(at);
      physical["region"] = {
          {"startLine", begin.line},
          {"startColumn", column(at, begin)},
          {"endLine", end.line},
          {"endColumn", column(at, end)},
      };
    }
    return physical;
  }

private:
  std::map<const model::SourceFile*, model::LineIndex> m_lines;
};

} // namespace

std::string render_sarif(const std::vector<model::Diagnostic>& diagnostics,
                         const std::vector<RuleMeta>& rules)
{
  // Every result needs its rule in tool.driver.rules: catalogue rules first, in the order
  // given, then a bare entry for any code the catalogue does not know.
  std::vector<RuleMeta> all_rules = rules;
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < all_rules.size(); ++i) {
    index_of.emplace(all_rules[i].code, i);
  }
  const auto id_of = [](const model::Diagnostic& d) {
    return d.code.empty() ? (d.rule.empty() ? std::string("miglint") : d.rule) : d.code;
  };
  for (const auto& d : diagnostics) {
    if (index_of.emplace(id_of(d), all_rules.size()).second) {
      all_rules.push_back(RuleMeta{id_of(d),
                                   d.rule.empty() ? id_of(d) : d.rule,
                                   d.severity,
                                   d.rule.empty() ? id_of(d) : d.rule,
                                   {}});
    }
  }

  json rules_json = json::array();
  for (const auto& rule : all_rules) {
    rules_json.push_back(rule_json(rule));
  }

  const auto fingerprints = fingerprints_of(diagnostics);
  Utf16Columns locations;
  json results = json::array();
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    const auto& d = diagnostics[i];
    const auto id = id_of(d);
    json result = {
        {"ruleId", id},
        {"ruleIndex", index_of.at(id)},
        {"level", sarif_level(d.severity)},
        {"message", {{"text", d.message}}},
        {"partialFingerprints", {{"miglintFingerprint/v1", fingerprints[i]}}},
    };
    if (auto physical = locations.physical_location(d.at); !physical.is_null()) {
      result["locations"] = json::array({{{"physicalLocation", std::move(physical)}}});
    } else {
      // GitHub rejects a result without locations; a finding about no file (the database, a
      // round trip) is placed at its revision, or at the tool.
      const std::string name = d.revision.empty() ? std::string("miglint") : d.revision;
      result["locations"] = json::array({{{"logicalLocations", json::array({{{"name", name}}})}}});
    }
    if (!d.notes.empty()) {
      json related = json::array();
      for (std::size_t n = 0; n < d.notes.size(); ++n) {
        json location = {{"id", n + 1}, {"message", {{"text", d.notes[n].message}}}};
        if (auto physical = locations.physical_location(d.notes[n].at); !physical.is_null()) {
          location["physicalLocation"] = std::move(physical);
        }
        related.push_back(std::move(location));
      }
      result["relatedLocations"] = std::move(related);
    }
    if (!d.revision.empty()) {
      result["properties"] = {{"revision", d.revision}};
    }
    results.push_back(std::move(result));
  }

  json driver = {
      {"name", "miglint"},
      {"version", MIGLINT_VERSION},
      {"semanticVersion", MIGLINT_VERSION},
      {"informationUri", std::string(k_information_uri)},
      {"rules", std::move(rules_json)},
  };
  json run = {
      {"tool", {{"driver", std::move(driver)}}},
      {"columnKind", "utf16CodeUnits"},
      {"results", std::move(results)},
  };
  json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({std::move(run)})},
  };
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

} // namespace miglint::report
