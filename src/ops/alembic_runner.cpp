#include "ops/alembic_runner.hpp"

#include "ops/interpreter.hpp"
#include "python/parser.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using engine::BodyOutcome;
using engine::BodyStatus;

engine::BodyOutcome run_alembic_body(const model::Revision& rev, bool up,
                                     engine::RunContext& context, InterpretStats* stats)
{
  BodyOutcome out;
  if (!up) {
    if (std::string reason = engine::irreversible_reason(rev); !reason.empty()) {
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
  out.span = body->name_span;
  const std::string& source = rev.file->text;
  // The model keeps spans only; the syntax tree is rebuilt here.
  const python::ParseResult parsed = python::parse_module(source);
  if (!parsed.ok()) {
    out.status = BodyStatus::not_runnable;
    out.message = "the revision file does not parse";
    return out;
  }
  const python::FunctionDef* def = nullptr;
  const std::string wanted = up ? "upgrade" : "downgrade";
  for (const auto& s : parsed.module.body) {
    if (const auto* f = s->as<python::FunctionDef>(); f && f->name == wanted) {
      def = f; // the last definition wins, as in Python
    }
  }
  if (!def) {
    return out;
  }
  Interpreter interpreter(source, context.sink, context.db);
  interpreter.set_dialect(context.dialect, context.offline || (context.db == nullptr &&
                                                                context.dialect == db::Dialect::sqlite));
  interpreter.set_postgres_connection(context.offline ? nullptr : context.pg,
                                      context.autocommit_blocks);
  interpreter.set_modules(context.modules);
  interpreter.set_enum_types_created(context.enum_types_created);
  interpreter.set_config_engine_is_target(context.config_engine_is_target);
  interpreter.set_declared_by_name(context.declared_by_name);
  interpreter.load_module(parsed.module);
  std::optional<Stop> stop = interpreter.run_function(*def);
  out.statements = interpreter.statements();
  out.fallback_types = interpreter.fallback_types();
  out.committed_at_line = interpreter.committed_at_line();
  if (stats) {
    stats->op_calls += interpreter.op_calls();
  }
  if (!stop) {
    return out;
  }
  switch (stop->kind) {
  case Stop::Kind::returned:
  case Stop::Kind::broke:
  case Stop::Kind::continued:
    return out;
  case Stop::Kind::failed:
    out.status = BodyStatus::failed;
    out.message = stop->message;
    out.statement = stop->statement;
    out.span = stop->span;
    return out;
  case Stop::Kind::raised:
    out.status = up ? BodyStatus::failed : BodyStatus::irreversible;
    out.message = fmt::format("{}() raises: {}", wanted, stop->message);
    out.span = stop->span;
    return out;
  case Stop::Kind::bounded:
    out.status = BodyStatus::not_runnable;
    out.message = fmt::format("miglint stopped evaluating {}() at a bound: {} (line {})", wanted,
                              stop->message, interpreter.line_of(stop->span));
    out.span = stop->span;
    return out;
  case Stop::Kind::unsupported:
    out.status = BodyStatus::not_runnable;
    out.message = fmt::format("miglint cannot interpret {} (line {})", stop->message,
                              interpreter.line_of(stop->span));
    out.span = stop->span;
    return out;
  }
  return out;
}

engine::BodyOutcome AlembicRunner::run(const model::Revision& rev, bool up,
                                       engine::RunContext& context) const
{
  return run_alembic_body(rev, up, context, nullptr);
}

const engine::BodyRunner& alembic_runner()
{
  static const AlembicRunner runner;
  return runner;
}

} // namespace miglint::ops
