#include "readers/sql_statement.hpp"
#include "util/strings.hpp"

#include <cctype>

namespace miglint::readers::sql {

namespace {

class Words {
public:
  explicit Words(const std::vector<Token>& tokens) : m_tokens(tokens) {}

  // The upper-cased keyword at `i`, or "" when it is not a bare word.
  std::string keyword(std::size_t i) const
  {
    if (i >= m_tokens.size() || m_tokens[i].kind != Token::Kind::word) {
      return {};
    }
    return util::to_upper(m_tokens[i].text);
  }

  bool is(std::size_t i, const char* word) const { return keyword(i) == word; }

  // Skips `IF EXISTS` / `IF NOT EXISTS` at `i`.
  std::size_t skip_if_exists(std::size_t i) const
  {
    if (is(i, "IF") && is(i + 1, "NOT") && is(i + 2, "EXISTS")) {
      return i + 3;
    }
    if (is(i, "IF") && is(i + 1, "EXISTS")) {
      return i + 2;
    }
    return i;
  }

  // Reads a possibly dotted name (`main."users"`) at `i`; returns its last part and
  // moves `i` past it.
  std::string name(std::size_t& i) const
  {
    std::string last;
    while (i < m_tokens.size()) {
      const Token& t = m_tokens[i];
      if (t.kind != Token::Kind::word && t.kind != Token::Kind::quoted_name) {
        break;
      }
      last = t.text;
      ++i;
      if (i + 1 < m_tokens.size() && m_tokens[i].kind == Token::Kind::punct &&
          m_tokens[i].text == ".") {
        ++i;
        continue;
      }
      break;
    }
    return last;
  }

  // Index of the first bare `word` at or after `i` outside parentheses, or size().
  std::size_t find_top_level(std::size_t i, const char* word) const
  {
    int depth = 0;
    for (; i < m_tokens.size(); ++i) {
      const Token& t = m_tokens[i];
      if (t.kind == Token::Kind::punct && t.text == "(") {
        ++depth;
      } else if (t.kind == Token::Kind::punct && t.text == ")") {
        --depth;
      } else if (depth == 0 && is(i, word)) {
        return i;
      }
    }
    return m_tokens.size();
  }

private:
  const std::vector<Token>& m_tokens;
};

StatementName name_create(const Words& w)
{
  // CREATE [TEMP|TEMPORARY] [UNIQUE] [VIRTUAL] TABLE|INDEX|VIEW|TRIGGER [IF NOT EXISTS] name
  std::size_t i = 1;
  if (w.is(i, "TEMP") || w.is(i, "TEMPORARY")) {
    ++i;
  }
  std::string name = "CREATE";
  if (w.is(i, "UNIQUE") || w.is(i, "VIRTUAL")) {
    name += " " + w.keyword(i++);
  }
  const std::string object = w.keyword(i);
  if (object.empty()) {
    return {name, {}};
  }
  name += " " + object;
  i = w.skip_if_exists(i + 1);
  std::string target = w.name(i);
  if (object == "INDEX" || object == "TRIGGER") {
    // The table comes after ON: `CREATE INDEX ix ON users (email)`,
    // `CREATE TRIGGER t AFTER UPDATE OF a, b ON users BEGIN ...`.
    std::size_t on = w.find_top_level(i, "ON");
    target = w.name(++on);
  }
  return {name, target};
}

StatementName name_alter(const Words& w)
{
  if (!w.is(1, "TABLE")) {
    return {"ALTER " + w.keyword(1), {}};
  }
  std::size_t i = 2;
  const std::string table = w.name(i);
  const std::string action = w.keyword(i);
  if (action == "RENAME") {
    if (w.is(i + 1, "TO")) {
      return {"ALTER TABLE RENAME TO", table};
    }
    return {"ALTER TABLE RENAME COLUMN", table};
  }
  if (action == "ADD") {
    // `ADD CONSTRAINT` is not SQLite, but name it honestly rather than as a column.
    if (w.is(i + 1, "CONSTRAINT")) {
      return {"ALTER TABLE ADD CONSTRAINT", table};
    }
    return {"ALTER TABLE ADD COLUMN", table};
  }
  if (action == "DROP") {
    if (w.is(i + 1, "CONSTRAINT")) {
      return {"ALTER TABLE DROP CONSTRAINT", table};
    }
    return {"ALTER TABLE DROP COLUMN", table};
  }
  return {"ALTER TABLE", table};
}

} // namespace

StatementName name_statement(const std::vector<Token>& tokens)
{
  const Words w(tokens);
  const std::string first = w.keyword(0);
  if (first.empty()) {
    return {};
  }
  if (first == "CREATE") {
    return name_create(w);
  }
  if (first == "DROP") {
    const std::string object = w.keyword(1);
    std::size_t i = w.skip_if_exists(2);
    return {"DROP " + object, w.name(i)};
  }
  if (first == "ALTER") {
    return name_alter(w);
  }
  if (first == "INSERT" || first == "REPLACE") {
    // INSERT [OR REPLACE|IGNORE|...] INTO t / REPLACE INTO t
    std::size_t i = w.find_top_level(1, "INTO");
    return {"INSERT", w.name(++i)};
  }
  if (first == "UPDATE") {
    std::size_t i = w.is(1, "OR") ? 3 : 1;
    return {"UPDATE", w.name(i)};
  }
  if (first == "DELETE") {
    std::size_t i = w.is(1, "FROM") ? 2 : 1;
    return {"DELETE", w.name(i)};
  }
  return {first, {}};
}

} // namespace miglint::readers::sql
