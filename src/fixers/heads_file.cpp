#include "fixers/heads_file.hpp"

#include "fixers/revision_writer.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace miglint::fixers {

namespace fs = std::filesystem;

bool heads_file_enabled(const config::Project& project)
{
  const auto& settings = project.config.settings;
  auto it = settings.find("heads_file");
  if (it == settings.end()) {
    return false;
  }
  const auto* b = std::get_if<bool>(&it->second.value);
  return b && *b;
}

fs::path heads_file_path(const config::Project& project)
{
  const fs::path dir = project.version_dirs.empty()
                           ? project.cwd / "versions"
                           : fs::absolute(project.version_dirs.front().path);
  return (dir / k_heads_file_name).lexically_normal();
}

std::string heads_file_text(const std::vector<std::string>& heads)
{
  std::string out =
      "# The current head revision(s), kept by miglint (heads_file = true). A git conflict\n"
      "# here means two branches added revisions: run `miglint rebase` or `miglint merge`.\n";
  std::vector<std::string> sorted = heads;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& h : sorted) {
    out += h + "\n";
  }
  return out;
}

std::vector<std::string> parse_heads_file(const std::string& text)
{
  std::vector<std::string> out;
  for (const auto& raw : util::split(text, '\n')) {
    const std::string line(util::strip(raw));
    if (!line.empty() && line[0] != '#') {
      out.push_back(line);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

model::Result<void> update_heads_file(const config::Project& project,
                                      const std::vector<std::string>& heads)
{
  if (!heads_file_enabled(project)) {
    return {};
  }
  return write_file_atomic(heads_file_path(project), heads_file_text(heads));
}

std::optional<model::Diagnostic> check_heads_file(const config::Project& project,
                                                  const graph::RevisionGraph& graph,
                                                  const source::Source& source)
{
  if (!heads_file_enabled(project)) {
    return std::nullopt;
  }
  // On disk the file is found by its absolute path; in a git tree (a bare repository,
  // `lint --ref`) by its path in the tree, next to the first versions directory.
  std::string path;
  std::string shown;
  if (project.in_tree && !project.version_dirs.empty()) {
    const auto& dir = project.version_dirs.front();
    path = dir.path.empty() ? k_heads_file_name : dir.path + "/" + k_heads_file_name;
    shown = dir.display_path.empty() ? k_heads_file_name
                                     : dir.display_path + "/" + k_heads_file_name;
  } else {
    path = heads_file_path(project).string();
    shown = config::display_path(path, project.cwd);
  }
  model::Diagnostic d;
  d.code = "MG008";
  d.rule = "stale-heads-file";
  d.severity = model::Severity::error;
  d.at = model::Location::whole(shown);
  std::vector<std::string> heads;
  for (graph::NodeId h : graph.heads()) {
    heads.push_back(graph.rev(h).id);
  }
  std::sort(heads.begin(), heads.end());
  auto read = source.read(path);
  if (!read) {
    d.message = read.error().kind == model::Error::Kind::not_found
                    ? fmt::format("heads_file is on but {} does not exist; run `miglint new` or "
                                  "write it with the head(s): {}",
                                  d.at.path, util::join(heads, ", "))
                    : read.error().message;
    return d;
  }
  const std::string& text = *read;
  if (text.find("<<<<<<<") != std::string::npos || text.find(">>>>>>>") != std::string::npos) {
    d.message = fmt::format("{} has a merge conflict: both branches added a revision; run "
                            "`miglint rebase` (or `miglint merge`) to join the heads",
                            d.at.path);
    return d;
  }
  const auto listed = parse_heads_file(text);
  if (listed == heads) {
    return std::nullopt;
  }
  d.message = fmt::format("{} lists {} but the graph's head{} {}; run `miglint rebase` or "
                          "`miglint merge` if there are several heads, else update the file",
                          d.at.path, listed.empty() ? "nothing" : util::join(listed, ", "),
                          heads.size() == 1 ? " is" : "s are", util::join(heads, ", "));
  return d;
}

} // namespace miglint::fixers
