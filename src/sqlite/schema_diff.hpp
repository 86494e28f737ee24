// Structural comparison of two schema snapshots, as readable differences.
#pragma once

#include "sqlite/schema_snapshot.hpp"

#include <string>
#include <vector>

namespace miglint::sqlite {

struct DiffOptions {
  // Alembic's downgrade re-adds a dropped column at the end of the table, so column
  // order is ignored unless asked for.
  bool strict_column_order = false;
};

// Differences of `actual` from `expected`, one message per difference, in a stable
// order (tables, then views, then triggers, each by name). Empty when they match:
//   table "users": column "email" missing (expected VARCHAR(120) NOT NULL)
//   table "users": column "age" type INTEGER, expected BIGINT
//   index "ix_users_email" missing
//   table "orders": foreign key (user_id) -> users(id) ON DELETE CASCADE missing
//   table "tmp" unexpected
// Declared types compare without regard to case and spacing, defaults and SQL text
// after normalization (quoting, case, whitespace).
std::vector<std::string> diff_schemas(const SchemaSnapshot& expected, const SchemaSnapshot& actual,
                                      const DiffOptions& options = {});

// Tables whose columns are all there but in another order, one message each:
//   table "users": column order (id, name, email), expected (id, email, name)
// Kept apart from diff_schemas: a downgrade that drops and re-adds a column legitimately
// moves it to the end.
std::vector<std::string> column_order_differences(const SchemaSnapshot& expected,
                                                  const SchemaSnapshot& actual);

} // namespace miglint::sqlite
