// Database URLs in messages: the password never shown.
#pragma once

#include <string>
#include <string_view>

namespace miglint::util {

// `text` with the password of a `scheme://user:password@...` (found as SQLAlchemy's URL
// pattern finds it: the user stops at `:` or `/`, the password at `@`) and the value of
// any `password=` query option replaced by ***. Text that is not such a URL is returned
// as it is.
std::string hide_url_password(std::string_view text);

// A query string (`a=1&password=x`) with every `password` value replaced by ***.
std::string hide_query_password(std::string_view query);

} // namespace miglint::util
