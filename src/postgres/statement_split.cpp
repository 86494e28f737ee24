#include "postgres/statement_split.hpp"

#include "util/strings.hpp"

#include <cctype>

namespace miglint::postgres {

namespace {

bool is_pg_word_char(char c)
{
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

// Length of a `$tag$` opener at `at`, else 0.
std::size_t pg_dollar_tag(std::string_view sql, std::size_t at)
{
  std::size_t i = at + 1;
  while (i < sql.size()) {
    const auto u = static_cast<unsigned char>(sql[i]);
    const bool tag_char = std::isalpha(u) || sql[i] == '_' || u >= 0x80 ||
                          (i > at + 1 && std::isdigit(u));
    if (!tag_char) {
      break;
    }
    ++i;
  }
  return i < sql.size() && sql[i] == '$' ? i + 1 - at : 0;
}

// The end of the quoted text opened at `at` by `quote` (one past the closing quote, or the
// end of the text); `backslash` for E'...' strings.
std::size_t pg_quoted_end(std::string_view sql, std::size_t at, char quote, bool backslash)
{
  for (std::size_t i = at + 1; i < sql.size(); ++i) {
    if (backslash && sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return sql.size();
}

// `/* ... */`, which nests in PostgreSQL.
std::size_t pg_block_comment_end(std::string_view sql, std::size_t at)
{
  int depth = 0;
  for (std::size_t i = at; i + 1 < sql.size(); ++i) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      ++i;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      ++i;
      if (--depth == 0) {
        return i + 1;
      }
    }
  }
  return sql.size();
}

class PgStatementSplitter {
public:
  explicit PgStatementSplitter(std::string_view sql) : m_sql(sql) {}

  std::vector<std::string_view> run()
  {
    std::size_t i = 0;
    while (i < m_sql.size()) {
      i = step(i);
    }
    finish(m_sql.size());
    return std::move(m_out);
  }

private:
  // Consumes the token at `i` and returns where the next one starts.
  std::size_t step(std::size_t i)
  {
    const char c = m_sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      return i + 1;
    }
    if (c == '-' && i + 1 < m_sql.size() && m_sql[i + 1] == '-') {
      const std::size_t eol = m_sql.find('\n', i);
      return eol == std::string_view::npos ? m_sql.size() : eol + 1;
    }
    if (c == '/' && i + 1 < m_sql.size() && m_sql[i + 1] == '*') {
      return pg_block_comment_end(m_sql, i);
    }
    start(i);
    if (c == ';' && m_parens == 0 && m_blocks == 0) {
      finish(i);
      return i + 1;
    }
    if (c == '(') {
      ++m_parens;
    } else if (c == ')') {
      --m_parens;
    } else if (c == '\'' || c == '"') {
      return pg_quoted_end(m_sql, i, c, false);
    } else if (c == '$') {
      if (const std::size_t tag = pg_dollar_tag(m_sql, i); tag != 0) {
        const std::size_t close = m_sql.find(m_sql.substr(i, tag), i + tag);
        return close == std::string_view::npos ? m_sql.size() : close + tag;
      }
    } else if (is_pg_word_char(c)) {
      std::size_t end = i;
      while (end < m_sql.size() && is_pg_word_char(m_sql[end])) {
        ++end;
      }
      if (end == i + 1 && (c == 'E' || c == 'e') && end < m_sql.size() && m_sql[end] == '\'') {
        return pg_quoted_end(m_sql, end, '\'', true);
      }
      word(util::to_upper(m_sql.substr(i, end - i)));
      return end;
    }
    return i + 1;
  }

  void start(std::size_t i)
  {
    if (!m_open) {
      m_open = true;
      m_begin = i;
      m_words = 0;
      m_create = false;
    }
  }

  // psql counts BEGIN/CASE against END only in CREATE statements: that is where a
  // `BEGIN ATOMIC ... END` body (with its own semicolons) can appear.
  void word(const std::string& upper)
  {
    if (m_words++ == 0) {
      m_create = upper == "CREATE";
    }
    if (!m_create) {
      return;
    }
    if (upper == "BEGIN" || upper == "CASE") {
      ++m_blocks;
    } else if (upper == "END" && m_blocks > 0) {
      --m_blocks;
    }
  }

  void finish(std::size_t end)
  {
    if (m_open) {
      if (auto text = util::strip(m_sql.substr(m_begin, end - m_begin)); !text.empty()) {
        m_out.push_back(text);
      }
    }
    m_open = false;
    m_parens = 0;
    m_blocks = 0;
  }

  std::string_view m_sql;
  std::vector<std::string_view> m_out;
  bool m_open = false;
  std::size_t m_begin = 0;
  int m_parens = 0;
  int m_blocks = 0;
  int m_words = 0;
  bool m_create = false;
};

} // namespace

std::vector<std::string_view> split_statements(std::string_view sql)
{
  return PgStatementSplitter(sql).run();
}

} // namespace miglint::postgres
