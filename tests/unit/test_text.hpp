#pragma once
// Small text helpers shared by the unit tests.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace miglint::testing {

inline bool contains(const std::string& text, std::string_view part)
{
  return text.find(part) != std::string::npos;
}

inline std::string read_text(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace miglint::testing
