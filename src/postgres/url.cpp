#include "postgres/url.hpp"

#include "util/strings.hpp"
#include "util/url_password.hpp"
#include "util/url_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace miglint::postgres {

namespace {

model::Error url_usage(std::string message)
{
  return model::make_error(std::move(message), model::Error::Kind::usage);
}

std::string_view take_until(std::string_view& rest, std::string_view stops)
{
  const std::size_t end = std::min(rest.find_first_of(stops), rest.size());
  const std::string_view taken = rest.substr(0, end);
  rest.remove_prefix(end);
  return taken;
}

} // namespace

std::string Url::database() const
{
  for (const auto& [key, value] : keywords) {
    if (key == "dbname") {
      return value;
    }
  }
  return {};
}

Url Url::with_database(const std::string& name) const
{
  Url copy = *this;
  auto it = std::find_if(copy.keywords.begin(), copy.keywords.end(),
                         [](const auto& kv) { return kv.first == "dbname"; });
  if (it != copy.keywords.end()) {
    it->second = name;
  } else {
    copy.keywords.emplace_back("dbname", name);
  }
  const std::string old_db = database();
  // The display keeps everything but the database name.
  std::string shown = display;
  const std::size_t query = shown.find('?');
  const std::string tail = query == std::string::npos ? std::string() : shown.substr(query);
  std::string head = query == std::string::npos ? shown : shown.substr(0, query);
  const std::size_t authority = head.find("://");
  const std::size_t slash =
      head.find('/', authority == std::string::npos ? 0 : authority + 3);
  head = (slash == std::string::npos ? head : head.substr(0, slash)) + "/" + name;
  copy.display = head + tail;
  return copy;
}

bool is_postgres_scheme(std::string_view scheme)
{
  const std::string lower = util::to_lower(scheme);
  return lower == "postgres" || lower == "postgresql" || lower.starts_with("postgresql+") ||
         lower.starts_with("postgres+");
}

model::Result<Url> parse_url(std::string_view full_text)
{
  // Messages quote the URL, never its password.
  const std::string shown = util::hide_url_password(full_text);
  const std::string_view text = full_text;
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos || !is_postgres_scheme(text.substr(0, sep))) {
    return url_usage(fmt::format("'{}' is not a PostgreSQL URL", shown));
  }
  const std::string scheme(text.substr(0, sep));
  const std::size_t plus = scheme.find('+');
  const std::string driver = plus == std::string::npos ? std::string() : scheme.substr(plus + 1);
  static const char* const k_drivers[] = {"psycopg2", "psycopg", "psycopg2cffi", "pg8000",
                                          "asyncpg", "pygresql"};
  if (!driver.empty() &&
      std::none_of(std::begin(k_drivers), std::end(k_drivers),
                   [&](const char* known) { return driver == known; })) {
    return url_usage(fmt::format("unknown PostgreSQL driver '{}' in '{}': SQLAlchemy knows "
                                 "psycopg2, psycopg, pg8000 and asyncpg",
                                 driver, shown));
  }
  std::string_view rest = text.substr(sep + 3);
  // Python's `.` stops at a line break: so does the URL.
  rest = rest.substr(0, rest.find('\n'));

  Url url;
  std::string user_shown;
  // `user[:password]@`, tried as SQLAlchemy's pattern tries it: the user stops at `:` or
  // `/`, the password at `@`, and without an `@` there is no user at all.
  {
    std::string_view probe = rest;
    const std::string_view user = take_until(probe, ":/@");
    std::optional<std::string_view> password;
    if (!probe.empty() && probe.front() == ':') {
      probe.remove_prefix(1);
      password = take_until(probe, "@");
    }
    if (!probe.empty() && probe.front() == '@') {
      probe.remove_prefix(1);
      rest = probe;
      url.keywords.emplace_back("user", util::percent_decode(user));
      user_shown = std::string(user);
      if (password) {
        url.keywords.emplace_back("password", util::percent_decode(*password));
        user_shown += ":***";
      }
      user_shown += "@";
    }
  }
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return url_usage(fmt::format("cannot parse the database URL '{}': `[` opens an IPv6 "
                                   "address that no `]` closes",
                                   shown));
    }
    host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
  } else {
    host = std::string(take_until(rest, "/:?"));
  }
  if (!host.empty()) {
    url.keywords.emplace_back("host", host);
  }
  std::string port;
  if (!rest.empty() && rest.front() == ':') {
    rest.remove_prefix(1);
    port = std::string(take_until(rest, "/?"));
    const std::string digits(util::strip(port));
    if (!digits.empty()) {
      const bool numeric =
          std::all_of(digits.begin(), digits.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
      if (!numeric) {
        return url_usage(fmt::format("invalid port '{}' in the database URL '{}' (SQLAlchemy "
                                     "reads the port as an integer)",
                                     port, shown));
      }
      url.keywords.emplace_back("port", digits);
    }
  }
  std::string database;
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
    database = std::string(take_until(rest, "?"));
    if (!database.empty()) {
      url.keywords.emplace_back("dbname", database);
    }
  }
  std::string query;
  if (!rest.empty() && rest.front() == '?') {
    query = std::string(rest.substr(1));
    for (auto& [key, value] : util::parse_query(query)) {
      // psycopg2's own name for dbname is also accepted by SQLAlchemy's URL.
      url.keywords.emplace_back(key == "database" ? "dbname" : key, value);
    }
  }
  url.display = fmt::format("{}://{}{}{}{}{}", scheme, user_shown,
                            host.find(':') != std::string::npos ? "[" + host + "]" : host,
                            port.empty() ? "" : ":" + port, "/" + database,
                            query.empty() ? "" : "?" + util::hide_query_password(query));
  return url;
}

} // namespace miglint::postgres
