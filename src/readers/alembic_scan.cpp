// The byte scan behind ReadMode::graph: finds a module's top-level logical lines without
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
#include <cstring>

namespace miglint::readers::alembic {

namespace {

// Bytes that can end a logical line or change how the following bytes are read.
constexpr std::array<bool, 256> k_special = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("\"'#\\()[]{}\n\r")) {
    table[c] = true;
  }
  return table;
}();

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
  explicit Scanner(std::string_view source) : m_src(source), m_end(source.size()) {}

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
      while (m_pos < m_end && (at(m_pos) == ' ' || at(m_pos) == '\t')) {
        ++m_pos;
      }
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

  void skip_comment()
  {
    while (m_pos < m_end && at(m_pos) != '\n' && at(m_pos) != '\r') {
      ++m_pos;
    }
  }

  void skip_newline()
  {
    if (m_pos < m_end && at(m_pos) == '\r' && m_pos + 1 < m_end && at(m_pos + 1) == '\n') {
      m_pos += 2;
    } else if (m_pos < m_end) {
      ++m_pos;
    }
  }

  // Reads one logical line from m_pos (its first byte) to just after the newline that
  // ends it (or the end of the file). With `track_last`, sets m_last_significant to its
  // last byte outside comments and whitespace (what tells `def f():` from `def f(): pass`). False
  // when the tokenizer would report an error here or the line is one the scan does not vouch for.
  bool logical_line(bool track_last)
  {
    m_depth = 0;
    m_last_significant = m_end;
    while (m_pos < m_end) {
      // Fast path: ordinary bytes. Whitespace only matters for m_last_significant.
      const std::size_t run = m_pos;
      while (m_pos < m_end && !k_special[at(m_pos)]) {
        ++m_pos;
      }
      if (track_last && m_pos > run) {
        std::size_t last = m_pos;
        while (last > run &&
               (at(last - 1) == ' ' || at(last - 1) == '\t' || at(last - 1) == '\f')) {
          --last;
        }
        if (last > run) {
          m_last_significant = last - 1;
        }
      }
      if (m_pos >= m_end) {
        break;
      }
      const unsigned char c = at(m_pos);
      switch (c) {
      case '"':
      case '\'':
        if (!string()) {
          return false;
        }
        m_last_significant = m_pos - 1;
        break;
      case '#':
        skip_comment();
        break;
      case '\\':
        // Only a line continuation is valid outside a string.
        if (m_pos + 1 >= m_end || (at(m_pos + 1) != '\n' && at(m_pos + 1) != '\r')) {
          return false;
        }
        ++m_pos;
        skip_newline();
        break;
      case '(':
      case '[':
      case '{':
        if (m_depth == m_stack.size()) {
          return false; // deeper than the tokenizer allows
        }
        m_stack[m_depth++] = static_cast<char>(c);
        m_last_significant = m_pos++;
        break;
      case ')':
      case ']':
      case '}': {
        const char open = c == ')' ? '(' : c == ']' ? '[' : '{';
        if (m_depth == 0 || m_stack[m_depth - 1] != open) {
          return false;
        }
        --m_depth;
        m_last_significant = m_pos++;
        break;
      }
      default: // '\n' or '\r'
        skip_newline();
        if (m_depth == 0) {
          return true;
        }
        break;
      }
    }
    return m_depth == 0; // a bracket left open at the end of the file is an error
  }

  // A string literal from its opening quote (any prefix letters were already passed as
  // ordinary bytes), with the tokenizer's rules: a backslash protects the next byte (in
  // raw strings too), a one-quote string ends at a newline with an error.
  bool string()
  {
    const unsigned char q = at(m_pos);
    const bool triple = m_pos + 2 < m_end && at(m_pos + 1) == q && at(m_pos + 2) == q;
    std::size_t p = m_pos + (triple ? 3 : 1);
    while (p < m_end) {
      if (triple) {
        // Docstrings and SQL are long: jump to the next quote or backslash.
        const char* base = m_src.data();
        const void* quote = std::memchr(base + p, q, m_end - p);
        const std::size_t stop = quote ? static_cast<const char*>(quote) - base : m_end;
        const void* escape = std::memchr(base + p, '\\', stop - p);
        p = escape ? static_cast<const char*>(escape) - base : stop;
        if (p >= m_end) {
          break;
        }
      }
      const unsigned char c = at(p);
      if (c == '\\') {
        p += p + 2 < m_end && at(p + 1) == '\r' && at(p + 2) == '\n' ? 3 : 2;
        continue;
      }
      if (c == q) {
        if (!triple) {
          m_pos = p + 1;
          return true;
        }
        if (p + 2 < m_end && at(p + 1) == q && at(p + 2) == q) {
          m_pos = p + 3;
          return true;
        }
      } else if ((c == '\n' || c == '\r') && !triple) {
        return false;
      }
      ++p;
    }
    return false; // unterminated
  }

  std::string_view m_src;
  std::size_t m_end;
  std::size_t m_pos = 0;
  std::size_t m_last_significant = 0;
  std::size_t m_depth = 0;
  std::array<char, 200> m_stack{}; // the tokenizer's bracket limit (k_max_bracket_depth)
};

} // namespace

TopLevelScan scan_top_level(std::string_view source)
{
  return Scanner(source).run();
}

} // namespace miglint::readers::alembic
