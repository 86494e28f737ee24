#include "engine/version_changes.hpp"

namespace miglint::engine {

model::Result<void> apply_version_changes(db::VersionStore& table,
                                          const std::vector<graph::VersionChange>& changes)
{
  for (const auto& change : changes) {
    switch (change.kind) {
    case graph::VersionChange::Kind::insert:
      MIGLINT_TRY(table.insert(change.to));
      break;
    case graph::VersionChange::Kind::remove:
      MIGLINT_TRY(table.remove(change.from));
      break;
    case graph::VersionChange::Kind::update:
      MIGLINT_TRY(table.update(change.from, change.to));
      break;
    }
  }
  return {};
}

} // namespace miglint::engine
