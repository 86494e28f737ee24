// Reads an Alembic revision module the way Alembic's ScriptDirectory does (the module's
// revision/down_revision/branch_labels/depends_on variables, its docstring, upgrade() and
// downgrade()), but by parsing the file instead of executing it.
#include "python/parser.hpp"
#include "readers/alembic_module.hpp"
#include "readers/reader.hpp"
#include "readers/source_encoding.hpp"
#include "util/strings.hpp"

#include <array>

namespace miglint::readers {

using namespace python;

namespace {

enum class Var { revision, down_revision, branch_labels, depends_on, count };

constexpr std::array<std::string_view, static_cast<std::size_t>(Var::count)> k_var_names = {
  "revision", "down_revision", "branch_labels", "depends_on"};

std::optional<Var> var_of(std::string_view name)
{
  for (std::size_t i = 0; i < k_var_names.size(); ++i) {
    if (k_var_names[i] == name) {
      return static_cast<Var>(i);
    }
  }
  return std::nullopt;
}

// The latest module-level value of one of the four variables, resolved when assigned
// (so a constant defined later does not change it, as when executing the module).
struct VarValue {
  bool assigned = false;
  const Expr* expr = nullptr;
  std::optional<std::vector<std::string>> strings; // absent when unresolved
  bool single_string = false; // the value was one str (what `revision` needs)
};

// str -> [s]; None / () -> []; tuple/list of str -> in order; otherwise unresolved.
VarValue resolve(const Expr& value, const alembic::ModuleScope& scope)
{
  VarValue v;
  v.assigned = true;
  v.expr = &value;
  if (auto s = scope.string_value(value)) {
    v.strings = std::vector<std::string>{std::move(*s)};
    v.single_string = true;
    return v;
  }
  if (const auto* c = value.as<Constant>(); c && c->kind == Constant::Kind::none) {
    v.strings.emplace();
    return v;
  }
  const ExprList* elts = nullptr;
  if (const auto* t = value.as<Tuple>()) {
    elts = &t->elts;
  } else if (const auto* l = value.as<List>()) {
    elts = &l->elts;
  }
  if (!elts) {
    return v;
  }
  std::vector<std::string> out;
  out.reserve(elts->size());
  for (const ExprPtr& e : *elts) {
    auto s = scope.string_value(*e);
    if (!s) {
      return v;
    }
    out.push_back(std::move(*s));
  }
  v.strings = std::move(out);
  return v;
}

class ModuleReader {
public:
  explicit ModuleReader(std::string_view source) { m_scope.source = source; }

  void read(const Block& body)
  {
    for (const StmtPtr& s : body) {
      if (const auto* a = s->as<Assign>()) {
        for (const ExprPtr& target : a->targets) {
          assign(*target, *a->value);
        }
      } else if (const auto* a = s->as<AnnAssign>()) {
        if (a->value) {
          assign(*a->target, *a->value);
        }
      } else if (const auto* f = s->as<FunctionDef>()) {
        m_scope.functions[f->name] = f;
        if (f->name == "upgrade") {
          m_upgrade = s.get();
        } else if (f->name == "downgrade") {
          m_downgrade = s.get();
        }
      } else if (const auto* imp = s->as<ImportFrom>()) {
        if (imp->module == "alembic" && imp->level == 0) {
          for (const Alias& alias : imp->names) {
            if (alias.name == "op" && !alias.asname.empty()) {
              m_scope.op_names.push_back(alias.asname);
            }
          }
        }
      }
    }
  }

  const VarValue& var(Var v) const { return m_vars[static_cast<std::size_t>(v)]; }
  const alembic::ModuleScope& scope() const { return m_scope; }
  const Stmt* upgrade() const { return m_upgrade; }
  const Stmt* downgrade() const { return m_downgrade; }

private:
  void assign(const Expr& target, const Expr& value)
  {
    if (const auto* name = target.as<Name>()) {
      if (auto v = var_of(name->id)) {
        m_vars[static_cast<std::size_t>(*v)] = resolve(value, m_scope);
      }
      if (auto s = m_scope.string_value(value)) {
        m_scope.constants[name->id] = std::move(*s);
      } else {
        m_scope.constants.erase(name->id);
      }
      return;
    }
    // `revision, down_revision = "a", "b"`: pairwise when both sides are literal sequences.
    const ExprList* targets = nullptr;
    if (const auto* t = target.as<Tuple>()) {
      targets = &t->elts;
    } else if (const auto* l = target.as<List>()) {
      targets = &l->elts;
    }
    const ExprList* values = nullptr;
    if (const auto* t = value.as<Tuple>()) {
      values = &t->elts;
    } else if (const auto* l = value.as<List>()) {
      values = &l->elts;
    }
    if (targets && values && targets->size() == values->size()) {
      for (std::size_t i = 0; i < targets->size(); ++i) {
        assign(*(*targets)[i], *(*values)[i]);
      }
    }
  }

  alembic::ModuleScope m_scope;
  std::array<VarValue, static_cast<std::size_t>(Var::count)> m_vars;
  const Stmt* m_upgrade = nullptr;
  const Stmt* m_downgrade = nullptr;
};

std::string_view file_name_of(std::string_view path)
{
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Alembic's legacy fallback: `re.match(r"([a-f0-9]+)\.py$", filename)`.
std::optional<std::string> id_from_file_name(std::string_view name)
{
  if (!name.ends_with(".py") || name.size() == 3) {
    return std::nullopt;
  }
  const std::string_view stem = name.substr(0, name.size() - 3);
  for (char c : stem) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  return std::string(stem);
}

// Finds `label` inside the docstring's source text and returns the rest of its line.
std::optional<std::string_view> header_line(std::string_view source, Span doc,
                                            std::string_view label, Span& span)
{
  const std::string_view text = text_of(source, doc);
  const auto at = text.find(label);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  auto end = text.find_first_of("\r\n", at);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  span = {static_cast<std::uint32_t>(doc.begin + at), static_cast<std::uint32_t>(doc.begin + end)};
  std::string_view value = text.substr(at + label.size(), end - at - label.size());
  // A one-line docstring can end on the same line: drop its closing quotes.
  while (!value.empty() && (value.back() == '"' || value.back() == '\'')) {
    value.remove_suffix(1);
  }
  return util::strip(value);
}

// The ids of a `Revises:` line, in the spellings templates of different Alembic and
// Flask-Migrate versions wrote: `a, b`, `('a', 'b')`, `['a', 'b']`, and for a first
// revision an empty value, `None` or `(none)`.
std::vector<std::string> revises_ids(std::string_view value)
{
  value = util::strip(value);
  if (value.size() >= 2 && ((value.front() == '(' && value.back() == ')') ||
                            (value.front() == '[' && value.back() == ']'))) {
    value = util::strip(value.substr(1, value.size() - 2));
  }
  std::vector<std::string> ids;
  for (const std::string& piece : util::split(value, ',')) {
    std::string_view id = util::strip(piece);
    // Quotes of a repr()ed tuple; a one-line docstring's closing quotes already took
    // the last one away.
    while (!id.empty() && (id.front() == '\'' || id.front() == '"')) {
      id.remove_prefix(1);
    }
    while (!id.empty() && (id.back() == '\'' || id.back() == '"')) {
      id.remove_suffix(1);
    }
    if (!id.empty()) {
      ids.emplace_back(id);
    }
  }
  if (ids.size() == 1 && (util::to_lower(ids.front()) == "none" || ids.front() == "<base>")) {
    ids.clear();
  }
  return ids;
}

void read_doc(model::Revision& rev, const Block& body, std::string_view source)
{
  if (body.empty()) {
    return;
  }
  const auto* e = body.front()->as<ExprStmt>();
  const auto* c = e ? e->value->as<Constant>() : nullptr;
  if (!c || !c->is_string()) {
    return;
  }
  rev.doc = c->value;
  rev.has_doc = true;
  rev.doc_span = body.front()->span;
  Span span;
  if (auto id = header_line(source, rev.doc_span, "Revision ID:", span)) {
    rev.header_id = std::string(*id);
    rev.header_id_span = span;
  }
  if (auto revises = header_line(source, rev.doc_span, "Revises:", span)) {
    rev.header_revises = revises_ids(*revises);
    rev.header_revises_span = span;
  }
}

// `# miglint: ignore[MG101, missing-downgrade] reason`
std::optional<model::Suppression> suppression_of(std::string_view source, const Comment& c)
{
  const std::string_view text = text_of(source, c.span);
  const auto marker = text.find("miglint:");
  if (marker == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = util::strip(text.substr(marker + 8));
  if (!rest.starts_with("ignore")) {
    return std::nullopt;
  }
  rest = util::strip(rest.substr(6));
  if (!rest.starts_with("[")) {
    return std::nullopt;
  }
  const auto close = rest.find(']');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  model::Suppression s;
  std::string current;
  for (char ch : rest.substr(1, close - 1)) {
    if (ch == ',' || ch == ' ' || ch == '\t') {
      if (!current.empty()) {
        s.rules.push_back(std::move(current));
        current.clear();
      }
    } else {
      current.push_back(ch);
    }
  }
  if (!current.empty()) {
    s.rules.push_back(std::move(current));
  }
  s.reason = util::strip(rest.substr(close + 1));
  s.span = c.span;
  return s;
}

void read_suppressions(model::Revision& rev, const ParseResult& parsed, std::string_view source)
{
  for (const Comment& c : parsed.comments) {
    auto s = suppression_of(source, c);
    if (!s) {
      continue;
    }
    // File level: on its own unindented line, outside every top-level def and class.
    const bool unindented =
      c.span.begin == 0 || source[c.span.begin - 1] == '\n' || source[c.span.begin - 1] == '\r';
    bool inside_definition = false;
    for (const StmtPtr& stmt : parsed.module.body) {
      if ((stmt->is<FunctionDef>() || stmt->is<ClassDef>()) && c.span.begin >= stmt->span.begin &&
          c.span.begin < stmt->span.end) {
        inside_definition = true;
        break;
      }
    }
    s->file_level = c.own_line && unindented && !inside_definition;
    rev.suppressions.push_back(std::move(*s));
  }
}

const char* kind_name(const Expr& e)
{
  if (const auto* c = e.as<Constant>()) {
    switch (c->kind) {
    case Constant::Kind::none: return "None";
    case Constant::Kind::boolean: return "a bool";
    case Constant::Kind::integer: return "an int";
    case Constant::Kind::floating: return "a float";
    case Constant::Kind::bytes: return "bytes";
    default: return "a constant";
    }
  }
  if (e.is<Tuple>()) {
    return "a tuple";
  }
  if (e.is<List>()) {
    return "a list";
  }
  return nullptr;
}

// Reads a parsed module. In graph mode `parsed` holds only the module's simple statements
// (see alembic_scan.cpp), and `has_doc_slot` says whether the first of them is also the
// module's first statement, the only place a docstring can be.
ReadOutcome read_parsed(const std::shared_ptr<const model::SourceFile>& file,
                        const ParseResult& parsed, ReadMode mode, bool has_doc_slot)
{
  ReadOutcome out;
  const std::string_view source = file->text;
  ModuleReader module(source);
  module.read(parsed.module.body);

  model::Revision rev;
  rev.format = model::Format::alembic_python;
  rev.file = file;

  const VarValue& revision = module.var(Var::revision);
  if (!revision.assigned) {
    auto id = id_from_file_name(file_name_of(file->path));
    if (!id) {
      out.diagnostics.push_back(unparsable(
        file, {0, 0}, "no `revision = ...` assignment: not an Alembic revision file"));
      return out;
    }
    rev.id = std::move(*id);
  } else if (revision.single_string) {
    rev.id = revision.strings->front();
    rev.id_span = revision.expr->span;
  } else {
    const Span span = revision.expr->span;
    if (const char* kind = kind_name(*revision.expr)) {
      out.diagnostics.push_back(
        unparsable(file, span, std::string("`revision` must be a string, not ") + kind));
    } else {
      out.diagnostics.push_back(unparsable(
        file, span,
        "cannot resolve `revision = " + std::string(text_of(source, span)) +
          "` without running Python: use a string literal"));
    }
    return out;
  }

  const VarValue& down = module.var(Var::down_revision);
  if (!down.assigned) {
    out.diagnostics.push_back(unparsable(file, rev.id_span,
                                         "no `down_revision = ...` assignment: use None for a "
                                         "first revision"));
    return out;
  }

  auto fill = [&](Var which, std::vector<std::string>& values, Span& span) {
    const VarValue& v = module.var(which);
    if (!v.assigned) {
      return;
    }
    span = v.expr->span;
    if (v.strings) {
      values = *v.strings;
    } else {
      rev.unresolved.push_back(model::Unresolved{std::string(k_var_names[static_cast<std::size_t>(which)]),
                                                 std::string(text_of(source, span)), span});
    }
  };
  fill(Var::down_revision, rev.down_revisions, rev.down_span);
  fill(Var::branch_labels, rev.branch_labels, rev.labels_span);
  fill(Var::depends_on, rev.depends_on, rev.depends_span);

  if (has_doc_slot) {
    read_doc(rev, parsed.module.body, source);
  }
  if (mode == ReadMode::full) {
    if (module.upgrade()) {
      rev.upgrade = alembic::analyse_body(*module.upgrade(), module.scope());
    }
    if (module.downgrade()) {
      rev.downgrade = alembic::analyse_body(*module.downgrade(), module.scope());
    }
    read_suppressions(rev, parsed, source);
  }
  out.revision = std::move(rev);
  return out;
}

} // namespace

ReadOutcome read_alembic(const std::shared_ptr<const model::SourceFile>& file, ReadMode mode)
{
  const std::string_view source = file->text;
  if (auto problem = python_encoding_problem(source)) {
    const auto at = static_cast<std::uint32_t>(problem->offset);
    ReadOutcome out;
    out.diagnostics.push_back(unparsable(file, {at, at + 1}, std::move(problem->message)));
    return out;
  }
  if (mode == ReadMode::links) {
    // Only the module-level statements; anything the scan or this partial parse is not
    // sure about is read in full below, which also words the error as full mode does.
    const alembic::TopLevelScan scan = alembic::scan_top_level(source);
    if (scan.ok) {
      const ParseResult parsed = parse_module_lines(source, scan.simple);
      if (!parsed.error) {
        return read_parsed(file, parsed, mode, !scan.first_is_compound);
      }
    }
  }
  const ParseResult parsed = parse_module(source);
  if (parsed.error) {
    ReadOutcome out;
    out.diagnostics.push_back(
      unparsable(file, parsed.error->span, "cannot parse Python: " + parsed.error->message));
    return out;
  }
  return read_parsed(file, parsed, mode, true);
}

} // namespace miglint::readers
