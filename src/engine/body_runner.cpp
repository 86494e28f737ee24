#include "engine/body_runner.hpp"

#include "ops/alembic_runner.hpp"

#include "sqlite/error.hpp"
#include "sqlite/transaction_guard.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <chrono>
#include <fmt/format.h>

namespace miglint::engine {

namespace {

double elapsed_ms(std::chrono::steady_clock::time_point since)
{
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

// Native SQL revisions: each statement of the section, in order, as written.
class SqlRunner final : public BodyRunner {
public:
  BodyOutcome run(const model::Revision& rev, bool up, RunContext& context) const override
  {
    BodyOutcome out;
    const auto& body = up ? rev.upgrade : rev.downgrade;
    if (!up) {
      if (std::string reason = irreversible_reason(rev); !reason.empty()) {
        out.status = BodyStatus::irreversible;
        out.message = std::move(reason);
        out.span = rev.downgrade ? rev.downgrade->name_span : rev.id_span;
        return out;
      }
    }
    if (!body) {
      return out; // no `-- migrate:up` section: nothing to do
    }
    out.span = body->name_span;
    for (const auto& step : body->steps) {
      const auto start = std::chrono::steady_clock::now();
      auto done = context.sink.execute(step.text);
      out.statements.push_back({step.name, step.span, elapsed_ms(start)});
      if (!done) {
        out.status = BodyStatus::failed;
        out.message = done.error().message;
        out.statement = step.text;
        out.span = step.span;
        return out;
      }
    }
    return out;
  }
};

// Alembic Python revisions: bodies that do nothing (empty merges, `pass`) run as no-ops;
// op.* bodies wait for the op interpreter.
class PythonRunner final : public BodyRunner {
public:
  BodyOutcome run(const model::Revision& rev, bool up, RunContext&) const override
  {
    BodyOutcome out;
    if (!up) {
      if (std::string reason = irreversible_reason(rev); !reason.empty()) {
        out.status = BodyStatus::irreversible;
        out.message = std::move(reason);
        out.span = rev.downgrade ? rev.downgrade->name_span : rev.id_span;
        return out;
      }
    }
    const auto& body = up ? rev.upgrade : rev.downgrade;
    if (!body || body->does_nothing) {
      return out;
    }
    out.status = BodyStatus::not_runnable;
    out.span = body->name_span;
    out.message = fmt::format("{}() of revision {} uses Alembic op.* calls, which miglint cannot "
                              "run yet",
                              up ? "upgrade" : "downgrade", rev.id);
    return out;
  }
};

// SQLite's authorizer calls both COMMIT and its synonym END "COMMIT"; name the statement
// as the revision wrote it.
std::string transaction_keyword(const std::string& refused, std::string_view sql)
{
  const std::string_view text = util::strip(sql);
  std::size_t n = 0;
  while (n < text.size() && std::isalpha(static_cast<unsigned char>(text[n])) != 0) {
    ++n;
  }
  if (refused == "COMMIT" && util::to_lower(text.substr(0, n)) == "end") {
    return "END";
  }
  return refused;
}

bool names_irreversible_rule(const std::string& rule)
{
  static const char* const k_names[] = {"MG101", "missing-downgrade", "MG302",
                                        "roundtrip-downgrade-failed", "MG303",
                                        "roundtrip-not-restored", "MG305",
                                        "roundtrip-irreversible"};
  const std::string upper = [&] {
    std::string s = rule;
    for (char& c : s) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
  }();
  for (const char* name : k_names) {
    if (rule == name || upper == name) {
      return true;
    }
  }
  return false;
}

} // namespace

model::Result<void> ConnectionSink::execute(std::string_view sql)
{
  const sqlite::TransactionGuard guard(m_db);
  auto done = m_db.exec(sql);
  if (done) {
    return {};
  }
  if (const auto& refused = guard.refused()) {
    return db::transaction_end_refusal(transaction_keyword(*refused, sql));
  }
  // Keep SQLite's own words: drop the "db: cannot run `...`: " prefix.
  std::string message = done.error().message;
  const std::string prefix =
      fmt::format("{}: cannot run `{}`: ", m_db.name(), sqlite::sql_excerpt(sql));
  if (message.starts_with(prefix)) {
    message = message.substr(prefix.size());
  }
  return model::make_error(std::move(message));
}

model::Result<void> ScriptSink::execute(std::string_view sql)
{
  std::string text(util::strip(sql));
  while (!text.empty() && text.back() == ';') {
    text.pop_back();
  }
  if (m_expand_tabs) {
    text = util::join(util::split(text, '\t'), "    ");
  }
  m_text += text + ";\n\n";
  return {};
}

void ScriptSink::comment(std::string_view text)
{
  m_text += fmt::format("-- {}\n\n", text);
}

const BodyRunner& runner_for(model::Format format)
{
  static const SqlRunner sql;
  static const PythonRunner python;
  return format == model::Format::sql ? static_cast<const BodyRunner&>(sql) : ops::alembic_runner();
}

std::string irreversible_reason(const model::Revision& rev)
{
  for (const auto& s : rev.suppressions) {
    for (const auto& rule : s.rules) {
      if (names_irreversible_rule(rule) && !s.reason.empty()) {
        return fmt::format("irreversible by design: {}", s.reason);
      }
    }
  }
  const bool upgrade_does_nothing = !rev.upgrade || rev.upgrade->does_nothing;
  if (!rev.downgrade && !upgrade_does_nothing) {
    return rev.format == model::Format::sql ? "it has no `-- migrate:down` section"
                                            : "it has no downgrade()";
  }
  if (rev.downgrade && rev.downgrade->raises) {
    return "its downgrade only raises";
  }
  return {};
}

} // namespace miglint::engine
