#include "readers/reader.hpp"

namespace miglint::readers {

ReadOutcome read_sql(const std::shared_ptr<const model::SourceFile>& file)
{
  ReadOutcome out;
  out.diagnostics.push_back(unparsable(file, {}, "sql reader not implemented yet"));
  return out;
}

} // namespace miglint::readers
