#include "ops/evaluator.hpp"
#include "ops/database_errors.hpp"
#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>

namespace miglint::ops {

using namespace python;

namespace {



bool is_builtin_name(const std::string& n)
{
  static const char* const k_names[] = {
      "len", "str", "int", "float", "bool", "range", "list", "tuple", "dict", "print",
      "sorted", "enumerate", "zip", "min", "max", "set", "reversed", "repr", "any", "all",
      "sum", "abs", "round", "isinstance", "getattr", "hasattr", "setattr", "frozenset", "object",
      "type", "super", "iter", "next"};
  return std::find_if(std::begin(k_names), std::end(k_names),
                      [&](const char* k) { return n == k; }) != std::end(k_names);
}

// A typing construct or a builtin generic (`Optional`, `typing.List`, `list`, `dict`):
// subscripting it only makes a type hint.
bool is_type_hint(const Value& v)
{
  if (auto ns = v.as<Namespace>()) {
    return ns->path.starts_with("typing.") || ns->path.starts_with("typing_extensions.") ||
           ns->path.starts_with("collections.abc.");
  }
  if (auto b = v.as<BuiltinValue>()) {
    return b->name == "list" || b->name == "dict" || b->name == "tuple" || b->name == "set" ||
           b->name == "frozenset" || b->name == "type";
  }
  return false;
}

std::optional<double> as_number(const Value& v)
{
  if (auto i = v.integer()) return static_cast<double>(*i);
  if (auto d = v.floating()) return *d;
  if (auto b = v.boolean()) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

std::optional<std::int64_t> as_int(const Value& v)
{
  if (auto i = v.integer()) return *i;
  if (auto b = v.boolean()) return *b ? 1 : 0;
  return std::nullopt;
}

std::optional<std::string> format_spec(const Value& v, const std::string& spec);

// printf-style `fmt % args` for %s, %r, %d, %i, %f and %%.
std::optional<std::string> percent_format(const std::string& fmt_text, const Value& args)
{
  std::vector<Value> values;
  const DictValue* mapping = args.dict();
  if (auto l = args.list(); l && l->tuple) {
    values = l->items;
  } else if (!mapping) {
    values.push_back(args);
  }
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < fmt_text.size(); ++i) {
    const char c = fmt_text[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (++i >= fmt_text.size()) return std::nullopt;
    const Value* value = nullptr;
    if (fmt_text[i] == '(' && mapping) {
      const auto close = fmt_text.find(')', i);
      if (close == std::string::npos) return std::nullopt;
      const std::string key = fmt_text.substr(i + 1, close - i - 1);
      for (const auto& [k, v] : mapping->items) {
        if (k.str() && *k.str() == key) value = &v;
      }
      if (!value) return std::nullopt;
      i = close + 1;
      if (i >= fmt_text.size()) return std::nullopt;
    }
    // Flags, width and precision (`%-10s`, `%03d`, `%.2f`) become a format spec.
    std::string flags;
    while (i < fmt_text.size() && (fmt_text[i] == '-' || fmt_text[i] == '0')) flags += fmt_text[i++];
    std::string width;
    while (i < fmt_text.size() && std::isdigit(static_cast<unsigned char>(fmt_text[i]))) width += fmt_text[i++];
    std::string precision;
    if (i < fmt_text.size() && fmt_text[i] == '.') {
      precision = ".";
      while (++i < fmt_text.size() && std::isdigit(static_cast<unsigned char>(fmt_text[i]))) precision += fmt_text[i];
    }
    if (i >= fmt_text.size()) return std::nullopt;
    const char conv = fmt_text[i];
    if (conv == '%') {
      if (!flags.empty() || !width.empty() || !precision.empty()) return std::nullopt;
      out += '%';
      continue;
    }
    if (!value) {
      if (next >= values.size()) return std::nullopt;
      value = &values[next++];
    }
    if (!flags.empty() || !width.empty() || !precision.empty()) {
      if (std::string_view("sdifx").find(conv) == std::string_view::npos) return std::nullopt;
      if (!precision.empty() && std::string_view("dix").find(conv) != std::string_view::npos) return std::nullopt;
      const bool numeric = conv != 's';
      // Python right-aligns every conversion unless `-`; `0` pads numbers with zeros.
      std::string spec = flags.find('-') != std::string::npos ? "<"
                         : flags.find('0') != std::string::npos && numeric ? "0"
                                                                            : ">";
      spec += width + precision;
      if (conv != 's') spec += conv == 'i' ? 'd' : conv;
      auto formatted = format_spec(*value, spec);
      if (!formatted) return std::nullopt;
      out += *formatted;
      continue;
    }
    switch (conv) {
    case 's': out += to_str(*value); break;
    case 'r': out += to_repr(*value); break;
    case 'd':
    case 'i':
      if (auto n = as_number(*value)) out += std::to_string(static_cast<std::int64_t>(*n));
      else return std::nullopt;
      break;
    case 'f':
      if (auto n = as_number(*value)) out += fmt::format("{:.6f}", *n);
      else return std::nullopt;
      break;
    default: return std::nullopt;
    }
  }
  if (next != values.size() && !mapping) return std::nullopt;
  return out;
}

// str.format with `{}`, `{0}`, `{name}` and `{{`/`}}`.
std::optional<std::string> brace_format(const std::string& f, const CallArgs& args)
{
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '{' && i + 1 < f.size() && f[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    if (f[i] == '}' && i + 1 < f.size() && f[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (f[i] != '{') {
      out += f[i];
      continue;
    }
    const auto close = f.find('}', i);
    if (close == std::string::npos) return std::nullopt;
    std::string field = f.substr(i + 1, close - i - 1);
    i = close;
    std::string spec;
    bool has_spec = false;
    if (const auto colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
      has_spec = true;
    }
    if (field.find_first_of("!.[") != std::string::npos) return std::nullopt;
    const Value* v = nullptr;
    if (field.empty()) {
      if (auto_index < args.args.size()) v = &args.args[auto_index++];
    } else if (std::all_of(field.begin(), field.end(), ::isdigit)) {
      const auto n = std::stoul(field);
      if (n < args.args.size()) v = &args.args[n];
    } else {
      v = args.kw(field);
    }
    if (!v) return std::nullopt;
    if (has_spec) {
      auto formatted = format_spec(*v, spec);
      if (!formatted) return std::nullopt;
      out += *formatted;
    } else {
      out += to_str(*v);
    }
  }
  return out;
}

// A format spec of an f-string or str.format field: [[fill]align][0][width][,][.precision][type]
// with types s, d, f, x and %; e.g. `{n:03d}`, `{name:<10}`, `{ratio:.2f}`.
std::optional<std::string> format_spec(const Value& v, const std::string& spec)
{
  std::size_t i = 0;
  char fill = ' ';
  char align = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (spec.size() >= 2 && is_align(spec[1])) {
    fill = spec[0];
    align = spec[1];
    i = 2;
  } else if (!spec.empty() && is_align(spec[0])) {
    align = spec[0];
    i = 1;
  }
  if (i < spec.size() && spec[i] == '0') {
    fill = '0';
    if (!align) align = '=';
    ++i;
  }
  std::size_t width = 0;
  while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
    width = width * 10 + static_cast<std::size_t>(spec[i++] - '0');
    if (width > 4096) return std::nullopt;
  }
  bool grouping = false;
  if (i < spec.size() && spec[i] == ',') {
    grouping = true;
    ++i;
  }
  std::optional<int> precision;
  if (i < spec.size() && spec[i] == '.') {
    int p = 0;
    ++i;
    while (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
      p = p * 10 + (spec[i++] - '0');
      if (p > 100) return std::nullopt;
    }
    precision = p;
  }
  char type = i < spec.size() ? spec[i++] : 0;
  if (i != spec.size()) return std::nullopt;
  std::string body;
  const bool number = as_number(v).has_value() && !v.str();
  switch (type) {
  case 0:
  case 's':
    if (type == 's' && !v.str()) return std::nullopt;
    body = precision && v.str() ? v.str()->substr(0, static_cast<std::size_t>(*precision)) : to_str(v);
    if (precision && !v.str()) {
      if (!number) return std::nullopt;
      body = fmt::format("{:.{}g}", *as_number(v), *precision);
    }
    break;
  case 'd':
    if (!v.integer() && !v.boolean()) return std::nullopt;
    body = std::to_string(*as_int(v));
    break;
  case 'x':
    if (!v.integer()) return std::nullopt;
    body = fmt::format("{:x}", *v.integer());
    break;
  case 'f':
  case '%':
    if (!number) return std::nullopt;
    body = fmt::format("{:.{}f}", *as_number(v) * (type == '%' ? 100 : 1), precision.value_or(6));
    if (type == '%') body += '%';
    break;
  default: return std::nullopt;
  }
  if (grouping) {
    if (!number) return std::nullopt;
    const bool negative = !body.empty() && body[0] == '-';
    std::string digits = negative ? body.substr(1) : body;
    const auto dot = digits.find('.');
    std::string whole = digits.substr(0, dot);
    const std::string frac = dot == std::string::npos ? "" : digits.substr(dot);
    for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3) whole.insert(static_cast<std::size_t>(at), ",");
    body = (negative ? "-" : "") + whole + frac;
  }
  if (body.size() >= width) return body;
  const std::size_t pad = width - body.size();
  if (!align) align = number ? '>' : '<';
  switch (align) {
  case '<': return body + std::string(pad, fill);
  case '>': return std::string(pad, fill) + body;
  case '^': return std::string(pad / 2, fill) + body + std::string(pad - pad / 2, fill);
  default:
    if (!body.empty() && body[0] == '-') return "-" + std::string(pad, fill) + body.substr(1);
    return std::string(pad, fill) + body;
  }
}

} // namespace

const Value* CallArgs::kw(std::string_view name) const
{
  for (const auto& [k, v] : kwargs) {
    if (k == name) return &v;
  }
  return nullptr;
}

const Value* CallArgs::get(std::size_t position, std::string_view name) const
{
  if (position < args.size()) return &args[position];
  return name.empty() ? nullptr : kw(name);
}

Stop unsupported(std::string message, Span span)
{
  Stop s;
  s.kind = Stop::Kind::unsupported;
  s.message = std::move(message);
  s.span = span;
  return s;
}

Stop failure(std::string message, Span span, std::string statement)
{
  Stop s;
  s.kind = Stop::Kind::failed;
  s.message = std::move(message);
  s.span = span;
  s.statement = std::move(statement);
  return s;
}

std::string Evaluator::text(Span span) const
{
  if (span.end > m_source.size() || span.begin > span.end) return {};
  std::string t(m_source.substr(span.begin, span.end - span.begin));
  if (const auto nl = t.find('\n'); nl != std::string::npos) {
    t = t.substr(0, nl) + " ...";
  }
  if (t.size() > 80) t = t.substr(0, 77) + "...";
  return t;
}

std::uint32_t Evaluator::line_of(Span span) const
{
  if (m_line_starts.empty()) {
    m_line_starts.push_back(0);
    for (std::uint32_t i = 0; i < m_source.size(); ++i) {
      if (m_source[i] == '\n') m_line_starts.push_back(i + 1);
    }
  }
  auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), span.begin);
  return static_cast<std::uint32_t>(it - m_line_starts.begin());
}

void Evaluator::set(const std::string& name, Value value)
{
  if (!m_frames.empty()) {
    m_frames.back()->vars[name] = std::move(value);
  } else {
    m_globals[name] = std::move(value);
  }
}

const Value* Evaluator::lookup(const std::string& name) const
{
  // The current call, the frames it was defined in (closures), then module globals.
  for (const Frame* f = m_frames.empty() ? nullptr : m_frames.back().get(); f; f = f->parent.get()) {
    if (auto it = f->vars.find(name); it != f->vars.end()) return &it->second;
  }
  if (auto it = m_globals.find(name); it != m_globals.end()) return &it->second;
  return nullptr;
}

std::optional<Stop> Evaluator::tick(Span span)
{
  if (++m_steps <= m_limits.max_steps) return std::nullopt;
  Stop s;
  s.kind = Stop::Kind::bounded;
  s.message = fmt::format("more than {} evaluation steps", m_limits.max_steps);
  s.span = span;
  return s;
}

std::optional<Stop> Evaluator::check_size(const Value& v, Span span)
{
  std::size_t size = 0;
  if (auto str = v.str()) size = str->size();
  else if (auto l = v.list()) size = l->items.size();
  else if (auto d = v.dict()) size = d->items.size();
  if (size <= m_limits.max_string) return std::nullopt;
  Stop s;
  s.kind = Stop::Kind::bounded;
  s.message = fmt::format("a {} of more than {} {}", type_name(v), m_limits.max_string,
                          v.str() ? "bytes" : "items");
  s.span = span;
  return s;
}

Flow<bool> Evaluator::condition(const Value& v, const Expr& expr, std::string_view use)
{
  if (auto stop = check_known(v, expr, use)) return *stop;
  if (auto inst = v.as<InstanceValue>(); inst && (inst->cls->attr("__bool__") || inst->cls->attr("__len__"))) {
    return unsupported(fmt::format("{} on an instance of {}, whose truth its __bool__/__len__ decides",
                                   use, inst->cls->name),
                       expr.span);
  }
  return truthy(v);
}

std::optional<Stop> Evaluator::check_known(const Value&, const Expr&, std::string_view)
{
  return std::nullopt;
}

std::optional<Flow<Value>> Evaluator::binary_object(BinaryOperator, const Value&, const Value&,
                                                    const Expr&)
{
  return std::nullopt;
}

std::optional<Flow<Value>> Evaluator::compare_object(CompareOperator, const Value&, const Value&,
                                                     const Expr&)
{
  return std::nullopt;
}

std::optional<Flow<Value>> Evaluator::unary_object(UnaryOperator, const Value&, const Expr&)
{
  return std::nullopt;
}

Flow<std::vector<Value>> Evaluator::iterate_object(const ObjectPtr& object, const Expr& expr)
{
  return unsupported(fmt::format("iteration over {} (`{}`)", object->describe(), text(expr.span)),
                     expr.span);
}

std::optional<Flow<std::optional<Value>>> Evaluator::next_of_object(const ObjectPtr&, const Expr&)
{
  return std::nullopt;
}

Flow<Value> Evaluator::subscript_object(const ObjectPtr& object, const Value& key, const Expr& expr)
{
  return unsupported(fmt::format("subscript `{}` of {}", text(expr.span), object->describe()),
                     expr.span);
  (void)key;
}

Value builtin_value(const std::string& name)
{
  // One object per builtin, as in Python: `type(x) is int` compares identities.
  // Per thread: an evaluation runs on one thread, and identity only matters within it.
  thread_local std::unordered_map<std::string, ObjectPtr> builtins;
  ObjectPtr& b = builtins[name];
  if (!b) {
    auto made = std::make_shared<BuiltinValue>();
    made->name = name;
    b = std::move(made);
  }
  return Value(b);
}

Value bind_function(const FunctionValue& fn, const Value& self)
{
  auto bound = std::make_shared<BoundFunction>();
  bound->self = self;
  bound->def = fn.def;
  bound->closure = fn.closure;
  bound->module = fn.module;
  return Value(ObjectPtr(bound));
}

Value bind_to_instance(const Value& self, const Value& attribute)
{
  auto fn = attribute.as<FunctionValue>();
  // Static methods stay plain functions; so do functions under a decorator miglint does
  // not know, whose calls are unverifiable.
  if (!fn || fn->binding == FunctionValue::Binding::static_method || !fn->unknown_decorator.empty()) {
    return attribute;
  }
  if (fn->binding == FunctionValue::Binding::class_method) {
    if (auto inst = self.as<InstanceValue>()) return bind_function(*fn, Value(ObjectPtr(inst->cls)));
  }
  return bind_function(*fn, self);
}

const Value* ClassValue::attr(const std::string& key) const
{
  for (const auto& [k, v] : attrs) {
    if (k == key) return &v;
  }
  for (const Value& b : bases) {
    if (auto base = b.as<ClassValue>()) {
      if (const Value* v = base->attr(key)) return v;
    }
  }
  return nullptr;
}

Value Evaluator::import_module(const std::string& dotted)
{
  return Value(ObjectPtr(std::make_shared<Namespace>(dotted, false)));
}

std::optional<Stop> Evaluator::bind_import(const Stmt& stmt)
{
  const std::uint32_t line = line_of(stmt.span);
  auto at_line = [line](Value v) {
    if (auto ns = v.as<Namespace>()) ns->import_line = line;
    return v;
  };
  if (const auto* imp = stmt.as<Import>()) {
    for (const Alias& a : imp->names) {
      if (!a.asname.empty()) {
        set(a.asname, at_line(import_module(a.name)));
      } else {
        // `import a.b` binds `a`.
        const std::string top = a.name.substr(0, a.name.find('.'));
        set(top, at_line(import_module(top)));
      }
    }
    return std::nullopt;
  }
  const auto& from = *stmt.as<ImportFrom>();
  if (from.level > 0 && m_module) {
    // Relative to the application module this code belongs to.
    std::string package = m_module->dotted;
    for (int up = m_module->package ? 1 : 0; up < from.level; ++up) {
      const auto dot = package.rfind('.');
      package = dot == std::string::npos ? std::string() : package.substr(0, dot);
    }
    const std::string base = from.module.empty() ? package
                             : package.empty()   ? from.module
                                                 : package + "." + from.module;
    for (const Alias& a : from.names) {
      if (a.name == "*" || base.empty()) continue;
      set(a.asname.empty() ? a.name : a.asname, at_line(import_module(base + "." + a.name)));
    }
    return std::nullopt;
  }
  if (from.level > 0) {
    for (const Alias& a : from.names) {
      auto ns = std::make_shared<Namespace>("." + from.module + "." + a.name, false);
      ns->import_line = line;
      set(a.asname.empty() ? a.name : a.asname, Value(ObjectPtr(ns)));
    }
    return std::nullopt;
  }
  for (const Alias& a : from.names) {
    if (a.name == "*") continue;
    set(a.asname.empty() ? a.name : a.asname, at_line(import_module(from.module + "." + a.name)));
  }
  return std::nullopt;
}

void Evaluator::exec_module_definition(const Stmt& stmt)
{
  auto stop = exec(stmt);
  if (!stop || stop->kind == Stop::Kind::returned) return;
  std::vector<std::string> names;
  std::function<void(const Expr&)> targets = [&](const Expr& t) {
    if (const auto* n = t.as<Name>()) names.push_back(n->id);
    if (const auto* tuple = t.as<Tuple>()) {
      for (const ExprPtr& e : tuple->elts) targets(*e);
    }
  };
  if (const auto* c = stmt.as<ClassDef>()) names.push_back(c->name);
  if (const auto* a = stmt.as<Assign>()) {
    for (const ExprPtr& t : a->targets) targets(*t);
  }
  if (const auto* a = stmt.as<AnnAssign>()) targets(*a->target);
  const std::string where = m_module ? fmt::format("{}:{}", m_module->path, line_of(stop->span))
                                     : fmt::format("line {}", line_of(stop->span));
  for (const std::string& n : names) {
    if (lookup(n)) continue;
    m_unbound[(m_module ? m_module->dotted : std::string()) + ":" + n] =
        fmt::format("{} ({})", stop->message, where);
  }
}

void Evaluator::load_module(const Module& module)
{
  for (const StmtPtr& s : module.body) {
    if (s->is<Import>() || s->is<ImportFrom>()) {
      bind_import(*s);
    } else if (const auto* f = s->as<FunctionDef>()) {
      auto fn = std::make_shared<FunctionValue>();
      fn->def = f;
      m_globals[f->name] = Value(ObjectPtr(fn));
    } else if (s->is<Assign>() || s->is<AnnAssign>() || s->is<AugAssign>() || s->is<ClassDef>() ||
               s->is<If>() || s->is<For>() || s->is<Try>()) {
      // Module constants (`INDEX = "ix_users_email"`, `users = sa.table(...)`), classes,
      // and the loops and conditions that compute them; a value the evaluator cannot
      // compute stays unbound and is reported where it is used.
      exec_module_definition(*s);
    }
  }
}

std::optional<Stop> Evaluator::run_function(const FunctionDef& def)
{
  m_frames.push_back(std::make_shared<Frame>());
  auto stop = exec_block(def.body);
  m_frames.pop_back();
  if (stop && stop->kind == Stop::Kind::returned) return std::nullopt;
  return stop;
}

std::optional<Stop> Evaluator::exec_block(const Block& block)
{
  for (const StmtPtr& s : block) {
    if (auto stop = exec(*s)) return stop;
  }
  return std::nullopt;
}

std::optional<Stop> Evaluator::assign(const Expr& target, const Value& value)
{
  if (const auto* n = target.as<Name>()) {
    set(n->id, value);
    return std::nullopt;
  }
  const ExprList* elts = nullptr;
  if (const auto* t = target.as<Tuple>()) elts = &t->elts;
  if (const auto* l = target.as<List>()) elts = &l->elts;
  if (elts) {
    auto items = iterate(value, target);
    if (!items) return items.stop();
    if (items->size() != elts->size()) {
      return failure(fmt::format("cannot unpack {} values into {} names", items->size(),
                                 elts->size()),
                     target.span);
    }
    for (std::size_t i = 0; i < elts->size(); ++i) {
      if (auto stop = assign(*(*elts)[i], (*items)[i])) return stop;
    }
    return std::nullopt;
  }
  if (const auto* sub = target.as<Subscript>()) {
    // `d[k] = v`, `l[i] = v` on containers the revision built.
    auto base = eval(*sub->value);
    if (!base) return base.stop();
    auto key = eval(*sub->slice);
    if (!key) return key.stop();
    if (DictValue* d = base->mutable_dict()) {
      for (auto& kv : d->items) {
        if (equal(kv.first, *key)) {
          kv.second = value;
          return std::nullopt;
        }
      }
      d->items.emplace_back(*key, value);
      return check_size(*base, target.span);
    }
    if (ListValue* l = base->mutable_list(); l && !l->tuple) {
      if (auto i = as_int(*key)) {
        const auto n = static_cast<std::int64_t>(l->items.size());
        const std::int64_t at = *i < 0 ? *i + n : *i;
        if (at < 0 || at >= n) return failure("IndexError: list assignment index out of range", target.span);
        l->items[static_cast<std::size_t>(at)] = value;
        return std::nullopt;
      }
    }
  }
  if (const auto* attr = target.as<Attribute>()) {
    // `self.name = v` in a class the revision defines.
    auto base = eval(*attr->value);
    if (!base) return base.stop();
    if (auto inst = base->as<InstanceValue>()) {
      inst->attrs[attr->attr] = value;
      return std::nullopt;
    }
    if (const ObjectPtr* o = base->object()) return assign_attribute(*o, attr->attr, value, target);
  }
  return unsupported(fmt::format("assignment to `{}`", text(target.span)), target.span);
}

std::optional<Stop> Evaluator::assign_attribute(const ObjectPtr&, const std::string&, const Value&,
                                                const Expr& target)
{
  return unsupported(fmt::format("assignment to `{}`", text(target.span)), target.span);
}

std::optional<Stop> Evaluator::class_defined(const std::shared_ptr<ClassValue>&, const ClassDef&)
{
  return std::nullopt;
}

std::optional<Stop> Evaluator::exec(const Stmt& stmt)
{
  if (auto stop = tick(stmt.span)) return stop;
  return exec_inner(stmt);
}

std::optional<Stop> Evaluator::define_class(const Stmt& stmt, const ClassDef& def)
{
  auto cls = std::make_shared<ClassValue>();
  cls->name = def.name;
  for (const ExprPtr& b : def.bases) {
    // `class T(TypeDecorator[datetime])`: a generic alias stands for its origin.
    const Expr& base = b->is<Subscript>() ? *b->as<Subscript>()->value : *b;
    auto v = eval(base);
    if (!v) return v.stop();
    if (auto ns = v->as<Namespace>(); ns && (ns->path == "enum.Enum" || ns->path == "enum.IntEnum" ||
                                            ns->path == "enum.StrEnum")) {
      cls->is_enum = true;
      cls->value_enum = cls->value_enum || ns->path != "enum.Enum";
    }
    if (auto ns = v->as<Namespace>(); ns && (ns->path == "typing.NamedTuple" || ns->path == "typing_extensions.NamedTuple")) {
      cls->is_dataclass = true;
    }
    if (auto b = v->as<BuiltinValue>(); b && (b->name == "str" || b->name == "int")) cls->value_enum = true;
    if (auto base = v->as<ClassValue>()) {
      cls->is_enum = cls->is_enum || base->is_enum;
      cls->value_enum = cls->value_enum || base->value_enum;
      if (base->is_dataclass) cls->fields = base->fields;
    }
    cls->bases.push_back(*v);
  }
  if (!cls->is_enum) cls->value_enum = false;
  for (const ExprPtr& d : def.decorators) {
    auto v = eval(*d);
    if (!v) return v.stop();
    auto ns = v->as<Namespace>();
    if (ns && (ns->path == "dataclasses.dataclass" || ns->path == "enum.unique")) {
      cls->is_dataclass = cls->is_dataclass || ns->path == "dataclasses.dataclass";
      continue;
    }
    cls->unknown_decorator = text(d->span);
  }
  // The body runs in its own scope; what it binds becomes the class's attributes.
  auto frame = std::make_shared<Frame>();
  frame->parent = m_frames.empty() ? nullptr : m_frames.back();
  frame->class_cell = cls;
  m_frames.push_back(frame);
  std::optional<Stop> stop = exec_block(def.body);
  m_frames.pop_back();
  if (stop) return stop;
  std::int64_t next_auto = 1;
  for (const StmtPtr& s : def.body) {
    if (const auto* a = s->as<AnnAssign>(); a && cls->is_dataclass) {
      // Dataclass fields: annotated names, except ClassVar ones.
      const std::string hint = text(a->annotation->span);
      if (const auto* n = a->target->as<Name>(); n && hint.find("ClassVar") == std::string::npos &&
                                                 std::find(cls->fields.begin(), cls->fields.end(), n->id) == cls->fields.end()) {
        cls->fields.push_back(n->id);
      }
    }
    // Definition order, as Python keeps it (enum members, declarative columns).
    std::vector<std::string> bound;
    if (const auto* a = s->as<Assign>()) {
      for (const ExprPtr& t : a->targets) {
        if (const auto* n = t->as<Name>()) bound.push_back(n->id);
      }
    } else if (const auto* a = s->as<AnnAssign>()) {
      if (const auto* n = a->target->as<Name>()) bound.push_back(n->id);
    } else if (const auto* f = s->as<FunctionDef>()) {
      bound.push_back(f->name);
    }
    for (const std::string& n : bound) {
      auto it = frame->vars.find(n);
      if (it == frame->vars.end()) continue;
      bool seen = false;
      for (auto& kv : cls->attrs) seen = seen || kv.first == n;
      if (seen) continue;
      Value v = it->second;
      if (cls->is_enum && !n.starts_with("_") && !v.as<FunctionValue>()) {
        if (v.as<AutoValue>()) {
          // enum.auto(): the next integer, or the lowercased name for a StrEnum.
          const bool str_enum = cls->value_enum && std::any_of(cls->bases.begin(), cls->bases.end(), [](const Value& b) {
            auto ns = b.as<Namespace>();
            auto builtin = b.as<BuiltinValue>();
            return (ns && ns->path == "enum.StrEnum") || (builtin && builtin->name == "str");
          });
          if (str_enum) {
            return unsupported(fmt::format("enum.auto() in the str enum {}", def.name), s->span);
          }
          v = Value(next_auto);
        }
        if (auto i = v.integer()) next_auto = *i + 1;
        for (const auto& kv : cls->attrs) {
          // An alias: a second name for an existing value is the same member.
          if (auto m = kv.second.as<EnumMember>(); m && equal(m->value, v)) v = kv.second;
        }
        if (!v.as<EnumMember>()) {
          auto member = std::make_shared<EnumMember>();
          member->cls = def.name;
          member->name = n;
          member->value = v;
          member->value_like = cls->value_enum;
          v = Value(ObjectPtr(member));
        }
      }
      cls->attrs.emplace_back(n, v);
    }
  }
  for (auto& [k, v] : frame->vars) {
    bool seen = false;
    for (auto& kv : cls->attrs) seen = seen || kv.first == k;
    if (!seen) cls->attrs.emplace_back(k, v);
  }
  if (auto stop = class_defined(cls, def)) return stop;
  set(def.name, Value(ObjectPtr(cls)));
  (void)stmt;
  return std::nullopt;
}

std::optional<Stop> Evaluator::exec_inner(const Stmt& stmt)
{
  if (const auto* e = stmt.as<ExprStmt>()) {
    auto v = eval(*e->value);
    if (!v) return v.stop();
    return expression_statement(*v, stmt);
  }
  if (const auto* a = stmt.as<Assign>()) {
    auto v = eval(*a->value);
    if (!v) return v.stop();
    for (const ExprPtr& t : a->targets) {
      if (auto stop = assign(*t, *v)) return stop;
    }
    return std::nullopt;
  }
  if (const auto* a = stmt.as<AnnAssign>()) {
    if (!a->value) return std::nullopt;
    auto v = eval(*a->value);
    if (!v) return v.stop();
    return assign(*a->target, *v);
  }
  if (const auto* a = stmt.as<AugAssign>()) {
    auto current = eval(*a->target);
    if (!current) return current.stop();
    auto v = eval(*a->value);
    if (!v) return v.stop();
    auto r = binary(a->op, *current, *v, *a->value);
    if (!r) return r.stop();
    return assign(*a->target, *r);
  }
  if (stmt.is<Pass>()) return std::nullopt;
  if (stmt.is<Break>()) {
    Stop s;
    s.kind = Stop::Kind::broke;
    return s;
  }
  if (stmt.is<Continue>()) {
    Stop s;
    s.kind = Stop::Kind::continued;
    return s;
  }
  if (const auto* r = stmt.as<Return>()) {
    Stop s;
    s.kind = Stop::Kind::returned;
    s.span = stmt.span;
    if (r->value) {
      auto v = eval(*r->value);
      if (!v) return v.stop();
      s.value = *v;
    }
    return s;
  }
  if (stmt.is<Raise>()) {
    Stop s;
    s.kind = Stop::Kind::raised;
    s.span = stmt.span;
    s.message = text(stmt.span);
    return s;
  }
  if (const auto* i = stmt.as<If>()) {
    auto test = eval(*i->test);
    if (!test) return test.stop();
    auto taken = condition(*test, *i->test, "an if");
    if (!taken) return taken.stop();
    return exec_block(*taken ? i->body : i->orelse);
  }
  if (const auto* w = stmt.as<While>()) {
    for (;;) {
      auto test = eval(*w->test);
      if (!test) return test.stop();
      auto more = condition(*test, *w->test, "a while loop");
      if (!more) return more.stop();
      if (!*more) break;
      auto stop = exec_block(w->body);
      if (stop && stop->kind == Stop::Kind::broke) return std::nullopt;
      if (stop && stop->kind != Stop::Kind::continued) return stop;
      if (auto bound = tick(stmt.span)) return bound;
    }
    return exec_block(w->orelse);
  }
  if (const auto* c = stmt.as<ClassDef>()) return define_class(stmt, *c);
  if (const auto* f = stmt.as<For>()) {
    auto iterable = eval(*f->iter);
    if (!iterable) return iterable.stop();
    auto items = iterate(*iterable, *f->iter);
    if (!items) return items.stop();
    for (const Value& item : *items) {
      if (auto stop = assign(*f->target, item)) return stop;
      auto stop = exec_block(f->body);
      if (stop && stop->kind == Stop::Kind::broke) return std::nullopt;
      if (stop && stop->kind != Stop::Kind::continued) return stop;
    }
    return exec_block(f->orelse);
  }
  if (const auto* w = stmt.as<With>()) {
    std::vector<std::pair<Value, Value>> entered;
    for (const WithItem& item : w->items) {
      auto manager = eval(*item.context_expr);
      if (!manager) return manager.stop();
      auto value = enter_context(*manager, *item.context_expr);
      if (!value) return value.stop();
      if (item.optional_vars) {
        if (auto stop = assign(*item.optional_vars, *value)) return stop;
      }
      entered.emplace_back(*manager, *value);
    }
    auto stop = exec_block(w->body);
    const bool completed = !stop || stop->kind == Stop::Kind::returned;
    for (auto it = entered.rbegin(); it != entered.rend(); ++it) {
      if (auto exit_stop = exit_context(it->first, it->second, completed)) {
        if (completed) return exit_stop;
      }
    }
    return stop;
  }
  if (stmt.is<Import>() || stmt.is<ImportFrom>()) return bind_import(stmt);
  if (const auto* f = stmt.as<FunctionDef>()) {
    auto fn = std::make_shared<FunctionValue>();
    fn->def = f;
    fn->module = m_module;
    if (!m_frames.empty()) fn->closure = m_frames.back();
    for (const ExprPtr& d : f->decorators) apply_decorator(*fn, *d);
    set(f->name, Value(ObjectPtr(fn)));
    return std::nullopt;
  }
  if (const auto* t = stmt.as<Try>()) {
    // A try whose body runs cleanly needs no handler. One whose SQL failed goes on failing
    // when no handler can catch a database error; other handlers are not interpreted.
    if (auto stop = exec_block(t->body)) {
      if (stop->kind == Stop::Kind::failed || stop->kind == Stop::Kind::raised) {
        if (!t->handlers.empty() && !(stop->kind == Stop::Kind::failed && no_handler_catches_sql_failure(*t, *stop))) {
          return unsupported("a try/except whose body fails", stmt.span);
        }
      }
      return stop;
    }
    if (auto stop = exec_block(t->orelse)) return stop;
    return exec_block(t->finalbody);
  }
  if (stmt.is<Global>() || stmt.is<Nonlocal>()) return std::nullopt;
  if (const auto* m = stmt.as<Match>()) return exec_match(*m);
  if (const auto* t = stmt.as<TypeAlias>()) {
    // Only a name for a type hint; nothing a migration runs depends on it.
    set(t->name, Value(ObjectPtr(std::make_shared<Namespace>("typing.TypeAliasType", true))));
    return std::nullopt;
  }
  if (const auto* a = stmt.as<Assert>()) {
    auto test = eval(*a->test);
    if (!test) return test.stop();
    auto ok = condition(*test, *a->test, "an assert");
    if (!ok) return ok.stop();
    if (*ok) return std::nullopt;
    Stop s;
    s.kind = Stop::Kind::raised;
    s.span = stmt.span;
    s.message = text(stmt.span);
    return s;
  }
  const char* what = "statement";
  if (stmt.is<Assert>()) what = "assert";
  else if (stmt.is<Delete>()) what = "del";
  return unsupported(fmt::format("{} `{}`", what, text(stmt.span)), stmt.span);
}

void Evaluator::apply_decorator(FunctionValue& fn, const Expr& decorator)
{
  if (const auto* name = decorator.as<Name>(); name && !lookup(name->id)) {
    if (name->id == "classmethod") fn.binding = FunctionValue::Binding::class_method;
    else if (name->id == "staticmethod") fn.binding = FunctionValue::Binding::static_method;
    else fn.unknown_decorator = text(decorator.span);
    return;
  }
  // Decorators that return the function itself (or a cache of it, for pure helpers).
  static const char* const k_transparent[] = {
    "functools.lru_cache", "functools.cache", "typing.overload", "typing.final",
    "typing.override", "typing_extensions.override", "typing_extensions.final",
    "abc.abstractmethod"};
  const Expr* target = &decorator;
  if (const auto* call = decorator.as<Call>()) target = call->func.get(); // @lru_cache(maxsize=8)
  auto v = eval(*target);
  if (v) {
    if (auto ns = v->as<Namespace>()) {
      for (const char* path : k_transparent) {
        if (ns->path == path) return;
      }
    }
  }
  fn.unknown_decorator = text(decorator.span);
}

bool Evaluator::no_handler_catches_sql_failure(const Try& t, const Stop& failure)
{
  // Only a statement SQLite refused raises a DatabaseError; a NUL in the text, or more than
  // one statement, is pysqlite's ProgrammingError instead (see sqlite::Connection).
  if (failure.statement.empty() || failure.message.find("NUL character") != std::string::npos ||
      failure.message.find("more than one statement") != std::string::npos) {
    return false;
  }
  auto class_path = [&](const Expr& type) -> std::optional<std::string> {
    if (const auto* name = type.as<Name>(); name && !lookup(name->id)) return "builtins." + name->id;
    auto v = eval(type);
    if (!v) return std::nullopt;
    if (auto ns = v->as<Namespace>(); ns && ns->known) return ns->path;
    if (auto ns = v->as<Namespace>(); ns && (ns->path.starts_with("psycopg2") || ns->path.starts_with("psycopg"))) {
      return ns->path;
    }
    return std::nullopt;
  };
  for (const ExceptHandler& handler : t.handlers) {
    if (!handler.type || handler.star) return false;
    std::vector<const Expr*> types;
    if (const auto* tuple = handler.type->as<Tuple>()) {
      for (const auto& e : tuple->elts) types.push_back(e.get());
    } else {
      types.push_back(handler.type.get());
    }
    for (const Expr* type : types) {
      auto path = class_path(*type);
      if (!path || !cannot_catch_database_error(*path)) return false;
    }
  }
  return true;
}

Flow<std::vector<Value>> Evaluator::iterate(const Value& v, const Expr& expr)
{
  if (auto l = v.list()) return l->items;
  if (auto d = v.dict()) {
    std::vector<Value> keys;
    for (const auto& kv : d->items) keys.push_back(kv.first);
    return keys;
  }
  if (auto s = v.str()) {
    std::vector<Value> chars;
    for (char c : *s) chars.emplace_back(std::string(1, c));
    return chars;
  }
  if (auto cls = v.as<ClassValue>(); cls && cls->is_enum) {
    std::vector<Value> members;
    for (const auto& kv : cls->attrs) {
      // Aliases (a second name for a value) are not iterated.
      if (auto m = kv.second.as<EnumMember>(); m && m->name == kv.first) members.push_back(kv.second);
    }
    return members;
  }
  if (auto it = v.as<IteratorValue>()) {
    std::vector<Value> rest(it->items.begin() + static_cast<std::ptrdiff_t>(it->next), it->items.end());
    it->next = it->items.size();
    return rest;
  }
  if (const ObjectPtr* o = v.object()) return iterate_object(*o, expr);
  return unsupported(fmt::format("iteration over {} (`{}`)", type_name(v), text(expr.span)),
                     expr.span);
}

Flow<Value> Evaluator::eval(const Expr& expr)
{
  if (auto stop = tick(expr.span)) return *stop;
  return eval_inner(expr);
}

Flow<Value> Evaluator::eval_inner(const Expr& expr)
{
  if (const auto* n = expr.as<Name>()) {
    if (const Value* v = lookup(n->id)) return *v;
    if (is_builtin_name(n->id)) return builtin_value(n->id);
    // The module's import name depends on how Alembic loads the file: unknown here.
    if (n->id == "__name__") return Value(ObjectPtr(std::make_shared<OpaqueCall>("__name__")));
    if (n->id == "True") return Value(true);
    if (n->id == "False") return Value(false);
    if (n->id == "None") return Value();
    if (n->id == "NotImplementedError" || n->id == "Exception" || n->id == "RuntimeError" ||
        n->id == "ValueError") {
      return builtin_value(n->id);
    }
    if (auto it = m_unbound.find((m_module ? m_module->dotted : std::string()) + ":" + n->id); it != m_unbound.end()) {
      return unsupported(fmt::format("`{}`, whose module-level definition stopped: {}", n->id, it->second),
                         expr.span);
    }
    return unsupported(fmt::format("name `{}`, which is not defined in the revision", n->id),
                       expr.span);
  }
  if (const auto* c = expr.as<Constant>()) {
    switch (c->kind) {
    case Constant::Kind::none: return Value();
    case Constant::Kind::boolean: return Value(c->boolean);
    case Constant::Kind::string: return Value(c->value);
    case Constant::Kind::integer:
      if (c->int_fits) return Value(c->int_value);
      break;
    case Constant::Kind::floating: return Value(c->float_value);
    case Constant::Kind::bytes: {
      auto b = std::make_shared<BytesValue>();
      b->data = c->value;
      return Value(ObjectPtr(b));
    }
    default: break;
    }
    return unsupported(fmt::format("literal `{}`", text(expr.span)), expr.span);
  }
  if (const auto* j = expr.as<JoinedStr>()) {
    std::string out;
    for (const ExprPtr& part : j->values) {
      if (const auto* fv = part->as<FormattedValue>()) {
        auto v = eval(*fv->value);
        if (!v) return v.stop();
        if (auto stop = check_known(*v, *fv->value, "an f-string")) return *stop;
        if (fv->format_spec) {
          auto spec = eval(*fv->format_spec);
          if (!spec) return spec.stop();
          auto formatted = spec->str() ? format_spec(*v, *spec->str()) : std::nullopt;
          if (!formatted) {
            return unsupported(fmt::format("f-string format spec in `{}`", text(expr.span)),
                               expr.span);
          }
          out += *formatted;
        } else {
          out += fv->conversion == 'r' ? to_repr(*v) : to_str(*v);
        }
      } else {
        auto v = eval(*part);
        if (!v) return v.stop();
        out += to_str(*v);
      }
      if (out.size() > m_limits.max_string) return *check_size(Value(out), expr.span);
    }
    return Value(out);
  }
  if (const auto* a = expr.as<Attribute>()) return eval_attribute(expr, *a);
  if (const auto* c = expr.as<Call>()) return eval_call(expr, *c);
  if (expr.is<Tuple>() || expr.is<List>() || expr.is<Set>()) {
    const ExprList* elts = nullptr;
    if (const auto* t = expr.as<Tuple>()) elts = &t->elts;
    if (const auto* l = expr.as<List>()) elts = &l->elts;
    if (const auto* s = expr.as<Set>()) elts = &s->elts;
    std::vector<Value> items;
    for (const ExprPtr& e : *elts) {
      if (const auto* star = e->as<Starred>()) {
        auto v = eval(*star->value);
        if (!v) return v.stop();
        auto inner = iterate(*v, *e);
        if (!inner) return inner.stop();
        items.insert(items.end(), inner->begin(), inner->end());
        continue;
      }
      auto v = eval(*e);
      if (!v) return v.stop();
      items.push_back(*v);
    }
    return make_list(std::move(items), expr.is<Tuple>());
  }
  if (const auto* d = expr.as<Dict>()) {
    auto out = std::make_shared<DictValue>();
    for (std::size_t i = 0; i < d->keys.size(); ++i) {
      auto v = eval(*d->values[i]);
      if (!v) return v.stop();
      if (!d->keys[i]) {
        const DictValue* other = v->dict();
        if (!other) return unsupported("`**` of a non-dict", expr.span);
        for (const auto& kv : other->items) out->items.push_back(kv);
        continue;
      }
      auto k = eval(*d->keys[i]);
      if (!k) return k.stop();
      bool replaced = false;
      for (auto& kv : out->items) {
        if (equal(kv.first, *k)) {
          kv.second = *v;
          replaced = true;
        }
      }
      if (!replaced) out->items.emplace_back(*k, *v);
    }
    return Value(out);
  }
  if (const auto* b = expr.as<BinOp>()) {
    auto l = eval(*b->left);
    if (!l) return l.stop();
    auto r = eval(*b->right);
    if (!r) return r.stop();
    auto v = binary(b->op, *l, *r, expr);
    if (v) {
      if (auto stop = check_size(*v, expr.span)) return *stop;
    }
    return v;
  }
  if (const auto* u = expr.as<UnaryOp>()) {
    auto v = eval(*u->operand);
    if (!v) return v.stop();
    if (v->object()) {
      if (auto r = unary_object(u->op, *v, expr)) return *r;
    }
    if (u->op == UnaryOperator::not_) {
      auto t = condition(*v, *u->operand, "`not`");
      if (!t) return t.stop();
      return Value(!*t);
    }
    if (auto i = v->integer()) return Value(u->op == UnaryOperator::minus ? -*i : *i);
    if (auto d = v->floating()) return Value(u->op == UnaryOperator::minus ? -*d : *d);
    return unsupported(fmt::format("operator in `{}`", text(expr.span)), expr.span);
  }
  if (const auto* b = expr.as<BoolOp>()) {
    Value last;
    for (const ExprPtr& e : b->values) {
      auto v = eval(*e);
      if (!v) return v.stop();
      last = *v;
      auto t = condition(last, *e, b->op == BoolOperator::and_ ? "`and`" : "`or`");
      if (!t) return t.stop();
      if ((b->op == BoolOperator::and_) != *t) return last;
    }
    return last;
  }
  if (const auto* c = expr.as<Compare>()) {
    auto left = eval(*c->left);
    if (!left) return left.stop();
    Value l = *left;
    for (std::size_t i = 0; i < c->ops.size(); ++i) {
      auto r = eval(*c->comparators[i]);
      if (!r) return r.stop();
      auto result = compare(c->ops[i], l, *r, expr);
      if (!result) return result;
      // `a < b < c` is `a < b and b < c`: the last result, or the first false one.
      if (i + 1 == c->ops.size()) return result;
      auto t = condition(*result, expr, "a chained comparison");
      if (!t) return t.stop();
      if (!*t) return result;
      l = *r;
    }
    return Value(true);
  }
  if (const auto* i = expr.as<IfExp>()) {
    auto test = eval(*i->test);
    if (!test) return test.stop();
    auto t = condition(*test, *i->test, "a conditional expression");
    if (!t) return t.stop();
    return eval(*t ? *i->body : *i->orelse);
  }
  if (const auto* l = expr.as<Lambda>()) {
    auto fn = std::make_shared<LambdaValue>();
    fn->def = l;
    if (!m_frames.empty()) fn->closure = m_frames.back();
    return Value(ObjectPtr(fn));
  }
  if (const auto* dc = expr.as<DictComp>()) {
    // Evaluated as a list comprehension of (key, value) pairs.
    auto pairs = comprehension(expr, *dc->key, dc->generators, dc->value.get());
    if (!pairs) return pairs;
    auto out = std::make_shared<DictValue>();
    for (const Value& pair : pairs->list()->items) {
      const Value& k = pair.list()->items[0];
      const Value& v = pair.list()->items[1];
      bool replaced = false;
      for (auto& kv : out->items) {
        if (equal(kv.first, k)) {
          kv.second = v;
          replaced = true;
        }
      }
      if (!replaced) out->items.emplace_back(k, v);
    }
    return Value(out);
  }
  if (const auto* s = expr.as<Subscript>()) return subscript(expr, *s);
  if (const auto* n = expr.as<NamedExpr>()) {
    auto v = eval(*n->value);
    if (!v) return v;
    if (auto stop = assign(*n->target, *v)) return *stop;
    return v;
  }
  if (const auto* l = expr.as<ListComp>()) return comprehension(expr, *l->elt, l->generators);
  if (const auto* g = expr.as<GeneratorExp>()) return comprehension(expr, *g->elt, g->generators);
  if (const auto* sc = expr.as<SetComp>()) return comprehension(expr, *sc->elt, sc->generators);
  return unsupported(fmt::format("expression `{}`", text(expr.span)), expr.span);
}

Flow<Value> Evaluator::subscript(const Expr& expr, const Subscript& s)
{
  auto base = eval(*s.value);
  if (!base) return base.stop();
  if (is_type_hint(*base)) return *base; // Tuple[int, ...], Callable[[int], str]
  if (const auto* sl = s.slice->as<Slice>()) {
    // `x[a:b:c]` on a list, tuple or string.
    std::optional<std::int64_t> bounds[3];
    const ExprPtr* parts[3] = {&sl->lower, &sl->upper, &sl->step};
    for (int k = 0; k < 3; ++k) {
      if (!*parts[k]) continue;
      auto v = eval(**parts[k]);
      if (!v) return v.stop();
      if (v->is_none()) continue;
      bounds[k] = as_int(*v);
      if (!bounds[k]) return unsupported(fmt::format("slice `{}`", text(expr.span)), expr.span);
    }
    const std::int64_t step = bounds[2].value_or(1);
    const ListValue* l = base->list();
    const std::string* str = base->str();
    if ((!l && !str) || step == 0) {
      return unsupported(fmt::format("slice `{}`", text(expr.span)), expr.span);
    }
    const auto n = static_cast<std::int64_t>(l ? l->items.size() : str->size());
    auto clamp = [n, step](std::optional<std::int64_t> v, bool lower) {
      if (!v) return step > 0 ? (lower ? std::int64_t{0} : n) : (lower ? n - 1 : std::int64_t{-1});
      std::int64_t x = *v < 0 ? *v + n : *v;
      if (step > 0) return std::clamp<std::int64_t>(x, 0, n);
      return std::clamp<std::int64_t>(x, -1, n - 1);
    };
    const std::int64_t from = clamp(bounds[0], true);
    const std::int64_t to = clamp(bounds[1], false);
    std::vector<Value> items;
    std::string out;
    for (std::int64_t i = from; step > 0 ? i < to : i > to; i += step) {
      if (l) items.push_back(l->items[static_cast<std::size_t>(i)]);
      else out += (*str)[static_cast<std::size_t>(i)];
    }
    if (str) return Value(out);
    return make_list(std::move(items), l->tuple);
  }
  auto key = eval(*s.slice);
  if (!key) return key.stop();
  if (base->list() || base->dict() || base->str()) {
    if (auto stop = check_known(*key, *s.slice, "a subscript")) return *stop;
  }
  if (auto l = base->list()) {
    if (auto i = as_int(*key)) {
      const auto n = static_cast<std::int64_t>(l->items.size());
      const std::int64_t at = *i < 0 ? *i + n : *i;
      if (at >= 0 && at < n) return l->items[static_cast<std::size_t>(at)];
      return failure("IndexError: index out of range", expr.span);
    }
  }
  if (auto d = base->dict()) {
    for (const auto& kv : d->items) {
      if (equal(kv.first, *key)) return kv.second;
    }
    if (d->default_factory) {
      // defaultdict: the factory's value is stored under the key and returned.
      if (auto stop = check_known(*key, expr, "a dict key")) return *stop;
      CallArgs none;
      none.span = expr.span;
      auto made = call_value(*d->default_factory, none, expr);
      if (!made) return made.stop();
      base->mutable_dict()->items.emplace_back(*key, *made);
      return *made;
    }
    return failure(fmt::format("KeyError: {}", to_repr(*key)), expr.span);
  }
  if (auto str = base->str()) {
    if (auto i = as_int(*key)) {
      const auto n = static_cast<std::int64_t>(str->size());
      const std::int64_t at = *i < 0 ? *i + n : *i;
      if (at >= 0 && at < n) return Value(std::string(1, (*str)[static_cast<std::size_t>(at)]));
      return failure("IndexError: string index out of range", expr.span);
    }
  }
  if (auto cls = base->as<ClassValue>(); cls && cls->is_enum && key->str()) {
    // `Status["ACTIVE"]`
    if (const Value* v = cls->attr(*key->str())) return *v;
    return failure(fmt::format("KeyError: {}", to_repr(*key)), expr.span);
  }
  if (is_type_hint(*base)) return *base; // Optional[str], List[int], dict[str, int]
  if (const ObjectPtr* o = base->object()) return subscript_object(*o, *key, expr);
  return unsupported(fmt::format("subscript `{}`", text(expr.span)), expr.span);
}

Flow<Value> Evaluator::comprehension(const Expr& expr, const Expr& elt,
                                     const std::vector<Comprehension>& generators,
                                     const Expr* value_elt)
{
  std::vector<Value> out;
  // Nested generators, left to right, as nested loops.
  std::function<std::optional<Stop>(std::size_t)> loop = [&](std::size_t g) -> std::optional<Stop> {
    if (g == generators.size()) {
      auto v = eval(elt);
      if (!v) return v.stop();
      if (value_elt) {
        auto second = eval(*value_elt);
        if (!second) return second.stop();
        out.push_back(make_list({*v, *second}, true));
      } else {
        out.push_back(*v);
      }
      if (out.size() > m_limits.max_string) return check_size(make_list(out), expr.span);
      return std::nullopt;
    }
    const Comprehension& gen = generators[g];
    auto iterable = eval(*gen.iter);
    if (!iterable) return iterable.stop();
    auto items = iterate(*iterable, *gen.iter);
    if (!items) return items.stop();
    for (const Value& item : *items) {
      if (auto stop = assign(*gen.target, item)) return stop;
      bool keep = true;
      for (const ExprPtr& cond : gen.ifs) {
        if (!keep) break;
        auto c = eval(*cond);
        if (!c) return c.stop();
        auto t = condition(*c, *cond, "a comprehension filter");
        if (!t) return t.stop();
        keep = *t;
      }
      if (keep) {
        if (auto stop = loop(g + 1)) return stop;
      }
    }
    return std::nullopt;
  };
  // Comprehension variables do not leak into the enclosing scope (Python 3); a fresh
  // frame whose parent is the current one keeps them local.
  auto frame = std::make_shared<Frame>();
  frame->parent = m_frames.empty() ? nullptr : m_frames.back();
  m_frames.push_back(frame);
  auto stop = loop(0);
  m_frames.pop_back();
  if (stop) return *stop;
  return make_list(std::move(out));
}

Flow<Value> Evaluator::binary(BinaryOperator op, const Value& a, const Value& b, const Expr& expr)
{
  if (a.object() || b.object()) {
    if (auto r = binary_object(op, a, b, expr)) return std::move(*r);
  }
  if (op == BinaryOperator::mult && (a.str() || a.list()) && b.integer()) {
    // Repetition: bounded before it is built.
    const std::size_t unit = a.str() ? a.str()->size() : a.list()->items.size();
    const std::int64_t times = std::max<std::int64_t>(*b.integer(), 0);
    if (unit > 0 && static_cast<std::uint64_t>(times) > m_limits.max_string / unit) {
      Stop s;
      s.kind = Stop::Kind::bounded;
      s.message = fmt::format("a {} of more than {} {}", type_name(a), m_limits.max_string,
                              a.str() ? "bytes" : "items");
      s.span = expr.span;
      return s;
    }
    if (a.list()) {
      std::vector<Value> items;
      for (std::int64_t i = 0; i < times; ++i) {
        items.insert(items.end(), a.list()->items.begin(), a.list()->items.end());
      }
      return make_list(std::move(items), a.list()->tuple);
    }
  }
  if (op == BinaryOperator::mod && a.str()) {
    // Values nobody knows statically (rows read back) cannot be formatted into text.
    std::vector<Value> parts;
    if (auto l = b.list()) parts = l->items;
    else if (auto d = b.dict()) for (const auto& kv : d->items) parts.push_back(kv.second);
    else parts.push_back(b);
    for (const Value& p : parts) {
      if (auto stop = check_known(p, expr, "string formatting")) return *stop;
    }
    if (auto s = percent_format(*a.str(), b)) return Value(*s);
    return unsupported(fmt::format("%-formatting in `{}`", text(expr.span)), expr.span);
  }
  if (op == BinaryOperator::add) {
    if (a.str() && b.str()) return Value(*a.str() + *b.str());
    if (a.list() && b.list()) {
      std::vector<Value> items = a.list()->items;
      items.insert(items.end(), b.list()->items.begin(), b.list()->items.end());
      return make_list(std::move(items), a.list()->tuple);
    }
  }
  if (op == BinaryOperator::mult && a.str() && b.integer()) {
    std::string out;
    for (std::int64_t i = 0; i < *b.integer(); ++i) out += *a.str();
    return Value(out);
  }
  const auto x = as_int(a);
  const auto y = as_int(b);
  if (x && y && !a.floating() && !b.floating()) {
    switch (op) {
    case BinaryOperator::add: return Value(*x + *y);
    case BinaryOperator::sub: return Value(*x - *y);
    case BinaryOperator::mult: return Value(*x * *y);
    case BinaryOperator::floor_div:
      if (*y != 0) return Value(static_cast<std::int64_t>(std::floor(double(*x) / double(*y))));
      break;
    case BinaryOperator::mod:
      if (*y != 0) return Value(((*x % *y) + *y) % *y);
      break;
    case BinaryOperator::div:
      if (*y != 0) return Value(double(*x) / double(*y));
      break;
    default: break;
    }
  }
  const auto p = as_number(a);
  const auto q = as_number(b);
  if (p && q) {
    switch (op) {
    case BinaryOperator::add: return Value(*p + *q);
    case BinaryOperator::sub: return Value(*p - *q);
    case BinaryOperator::mult: return Value(*p * *q);
    case BinaryOperator::div:
      if (*q != 0) return Value(*p / *q);
      break;
    default: break;
    }
  }
  return unsupported(fmt::format("operation `{}` on {} and {}", text(expr.span), type_name(a),
                                 type_name(b)),
                     expr.span);
}

Flow<Value> Evaluator::compare(CompareOperator op, const Value& a, const Value& b, const Expr& expr)
{
  if ((op == CompareOperator::eq || op == CompareOperator::not_eq_) && (a.object() || b.object())) {
    if (auto same = equal_values(a, b)) return Value(*same == (op == CompareOperator::eq));
  }
  if (a.object() || b.object()) {
    if (auto r = compare_object(op, a, b, expr)) return std::move(*r);
    // Identity is not equality for a value nobody knows: `row == 5`, `result is None`.
    if (auto stop = check_known(a, expr, "a comparison")) return *stop;
    if (auto stop = check_known(b, expr, "a comparison")) return *stop;
  }
  if (auto items = b.list(); items && (op == CompareOperator::in || op == CompareOperator::not_in)) {
    for (const Value& v : items->items) {
      if (auto stop = check_known(v, expr, "a membership test")) return *stop;
    }
  }
  switch (op) {
  case CompareOperator::eq: return Value(equal(a, b));
  case CompareOperator::not_eq_: return Value(!equal(a, b));
  case CompareOperator::is: return Value(equal(a, b) && (a.is_none() || a.object() || a.boolean()));
  case CompareOperator::is_not: return Value(!(equal(a, b) && (a.is_none() || a.object() || a.boolean())));
  case CompareOperator::in:
  case CompareOperator::not_in: {
    bool found = false;
    if (b.str() && a.str()) {
      found = b.str()->find(*a.str()) != std::string::npos;
    } else if (b.list() || b.dict()) {
      auto items = iterate(b, expr);
      if (!items) return items.stop();
      for (const Value& v : *items) found = found || equal(a, v);
    } else {
      break;
    }
    return Value(op == CompareOperator::in ? found : !found);
  }
  default: {
    if (a.str() && b.str()) {
      const int c = a.str()->compare(*b.str());
      switch (op) {
      case CompareOperator::lt: return Value(c < 0);
      case CompareOperator::lt_e: return Value(c <= 0);
      case CompareOperator::gt: return Value(c > 0);
      case CompareOperator::gt_e: return Value(c >= 0);
      default: break;
      }
    }
    const auto x = as_number(a);
    const auto y = as_number(b);
    if (x && y) {
      switch (op) {
      case CompareOperator::lt: return Value(*x < *y);
      case CompareOperator::lt_e: return Value(*x <= *y);
      case CompareOperator::gt: return Value(*x > *y);
      case CompareOperator::gt_e: return Value(*x >= *y);
      default: break;
      }
    }
  }
  }
  return unsupported(fmt::format("comparison `{}`", text(expr.span)), expr.span);
}

std::optional<bool> Evaluator::equal_values(const Value& a, const Value& b)
{
  // A str/int mixin enum member equals its value.
  if (auto m = a.as<EnumMember>(); m && m->value_like && !b.object()) return equal(m->value, b);
  if (auto m = b.as<EnumMember>(); m && m->value_like && !a.object()) return equal(a, m->value);
  // Dataclass instances compare their fields.
  auto x = a.as<InstanceValue>();
  auto y = b.as<InstanceValue>();
  if (x && y && x->cls->is_dataclass && y->cls->is_dataclass) {
    if (x->cls != y->cls) return false;
    for (const std::string& f : x->cls->fields) {
      auto same = equal_values(x->attrs[f], y->attrs[f]);
      if (!same || !*same) return same;
    }
    return true;
  }
  // Values of the standard library compare by value.
  auto text = [](const Value& v) -> std::optional<std::string> {
    if (auto t = v.as<TemporalValue>()) return t->python_type() + t->describe();
    if (auto u = v.as<UuidValue>()) return "uuid" + u->hex;
    if (auto by = v.as<BytesValue>()) return "bytes" + by->data;
    return std::nullopt;
  };
  const auto tx = text(a);
  const auto ty = text(b);
  if (tx || ty) {
    if (tx && ty) return *tx == *ty;
    return a.is_none() || b.is_none() || !(a.object() && b.object()) ? std::optional<bool>(false) : std::nullopt;
  }
  if (!a.object() && !b.object()) return equal(a, b);
  return std::nullopt;
}

Flow<Value> Evaluator::eval_attribute(const Expr& expr, const Attribute& attr)
{
  auto base = eval(*attr.value);
  if (!base) return base.stop();
  if (const ObjectPtr* o = base->object()) {
    if (auto ns = std::dynamic_pointer_cast<Namespace>(*o)) {
      if ((ns->path == "typing" || ns->path == "typing_extensions") && attr.attr == "TYPE_CHECKING") {
        return Value(false);
      }
      // The options of Alembic's Config (`context.config.cmd_opts`) depend on alembic.ini,
      // env.py and the command line: unknown values.
      const bool known = ns->known && ns->path != "alembic.context.config";
      auto child = std::make_shared<Namespace>(ns->path + "." + attr.attr, known);
      child->import_line = ns->import_line;
      return Value(ObjectPtr(child));
    }
    if (auto cls = std::dynamic_pointer_cast<ClassValue>(*o)) {
      if (const Value* v = cls->attr(attr.attr)) {
        auto fn = v->as<FunctionValue>();
        if (fn && fn->binding == FunctionValue::Binding::class_method && fn->unknown_decorator.empty()) {
          return bind_function(*fn, *base);
        }
        return *v;
      }
      if (attr.attr == "__name__") return Value(cls->name);
      return unsupported(fmt::format("attribute `{}` (class {} has no `{}`)", text(expr.span),
                                     cls->name, attr.attr),
                         expr.span);
    }
    if (auto inst = std::dynamic_pointer_cast<InstanceValue>(*o)) {
      if (auto it = inst->attrs.find(attr.attr); it != inst->attrs.end()) return it->second;
      if (const Value* v = inst->cls->attr(attr.attr)) return bind_to_instance(*base, *v);
      return failure(fmt::format("AttributeError: '{}' object has no attribute '{}'",
                                 inst->cls->name, attr.attr),
                     expr.span);
    }
    if (auto member = std::dynamic_pointer_cast<EnumMember>(*o)) {
      if (attr.attr == "value") return member->value;
      if (attr.attr == "name") return Value(member->name);
    }
    if (auto super = std::dynamic_pointer_cast<SuperValue>(*o)) return super_attribute(*super, attr.attr, expr);
    if (std::dynamic_pointer_cast<FunctionValue>(*o) || std::dynamic_pointer_cast<BuiltinValue>(*o)) {
      if (attr.attr == "__name__") {
        if (auto fn = std::dynamic_pointer_cast<FunctionValue>(*o)) return Value(fn->def->name);
        if (auto b = std::dynamic_pointer_cast<BuiltinValue>(*o)) return Value(b->name);
      }
      return unsupported(fmt::format("attribute `{}`", text(expr.span)), expr.span);
    }
    return attribute_of_object(*o, attr.attr, expr);
  }
  // Methods of literal values (str.format, str.join, dict.items, ...).
  auto receiver = std::make_shared<LiteralReceiver>();
  receiver->value = *base;
  return Value(ObjectPtr(std::make_shared<BoundMethod>(receiver, attr.attr)));
}

Flow<Value> Evaluator::eval_call(const Expr& expr, const Call& call)
{
  auto callee = eval(*call.func);
  if (!callee) return callee.stop();
  CallArgs args;
  args.span = expr.span;
  for (const ExprPtr& a : call.args) {
    if (const auto* star = a->as<Starred>()) {
      auto v = eval(*star->value);
      if (!v) return v.stop();
      auto items = iterate(*v, *a);
      if (!items) return items.stop();
      args.args.insert(args.args.end(), items->begin(), items->end());
      continue;
    }
    auto v = eval(*a);
    if (!v) return v.stop();
    args.args.push_back(*v);
  }
  for (const KeywordArg& k : call.keywords) {
    auto v = eval(*k.value);
    if (!v) return v.stop();
    if (k.arg.empty()) {
      const DictValue* d = v->dict();
      if (!d) return unsupported("`**` of a non-dict", k.span);
      for (const auto& kv : d->items) {
        if (kv.first.str()) args.kwargs.emplace_back(*kv.first.str(), kv.second);
      }
      continue;
    }
    args.kwargs.emplace_back(k.arg, *v);
  }
  return call_value(*callee, args, expr);
}

Flow<Value> Evaluator::call_value(const Value& callee, CallArgs& args, const Expr& call)
{
  const ObjectPtr* o = callee.object();
  if (!o) {
    return unsupported(fmt::format("call of a {} in `{}`", type_name(callee), text(call.span)),
                       call.span);
  }
  if (auto fn = std::dynamic_pointer_cast<FunctionValue>(*o)) {
    if (!fn->unknown_decorator.empty()) {
      return unsupported(fmt::format("call of {}(), decorated with `@{}`, which miglint does not "
                                     "interpret",
                                     fn->def->name, fn->unknown_decorator),
                         call.span);
    }
    return call_function_value(*fn->def, fn->closure, fn->module, args, call);
  }
  if (auto fn = std::dynamic_pointer_cast<BoundFunction>(*o)) {
    args.args.insert(args.args.begin(), fn->self);
    return call_function_value(*fn->def, fn->closure, fn->module, args, call);
  }
  if (auto fn = std::dynamic_pointer_cast<LambdaValue>(*o)) return call_lambda(*fn, args, call);
  if (auto cls = std::dynamic_pointer_cast<ClassValue>(*o)) return call_class(cls, args, call);
  if (auto b = std::dynamic_pointer_cast<BuiltinValue>(*o)) {
    return call_builtin(b->name, args, call);
  }
  if (auto m = std::dynamic_pointer_cast<BoundMethod>(*o)) {
    if (auto literal = std::dynamic_pointer_cast<LiteralReceiver>(m->self)) {
      return call_method(literal->value, m->name, args, call);
    }
  }
  return call_object(*o, args, call);
}

std::optional<Stop> Evaluator::bind_params(const Arguments& params, CallArgs& args,
                                           const std::string& name, Frame& frame,
                                           const Expr& call)
{
  std::size_t next = 0;
  for (const Param& p : params.params) {
    if (p.kind == ParamKind::var_positional) {
      std::vector<Value> rest(args.args.begin() + static_cast<std::ptrdiff_t>(std::min(next, args.args.size())),
                              args.args.end());
      next = args.args.size();
      frame.vars[p.name] = make_list(std::move(rest), true);
      continue;
    }
    if (p.kind == ParamKind::var_keyword) {
      auto d = std::make_shared<DictValue>();
      for (const auto& [k, v] : args.kwargs) {
        bool named = false;
        for (const Param& q : params.params) named = named || q.name == k;
        if (!named) d->items.emplace_back(Value(k), v);
      }
      frame.vars[p.name] = Value(d);
      continue;
    }
    if (p.kind == ParamKind::positional && next < args.args.size()) {
      frame.vars[p.name] = args.args[next++];
      continue;
    }
    if (const Value* v = args.kw(p.name)) {
      frame.vars[p.name] = *v;
      continue;
    }
    if (p.default_value) {
      auto v = eval(*p.default_value);
      if (!v) return v.stop();
      frame.vars[p.name] = *v;
      continue;
    }
    return failure(fmt::format("TypeError: {}() missing argument '{}'", name, p.name), call.span);
  }
  if (next < args.args.size()) {
    return failure(fmt::format("TypeError: {}() takes {} positional arguments but {} were given",
                               name, next, args.args.size()),
                   call.span);
  }
  return std::nullopt;
}

Flow<Value> Evaluator::call_function(const FunctionDef& def, CallArgs& args, const Expr& call,
                                     std::shared_ptr<Frame> closure)
{
  if (m_depth >= m_limits.max_depth) {
    Stop s;
    s.kind = Stop::Kind::bounded;
    s.message = fmt::format("calls nested more than {} deep", m_limits.max_depth);
    s.span = call.span;
    return s;
  }
  auto frame = std::make_shared<Frame>();
  frame->parent = std::move(closure);
  if (!def.args.params.empty() && def.args.params.front().kind == ParamKind::positional) {
    frame->first_param = def.args.params.front().name;
  }
  if (auto stop = bind_params(def.args, args, def.name, *frame, call)) return *stop;
  m_frames.push_back(std::move(frame));
  ++m_depth;
  auto stop = exec_block(def.body);
  --m_depth;
  m_frames.pop_back();
  if (!stop) return Value();
  if (stop->kind == Stop::Kind::returned) return stop->value;
  if (stop->kind == Stop::Kind::broke || stop->kind == Stop::Kind::continued) {
    return unsupported("`break` or `continue` outside a loop", stop->span);
  }
  return *stop;
}

Flow<Value> Evaluator::call_function_value(const FunctionDef& def,
                                           const std::shared_ptr<Frame>& closure,
                                           const std::shared_ptr<const ModuleText>& module,
                                           CallArgs& args, const Expr& call)
{
  return in_module(module, call, [&] { return call_function(def, args, call, closure); });
}

Flow<Value> Evaluator::call_lambda(const LambdaValue& fn, CallArgs& args, const Expr& call)
{
  if (m_depth >= m_limits.max_depth) {
    Stop s;
    s.kind = Stop::Kind::bounded;
    s.message = fmt::format("calls nested more than {} deep", m_limits.max_depth);
    s.span = call.span;
    return s;
  }
  auto frame = std::make_shared<Frame>();
  frame->parent = fn.closure;
  if (auto stop = bind_params(fn.def->args, args, "<lambda>", *frame, call)) return *stop;
  m_frames.push_back(std::move(frame));
  ++m_depth;
  auto v = eval(*fn.def->body);
  --m_depth;
  m_frames.pop_back();
  return v;
}

Flow<Value> Evaluator::call_class(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                                  const Expr& call)
{
  if (cls->is_enum) {
    // `Status("active")`: the member with that value.
    const Value* v = args.get(0, "");
    for (const auto& kv : cls->attrs) {
      if (auto m = kv.second.as<EnumMember>(); m && v && equal(m->value, *v)) return kv.second;
    }
    return failure(fmt::format("ValueError: {} is not a valid {}", v ? to_repr(*v) : "None", cls->name),
                   call.span);
  }
  if (!cls->unknown_decorator.empty()) {
    return unsupported(fmt::format("an instance of class {}, decorated with `{}`, which miglint cannot "
                                   "evaluate",
                                   cls->name, cls->unknown_decorator),
                       call.span);
  }
  if (cls->is_dataclass) return call_dataclass(cls, args, call);
  // Any ancestor counts: an unknown base's __init__ or __new__ may do anything.
  for (const Value& b : method_resolution_order(cls)) {
    if (auto ns = b.as<Namespace>(); ns && !ns->known && ns->path != "object") {
      return unsupported(fmt::format("an instance of class {}, whose base `{}` miglint cannot "
                                     "evaluate",
                                     cls->name, ns->path),
                         call.span);
    }
  }
  auto inst = std::make_shared<InstanceValue>();
  inst->cls = cls;
  Value self{ObjectPtr(inst)};
  if (const Value* init = cls->attr("__init__")) {
    auto fn = init->as<FunctionValue>();
    if (!fn) return unsupported(fmt::format("class {} with an unusual __init__", cls->name), call.span);
    args.args.insert(args.args.begin(), self);
    auto r = call_function_value(*fn->def, fn->closure, fn->module, args, call);
    if (!r) return r;
    return self;
  }
  // Declarative-style keyword construction (`User(name="x")`).
  if (!args.args.empty()) {
    return failure(fmt::format("TypeError: {}() takes no positional arguments", cls->name), call.span);
  }
  for (const auto& [k, v] : args.kwargs) inst->attrs[k] = v;
  return self;
}

Flow<Value> Evaluator::call_dataclass(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                                      const Expr& call)
{
  auto inst = std::make_shared<InstanceValue>();
  inst->cls = cls;
  Value self{ObjectPtr(inst)};
  if (args.args.size() > cls->fields.size()) {
    return failure(fmt::format("TypeError: {}.__init__() takes {} positional arguments but {} were given",
                               cls->name, cls->fields.size() + 1, args.args.size() + 1),
                   call.span);
  }
  for (const auto& [k, v] : args.kwargs) {
    if (std::find(cls->fields.begin(), cls->fields.end(), k) == cls->fields.end()) {
      return failure(fmt::format("TypeError: {}.__init__() got an unexpected keyword argument '{}'", cls->name, k),
                     call.span);
    }
  }
  for (std::size_t i = 0; i < cls->fields.size(); ++i) {
    const std::string& field = cls->fields[i];
    if (i < args.args.size()) {
      inst->attrs[field] = args.args[i];
      continue;
    }
    if (const Value* v = args.kw(field)) {
      inst->attrs[field] = *v;
      continue;
    }
    const Value* fallback = cls->attr(field);
    if (auto spec = fallback ? fallback->as<FieldSpec>() : nullptr) {
      if (spec->default_value) {
        inst->attrs[field] = *spec->default_value;
        continue;
      }
      if (spec->factory) {
        CallArgs none;
        none.span = call.span;
        auto made = call_value(*spec->factory, none, call);
        if (!made) return made;
        inst->attrs[field] = *made;
        continue;
      }
      fallback = nullptr;
    }
    if (!fallback) {
      return failure(fmt::format("TypeError: {}.__init__() missing 1 required positional argument: '{}'",
                                 cls->name, field),
                     call.span);
    }
    inst->attrs[field] = *fallback;
  }
  if (const Value* post = cls->attr("__post_init__")) {
    auto fn = post->as<FunctionValue>();
    if (!fn) return unsupported(fmt::format("class {} with an unusual __post_init__", cls->name), call.span);
    CallArgs post_args;
    post_args.span = call.span;
    post_args.args.push_back(self);
    auto r = call_function_value(*fn->def, fn->closure, fn->module, post_args, call);
    if (!r) return r;
  }
  return self;
}

Flow<Value> Evaluator::call_builtin(const std::string& name, CallArgs& args, const Expr& call)
{
  const Value* first = args.get(0, "");
  if (name == "print") return Value();
  if (name == "type" && args.args.size() == 1 && args.kwargs.empty()) return builtin_type(*first, call);
  if (name == "super") return make_super(args, call);
  if (name == "object.__init__") {
    if (args.args.empty() && args.kwargs.empty()) return Value();
    return failure("TypeError: object.__init__() takes exactly one argument (the instance to initialize)",
                   call.span);
  }
  if (name == "iter" && first && args.args.size() == 1) {
    // A result is its own iterator: next() takes rows from its cursor.
    if (const ObjectPtr* o = first->object(); o && is_own_iterator(*o)) return *first;
    auto items = iterate(*first, call);
    if (!items) return items.stop();
    auto it = std::make_shared<IteratorValue>();
    it->items = std::move(*items);
    return Value(ObjectPtr(it));
  }
  if (name == "next" && first && args.args.size() <= 2 && args.kwargs.empty()) {
    std::optional<Value> item;
    if (auto it = first->as<IteratorValue>()) {
      if (it->next < it->items.size()) item = it->items[it->next++];
    } else if (const ObjectPtr* o = first->object()) {
      auto taken = next_of_object(*o, call);
      if (!taken) return unsupported(fmt::format("next() of {}", (*o)->describe()), call.span);
      if (!*taken) return taken->stop();
      item = **taken;
    } else {
      return failure(fmt::format("TypeError: '{}' object is not an iterator", type_name(*first)), call.span);
    }
    if (item) return *item;
    if (args.args.size() == 2) return args.args[1];
    return failure("StopIteration", call.span);
  }
  if (name == "len" && first) {
    if (auto s = first->str()) return Value(static_cast<std::int64_t>(s->size()));
    if (auto l = first->list()) return Value(static_cast<std::int64_t>(l->items.size()));
    if (auto d = first->dict()) return Value(static_cast<std::int64_t>(d->items.size()));
    if (auto b = first->as<BytesValue>()) return Value(static_cast<std::int64_t>(b->data.size()));
    if (auto cls = first->as<ClassValue>(); cls && cls->is_enum) {
      auto members = iterate(*first, call);
      if (!members) return members.stop();
      return Value(static_cast<std::int64_t>(members->size()));
    }
  }
  // A value nobody knows statically (rows read back, an application call) has no text
  // and no truth value here.
  if ((name == "str" || name == "repr" || name == "bool" || name == "isinstance") && first) {
    if (auto stop = check_known(*first, call, fmt::format("{}()", name))) return *stop;
  }
  if (name == "str") return Value(first ? to_str(*first) : std::string());
  if (name == "repr" && first) return Value(to_repr(*first));
  if (name == "bool") {
    if (!first) return Value(false);
    auto t = condition(*first, call, "bool()");
    if (!t) return t.stop();
    return Value(*t);
  }
  if ((name == "int" || name == "float") && args.args.empty() && args.kwargs.empty()) {
    return name == "int" ? Value(std::int64_t{0}) : Value(0.0);
  }
  if (name == "int" && first) {
    if (auto m = first->as<EnumMember>(); m && m->value_like && m->value.integer()) return m->value;
    if (auto i = as_int(*first)) return Value(*i);
    if (auto d = first->floating()) return Value(static_cast<std::int64_t>(*d));
    if (auto s = first->str()) {
      try {
        return Value(static_cast<std::int64_t>(std::stoll(*s)));
      } catch (...) {
      }
    }
  }
  if (name == "float" && first) {
    if (auto n = as_number(*first)) return Value(*n);
  }
  if (name == "range") {
    std::int64_t start = 0;
    std::int64_t stop = 0;
    std::int64_t step = 1;
    auto a0 = first ? as_int(*first) : std::nullopt;
    auto a1 = args.get(1, "") ? as_int(*args.get(1, "")) : std::nullopt;
    auto a2 = args.get(2, "") ? as_int(*args.get(2, "")) : std::nullopt;
    if (a0 && !a1) stop = *a0;
    if (a0 && a1) {
      start = *a0;
      stop = *a1;
    }
    if (a2) step = *a2;
    if (a0 && step != 0) {
      std::vector<Value> items;
      for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        items.emplace_back(i);
        if (auto bound = tick(call.span)) return *bound;
      }
      return make_list(std::move(items));
    }
  }
  if ((name == "list" || name == "tuple" || name == "set" || name == "sorted" ||
       name == "reversed" || name == "frozenset")) {
    if (!first) return make_list({}, name == "tuple");
    auto items = iterate(*first, call);
    if (!items) return items.stop();
    std::vector<Value> out = *items;
    if (name == "set" || name == "frozenset") {
      // Sets keep first-seen order here; code that depends on set order is rare and
      // would differ between Python runs anyway.
      std::vector<Value> unique;
      for (const Value& v : out) {
        bool seen = false;
        for (const Value& u : unique) seen = seen || equal(u, v);
        if (!seen) unique.push_back(v);
      }
      out = std::move(unique);
    }
    if (name == "sorted" && args.kw("key")) {
      // sorted(items, key=f): sort by the computed keys.
      std::vector<std::pair<Value, Value>> keyed;
      for (const Value& v : out) {
        CallArgs key_args;
        key_args.span = call.span;
        key_args.args.push_back(v);
        auto k = call_value(*args.kw("key"), key_args, call);
        if (!k) return k.stop();
        keyed.emplace_back(*k, v);
      }
      const bool strings = std::all_of(keyed.begin(), keyed.end(), [](auto& kv) { return kv.first.str(); });
      const bool numbers = std::all_of(keyed.begin(), keyed.end(), [](auto& kv) { return as_number(kv.first).has_value(); });
      if (!strings && !numbers) return unsupported("sorted() by keys of mixed types", call.span);
      std::stable_sort(keyed.begin(), keyed.end(), [strings](auto& a, auto& b) {
        return strings ? *a.first.str() < *b.first.str() : *as_number(a.first) < *as_number(b.first);
      });
      out.clear();
      for (auto& kv : keyed) out.push_back(kv.second);
      if (const Value* r = args.kw("reverse"); r && truthy(*r)) std::reverse(out.begin(), out.end());
      return make_list(std::move(out));
    }
    if (name == "sorted") {
      if (std::all_of(out.begin(), out.end(), [](const Value& v) { return v.str(); })) {
        std::sort(out.begin(), out.end(),
                  [](const Value& a, const Value& b) { return *a.str() < *b.str(); });
      } else if (std::all_of(out.begin(), out.end(), [](const Value& v) { return as_number(v).has_value(); })) {
        std::sort(out.begin(), out.end(),
                  [](const Value& a, const Value& b) { return *as_number(a) < *as_number(b); });
      } else {
        return unsupported("sorted() of mixed values", call.span);
      }
    }
    if (name == "reversed") std::reverse(out.begin(), out.end());
    if (const Value* r = args.kw("reverse"); name == "sorted" && r && truthy(*r)) {
      std::reverse(out.begin(), out.end());
    }
    return make_list(std::move(out), name == "tuple");
  }
  if (name == "dict") {
    auto d = std::make_shared<DictValue>();
    if (first && first->dict()) d->items = first->dict()->items;
    for (const auto& [k, v] : args.kwargs) d->items.emplace_back(Value(k), v);
    return Value(d);
  }
  if (name == "enumerate" && first) {
    auto items = iterate(*first, call);
    if (!items) return items.stop();
    std::vector<Value> out;
    std::int64_t i = 0;
    for (const Value& v : *items) out.push_back(make_list({Value(i++), v}, true));
    return make_list(std::move(out));
  }
  if (name == "zip") {
    std::vector<std::vector<Value>> lists;
    for (const Value& a : args.args) {
      auto items = iterate(a, call);
      if (!items) return items.stop();
      lists.push_back(*items);
    }
    std::vector<Value> out;
    for (std::size_t i = 0; !lists.empty(); ++i) {
      std::vector<Value> row;
      for (const auto& l : lists) {
        if (i >= l.size()) return make_list(std::move(out));
        row.push_back(l[i]);
      }
      out.push_back(make_list(std::move(row), true));
    }
    return make_list(std::move(out));
  }
  if ((name == "min" || name == "max") && !args.args.empty()) {
    std::vector<Value> items = args.args;
    if (args.args.size() == 1) {
      auto inner = iterate(args.args[0], call);
      if (!inner) return inner.stop();
      items = *inner;
    }
    std::optional<Value> best;
    for (const Value& v : items) {
      auto n = as_number(v);
      if (!n) return unsupported(fmt::format("{}() of non-numbers", name), call.span);
      if (!best || (name == "min" ? *n < *as_number(*best) : *n > *as_number(*best))) best = v;
    }
    if (best) return *best;
  }
  if ((name == "any" || name == "all" || name == "sum") && first) {
    auto items = iterate(*first, call);
    if (!items) return items.stop();
    if (name == "sum") {
      std::int64_t total = 0;
      double ftotal = 0;
      bool floating = false;
      for (const Value& v : *items) {
        auto n = as_number(v);
        if (!n) return unsupported("sum() of non-numbers", call.span);
        floating = floating || v.floating();
        if (auto i = as_int(v)) total += *i;
        ftotal += *n;
      }
      return floating ? Value(ftotal) : Value(total);
    }
    for (const Value& v : *items) {
      auto t = condition(v, call, name == "any" ? "any()" : "all()");
      if (!t) return t.stop();
      if (*t == (name == "any")) return Value(name == "any");
    }
    return Value(name == "all");
  }
  if (name == "abs" && first) {
    if (auto i = first->integer()) return Value(*i < 0 ? -*i : *i);
    if (auto d = first->floating()) return Value(std::fabs(*d));
  }
  if (name == "round" && first) {
    if (auto n = as_number(*first)) {
      const Value* digits = args.get(1, "ndigits");
      if (!digits || digits->is_none()) return Value(static_cast<std::int64_t>(std::nearbyint(*n)));
      if (auto d = as_int(*digits)) {
        const double scale = std::pow(10.0, static_cast<double>(*d));
        return Value(std::nearbyint(*n * scale) / scale);
      }
    }
  }
  if ((name == "getattr" || name == "hasattr") && first && args.get(1, "") && args.get(1, "")->str()) {
    // Only on the revision's own classes and instances.
    const std::string& attr = *args.get(1, "")->str();
    const Value* found = nullptr;
    Value holder;
    if (auto cls = first->as<ClassValue>()) found = cls->attr(attr);
    if (auto inst = first->as<InstanceValue>()) {
      if (auto it = inst->attrs.find(attr); it != inst->attrs.end()) found = &it->second;
      else found = inst->cls->attr(attr);
    }
    if (first->as<ClassValue>() || first->as<InstanceValue>()) {
      if (name == "hasattr") return Value(found != nullptr);
      if (found) return *found;
      if (const Value* fallback = args.get(2, "")) return *fallback;
      return failure(fmt::format("AttributeError: no attribute '{}'", attr), call.span);
    }
    if (const ObjectPtr* o = first->object(); o && name == "getattr") {
      // Other objects (an ORM object) answer as `obj.attr` would.
      auto v = attribute_of_object(*o, attr, call);
      if (!v && v.stop().kind == Stop::Kind::failed && args.get(2, "")) return *args.get(2, "");
      return v;
    }
  }
  if (name == "setattr" && first && args.get(1, "") && args.get(1, "")->str() && args.get(2, "")) {
    const std::string& attr = *args.get(1, "")->str();
    if (auto inst = first->as<InstanceValue>()) {
      inst->attrs[attr] = *args.get(2, "");
      return Value();
    }
    if (const ObjectPtr* o = first->object()) {
      if (auto stop = assign_attribute(*o, attr, *args.get(2, ""), call)) return *stop;
      return Value();
    }
  }
  if (name == "isinstance" && first && args.get(1, "")) {
    // Literal types only: isinstance(x, str), isinstance(x, (list, tuple)).
    std::vector<Value> kinds;
    if (auto l = args.get(1, "")->list()) kinds = l->items;
    else kinds.push_back(*args.get(1, ""));
    bool known = true;
    bool match = false;
    for (const Value& k : kinds) {
      auto b = k.as<BuiltinValue>();
      if (!b) {
        known = false;
        break;
      }
      const std::string t = type_name(*first);
      match = match || b->name == t || (b->name == "int" && t == "bool") ||
              (b->name == "object");
    }
    if (known) return Value(match);
  }
  if (name == "object" && args.args.empty()) {
    auto cls = std::make_shared<ClassValue>();
    cls->name = "object";
    auto inst = std::make_shared<InstanceValue>();
    inst->cls = cls;
    return Value(ObjectPtr(inst));
  }
  if (name == "NotImplementedError" || name == "Exception" || name == "RuntimeError" ||
      name == "ValueError") {
    return builtin_value(name);
  }
  return unsupported(fmt::format("call `{}`", text(call.span)), call.span);
}

Flow<Value> Evaluator::call_method(const Value& self, const std::string& name, CallArgs& args,
                                   const Expr& call)
{
  const Value* a0 = args.get(0, "");
  const Value* a1 = args.get(1, "");
  if (const std::string* s = self.str()) {
    auto strip_set = [&](const Value* chars) -> std::string {
      return chars && chars->str() ? *chars->str() : std::string(" \t\r\n\f\v");
    };
    if (name == "format") {
      for (const Value& v : args.args) {
        if (auto stop = check_known(v, call, "str.format")) return *stop;
      }
      for (const auto& kv : args.kwargs) {
        if (auto stop = check_known(kv.second, call, "str.format")) return *stop;
      }
      if (auto out = brace_format(*s, args)) {
        if (auto stop = check_size(Value(*out), call.span)) return *stop;
        return Value(*out);
      }
    } else if (name == "join" && a0) {
      auto items = iterate(*a0, call);
      if (!items) return items.stop();
      std::string out;
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (!(*items)[i].str()) return unsupported("str.join of non-strings", call.span);
        out += (i ? *s : "") + *(*items)[i].str();
        if (out.size() > m_limits.max_string) return *check_size(Value(out), call.span);
      }
      return Value(out);
    } else if (name == "upper" || name == "lower" || name == "title" || name == "capitalize" ||
               name == "swapcase") {
      std::string out = *s;
      bool word_start = true;
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        int r = c;
        if (name == "upper") r = std::toupper(c);
        else if (name == "lower") r = std::tolower(c);
        else if (name == "swapcase") r = std::isupper(c) ? std::tolower(c) : std::toupper(c);
        else if (name == "title") r = word_start ? std::toupper(c) : std::tolower(c);
        else r = i == 0 ? std::toupper(c) : std::tolower(c);
        word_start = !std::isalpha(c);
        out[i] = static_cast<char>(r);
      }
      return Value(out);
    } else if (name == "strip" || name == "lstrip" || name == "rstrip") {
      const std::string set = strip_set(a0);
      std::size_t b = 0;
      std::size_t e = s->size();
      if (name != "rstrip") {
        while (b < e && set.find((*s)[b]) != std::string::npos) ++b;
      }
      if (name != "lstrip") {
        while (e > b && set.find((*s)[e - 1]) != std::string::npos) --e;
      }
      return Value(s->substr(b, e - b));
    } else if (name == "replace" && a0 && a0->str() && a1 && a1->str()) {
      std::string out = *s;
      const std::string& from = *a0->str();
      const std::string& to = *a1->str();
      if (!from.empty()) {
        for (std::size_t at = 0; (at = out.find(from, at)) != std::string::npos; at += to.size()) {
          out.replace(at, from.size(), to);
          if (out.size() > m_limits.max_string) return *check_size(Value(out), call.span);
        }
      }
      return Value(out);
    } else if ((name == "startswith" || name == "endswith") && a0) {
      std::vector<Value> options;
      if (auto l = a0->list()) options = l->items;
      else options.push_back(*a0);
      bool match = false;
      for (const Value& o : options) {
        if (!o.str()) return unsupported("startswith/endswith of a non-string", call.span);
        match = match || (name == "startswith" ? s->starts_with(*o.str()) : s->ends_with(*o.str()));
      }
      return Value(match);
    } else if (name == "split" || name == "rsplit") {
      std::vector<Value> parts;
      std::int64_t max = -1;
      const Value* sep = args.get(0, "sep");
      if (const Value* m = args.get(1, "maxsplit")) max = as_int(*m).value_or(-1);
      if (!sep || sep->is_none()) {
        std::vector<std::string> words;
        std::string cur;
        for (char c : *s) {
          if (std::isspace(static_cast<unsigned char>(c))) {
            if (!cur.empty()) words.push_back(cur);
            cur.clear();
          } else {
            cur += c;
          }
        }
        if (!cur.empty()) words.push_back(cur);
        if (max >= 0 && static_cast<std::size_t>(max) < words.size()) {
          return unsupported("split() with maxsplit and no separator", call.span);
        }
        for (auto& w : words) parts.emplace_back(w);
        return make_list(std::move(parts));
      }
      if (!sep->str() || sep->str()->empty()) return failure("ValueError: empty separator", call.span);
      const std::string& d = *sep->str();
      std::vector<std::string> pieces;
      if (name == "split") {
        std::size_t at = 0;
        for (;;) {
          const auto next = s->find(d, at);
          if (next == std::string::npos || (max >= 0 && static_cast<std::int64_t>(pieces.size()) >= max)) {
            pieces.push_back(s->substr(at));
            break;
          }
          pieces.push_back(s->substr(at, next - at));
          at = next + d.size();
        }
      } else {
        std::size_t end_at = s->size();
        for (;;) {
          const auto prev = end_at >= d.size() ? s->rfind(d, end_at - d.size()) : std::string::npos;
          if (prev == std::string::npos || (max >= 0 && static_cast<std::int64_t>(pieces.size()) >= max)) {
            pieces.insert(pieces.begin(), s->substr(0, end_at));
            break;
          }
          pieces.insert(pieces.begin(), s->substr(prev + d.size(), end_at - prev - d.size()));
          end_at = prev;
        }
      }
      for (auto& p : pieces) parts.emplace_back(p);
      return make_list(std::move(parts));
    } else if ((name == "find" || name == "index" || name == "count") && a0 && a0->str()) {
      if (name == "count") {
        std::int64_t n = 0;
        if (!a0->str()->empty()) {
          for (std::size_t at = s->find(*a0->str()); at != std::string::npos;
               at = s->find(*a0->str(), at + a0->str()->size())) {
            ++n;
          }
        }
        return Value(n);
      }
      const auto at = s->find(*a0->str());
      if (at == std::string::npos) {
        if (name == "index") return failure("ValueError: substring not found", call.span);
        return Value(std::int64_t{-1});
      }
      return Value(static_cast<std::int64_t>(at));
    } else if (name == "zfill" && a0 && a0->integer()) {
      const auto width = static_cast<std::size_t>(std::max<std::int64_t>(0, *a0->integer()));
      if (width > m_limits.max_string) return *check_size(Value(std::string(width, '0')), call.span);
      if (s->size() >= width) return Value(*s);
      return Value(std::string(width - s->size(), '0') + *s);
    } else if (name == "isdigit" || name == "isalpha" || name == "isalnum" || name == "isupper" ||
               name == "islower") {
      if (s->empty()) return Value(false);
      bool ok = true;
      for (unsigned char c : *s) {
        if (name == "isdigit") ok = ok && std::isdigit(c);
        else if (name == "isalpha") ok = ok && std::isalpha(c);
        else if (name == "isalnum") ok = ok && std::isalnum(c);
        else if (name == "isupper") ok = ok && !std::islower(c);
        else ok = ok && !std::isupper(c);
      }
      return Value(ok);
    } else if (name == "encode") {
      const Value* enc = args.get(0, "encoding");
      if (!enc || (enc->str() && (*enc->str() == "utf-8" || *enc->str() == "utf8" || *enc->str() == "ascii"))) {
        auto b = std::make_shared<BytesValue>();
        b->data = *s;
        return Value(ObjectPtr(b));
      }
    }
  }
  if (ListValue* l = self.mutable_list()) {
    if (a0 && (name == "index" || name == "count" || name == "remove")) {
      if (auto stop = check_known(*a0, call, fmt::format("list.{}()", name))) return *stop;
    }
    if (!l->tuple && name == "append" && a0) {
      l->items.push_back(*a0);
      if (auto stop = check_size(self, call.span)) return *stop;
      return Value();
    }
    if (!l->tuple && name == "extend" && a0) {
      auto items = iterate(*a0, call);
      if (!items) return items.stop();
      l->items.insert(l->items.end(), items->begin(), items->end());
      if (auto stop = check_size(self, call.span)) return *stop;
      return Value();
    }
    if (!l->tuple && name == "insert" && a0 && a1) {
      if (auto i = as_int(*a0)) {
        const auto n = static_cast<std::int64_t>(l->items.size());
        std::int64_t at = *i < 0 ? std::max<std::int64_t>(0, *i + n) : std::min(*i, n);
        l->items.insert(l->items.begin() + at, *a1);
        return Value();
      }
    }
    if (!l->tuple && name == "pop") {
      if (l->items.empty()) return failure("IndexError: pop from empty list", call.span);
      const auto n = static_cast<std::int64_t>(l->items.size());
      std::int64_t at = n - 1;
      if (a0) {
        auto i = as_int(*a0);
        if (!i) return unsupported("list.pop of a non-integer", call.span);
        at = *i < 0 ? *i + n : *i;
        if (at < 0 || at >= n) return failure("IndexError: pop index out of range", call.span);
      }
      Value v = l->items[static_cast<std::size_t>(at)];
      l->items.erase(l->items.begin() + at);
      return v;
    }
    if (!l->tuple && name == "remove" && a0) {
      for (auto it = l->items.begin(); it != l->items.end(); ++it) {
        if (equal(*it, *a0)) {
          l->items.erase(it);
          return Value();
        }
      }
      return failure("ValueError: list.remove(x): x not in list", call.span);
    }
    if (!l->tuple && (name == "sort" || name == "reverse")) {
      if (name == "reverse") {
        std::reverse(l->items.begin(), l->items.end());
        return Value();
      }
      CallArgs sort_args = args;
      sort_args.args.insert(sort_args.args.begin(), self);
      auto sorted = call_builtin("sorted", sort_args, call);
      if (!sorted) return sorted;
      l->items = sorted->list()->items;
      return Value();
    }
    if (name == "copy") return make_list(l->items, l->tuple);
    if ((name == "index" || name == "count") && a0) {
      std::int64_t n = 0;
      for (std::size_t i = 0; i < l->items.size(); ++i) {
        if (!equal(l->items[i], *a0)) continue;
        if (name == "index") return Value(static_cast<std::int64_t>(i));
        ++n;
      }
      if (name == "index") return failure("ValueError: value is not in list", call.span);
      return Value(n);
    }
  }
  if (DictValue* d = self.mutable_dict()) {
    if (a0 && (name == "get" || name == "pop" || name == "setdefault")) {
      if (auto stop = check_known(*a0, call, fmt::format("dict.{}()", name))) return *stop;
    }
    if (name == "items" || name == "keys" || name == "values") {
      std::vector<Value> out;
      for (const auto& [k, v] : d->items) {
        if (name == "items") out.push_back(make_list({k, v}, true));
        else out.push_back(name == "keys" ? k : v);
      }
      return make_list(std::move(out));
    }
    if ((name == "get" || name == "pop" || name == "setdefault") && a0) {
      for (auto it = d->items.begin(); it != d->items.end(); ++it) {
        if (!equal(it->first, *a0)) continue;
        Value v = it->second;
        if (name == "pop") d->items.erase(it);
        return v;
      }
      if (name == "pop" && !a1) return failure(fmt::format("KeyError: {}", to_repr(*a0)), call.span);
      const Value fallback = a1 ? *a1 : Value();
      if (name == "setdefault") d->items.emplace_back(*a0, fallback);
      return fallback;
    }
    if (name == "update") {
      std::vector<std::pair<Value, Value>> incoming;
      if (a0) {
        if (auto other = a0->dict()) incoming = other->items;
        else return unsupported("dict.update of a non-dict", call.span);
      }
      for (const auto& [k, v] : args.kwargs) incoming.emplace_back(Value(k), v);
      for (const auto& [k, v] : incoming) {
        bool replaced = false;
        for (auto& kv : d->items) {
          if (equal(kv.first, k)) {
            kv.second = v;
            replaced = true;
          }
        }
        if (!replaced) d->items.emplace_back(k, v);
      }
      return Value();
    }
    if (name == "copy") {
      auto out = std::make_shared<DictValue>(*d);
      return Value(out);
    }
  }
  return unsupported(fmt::format("method call `{}`", text(call.span)), call.span);
}

Flow<Value> Evaluator::call_object(const ObjectPtr& callee, CallArgs&, const Expr& call)
{
  return unsupported(fmt::format("call of {} in `{}`", callee->describe(), text(call.span)),
                     call.span);
}

Flow<Value> Evaluator::attribute_of_object(const ObjectPtr& object, const std::string& name,
                                           const Expr& expr)
{
  return Value(ObjectPtr(std::make_shared<BoundMethod>(object, name)));
  (void)expr;
}

Flow<Value> Evaluator::enter_context(const Value& manager, const Expr& expr)
{
  return unsupported(fmt::format("`with {}`", text(expr.span)), expr.span);
  (void)manager;
}

std::optional<Stop> Evaluator::expression_statement(const Value&, const Stmt&)
{
  return std::nullopt;
}

std::optional<Stop> Evaluator::exit_context(const Value&, const Value&, bool)
{
  return std::nullopt;
}

} // namespace miglint::ops
