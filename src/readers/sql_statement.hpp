// Naming of one SQL statement for lint: its leading keywords ("CREATE TABLE",
// "ALTER TABLE ADD COLUMN", "INSERT") and the table it acts on. Used by the SQL reader.
#pragma once

#include <string>
#include <vector>

namespace miglint::readers::sql {

// A significant token of a statement, as far as naming needs it. Strings, numbers and
// operators are `other`; `text` is the unquoted identifier or the punctuation character.
struct Token {
  enum class Kind { word, quoted_name, punct, other };
  Kind kind = Kind::other;
  std::string text;
};

struct StatementName {
  std::string name;   // upper-cased leading keywords; "" for an empty token list
  std::string target; // unquoted table (or view/index) name, last part of a dotted name
};

// Names a statement from its first significant tokens (enough of them to reach the
// table name: callers keep about the first 64). For `WITH ... INSERT ...`, pass the
// tokens starting at the first top-level data keyword instead.
StatementName name_statement(const std::vector<Token>& tokens);

} // namespace miglint::readers::sql
