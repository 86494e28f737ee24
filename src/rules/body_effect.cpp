#include "rules/body_effect.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace miglint::rules {

namespace {

// The first keyword of SQL text, skipping comments and whitespace.
std::string leading_keyword(std::string_view sql)
{
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    }
    if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') {
        ++i;
      }
      continue;
    }
    break;
  }
  std::size_t j = i;
  while (j < sql.size() && std::isalpha(static_cast<unsigned char>(sql[j]))) {
    ++j;
  }
  return util::to_upper(sql.substr(i, j - i));
}

bool is_data_keyword(const std::string& keyword)
{
  return keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" ||
         keyword == "REPLACE" || keyword == "SELECT" || keyword == "WITH";
}

// Settings of the session or transaction (`SET LOCAL lock_timeout`, `PRAGMA
// foreign_keys=OFF`, `LOCK TABLE`): they change neither schema nor rows.
bool is_session_keyword(const std::string& keyword)
{
  return keyword == "SET" || keyword == "RESET" || keyword == "PRAGMA" || keyword == "LOCK" ||
         keyword == "SHOW" || keyword == "BEGIN" || keyword == "COMMIT" || keyword == "START" ||
         keyword == "SAVEPOINT" || keyword == "RELEASE";
}

// The leading keyword of each statement of SQL text (split at `;` outside quotes).
std::vector<std::string> statement_keywords(std::string_view sql)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  char quote = 0;
  for (std::size_t i = 0; i <= sql.size(); ++i) {
    const char c = i < sql.size() ? sql[i] : ';';
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      if (auto keyword = leading_keyword(sql.substr(start, i - start)); !keyword.empty()) {
        out.push_back(std::move(keyword));
      }
      start = i + 1;
    }
  }
  return out;
}

Effect effect_of_keyword(const std::string& keyword)
{
  return is_session_keyword(keyword) ? Effect::none
         : is_data_keyword(keyword) ? Effect::data
                                    : Effect::schema;
}

// What one op call or SQL statement does: Python op calls other than these change the
// schema; SQL is judged by its leading keyword(s).
Effect effect_of_step(const model::Step& step)
{
  if (step.name == "bulk_insert" || step.name == "f" || step.name == "get_bind" ||
      step.name == "get_context" || step.name == "inline_literal") {
    return Effect::data;
  }
  if (step.name == "execute") {
    // op.execute(sa.update(...)) and friends have no literal text: treat them as data,
    // the common case; literal SQL is judged statement by statement.
    Effect effect = step.text.empty() ? Effect::data : Effect::none;
    for (const std::string& keyword : statement_keywords(step.text)) {
      effect = std::max(effect, effect_of_keyword(keyword));
    }
    return effect;
  }
  return effect_of_keyword(step.name.substr(0, step.name.find(' ')));
}

} // namespace

BodyEffect classify(const model::Body* body)
{
  BodyEffect out;
  if (body == nullptr || body->does_nothing) {
    return out;
  }
  if (body->steps.empty()) {
    // Code without op calls (helpers, raw connections): it does something, but we cannot
    // tell that it changes the schema.
    out.effect = body->raises ? Effect::none : Effect::data;
    return out;
  }
  for (const auto& step : body->steps) {
    const Effect effect = effect_of_step(step);
    if (effect == Effect::schema) {
      out.effect = Effect::schema;
      out.first_schema_step = &step;
      break;
    }
    out.effect = std::max(out.effect, effect);
  }
  return out;
}

std::string destructive_description(const model::Step& step)
{
  const std::string& t = step.target;
  if (step.name == "drop_table" || step.name == "DROP TABLE") {
    return fmt::format("drops table {}", t.empty() ? "?" : t);
  }
  if (step.name == "drop_column" || step.name == "ALTER TABLE DROP COLUMN") {
    const std::string table = step.in_batch ? step.batch_table : t;
    return fmt::format("drops a column{}", table.empty() ? "" : " of " + table);
  }
  if (step.name == "rename_table" || step.name == "ALTER TABLE RENAME TO") {
    return fmt::format("renames table {}", t.empty() ? "?" : t);
  }
  if (step.name == "ALTER TABLE RENAME COLUMN") {
    return fmt::format("renames a column of {}", t.empty() ? "?" : t);
  }
  if (step.name == "execute" && !step.text.empty()) {
    const std::string sql = util::to_upper(step.text);
    if (sql.find("DROP TABLE") != std::string::npos) {
      return "drops a table (in SQL)";
    }
    if (sql.find("DROP COLUMN") != std::string::npos) {
      return "drops a column (in SQL)";
    }
    if (sql.find("RENAME TO") != std::string::npos ||
        sql.find("RENAME COLUMN") != std::string::npos) {
      return "renames a table or column (in SQL)";
    }
  }
  return {};
}

} // namespace miglint::rules
