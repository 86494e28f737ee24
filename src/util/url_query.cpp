#include "util/url_query.hpp"

#include "util/strings.hpp"

#include <algorithm>

namespace miglint::util {

std::string percent_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_digit_value(text[i + 1]);
      const int lo = hex_digit_value(text[i + 2]);
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

QueryOptions parse_query(std::string_view query)
{
  QueryOptions out;
  for (std::string pair : split(query, '&')) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq + 1 == pair.size()) {
      continue;
    }
    std::replace(pair.begin(), pair.end(), '+', ' ');
    out.emplace_back(percent_decode(std::string_view(pair).substr(0, eq)),
                     percent_decode(std::string_view(pair).substr(eq + 1)));
  }
  return out;
}

} // namespace miglint::util
