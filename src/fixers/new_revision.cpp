#include "fixers/new_revision.hpp"

#include "fixers/heads_file.hpp"
#include "util/strings.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace miglint::fixers {

namespace fs = std::filesystem;

namespace {

const model::Revision* find_revision(const graph::RevisionGraph& graph, const std::string& id)
{
  const graph::NodeId n = graph.find(id);
  return n < 0 ? nullptr : &graph.rev(n);
}

std::optional<std::string> setting_string(const config::Project& project, const char* key)
{
  const auto& settings = project.config.settings;
  if (auto it = settings.find(key); it != settings.end()) {
    if (const auto* s = std::get_if<std::string>(&it->second.value)) {
      return *s;
    }
  }
  return std::nullopt;
}

model::Result<std::string> read_text(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return model::make_error(fmt::format("cannot read {}", path.string()),
                             model::Error::Kind::usage);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Where Alembic looks for script.py.mako: the script_location directory.
std::optional<fs::path> project_mako(const config::Project& project)
{
  if (!project.ini) {
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path mako = project.ini->script_dir / "script.py.mako";
  if (fs::is_regular_file(mako, ec)) {
    return mako;
  }
  return std::nullopt;
}

bool looks_typed(const std::string& text)
{
  return text.find("\nrevision: str") != std::string::npos ||
         text.find("\ndown_revision: ") != std::string::npos;
}

} // namespace

fs::path target_directory(const config::Project& project, const graph::RevisionGraph& graph,
                          const std::vector<std::string>& parents)
{
  for (const auto& id : parents) {
    if (const auto* rev = find_revision(graph, id)) {
      return (project.cwd / rev->path()).parent_path().lexically_normal();
    }
  }
  if (!project.version_dirs.empty()) {
    return fs::absolute(project.version_dirs.front().path).lexically_normal();
  }
  return project.cwd / "versions";
}

model::Result<StyleChoice> choose_style(const config::Project& project,
                                        const graph::RevisionGraph& graph,
                                        const std::vector<std::string>& parents,
                                        const fs::path& dir)
{
  // The format of the directory: the parent's, else what most files there are.
  bool sql = false;
  if (!parents.empty()) {
    if (const auto* rev = find_revision(graph, parents.front())) {
      sql = rev->format == model::Format::sql;
    }
  } else {
    std::size_t py = 0;
    std::size_t sq = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      const auto ext = it->path().extension();
      py += ext == ".py" && it->path().filename().string().rfind("__init__", 0) != 0;
      sq += ext == ".sql";
    }
    sql = sq > py;
  }

  StyleChoice choice;
  if (auto configured = setting_string(project, "template")) {
    const std::string& t = *configured;
    if (t == "sql") {
      return StyleChoice{Style::sql, {}, "template = \"sql\""};
    }
    if (t == "classic" || t == "typed") {
      if (sql) {
        return model::make_error(
            fmt::format("template = \"{}\" is a Python template, but {} holds SQL revisions", t,
                        config::display_path(dir, project.cwd)),
            model::Error::Kind::usage);
      }
      return StyleChoice{t == "typed" ? Style::typed : Style::classic, {},
                         fmt::format("template = \"{}\"", t)};
    }
    fs::path file(t);
    if (file.is_relative()) {
      file = project.root / file;
    }
    auto text = read_text(file);
    if (!text) {
      return model::make_error(
          fmt::format("template = \"{}\": cannot read {}", t, file.string()),
          model::Error::Kind::usage);
    }
    return StyleChoice{Style::mako, std::move(*text), config::display_path(file, project.cwd)};
  }
  if (sql) {
    return StyleChoice{Style::sql, {}, "SQL revisions"};
  }
  if (auto mako = project_mako(project)) {
    auto text = read_text(*mako);
    if (!text) {
      return text.error();
    }
    return StyleChoice{Style::mako, std::move(*text), config::display_path(*mako, project.cwd)};
  }
  // No template file: copy the style of the revision we build on (or of any revision).
  const model::Revision* model_rev = parents.empty() ? nullptr : find_revision(graph, parents.front());
  if (!model_rev && !graph.revisions().empty()) {
    model_rev = &graph.revisions().back();
  }
  if (model_rev && looks_typed(model_rev->file->text)) {
    return StyleChoice{Style::typed, {}, "typed revisions"};
  }
  return StyleChoice{Style::classic, {}, "classic template"};
}

model::Result<Written> write_new_revision(const config::Project& project, const fs::path& dir,
                                          const NewRevision& rev, const StyleChoice& style)
{
  const config::FileNaming naming = project.ini ? project.ini->naming : config::FileNaming{};
  auto name = expand_file_template(naming.file_template, rev,
                                   slugify(rev.message, naming.truncate_slug_length));
  if (!name) {
    return name.error();
  }
  auto text = render_revision(rev, style.style, style.mako_template);
  if (!text) {
    return text.error();
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  Written out;
  out.path = dir / (*name + (style.style == Style::sql ? ".sql" : ".py"));
  fs::create_directories(out.path.parent_path(), ec);
  out.display_path = config::display_path(out.path, project.cwd);
  out.text = std::move(*text);
  if (auto w = write_file_atomic(out.path, out.text, true); !w) {
    return w.error();
  }
  return out;
}

model::Result<std::string> new_revision_id(const graph::RevisionGraph& graph,
                                           const std::optional<std::string>& given)
{
  if (!given) {
    for (;;) {
      std::string id = generate_revision_id();
      if (graph.find(id) < 0) {
        return id;
      }
    }
  }
  for (char c : *given) {
    if (c == '@' || c == '-' || c == '+' || c == ',' || c == ' ' || c == '\t') {
      return model::make_error(
          fmt::format("character '{}' is not allowed in revision id '{}'", c, *given),
          model::Error::Kind::usage);
    }
  }
  if (given->empty() || graph.find(*given) >= 0) {
    return model::make_error(fmt::format("revision id '{}' is {}", *given,
                                         given->empty() ? "empty" : "already in use"),
                             model::Error::Kind::usage);
  }
  return *given;
}

std::vector<std::string> head_ids(const graph::RevisionGraph& graph)
{
  std::vector<std::string> out;
  for (graph::NodeId h : graph.heads()) {
    out.push_back(graph.rev(h).id);
  }
  return out;
}

model::Result<Written> add_revision(const config::Project& project,
                                    const graph::RevisionGraph& graph, const NewRevision& rev)
{
  const auto dir = target_directory(project, graph, rev.down_revisions);
  auto style = choose_style(project, graph, rev.down_revisions, dir);
  if (!style) {
    return style.error();
  }
  auto written = write_new_revision(project, dir, rev, *style);
  if (!written) {
    return written.error();
  }
  std::vector<std::string> heads;
  for (const auto& h : head_ids(graph)) {
    if (std::find(rev.down_revisions.begin(), rev.down_revisions.end(), h) ==
        rev.down_revisions.end()) {
      heads.push_back(h);
    }
  }
  heads.push_back(rev.id);
  if (auto hf = update_heads_file(project, heads); !hf) {
    return hf.error();
  }
  return written;
}

} // namespace miglint::fixers
