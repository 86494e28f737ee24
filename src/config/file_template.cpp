#include "config/file_template.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <fmt/format.h>

namespace miglint::config {

namespace {

constexpr std::array<std::string_view, 9> k_keys = {"rev", "slug", "epoch",  "year",  "month",
                                                    "day", "hour", "minute", "second"};

bool is_digit(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_word_byte(unsigned char c)
{
  // Python's \w on str: letters, digits, '_' and (approximately) every non-ASCII letter.
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

std::optional<long long> number_of(std::string_view key, const CreateDate& d)
{
  if (key == "epoch") {
    return d.epoch;
  }
  const std::array<std::pair<std::string_view, int>, 6> parts = {{{"year", d.year},
                                                                  {"month", d.month},
                                                                  {"day", d.day},
                                                                  {"hour", d.hour},
                                                                  {"minute", d.minute},
                                                                  {"second", d.second}}};
  for (const auto& [name, value] : parts) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

} // namespace

FileTemplate::Piece FileTemplate::literal_piece(std::string text)
{
  Piece piece;
  piece.literal = std::move(text);
  return piece;
}

model::Result<FileTemplate> FileTemplate::parse(const std::string& text)
{
  FileTemplate out;
  out.m_text = text;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      literal += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      literal += '%';
      ++i;
      continue;
    }
    auto bad = [&] {
      return model::make_error(fmt::format("file_template '{}': cannot expand the placeholder "
                                           "at column {}",
                                           text, i + 1),
                               model::Error::Kind::usage);
    };
    const auto close = text.find(')', i + 2);
    if (i + 1 >= text.size() || text[i + 1] != '(' || close == std::string::npos) {
      return bad();
    }
    Piece piece;
    piece.key = text.substr(i + 2, close - i - 2);
    // Python %-format spec: flags, width, .precision, then the conversion letter.
    std::size_t j = close + 1;
    while (j < text.size() && std::string_view("-+ #0").find(text[j]) != std::string_view::npos) {
      piece.flags += text[j++];
    }
    while (j < text.size() && is_digit(text[j])) {
      piece.width = piece.width * 10 + (text[j++] - '0');
    }
    if (j < text.size() && text[j] == '.') {
      piece.precision = 0;
      for (++j; j < text.size() && is_digit(text[j]); ++j) {
        piece.precision = piece.precision * 10 + (text[j] - '0');
      }
    }
    if (j >= text.size() || std::string_view("srdi").find(text[j]) == std::string_view::npos) {
      return bad();
    }
    piece.conversion = text[j];
    if (std::find(k_keys.begin(), k_keys.end(), piece.key) == k_keys.end()) {
      return model::make_error(
          fmt::format("file_template '{}': unknown key '{}' (known: rev, slug, epoch, year, month, "
                      "day, hour, minute, second)",
                      text, piece.key),
          model::Error::Kind::usage);
    }
    const bool text_key = piece.key == "rev" || piece.key == "slug";
    if (text_key && (piece.conversion == 'd' || piece.conversion == 'i')) {
      return model::make_error(fmt::format("file_template '{}': %({}){} needs a number", text,
                                           piece.key, piece.conversion),
                               model::Error::Kind::usage);
    }
    if (!literal.empty()) {
      out.m_pieces.push_back(literal_piece(std::move(literal)));
      literal.clear();
    }
    out.m_pieces.push_back(std::move(piece));
    i = j;
  }
  if (!literal.empty()) {
    out.m_pieces.push_back(literal_piece(std::move(literal)));
  }
  return out;
}

bool FileTemplate::uses(std::string_view key) const
{
  return std::any_of(m_pieces.begin(), m_pieces.end(),
                     [&](const Piece& p) { return p.key == key; });
}

std::string FileTemplate::format(const Piece& piece, const std::string& text,
                                 std::optional<long long> number) const
{
  std::string out;
  if (piece.conversion == 's' || piece.conversion == 'r') {
    out = number ? std::to_string(*number) : text;
    if (piece.precision >= 0 && out.size() > static_cast<std::size_t>(piece.precision)) {
      out.resize(static_cast<std::size_t>(piece.precision));
    }
  } else {
    const long long n = number.value_or(0);
    out = std::to_string(n < 0 ? -n : n);
    if (piece.precision > 0 && out.size() < static_cast<std::size_t>(piece.precision)) {
      out.insert(0, static_cast<std::size_t>(piece.precision) - out.size(), '0');
    }
    if (n < 0) {
      out = '-' + out;
    }
  }
  if (out.size() < static_cast<std::size_t>(piece.width)) {
    const std::size_t pad = static_cast<std::size_t>(piece.width) - out.size();
    if (piece.flags.find('-') != std::string::npos) {
      out.append(pad, ' ');
    } else {
      out.insert(0, pad, piece.flags.find('0') != std::string::npos && number ? '0' : ' ');
    }
  }
  return out;
}

model::Result<std::string> FileTemplate::expand(const NameFields& fields) const
{
  std::string out;
  for (const Piece& piece : m_pieces) {
    if (piece.key.empty()) {
      out += piece.literal;
    } else if (piece.key == "rev" || piece.key == "slug") {
      out += format(piece, piece.key == "rev" ? fields.rev : fields.slug, std::nullopt);
    } else if (fields.date) {
      out += format(piece, {}, number_of(piece.key, *fields.date));
    } else {
      return model::make_error(
          fmt::format("file_template '{}': no date for %({})", m_text, piece.key));
    }
  }
  return out;
}

std::optional<FileTemplate::Renamed> FileTemplate::with_rev(std::string_view stem,
                                                            const std::string& rev) const
{
  // Backtracking match, piece by piece: the id is taken as short as possible, a slug as
  // long as possible, a number is a run of digits (maybe padded). Names are short.
  std::vector<std::string_view> taken(m_pieces.size());
  auto match = [&](auto&& self, std::size_t piece, std::size_t at) -> bool {
    if (piece == m_pieces.size()) {
      return at == stem.size();
    }
    const Piece& p = m_pieces[piece];
    const std::string_view rest = stem.substr(at);
    if (p.key.empty()) {
      return rest.starts_with(p.literal) && self(self, piece + 1, at + p.literal.size());
    }
    auto fits = [&](std::size_t n) {
      const std::string_view part = rest.substr(0, n);
      if (p.key == "slug") {
        return true;
      }
      if (p.key == "rev") { // "add" of add_orders_table.py, "093" of 093_x.py are no ids
        return part.size() >= 4 &&
               std::all_of(part.begin(), part.end(),
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }) &&
               std::any_of(part.begin(), part.end(), is_digit);
      }
      const auto digits = part.find_first_not_of(" -");
      return digits != std::string_view::npos &&
             std::all_of(part.begin() + static_cast<std::ptrdiff_t>(digits), part.end(), is_digit);
    };
    auto take = [&](std::size_t n) {
      taken[piece] = rest.substr(0, n);
      return fits(n) && self(self, piece + 1, at + n);
    };
    if (p.key == "slug") {
      for (std::size_t n = rest.size() + 1; n-- > 0;) {
        if (take(n)) {
          return true;
        }
      }
      return false;
    }
    for (std::size_t n = 1; n <= rest.size(); ++n) {
      if (take(n)) {
        return true;
      }
    }
    return false;
  };
  if (!match(match, 0, 0)) {
    return std::nullopt;
  }
  Renamed out;
  for (std::size_t i = 0; i < m_pieces.size(); ++i) {
    const Piece& p = m_pieces[i];
    if (p.key == "rev" && out.old_rev.empty()) {
      out.old_rev = taken[i];
    }
    out.stem += p.key.empty()    ? p.literal
                : p.key == "rev" ? format(p, rev, std::nullopt)
                                 : std::string(taken[i]);
  }
  return out;
}

std::string slugify(const std::string& message, std::size_t truncate_length)
{
  std::string slug;
  std::size_t i = 0;
  while (i < message.size()) {
    if (!is_word_byte(static_cast<unsigned char>(message[i]))) {
      ++i;
      continue;
    }
    if (!slug.empty()) {
      slug += '_';
    }
    while (i < message.size() && is_word_byte(static_cast<unsigned char>(message[i]))) {
      slug += static_cast<char>(std::tolower(static_cast<unsigned char>(message[i])));
      ++i;
    }
  }
  if (slug.size() > truncate_length) {
    // slug[:n].rsplit("_", 1)[0] + "_"
    std::string cut = slug.substr(0, truncate_length);
    const auto us = cut.rfind('_');
    slug = (us == std::string::npos ? cut : cut.substr(0, us)) + "_";
  }
  return slug;
}

std::optional<CreateDate> parse_create_date(std::string_view text)
{
  const auto label = text.find("Create Date:");
  if (label == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(label + 12);
  rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
  // YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]
  int fields[6] = {};
  std::size_t at = 0;
  for (int f = 0; f < 6; ++f) {
    const std::size_t width = f == 0 ? 4 : 2;
    if (at + width > rest.size()) {
      return std::nullopt;
    }
    for (std::size_t k = 0; k < width; ++k) {
      if (!is_digit(rest[at + k])) {
        return std::nullopt;
      }
      fields[f] = fields[f] * 10 + (rest[at + k] - '0');
    }
    at += width;
    const char separator = f < 2 ? '-' : f == 2 ? ' ' : ':';
    if (f < 5) {
      if (at >= rest.size() || (rest[at] != separator && !(f == 2 && rest[at] == 'T'))) {
        return std::nullopt;
      }
      ++at;
    }
  }
  if (at < rest.size() && rest[at] == '.') {
    for (++at; at < rest.size() && is_digit(rest[at]); ++at) {
    }
  }
  CreateDate d{fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]};
  std::tm tm{};
  tm.tm_year = d.year - 1900;
  tm.tm_mon = d.month - 1;
  tm.tm_mday = d.day;
  tm.tm_hour = d.hour;
  tm.tm_min = d.minute;
  tm.tm_sec = d.second;
  if (at + 6 <= rest.size() && (rest[at] == '+' || rest[at] == '-') && is_digit(rest[at + 1]) &&
      is_digit(rest[at + 2]) && rest[at + 3] == ':' && is_digit(rest[at + 4]) &&
      is_digit(rest[at + 5])) {
    const int offset = ((rest[at + 1] - '0') * 10 + (rest[at + 2] - '0')) * 3600 +
                       ((rest[at + 4] - '0') * 10 + (rest[at + 5] - '0')) * 60;
    d.epoch = static_cast<long long>(timegm(&tm)) - (rest[at] == '+' ? offset : -offset);
  } else {
    tm.tm_isdst = -1;
    d.epoch = static_cast<long long>(mktime(&tm));
  }
  return d;
}

} // namespace miglint::config
