#include "readers/reader.hpp"

namespace miglint::readers {

ReadOutcome read_alembic(const std::shared_ptr<const model::SourceFile>& file)
{
  ReadOutcome out;
  out.diagnostics.push_back(unparsable(file, {}, "alembic reader not implemented yet"));
  return out;
}

} // namespace miglint::readers
