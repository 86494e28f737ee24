// The byte scan behind ReadMode::links: finds a module's top-level logical lines without
// tokenizing, so that only the few module-level statements reach the parser. It tracks
// exactly what decides where a logical line ends (strings of every quoting, comments,
// brackets and backslash continuations) and gives up on anything else it cannot vouch
// for; the reader then parses the whole file.
//
//     """doc"""                  simple statement: parsed
//     revision = 'abc'           simple statement: parsed
//     def upgrade():             def/class: skipped with its block
//         op.execute("""
//     revision = 'not me'        inside a string inside the block: skipped
//     """)
#include "readers/alembic_module.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace miglint::readers::alembic {

namespace {

// Bytes that can end a logical line or change how the following bytes are read.
constexpr std::string_view k_special_bytes = "\"'#\\()[]{}\n\r";
constexpr std::array<bool, 256> k_special = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : k_special_bytes) {
    table[c] = true;
  }
  return table;
}();

// Finds the special bytes of a text 64 at a time: one pass turns a block into a bit mask
// (SSE2 where there is SSE2), then each lookup is a count of trailing zeros. A function
// body has a special byte every nine bytes or so, and a byte loop that stops at each one
// costs a mispredicted branch every time; this is the hottest path of `heads`.
class SpecialBytes {
public:
  explicit SpecialBytes(std::string_view text)
    : m_bytes(reinterpret_cast<const unsigned char*>(text.data())), m_size(text.size())
  {
  }

  // The first special byte at or after `pos`, or the size of the text.
  std::size_t next(std::size_t pos)
  {
    while (pos < m_size) {
      const std::size_t block = pos & ~std::size_t{63};
      if (block != m_block) {
        m_block = block;
        m_mask = classify(block);
      }
      if (const std::uint64_t rest = m_mask >> (pos - block); rest != 0) {
        return pos + static_cast<std::size_t>(std::countr_zero(rest));
      }
      pos = block + 64;
    }
    return m_size;
  }

private:
  // Bit i: whether byte block + i is special.
  std::uint64_t classify(std::size_t block) const
  {
    const unsigned char* p = m_bytes + block;
    std::uint64_t mask = 0;
    if (m_size - block < 64) {
      for (std::size_t i = 0; i < m_size - block; ++i) {
        mask |= std::uint64_t{k_special[p[i]]} << i;
      }
      return mask;
    }
#if defined(__SSE2__)
    for (int part = 0; part < 4; ++part) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
      __m128i hit = _mm_setzero_si128();
      for (const char c : k_special_bytes) {
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
      }
      mask |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(hit))} << (16 * part);
    }
#else
    for (std::size_t i = 0; i < 64; ++i) {
      mask |= std::uint64_t{k_special[p[i]]} << i;
    }
#endif
    return mask;
  }

  const unsigned char* m_bytes;
  std::size_t m_size;
  std::size_t m_block = static_cast<std::size_t>(-1);
  std::uint64_t m_mask = 0;
};

bool is_word_byte(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

enum class LineKind { simple, definition, other_compound };

// How a top-level logical line begins. `def` and `class` statements are skipped with
// their blocks; other compound statements (if, try, with, decorators, ...) are rare in
// revision files and read in full, so that an error in them is reported as in full mode.
LineKind kind_of(std::string_view source, std::size_t at)
{
  if (source[at] == '@') {
    return LineKind::other_compound;
  }
  std::size_t end = at;
  while (end < source.size() && is_word_byte(static_cast<unsigned char>(source[end]))) {
    ++end;
  }
  const std::string_view word = source.substr(at, end - at);
  if (word == "def" || word == "class") {
    return LineKind::definition;
  }
  static constexpr std::string_view k_compound[] = {"if",   "elif", "else",   "for",     "while",
                                                    "with", "try",  "except", "finally", "async"};
  for (std::string_view c : k_compound) {
    if (word == c) {
      return LineKind::other_compound;
    }
  }
  return LineKind::simple;
}

class Scanner {
public:
  explicit Scanner(std::string_view source)
    : m_src(source), m_end(source.size()), m_specials(source)
  {
  }

  TopLevelScan run()
  {
    TopLevelScan out;
    if (m_src.size() > 0xFFFFFFF0u) {
      return out;
    }
    if (m_src.starts_with("\xEF\xBB\xBF")) {
      m_pos = 3;
    }
    bool seen_statement = false;
    bool open_run = false;       // the last top-level statement was simple: extend its range
    bool block_expected = false; // a header ended with `:`: an indented line must follow
    bool in_block = false;       // indented lines belong to the last def/class
    while (true) {
      const std::size_t line_start = m_pos;
      std::size_t indented = line_start;
      while (indented < m_end && (at(indented) == ' ' || at(indented) == '\t')) {
        ++indented;
      }
      m_pos = indented;
      if (m_pos >= m_end) {
        break;
      }
      const unsigned char c = at(m_pos);
      if (c == '#') {
        skip_comment();
        skip_newline();
        continue;
      }
      if (c == '\n' || c == '\r') {
        skip_newline();
        continue;
      }
      if (c == '\f' || c == '\\') {
        return out; // form feeds and continuations at a line start: rare, let the parser judge
      }
      if (m_pos > line_start) {
        // Only the block of a def/class may be indented; what is inside it (including
        // its own indentation) is the parser's business in full mode.
        if (!in_block || !logical_line(false)) {
          return out;
        }
        block_expected = false;
        continue;
      }
      if (block_expected) {
        return out; // `def f():` with nothing indented after it
      }
      const std::size_t first = m_pos;
      const LineKind kind = kind_of(m_src, first);
      if (kind == LineKind::other_compound || !logical_line(true)) {
        return out;
      }
      if (!seen_statement) {
        out.first_is_compound = kind != LineKind::simple;
        seen_statement = true;
      }
      if (kind == LineKind::simple) {
        const auto begin = static_cast<std::uint32_t>(line_start);
        const auto end = static_cast<std::uint32_t>(m_pos);
        if (open_run) {
          out.simple.back().end = end;
        } else {
          out.simple.push_back({begin, end});
        }
        open_run = true;
        in_block = false;
        continue;
      }
      // `def f():` takes an indented block; `def f(): pass` has its body on the line.
      open_run = false;
      block_expected = m_last_significant < m_end && at(m_last_significant) == ':';
      in_block = block_expected;
    }
    if (block_expected) {
      return out;
    }
    out.ok = true;
    return out;
  }

private:
  unsigned char at(std::size_t i) const { return static_cast<unsigned char>(m_src[i]); }

  void skip_comment() { m_pos = comment_end(m_pos); }
  void skip_newline() { m_pos = after_newline(m_pos); }

  // The helpers below take and return positions instead of moving m_pos, and the loops
  // keep theirs in locals: a byte read through the source could alias a member, so a
  // loop that advanced m_pos would store it to memory on every byte.

  // The line ending (or the end) at or after `pos`.
  std::size_t comment_end(std::size_t pos)
  {
    while (true) {
      pos = m_specials.next(pos);
      if (pos >= m_end || at(pos) == '\n' || at(pos) == '\r') {
        return pos;
      }
      ++pos;
    }
  }

  // Just past the line ending at `pos` (\r\n counts as one).
  std::size_t after_newline(std::size_t pos) const
  {
    if (pos < m_end && at(pos) == '\r' && pos + 1 < m_end && at(pos + 1) == '\n') {
      return pos + 2;
    }
    return pos < m_end ? pos + 1 : pos;
  }

  // Reads one logical line from m_pos (its first byte) to just after the newline that
  // ends it (or the end of the file). With `track_last`, sets m_last_significant to its
  // last byte outside comments and whitespace (what tells `def f():` from `def f(): pass`). False
  // when the tokenizer would report an error here or the line is one the scan does not vouch for.
  bool logical_line(bool track_last)
  {
    const std::size_t end = m_end;
    std::size_t pos = m_pos;
    std::size_t depth = 0;
    std::size_t last_significant = end;
    bool ok = true;
    bool ended = false; // by a newline outside brackets
    while (pos < end) {
      // Fast path: ordinary bytes. Whitespace only matters for last_significant.
      const std::size_t run = pos;
      pos = m_specials.next(pos);
      if (track_last && pos > run) {
        std::size_t last = pos;
        while (last > run &&
               (at(last - 1) == ' ' || at(last - 1) == '\t' || at(last - 1) == '\f')) {
          --last;
        }
        if (last > run) {
          last_significant = last - 1;
        }
      }
      if (pos >= end) {
        break;
      }
      const unsigned char c = at(pos);
      if (c == '"' || c == '\'') {
        pos = string_end(pos);
        if (pos == k_error) {
          ok = false;
          break;
        }
        last_significant = pos - 1;
      } else if (c == '#') {
        pos = comment_end(pos);
      } else if (c == '\\') {
        // Only a line continuation is valid outside a string.
        if (pos + 1 >= end || (at(pos + 1) != '\n' && at(pos + 1) != '\r')) {
          ok = false;
          break;
        }
        pos = after_newline(pos + 1);
      } else if (c == '(' || c == '[' || c == '{') {
        if (depth == m_stack.size()) {
          ok = false; // deeper than the tokenizer allows
          break;
        }
        m_stack[depth++] = static_cast<char>(c);
        last_significant = pos++;
      } else if (c == ')' || c == ']' || c == '}') {
        const char open = c == ')' ? '(' : c == ']' ? '[' : '{';
        if (depth == 0 || m_stack[depth - 1] != open) {
          ok = false;
          break;
        }
        --depth;
        last_significant = pos++;
      } else { // '\n' or '\r'
        pos = after_newline(pos);
        if (depth == 0) {
          ended = true;
          break;
        }
      }
    }
    m_pos = pos;
    m_last_significant = last_significant;
    // A bracket left open at the end of the file is an error.
    return ok && (ended || depth == 0);
  }

  static constexpr std::size_t k_error = static_cast<std::size_t>(-1);

  // Just past a string literal that starts with the quote at `pos` (any prefix letters
  // were already passed as ordinary bytes), or k_error, with the tokenizer's rules: a
  // backslash protects the next byte (in raw strings too), a one-quote string ends at a
  // newline with an error.
  std::size_t string_end(std::size_t pos)
  {
    const std::size_t end = m_end;
    const unsigned char q = at(pos);
    const bool triple = pos + 2 < end && at(pos + 1) == q && at(pos + 2) == q;
    std::size_t p = pos + (triple ? 3 : 1);
    if (!triple) {
      // Quotes, backslashes and line endings are all special bytes.
      while ((p = m_specials.next(p)) < end) {
        const unsigned char c = at(p);
        if (c == q) {
          return p + 1;
        }
        if (c == '\\') {
          p += p + 2 < end && at(p + 1) == '\r' && at(p + 2) == '\n' ? 3 : 2;
          continue;
        }
        if (c == '\n' || c == '\r') {
          return k_error;
        }
        ++p;
      }
      return k_error; // unterminated
    }
    const char* base = m_src.data();
    while (p < end) {
      // Docstrings and SQL are long: jump to the next quote or backslash.
      const void* quote = std::memchr(base + p, q, end - p);
      const std::size_t stop = quote ? static_cast<const char*>(quote) - base : end;
      const void* escape = std::memchr(base + p, '\\', stop - p);
      p = escape ? static_cast<const char*>(escape) - base : stop;
      if (p >= end) {
        break;
      }
      if (at(p) == '\\') {
        p += p + 2 < end && at(p + 1) == '\r' && at(p + 2) == '\n' ? 3 : 2;
        continue;
      }
      if (p + 2 < end && at(p + 1) == q && at(p + 2) == q) {
        return p + 3;
      }
      ++p;
    }
    return k_error; // unterminated
  }

  std::string_view m_src;
  std::size_t m_end;
  SpecialBytes m_specials;
  std::size_t m_pos = 0;
  std::size_t m_last_significant = 0;
  std::array<char, 200> m_stack{}; // the tokenizer's bracket limit (k_max_bracket_depth)
};

} // namespace

TopLevelScan scan_top_level(std::string_view source)
{
  return Scanner(source).run();
}

} // namespace miglint::readers::alembic
