// Which database a migration runs on. Only the dialect (how an op becomes SQL) and the
// connection (how statements run) depend on it; nothing else asks.
#pragma once

#include <string_view>

namespace miglint::db {

enum class Dialect { sqlite, postgresql };

// SQLAlchemy's dialect name: what `bind.dialect.name` says.
constexpr std::string_view dialect_name(Dialect d)
{
  return d == Dialect::postgresql ? "postgresql" : "sqlite";
}

} // namespace miglint::db
