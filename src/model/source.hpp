// Source text as the readers see it: a display path and its bytes, plus byte spans.
// Line and column are computed lazily from byte offsets, only when rendering.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace miglint::model {

// A half-open byte range [begin, end) inside one SourceFile.
struct Span {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// 1-based line and column; column is a UTF-8 byte offset + 1.
struct Position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// Maps byte offsets to 1-based line/column positions.
class LineIndex {
public:
  explicit LineIndex(const std::string& text);
  Position position(std::uint32_t offset) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(m_starts.size()); }
  // Byte offset of the first byte of a 1-based line (clamped to the last line).
  std::uint32_t line_start(std::uint32_t line) const;

private:
  std::vector<std::uint32_t> m_starts;
};

// One file handed to a reader: `path` is relative to the repository root (or the
// working directory outside git) and always uses '/'.
struct SourceFile {
  std::string path;
  std::string text;
};

} // namespace miglint::model
