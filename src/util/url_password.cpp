#include "util/url_password.hpp"

#include "util/strings.hpp"
#include "util/url_query.hpp"

#include <algorithm>

namespace miglint::util {

namespace {

std::string_view take_url_part(std::string_view& rest, std::string_view stops)
{
  const std::size_t end = std::min(rest.find_first_of(stops), rest.size());
  const std::string_view taken = rest.substr(0, end);
  rest.remove_prefix(end);
  return taken;
}

} // namespace

std::string hide_query_password(std::string_view query)
{
  std::string out;
  for (const std::string& item : split(query, '&')) {
    if (!out.empty()) {
      out += '&';
    }
    const std::size_t eq = item.find('=');
    if (eq != std::string::npos && percent_decode(item.substr(0, eq)) == "password") {
      out += item.substr(0, eq) + "=***";
    } else {
      out += item;
    }
  }
  return out;
}

std::string hide_url_password(std::string_view text)
{
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return std::string(text);
  }
  std::string out(text.substr(0, sep + 3));
  std::string_view rest = text.substr(sep + 3);
  std::string_view probe = rest;
  const std::string_view user = take_url_part(probe, ":/@");
  if (!probe.empty() && probe.front() == ':') {
    probe.remove_prefix(1);
    take_url_part(probe, "@");
    if (!probe.empty() && probe.front() == '@') {
      out += std::string(user) + ":***";
      rest = probe;
    }
  }
  const std::size_t query = rest.find('?');
  if (query == std::string_view::npos) {
    return out + std::string(rest);
  }
  return out + std::string(rest.substr(0, query + 1)) + hide_query_password(rest.substr(query + 1));
}

} // namespace miglint::util
