// The builtins that look at classes: type(x) and super(). Classes are the ones defined in
// the revision or in application modules (ClassValue); a base class miglint does not
// model (a third-party class, SQLAlchemy's TypeDecorator) ends the lookup with an
// `unsupported` Stop naming it, never with a guess.
#include "ops/evaluator.hpp"
#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"

#include <algorithm>

namespace miglint::ops {

using namespace python;

namespace {

bool same_base(const Value& a, const Value& b)
{
  if (const ObjectPtr* x = a.object(); x && b.object()) {
    if (*x == *b.object()) return true;
    auto na = a.as<Namespace>();
    auto nb = b.as<Namespace>();
    return na && nb && na->path == nb->path;
  }
  return false;
}

// C3 merge of the bases' linearizations; nullopt when Python would refuse the class
// ("Cannot create a consistent method resolution order").
std::optional<std::vector<Value>> c3_merge(std::vector<std::vector<Value>> sequences)
{
  std::vector<Value> out;
  for (;;) {
    sequences.erase(std::remove_if(sequences.begin(), sequences.end(),
                                   [](const std::vector<Value>& s) { return s.empty(); }),
                    sequences.end());
    if (sequences.empty()) return out;
    std::optional<Value> head;
    for (const auto& seq : sequences) {
      const Value& candidate = seq.front();
      const bool in_tail = std::any_of(sequences.begin(), sequences.end(), [&](const auto& other) {
        return std::any_of(other.begin() + 1, other.end(), [&](const Value& v) { return same_base(v, candidate); });
      });
      if (!in_tail) {
        head = candidate;
        break;
      }
    }
    if (!head) return std::nullopt;
    out.push_back(*head);
    for (auto& seq : sequences) {
      if (same_base(seq.front(), *head)) seq.erase(seq.begin());
    }
  }
}

std::vector<Value> linearize(const Value& cls_value, int depth)
{
  auto cls = cls_value.as<ClassValue>();
  if (!cls || depth > 50) return {cls_value};
  std::vector<std::vector<Value>> sequences;
  for (const Value& b : cls->bases) sequences.push_back(linearize(b, depth + 1));
  sequences.push_back(cls->bases);
  std::vector<Value> out{cls_value};
  if (auto merged = c3_merge(sequences)) {
    out.insert(out.end(), merged->begin(), merged->end());
  } else {
    // Python refuses such a class; depth-first order is what is left to read.
    for (const auto& seq : sequences) out.insert(out.end(), seq.begin(), seq.end());
  }
  return out;
}

// The attribute `name` defined on `cls` itself (not inherited).
const Value* own_attribute(const ClassValue& cls, const std::string& name)
{
  for (const auto& [k, v] : cls.attrs) {
    if (k == name) return &v;
  }
  return nullptr;
}

} // namespace

std::vector<Value> method_resolution_order(const std::shared_ptr<ClassValue>& cls)
{
  return linearize(Value(ObjectPtr(cls)), 0);
}

Flow<Value> Evaluator::builtin_type(const Value& v, const Expr& call)
{
  if (v.is_none()) return builtin_value("NoneType");
  if (v.boolean()) return builtin_value("bool");
  if (v.integer()) return builtin_value("int");
  if (v.floating()) return builtin_value("float");
  if (v.str()) return builtin_value("str");
  if (const ListValue* l = v.list()) return builtin_value(l->tuple ? "tuple" : "list");
  if (v.dict()) return builtin_value("dict");
  if (auto inst = v.as<InstanceValue>()) return Value(ObjectPtr(inst->cls));
  // Standard-library values stand for their classes by name (type(v).__name__).
  if (auto t = v.as<TemporalValue>()) return builtin_value(t->python_type().substr(9)); // "datetime."
  if (v.as<DecimalValue>()) return builtin_value("Decimal");
  if (v.as<UuidValue>()) return builtin_value("UUID");
  if (v.as<BytesValue>()) return builtin_value("bytes");
  return unsupported(fmt::format("`{}` of {}, whose class miglint does not model", text(call.span),
                                 v.object() ? (*v.object())->describe() : type_name(v)),
                     call.span);
}

Flow<Value> Evaluator::make_super(CallArgs& args, const Expr& call)
{
  auto made = std::make_shared<SuperValue>();
  if (args.args.size() == 2 && args.kwargs.empty()) {
    // super(C, obj)
    made->cls = args.args[0].as<ClassValue>();
    made->self = args.args[1];
  } else if (args.args.empty() && args.kwargs.empty() && !m_frames.empty()) {
    // Zero-argument super(): the class whose body defined the running method, and the
    // method's first argument.
    const std::shared_ptr<Frame>& frame = m_frames.back();
    for (Frame* f = frame.get(); f && !made->cls; f = f->parent.get()) made->cls = f->class_cell.lock();
    if (!frame->first_param.empty()) {
      if (auto it = frame->vars.find(frame->first_param); it != frame->vars.end()) made->self = it->second;
    }
    if (made->cls && made->self.is_none()) {
      return failure("RuntimeError: super(): no arguments", call.span);
    }
  }
  if (!made->cls) {
    return unsupported(fmt::format("`{}` outside a method of a class miglint evaluates", text(call.span)),
                       call.span);
  }
  auto self_class = made->self.as<ClassValue>();
  if (auto inst = made->self.as<InstanceValue>()) self_class = inst->cls;
  if (!self_class) {
    return unsupported(fmt::format("`{}` with {} as its object", text(call.span), type_name(made->self)),
                       call.span);
  }
  const std::vector<Value> mro = method_resolution_order(self_class);
  const bool derived = std::any_of(mro.begin(), mro.end(), [&](const Value& c) {
    return c.as<ClassValue>() == made->cls;
  });
  if (!derived) {
    return failure("TypeError: super(type, obj): obj must be an instance or subtype of type", call.span);
  }
  return Value(ObjectPtr(made));
}

Flow<Value> Evaluator::super_attribute(const SuperValue& super, const std::string& name, const Expr& expr)
{
  auto self_class = super.self.as<ClassValue>();
  if (auto inst = super.self.as<InstanceValue>()) self_class = inst->cls;
  const std::vector<Value> mro = method_resolution_order(self_class);
  auto it = std::find_if(mro.begin(), mro.end(), [&](const Value& c) { return c.as<ClassValue>() == super.cls; });
  for (++it; it < mro.end(); ++it) {
    if (auto cls = it->as<ClassValue>()) {
      const Value* v = own_attribute(*cls, name);
      if (!v) continue;
      auto fn = v->as<FunctionValue>();
      if (fn && fn->unknown_decorator.empty()) {
        // A plain method binds to an instance; through a class (a classmethod's `cls`)
        // it stays a function. A classmethod binds to the class.
        if (fn->binding == FunctionValue::Binding::class_method) {
          return bind_function(*fn, super.self.as<InstanceValue>() ? Value(ObjectPtr(self_class)) : super.self);
        }
        if (fn->binding == FunctionValue::Binding::plain && super.self.as<InstanceValue>()) {
          return bind_function(*fn, super.self);
        }
      }
      return *v;
    }
    if (auto b = it->as<BuiltinValue>(); b && b->name == "object") break;
    // A base miglint does not model: what it defines is unknown.
    return unsupported(fmt::format("`{}`, which resolves into the base class `{}` miglint cannot evaluate",
                                   text(expr.span), (*it->object())->describe()),
                       expr.span);
  }
  // Every class ends in object, whose __init__ takes no arguments beyond the instance;
  // a mapped class's comes from its declarative base instead.
  if (name == "__init__" && super.self.as<InstanceValue>()) {
    for (const Value& c : mro) {
      if (auto cls = c.as<ClassValue>(); cls && cls->orm) {
        return unsupported(fmt::format("`{}` of the mapped class {}", text(expr.span), cls->name), expr.span);
      }
    }
    return builtin_value("object.__init__");
  }
  return failure(fmt::format("AttributeError: 'super' object has no attribute '{}'", name), expr.span);
}

} // namespace miglint::ops
