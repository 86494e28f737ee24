#include "sqlite/sql_text.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace miglint::sqlite {

namespace {

enum class TokenKind { word, string, number, punct };

struct Token {
  TokenKind kind;
  std::string text; // already canonical: words lower-cased, identifiers unquoted
  std::size_t offset; // where the token starts in the source
};

bool is_identifier_start(char c)
{
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_identifier_char(char c)
{
  return is_identifier_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
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
  bool plain = !name.empty() && is_identifier_start(name.front());
  for (char c : name) {
    plain = plain && is_identifier_char(c);
  }
  if (plain) {
    return lower(name);
  }
  return double_quoted(name);
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
    } else if (is_identifier_start(c)) {
      std::size_t j = i;
      while (j < n && is_identifier_char(sql[j])) {
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

std::string single_quoted(std::string_view text)
{
  return util::sql_string_literal(text);
}

std::string double_quoted(std::string_view name)
{
  return util::sql_quoted_identifier(name);
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

namespace {

// `name` as written in a column list: unquoted and lower-cased ("\"User Id\"" -> user id).
std::string plain_name(const Token& token)
{
  std::string text = token.text;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  return lower(text);
}

// `ON CONFLICT <x>` at `k`: the algorithm lower-cased ("" for ABORT, the default), moving `k`
// past the clause; "" and `k` unchanged when there is none.
std::string conflict_clause(const std::vector<Token>& tokens, std::size_t& k, std::size_t end)
{
  if (k + 2 < end && is(tokens[k], "on") && is(tokens[k + 1], "conflict")) {
    std::string algorithm = tokens[k + 2].text;
    k += 3;
    return algorithm == "abort" ? std::string() : algorithm;
  }
  return {};
}

// The first term of each comma-separated item in the parentheses at `open`:
// `(a DESC, "B" COLLATE nocase)` -> a, b. `k` moves past the `)`.
std::vector<std::string> column_names_at(const std::vector<Token>& tokens, std::size_t& k,
                                         std::size_t end)
{
  std::vector<std::string> names;
  if (k >= end || !is(tokens[k], "(")) {
    return names;
  }
  const std::size_t close = std::min(matching_paren(tokens, k), end);
  bool expect_name = true;
  for (std::size_t j = k + 1; j + 1 < close; ++j) {
    if (is(tokens[j], ",")) {
      expect_name = true;
    } else if (expect_name) {
      names.push_back(plain_name(tokens[j]));
      expect_name = false;
    }
  }
  k = close;
  return names;
}

// DEFERRABLE clause of the foreign key whose REFERENCES is at `references`, up to `end` or
// the next REFERENCES.
std::string deferrable_clause(const std::vector<Token>& tokens, std::size_t references,
                              std::size_t end)
{
  int depth = 0;
  for (std::size_t k = references + 1; k < end; ++k) {
    if (is(tokens[k], "(")) {
      ++depth;
    } else if (is(tokens[k], ")")) {
      --depth;
    } else if (depth == 0 && is(tokens[k], "references")) {
      break;
    } else if (depth == 0 && is(tokens[k], "deferrable")) {
      if (is(tokens[k - 1], "not")) {
        return {};
      }
      const bool deferred =
          k + 2 < end && is(tokens[k + 1], "initially") && is(tokens[k + 2], "deferred");
      return deferred ? "deferrable initially deferred" : "deferrable initially immediate";
    }
  }
  return {};
}

bool starts_table_constraint(const Token& token)
{
  return is(token, "constraint") || is(token, "primary") || is(token, "unique") ||
         is(token, "check") || is(token, "foreign");
}

// One column definition, tokens [begin, end) at depth 0 of the column list.
void parse_column_definition(const std::vector<Token>& tokens, std::size_t begin,
                             std::size_t end, TableClauses& clauses)
{
  ColumnClause column;
  column.name = plain_name(tokens[begin]);
  std::string pending_name;
  for (std::size_t k = begin + 1; k < end; ++k) {
    const Token& t = tokens[k];
    if (is(t, "(")) {
      k = matching_paren(tokens, k) - 1; // a type's size or a DEFAULT (...) expression
    } else if (is(t, "constraint") && k + 1 < end) {
      pending_name = tokens[++k].text;
    } else if (is(t, "collate") && k + 1 < end) {
      column.collation = plain_name(tokens[++k]);
      if (column.collation == "binary") {
        column.collation.clear();
      }
    } else if (is(t, "as") && k + 1 < end && is(tokens[k + 1], "(")) {
      const std::size_t close = matching_paren(tokens, k + 1);
      column.generated = join(tokens, k + 2, close - 1);
      k = close - 1;
    } else if (is(t, "not") && k + 1 < end && is(tokens[k + 1], "null")) {
      k += 2;
      column.not_null_conflict = conflict_clause(tokens, k, end);
      --k;
    } else if (is(t, "primary") && k + 1 < end && is(tokens[k + 1], "key")) {
      k += 2;
      if (k < end && (is(tokens[k], "asc") || is(tokens[k], "desc"))) {
        ++k;
      }
      clauses.keys.push_back({'p', {column.name}, conflict_clause(tokens, k, end), {}});
      if (k < end && is(tokens[k], "autoincrement")) {
        clauses.autoincrement = true;
        ++k;
      }
      --k;
    } else if (is(t, "unique")) {
      ++k;
      clauses.keys.push_back({'u', {column.name}, conflict_clause(tokens, k, end), {}});
      --k;
    } else if (is(t, "references")) {
      clauses.keys.push_back({'f', {column.name}, {}, deferrable_clause(tokens, k, end)});
    } else if (is(t, "check") && k + 1 < end && is(tokens[k + 1], "(")) {
      const std::size_t close = matching_paren(tokens, k + 1);
      clauses.checks.push_back({pending_name, join(tokens, k + 2, close - 1)});
      pending_name.clear();
      k = close - 1;
    }
  }
  clauses.columns.push_back(std::move(column));
}

// One table constraint, tokens [begin, end).
void parse_table_constraint(const std::vector<Token>& tokens, std::size_t begin,
                            std::size_t end, TableClauses& clauses)
{
  std::string name;
  std::size_t k = begin;
  if (is(tokens[k], "constraint") && k + 1 < end) {
    name = tokens[k + 1].text;
    k += 2;
  }
  if (k >= end) {
    return;
  }
  if (is(tokens[k], "check") && k + 1 < end && is(tokens[k + 1], "(")) {
    const std::size_t close = matching_paren(tokens, k + 1);
    clauses.checks.push_back({name, join(tokens, k + 2, close - 1)});
  } else if (is(tokens[k], "primary") || is(tokens[k], "unique")) {
    const char kind = is(tokens[k], "primary") ? 'p' : 'u';
    k += kind == 'p' ? 2 : 1;
    std::vector<std::string> columns = column_names_at(tokens, k, end);
    clauses.keys.push_back({kind, std::move(columns), conflict_clause(tokens, k, end), {}});
  } else if (is(tokens[k], "foreign")) {
    k += 2;
    std::vector<std::string> columns = column_names_at(tokens, k, end);
    clauses.keys.push_back({'f', std::move(columns), {}, deferrable_clause(tokens, k, end)});
  }
}

} // namespace

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

  // The column list, split at its top-level commas.
  int depth = 0;
  std::size_t item = open + 1;
  for (std::size_t k = open + 1; k < close; ++k) {
    const bool last = k + 1 == close;
    if (is(tokens[k], "(")) {
      ++depth;
    } else if (is(tokens[k], ")") && !last) {
      --depth;
    } else if ((depth == 0 && is(tokens[k], ",")) || last) {
      if (item < k) {
        // Table constraints are bare keywords; a quoted "unique" is a column name.
        const Token& first = tokens[item];
        const bool bare = is_identifier_start(create_table_sql[first.offset]);
        if (bare && starts_table_constraint(first)) {
          parse_table_constraint(tokens, item, k, clauses);
        } else {
          parse_column_definition(tokens, item, k, clauses);
        }
      }
      item = k + 1;
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
                             is_identifier_start(create_table_sql[next.offset]);
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
