#include "db/migration_target.hpp"

#include <fmt/format.h>

namespace miglint::db {

model::Error transaction_end_refusal(std::string_view keyword)
{
  return model::make_error(fmt::format(
      "`{}` would end the transaction that miglint runs the revision in, together with its "
      "version-table update; a revision must not begin, commit or roll back transactions",
      keyword));
}

} // namespace miglint::db
