#include "config/alembic_ini.hpp"

#include "util/strings.hpp"
#include "util/url_password.hpp"

#include <fmt/format.h>

namespace miglint::config {

namespace {

using Section = std::map<std::string, std::string>;

// Expands %(name)s from the section then the defaults; %% is a literal percent.
model::Result<std::string> interpolate(const std::string& value, const Section& section,
                                       const Section& defaults, int depth = 0)
{
  if (depth > 10) {
    return model::make_error("interpolation is nested too deeply (a key refers to itself?)");
  }
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    const auto close = value.find(")s", i);
    if (i + 1 >= value.size() || value[i + 1] != '(' || close == std::string::npos) {
      // The value may be a database URL: quoted without its password.
      return model::make_error(fmt::format("bad '%' in value '{}' (write %% for a percent sign)",
                                           util::hide_url_password(value)));
    }
    const std::string key = util::to_lower(value.substr(i + 2, close - i - 2));
    const Section* where = section.count(key) ? &section : defaults.count(key) ? &defaults : nullptr;
    if (where == nullptr) {
      return model::make_error(fmt::format("'%({})s' refers to an unknown key", key));
    }
    auto expanded = interpolate(where->at(key), section, defaults, depth + 1);
    if (!expanded) {
      return expanded.error();
    }
    out += *expanded;
    i = close + 1;
  }
  return out;
}

std::vector<std::string> split_locations(const std::string& value, const std::string& separator)
{
  std::vector<std::string> out;
  if (separator.empty()) {
    // Alembic's legacy rule: split on ", *" or runs of spaces.
    std::string current;
    for (char c : value) {
      if (c == ',' || c == ' ' || c == '\n' || c == '\t') {
        if (!current.empty()) {
          out.push_back(current);
        }
        current.clear();
      } else {
        current += c;
      }
    }
    if (!current.empty()) {
      out.push_back(current);
    }
    return out;
  }
  const char sep = separator == "space" ? ' ' : separator == ";" ? ';' : ':';
  for (auto& part : util::split(value, sep)) {
    auto stripped = std::string(util::strip(part));
    if (!stripped.empty()) {
      out.push_back(stripped);
    }
  }
  return out;
}

std::filesystem::path resolve_location(const std::filesystem::path& base, std::string location)
{
  // `package:path` names a directory inside an importable package; without Python we
  // take the package's dotted name as a path relative to where Alembic runs. Alembic
  // splits on every colon (`pkg:server:migrations` is pkg/server/migrations).
  const auto colon = location.find(':');
  if (colon != std::string::npos && colon > 1 && location[0] != '/') {
    std::string package = location.substr(0, colon);
    for (char& c : package) {
      if (c == '.') {
        c = '/';
      }
    }
    std::string rest = location.substr(colon + 1);
    for (char& c : rest) {
      if (c == ':') {
        c = '/';
      }
    }
    location = package + "/" + rest;
  }
  std::filesystem::path p(location);
  return p.is_absolute() ? p.lexically_normal() : (base / p).lexically_normal();
}

} // namespace

model::Result<AlembicIni> parse_alembic_ini(const std::filesystem::path& path,
                                            const std::string& text, const std::string& wanted,
                                            const std::filesystem::path& location_base)
{
  std::map<std::string, Section> sections;
  Section defaults;
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  defaults["here"] = std::filesystem::absolute(dir).lexically_normal().string();
  if (defaults["here"].size() > 1 && defaults["here"].back() == '/') {
    defaults["here"].pop_back();
  }

  Section* current = nullptr;
  std::string last_key;
  int line_no = 0;
  for (const auto& raw : util::split(text, '\n')) {
    ++line_no;
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    const auto stripped = util::strip(line);
    if (stripped.empty() || stripped[0] == '#' || stripped[0] == ';') {
      last_key.clear();
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && current && !last_key.empty()) {
      (*current)[last_key] += "\n" + std::string(stripped); // continuation line
      continue;
    }
    if (stripped.front() == '[' && stripped.back() == ']') {
      const std::string name(stripped.substr(1, stripped.size() - 2));
      current = name == "DEFAULT" ? &defaults : &sections[name];
      last_key.clear();
      continue;
    }
    const auto eq = line.find_first_of("=:");
    if (eq == std::string::npos || current == nullptr) {
      return model::make_error(fmt::format("{}:{}: cannot parse line '{}'", path.string(), line_no,
                                           std::string(stripped)));
    }
    last_key = util::to_lower(util::strip(std::string_view(line).substr(0, eq)));
    (*current)[last_key] = std::string(util::strip(std::string_view(line).substr(eq + 1)));
  }

  AlembicIni ini;
  ini.path = path;
  const Section& raw_main = sections[wanted];
  for (const auto& [key, value] : raw_main) {
    auto expanded = interpolate(value, raw_main, defaults);
    if (!expanded) {
      return model::make_error(fmt::format("{}: [{}] {}: {}", path.string(), wanted, key,
                                           expanded.error().message));
    }
    ini.main[key] = *expanded;
  }
  auto get = [&](const char* key) {
    auto it = ini.main.find(key);
    return it == ini.main.end() ? std::string() : it->second;
  };
  const std::string script_location = get("script_location");
  const std::string version_locations = get("version_locations");
  std::string separator = get("version_path_separator");
  // Projects write `version_path_separator = os  # Use os.pathsep.`, copied from
  // Alembic's template comment; read the word before the comment.
  if (const auto hash = separator.find(" #"); hash != std::string::npos) {
    separator = std::string(util::strip(separator.substr(0, hash)));
  }
  if (separator == "os") {
    separator = ":";
  }
  if (!separator.empty() && separator != "space" && separator != ":" && separator != ";") {
    return model::make_error(fmt::format("{}: '{}' is not a valid value for version_path_separator; "
                                         "expected 'space', 'os', ':', ';'",
                                         path.string(), separator));
  }
  const std::filesystem::path base = location_base.empty() ? dir : location_base;
  ini.script_dir = script_location.empty() ? std::filesystem::absolute(dir).lexically_normal()
                                           : resolve_location(base, script_location);
  if (!version_locations.empty()) {
    for (const auto& location : split_locations(version_locations, separator)) {
      ini.version_dirs.push_back(resolve_location(base, location));
    }
  } else {
    ini.version_dirs.push_back(ini.script_dir / "versions");
  }
  const std::string recursive = util::to_lower(get("recursive_version_locations"));
  ini.recursive = recursive == "true" || recursive == "1" || recursive == "yes" || recursive == "on";
  if (auto t = get("file_template"); !t.empty()) {
    ini.naming.file_template = t;
  }
  // Alembic: int(truncate_slug_length) or 40.
  if (auto length = get("truncate_slug_length"); !length.empty()) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
      value = std::stoul(length, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != length.size()) {
      return model::make_error(fmt::format("{}: truncate_slug_length '{}' is not a number",
                                           path.string(), length),
                               model::Error::Kind::usage);
    }
    ini.naming.truncate_slug_length = value == 0 ? 40 : value;
  }
  ini.sqlalchemy_url = get("sqlalchemy.url");
  return ini;
}

} // namespace miglint::config
