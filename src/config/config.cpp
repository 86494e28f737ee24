#include "config/config.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace miglint::config {

namespace {

model::Error at(const std::filesystem::path& path, const toml::source_region& where,
                const std::string& message)
{
  return model::make_error(fmt::format("{}:{}:{}: {}", path.string(), where.begin.line,
                                       where.begin.column, message),
                           model::Error::Kind::usage);
}

template <typename T> Located<T> located(T value, const toml::node& node)
{
  return Located<T>{std::move(value), static_cast<std::uint32_t>(node.source().begin.line),
                    static_cast<std::uint32_t>(node.source().begin.column)};
}

std::optional<OptionValue> to_option(const toml::node& node)
{
  if (auto v = node.value<bool>(); v && node.is_boolean()) {
    return OptionValue(*v);
  }
  if (node.is_integer()) {
    return OptionValue(*node.value<std::int64_t>());
  }
  if (node.is_floating_point()) {
    return OptionValue(*node.value<double>());
  }
  if (node.is_string()) {
    return OptionValue(*node.value<std::string>());
  }
  if (const auto* array = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& item : *array) {
      if (!item.is_string()) {
        return std::nullopt;
      }
      items.push_back(*item.value<std::string>());
    }
    return OptionValue(std::move(items));
  }
  return std::nullopt;
}

model::Result<std::vector<Located<std::string>>> string_list(const std::filesystem::path& path,
                                                              const toml::node& node,
                                                              const std::string& key)
{
  std::vector<Located<std::string>> out;
  if (node.is_string()) {
    out.push_back(located(*node.value<std::string>(), node));
    return out;
  }
  const auto* array = node.as_array();
  if (array == nullptr) {
    return at(path, node.source(), fmt::format("'{}' must be a list of rule ids or names", key));
  }
  for (const auto& item : *array) {
    if (!item.is_string()) {
      return at(path, item.source(), fmt::format("'{}' must hold strings", key));
    }
    out.push_back(located(*item.value<std::string>(), item));
  }
  return out;
}

model::Result<Config> read_table(const std::filesystem::path& path, const toml::table& table,
                                 std::string prefix)
{
  Config config;
  config.file = path;
  config.table_prefix = std::move(prefix);
  for (const auto& [key_node, value_node] : table) {
    const std::string key(key_node.str());
    const toml::node& node = value_node; // clang 14 cannot capture a structured binding
    auto expect_string = [&]() -> model::Result<std::string> {
      if (!node.is_string()) {
        return at(path, node.source(), fmt::format("'{}' must be a string", key));
      }
      return *node.value<std::string>();
    };
    if (key == "base_ref" && node.is_boolean()) {
      // `base_ref = false`: no comparison with a base branch unless --against asks.
      config.base_ref_off = !*node.value<bool>();
    } else if (key == "versions" || key == "database_url" || key == "base_ref") {
      auto s = expect_string();
      if (!s) {
        return s.error();
      }
      (key == "versions" ? config.versions : key == "database_url" ? config.database_url
                                                                   : config.base_ref) = *s;
    } else if (key == "select" || key == "ignore") {
      auto list = string_list(path, node, key);
      if (!list) {
        return list.error();
      }
      (key == "select" ? config.select : config.ignore) = std::move(*list);
    } else if (key == "rules") {
      const auto* rules = node.as_table();
      if (rules == nullptr) {
        return at(path, node.source(), "'rules' must be a table");
      }
      for (const auto& [rule_key, rule_node] : *rules) {
        RuleConfig rc;
        rc.line = static_cast<std::uint32_t>(rule_node.source().begin.line);
        if (rule_node.is_string()) {
          rc.severity = located(*rule_node.value<std::string>(), rule_node);
        } else if (const auto* options = rule_node.as_table()) {
          for (const auto& [opt_key, opt_node] : *options) {
            if (opt_key.str() == "severity") {
              if (!opt_node.is_string()) {
                return at(path, opt_node.source(), "'severity' must be a string");
              }
              rc.severity = located(*opt_node.value<std::string>(), opt_node);
              continue;
            }
            auto value = to_option(opt_node);
            if (!value) {
              return at(path, opt_node.source(),
                        fmt::format("unsupported value for option '{}'", opt_key.str()));
            }
            rc.options[std::string(opt_key.str())] = located(std::move(*value), opt_node);
          }
        } else {
          return at(path, rule_node.source(),
                    fmt::format("rule '{}' takes a severity string or a table of options",
                                rule_key.str()));
        }
        config.rules[std::string(rule_key.str())] = std::move(rc);
      }
    } else {
      // Keys owned by features outside this file; anything else is most likely a typo.
      static const std::vector<std::string> known = {"baseline", "fix", "heads_file", "python-path",
                                                     "template"};
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::vector<std::string> all = known;
        all.insert(all.end(), {"versions", "database_url", "base_ref", "select", "ignore", "rules"});
        const std::string near = util::closest_match(key, all);
        return at(path, node.source(),
                  fmt::format("unknown setting '{}'{}", key,
                              near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
      }
      auto value = to_option(node);
      if (!value) {
        return at(path, node.source(), fmt::format("unsupported value for '{}'", key));
      }
      config.settings[key] = located(std::move(*value), node);
    }
  }
  return config;
}

} // namespace

model::Result<Config> parse_config(const std::filesystem::path& path, const std::string& text)
{
  toml::table root;
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    return at(path, e.source(), std::string(e.description()));
  }
  if (path.filename() == "pyproject.toml") {
    const auto* tool = root["tool"]["miglint"].as_table();
    if (tool == nullptr) {
      return Config{};
    }
    return read_table(path, *tool, "tool.miglint.");
  }
  return read_table(path, root, "");
}

model::Result<Config> load_config(const std::filesystem::path& path)
{
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return at(path, e.source(), std::string(e.description()));
  }
  if (path.filename() == "pyproject.toml") {
    const auto* tool = root["tool"]["miglint"].as_table();
    if (tool == nullptr) {
      return Config{};
    }
    return read_table(path, *tool, "tool.miglint.");
  }
  return read_table(path, root, "");
}

} // namespace miglint::config
