#include "readers/source_encoding.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace miglint::readers {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// Length of the well-formed UTF-8 sequence starting at `i`, or 0 when there is none
// (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), which
// is what Python's strict decoder accepts.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i)
{
  auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto tail = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return b >= lo && b <= hi;
  };
  const unsigned c = byte(0);
  if (c < 0x80) {
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    return tail(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return tail(1, lo, hi) && tail(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return tail(1, lo, hi) && tail(2) && tail(3) ? 4 : 0;
  }
  return 0;
}

// The offset of the first byte from `pos` on that is not part of well-formed UTF-8, or
// npos. Eight ASCII bytes at a time: a revision file is almost all ASCII.
std::size_t first_invalid_utf8(std::string_view s, std::size_t pos = 0)
{
  std::size_t i = pos;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

// Where the comment holding `at` starts and ends, if `at` lies in a comment. Without an
// encoding declaration (or with `utf-8` itself) CPython decodes tokens, not comments, so
// any bytes may stand in a comment. A lexer just good enough to tell comments from
// strings: quotes of every kind, with backslash escapes.
std::optional<std::pair<std::size_t, std::size_t>> comment_around(std::string_view s,
                                                                  std::size_t at)
{
  std::size_t i = 0;
  while (i <= at && i < s.size()) {
    const char c = s[i];
    if (c == '#') {
      const std::size_t end = std::min(s.find('\n', i), s.size());
      if (at < end) {
        return std::pair{i, end};
      }
      i = end;
    } else if (c == '\'' || c == '"') {
      const bool triple = s.substr(i, 3) == std::string(3, c);
      const std::size_t quotes = triple ? 3 : 1;
      std::size_t k = i + quotes;
      while (k < s.size()) {
        if (s[k] == '\\') {
          k += 2;
        } else if (triple ? s.substr(k, 3) == std::string(3, c) : s[k] == c || s[k] == '\n') {
          break;
        } else {
          ++k;
        }
      }
      i = std::min(k + quotes, s.size());
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

// The first byte outside comments that is not UTF-8, or npos.
std::size_t first_invalid_utf8_token(std::string_view s)
{
  for (std::size_t bad = first_invalid_utf8(s); bad != std::string_view::npos;) {
    const auto comment = comment_around(s, bad);
    if (!comment) {
      return bad;
    }
    bad = first_invalid_utf8(s, comment->second);
  }
  return std::string_view::npos;
}

std::optional<EncodingProblem> nul_problem(std::string_view bytes, std::string_view refusal)
{
  const void* nul = std::memchr(bytes.data(), '\0', bytes.size());
  if (nul == nullptr) {
    return std::nullopt;
  }
  const auto at = static_cast<std::size_t>(static_cast<const char*>(nul) - bytes.data());
  return EncodingProblem{at, fmt::format("NUL byte at offset {}: {}", at, refusal)};
}

std::string byte_name(std::string_view bytes, std::size_t at)
{
  return fmt::format("byte 0x{:02x} at offset {}", static_cast<unsigned char>(bytes[at]), at);
}

// The encoding a PEP 263 declaration names on a line, as CPython's tokenizer finds it: the
// line is a comment (only blanks before `#`), and `coding` is followed by `:` or `=`,
// optional blanks and a name of letters, digits, `-`, `_` and `.`.
std::optional<std::string> coding_on_line(std::string_view line)
{
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f')) {
    ++i;
  }
  if (i == line.size() || line[i] != '#') {
    return std::nullopt;
  }
  for (std::size_t at = line.find("coding", i); at != std::string_view::npos;
       at = line.find("coding", at + 1)) {
    std::size_t k = at + 6;
    if (k >= line.size() || (line[k] != ':' && line[k] != '=')) {
      continue;
    }
    ++k;
    while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) {
      ++k;
    }
    const std::size_t begin = k;
    while (k < line.size() && (std::isalnum(static_cast<unsigned char>(line[k])) != 0 ||
                               line[k] == '-' || line[k] == '_' || line[k] == '.')) {
      ++k;
    }
    if (k > begin) {
      return std::string(line.substr(begin, k - begin));
    }
  }
  return std::nullopt;
}

// Whether a line holds nothing but blanks and perhaps a comment: only then may line 2
// carry the declaration.
bool is_comment_or_blank(std::string_view line)
{
  for (const char c : line) {
    if (c == '#') {
      return true;
    }
    if (c != ' ' && c != '\t' && c != '\f' && c != '\r') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> declared_coding(std::string_view text)
{
  const std::size_t end1 = text.find('\n');
  const std::string_view line1 = text.substr(0, end1);
  if (auto coding = coding_on_line(line1)) {
    return coding;
  }
  if (end1 == std::string_view::npos || !is_comment_or_blank(line1)) {
    return std::nullopt;
  }
  const std::string_view rest = text.substr(end1 + 1);
  return coding_on_line(rest.substr(0, rest.find('\n')));
}

// Python's codec names, normalised as codecs.lookup does (case and `-`/`_` do not matter).
std::string normal_codec_name(std::string_view name)
{
  std::string out;
  for (const char c : name) {
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// How CPython takes the bytes. Without a declaration, or with one that its tokenizer
// itself normalises to `utf-8` (`UTF_8`, `utf-8-unix`), it decodes tokens as UTF-8 and
// leaves comments alone. Any other name goes through the codec, over the whole file:
// another UTF-8 alias (`utf8`) is strict everywhere, `latin-1` and its aliases take every
// byte, `ascii` only bytes below 0x80. Other codecs are taken on trust.
enum class Decoding { utf8_tokens, utf8, any_byte, ascii, trusted };

Decoding decoding_for(std::string_view declared)
{
  const std::string name = normal_codec_name(declared.substr(0, 12));
  if (name == "utf_8" || name.starts_with("utf_8_")) {
    return Decoding::utf8_tokens;
  }
  const std::string full = normal_codec_name(declared);
  if (full == "utf8" || full == "u8" || full == "utf" || full == "cp65001" ||
      full.starts_with("utf_8")) {
    return Decoding::utf8;
  }
  if (full == "latin_1" || full.starts_with("latin_1_") || full == "latin1" ||
      full == "iso_8859_1" || full.starts_with("iso_8859_1_") || full == "iso8859_1" ||
      full == "iso_latin_1" || full.starts_with("iso_latin_1_") || full == "8859" ||
      full == "cp819" || full == "l1" || full == "latin") {
    return Decoding::any_byte;
  }
  if (full == "ascii" || full == "us_ascii" || full == "646") {
    return Decoding::ascii;
  }
  return Decoding::trusted;
}

} // namespace

std::optional<EncodingProblem> python_encoding_problem(std::string_view bytes)
{
  if (auto nul = nul_problem(bytes, "Python cannot load a source file with NUL bytes")) {
    return nul;
  }
  const bool bom = bytes.starts_with(k_bom);
  const std::string_view text = bom ? bytes.substr(k_bom.size()) : bytes;
  const std::size_t skipped = bytes.size() - text.size();
  const std::optional<std::string> declared = declared_coding(text);
  const Decoding decoding = declared ? decoding_for(*declared) : Decoding::utf8_tokens;
  if (bom && decoding != Decoding::utf8_tokens && decoding != Decoding::utf8) {
    return EncodingProblem{0, fmt::format("the file starts with a UTF-8 byte order mark but "
                                          "declares the encoding `{}`: Python refuses it",
                                          *declared)};
  }
  if (decoding == Decoding::any_byte || decoding == Decoding::trusted) {
    return std::nullopt;
  }
  if (decoding == Decoding::ascii) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (static_cast<unsigned char>(text[i]) >= 0x80) {
        return EncodingProblem{i + skipped,
                               fmt::format("{} is not ASCII, the encoding the file declares",
                                           byte_name(bytes, i + skipped))};
      }
    }
    return std::nullopt;
  }
  const std::size_t bad =
      decoding == Decoding::utf8 ? first_invalid_utf8(text) : first_invalid_utf8_token(text);
  if (bad == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t at = bad + skipped;
  if (declared) {
    return EncodingProblem{
        at, fmt::format("{} is not UTF-8, the encoding the file declares", byte_name(bytes, at))};
  }
  return EncodingProblem{at, fmt::format("{} is not UTF-8 and no encoding is declared: Python "
                                         "cannot load the file (save it as UTF-8, or declare "
                                         "its encoding on line 1 or 2, as in "
                                         "`# -*- coding: latin-1 -*-`)",
                                         byte_name(bytes, at))};
}

std::optional<EncodingProblem> sql_encoding_problem(std::string_view bytes)
{
  if (auto nul = nul_problem(bytes, "not a text SQL revision")) {
    return nul;
  }
  const std::size_t skipped = bytes.starts_with(k_bom) ? k_bom.size() : 0;
  const std::size_t bad = first_invalid_utf8(bytes.substr(skipped));
  if (bad == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t at = bad + skipped;
  return EncodingProblem{
      at, fmt::format("{} is not UTF-8: a SQL revision is UTF-8 text", byte_name(bytes, at))};
}

} // namespace miglint::readers
