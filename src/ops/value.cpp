#include "ops/value.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace miglint::ops {

Value make_list(std::vector<Value> items, bool tuple)
{
  auto list = std::make_shared<ListValue>();
  list->items = std::move(items);
  list->tuple = tuple;
  return Value(std::move(list));
}

Value make_string_list(const std::vector<std::string>& items)
{
  std::vector<Value> out(items.begin(), items.end());
  return make_list(std::move(out));
}

Value make_dict(std::vector<std::pair<std::string, Value>> items)
{
  auto d = std::make_shared<DictValue>();
  for (auto& [k, v] : items) d->items.emplace_back(Value(k), std::move(v));
  return Value(std::move(d));
}

bool truthy(const Value& v)
{
  if (v.is_none()) return false;
  if (auto b = v.boolean()) return *b;
  if (auto i = v.integer()) return *i != 0;
  if (auto d = v.floating()) return *d != 0;
  if (auto s = v.str()) return !s->empty();
  if (auto l = v.list()) return !l->items.empty();
  if (auto d = v.dict()) return !d->items.empty();
  return true;
}

bool equal(const Value& a, const Value& b)
{
  auto number = [](const Value& v, double& out) {
    if (auto b = v.boolean()) { out = *b; return true; }
    if (auto i = v.integer()) { out = static_cast<double>(*i); return true; }
    if (auto d = v.floating()) { out = *d; return true; }
    return false;
  };
  double x = 0;
  double y = 0;
  if (number(a, x) && number(b, y)) return x == y;
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.str() && b.str()) return *a.str() == *b.str();
  if (a.list() && b.list()) {
    const auto& l = a.list()->items;
    const auto& r = b.list()->items;
    if (l.size() != r.size()) return false;
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (!equal(l[i], r[i])) return false;
    }
    return true;
  }
  if (a.dict() && b.dict()) {
    // Same keys with equal values, in any order.
    const auto& l = a.dict()->items;
    const auto& r = b.dict()->items;
    if (l.size() != r.size()) return false;
    for (const auto& [k, v] : l) {
      const auto match = std::find_if(r.begin(), r.end(), [&](const auto& kv) { return equal(kv.first, k); });
      if (match == r.end() || !equal(match->second, v)) return false;
    }
    return true;
  }
  if (a.object() && b.object()) return *a.object() == *b.object();
  return false;
}

namespace {

std::string float_repr(double d)
{
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (std::isnan(d)) return "nan";
  // Python's repr: the shortest text that reads back as the same double.
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

} // namespace

std::string to_str(const Value& v)
{
  if (v.is_none()) return "None";
  if (auto b = v.boolean()) return *b ? "True" : "False";
  if (auto i = v.integer()) return std::to_string(*i);
  if (auto d = v.floating()) return float_repr(*d);
  if (auto s = v.str()) return *s;
  if (auto l = v.list()) {
    std::string out = l->tuple ? "(" : "[";
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      out += (i ? ", " : "") + to_repr(l->items[i]);
    }
    if (l->tuple && l->items.size() == 1) out += ",";
    return out + (l->tuple ? ")" : "]");
  }
  if (auto d = v.dict()) {
    std::string out = "{";
    for (std::size_t i = 0; i < d->items.size(); ++i) {
      out += (i ? ", " : "") + to_repr(d->items[i].first) + ": " + to_repr(d->items[i].second);
    }
    return out + "}";
  }
  return (*v.object())->describe();
}

std::string to_repr(const Value& v)
{
  if (auto s = v.str()) {
    // Python quotes with ' unless the text has ' and no ", and escapes control characters.
    const char quote = s->find('\'') != std::string::npos && s->find('"') == std::string::npos ? '"' : '\'';
    std::string out(1, quote);
    for (char c : *s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == quote || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (u < 0x20 || u == 0x7f) {
        out += fmt::format("\\x{:02x}", u);
      } else {
        out += c;
      }
    }
    return out + quote;
  }
  return to_str(v);
}

std::string type_name(const Value& v)
{
  if (v.is_none()) return "NoneType";
  if (v.boolean()) return "bool";
  if (v.integer()) return "int";
  if (v.floating()) return "float";
  if (v.str()) return "str";
  if (auto l = v.list()) return l->tuple ? "tuple" : "list";
  if (v.dict()) return "dict";
  return (*v.object())->describe();
}

std::string Namespace::leaf() const
{
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

} // namespace miglint::ops
