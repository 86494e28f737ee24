#include "model/revision.hpp"

#include "util/strings.hpp"

namespace miglint::model {

std::string Revision::long_doc() const
{
  return std::string(util::strip(doc));
}

std::string Revision::message() const
{
  // Alembic: doc.strip().split("\n\n")[0]
  const std::string stripped = long_doc();
  const auto cut = stripped.find("\n\n");
  return cut == std::string::npos ? stripped : stripped.substr(0, cut);
}

} // namespace miglint::model
