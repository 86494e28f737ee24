// miglint's own configuration: miglint.toml, or [tool.miglint] in pyproject.toml.
// Parsed into plain data here, the only place that includes toml++; rules validate
// their own options against the positions kept below.
#pragma once

#include "model/diagnostic.hpp"
#include "model/result.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace miglint::config {

using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

// A value from the file with where it was written, so errors can point at it.
template <typename T> struct Located {
  T value{};
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct RuleConfig {
  std::optional<Located<std::string>> severity;     // "error", "warning", "info", "off"
  std::map<std::string, Located<OptionValue>> options; // everything else in [rules.X]
  std::uint32_t line = 0;
};

struct Config {
  std::filesystem::path file; // empty when no config file was found
  std::string table_prefix;   // "" for miglint.toml, "tool.miglint." for pyproject.toml
  std::optional<std::string> versions; // relative to the config file's directory
  std::optional<std::string> database_url;
  std::optional<std::string> base_ref;
  bool base_ref_off = false; // `base_ref = false`: lint compares with no base by default
  std::vector<Located<std::string>> select;
  std::vector<Located<std::string>> ignore;
  std::map<std::string, RuleConfig> rules; // key: rule id or name as written
  // Every other top-level key, for options owned by later features (baseline, heads_file,
  // preferred fix, ...); unknown keys are reported by the command that validates them.
  std::map<std::string, Located<OptionValue>> settings;
};

// Reads `path` (miglint.toml, or pyproject.toml's [tool.miglint]). A TOML syntax error
// or a value of the wrong type is an Error whose message starts with `path:line:col:`.
// pyproject.toml without [tool.miglint] yields a Config with an empty `file`.
model::Result<Config> load_config(const std::filesystem::path& path);
// The same for a file read elsewhere (a git tree): `text` is its contents.
model::Result<Config> parse_config(const std::filesystem::path& path, const std::string& text);

} // namespace miglint::config
