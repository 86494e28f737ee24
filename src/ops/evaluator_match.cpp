// The `match` statement over the values the evaluator knows: literal, capture, wildcard,
// value, sequence, mapping, class (builtins and the revision's own classes), or- and
// as-patterns. A subject whose shape is unknown (rows read back, an application call)
// stops evaluation instead of picking a case.
#include "ops/evaluator.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

bool is_instance_of(const ClassValue& cls, const ClassValue& wanted)
{
  if (&cls == &wanted) return true;
  for (const Value& b : cls.bases) {
    if (auto base = b.as<ClassValue>(); base && is_instance_of(*base, wanted)) return true;
  }
  return false;
}

} // namespace

Flow<bool> Evaluator::match_pattern(const Pattern& p, const Value& subject, const Expr& where)
{
  if (auto stop = tick(p.span)) return *stop;
  switch (p.kind) {
  case Pattern::Kind::capture:
    if (!p.name.empty()) set(p.name, subject);
    return true;
  case Pattern::Kind::as: {
    auto inner = match_pattern(p.patterns[0], subject, where);
    if (!inner || !*inner) return inner;
    set(p.name, subject);
    return true;
  }
  case Pattern::Kind::or_:
    for (const Pattern& alt : p.patterns) {
      auto m = match_pattern(alt, subject, where);
      if (!m || *m) return m;
    }
    return false;
  case Pattern::Kind::value:
  case Pattern::Kind::singleton: {
    auto v = eval(*p.value);
    if (!v) return v.stop();
    if (auto stop = check_known(subject, where, "a match statement")) return *stop;
    auto r = compare(p.kind == Pattern::Kind::value ? CompareOperator::eq : CompareOperator::is,
                     subject, *v, where);
    if (!r) return r.stop();
    return condition(*r, where, "a match statement");
  }
  case Pattern::Kind::sequence: {
    if (auto stop = check_known(subject, where, "a match statement")) return *stop;
    const ListValue* l = subject.list();
    if (!l) {
      if (subject.object() && !subject.as<InstanceValue>() && !subject.as<EnumMember>() &&
          !subject.as<ClassValue>()) {
        return unsupported(fmt::format("a sequence pattern on {} in a match statement",
                                       type_name(subject)),
                           p.span);
      }
      return false; // str, dict, numbers and the revision's own objects are no sequences
    }
    const std::size_t fixed = p.patterns.size();
    const std::size_t n = l->items.size();
    if (p.star < 0 ? n != fixed : n < fixed) return false;
    const auto star = static_cast<std::size_t>(p.star < 0 ? fixed : p.star);
    const std::size_t rest = n - fixed;
    for (std::size_t i = 0; i < fixed; ++i) {
      const std::size_t at = i < star ? i : i + rest;
      auto m = match_pattern(p.patterns[i], l->items[at], where);
      if (!m || !*m) return m;
    }
    if (p.star >= 0 && !p.name.empty() && p.name != "_") {
      std::vector<Value> captured(l->items.begin() + static_cast<std::ptrdiff_t>(star),
                                  l->items.begin() + static_cast<std::ptrdiff_t>(star + rest));
      set(p.name, make_list(std::move(captured)));
    }
    return true;
  }
  case Pattern::Kind::mapping: {
    if (auto stop = check_known(subject, where, "a match statement")) return *stop;
    const DictValue* d = subject.dict();
    if (!d) {
      if (subject.object() && !subject.as<InstanceValue>() && !subject.as<EnumMember>()) {
        return unsupported(fmt::format("a mapping pattern on {} in a match statement",
                                       type_name(subject)),
                           p.span);
      }
      return false;
    }
    std::vector<Value> used;
    for (std::size_t i = 0; i < p.keys.size(); ++i) {
      auto key = eval(*p.keys[i]);
      if (!key) return key.stop();
      const Value* found = nullptr;
      for (const auto& kv : d->items) {
        if (equal(kv.first, *key)) found = &kv.second;
      }
      if (!found) return false;
      used.push_back(*key);
      auto m = match_pattern(p.patterns[i], *found, where);
      if (!m || !*m) return m;
    }
    if (!p.name.empty()) {
      auto rest = std::make_shared<DictValue>();
      for (const auto& kv : d->items) {
        bool taken = false;
        for (const Value& k : used) taken = taken || equal(k, kv.first);
        if (!taken) rest->items.push_back(kv);
      }
      set(p.name, Value(rest));
    }
    return true;
  }
  case Pattern::Kind::class_: {
    auto cls = eval(*p.value);
    if (!cls) return cls.stop();
    if (auto stop = check_known(subject, where, "a match statement")) return *stop;
    if (auto b = cls->as<BuiltinValue>()) {
      // str(x), int(), list(...): an isinstance check; one positional pattern gets the subject.
      const std::string t = type_name(subject);
      static const char* const k_types[] = {"str", "int", "float", "bool", "list", "tuple", "dict"};
      bool known = false;
      for (const char* k : k_types) known = known || b->name == k;
      if (!known || !p.keyword_names.empty() || p.patterns.size() > 1) {
        return unsupported(fmt::format("class pattern `{}` in a match statement", text(p.span)), p.span);
      }
      const bool is = b->name == t || (b->name == "int" && t == "bool");
      if (!is) return false;
      if (p.patterns.empty()) return true;
      return match_pattern(p.patterns[0], subject, where);
    }
    auto wanted = cls->as<ClassValue>();
    if (!wanted) {
      return unsupported(fmt::format("class pattern `{}` in a match statement", text(p.span)), p.span);
    }
    auto inst = subject.as<InstanceValue>();
    if (!inst || !is_instance_of(*inst->cls, *wanted)) {
      if (auto member = subject.as<EnumMember>(); member && wanted->is_enum) {
        if (member->cls != wanted->name) return false;
        if (p.patterns.empty() && p.keyword_names.empty()) return true;
      }
      if (subject.object() && !inst && !subject.as<EnumMember>()) {
        return unsupported(fmt::format("class pattern `{}` on {} in a match statement", text(p.span),
                                       type_name(subject)),
                           p.span);
      }
      return false;
    }
    auto attribute = [&](const std::string& name) -> const Value* {
      if (auto it = inst->attrs.find(name); it != inst->attrs.end()) return &it->second;
      return inst->cls->attr(name);
    };
    if (!p.patterns.empty()) {
      Value dataclass_args;
      const Value* args = wanted->attr("__match_args__");
      if (!args && wanted->is_dataclass) {
        std::vector<Value> fields(wanted->fields.begin(), wanted->fields.end());
        dataclass_args = make_list(std::move(fields), true);
        args = &dataclass_args;
      }
      const ListValue* names = args ? args->list() : nullptr;
      if (!names || names->items.size() < p.patterns.size()) {
        return failure(fmt::format("TypeError: {}() accepts {} positional sub-patterns ({} given)",
                                   wanted->name, names ? names->items.size() : 0, p.patterns.size()),
                       p.span);
      }
      for (std::size_t i = 0; i < p.patterns.size(); ++i) {
        const std::string* name = names->items[i].str();
        const Value* v = name ? attribute(*name) : nullptr;
        if (!v) return false;
        auto m = match_pattern(p.patterns[i], *v, where);
        if (!m || !*m) return m;
      }
    }
    for (std::size_t i = 0; i < p.keyword_names.size(); ++i) {
      const Value* v = attribute(p.keyword_names[i]);
      if (!v) return false;
      auto m = match_pattern(p.keyword_patterns[i], *v, where);
      if (!m || !*m) return m;
    }
    return true;
  }
  }
  return unsupported(fmt::format("pattern `{}`", text(p.span)), p.span);
}

std::optional<Stop> Evaluator::exec_match(const Match& m)
{
  auto subject = eval(*m.subject);
  if (!subject) return subject.stop();
  for (const MatchCase& c : m.cases) {
    auto matched = match_pattern(c.pattern, *subject, *m.subject);
    if (!matched) return matched.stop();
    if (!*matched) continue;
    if (c.guard) {
      auto g = eval(*c.guard);
      if (!g) return g.stop();
      auto ok = condition(*g, *c.guard, "a case guard");
      if (!ok) return ok.stop();
      if (!*ok) continue;
    }
    return exec_block(c.body);
  }
  return std::nullopt;
}

} // namespace miglint::ops
