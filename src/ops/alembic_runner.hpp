// The BodyRunner for Alembic .py revisions: parses the file, binds its module-level
// imports and constants, and interprets upgrade()/downgrade() with the op interpreter.
#pragma once

#include "engine/body_runner.hpp"

#include <string>

namespace miglint::ops {

class AlembicRunner final : public engine::BodyRunner {
public:
  engine::BodyOutcome run(const model::Revision& rev, bool up,
                          engine::RunContext& context) const override;
};

const engine::BodyRunner& alembic_runner();

// Counts for measurement: op calls a body makes and how many ran before any stop.
struct InterpretStats {
  std::size_t op_calls = 0;
};

// Runs one body like AlembicRunner::run and also returns the interpreter's statistics.
engine::BodyOutcome run_alembic_body(const model::Revision& rev, bool up,
                                     engine::RunContext& context, InterpretStats* stats);

} // namespace miglint::ops
