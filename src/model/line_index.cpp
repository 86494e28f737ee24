#include "model/source.hpp"

#include <algorithm>

namespace miglint::model {

LineIndex::LineIndex(const std::string& text)
{
  m_starts.push_back(0);
  for (std::uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      m_starts.push_back(i + 1);
    }
  }
}

Position LineIndex::position(std::uint32_t offset) const
{
  auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
  const auto line = static_cast<std::uint32_t>(it - m_starts.begin());
  return Position{line, offset - m_starts[line - 1] + 1};
}

std::uint32_t LineIndex::line_start(std::uint32_t line) const
{
  if (line == 0) {
    return 0;
  }
  return m_starts[std::min<std::size_t>(line, m_starts.size()) - 1];
}

} // namespace miglint::model
