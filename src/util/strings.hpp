// Small string helpers shared by every layer; depends on nothing else in miglint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::util {

// Python's str.strip(): removes leading and trailing whitespace.
std::string_view strip(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
// Splits on runs of whitespace, dropping empty pieces.
std::vector<std::string> split_whitespace(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
bool is_hex(std::string_view text);
// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` within a small distance, or "" if none is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// SQL's quoting, the same in SQLite and PostgreSQL: 'it''s' and "a ""name""".
std::string sql_string_literal(std::string_view text);
std::string sql_quoted_identifier(std::string_view name);

// The value of a hex digit, or -1.
int hex_digit_value(char c);
// The number written by exactly `count` decimal digits of `text` from `at`; nullopt when
// they are not all digits or `text` is too short.
std::optional<int> fixed_digits(std::string_view text, std::size_t at, std::size_t count);

} // namespace miglint::util
