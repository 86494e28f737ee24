// The application's own modules, as revisions import them (`from myapp.db.types import
// GUID`, `import myapp.constants`): read through source::PythonModules, parsed, and their
// module-level definitions evaluated the first time the revision uses the module, with
// their own text as the source of spans. Statements the evaluator cannot run at module
// level (third-party calls, registrations) leave their names unbound; using such a name
// later is where it is reported, never earlier. Nothing is executed by Python.
#include "ops/app_module.hpp"
#include "ops/interpreter.hpp"
#include "ops/orm.hpp"
#include "python/parser.hpp"

#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

// `class T(TypeDecorator)`, directly or through the application's own base classes.
bool is_type_decorator(const ClassValue& cls, int depth = 0)
{
  if (depth > 20) return false;
  for (const Value& b : cls.bases) {
    if (auto ns = b.as<Namespace>(); ns && ns->known && ns->leaf() == "TypeDecorator") return true;
    if (auto base = b.as<ClassValue>(); base && is_type_decorator(*base, depth + 1)) return true;
  }
  return false;
}

} // namespace

std::optional<Value> Interpreter::import_app_module(const std::string& dotted)
{
  if (!m_modules) return std::nullopt;
  if (auto it = m_app_modules.find(dotted); it != m_app_modules.end()) {
    return Value(ObjectPtr(it->second));
  }
  auto file = m_modules->find(dotted);
  if (!file) {
    // `from pkg.mod import NAME`: NAME defined in pkg.mod rather than a submodule.
    const auto dot = dotted.rfind('.');
    if (dot == std::string::npos) return std::nullopt;
    auto parent = import_app_module(dotted.substr(0, dot));
    if (!parent) return std::nullopt;
    auto module = parent->as<AppModule>();
    if (!module) return std::nullopt;
    auto attr = app_module_attribute(module, dotted.substr(dot + 1), Expr{});
    if (!attr) return std::nullopt;
    return *attr;
  }
  auto module = std::make_shared<AppModule>();
  module->file = file;
  module->text = std::make_shared<ModuleText>();
  module->text->dotted = dotted;
  module->text->path = file->display_path;
  module->text->text = file->text;
  module->text->package = file->package;
  m_app_modules[dotted] = module;
  return Value(ObjectPtr(module));
}

void Interpreter::load_app_module(AppModule& module)
{
  if (module.state != AppModule::State::unloaded) return;
  module.state = AppModule::State::loading;
  module.parsed = std::make_shared<ParseResult>(parse_module(module.text->text));
  if (!module.parsed->ok()) {
    module.state = AppModule::State::loaded;
    return;
  }
  // The module's statements run in its own frame, with its text for spans.
  auto saved_frames = std::move(m_frames);
  m_frames = {module.frame};
  const std::shared_ptr<const ModuleText> text = module.text;
  for (const StmtPtr& s : module.parsed->module.body) {
    const bool definition = s->is<Import>() || s->is<ImportFrom>() || s->is<FunctionDef>() ||
                            s->is<ClassDef>() || s->is<Assign>() || s->is<AnnAssign>() ||
                            s->is<If>() || s->is<Try>();
    if (!definition) continue;
    (void)in_module(text, Expr{}, [&]() -> Flow<Value> {
      exec_module_definition(*s);
      return Value();
    });
  }
  m_frames = std::move(saved_frames);
  module.state = AppModule::State::loaded;
}

Flow<Value> Interpreter::app_module_attribute(const std::shared_ptr<AppModule>& module,
                                              const std::string& name, const Expr& expr)
{
  load_app_module(*module);
  if (auto it = module->frame->vars.find(name); it != module->frame->vars.end()) {
    return it->second;
  }
  const std::string sub = module->file->dotted + "." + name;
  if (m_modules->find(sub)) return *import_app_module(sub);
  if (module->parsed && !module->parsed->ok()) {
    return unsupported(fmt::format("`{}` of {} ({}), which does not parse", name,
                                   module->file->dotted, module->file->display_path),
                       expr.span);
  }
  // Defined by something miglint did not evaluate (a third-party call, a star import):
  // opaque, as an unknown module's names are, until something is done with it.
  auto opaque = std::make_shared<Namespace>(module->file->dotted + "." + name, false);
  return Value(ObjectPtr(opaque));
}

std::optional<Flow<Value>> Interpreter::decorated_type(const std::shared_ptr<ClassValue>& cls,
                                                       CallArgs& args, const Expr& call)
{
  if (!is_type_decorator(*cls)) return std::nullopt;
  // On SQLite, a TypeDecorator is its load_dialect_impl(dialect) when the class defines
  // one, else its `impl` built with the constructor's arguments (TypeDecorator.__init__).
  if (const Value* load = cls->attr("load_dialect_impl")) {
    if (auto fn = load->as<FunctionValue>()) {
      auto self = std::make_shared<InstanceValue>();
      self->cls = cls;
      CallArgs with_dialect;
      with_dialect.span = args.span;
      with_dialect.args = {Value(ObjectPtr(self)), Value(ObjectPtr(std::make_shared<DialectObj>()))};
      return call_function_value(*fn->def, fn->closure, fn->module, with_dialect, call);
    }
  }
  const Value* impl = cls->attr("impl");
  if (!impl) {
    return Flow<Value>(unsupported(
        fmt::format("TypeDecorator {} without `impl` or load_dialect_impl", cls->name), call.span));
  }
  if (impl->as<SqlType>()) return Flow<Value>(*impl);
  return call_value(*impl, args, call);
}

Flow<Value> Interpreter::call_class(const std::shared_ptr<ClassValue>& cls, CallArgs& args,
                                    const Expr& call)
{
  if (auto type = decorated_type(cls, args, call)) return std::move(*type);
  if (auto mapping = std::dynamic_pointer_cast<OrmMapping>(cls->orm)) {
    return construct_orm_object(cls, mapping, args, call);
  }
  return Evaluator::call_class(cls, args, call);
}

} // namespace miglint::ops
