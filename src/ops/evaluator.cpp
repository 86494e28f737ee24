#include "ops/evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>

namespace miglint::ops {

using namespace python;

namespace {

constexpr int k_max_call_depth = 64;
constexpr std::size_t k_max_iterations = 100000;

Value make_builtin(std::string name)
{
  auto b = std::make_shared<BuiltinValue>();
  b->name = std::move(name);
  return Value(ObjectPtr(std::move(b)));
}

bool is_builtin_name(const std::string& n)
{
  static const char* const k_names[] = {"len", "str", "int", "float", "bool", "range", "list",
                                        "tuple", "dict", "print", "sorted", "enumerate", "zip",
                                        "min", "max", "set", "reversed", "repr"};
  return std::find_if(std::begin(k_names), std::end(k_names),
                      [&](const char* k) { return n == k; }) != std::end(k_names);
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
    const char conv = fmt_text[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (!value) {
      if (next >= values.size()) return std::nullopt;
      value = &values[next++];
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
    if (field.find_first_of(":!.[") != std::string::npos) return std::nullopt;
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
    out += to_str(*v);
  }
  return out;
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
    m_frames.back()[name] = std::move(value);
  } else {
    m_globals[name] = std::move(value);
  }
}

const Value* Evaluator::lookup(const std::string& name) const
{
  if (!m_frames.empty()) {
    if (auto it = m_frames.back().find(name); it != m_frames.back().end()) return &it->second;
  }
  if (auto it = m_globals.find(name); it != m_globals.end()) return &it->second;
  return nullptr;
}

Value Evaluator::import_module(const std::string& dotted)
{
  return Value(ObjectPtr(std::make_shared<Namespace>(dotted, false)));
}

std::optional<Stop> Evaluator::bind_import(const Stmt& stmt)
{
  if (const auto* imp = stmt.as<Import>()) {
    for (const Alias& a : imp->names) {
      if (!a.asname.empty()) {
        set(a.asname, import_module(a.name));
      } else {
        // `import a.b` binds `a`.
        const std::string top = a.name.substr(0, a.name.find('.'));
        set(top, import_module(top));
      }
    }
    return std::nullopt;
  }
  const auto& from = *stmt.as<ImportFrom>();
  if (from.level > 0) {
    for (const Alias& a : from.names) {
      set(a.asname.empty() ? a.name : a.asname,
          Value(ObjectPtr(std::make_shared<Namespace>("." + from.module + "." + a.name, false))));
    }
    return std::nullopt;
  }
  for (const Alias& a : from.names) {
    if (a.name == "*") continue;
    set(a.asname.empty() ? a.name : a.asname, import_module(from.module + "." + a.name));
  }
  return std::nullopt;
}

void Evaluator::load_module(const Module& module)
{
  for (const StmtPtr& s : module.body) {
    if (s->is<Import>() || s->is<ImportFrom>()) {
      bind_import(*s);
    } else if (const auto* f = s->as<FunctionDef>()) {
      m_functions[f->name] = f;
      auto fn = std::make_shared<FunctionValue>();
      fn->def = f;
      m_globals[f->name] = Value(ObjectPtr(fn));
    } else if (s->is<Assign>() || s->is<AnnAssign>()) {
      // Module constants (`INDEX = "ix_users_email"`, `users = sa.table(...)`); a value
      // the evaluator cannot compute stays unbound and is reported where it is used.
      (void)exec(*s);
    }
  }
}

std::optional<Stop> Evaluator::run_function(const FunctionDef& def)
{
  m_frames.emplace_back();
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
  return unsupported(fmt::format("assignment to `{}`", text(target.span)), target.span);
}

std::optional<Stop> Evaluator::exec(const Stmt& stmt)
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
    return exec_block(truthy(*test) ? i->body : i->orelse);
  }
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
    set(f->name, Value(ObjectPtr(fn)));
    return std::nullopt;
  }
  if (const auto* t = stmt.as<Try>()) {
    // Only a try whose body runs cleanly is understood; its handlers are not needed then.
    if (auto stop = exec_block(t->body)) {
      if (stop->kind == Stop::Kind::failed || stop->kind == Stop::Kind::raised) {
        if (!t->handlers.empty()) {
          return unsupported("a try/except whose body fails", stmt.span);
        }
      }
      return stop;
    }
    if (auto stop = exec_block(t->orelse)) return stop;
    return exec_block(t->finalbody);
  }
  if (stmt.is<Global>() || stmt.is<Nonlocal>()) return std::nullopt;
  const char* what = "statement";
  if (stmt.is<ClassDef>()) what = "class definition";
  else if (stmt.is<While>()) what = "while loop";
  else if (stmt.is<Assert>()) what = "assert";
  else if (stmt.is<Delete>()) what = "del";
  return unsupported(fmt::format("{} `{}`", what, text(stmt.span)), stmt.span);
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
  return unsupported(fmt::format("iteration over {} (`{}`)", type_name(v), text(expr.span)),
                     expr.span);
}

Flow<Value> Evaluator::eval(const Expr& expr)
{
  if (const auto* n = expr.as<Name>()) {
    if (const Value* v = lookup(n->id)) return *v;
    if (is_builtin_name(n->id)) return make_builtin(n->id);
    if (n->id == "True") return Value(true);
    if (n->id == "False") return Value(false);
    if (n->id == "None") return Value();
    if (n->id == "NotImplementedError" || n->id == "Exception" || n->id == "RuntimeError" ||
        n->id == "ValueError") {
      return make_builtin(n->id);
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
    default: break;
    }
    return unsupported(fmt::format("literal `{}`", text(expr.span)), expr.span);
  }
  if (const auto* j = expr.as<JoinedStr>()) {
    std::string out;
    for (const ExprPtr& part : j->values) {
      if (const auto* fv = part->as<FormattedValue>()) {
        if (fv->format_spec) {
          return unsupported(fmt::format("f-string format spec in `{}`", text(expr.span)),
                             expr.span);
        }
        auto v = eval(*fv->value);
        if (!v) return v.stop();
        out += fv->conversion == 'r' ? to_repr(*v) : to_str(*v);
      } else {
        auto v = eval(*part);
        if (!v) return v.stop();
        out += to_str(*v);
      }
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
    return binary(b->op, *l, *r, expr);
  }
  if (const auto* u = expr.as<UnaryOp>()) {
    auto v = eval(*u->operand);
    if (!v) return v.stop();
    if (u->op == UnaryOperator::not_) return Value(!truthy(*v));
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
      if ((b->op == BoolOperator::and_) != truthy(last)) return last;
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
      if (!truthy(*result)) return Value(false);
      l = *r;
    }
    return Value(true);
  }
  if (const auto* i = expr.as<IfExp>()) {
    auto test = eval(*i->test);
    if (!test) return test.stop();
    return eval(truthy(*test) ? *i->body : *i->orelse);
  }
  if (const auto* s = expr.as<Subscript>()) {
    auto base = eval(*s->value);
    if (!base) return base.stop();
    if (s->slice->is<Slice>()) {
      return unsupported(fmt::format("slice `{}`", text(expr.span)), expr.span);
    }
    auto key = eval(*s->slice);
    if (!key) return key.stop();
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
      return failure(fmt::format("KeyError: {}", to_repr(*key)), expr.span);
    }
    if (auto str = base->str()) {
      if (auto i = as_int(*key)) {
        const auto n = static_cast<std::int64_t>(str->size());
        const std::int64_t at = *i < 0 ? *i + n : *i;
        if (at >= 0 && at < n) return Value(std::string(1, (*str)[static_cast<std::size_t>(at)]));
      }
    }
    return unsupported(fmt::format("subscript `{}`", text(expr.span)), expr.span);
  }
  if (const auto* l = expr.as<ListComp>()) return comprehension(expr, *l->elt, l->generators);
  if (const auto* g = expr.as<GeneratorExp>()) return comprehension(expr, *g->elt, g->generators);
  if (const auto* sc = expr.as<SetComp>()) return comprehension(expr, *sc->elt, sc->generators);
  return unsupported(fmt::format("expression `{}`", text(expr.span)), expr.span);
}

Flow<Value> Evaluator::comprehension(const Expr& expr, const Expr& elt,
                                     const std::vector<Comprehension>& generators)
{
  std::vector<Value> out;
  // Nested generators, left to right, as nested loops.
  std::function<std::optional<Stop>(std::size_t)> loop = [&](std::size_t g) -> std::optional<Stop> {
    if (g == generators.size()) {
      auto v = eval(elt);
      if (!v) return v.stop();
      out.push_back(*v);
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
        auto c = eval(*cond);
        if (!c) return c.stop();
        keep = keep && truthy(*c);
      }
      if (keep) {
        if (auto stop = loop(g + 1)) return stop;
      }
    }
    return std::nullopt;
  };
  if (auto stop = loop(0)) return *stop;
  (void)expr;
  return make_list(std::move(out));
}

Flow<Value> Evaluator::binary(BinaryOperator op, const Value& a, const Value& b, const Expr& expr)
{
  if (op == BinaryOperator::mod && a.str()) {
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

Flow<Value> Evaluator::eval_attribute(const Expr& expr, const Attribute& attr)
{
  auto base = eval(*attr.value);
  if (!base) return base.stop();
  if (const ObjectPtr* o = base->object()) {
    if (auto ns = std::dynamic_pointer_cast<Namespace>(*o)) {
      return Value(ObjectPtr(std::make_shared<Namespace>(ns->path + "." + attr.attr, ns->known)));
    }
    if (std::dynamic_pointer_cast<FunctionValue>(*o) || std::dynamic_pointer_cast<BuiltinValue>(*o)) {
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
    return call_function(*fn->def, args, call);
  }
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

Flow<Value> Evaluator::call_function(const FunctionDef& def, CallArgs& args, const Expr& call)
{
  if (m_depth >= k_max_call_depth) {
    return unsupported(fmt::format("recursion deeper than {} calls", k_max_call_depth), call.span);
  }
  std::unordered_map<std::string, Value> frame;
  std::size_t next = 0;
  for (const Param& p : def.args.params) {
    if (p.kind == ParamKind::var_positional) {
      std::vector<Value> rest(args.args.begin() + static_cast<std::ptrdiff_t>(std::min(next, args.args.size())),
                              args.args.end());
      next = args.args.size();
      frame[p.name] = make_list(std::move(rest), true);
      continue;
    }
    if (p.kind == ParamKind::var_keyword) {
      auto d = std::make_shared<DictValue>();
      for (const auto& [k, v] : args.kwargs) {
        bool named = false;
        for (const Param& q : def.args.params) named = named || q.name == k;
        if (!named) d->items.emplace_back(Value(k), v);
      }
      frame[p.name] = Value(d);
      continue;
    }
    if (p.kind == ParamKind::positional && next < args.args.size()) {
      frame[p.name] = args.args[next++];
      continue;
    }
    if (const Value* v = args.kw(p.name)) {
      frame[p.name] = *v;
      continue;
    }
    if (p.default_value) {
      auto v = eval(*p.default_value);
      if (!v) return v.stop();
      frame[p.name] = *v;
      continue;
    }
    return failure(fmt::format("TypeError: {}() missing argument '{}'", def.name, p.name), call.span);
  }
  m_frames.push_back(std::move(frame));
  ++m_depth;
  auto stop = exec_block(def.body);
  --m_depth;
  m_frames.pop_back();
  if (!stop) return Value();
  if (stop->kind == Stop::Kind::returned) return stop->value;
  return *stop;
}

Flow<Value> Evaluator::call_builtin(const std::string& name, CallArgs& args, const Expr& call)
{
  const Value* first = args.get(0, "");
  if (name == "print") return Value();
  if (name == "len" && first) {
    if (auto s = first->str()) return Value(static_cast<std::int64_t>(s->size()));
    if (auto l = first->list()) return Value(static_cast<std::int64_t>(l->items.size()));
    if (auto d = first->dict()) return Value(static_cast<std::int64_t>(d->items.size()));
  }
  if (name == "str") return Value(first ? to_str(*first) : std::string());
  if (name == "repr" && first) return Value(to_repr(*first));
  if (name == "bool") return Value(first ? truthy(*first) : false);
  if (name == "int" && first) {
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
        if (items.size() > k_max_iterations) break;
        items.emplace_back(i);
      }
      return make_list(std::move(items));
    }
  }
  if ((name == "list" || name == "tuple" || name == "set" || name == "sorted" ||
       name == "reversed")) {
    if (!first) return make_list({}, name == "tuple");
    auto items = iterate(*first, call);
    if (!items) return items.stop();
    std::vector<Value> out = *items;
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
    return make_list(std::move(out), name == "tuple");
  }
  if (name == "dict") {
    auto d = std::make_shared<DictValue>();
    if (first && first->dict()) *d = *first->dict();
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
  if (name == "NotImplementedError" || name == "Exception" || name == "RuntimeError" ||
      name == "ValueError") {
    return make_builtin(name);
  }
  return unsupported(fmt::format("call `{}`", text(call.span)), call.span);
}

Flow<Value> Evaluator::call_method(const Value& self, const std::string& name, CallArgs& args,
                                   const Expr& call)
{
  if (const std::string* s = self.str()) {
    const Value* a0 = args.get(0, "");
    if (name == "format") {
      if (auto out = brace_format(*s, args)) return Value(*out);
    } else if (name == "join" && a0) {
      auto items = iterate(*a0, call);
      if (!items) return items.stop();
      std::string out;
      for (std::size_t i = 0; i < items->size(); ++i) {
        if (!(*items)[i].str()) return unsupported("str.join of non-strings", call.span);
        out += (i ? *s : "") + *(*items)[i].str();
      }
      return Value(out);
    } else if (name == "upper" || name == "lower") {
      std::string out = *s;
      for (char& c : out) {
        c = static_cast<char>(name == "upper" ? std::toupper(static_cast<unsigned char>(c))
                                              : std::tolower(static_cast<unsigned char>(c)));
      }
      return Value(out);
    } else if (name == "strip") {
      const auto b = s->find_first_not_of(" \t\r\n");
      const auto e = s->find_last_not_of(" \t\r\n");
      return Value(b == std::string::npos ? std::string() : s->substr(b, e - b + 1));
    } else if (name == "replace" && a0 && a0->str() && args.get(1, "") && args.get(1, "")->str()) {
      std::string out = *s;
      const std::string& from = *a0->str();
      const std::string& to = *args.get(1, "")->str();
      if (!from.empty()) {
        for (std::size_t at = 0; (at = out.find(from, at)) != std::string::npos; at += to.size()) {
          out.replace(at, from.size(), to);
        }
      }
      return Value(out);
    } else if ((name == "startswith" || name == "endswith") && a0 && a0->str()) {
      return Value(name == "startswith" ? s->starts_with(*a0->str()) : s->ends_with(*a0->str()));
    }
  }
  if (const DictValue* d = self.dict()) {
    if (name == "items" || name == "keys" || name == "values") {
      std::vector<Value> out;
      for (const auto& [k, v] : d->items) {
        if (name == "items") out.push_back(make_list({k, v}, true));
        else out.push_back(name == "keys" ? k : v);
      }
      return make_list(std::move(out));
    }
    if (name == "get" && args.get(0, "")) {
      for (const auto& [k, v] : d->items) {
        if (equal(k, *args.get(0, ""))) return v;
      }
      const Value* fallback = args.get(1, "");
      return fallback ? *fallback : Value();
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
