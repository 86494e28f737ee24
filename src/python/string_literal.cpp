#include "python/string_literal.hpp"

#include "util/strings.hpp"

#include <vector>

namespace miglint::python {

namespace {

// Reads exactly `count` hex digits at body[i]; -1 if they are not all there.
long long read_hex(std::string_view body, std::size_t i, std::size_t count)
{
  if (i + count > body.size()) {
    return -1;
  }
  long long value = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const int digit = util::hex_digit_value(body[i + k]);
    if (digit < 0) {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

} // namespace

StringLiteral split_string_token(std::string_view source, Span token)
{
  StringLiteral out;
  std::uint32_t p = token.begin;
  while (p < token.end && source[p] != '"' && source[p] != '\'') {
    const char c = static_cast<char>(source[p] | 0x20);
    out.raw |= c == 'r';
    out.bytes |= c == 'b';
    out.format |= c == 'f';
    ++p;
  }
  const std::uint32_t quote_len =
    token.end - p >= 6 && source[p + 1] == source[p] && source[p + 2] == source[p] ? 3 : 1;
  out.triple = quote_len == 3;
  out.body = {p + quote_len, token.end - quote_len};
  return out;
}

void append_utf8(std::uint32_t cp, std::string& out)
{
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = 0xFFFD;
  }
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void decode_string_body(std::string_view body, bool raw, bool bytes, std::string& out)
{
  out.reserve(out.size() + body.size());
  std::size_t i = 0;
  const std::size_t n = body.size();
  while (i < n) {
    // Copy the bytes up to the next backslash or carriage return in one go.
    std::size_t run = i;
    while (run < n && body[run] != '\\' && body[run] != '\r') {
      ++run;
    }
    out.append(body.data() + i, run - i);
    i = run;
    if (i >= n) {
      break;
    }
    const char c = body[i];
    if (c == '\r') {
      out.push_back('\n');
      i += (i + 1 < n && body[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c != '\\' || i + 1 >= n) {
      out.push_back(c);
      ++i;
      continue;
    }
    const char e = body[i + 1];
    if (raw) {
      // Raw strings keep the backslash, but the line ending after it is still normalized.
      out.push_back('\\');
      ++i;
      continue;
    }
    i += 2;
    switch (e) {
    case '\n': break;
    case '\r':
      if (i < n && body[i] == '\n') {
        ++i;
      }
      break;
    case '\\': out.push_back('\\'); break;
    case '\'': out.push_back('\''); break;
    case '"': out.push_back('"'); break;
    case 'a': out.push_back('\a'); break;
    case 'b': out.push_back('\b'); break;
    case 'f': out.push_back('\f'); break;
    case 'n': out.push_back('\n'); break;
    case 'r': out.push_back('\r'); break;
    case 't': out.push_back('\t'); break;
    case 'v': out.push_back('\v'); break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      std::uint32_t value = static_cast<std::uint32_t>(e - '0');
      for (int k = 0; k < 2 && i < n && body[i] >= '0' && body[i] <= '7'; ++k, ++i) {
        value = value * 8 + static_cast<std::uint32_t>(body[i] - '0');
      }
      if (bytes) {
        out.push_back(static_cast<char>(value & 0xFF));
      } else {
        append_utf8(value, out);
      }
      break;
    }
    case 'x': {
      const long long value = read_hex(body, i, 2);
      if (value < 0) {
        out.append("\\x");
        break;
      }
      i += 2;
      if (bytes) {
        out.push_back(static_cast<char>(value));
      } else {
        append_utf8(static_cast<std::uint32_t>(value), out);
      }
      break;
    }
    case 'u':
    case 'U': {
      const std::size_t count = e == 'u' ? 4 : 8;
      const long long value = bytes ? -1 : read_hex(body, i, count);
      if (value < 0) {
        out.push_back('\\');
        out.push_back(e);
        break;
      }
      i += count;
      append_utf8(static_cast<std::uint32_t>(value), out);
      break;
    }
    default:
      // \N{...} and unknown escapes stay as written (Python keeps unknown ones too).
      out.push_back('\\');
      out.push_back(e);
      break;
    }
  }
}

namespace {

bool has_prefix_letter(std::string_view prefix, char letter)
{
  for (char c : prefix) {
    if ((c | 0x20) == letter) {
      return true;
    }
  }
  return false;
}

bool ident_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Nested replacement fields deeper than this are refused (CPython also bounds them).
constexpr std::size_t k_max_field_nesting = 64;

} // namespace

StringScan scan_string_literal(std::string_view src, std::string_view prefix, std::uint32_t quote,
                               std::uint32_t limit)
{
  StringScan out;
  const char q = src[quote];
  const bool triple = quote + 2 < limit && src[quote + 1] == q && src[quote + 2] == q;
  const bool format = has_prefix_letter(prefix, 'f');
  std::uint32_t p = quote + (triple ? 3 : 1);
  // Open replacement fields, innermost last: brackets open inside the expression, or -1
  // once its `:` format spec started (literal text again, until the field's `}`).
  std::vector<int> fields;
  auto newline = [&](std::uint32_t i) { return src[i] == '\n' || src[i] == '\r'; };
  while (true) {
    if (p >= limit) {
      out.end = limit;
      out.error = triple ? "unterminated triple-quoted string literal" : "unterminated string literal";
      return out;
    }
    const char c = src[p];
    const bool literal = fields.empty() || fields.back() < 0;
    if (literal) {
      if (c == '\\') {
        p += (p + 2 < limit && src[p + 1] == '\r' && src[p + 2] == '\n') ? 3 : 2;
        continue;
      }
      if (c == q && (!triple || (p + 2 < limit && src[p + 1] == q && src[p + 2] == q))) {
        out.end = p + (triple ? 3 : 1);
        return out;
      }
      if (newline(p) && !triple && fields.empty()) {
        out.end = p;
        out.error = "unterminated string literal";
        return out;
      }
      if (format && c == '{') {
        if (fields.empty() && p + 1 < limit && src[p + 1] == '{') {
          p += 2;
          continue;
        }
        if (fields.size() >= k_max_field_nesting) {
          out.end = p;
          out.error = "f-string: expressions nested too deeply";
          return out;
        }
        fields.push_back(0);
      } else if (format && c == '}' && !fields.empty()) {
        fields.pop_back(); // the end of a format spec ends its field
      }
      ++p;
      continue;
    }
    // Inside a replacement field's expression.
    int& brackets = fields.back();
    if (c == '\'' || c == '"') {
      std::uint32_t word = p;
      while (word > 0 && ident_char(src[word - 1]) && p - word < 2) {
        --word;
      }
      StringScan inner = scan_string_literal(src, src.substr(word, p - word), p, limit);
      if (!inner.error.empty()) {
        return inner;
      }
      p = inner.end;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++brackets;
    } else if ((c == ')' || c == ']' || c == '}') && brackets > 0) {
      --brackets;
    } else if (c == '}') {
      fields.pop_back();
    } else if (c == ':' && brackets == 0) {
      brackets = -1;
    } else if (c == '!' && brackets == 0 && p + 1 < limit && src[p + 1] == '=') {
      ++p;
    }
    ++p;
  }
}

} // namespace miglint::python
