// The native SQL revision format: an Alembic-like header comment and dbmate-style
// section markers.
//
//   -- add users table
//   --
//   -- Revision ID: 3f2a9c1b7d4e
//   -- Revises: 9a8b7c6d5e4f
//   -- Create Date: 2026-11-24 14:00:00
//
//   -- migrate:up
//   CREATE TABLE users (id INTEGER PRIMARY KEY);
//
//   -- migrate:down
//   DROP TABLE users;
//
// One forward pass over the bytes: a small lexer (strings, quoted names, comments, and
// PostgreSQL's $tag$ ... $tag$ and E'...' strings) feeds a statement splitter that follows
// sqlite3_complete()'s rule for triggers, so the semicolons of a `BEGIN ... END;` body do
// not end the CREATE TRIGGER. PostgreSQL's trigger has no body (`... EXECUTE FUNCTION
// f();`): a CREATE TRIGGER with no BEGIN before its first semicolon ends there.
#include "readers/reader.hpp"
#include "readers/sql_statement.hpp"
#include "readers/source_encoding.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace miglint::readers {

namespace {

using model::Span;

constexpr std::size_t k_max_name_tokens = 64;

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(char c)
{
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

bool iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix)
{
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// The length of a PostgreSQL dollar-quote opener at `at` (`$$`, `$body$`), else 0. A `$`
// inside a word never gets here: the word lexer takes it, as PostgreSQL's does.
std::size_t dollar_tag_length(std::string_view text, std::size_t at)
{
  if (text[at] != '$') {
    return 0;
  }
  std::size_t i = at + 1;
  const auto tag_char = [&](std::size_t k, bool first) {
    const auto u = static_cast<unsigned char>(text[k]);
    return std::isalpha(u) || text[k] == '_' || u >= 0x80 || (!first && std::isdigit(u));
  };
  while (i < text.size() && tag_char(i, i == at + 1)) {
    ++i;
  }
  return i < text.size() && text[i] == '$' ? i + 1 - at : 0;
}

Span span_of(std::size_t begin, std::size_t end)
{
  return Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

// sqlite3_complete()'s trigger states: inside `CREATE TRIGGER`, only `; END ;`
// (END as the first token after a semicolon) ends the statement, so a
// `CASE ... END` inside the body does not.
enum class TriggerState { start, create, normal, trigger, semi, end };

struct PendingStatement {
  bool active = false;
  std::size_t begin = 0;
  std::size_t end = 0; // one past the last significant byte so far
  TriggerState trigger = TriggerState::start;
  bool trigger_has_body = false; // BEGIN seen inside CREATE TRIGGER
  int depth = 0;
  bool is_with = false;
  bool with_found_dml = false;
  std::vector<readers::sql::Token> tokens;
  std::vector<readers::sql::Token> dml_tokens; // WITH ... <INSERT|UPDATE|...> from there
};

enum class Section { header, up, down };

class SqlReader {
public:
  explicit SqlReader(const std::shared_ptr<const model::SourceFile>& file)
      : m_file(file), m_text(file->text)
  {
    m_rev.format = model::Format::sql;
    m_rev.file = file;
  }

  ReadOutcome run();

private:
  // Lexing.
  void lex();
  bool lex_line_comment();
  bool lex_block_comment();
  bool lex_quoted(char close, readers::sql::Token::Kind kind);
  bool lex_bracket_name();
  bool lex_dollar_quoted(std::size_t tag_length);
  bool lex_escape_string();
  void lex_word();

  // Header.
  void header_comment(Span comment, std::string_view body);
  void header_field(std::string_view body, std::size_t body_offset);
  std::vector<std::string> parse_list(std::string_view value, std::size_t value_offset,
                                      const char* what);

  // Statements and sections.
  void token(std::size_t begin, std::size_t end, readers::sql::Token tok);
  void semicolon(std::size_t at);
  void finish_statement();
  void marker(Span comment, std::string_view rest);
  void close_section();
  bool suppression(Span comment, std::string_view body);

  void error(Span at, std::string message);
  std::uint32_t line_of(std::size_t offset) const
  {
    return model::LineIndex(m_text).position(static_cast<std::uint32_t>(offset)).line;
  }

  std::shared_ptr<const model::SourceFile> m_file;
  const std::string& m_text;
  std::size_t m_pos = 0;
  bool m_line_has_content = false; // a token other than whitespace on the current line
  bool m_failed = false;           // a lexical error: the rest of the file is not read

  model::Revision m_rev;
  ReadOutcome m_out;

  // Doc block: the leading run of `--` lines, with no blank line in between.
  enum class DocState { before, inside, after } m_doc_state = DocState::before;
  int m_newlines_since_doc = 0;
  std::string m_doc;

  bool m_seen_id = false;
  bool m_seen_revises = false;
  Span m_first_id_line;

  Section m_section = Section::header;
  model::Body* m_body = nullptr;
  std::size_t m_body_last_end = 0; // end of the last content in the current section
  Span m_up_marker{};
  Span m_down_marker{};
  bool m_seen_up = false;
  bool m_seen_down = false;
  PendingStatement m_stmt;
  bool m_reported_stray_statement = false;
};

ReadOutcome SqlReader::run()
{
  if (auto problem = sql_encoding_problem(m_text)) {
    error(span_of(problem->offset, problem->offset + 1), std::move(problem->message));
    return std::move(m_out);
  }
  if (m_text.size() > UINT32_MAX) {
    error({}, "file is too large to be a revision");
    return std::move(m_out);
  }
  if (m_text.starts_with("\xEF\xBB\xBF")) {
    m_pos = 3;
  }
  lex();
  if (!m_failed) {
    finish_statement();
    close_section();
  }
  if (m_failed) {
    return std::move(m_out);
  }

  m_rev.has_doc = !m_doc.empty();
  m_rev.doc = std::move(m_doc);
  if (!m_seen_id) {
    const Span at = m_rev.has_doc ? m_rev.doc_span : span_of(m_pos, m_pos);
    error(at, "missing `-- Revision ID:` line in the header comment");
  }
  if (m_seen_id && !m_seen_revises) {
    error(m_first_id_line,
          "missing `-- Revises:` line in the header comment (leave it empty for a base revision)");
  }
  if (!m_seen_up && !m_seen_down && !m_reported_stray_statement) {
    const Span at = m_rev.has_doc ? Span{m_rev.doc_span.end, m_rev.doc_span.end}
                                  : span_of(m_text.size(), m_text.size());
    error(at, "no `-- migrate:up` marker: the upgrade statements go after a `-- migrate:up` "
              "line");
  }
  if (m_out.diagnostics.empty()) {
    m_out.revision = std::move(m_rev);
  }
  return std::move(m_out);
}

void SqlReader::error(Span at, std::string message)
{
  m_out.diagnostics.push_back(unparsable(m_file, at, std::move(message)));
}

void SqlReader::lex()
{
  const std::size_t n = m_text.size();
  while (m_pos < n && !m_failed) {
    const char c = m_text[m_pos];
    if (c == '\n') {
      m_line_has_content = false;
      ++m_newlines_since_doc;
      ++m_pos;
    } else if (is_blank(c)) {
      ++m_pos;
    } else if (c == '-' && m_pos + 1 < n && m_text[m_pos + 1] == '-') {
      lex_line_comment();
    } else if (c == '/' && m_pos + 1 < n && m_text[m_pos + 1] == '*') {
      lex_block_comment();
    } else if (c == '\'') {
      lex_quoted('\'', readers::sql::Token::Kind::other);
    } else if (c == '"') {
      lex_quoted('"', readers::sql::Token::Kind::quoted_name);
    } else if (c == '`') {
      lex_quoted('`', readers::sql::Token::Kind::quoted_name);
    } else if (c == '[') {
      lex_bracket_name();
    } else if (const std::size_t tag = dollar_tag_length(m_text, m_pos); tag != 0) {
      lex_dollar_quoted(tag);
    } else if ((c == 'E' || c == 'e') && m_pos + 1 < n && m_text[m_pos + 1] == '\'') {
      lex_escape_string();
    } else if (is_word_char(c)) {
      lex_word();
    } else if (c == ';') {
      semicolon(m_pos);
      ++m_pos;
      m_line_has_content = true;
    } else {
      token(m_pos, m_pos + 1,
            readers::sql::Token{readers::sql::Token::Kind::punct, std::string(1, c)});
      ++m_pos;
    }
  }
}

bool SqlReader::lex_line_comment()
{
  const std::size_t begin = m_pos;
  std::size_t end = m_text.find('\n', begin);
  if (end == std::string::npos) {
    end = m_text.size();
  }
  m_pos = end;
  std::size_t visible_end = end;
  while (visible_end > begin && m_text[visible_end - 1] == '\r') {
    --visible_end;
  }
  const Span comment = span_of(begin, visible_end);
  const std::string_view body(m_text.data() + begin + 2, visible_end - begin - 2);
  const bool own_line = !m_line_has_content;
  m_line_has_content = true;

  const std::string_view trimmed = util::strip(body);
  // dbmate's `^--\s*migrate:up`; "-- migrate: ..." with a space is prose, not a marker.
  if (own_line && istarts_with(trimmed, "migrate:") && trimmed.size() > 8 &&
      !is_blank(trimmed[8])) {
    marker(comment, trimmed.substr(8));
    return true;
  }
  if (suppression(comment, trimmed)) {
    return true;
  }
  if (m_section == Section::header && own_line && !m_stmt.active) {
    header_comment(comment, body);
  }
  return true;
}

bool SqlReader::lex_block_comment()
{
  const std::size_t begin = m_pos;
  const std::size_t close = m_text.find("*/", begin + 2);
  if (close == std::string::npos) {
    error(span_of(begin, begin + 2), "unterminated block comment: `/*` without a closing `*/`");
    m_failed = true;
    return false;
  }
  m_pos = close + 2;
  m_line_has_content = true;
  m_doc_state = DocState::after;
  return true;
}

bool SqlReader::lex_quoted(char close, readers::sql::Token::Kind kind)
{
  // '...' strings and "..." / `...` names; a doubled quote is an escaped quote.
  const std::size_t begin = m_pos;
  std::string value;
  std::size_t i = begin + 1;
  for (;;) {
    const std::size_t found = m_text.find(close, i);
    if (found == std::string::npos) {
      const char* what = close == '\'' ? "string literal" : "quoted name";
      error(span_of(begin, begin + 1),
            std::string("unterminated ") + what + ": " + close + " without a closing " + close);
      m_failed = true;
      return false;
    }
    value.append(m_text, i, found - i);
    if (found + 1 < m_text.size() && m_text[found + 1] == close) {
      value.push_back(close);
      i = found + 2;
      continue;
    }
    m_pos = found + 1;
    break;
  }
  if (kind == readers::sql::Token::Kind::other) {
    value.clear(); // string contents never name anything
  }
  token(begin, m_pos, readers::sql::Token{kind, std::move(value)});
  return true;
}

bool SqlReader::lex_bracket_name()
{
  // SQLite accepts [name]; a `[` with no `]` on its line is treated as punctuation.
  const std::size_t begin = m_pos;
  const std::size_t close = m_text.find_first_of("]\n", begin + 1);
  if (close == std::string::npos || m_text[close] != ']') {
    token(begin, begin + 1, readers::sql::Token{readers::sql::Token::Kind::punct, "["});
    ++m_pos;
    return true;
  }
  m_pos = close + 1;
  token(begin, m_pos,
        readers::sql::Token{readers::sql::Token::Kind::quoted_name,
                            m_text.substr(begin + 1, close - begin - 1)});
  return true;
}

bool SqlReader::lex_dollar_quoted(std::size_t tag_length)
{
  // $tag$ ... $tag$: nothing inside is SQL to the splitter (a DO block, a function body).
  const std::size_t begin = m_pos;
  const std::string_view tag(m_text.data() + begin, tag_length);
  const std::size_t close = m_text.find(tag, begin + tag_length);
  if (close == std::string::npos) {
    error(span_of(begin, begin + tag_length), "unterminated dollar-quoted string: " +
                                                  std::string(tag) + " without a closing " +
                                                  std::string(tag));
    m_failed = true;
    return false;
  }
  m_pos = close + tag_length;
  token(begin, m_pos, readers::sql::Token{readers::sql::Token::Kind::other, {}});
  return true;
}

bool SqlReader::lex_escape_string()
{
  // E'it\'s': a backslash escapes the next character, and '' is a quote as elsewhere.
  const std::size_t begin = m_pos;
  for (std::size_t i = begin + 2; i < m_text.size(); ++i) {
    if (m_text[i] == '\\') {
      ++i;
    } else if (m_text[i] == '\'') {
      if (i + 1 < m_text.size() && m_text[i + 1] == '\'') {
        ++i;
        continue;
      }
      m_pos = i + 1;
      token(begin, m_pos, readers::sql::Token{readers::sql::Token::Kind::other, {}});
      return true;
    }
  }
  error(span_of(begin, begin + 2), "unterminated string literal: E' without a closing '");
  m_failed = true;
  return false;
}

void SqlReader::lex_word()
{
  const std::size_t begin = m_pos;
  while (m_pos < m_text.size() && is_word_char(m_text[m_pos])) {
    ++m_pos;
  }
  const bool numeric = std::isdigit(static_cast<unsigned char>(m_text[begin])) != 0;
  token(begin, m_pos,
        readers::sql::Token{numeric ? readers::sql::Token::Kind::other
                                    : readers::sql::Token::Kind::word,
                            m_text.substr(begin, m_pos - begin)});
}

// --- header -------------------------------------------------------------------------

void SqlReader::header_comment(Span comment, std::string_view body)
{
  // The doc block is the first run of comment lines; a blank line or anything else ends it.
  if (m_doc_state == DocState::inside && m_newlines_since_doc > 1) {
    m_doc_state = DocState::after;
  }
  if (m_doc_state != DocState::after) {
    std::string_view line = body;
    if (!line.empty() && line.front() == ' ') {
      line.remove_prefix(1);
    }
    while (!line.empty() && is_blank(line.back())) {
      line.remove_suffix(1);
    }
    if (m_doc_state == DocState::before) {
      m_rev.doc_span.begin = comment.begin;
    } else {
      m_doc.push_back('\n');
    }
    m_doc.append(line);
    m_rev.doc_span.end = comment.end;
    m_doc_state = DocState::inside;
    m_newlines_since_doc = 0;
  }
  header_field(body, comment.begin + 2);
}

void SqlReader::header_field(std::string_view body, std::size_t body_offset)
{
  std::size_t lead = 0;
  while (lead < body.size() && is_blank(body[lead])) {
    ++lead;
  }
  const std::string_view line = body.substr(lead);
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return;
  }
  const std::string_view key = util::strip(line.substr(0, colon));
  // Value and its exact byte range (whitespace trimmed on both sides).
  std::size_t vbegin = body_offset + lead + colon + 1;
  std::size_t vend = body_offset + body.size();
  while (vbegin < vend && is_blank(m_text[vbegin])) {
    ++vbegin;
  }
  while (vend > vbegin && is_blank(m_text[vend - 1])) {
    --vend;
  }
  const std::string_view value(m_text.data() + vbegin, vend - vbegin);
  const Span value_span = span_of(vbegin, vend);
  const Span line_span = span_of(body_offset - 2, body_offset + body.size());

  if (iequals(key, "Revision ID")) {
    if (m_seen_id) {
      error(line_span, "second `-- Revision ID:` line (the first is on line " +
                           std::to_string(line_of(m_first_id_line.begin)) + ")");
      return;
    }
    m_seen_id = true;
    m_first_id_line = line_span;
    if (value.empty()) {
      error(line_span, "empty `-- Revision ID:`: write the revision id after the colon");
      return;
    }
    for (const char c : value) {
      if (c == '@' || c == '-' || c == '+' || c == ',' || is_blank(c)) {
        error(value_span, "revision id '" + std::string(value) + "' contains '" +
                              std::string(1, c) + "', which Alembic does not allow");
        return;
      }
    }
    m_rev.id = std::string(value);
    m_rev.id_span = value_span;
    m_rev.header_id = m_rev.id;
    m_rev.header_id_span = value_span;
  } else if (iequals(key, "Revises")) {
    if (m_seen_revises) {
      error(line_span, "second `-- Revises:` line");
      return;
    }
    m_seen_revises = true;
    std::vector<std::string> parents =
        value == "<base>" ? std::vector<std::string>{} : parse_list(value, vbegin, "Revises");
    m_rev.down_revisions = parents;
    m_rev.down_span = value_span;
    m_rev.header_revises = std::move(parents);
    m_rev.header_revises_span = value_span;
  } else if (iequals(key, "Branch Labels")) {
    m_rev.branch_labels = parse_list(value, vbegin, "Branch Labels");
    m_rev.labels_span = value_span;
  } else if (iequals(key, "Depends On")) {
    m_rev.depends_on = parse_list(value, vbegin, "Depends On");
    m_rev.depends_span = value_span;
  }
}

std::vector<std::string> SqlReader::parse_list(std::string_view value, std::size_t value_offset,
                                               const char* what)
{
  // "a, b" -> {a, b}; empty pieces are dropped; a space inside a piece is a missing comma.
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) {
      comma = value.size();
    }
    std::size_t b = start;
    std::size_t e = comma;
    while (b < e && is_blank(value[b])) {
      ++b;
    }
    while (e > b && is_blank(value[e - 1])) {
      --e;
    }
    const std::string_view item = value.substr(b, e - b);
    if (!item.empty()) {
      for (std::size_t k = 0; k < item.size(); ++k) {
        if (is_blank(item[k])) {
          error(span_of(value_offset + b, value_offset + e),
                std::string("`-- ") + what + ":` entries are separated by commas, not spaces");
          return items;
        }
      }
      items.emplace_back(item);
    }
    start = comma + 1;
  }
  return items;
}

// --- statements and sections --------------------------------------------------------

void SqlReader::token(std::size_t begin, std::size_t end, readers::sql::Token tok)
{
  using readers::sql::Token;
  m_line_has_content = true;
  if (m_doc_state != DocState::after) {
    m_doc_state = DocState::after;
  }
  PendingStatement& s = m_stmt;
  if (!s.active) {
    s = PendingStatement{};
    s.active = true;
    s.begin = begin;
    if (m_section == Section::header && !m_reported_stray_statement) {
      m_reported_stray_statement = true;
      error(span_of(begin, end),
            m_seen_down ? "statement in no section: `-- migrate:down` must follow `-- migrate:up`"
                        : "statement before `-- migrate:up`: every statement belongs to a "
                          "`-- migrate:up` or `-- migrate:down` section");
    }
  }
  s.end = end;

  const bool word = tok.kind == Token::Kind::word;
  const std::string upper = word ? [&] {
    std::string u = tok.text;
    for (char& c : u) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return u;
  }()
                                 : std::string();

  switch (s.trigger) {
  case TriggerState::start:
    s.trigger = upper == "CREATE" ? TriggerState::create : TriggerState::normal;
    s.is_with = upper == "WITH";
    break;
  case TriggerState::create:
    if (upper == "TRIGGER") {
      s.trigger = TriggerState::trigger;
    } else if (upper != "TEMP" && upper != "TEMPORARY") {
      s.trigger = TriggerState::normal;
    }
    break;
  case TriggerState::semi:
    s.trigger = upper == "END" ? TriggerState::end : TriggerState::trigger;
    break;
  case TriggerState::end:
    s.trigger = TriggerState::trigger;
    break;
  case TriggerState::trigger:
    s.trigger_has_body = s.trigger_has_body || upper == "BEGIN";
    break;
  case TriggerState::normal:
    break;
  }

  if (tok.kind == Token::Kind::punct && tok.text == "(") {
    ++s.depth;
  } else if (tok.kind == Token::Kind::punct && tok.text == ")") {
    --s.depth;
  }
  if (s.is_with && !s.with_found_dml && s.depth == 0 &&
      (upper == "INSERT" || upper == "REPLACE" || upper == "UPDATE" || upper == "DELETE" ||
       upper == "SELECT")) {
    s.with_found_dml = true;
  }
  if (s.with_found_dml && s.dml_tokens.size() < k_max_name_tokens) {
    s.dml_tokens.push_back(tok);
  }
  if (s.tokens.size() < k_max_name_tokens) {
    s.tokens.push_back(std::move(tok));
  }
}

void SqlReader::semicolon(std::size_t at)
{
  PendingStatement& s = m_stmt;
  if (!s.active) {
    return; // an empty statement: `;;`
  }
  s.end = at + 1;
  if (s.trigger == TriggerState::trigger && s.trigger_has_body) {
    s.trigger = TriggerState::semi;
    return;
  }
  if (s.trigger == TriggerState::semi) {
    return; // `; ;` inside a trigger body
  }
  finish_statement();
}

void SqlReader::finish_statement()
{
  PendingStatement& s = m_stmt;
  if (!s.active) {
    return;
  }
  s.active = false;
  if ((s.trigger == TriggerState::trigger && s.trigger_has_body) ||
      s.trigger == TriggerState::semi) {
    // Reached a marker or the end of the file inside `BEGIN ...`.
    error(span_of(s.begin, s.end), "CREATE TRIGGER is not closed: its body must end with `END;`");
  }
  if (m_body == nullptr) {
    return;
  }
  const auto named = readers::sql::name_statement(s.with_found_dml ? s.dml_tokens : s.tokens);
  model::Step step;
  step.name = named.name;
  step.target = named.target;
  step.text = m_text.substr(s.begin, s.end - s.begin);
  step.span = span_of(s.begin, s.end);
  if (m_body->steps.empty()) {
    m_body->body_span.begin = step.span.begin;
  }
  m_body->body_span.end = step.span.end;
  m_body->steps.push_back(std::move(step));
  m_body_last_end = s.end;
}

void SqlReader::marker(Span comment, std::string_view rest)
{
  // rest: what follows "migrate:", e.g. "up", "down", "up transaction:false".
  std::size_t word_end = 0;
  while (word_end < rest.size() && !is_blank(rest[word_end])) {
    ++word_end;
  }
  const std::string_view which = rest.substr(0, word_end);
  const bool up = iequals(which, "up");
  const bool down = iequals(which, "down");
  if (!up && !down) {
    error(comment, "unknown section marker `-- migrate:" + std::string(which) +
                       "`: expected `-- migrate:up` or `-- migrate:down`");
    return;
  }
  finish_statement();
  if (up && m_seen_up) {
    error(comment, "second `-- migrate:up` marker (the first is on line " +
                       std::to_string(line_of(m_up_marker.begin)) + ")");
    return;
  }
  if (down && m_seen_down) {
    error(comment, "second `-- migrate:down` marker (the first is on line " +
                       std::to_string(line_of(m_down_marker.begin)) + ")");
    return;
  }
  if (down && !m_seen_up) {
    error(comment, "`-- migrate:down` comes before `-- migrate:up`: put the upgrade section first");
    m_seen_down = true;
    m_down_marker = comment;
    m_reported_stray_statement = true; // its statements are covered by this error
    return;
  }
  if (up && m_seen_down) {
    return; // already reported at the down marker
  }
  close_section();
  std::optional<model::Body>& slot = up ? m_rev.upgrade : m_rev.downgrade;
  slot.emplace();
  m_body = &*slot;
  m_body->span = comment;
  m_body->name_span = comment;
  m_body->body_span = Span{comment.end, comment.end};
  m_body_last_end = comment.end;
  m_section = up ? Section::up : Section::down;
  (up ? m_seen_up : m_seen_down) = true;
  (up ? m_up_marker : m_down_marker) = comment;
}

void SqlReader::close_section()
{
  if (m_body == nullptr) {
    return;
  }
  m_body->span.end = static_cast<std::uint32_t>(m_body_last_end);
  m_body->does_nothing = m_body->steps.empty();
  m_body = nullptr;
}

bool SqlReader::suppression(Span comment, std::string_view body)
{
  // `-- miglint: ignore[MG101, undescriptive-message] reason`
  if (!istarts_with(body, "miglint:")) {
    return false;
  }
  std::string_view rest = util::strip(body.substr(8));
  if (!istarts_with(rest, "ignore[")) {
    return false;
  }
  rest.remove_prefix(7);
  const std::size_t close = rest.find(']');
  if (close == std::string_view::npos) {
    return false;
  }
  model::Suppression sup;
  for (const std::string& rule : util::split(rest.substr(0, close), ',')) {
    const std::string_view r = util::strip(rule);
    if (!r.empty()) {
      sup.rules.emplace_back(r);
    }
  }
  sup.reason = std::string(util::strip(rest.substr(close + 1)));
  sup.span = comment;
  sup.file_level = m_section == Section::header;
  if (m_section == Section::header && m_doc_state == DocState::inside) {
    m_newlines_since_doc = 0; // a suppression line does not split the doc block
  }
  m_rev.suppressions.push_back(std::move(sup));
  if (m_body != nullptr) {
    m_body_last_end = comment.end;
  }
  return true;
}

} // namespace

ReadOutcome read_sql(const std::shared_ptr<const model::SourceFile>& file)
{
  if (!file) {
    return {};
  }
  return SqlReader(file).run();
}

} // namespace miglint::readers
