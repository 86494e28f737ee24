#include "postgres/deferred_checks.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace miglint::postgres {

model::Result<void> run_deferred_checks(Connection& db)
{
  // One round trip: the checks run, and the constraints deferred by default are listed.
  auto deferred = db.run("SET CONSTRAINTS ALL IMMEDIATE; SELECT DISTINCT pg_catalog.quote_ident(n.nspname) || '.' || "
                           "pg_catalog.quote_ident(con.conname) "
                           "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_namespace n ON "
                           "n.oid = con.connamespace "
                           "WHERE con.condeferred");
  MIGLINT_TRY(deferred);
  std::vector<std::string> names;
  for (const auto& row : deferred->values) {
    names.push_back(row[0].value_or(""));
  }
  if (!names.empty()) {
    MIGLINT_TRY(db.exec(fmt::format("SET CONSTRAINTS {} DEFERRED", fmt::join(names, ", "))));
  }
  return {};
}

} // namespace miglint::postgres
