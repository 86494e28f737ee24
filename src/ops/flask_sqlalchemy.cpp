#include "ops/flask_sqlalchemy.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace miglint::ops {

std::optional<std::string> flask_sqlalchemy_attribute(const std::string& name)
{
  // Flask-SQLAlchemy's own attributes, which are not SQLAlchemy's (db.Table takes no
  // MetaData, db.Model is the application's declarative base).
  static constexpr std::array<std::string_view, 18> own = {
      "Model",   "session",     "engine",   "engines", "metadata", "metadatas",
      "Table",   "Query",       "init_app", "create_all", "drop_all", "reflect",
      "get_engine", "get_app",  "app",      "paginate", "first_or_404", "get_or_404"};
  static constexpr std::array<std::string_view, 16> orm = {
      "relationship", "backref", "Session", "sessionmaker", "scoped_session",
      "declarative_base", "column_property", "deferred", "synonym", "joinedload",
      "selectinload", "subqueryload", "lazyload", "aliased", "validates", "dynamic_loader"};
  if (name.empty() || name.front() == '_') return std::nullopt;
  if (std::find(own.begin(), own.end(), name) != own.end()) return std::nullopt;
  if (std::find(orm.begin(), orm.end(), name) != orm.end()) return "sqlalchemy.orm." + name;
  return "sqlalchemy." + name;
}

} // namespace miglint::ops
