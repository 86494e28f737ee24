// The pieces of URL text SQLAlchemy decodes with urllib: %XX escapes and query strings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace miglint::util {

// %XX escapes decoded; a `%` not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text);

// urllib.parse.parse_qsl as SQLAlchemy calls it: `&`-separated, `+` is a space, %XX
// decoded, and entries without `=` or with an empty value dropped.
using QueryOptions = std::vector<std::pair<std::string, std::string>>;
QueryOptions parse_query(std::string_view query);

} // namespace miglint::util
