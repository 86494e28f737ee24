// What an upgrade/downgrade body does to the database, judged from its steps:
// nothing (or only session settings such as SET, PRAGMA, LOCK TABLE), only data
// (UPDATE/INSERT/DELETE, bulk_insert), or the schema.
#pragma once

#include "model/revision.hpp"

namespace miglint::rules {

enum class Effect { none, data, schema }; // ordered: a body does the most of its steps

struct BodyEffect {
  Effect effect = Effect::none;
  const model::Step* first_schema_step = nullptr;
};

BodyEffect classify(const model::Body* body);

// Whether a step drops or renames a table or column (destructive-operation).
// Returns a short description ("drops table users") or "" when it does not.
std::string destructive_description(const model::Step& step);

} // namespace miglint::rules
