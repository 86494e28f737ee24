#include "sqlite/database_url.hpp"

#include "util/strings.hpp"
#include "util/url_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace miglint::sqlite {

namespace {

Error usage(std::string message)
{
  return model::make_error(std::move(message), Error::Kind::usage);
}

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

bool is_url_word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Text is taken for a URL when it starts like one: a scheme-like word and a colon
// (`sqlite:`, `postgresql+psycopg2:`). Everything else, `:memory:` and `./odd:name.db`
// included, is a plain path.
bool looks_like_url(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size() && (is_url_word_char(text[i]) || text[i] == '+' || text[i] == '.' ||
                             text[i] == '-')) {
    ++i;
  }
  return i > 0 && i < text.size() && text[i] == ':';
}

using util::parse_query;
using util::percent_decode;
using util::QueryOptions;

// SQLAlchemy's asbool().
std::optional<bool> as_bool(std::string_view text)
{
  const std::string word = util::to_lower(util::strip(text));
  for (const char* yes : {"true", "yes", "on", "y", "t", "1"}) {
    if (word == yes) {
      return true;
    }
  }
  for (const char* no : {"false", "no", "off", "n", "f", "0"}) {
    if (word == no) {
      return false;
    }
  }
  return std::nullopt;
}

// Whether Python's int() / float() would take the text.
bool is_python_number(std::string_view text, bool integer)
{
  const std::string value(util::strip(text));
  if (value.empty()) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  if (integer) {
    (void)std::strtoll(value.c_str(), &end, 10);
  } else {
    (void)std::strtod(value.c_str(), &end);
  }
  return end == value.c_str() + value.size() && (integer ? errno == 0 : true);
}

// The options SQLAlchemy's pysqlite dialect hands to the driver; all others reach SQLite
// only with uri=true, as parameters of a `file:` URI.
enum class DriverOption { none, boolean, integer, floating, text };

DriverOption driver_option(std::string_view key)
{
  if (key == "uri" || key == "check_same_thread") {
    return DriverOption::boolean;
  }
  if (key == "detect_types" || key == "cached_statements") {
    return DriverOption::integer;
  }
  if (key == "timeout") {
    return DriverOption::floating;
  }
  if (key == "isolation_level") {
    return DriverOption::text;
  }
  return DriverOption::none;
}

std::optional<std::string> bad_driver_value(const std::string& key, const std::string& value)
{
  switch (driver_option(key)) {
  case DriverOption::boolean:
    return as_bool(value) ? std::nullopt
                          : std::optional<std::string>("is not true or false");
  case DriverOption::integer:
    return is_python_number(value, true) ? std::nullopt
                                         : std::optional<std::string>("is not an integer");
  case DriverOption::floating:
    return is_python_number(value, false) ? std::nullopt
                                          : std::optional<std::string>("is not a number");
  default:
    return std::nullopt;
  }
}

// Reads the `file:` URI SQLAlchemy hands to SQLite with uri=true, as sqlite3_open_v2
// reads it: an empty or `localhost` authority, a %-decoded path ending at `?` or `#`,
// and the parameters. `mode` (ro, rw, rwc, memory) is honoured and `cache` has nothing
// to change for one connection; any other parameter (vfs, immutable, nolock, ...) would
// change how SQLite treats the file behind miglint's back, so it is refused.
Result<DatabaseTarget> parse_file_uri(std::string_view uri, const QueryOptions& params,
                                      DatabaseTarget target)
{
  std::string_view rest = uri.substr(5); // after "file:"
  if (rest.starts_with("//")) {
    const std::size_t slash = rest.find('/', 2);
    const std::string_view authority = rest.substr(2, slash == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : slash - 2);
    if (!authority.empty() && authority != "localhost") {
      return usage(fmt::format("invalid SQLite URI '{}': the authority '{}' is not empty or "
                               "localhost (SQLite refuses it)",
                               uri, authority));
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  const std::string path = percent_decode(rest.substr(0, rest.find('#')));
  if (path.find('\0') != std::string::npos) {
    return usage(fmt::format("invalid SQLite URI '{}': %00 in the file name (SQLite would cut "
                             "the name short there)",
                             uri));
  }
  for (const auto& [key, value] : params) {
    if (key == "mode") {
      if (value == "ro") {
        target.read_only = true;
      } else if (value == "rw") {
        target.existing_only = true;
      } else if (value == "memory") {
        target.memory = true;
      } else if (value != "rwc") {
        return usage(fmt::format("invalid SQLite URI '{}': no such access mode: {} (use ro, rw, "
                                 "rwc or memory)",
                                 uri, value));
      }
    } else if (key == "cache") {
      if (value != "shared" && value != "private") {
        return usage(fmt::format("invalid SQLite URI '{}': no such cache mode: {}", uri, value));
      }
    } else {
      return usage(fmt::format("miglint does not support the SQLite URI parameter '{}' (in "
                               "'{}'); only mode and cache",
                               key, uri));
    }
  }
  if (!target.memory && path.empty()) {
    return usage(fmt::format("SQLite URI '{}' names no file (SQLite would open a temporary "
                             "database); add a file name, or mode=memory",
                             uri));
  }
  if (!target.memory) {
    target.path = std::filesystem::path(path);
  }
  return target;
}

} // namespace

OpenMode DatabaseTarget::open_mode() const
{
  if (memory) {
    return OpenMode::memory;
  }
  if (read_only) {
    return OpenMode::read_only;
  }
  return existing_only ? OpenMode::read_write : OpenMode::read_write_create;
}

std::string DatabaseTarget::display() const
{
  if (postgres) {
    return postgres->display;
  }
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
  if (!looks_like_url(text)) {
    // A plain path. `:memory:` is SQLite's own name for an in-memory database.
    if (text == ":memory:") {
      target.memory = true;
    } else {
      target.path = std::filesystem::path(std::string(text));
    }
    return target;
  }

  // SQLAlchemy's URL pattern: `name://[user[:password]@][host][:port][/database][?query]`,
  // the name made of word characters and `+`.
  std::size_t name_end = 0;
  while (name_end < text.size() && (is_url_word_char(text[name_end]) || text[name_end] == '+')) {
    ++name_end;
  }
  if (name_end == 0 || text.substr(name_end, 3) != "://") {
    return usage(fmt::format("cannot parse '{}' as a database URL (SQLAlchemy cannot either): "
                             "write sqlite:///relative/path.db or sqlite:////absolute/path.db, "
                             "or ./{} for a file whose name has a colon",
                             text, text));
  }
  const std::string scheme(text.substr(0, name_end));
  const std::size_t plus = scheme.find('+');
  const std::string dialect = scheme.substr(0, plus);
  const std::string driver = plus == std::string::npos ? std::string() : scheme.substr(plus + 1);
  if (postgres::is_postgres_scheme(scheme)) {
    auto url = postgres::parse_url(text);
    MIGLINT_TRY(url);
    DatabaseTarget target;
    target.url = std::string(text);
    target.postgres = std::move(*url);
    return target;
  }
  if (util::to_lower(dialect) != "sqlite") {
    return usage(fmt::format("miglint runs migrations on SQLite and PostgreSQL; got {}",
                             util::to_lower(dialect)));
  }
  if (dialect != "sqlite") {
    return usage(fmt::format("unknown database URL scheme '{}': SQLAlchemy's dialect names are "
                             "lower case (sqlite://)",
                             scheme));
  }
  if (driver == "pysqlcipher") {
    return usage("miglint cannot open encrypted SQLite databases (sqlite+pysqlcipher)");
  }
  if (!driver.empty() && driver != "pysqlite" && driver != "aiosqlite") {
    return usage(fmt::format("unknown SQLite driver '{}' in '{}': SQLAlchemy knows pysqlite, "
                             "aiosqlite and pysqlcipher",
                             driver, text));
  }

  std::string_view rest = text.substr(name_end + 3);
  std::string_view query;
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    // Python's `.` does not match a line break: the query ends at the first one.
    query = rest.substr(q + 1);
    query = query.substr(0, query.find('\n'));
    rest = rest.substr(0, q);
  }
  // SQLite has no user, password, host or port: SQLAlchemy takes only empty ones
  // (`sqlite://@/x.db`, `sqlite://:@/x.db`).
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (!authority.empty() && authority != "@" && authority != ":@") {
    return usage(fmt::format("invalid SQLite URL '{}': write sqlite:///relative/path.db or "
                             "sqlite:////absolute/path.db",
                             text));
  }
  const bool has_database = slash != std::string_view::npos;
  const std::string database(has_database ? rest.substr(slash + 1) : std::string_view());

  QueryOptions uri_params;
  bool uri = false;
  std::vector<std::string> seen;
  for (auto& [key, value] : parse_query(query)) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return usage(fmt::format("'{}' is given twice in the database URL '{}'", key, text));
    }
    seen.push_back(key);
    if (auto bad = bad_driver_value(key, value)) {
      return usage(fmt::format("{}={} {} (in the database URL '{}')", key, value, *bad, text));
    }
    if (key == "uri") {
      uri = *as_bool(value);
    } else if (driver_option(key) == DriverOption::none) {
      uri_params.emplace_back(key, value);
    }
  }

  if (!uri) {
    // SQLAlchemy opens `database` as a file name, verbatim, and drops every other option.
    if (!uri_params.empty()) {
      const auto& [key, value] = uri_params.front();
      return usage(fmt::format(
          "'{}={}' in the database URL '{}' does nothing without uri=true: SQLAlchemy (and so "
          "Alembic) would ignore it{}",
          key, value, text,
          key == "mode" ? fmt::format("; write sqlite:///file:{}?{}={}&uri=true",
                                      database.starts_with("file:") ? database.substr(5)
                                                                    : database,
                                      key, value)
                        : std::string()));
    }
    if (database.starts_with("file:")) {
      return usage(fmt::format("'{}' names a SQLite URI but has no uri=true: SQLAlchemy would "
                               "create a file literally named '{}'; add ?uri=true",
                               text, database));
    }
    if (database.empty() || database == ":memory:") {
      target.memory = true;
    } else {
      target.path = std::filesystem::path(database);
    }
    return target;
  }

  if (!has_database) {
    return usage(fmt::format("'{}' names no database, and with uri=true SQLAlchemy cannot open "
                             "that; write sqlite:///:memory:?uri=true",
                             text));
  }
  std::sort(uri_params.begin(), uri_params.end());
  if (!database.starts_with("file:")) {
    // SQLite reads a name without `file:` as a plain file name, options and all.
    if (!uri_params.empty()) {
      std::string name = database + "?";
      for (std::size_t i = 0; i < uri_params.size(); ++i) {
        name += fmt::format("{}{}={}", i ? "&" : "", uri_params[i].first, uri_params[i].second);
      }
      return usage(fmt::format("with uri=true the options of '{}' reach SQLite only after "
                               "'file:': SQLite would create a file literally named '{}'; "
                               "write sqlite:///file:{}?...&uri=true",
                               text, name, database));
    }
    if (database.empty() || database == ":memory:") {
      target.memory = true;
    } else {
      target.path = std::filesystem::path(database);
    }
    return target;
  }
  return parse_file_uri(database, uri_params, std::move(target));
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
    if (!target->postgres && !target->memory && target->path.is_relative() && !dir.empty()) {
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
