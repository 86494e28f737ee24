#include "sqlite/migration_target.hpp"

#include "engine/body_runner.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace miglint::sqlite {

MigrationTarget::MigrationTarget(Connection db, std::string version_table)
  : m_db(std::make_unique<Connection>(std::move(db))), m_versions(*m_db, std::move(version_table))
{
}

model::Result<void> MigrationTarget::execute(std::string_view sql)
{
  engine::ConnectionSink sink(*m_db);
  return sink.execute(sql);
}

std::string MigrationTarget::failure_advice() const
{
  if ((sqlite3_errcode(m_db->handle()) & 0xff) != SQLITE_FULL) {
    return {};
  }
  return fmt::format("no space is left on the disk of {} (or of SQLite's temporary files): "
                     "free some, then run the command again",
                     m_db->name());
}

} // namespace miglint::sqlite
