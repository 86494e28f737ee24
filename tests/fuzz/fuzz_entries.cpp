#include "fuzz_entries.hpp"

#include "config/alembic_ini.hpp"
#include "config/config.hpp"
#include "graph/planner.hpp"
#include "graph/revision_graph.hpp"
#include "python/parser.hpp"
#include "python/tokenizer.hpp"
#include "readers/reader.hpp"
#include "sqlite/database_url.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace miglint::fuzz {

namespace {

void fuzz_check(bool ok, const char* what)
{
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

void check_span(model::Span span, std::size_t size, const char* what)
{
  fuzz_check(span.begin <= span.end && span.end <= size, what);
}

void check_tokens(const python::TokenizeResult& result, std::size_t size)
{
  fuzz_check(!result.tokens.empty() &&
                 result.tokens.back().kind == python::TokenKind::end_of_file,
             "token stream ends with end_of_file");
  for (const auto& token : result.tokens) {
    check_span(token.span, size, "token span");
  }
  for (const auto& comment : result.comments) {
    check_span(comment.span, size, "comment span");
  }
}

void check_revision_output(const readers::ReadOutcome& out, const model::SourceFile& file)
{
  const std::size_t size = file.text.size();
  const model::LineIndex lines(file.text);
  for (const auto& d : out.diagnostics) {
    if (d.at.file) {
      check_span(d.at.span, d.at.file->text.size(), "diagnostic span");
      (void)lines.position(d.at.span.begin);
    }
    for (const auto& note : d.notes) {
      if (note.at.file) {
        check_span(note.at.span, note.at.file->text.size(), "note span");
      }
    }
  }
  if (!out.revision) {
    return;
  }
  const model::Revision& rev = *out.revision;
  for (model::Span s : {rev.id_span, rev.down_span, rev.labels_span, rev.depends_span,
                        rev.doc_span, rev.header_id_span, rev.header_revises_span}) {
    check_span(s, size, "revision span");
  }
  for (const auto* body : {&rev.upgrade, &rev.downgrade}) {
    if (!*body) {
      continue;
    }
    check_span((*body)->span, size, "body span");
    check_span((*body)->name_span, size, "body name span");
    check_span((*body)->body_span, size, "body statements span");
    for (const auto& step : (*body)->steps) {
      check_span(step.span, size, "step span");
    }
  }
  for (const auto& s : rev.suppressions) {
    check_span(s.span, size, "suppression span");
  }
  for (const auto& u : rev.unresolved) {
    check_span(u.span, size, "unresolved span");
  }
  (void)rev.message();
  (void)rev.long_doc();
}

std::shared_ptr<const model::SourceFile> make_file(std::string path, std::string_view data)
{
  return std::make_shared<const model::SourceFile>(
      model::SourceFile{std::move(path), std::string(data)});
}

// Splits at '\n', keeping at most `limit` pieces (the rest of the input is dropped).
std::vector<std::string> lines_of(std::string_view text, std::size_t limit)
{
  std::vector<std::string> out;
  while (!text.empty() && out.size() < limit) {
    const std::size_t nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char sep)
{
  std::vector<std::string> out;
  if (text.empty()) {
    return out;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at - start));
    if (at == std::string::npos) {
      return out;
    }
    start = at + 1;
  }
}

// A directory of this process for the config files the loader reads; removed at exit.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir()
      : path(std::filesystem::temp_directory_path() /
             ("miglint-fuzz-" + std::to_string(static_cast<long>(::getpid()))))
  {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::filesystem::path& scratch_dir()
{
  static const ScratchDir dir;
  return dir.path;
}

} // namespace

void python_parser(std::string_view data)
{
  check_tokens(python::tokenize(data), data.size());
  const auto module = python::parse_module(data);
  for (const auto& comment : module.comments) {
    check_span(comment.span, data.size(), "parsed comment span");
  }
  if (module.error) {
    check_span(module.error->span, data.size(), "syntax error span");
  }
  const auto expr = python::parse_expression(data);
  fuzz_check((expr.expr == nullptr) == expr.error.has_value(), "expression xor error");
  if (data.size() >= 2) {
    check_tokens(python::tokenize_expression(data, 1, static_cast<std::uint32_t>(data.size() - 1)),
                 data.size());
  }
}

void alembic_reader(std::string_view data)
{
  const auto file = make_file("versions/fuzz.py", data);
  check_revision_output(readers::read_alembic(file, readers::ReadMode::full), *file);
  check_revision_output(readers::read_alembic(file, readers::ReadMode::graph), *file);
}

void sql_reader(std::string_view data)
{
  const auto file = make_file("versions/fuzz.sql", data);
  check_revision_output(readers::read_sql(file), *file);
}

void config(std::string_view data)
{
  if (data.empty()) {
    return;
  }
  const char selector = data.front();
  const std::string text(data.substr(1));
  switch (selector % 4) {
  case 0:
  case 1: {
    const auto path = scratch_dir() / (selector % 4 == 0 ? "miglint.toml" : "pyproject.toml");
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    (void)config::load_config(path);
    break;
  }
  case 2: {
    auto ini = config::parse_alembic_ini(scratch_dir() / "alembic.ini", text);
    if (ini) {
      (void)config::parse_alembic_ini(scratch_dir() / "alembic.ini", text, "other");
    }
    break;
  }
  default: {
    const auto env = sqlite::parse_dotenv(text, [](const std::string& name) -> std::optional<std::string> {
      if (name == "HOME") {
        return std::string("/home/fuzz");
      }
      return std::nullopt;
    });
    for (const auto& [key, value] : env) {
      (void)sqlite::parse_database_url(value);
    }
    (void)sqlite::parse_database_url(text);
    break;
  }
  }
}

// Input: revision lines `id:parent,parent:label,label:dep,dep` up to a line `--`, then a
// line of version-table ids (comma-separated), then target strings, one per line.
void targets(std::string_view data)
{
  const auto lines = lines_of(data, 96);
  std::vector<model::Revision> revisions;
  std::size_t i = 0;
  const auto file = make_file("versions/fuzz.py", "");
  for (; i < lines.size() && lines[i] != "--"; ++i) {
    const auto fields = split(lines[i], ':');
    if (fields.empty()) {
      continue;
    }
    model::Revision rev;
    rev.file = file;
    rev.id = fields[0];
    if (fields.size() > 1) rev.down_revisions = split(fields[1], ',');
    if (fields.size() > 2) rev.branch_labels = split(fields[2], ',');
    if (fields.size() > 3) rev.depends_on = split(fields[3], ',');
    rev.upgrade = model::Body{};
    rev.downgrade = model::Body{};
    revisions.push_back(std::move(rev));
  }
  auto build = graph::RevisionGraph::build(std::move(revisions));
  const graph::RevisionGraph& graph = build.graph;
  (void)graph.heads();
  (void)graph.real_heads();
  (void)graph.bases();
  if (!build.errors.empty()) {
    return;
  }
  ++i;
  std::vector<std::string> current;
  if (i < lines.size()) {
    current = split(lines[i], ',');
    ++i;
  }
  const auto known = graph::current_nodes(graph, current);
  std::vector<std::string> targets(lines.begin() + static_cast<std::ptrdiff_t>(std::min(i, lines.size())),
                                   lines.end());
  for (std::size_t t = 0; t < targets.size() && t < 8; ++t) {
    const std::string& target = targets[t];
    (void)graph::parse_relative_target(target);
    (void)graph.resolve(target);
    (void)graph.resolve_one(target);
    (void)graph.walk(target, t + 1 < targets.size() ? targets[t + 1] : "heads", true);
    (void)graph.walk("base", target, false);
    if (known) {
      (void)graph.upgrade_targets(target, *known);
      (void)graph::plan_upgrade(graph, current, target);
      (void)graph::plan_downgrade(graph, current, target);
      (void)graph::plan_stamp(graph, current, {target}, t % 2 == 1);
    }
  }
}

Entry entry_for(std::string_view target)
{
  if (target == "python_parser") return &python_parser;
  if (target == "alembic_reader") return &alembic_reader;
  if (target == "sql_reader") return &sql_reader;
  if (target == "config") return &config;
  if (target == "targets") return &targets;
  return nullptr;
}

} // namespace miglint::fuzz
