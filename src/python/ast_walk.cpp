#include "python/ast_walk.hpp"

namespace miglint::python {

namespace {

template <typename... Ts> struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

void visit_opt(const ExprPtr& e, const ExprVisitor& f)
{
  if (e) {
    f(*e);
  }
}

void visit_list(const ExprList& list, const ExprVisitor& f)
{
  for (const ExprPtr& e : list) {
    visit_opt(e, f);
  }
}

void visit_block(const Block& block, const StmtVisitor& f)
{
  for (const StmtPtr& s : block) {
    f(*s);
  }
}

void visit_generators(const std::vector<Comprehension>& gens, const ExprVisitor& f)
{
  for (const Comprehension& c : gens) {
    visit_opt(c.target, f);
    visit_opt(c.iter, f);
    visit_list(c.ifs, f);
  }
}

void visit_arguments(const Arguments& args, const ExprVisitor& f)
{
  for (const Param& p : args.params) {
    visit_opt(p.annotation, f);
    visit_opt(p.default_value, f);
  }
}

void visit_keywords(const std::vector<KeywordArg>& keywords, const ExprVisitor& f)
{
  for (const KeywordArg& k : keywords) {
    visit_opt(k.value, f);
  }
}

// The value expressions of a pattern: literals, dotted names, class names and mapping keys.
void visit_pattern(const Pattern& p, const ExprVisitor& f)
{
  visit_opt(p.value, f);
  visit_list(p.keys, f);
  for (const Pattern& inner : p.patterns) {
    visit_pattern(inner, f);
  }
  for (const Pattern& inner : p.keyword_patterns) {
    visit_pattern(inner, f);
  }
}

} // namespace

void for_each_child(const Expr& expr, const ExprVisitor& f)
{
  std::visit(Overloaded{
               [](const Name&) {},
               [](const Constant&) {},
               [&](const JoinedStr& n) { visit_list(n.values, f); },
               [&](const FormattedValue& n) {
                 visit_opt(n.value, f);
                 visit_opt(n.format_spec, f);
               },
               [&](const Attribute& n) { visit_opt(n.value, f); },
               [&](const Call& n) {
                 visit_opt(n.func, f);
                 visit_list(n.args, f);
                 visit_keywords(n.keywords, f);
               },
               [&](const Subscript& n) {
                 visit_opt(n.value, f);
                 visit_opt(n.slice, f);
               },
               [&](const Slice& n) {
                 visit_opt(n.lower, f);
                 visit_opt(n.upper, f);
                 visit_opt(n.step, f);
               },
               [&](const Tuple& n) { visit_list(n.elts, f); },
               [&](const List& n) { visit_list(n.elts, f); },
               [&](const Set& n) { visit_list(n.elts, f); },
               [&](const Dict& n) {
                 for (std::size_t i = 0; i < n.values.size(); ++i) {
                   visit_opt(n.keys[i], f);
                   visit_opt(n.values[i], f);
                 }
               },
               [&](const BinOp& n) {
                 visit_opt(n.left, f);
                 visit_opt(n.right, f);
               },
               [&](const UnaryOp& n) { visit_opt(n.operand, f); },
               [&](const BoolOp& n) { visit_list(n.values, f); },
               [&](const Compare& n) {
                 visit_opt(n.left, f);
                 visit_list(n.comparators, f);
               },
               [&](const IfExp& n) {
                 // Source order: body if test else orelse.
                 visit_opt(n.body, f);
                 visit_opt(n.test, f);
                 visit_opt(n.orelse, f);
               },
               [&](const Lambda& n) {
                 visit_arguments(n.args, f);
                 visit_opt(n.body, f);
               },
               [&](const ListComp& n) {
                 visit_opt(n.elt, f);
                 visit_generators(n.generators, f);
               },
               [&](const SetComp& n) {
                 visit_opt(n.elt, f);
                 visit_generators(n.generators, f);
               },
               [&](const GeneratorExp& n) {
                 visit_opt(n.elt, f);
                 visit_generators(n.generators, f);
               },
               [&](const DictComp& n) {
                 visit_opt(n.key, f);
                 visit_opt(n.value, f);
                 visit_generators(n.generators, f);
               },
               [&](const Starred& n) { visit_opt(n.value, f); },
               [&](const NamedExpr& n) {
                 visit_opt(n.target, f);
                 visit_opt(n.value, f);
               },
               [&](const Await& n) { visit_opt(n.value, f); },
               [&](const Yield& n) { visit_opt(n.value, f); },
               [&](const YieldFrom& n) { visit_opt(n.value, f); },
             },
             expr.node);
}

void for_each_child(const Stmt& stmt, const ExprVisitor& fe, const StmtVisitor& fs)
{
  std::visit(Overloaded{
               [&](const ExprStmt& n) { visit_opt(n.value, fe); },
               [&](const Assign& n) {
                 visit_list(n.targets, fe);
                 visit_opt(n.value, fe);
               },
               [&](const AnnAssign& n) {
                 visit_opt(n.target, fe);
                 visit_opt(n.annotation, fe);
                 visit_opt(n.value, fe);
               },
               [&](const AugAssign& n) {
                 visit_opt(n.target, fe);
                 visit_opt(n.value, fe);
               },
               [&](const FunctionDef& n) {
                 visit_list(n.decorators, fe);
                 visit_arguments(n.args, fe);
                 visit_opt(n.returns, fe);
                 visit_block(n.body, fs);
               },
               [&](const ClassDef& n) {
                 visit_list(n.decorators, fe);
                 visit_list(n.bases, fe);
                 visit_keywords(n.keywords, fe);
                 visit_block(n.body, fs);
               },
               [&](const If& n) {
                 visit_opt(n.test, fe);
                 visit_block(n.body, fs);
                 visit_block(n.orelse, fs);
               },
               [&](const For& n) {
                 visit_opt(n.target, fe);
                 visit_opt(n.iter, fe);
                 visit_block(n.body, fs);
                 visit_block(n.orelse, fs);
               },
               [&](const While& n) {
                 visit_opt(n.test, fe);
                 visit_block(n.body, fs);
                 visit_block(n.orelse, fs);
               },
               [&](const With& n) {
                 for (const WithItem& item : n.items) {
                   visit_opt(item.context_expr, fe);
                   visit_opt(item.optional_vars, fe);
                 }
                 visit_block(n.body, fs);
               },
               [&](const Return& n) { visit_opt(n.value, fe); },
               [](const Pass&) {},
               [](const Break&) {},
               [](const Continue&) {},
               [&](const Raise& n) {
                 visit_opt(n.exc, fe);
                 visit_opt(n.cause, fe);
               },
               [](const Import&) {},
               [](const ImportFrom&) {},
               [&](const Try& n) {
                 visit_block(n.body, fs);
                 for (const ExceptHandler& h : n.handlers) {
                   visit_opt(h.type, fe);
                   visit_block(h.body, fs);
                 }
                 visit_block(n.orelse, fs);
                 visit_block(n.finalbody, fs);
               },
               [](const Global&) {},
               [](const Nonlocal&) {},
               [&](const Assert& n) {
                 visit_opt(n.test, fe);
                 visit_opt(n.msg, fe);
               },
               [&](const Delete& n) { visit_list(n.targets, fe); },
               [&](const Match& n) {
                 visit_opt(n.subject, fe);
                 for (const MatchCase& c : n.cases) {
                   visit_pattern(c.pattern, fe);
                   visit_opt(c.guard, fe);
                   visit_block(c.body, fs);
                 }
               },
               [&](const TypeAlias& n) { visit_opt(n.value, fe); },
             },
             stmt.node);
}

} // namespace miglint::python
