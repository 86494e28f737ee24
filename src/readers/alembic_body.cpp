// Body analysis for upgrade()/downgrade(): which op.* calls a body makes, and whether it
// does nothing or only raises.
#include "python/ast_walk.hpp"
#include "readers/alembic_module.hpp"

#include <algorithm>
#include <unordered_set>

namespace miglint::readers::alembic {

using namespace python;

bool ModuleScope::is_op(std::string_view name) const
{
  return std::find(op_names.begin(), op_names.end(), name) != op_names.end();
}

std::optional<std::string> ModuleScope::string_value(const Expr& expr) const
{
  if (const auto* c = expr.as<Constant>(); c && c->is_string()) {
    return c->value;
  }
  if (const auto* n = expr.as<Name>()) {
    if (auto it = constants.find(n->id); it != constants.end()) {
      return it->second;
    }
  }
  return std::nullopt;
}

namespace {

// A docstring, `pass` or `...`: statements that do nothing.
bool is_inert(const Stmt& s)
{
  if (s.is<Pass>()) {
    return true;
  }
  if (const auto* e = s.as<ExprStmt>()) {
    if (const auto* c = e->value->as<Constant>()) {
      return c->kind == Constant::Kind::string || c->kind == Constant::Kind::ellipsis;
    }
  }
  return false;
}

// `op.batch_alter_table(...)`: returns its table argument ("" when not a literal).
std::optional<std::string> batch_table_of(const Expr& e, const ModuleScope& scope)
{
  const auto* call = e.as<Call>();
  if (!call) {
    return std::nullopt;
  }
  const auto* attr = call->func->as<Attribute>();
  if (!attr || attr->attr != "batch_alter_table") {
    return std::nullopt;
  }
  const auto* base = attr->value->as<Name>();
  if (!base || !scope.is_op(base->id)) {
    return std::nullopt;
  }
  if (!call->args.empty()) {
    return scope.string_value(*call->args.front()).value_or("");
  }
  for (const KeywordArg& k : call->keywords) {
    if (k.arg == "table_name") {
      return scope.string_value(*k.value).value_or("");
    }
  }
  return std::string();
}

class StepCollector {
public:
  StepCollector(const ModuleScope& scope, std::vector<model::Step>& steps)
    : m_scope(scope), m_steps(steps)
  {
  }

  void mark_visited(const FunctionDef* f) { m_visited.insert(f); }

  void stmt(const Stmt& s)
  {
    if (const auto* with = s.as<With>()) {
      const std::size_t scopes_before = m_batches.size();
      for (const WithItem& item : with->items) {
        expr(*item.context_expr);
        if (!item.optional_vars) {
          continue;
        }
        if (const auto* name = item.optional_vars->as<Name>()) {
          if (auto table = batch_table_of(*item.context_expr, m_scope)) {
            m_batches.push_back({name->id, std::move(*table)});
          }
        }
      }
      for (const StmtPtr& inner : with->body) {
        stmt(*inner);
      }
      m_batches.resize(scopes_before);
      return;
    }
    for_each_child(s, m_on_expr, m_on_stmt);
  }

  void expr(const Expr& e)
  {
    const auto* call = e.as<Call>();
    if (call) {
      on_call(e, *call);
    }
    for_each_child(e, m_on_expr);
    // A helper runs after its arguments are evaluated: `_backfill(op.get_bind())`.
    if (const auto* helper = call ? call->func->as<Name>() : nullptr) {
      follow_helper(helper->id);
    }
  }

private:
  struct Batch {
    std::string name;
    std::string table;
  };

  const Batch* batch_named(std::string_view name) const
  {
    // Innermost first: a nested `with ... as batch_op` shadows an outer one.
    for (auto it = m_batches.rbegin(); it != m_batches.rend(); ++it) {
      if (it->name == name) {
        return &*it;
      }
    }
    return nullptr;
  }

  void on_call(const Expr& e, const Call& call)
  {
    const auto* attr = call.func->as<Attribute>();
    if (!attr) {
      return;
    }
    model::Step step;
    const auto* base = attr->value->as<Name>();
    if (base && m_scope.is_op(base->id)) {
      step.name = attr->attr;
    } else if (const Batch* batch = base ? batch_named(base->id) : nullptr) {
      step.name = attr->attr;
      step.in_batch = true;
      step.batch_table = batch->table;
    } else if (attr->attr == "execute") {
      step.name = "execute"; // conn.execute(...), op.get_bind().execute(...), session.execute
    } else {
      return;
    }
    step.span = e.span;
    for (const ExprPtr& arg : call.args) {
      if (auto value = m_scope.string_value(*arg)) {
        step.target = std::move(*value);
        break;
      }
    }
    if (step.name == "execute" && !call.args.empty()) {
      step.text = sql_text(*call.args.front());
    }
    m_steps.push_back(std::move(step));
  }

  // The SQL of `"..."`, `CONSTANT` or `sa.text("...")` / `text("...")`.
  std::string sql_text(const Expr& arg) const
  {
    if (auto value = m_scope.string_value(arg)) {
      return std::move(*value);
    }
    const auto* call = arg.as<Call>();
    if (!call || call->args.empty()) {
      return {};
    }
    const auto* name = call->func->as<Name>();
    const auto* attr = call->func->as<Attribute>();
    if ((name && name->id == "text") || (attr && attr->attr == "text")) {
      return m_scope.string_value(*call->args.front()).value_or("");
    }
    return {};
  }

  // A call to a module-level helper runs its body: collect its steps once.
  void follow_helper(const std::string& name)
  {
    auto it = m_scope.functions.find(name);
    if (it == m_scope.functions.end() || !m_visited.insert(it->second).second) {
      return;
    }
    // Batch aliases do not cross function boundaries.
    std::vector<Batch> saved;
    saved.swap(m_batches);
    for (const StmtPtr& s : it->second->body) {
      stmt(*s);
    }
    m_batches.swap(saved);
  }

  const ModuleScope& m_scope;
  std::vector<model::Step>& m_steps;
  std::vector<Batch> m_batches;
  std::unordered_set<const FunctionDef*> m_visited;
  ExprVisitor m_on_expr = [this](const Expr& e) { expr(e); };
  StmtVisitor m_on_stmt = [this](const Stmt& s) { stmt(s); };
};

} // namespace

model::Body analyse_body(const Stmt& def_stmt, const ModuleScope& scope)
{
  const auto& def = *def_stmt.as<FunctionDef>();
  model::Body body;
  body.span = def_stmt.span;
  body.name_span = {def.header_span.begin, def.name_span.end};
  body.body_span = block_span(def.body);

  std::vector<const Stmt*> effective;
  for (const StmtPtr& s : def.body) {
    if (!is_inert(*s)) {
      effective.push_back(s.get());
    }
  }
  body.does_nothing = effective.empty();
  body.raises = effective.size() == 1 && effective.front()->is<Raise>();

  StepCollector collector(scope, body.steps);
  collector.mark_visited(&def);
  for (const StmtPtr& s : def.body) {
    collector.stmt(*s);
  }
  return body;
}

} // namespace miglint::readers::alembic
