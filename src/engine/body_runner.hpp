// Running one revision's upgrade or downgrade body. The engine does not know revision
// formats: a BodyRunner per format turns a body into statements for a StatementSink
// (native SQL: each statement as written; Alembic op.* bodies: the op interpreter).
#pragma once

#include "db/migration_target.hpp"
#include "model/revision.hpp"
#include "model/result.hpp"
#include "source/python_modules.hpp"
#include "sqlite/database.hpp"

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::engine {

// Where the statements of a body go: executed on a connection (online), or collected as
// text (offline `--sql`). An Error's message is SQLite's own ("no such table: users").
class StatementSink {
public:
  virtual ~StatementSink() = default;
  virtual model::Result<void> execute(std::string_view sql) = 0;
};

// Executes on a connection.
class ConnectionSink final : public StatementSink {
public:
  explicit ConnectionSink(sqlite::Connection& db) : m_db(db) {}
  model::Result<void> execute(std::string_view sql) override;

private:
  sqlite::Connection& m_db;
};

// Executes on a migration target (SQLite or PostgreSQL).
class TargetSink final : public StatementSink {
public:
  explicit TargetSink(db::MigrationTarget& db) : m_db(db) {}
  model::Result<void> execute(std::string_view sql) override { return m_db.execute(sql); }

private:
  db::MigrationTarget& m_db;
};

// Collects `statement;` blocks separated by blank lines, as Alembic's offline mode prints.
class ScriptSink final : public StatementSink {
public:
  ScriptSink() = default;
  // `expand_tabs`: tabs written as four spaces, as Alembic prints them (the PostgreSQL
  // script; the SQLite one keeps SQLAlchemy's tabs).
  explicit ScriptSink(bool expand_tabs) : m_expand_tabs(expand_tabs) {}
  model::Result<void> execute(std::string_view sql) override;
  void comment(std::string_view text); // "-- text"
  const std::string& text() const { return m_text; }

private:
  std::string m_text;
  bool m_expand_tabs = false;
};

enum class BodyStatus {
  ok,           // every statement ran
  failed,       // a statement failed: `span`, `statement` and `message` say which and why
  irreversible, // a downgrade that is absent, only raises, or is suppressed with a reason
  not_runnable, // this format cannot be executed yet (`message` says why)
};

struct StatementRun {
  std::string name; // "CREATE TABLE", "op.add_column", ...
  model::Span span;
  double milliseconds = 0;
};

// A column type the runner could not resolve (an unknown third-party class), written
// under its class name.
struct FallbackType {
  std::string name;     // as the revision reaches it: "sqlalchemy_utils.UUIDType"
  std::string declared; // the declared type written: "UUIDType"
  auto operator<=>(const FallbackType&) const = default;
};

struct BodyOutcome {
  BodyStatus status = BodyStatus::ok;
  std::string message;   // SQLite's message, or the reason for irreversible / not_runnable
  std::string statement; // the failing statement's text
  model::Span span;      // the failing statement; otherwise the body (or the revision id)
  std::vector<StatementRun> statements;
  std::set<FallbackType> fallback_types; // declared by name while this body ran
  // Line of an autocommit_block() that committed the body's statements before it (the
  // revision's transaction ended there, as in Alembic); 0 when none did.
  std::uint32_t committed_at_line = 0;
};

// Everything a runner may use. `db` (SQLite) or `pg` (PostgreSQL) is the connection
// being migrated, both null offline; an interpreter that needs to read or reflect the
// database reports not_runnable then.
struct RunContext {
  sqlite::Connection* db = nullptr;
  StatementSink& sink;
  // The application's own Python modules, for revisions that import them (null: opaque).
  const source::PythonModules* modules = nullptr;
  // env.py connects with engine_from_config(config.get_section(config.config_ini_section),
  // prefix="sqlalchemy."): the same call in a revision opens the database being migrated.
  bool config_engine_is_target = false;
  // Declared types written by fallback, kept over the revisions of one run (null: none
  // kept). SQLite's reflection would read them back as something else ("UUIDType" as
  // NUMERIC), which says nothing of the real type: a table rebuild keeps them as declared.
  std::set<std::string>* declared_by_name = nullptr;
  // The SQL the op interpreter writes.
  db::Dialect dialect = db::Dialect::sqlite;
  postgres::Connection* pg = nullptr;
  // The enum types SQLAlchemy created with their tables so far in this run (PostgreSQL):
  // its memo spans the run, so a second table using the same enum does not create it
  // again (null: per body).
  std::set<std::string>* enum_types_created = nullptr;
  // Offline (`--sql`): statements are only collected. (On SQLite a null `db` also means
  // offline.)
  bool offline = false;
  // op.get_context().autocommit_block() may commit the revision's transaction and run its
  // statements outside one, as Alembic does (on PostgreSQL, where the caller knows what a
  // commit in the middle of a body ends).
  bool autocommit_blocks = false;
};

class BodyRunner {
public:
  virtual ~BodyRunner() = default;
  virtual BodyOutcome run(const model::Revision& rev, bool up, RunContext& context) const = 0;
};

// The runner for a revision's format.
const BodyRunner& runner_for(model::Format format);

// Why a downgrade is irreversible by design, or "" when it is not: no downgrade section,
// a body that only raises, or a `miglint: ignore[MG101|MG302|MG303|MG305]` with a reason.
std::string irreversible_reason(const model::Revision& rev);

} // namespace miglint::engine
