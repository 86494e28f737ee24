#include "sqlite/sql_text.hpp"

#include <cctype>

namespace miglint::sqlite {

namespace {

enum class TokenKind { word, string, number, punct };

struct Token {
  TokenKind kind;
  std::string text; // already canonical: words lower-cased, identifiers unquoted
  std::size_t offset; // where the token starts in the source
};

bool is_word_start(char c)
{
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_word_char(char c)
{
  return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

std::string lower(std::string_view text)
{
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A quoted identifier that needs no quotes is written bare, so `"users"` == `users`.
std::string canonical_identifier(const std::string& name)
{
  bool plain = !name.empty() && is_word_start(name.front());
  for (char c : name) {
    plain = plain && is_word_char(c);
  }
  if (plain) {
    return lower(name);
  }
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::vector<Token> tokenize(std::string_view sql)
{
  std::vector<Token> tokens;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') {
        ++i;
      }
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
    } else if (c == '\'') {
      // 'it''s': a doubled quote continues the literal.
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '\'' && j + 1 < n && sql[j + 1] == '\'') {
          j += 2;
        } else if (sql[j] == '\'') {
          ++j;
          break;
        } else {
          ++j;
        }
      }
      tokens.push_back({TokenKind::string, std::string(sql.substr(i, j - i)), i});
      i = j;
    } else if (c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      std::string name;
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == close && close != ']' && j + 1 < n && sql[j + 1] == close) {
          name += close;
          j += 2;
        } else if (sql[j] == close) {
          ++j;
          break;
        } else {
          name += sql[j++];
        }
      }
      tokens.push_back({TokenKind::word, canonical_identifier(name), i});
      i = j;
    } else if (is_word_start(c)) {
      std::size_t j = i;
      while (j < n && is_word_char(sql[j])) {
        ++j;
      }
      // X'0A' is a blob literal, not the word x.
      if (j == i + 1 && (c == 'x' || c == 'X') && j < n && sql[j] == '\'') {
        const std::size_t end = sql.find('\'', j + 1);
        const std::size_t stop = end == std::string_view::npos ? n : end + 1;
        std::string blob = "x";
        blob.append(sql.substr(j, stop - j));
        tokens.push_back({TokenKind::string, std::move(blob), i});
        i = stop;
        continue;
      }
      tokens.push_back({TokenKind::word, lower(sql.substr(i, j - i)), i});
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      std::size_t j = i;
      while (j < n &&
             (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '.' ||
              ((sql[j] == '+' || sql[j] == '-') && (sql[j - 1] == 'e' || sql[j - 1] == 'E')))) {
        ++j;
      }
      tokens.push_back({TokenKind::number, lower(sql.substr(i, j - i)), i});
      i = j;
    } else {
      static constexpr std::string_view k_operators[] = {
          "->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"};
      std::size_t len = 1;
      for (std::string_view op : k_operators) {
        if (sql.substr(i, op.size()) == op) {
          len = op.size();
          break;
        }
      }
      tokens.push_back({TokenKind::punct, std::string(sql.substr(i, len)), i});
      i += len;
    }
  }
  return tokens;
}

// Joins tokens with single spaces, except inside `f(x)`, `(a, b)` and `t.c`.
std::string join(const std::vector<Token>& tokens, std::size_t begin, std::size_t end)
{
  std::string out;
  for (std::size_t k = begin; k < end; ++k) {
    const Token& t = tokens[k];
    if (k > begin) {
      const Token& prev = tokens[k - 1];
      const bool glue_left = prev.text == "(" || prev.text == ".";
      const bool glue_right = t.text == ")" || t.text == "," || t.text == "." || t.text == ";" ||
                              (t.text == "(" && prev.kind == TokenKind::word);
      if (!glue_left && !glue_right) {
        out += ' ';
      }
    }
    out += t.text;
  }
  return out;
}

bool is(const Token& t, std::string_view text)
{
  return t.kind != TokenKind::string && t.text == text;
}

// Index just past the `)` matching the `(` at `open`.
std::size_t matching_paren(const std::vector<Token>& tokens, std::size_t open)
{
  int depth = 0;
  for (std::size_t k = open; k < tokens.size(); ++k) {
    if (is(tokens[k], "(")) {
      ++depth;
    } else if (is(tokens[k], ")") && --depth == 0) {
      return k + 1;
    }
  }
  return tokens.size();
}

} // namespace

std::string normalize_sql(std::string_view sql)
{
  std::vector<Token> tokens = tokenize(sql);
  while (!tokens.empty() && is(tokens.back(), ";")) {
    tokens.pop_back();
  }
  return join(tokens, 0, tokens.size());
}

std::string normalize_type(std::string_view type)
{
  std::string out;
  for (char c : type) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  // Spaces next to punctuation carry no meaning: "NUMERIC (10, 2)" == "NUMERIC(10,2)".
  std::string compact;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (out[k] == ' ') {
      const char before = compact.empty() ? '(' : compact.back();
      const char after = k + 1 < out.size() ? out[k + 1] : ')';
      if (before == '(' || before == ',' || after == '(' || after == ')' || after == ',') {
        continue;
      }
    }
    compact += out[k];
  }
  return compact;
}

TableClauses parse_table_clauses(std::string_view create_table_sql)
{
  TableClauses clauses;
  const std::vector<Token> tokens = tokenize(create_table_sql);
  std::size_t open = 0;
  while (open < tokens.size() && !is(tokens[open], "(")) {
    if (is(tokens[open], "as")) {
      return clauses; // CREATE TABLE t AS SELECT ...
    }
    ++open;
  }
  if (open == tokens.size()) {
    return clauses;
  }
  const std::size_t close = matching_paren(tokens, open); // one past the closing ')'

  int depth = 0;
  std::string pending_name;
  for (std::size_t k = open; k + 1 < close; ++k) {
    const Token& t = tokens[k];
    if (is(t, "(")) {
      ++depth;
    } else if (is(t, ")")) {
      --depth;
    } else if (depth == 1 && is(t, ",")) {
      pending_name.clear();
    } else if (depth == 1 && is(t, "constraint") && k + 1 < close) {
      pending_name = tokens[k + 1].text;
    } else if (depth == 1 && is(t, "autoincrement")) {
      clauses.autoincrement = true;
    } else if (depth == 1 && is(t, "check") && k + 1 < close && is(tokens[k + 1], "(")) {
      const std::size_t end = matching_paren(tokens, k + 1);
      clauses.checks.push_back({pending_name, join(tokens, k + 2, end - 1)});
      pending_name.clear();
      k = end - 1;
    }
  }
  for (std::size_t k = close; k < tokens.size(); ++k) {
    if (is(tokens[k], "rowid") && k > 0 && is(tokens[k - 1], "without")) {
      clauses.without_rowid = true;
    } else if (is(tokens[k], "strict")) {
      clauses.strict = true;
    }
  }
  return clauses;
}

std::string index_where(std::string_view create_index_sql)
{
  std::vector<Token> tokens = tokenize(create_index_sql);
  while (!tokens.empty() && is(tokens.back(), ";")) {
    tokens.pop_back();
  }
  int depth = 0;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (is(tokens[k], "(")) {
      ++depth;
    } else if (is(tokens[k], ")")) {
      --depth;
    } else if (depth == 0 && is(tokens[k], "where")) {
      return join(tokens, k + 1, tokens.size());
    }
  }
  return {};
}

std::vector<std::string> index_terms(std::string_view create_index_sql)
{
  std::vector<std::string> terms;
  const std::vector<Token> tokens = tokenize(create_index_sql);
  std::size_t k = 0;
  while (k < tokens.size() && !is(tokens[k], "on")) {
    ++k;
  }
  while (k < tokens.size() && !is(tokens[k], "(")) {
    ++k;
  }
  if (k == tokens.size()) {
    return terms;
  }
  const std::size_t close = matching_paren(tokens, k);
  int depth = 0;
  std::size_t start = k + 1;
  for (std::size_t j = k + 1; j + 1 < close; ++j) {
    if (is(tokens[j], "(")) {
      ++depth;
    } else if (is(tokens[j], ")")) {
      --depth;
    } else if (depth == 0 && is(tokens[j], ",")) {
      terms.push_back(join(tokens, start, j));
      start = j + 1;
    }
  }
  if (close > 0 && start < close - 1) {
    terms.push_back(join(tokens, start, close - 1));
  }
  return terms;
}

} // namespace miglint::sqlite

namespace miglint::sqlite {

std::optional<std::size_t> add_column_offset(std::string_view create_table_sql)
{
  static constexpr std::string_view k_constraint_starts[] = {"constraint", "primary", "unique",
                                                             "check", "foreign"};
  const std::vector<Token> tokens = tokenize(create_table_sql);
  std::size_t open = 0;
  while (open < tokens.size() && !is(tokens[open], "(")) {
    ++open;
  }
  const std::size_t close = matching_paren(tokens, open);
  if (open == tokens.size() || close > tokens.size() || close == 0 || !is(tokens[close - 1], ")")) {
    return std::nullopt;
  }
  int depth = 0;
  for (std::size_t k = open + 1; k + 1 < close; ++k) {
    if (is(tokens[k], "(")) {
      ++depth;
    } else if (is(tokens[k], ")")) {
      --depth;
    } else if (depth == 0 && is(tokens[k], ",")) {
      const Token& next = tokens[k + 1];
      const bool bare_word = next.kind == TokenKind::word &&
                             is_word_start(create_table_sql[next.offset]);
      for (std::string_view start : k_constraint_starts) {
        if (bare_word && next.text == start) {
          return tokens[k].offset;
        }
      }
    }
  }
  return tokens[close - 1].offset;
}

} // namespace miglint::sqlite
