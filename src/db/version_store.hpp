// Alembic's version table on any database: one row per applied head, read and written as
// Alembic's HeadMaintainer does. Nothing here opens a transaction: callers wrap a
// migration step and its version change in one.
#pragma once

#include "model/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace miglint::db {

inline constexpr std::string_view k_version_table = "alembic_version";

class VersionStore {
public:
  virtual ~VersionStore() = default;

  virtual const std::string& name() const = 0;
  virtual model::Result<bool> exists() = 0;
  // Creates the table with Alembic's DDL unless it exists.
  virtual model::Result<void> create_if_missing() = 0;
  // The revision ids stored, sorted; an absent table is an empty list.
  virtual model::Result<std::vector<std::string>> heads() = 0;
  virtual model::Result<void> insert(std::string_view revision) = 0;
  // Exactly one row must match (Alembic's check), else an Error in Alembic's words.
  virtual model::Result<void> remove(std::string_view revision) = 0;
  virtual model::Result<void> update(std::string_view from, std::string_view to) = 0;
  // Deletes every row.
  virtual model::Result<void> clear() = 0;
};

} // namespace miglint::db
