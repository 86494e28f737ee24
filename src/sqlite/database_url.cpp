#include "sqlite/database_url.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace miglint::sqlite {

namespace {

bool is_scheme_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '.' || c == '-' || c == '_';
}

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// SQLAlchemy unquotes the database part of a URL: `my%20app.db` is `my app.db`.
std::string percent_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

Error usage(std::string message)
{
  return model::make_error(std::move(message), Error::Kind::usage);
}

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

} // namespace

OpenMode DatabaseTarget::open_mode() const
{
  if (memory) {
    return OpenMode::memory;
  }
  return read_only ? OpenMode::read_only : OpenMode::read_write_create;
}

std::string DatabaseTarget::display() const
{
  return memory ? std::string(":memory:") : path.string();
}

Result<DatabaseTarget> parse_database_url(std::string_view text)
{
  DatabaseTarget target;
  target.url = std::string(text);
  text = util::strip(text);
  if (text.empty()) {
    return usage("empty database URL: give a path or a URL such as sqlite:///app.db");
  }

  const std::size_t sep = text.find("://");
  bool is_url = sep != std::string_view::npos && sep > 0;
  for (std::size_t i = 0; is_url && i < sep; ++i) {
    is_url = is_scheme_char(text[i]);
  }
  if (!is_url) {
    // A plain path. `:memory:` is SQLite's own name for an in-memory database.
    if (text == ":memory:") {
      target.memory = true;
    } else {
      target.path = std::filesystem::path(std::string(text));
    }
    return target;
  }

  const std::string scheme = util::to_lower(text.substr(0, sep));
  const std::size_t plus = scheme.find('+');
  const std::string dialect = scheme.substr(0, plus);
  const std::string driver = plus == std::string::npos ? std::string() : scheme.substr(plus + 1);
  if (dialect != "sqlite") {
    return usage(fmt::format("miglint only runs migrations on SQLite; got {}", dialect));
  }
  if (driver == "pysqlcipher") {
    return usage("miglint cannot open encrypted SQLite databases (sqlite+pysqlcipher)");
  }

  std::string_view rest = text.substr(sep + 3);
  std::string_view query;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }

  bool uri = false;
  for (const std::string& pair : util::split(query, '&')) {
    const std::size_t eq = pair.find('=');
    const std::string key = pair.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : pair.substr(eq + 1);
    if (key == "mode" && value == "ro") {
      target.read_only = true;
    } else if (key == "mode" && value == "memory") {
      target.memory = true;
    } else if (key == "uri" && (value == "true" || value == "1")) {
      uri = true;
    }
  }

  // `sqlite://` is memory; `sqlite:///x` is the relative path x; `sqlite:////x` is /x.
  // Anything between `//` and the next `/` would be a host, which SQLite has none of.
  if (!rest.empty() && rest.front() != '/') {
    return usage(fmt::format("invalid SQLite URL '{}': write sqlite:///relative/path.db or "
                             "sqlite:////absolute/path.db",
                             text));
  }
  std::string database = rest.empty() ? std::string() : percent_decode(rest.substr(1));
  if (uri && database.rfind("file:", 0) == 0) {
    database.erase(0, 5);
  }
  if (database.empty() || database == ":memory:") {
    target.memory = true;
  }
  if (!target.memory) {
    target.path = std::filesystem::path(database);
  }
  return target;
}

std::map<std::string, std::string> parse_dotenv(std::string_view text, const EnvLookup& env)
{
  std::map<std::string, std::string> values;
  std::size_t i = 0;
  const std::size_t n = text.size();

  auto skip_blanks = [&] {
    while (i < n && is_blank(text[i])) {
      ++i;
    }
  };
  auto skip_line = [&] {
    while (i < n && text[i] != '\n') {
      ++i;
    }
    if (i < n) {
      ++i;
    }
  };
  // `${NAME}` and `${NAME:-default}`; a bare `$NAME` stays literal, as in python-dotenv.
  auto expand = [&](const std::string& raw) {
    std::string out;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const std::size_t close = raw.find('}', k);
      if (raw.compare(k, 2, "${") != 0 || close == std::string::npos) {
        out += raw[k];
        continue;
      }
      std::string name = raw.substr(k + 2, close - k - 2);
      std::string fallback;
      if (const std::size_t dash = name.find(":-"); dash != std::string::npos) {
        fallback = name.substr(dash + 2);
        name.resize(dash);
      }
      std::optional<std::string> value = env ? env(name) : std::nullopt;
      if (!value || value->empty()) {
        const auto it = values.find(name);
        value = it != values.end() ? std::optional<std::string>(it->second) : std::nullopt;
      }
      out += value && !value->empty() ? *value : fallback;
      k = close;
    }
    return out;
  };

  while (i < n) {
    skip_blanks();
    if (i >= n) {
      break;
    }
    if (text[i] == '\n' || text[i] == '#') {
      skip_line();
      continue;
    }
    if (text.compare(i, 7, "export ") == 0 || text.compare(i, 7, "export\t") == 0) {
      i += 7;
      skip_blanks();
    }
    const std::size_t key_start = i;
    while (i < n && text[i] != '=' && text[i] != '\n' && !is_blank(text[i])) {
      ++i;
    }
    std::string key(text.substr(key_start, i - key_start));
    skip_blanks();
    if (key.empty() || i >= n || text[i] != '=') {
      skip_line(); // not an assignment
      continue;
    }
    ++i; // '='
    skip_blanks();

    std::string value;
    if (i < n && (text[i] == '\'' || text[i] == '"')) {
      const char quote = text[i++];
      bool closed = false;
      while (i < n) {
        const char c = text[i++];
        if (c == quote) {
          closed = true;
          break;
        }
        if (c == '\\' && i < n) {
          const char e = text[i];
          if (quote == '"') {
            ++i;
            switch (e) {
            case 'n':
              value += '\n';
              break;
            case 't':
              value += '\t';
              break;
            case 'r':
              value += '\r';
              break;
            case '"':
              value += '"';
              break;
            case '\'':
              value += '\'';
              break;
            case '\\':
              value += '\\';
              break;
            default:
              value += '\\';
              value += e;
            }
            continue;
          }
          if (e == '\'' || e == '\\') {
            value += e;
            ++i;
            continue;
          }
        }
        value += c;
      }
      if (!closed) {
        continue; // unterminated quote: python-dotenv skips the entry
      }
      if (quote == '"') {
        value = expand(value);
      }
      skip_line(); // a comment may follow the closing quote
    } else {
      const std::size_t start = i;
      while (i < n && text[i] != '\n') {
        ++i;
      }
      std::string_view raw = text.substr(start, i - start);
      // An inline comment needs whitespace before `#`: `a#b` keeps its `#`.
      for (std::size_t k = 1; k < raw.size(); ++k) {
        if (raw[k] == '#' && is_blank(raw[k - 1])) {
          raw = raw.substr(0, k);
          break;
        }
      }
      value = expand(std::string(util::strip(raw)));
    }
    values[std::move(key)] = std::move(value);
  }
  return values;
}

EnvLookup process_environment()
{
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Result<DatabaseTarget> resolve_database(std::optional<std::string> flag,
                                        const std::filesystem::path& dir,
                                        std::optional<std::string> config_value,
                                        const EnvLookup& env)
{
  auto pick = [&](const std::string& value, std::string origin) -> Result<DatabaseTarget> {
    Result<DatabaseTarget> target = parse_database_url(value);
    if (!target) {
      return Error{target.error().kind,
                   fmt::format("{} (from {})", target.error().message, origin)};
    }
    target->origin = std::move(origin);
    if (!target->memory && target->path.is_relative() && !dir.empty()) {
      target->path = dir / target->path;
    }
    return target;
  };
  constexpr const char* k_keys[] = {"ALEMBIC_DATABASE_URL", "DATABASE_URL"};

  if (flag && !util::strip(*flag).empty()) {
    return pick(*flag, "--db");
  }
  if (flag) {
    return usage("--db needs a value: a path or a URL such as sqlite:///app.db");
  }
  for (const char* key : k_keys) {
    if (std::optional<std::string> value = env ? env(key) : std::nullopt;
        value && !value->empty()) {
      return pick(*value, fmt::format("{} (environment)", key));
    }
  }

  const std::filesystem::path dotenv = dir / ".env";
  std::error_code ec;
  if (std::filesystem::is_regular_file(dotenv, ec)) {
    std::ifstream in(dotenv, std::ios::binary);
    std::ostringstream buffer;
    if (in.is_open()) {
      buffer << in.rdbuf();
    }
    if (!in.is_open() || in.bad()) {
      return model::make_error(fmt::format("{}: cannot read the file", dotenv.string()));
    }
    const std::map<std::string, std::string> values = parse_dotenv(buffer.str(), env);
    for (const char* key : k_keys) {
      if (const auto it = values.find(key); it != values.end() && !it->second.empty()) {
        return pick(it->second, fmt::format("{} in {}", key, dotenv.string()));
      }
    }
  }

  if (config_value && !util::strip(*config_value).empty()) {
    return pick(*config_value, "the configuration");
  }
  return model::make_error("no database given: pass --db, or set ALEMBIC_DATABASE_URL or "
                           "DATABASE_URL (environment or .env)",
                           Error::Kind::not_found);
}

} // namespace miglint::sqlite
