// What revision bodies do with the database beyond op.*: op.get_bind() / op.get_context()
// (dialect "sqlite"), conn.execute(...) of SQL text with bound parameters and of SQLAlchemy
// Core constructs (t.update().where(...).values(...), t.insert(), t.delete(), sa.select),
// sa.inspect(bind) and MetaData reflection answered from the live schema. Online, the rows
// a statement returns are read from the database (result_rows.hpp) and may steer control
// flow; offline they are unknown: carried around, but not steering an `if` or a loop.
#include "ops/batch.hpp"
#include "ops/interpreter.hpp"
#include "ops/orm.hpp"
#include "ops/reflection.hpp"
#include "ops/result_rows.hpp"
#include "postgres/migration_target.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fmt/format.h>

namespace miglint::ops {

using namespace python;

namespace {

std::shared_ptr<SqlExpression> expression(std::string sql, bool compound)
{
  auto e = std::make_shared<SqlExpression>();
  e->sql = std::move(sql);
  e->compound = compound;
  return e;
}

// Data read from the database, also behind a method of it (`result.fetchall`).
std::shared_ptr<DbData> data_of(const Value& v)
{
  if (auto d = v.as<DbData>()) return d;
  if (auto m = v.as<BoundMethod>()) return std::dynamic_pointer_cast<DbData>(m->self);
  return nullptr;
}

bool is_sql(const Value& v)
{
  return v.as<ColumnClause>() || v.as<SqlExpression>() || v.as<TextClause>() ||
         v.as<SelectStatement>() || v.as<ColumnObj>();
}

const SqlType* type_of(const Value& v)
{
  if (auto e = v.as<SqlExpression>()) return e->type.get();
  if (auto c = v.as<ColumnClause>()) return c->type.get();
  if (auto c = v.as<ColumnObj>()) return c->type.get();
  return nullptr;
}

bool is_string_type(const SqlType* t)
{
  if (!t) return false;
  static const char* const k_strings[] = {"String", "Text", "Unicode", "UnicodeText", "VARCHAR",
                                          "CHAR", "TEXT", "NVARCHAR", "NCHAR", "CLOB", "Enum"};
  for (const char* s : k_strings) {
    if (t->name == s) return true;
  }
  return false;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep)
{
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

std::string where_clause(const std::vector<std::string>& conditions)
{
  if (conditions.empty()) return "";
  if (conditions.size() == 1) return " WHERE " + conditions.front();
  std::vector<std::string> wrapped;
  for (const auto& c : conditions) wrapped.push_back("(" + c + ")");
  return " WHERE " + join(wrapped, " AND ");
}

} // namespace

std::string render_select(const SelectStatement& s)
{
  std::string sql = std::string(s.distinct ? "SELECT DISTINCT " : "SELECT ") +
                    (s.columns.empty() ? std::string("*") : join(s.columns, ", "));
  if (!s.froms.empty()) sql += " FROM " + join(s.froms, ", ");
  sql += where_clause(s.where);
  if (!s.order_by.empty()) sql += " ORDER BY " + join(s.order_by, ", ");
  if (s.limit || s.offset) sql += fmt::format(" LIMIT {}", s.limit.value_or(-1));
  if (s.offset) sql += fmt::format(" OFFSET {}", *s.offset);
  return sql;
}

namespace {

void add_from(std::vector<std::string>& froms, const std::string& table, ddl::Quoter quote)
{
  if (table.empty()) return;
  const std::string q = quote(table);
  if (std::find(froms.begin(), froms.end(), q) == froms.end()) froms.push_back(q);
}

// The tables an expression's SQL names columns of (`max(users.id)`, `"t"."a" + 1`): a
// select of the expression reads FROM them, as SQLAlchemy derives FROMs from columns.
std::vector<std::string> tables_named_in(const std::string& sql)
{
  std::vector<std::string> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    std::string name;
    std::size_t end = i;
    if (c == '\'') {
      end = sql.find('\'', i + 1);
      i = end == std::string::npos ? sql.size() : end + 1;
      continue;
    }
    if (c == '"') {
      end = sql.find('"', i + 1);
      if (end == std::string::npos) break;
      name = sql.substr(i + 1, end - i - 1);
      ++end;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (end < sql.size() && word(sql[end])) ++end;
      name = sql.substr(i, end - i);
    } else {
      ++i;
      continue;
    }
    if (end < sql.size() && sql[end] == '.' && (i == 0 || sql[i - 1] != '.')) out.push_back(name);
    i = end;
  }
  return out;
}

std::shared_ptr<ColumnClause> table_column(const TableClause& table, const std::string& name)
{
  for (const auto& c : table.columns) {
    if (c->name == name) {
      auto bound = std::make_shared<ColumnClause>(*c);
      bound->table = table.name;
      return bound;
    }
  }
  return nullptr;
}

// Text with `:name` parameters replaced by literals, as SQLAlchemy's text() finds them
// (not after another `:` or a word character, not before `:`; `\:` is a literal colon).
// Quoted strings are skipped. `online`: PostgreSQL values are sent as psycopg2 adapts them.
std::optional<std::string> bind_text(const std::string& text,
                                     const std::vector<std::pair<std::string, Value>>& params,
                                     std::string& missing, std::string& bad, bool postgresql,
                                     bool online)
{
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == ':') {
      out += ':';
      ++i;
      continue;
    }
    const bool starts = c == ':' && i + 1 < text.size() &&
                        (std::isalnum(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '_') &&
                        (i == 0 || !(text[i - 1] == ':' || std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                                     text[i - 1] == '_'));
    if (!starts) {
      out += c;
      continue;
    }
    std::size_t end = i + 1;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    if (end < text.size() && text[end] == ':') {
      out += text.substr(i, end - i);
      i = end - 1;
      continue;
    }
    const std::string name = text.substr(i + 1, end - i - 1);
    const Value* value = nullptr;
    for (const auto& [k, v] : params) {
      if (k == name) value = &v;
    }
    if (!value) {
      missing = name;
      return std::nullopt;
    }
    auto lit = postgresql ? postgresql_literal(*value, nullptr, online) : data_literal(*value, nullptr);
    if (!lit) {
      bad = name;
      return std::nullopt;
    }
    out += *lit;
    i = end - 1;
  }
  return out;
}

} // namespace

std::string DmlStatement::describe() const
{
  switch (kind) {
  case Kind::update: return table->name + ".update()";
  case Kind::insert: return table->name + ".insert()";
  case Kind::del: return table->name + ".delete()";
  }
  return "statement";
}

std::string Interpreter::unknown_reason(const Value& v) const
{
  if (auto d = data_of(v)) return d->origin;
  if (auto o = v.as<OpaqueCall>()) {
    if (o->import_line) {
      return fmt::format("the result of `{}` (imported at line {}), which miglint cannot evaluate",
                         o->path, o->import_line);
    }
    return fmt::format("the result of `{}`, which miglint cannot evaluate", o->path);
  }
  if (auto m = v.as<BoundMethod>(); m && !std::dynamic_pointer_cast<LiteralReceiver>(m->self)) {
    // An attribute of an Alembic/SQLAlchemy object that is not modelled (`bind.engine.url`
    // before it was), used as a value rather than called.
    return fmt::format("`{}`, an attribute miglint does not know the value of", m->describe());
  }
  if (auto ns = v.as<Namespace>(); ns && !ns->known) {
    if (ns->import_line) {
      return fmt::format("`{}` (imported at line {}), which miglint cannot evaluate", ns->path,
                         ns->import_line);
    }
    return fmt::format("`{}`, which miglint cannot evaluate", ns->path);
  }
  return {};
}

std::optional<Stop> Interpreter::check_known(const Value& v, const Expr& expr, std::string_view use)
{
  if (std::string why = unknown_reason(v); !why.empty()) {
    const bool data = data_of(v) != nullptr;
    return unsupported(fmt::format("{} whose outcome depends on {}{}", use, why,
                                   data ? " (data read from the database)" : ""),
                       expr.span);
  }
  if (is_sql(v) || v.as<DmlStatement>()) {
    return unsupported(fmt::format("{} on the SQL expression `{}`", use, text(expr.span)), expr.span);
  }
  return std::nullopt;
}

Flow<std::vector<Value>> Interpreter::iterate_object(const ObjectPtr& object, const Expr& expr)
{
  const Value v(object);
  if (std::string why = unknown_reason(v); !why.empty()) {
    return unsupported(fmt::format("a loop over {}{}", why,
                                   data_of(v) ? " (data read from the database)" : ""),
                       expr.span);
  }
  if (auto rows = iterate_result(object, expr.span)) return *rows;
  if (auto query = std::dynamic_pointer_cast<OrmQuery>(object)) {
    // `for obj in session.query(M)`: its all().
    CallArgs none;
    none.span = expr.span;
    auto all = call_query(query, "all", none, expr);
    if (!all) return all.stop();
    return all->list()->items;
  }
  if (auto c = std::dynamic_pointer_cast<ColumnCollection>(object)) {
    std::vector<Value> out;
    for (const auto& col : c->table->columns) out.emplace_back(ObjectPtr(table_column(*c->table, col->name)));
    return out;
  }
  return Evaluator::iterate_object(object, expr);
}

std::optional<Flow<std::optional<Value>>> Interpreter::next_of_object(const ObjectPtr& object,
                                                                      const Expr& expr)
{
  return next_result_item(object, expr.span);
}

Flow<Value> Interpreter::subscript_object(const ObjectPtr& object, const Value& key, const Expr& expr)
{
  if (std::dynamic_pointer_cast<DbData>(object)) return Value(object);
  if (auto v = subscript_row(object, key, expr.span)) return *v;
  if (auto c = std::dynamic_pointer_cast<ColumnCollection>(object); c && key.str()) {
    if (auto col = table_column(*c->table, *key.str())) return Value(ObjectPtr(col));
    return failure(fmt::format("KeyError: {}", to_repr(key)), expr.span);
  }
  return Evaluator::subscript_object(object, key, expr);
}

Flow<std::string> Interpreter::sql_operand(const Value& v, const SqlType* type, Span span)
{
  if (auto c = v.as<ColumnClause>()) {
    return c->table.empty() ? quote_name(c->name) : quote_name(c->table) + "." + quote_name(c->name);
  }
  if (auto c = v.as<ColumnObj>()) return quote_name(c->name);
  if (auto e = v.as<SqlExpression>()) return e->compound ? "(" + e->sql + ")" : e->sql;
  if (auto t = v.as<TextClause>()) return t->text;
  if (auto s = v.as<SelectStatement>()) return "(" + render_select(*s) + ")";
  if (std::string why = unknown_reason(v); !why.empty()) {
    return unsupported(fmt::format("a statement parameter that is {}", why), span);
  }
  if (postgresql()) {
    if (std::string error = postgresql_bind_error(v, type); !error.empty()) return failure(error, span);
    if (auto lit = postgresql_literal(v, type, !m_offline)) return *lit;
    return unsupported(fmt::format("a statement parameter of type {}", type_name(v)), span);
  }
  if (std::string error = bind_error(v, type); !error.empty()) return failure(error, span);
  if (auto lit = data_literal(v, type)) return *lit;
  return unsupported(fmt::format("a statement parameter of type {}", type_name(v)), span);
}

std::optional<Flow<Value>> Interpreter::binary_object(BinaryOperator op, const Value& a,
                                                      const Value& b, const Expr& expr)
{
  if (auto d = data_of(a) ? data_of(a) : data_of(b)) return Flow<Value>(Value(ObjectPtr(d)));
  if (!is_sql(a) && !is_sql(b)) return std::nullopt;
  const char* sym = nullptr;
  switch (op) {
  case BinaryOperator::add:
    sym = (is_string_type(type_of(a)) || is_string_type(type_of(b)) || a.str() || b.str()) ? "||" : "+";
    break;
  case BinaryOperator::sub: sym = "-"; break;
  case BinaryOperator::mult: sym = "*"; break;
  case BinaryOperator::div: sym = "/"; break;
  case BinaryOperator::mod: sym = "%"; break;
  case BinaryOperator::bit_and: sym = "AND"; break;
  case BinaryOperator::bit_or: sym = "OR"; break;
  default: return std::nullopt;
  }
  const SqlType* hint = type_of(a) ? type_of(a) : type_of(b);
  auto l = sql_operand(a, hint, expr.span);
  if (!l) return Flow<Value>(l.stop());
  auto r = sql_operand(b, hint, expr.span);
  if (!r) return Flow<Value>(r.stop());
  return Flow<Value>(Value(ObjectPtr(expression(fmt::format("{} {} {}", *l, sym, *r), true))));
}

std::optional<Flow<Value>> Interpreter::compare_object(CompareOperator op, const Value& a,
                                                       const Value& b, const Expr& expr)
{
  if (auto d = data_of(a) ? data_of(a) : data_of(b)) return Flow<Value>(Value(ObjectPtr(d)));
  if (!is_sql(a) && !is_sql(b)) return std::nullopt;
  if (op == CompareOperator::is || op == CompareOperator::is_not) {
    // Identity of an SQL construct the revision built is known: `col is None` is False.
    return Flow<Value>(Value(equal(a, b) == (op == CompareOperator::is)));
  }
  if (op == CompareOperator::in || op == CompareOperator::not_in) return std::nullopt;
  const Value& column = is_sql(a) ? a : b;
  const Value& other = is_sql(a) ? b : a;
  auto l = sql_operand(column, nullptr, expr.span);
  if (!l) return Flow<Value>(l.stop());
  if (other.is_none() && (op == CompareOperator::eq || op == CompareOperator::not_eq_)) {
    return Flow<Value>(Value(ObjectPtr(
        expression(*l + (op == CompareOperator::eq ? " IS NULL" : " IS NOT NULL"), true))));
  }
  auto r = sql_operand(other, type_of(column), expr.span);
  if (!r) return Flow<Value>(r.stop());
  const bool swapped = !is_sql(a);
  const char* sym = "=";
  switch (op) {
  case CompareOperator::eq: sym = "="; break;
  case CompareOperator::not_eq_: sym = "!="; break;
  case CompareOperator::lt: sym = swapped ? ">" : "<"; break;
  case CompareOperator::lt_e: sym = swapped ? ">=" : "<="; break;
  case CompareOperator::gt: sym = swapped ? "<" : ">"; break;
  case CompareOperator::gt_e: sym = swapped ? "<=" : ">="; break;
  default: return std::nullopt;
  }
  return Flow<Value>(Value(ObjectPtr(expression(fmt::format("{} {} {}", *l, sym, *r), true))));
}

std::optional<Flow<Value>> Interpreter::unary_object(UnaryOperator op, const Value& v, const Expr& expr)
{
  if (auto d = data_of(v)) return Flow<Value>(Value(ObjectPtr(d)));
  if (!is_sql(v)) return std::nullopt;
  auto operand = sql_operand(v, nullptr, expr.span);
  if (!operand) return Flow<Value>(operand.stop());
  if (op == UnaryOperator::invert) return Flow<Value>(Value(ObjectPtr(expression("NOT " + *operand, true))));
  if (op == UnaryOperator::minus) return Flow<Value>(Value(ObjectPtr(expression("-" + *operand, true))));
  return std::nullopt;
}

Flow<std::string> Interpreter::render_statement(const Value& v, Span span)
{
  if (auto s = v.as<SelectStatement>()) return render_select(*s);
  auto dml = v.as<DmlStatement>();
  if (!dml) return unsupported(fmt::format("execution of {}", type_name(v)), span);
  const std::string table = quote_name(dml->table->name);
  switch (dml->kind) {
  case DmlStatement::Kind::update: {
    if (dml->rows.empty() || dml->rows.front().empty()) {
      return unsupported(fmt::format("{} without .values(...)", dml->describe()), span);
    }
    std::vector<std::string> sets;
    for (const auto& [col, sql] : dml->rows.front()) sets.push_back(quote_name(col) + "=" + sql);
    return fmt::format("UPDATE {} SET {}{}", table, join(sets, ", "), where_clause(dml->where));
  }
  case DmlStatement::Kind::del:
    return fmt::format("DELETE FROM {}{}", table, where_clause(dml->where));
  case DmlStatement::Kind::insert: {
    if (!dml->from_select.empty()) {
      std::vector<std::string> cols;
      for (const auto& c : dml->from_select_columns) cols.push_back(quote_name(c));
      return fmt::format("INSERT INTO {} ({}) {}", table, join(cols, ", "), dml->from_select);
    }
    if (dml->rows.empty() || dml->rows.front().empty()) {
      return fmt::format("INSERT INTO {} DEFAULT VALUES", table);
    }
    std::vector<std::string> cols;
    for (const auto& kv : dml->rows.front()) cols.push_back(quote_name(kv.first));
    std::vector<std::string> tuples;
    for (const auto& row : dml->rows) {
      if (row.size() != cols.size()) {
        return unsupported("a multi-row insert whose rows name different columns", span);
      }
      std::vector<std::string> values;
      for (const auto& kv : row) values.push_back(kv.second);
      tuples.push_back("(" + join(values, ", ") + ")");
    }
    return fmt::format("INSERT INTO {} ({}) VALUES {}", table, join(cols, ", "), join(tuples, ", "));
  }
  }
  return unsupported("statement", span);
}

std::optional<Stop> Interpreter::execute(const Value& statement, const Value* params,
                                         const std::string& label, Span span)
{
  m_result = std::make_shared<ResultState>();
  m_result->rowcount = 0;
  // Parameter sets: none, one dict, or a list of dicts (executemany).
  std::vector<const DictValue*> sets;
  if (params && !params->is_none()) {
    if (auto d = params->dict()) {
      sets.push_back(d);
    } else if (auto l = params->list()) {
      for (const Value& item : l->items) {
        if (!item.dict()) return unsupported("execute() parameters that are not dicts", span);
        sets.push_back(item.dict());
      }
      if (sets.empty()) return std::nullopt;
    } else {
      if (std::string why = unknown_reason(*params); !why.empty()) {
        return unsupported(fmt::format("execute() parameters that are {}", why), span);
      }
      return unsupported(fmt::format("execute() parameters of type {}", type_name(*params)), span);
    }
  }
  if (std::string why = unknown_reason(statement); !why.empty()) {
    return unsupported(fmt::format("execution of {}", why), span);
  }
  if (statement.str() || statement.as<TextClause>()) {
    std::string sql_text;
    std::vector<std::pair<std::string, Value>> binds;
    if (auto t = statement.as<TextClause>()) {
      sql_text = t->text;
      binds = t->binds;
    } else {
      sql_text = *statement.str();
    }
    if (sets.empty()) sets.push_back(nullptr);
    for (const DictValue* set : sets) {
      auto all = binds;
      if (set) {
        for (const auto& [k, v] : set->items) {
          if (k.str()) all.emplace_back(*k.str(), v);
        }
      }
      for (const auto& [k, v] : all) {
        if (std::string why = unknown_reason(v); !why.empty()) {
          return unsupported(fmt::format("the parameter '{}', which is {}", k, why), span);
        }
      }
      std::string missing;
      std::string bad;
      auto bound = bind_text(sql_text, all, missing, bad, postgresql(), !m_offline);
      if (!bound) {
        if (!missing.empty()) {
          return failure(fmt::format("A value is required for bind parameter '{}'", missing), span);
        }
        for (const auto& [k, v] : all) {
          // Values sqlite3 has no adapter for (a time, a timedelta, a Decimal) fail there.
          if (k != bad) continue;
          if (std::string error = bind_error(v, nullptr); !error.empty()) return failure(error, span);
        }
        return unsupported(fmt::format("the parameter '{}' of a type miglint cannot bind", bad), span);
      }
      if (auto stop = run_executable(*bound, label, span, {})) return stop;
    }
    return std::nullopt;
  }
  if (auto dml = statement.as<DmlStatement>(); dml && !sets.empty()) {
    if (dml->kind != DmlStatement::Kind::insert || !dml->rows.empty()) {
      return unsupported(fmt::format("{} executed with parameters", dml->describe()), span);
    }
    // insert() executed with rows: one INSERT per parameter set, as executemany does.
    for (const DictValue* set : sets) {
      auto one = std::make_shared<DmlStatement>(*dml);
      std::vector<std::pair<std::string, std::string>> row;
      for (const auto& [k, v] : set->items) {
        if (!k.str()) return unsupported("insert parameters with non-string keys", span);
        auto col = table_column(*dml->table, *k.str());
        auto sql = sql_operand(v, col ? col->type.get() : nullptr, span);
        if (!sql) return sql.stop();
        row.emplace_back(*k.str(), *sql);
      }
      one->rows = {row};
      auto rendered = render_statement(Value(ObjectPtr(one)), span);
      if (!rendered) return rendered.stop();
      if (auto stop = run_executable(*rendered, label, span, {})) return stop;
    }
    return std::nullopt;
  }
  auto rendered = render_statement(statement, span);
  if (!rendered) return rendered.stop();
  SelectedColumns columns;
  if (auto select = statement.as<SelectStatement>()) {
    columns.keys = select->keys;
    columns.types = select->types;
  }
  return run_executable(*rendered, label, span, columns);
}

std::optional<Stop> Interpreter::run_executable(const std::string& sql, const std::string& label,
                                                Span span, const SelectedColumns& columns)
{
  if (m_pg) return run_postgresql_executable(sql, label, span, columns);
  if (!m_db) return run_sql(sql, label, span);
  // A statement that returns rows is read here; anything else goes to the sink, which
  // runs it on the same connection.
  bool returns_rows = false;
  if (auto stmt = m_db->prepare(sql)) returns_rows = stmt->column_count() > 0;
  if (!returns_rows) {
    if (auto stop = run_sql(sql, label, span)) return stop;
    if (m_result && !m_result->returns_rows) m_result->rowcount += m_db->changes();
    return std::nullopt;
  }
  const auto start = std::chrono::steady_clock::now();
  auto rows = read_rows(*m_db, sql, columns, span, line_of(span));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  m_runs.push_back({label, span, ms});
  if (!rows) return rows.stop();
  m_result = *rows;
  return std::nullopt;
}

void Interpreter::add_condition_froms(SelectStatement& select, const Value& condition,
                                      const std::string& sql) const
{
  // SQLAlchemy reads FROM the tables of the WHERE clause's columns too (a cartesian
  // product when nothing joins them); SQL text adds none, and a subquery has its own.
  if (!condition.as<SqlExpression>()) return;
  if (util::to_upper(sql).find("SELECT") != std::string::npos) return;
  for (const std::string& table : tables_named_in(sql)) add_from(select.froms, table, quoter());
}

std::optional<Stop> Interpreter::run_postgresql_executable(const std::string& sql,
                                                           const std::string& label, Span span,
                                                           const SelectedColumns& columns)
{
  // psycopg2 runs the text and says afterwards whether it returned rows.
  auto rows = run_postgresql_statement(sql, label, span);
  if (!rows) return rows.stop();
  if (!rows->returned_rows) {
    if (m_result && !m_result->returns_rows) m_result->rowcount += rows->affected;
    return std::nullopt;
  }
  auto read = read_postgresql_rows(
    *rows, columns, [this](unsigned type) { return postgresql_type_name(type); }, line_of(span));
  if (!read) return read.stop();
  m_result = *read;
  return std::nullopt;
}

std::string Interpreter::postgresql_type_name(unsigned type_oid)
{
  if (auto known = m_pg_type_names.find(type_oid); known != m_pg_type_names.end()) {
    return known->second;
  }
  auto rows = m_pg->query("SELECT typname FROM pg_catalog.pg_type WHERE oid = $1",
                          {std::to_string(type_oid)});
  std::string name = rows && !rows->values.empty() && rows->values[0][0] ? *rows->values[0][0] : "";
  m_pg_type_names[type_oid] = name;
  return name;
}

Flow<std::int64_t> Interpreter::run_counted(const std::string& sql, const std::string& label, Span span)
{
  if (m_db) {
    if (auto stop = run_sql(sql, label, span)) return *stop;
    return m_db->changes();
  }
  auto rows = run_postgresql_statement(sql, label, span);
  if (!rows) return rows.stop();
  return rows->affected;
}

Flow<postgres::Rows> Interpreter::run_postgresql_statement(const std::string& sql,
                                                           const std::string& label, Span span)
{
  const auto start = std::chrono::steady_clock::now();
  auto rows = postgres::run_revision_query(*m_pg, sql, m_in_autocommit_block);
  const double ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  m_runs.push_back({label, span, ms});
  if (!rows) return failure(rows.error().message, span, sql);
  return std::move(*rows);
}

Flow<std::shared_ptr<ResultState>> Interpreter::read_select(const std::string& sql,
                                                           const SelectedColumns& columns,
                                                           Span span)
{
  if (m_db) return read_rows(*m_db, sql, columns, span, line_of(span));
  auto rows = postgres::run_revision_query(*m_pg, sql, m_in_autocommit_block);
  if (!rows) return failure(rows.error().message, span, sql);
  return read_postgresql_rows(
    *rows, columns, [this](unsigned type) { return postgresql_type_name(type); }, line_of(span));
}

std::optional<Flow<Value>> Interpreter::attribute_database(const ObjectPtr& object,
                                                           const std::string& name,
                                                           const Expr& expr)
{
  auto method = [&]() { return Flow<Value>(Value(ObjectPtr(std::make_shared<BoundMethod>(object, name)))); };
  if (auto d = std::dynamic_pointer_cast<DbData>(object)) {
    return method(); // row.id, result.rowcount, result.fetchall(): still data
  }
  if (std::dynamic_pointer_cast<ResultObj>(object) || std::dynamic_pointer_cast<RowObj>(object)) {
    if (auto v = result_attribute(object, name, expr.span)) return *v;
    return method();
  }
  if (auto meta = std::dynamic_pointer_cast<MetaDataObj>(object)) {
    if (name == "reflect") return method();
    return metadata_attribute(*meta, name, expr);
  }
  auto unknown = [&](const std::string& what) {
    auto v = std::make_shared<OpaqueCall>(what);
    return Flow<Value>(Value(ObjectPtr(v)));
  };
  if (std::dynamic_pointer_cast<ConnectionObj>(object)) {
    if (name == "dialect") return Flow<Value>(Value(ObjectPtr(std::make_shared<DialectObj>())));
    if (name == "url") {
      auto url = std::make_shared<UrlObj>();
      if (m_db && m_db->name() != ":memory:" && !m_db->name().empty()) url->database = m_db->name();
      if (!m_db && postgresql() && !m_offline) return unknown("the PostgreSQL database URL");
      if (!m_db) return unknown("the database URL of an offline (--sql) run");
      return Flow<Value>(Value(ObjectPtr(url)));
    }
    if (name == "engine" || name == "connection" || name == "bind") return Flow<Value>(Value(object));
    if (name == "name") return Flow<Value>(Value(std::string(db::dialect_name(m_dialect)))); // engine.name
    return method();
  }
  if (std::dynamic_pointer_cast<DialectObj>(object)) {
    if (name == "name") return Flow<Value>(Value(std::string(db::dialect_name(m_dialect))));
    if (name == "driver") return Flow<Value>(Value(postgresql() ? "psycopg2" : "pysqlite"));
    if (name == "supports_alter") return Flow<Value>(Value(postgresql()));
    return std::nullopt;
  }
  if (auto url = std::dynamic_pointer_cast<UrlObj>(object)) {
    if (name == "drivername") return Flow<Value>(Value("sqlite"));
    if (name == "database") return Flow<Value>(url->database.empty() ? Value() : Value(url->database));
    if (name == "host" || name == "port" || name == "username" || name == "password") return Flow<Value>(Value());
    if (name == "query") return Flow<Value>(Value(std::make_shared<DictValue>()));
    return method();
  }
  if (std::dynamic_pointer_cast<ConfigObj>(object)) {
    // Options and command-line options depend on alembic.ini, env.py and the command
    // Alembic was started with; the main section is followed only into engine_from_config.
    if (name == "config_ini_section") {
      return Flow<Value>(Value(ObjectPtr(std::make_shared<ConfigMainSectionName>())));
    }
    if (name == "get_section") return method();
    return unknown(fmt::format("context.config.{}", name));
  }
  if (std::dynamic_pointer_cast<MigrationContextObj>(object)) {
    if (name == "config") return Flow<Value>(Value(ObjectPtr(std::make_shared<ConfigObj>())));
    if (name == "dialect") return Flow<Value>(Value(ObjectPtr(std::make_shared<DialectObj>())));
    if (name == "bind" || name == "connection") {
      return Flow<Value>(Value(ObjectPtr(std::make_shared<ConnectionObj>())));
    }
    if (name == "as_sql") return Flow<Value>(Value(m_offline));
    return method();
  }
  if (std::dynamic_pointer_cast<InspectorObj>(object) || std::dynamic_pointer_cast<SessionObj>(object) ||
      std::dynamic_pointer_cast<OrmQuery>(object) || std::dynamic_pointer_cast<SessionFactory>(object)) {
    return method();
  }
  if (auto t = std::dynamic_pointer_cast<TableClause>(object)) {
    if (name == "c" || name == "columns") {
      auto c = std::make_shared<ColumnCollection>();
      c->table = t;
      return Flow<Value>(Value(ObjectPtr(c)));
    }
    if (name == "name") return Flow<Value>(Value(t->name));
    return method();
  }
  if (auto c = std::dynamic_pointer_cast<ColumnCollection>(object)) {
    if (auto col = table_column(*c->table, name)) return Flow<Value>(Value(ObjectPtr(col)));
    return Flow<Value>(failure(fmt::format("AttributeError: {}", name), expr.span));
  }
  if (auto c = std::dynamic_pointer_cast<ColumnClause>(object)) {
    if (name == "name") return Flow<Value>(Value(c->name));
    if (name == "key") return Flow<Value>(Value(c->name));
    if (name == "type" && c->type) return Flow<Value>(Value(ObjectPtr(c->type)));
    return method();
  }
  if (std::dynamic_pointer_cast<SqlExpression>(object) || std::dynamic_pointer_cast<TextClause>(object) ||
      std::dynamic_pointer_cast<DmlStatement>(object) || std::dynamic_pointer_cast<SelectStatement>(object)) {
    return method();
  }
  return std::nullopt;
}

std::optional<Stop> Interpreter::second_engine_read(bool second_engine, Span span)
{
  // A second connection sees what is committed. Each revision runs in a transaction of its
  // own, so before its first statement that is exactly what the migration's connection
  // sees; after it, the revision's own uncommitted changes would be missing.
  if (!second_engine || m_runs.empty()) return std::nullopt;
  return unsupported("a read through a second engine (engine_from_config) after this revision "
                     "ran statements: that connection does not see their uncommitted changes",
                     span);
}

Flow<Value> Interpreter::executed_result(Span span)
{
  if (!can_read() || !m_result) {
    auto d = std::make_shared<DbData>();
    d->origin = fmt::format("the result of `{}` (line {})", text(span), line_of(span));
    return Value(ObjectPtr(d));
  }
  auto r = std::make_shared<ResultObj>();
  r->state = m_result;
  return Value(ObjectPtr(r));
}

Flow<Value> Interpreter::call_metadata(MetaDataObj& meta, const std::string& name, CallArgs& args,
                                       const Expr& call)
{
  if (name != "reflect") return unsupported(fmt::format("MetaData.{}()", name), call.span);
  const Value* bind = args.get(0, "bind");
  if (!(bind && bind->as<ConnectionObj>()) && !meta.bound) {
    return unsupported("MetaData.reflect() without bind=op.get_bind()", call.span);
  }
  if (auto stop = second_engine_read(bind && bind->as<ConnectionObj>()->second_engine, call.span)) {
    return *stop;
  }
  if (!can_read()) return unsupported("MetaData.reflect() without a database (offline)", call.span);
  if (const Value* views = args.kw("views"); views && truthy(*views)) {
    return unsupported("MetaData.reflect(views=True)", call.span);
  }
  std::vector<std::string> wanted;
  auto tables = inspector_call("get_table_names", args, call);
  if (!tables) return tables.stop();
  for (const Value& t : tables->list()->items) wanted.push_back(*t.str());
  if (const Value* only = args.kw("only"); only && !only->is_none()) {
    auto names_v = names(only, call.span, "reflect(only=...)");
    if (!names_v) return names_v.stop();
    std::vector<std::string> missing;
    for (const auto& n : *names_v) {
      if (std::find(wanted.begin(), wanted.end(), n) == wanted.end()) missing.push_back(n);
    }
    if (!missing.empty()) {
      return failure(fmt::format("sqlalchemy.exc.InvalidRequestError: Could not reflect: requested "
                                 "table(s) not available in Engine: ({})",
                                 join(missing, ", ")),
                     call.span);
    }
    wanted = *names_v;
  }
  for (const auto& n : wanted) {
    if (std::any_of(meta.tables.begin(), meta.tables.end(), [&](const auto& t) { return t->name == n; })) {
      continue;
    }
    auto reflected = reflect_table_clause_of(n, call.span);
    if (!reflected) return reflected.stop();
    meta.tables.push_back(*reflected);
  }
  return Value();
}

Flow<Value> Interpreter::metadata_attribute(MetaDataObj& meta, const std::string& name, const Expr& expr)
{
  if (name == "tables") {
    auto d = std::make_shared<DictValue>();
    for (const auto& t : meta.tables) d->items.emplace_back(Value(t->name), Value(ObjectPtr(t)));
    return Value(d);
  }
  if (name == "sorted_tables") {
    std::vector<Value> out;
    for (const auto& t : sorted_by_dependency(meta.tables)) out.emplace_back(ObjectPtr(t));
    return make_list(std::move(out));
  }
  return unsupported(fmt::format("MetaData.{}", name), expr.span);
}

Flow<Value> Interpreter::inspector_call(const std::string& name, CallArgs& args, const Expr& call)
{
  if (m_pg) return postgresql_inspector_call(name, args, call);
  if (!m_db) return unsupported("sa.inspect() without a database (offline)", call.span);
  auto rows = [&](const std::string& sql) -> Flow<std::vector<std::vector<std::string>>> {
    auto stmt = m_db->prepare(sql);
    if (!stmt) return failure(stmt.error().message, call.span, sql);
    std::vector<std::vector<std::string>> out;
    for (;;) {
      auto more = stmt->step();
      if (!more) return failure(more.error().message, call.span, sql);
      if (!*more) break;
      std::vector<std::string> row;
      for (int i = 0; i < stmt->column_count(); ++i) row.push_back(stmt->column_text(i));
      out.push_back(std::move(row));
    }
    return out;
  };
  auto name_list = [&](const std::string& type) -> Flow<Value> {
    auto r = rows("SELECT name FROM sqlite_master WHERE type = '" + type +
                  "' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name");
    if (!r) return r.stop();
    std::vector<Value> out;
    for (const auto& row : *r) out.emplace_back(row[0]);
    return make_list(std::move(out));
  };
  if (name == "get_table_names") return name_list("table");
  if (name == "get_view_names") return name_list("view");
  const Value* t = args.get(0, "table_name");
  if (!t || !t->str()) return unsupported(fmt::format("inspector.{}() without a table name", name), call.span);
  const std::string table = *t->str();
  if (name == "has_table") {
    auto r = rows("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = " +
                  ddl::quote_literal(table));
    if (!r) return r.stop();
    return Value(!r->empty() && r->front()[0] != "0");
  }
  auto reflected = reflect_table(*m_db, table);
  if (!reflected) {
    return failure(fmt::format("sqlalchemy.exc.NoSuchTableError: {}", table), call.span);
  }
  if (name == "get_columns") {
    std::vector<Value> out;
    for (const auto& c : reflected->columns) {
      // SQLite's pk position (1-based in the primary key, 0 outside it), as SQLAlchemy passes it on.
      const auto at = std::find(reflected->pk.columns.begin(), reflected->pk.columns.end(), c.name);
      const std::int64_t pk_position =
          at == reflected->pk.columns.end() ? 0 : (at - reflected->pk.columns.begin()) + 1;
      out.push_back(make_dict({{"name", Value(c.name)},
                               {"type", Value(ObjectPtr(reflected_sql_type(c.type)))},
                               {"nullable", Value(c.nullable)},
                               {"default", c.server_default ? Value(*c.server_default) : Value()},
                               {"autoincrement", Value("auto")},
                               {"primary_key", Value(pk_position)}}));
    }
    return make_list(std::move(out));
  }
  if (name == "get_indexes") {
    std::vector<Value> out;
    for (const auto& ix : reflected->indexes) {
      std::vector<std::string> cols;
      for (const auto& e : ix.elements) {
        cols.push_back(e.size() >= 2 && e.front() == '"' ? e.substr(1, e.size() - 2) : e);
      }
      out.push_back(make_dict({{"name", Value(ix.name)},
                               {"column_names", make_string_list(cols)},
                               {"unique", Value(ix.unique ? 1 : 0)},
                               {"dialect_options", make_dict({})}}));
    }
    return make_list(std::move(out));
  }
  if (auto found = constraint_inspection(name, reflected->pk, reflected->constraints, false)) return *found;
  return unsupported(fmt::format("inspector.{}()", name), call.span);
}

std::optional<Flow<Value>> Interpreter::call_database(const BoundMethod& m, CallArgs& args,
                                                      const Expr& call)
{
  const std::string& name = m.name;
  const Span span = call.span;
  auto data = [&](const std::string& what) {
    auto d = std::make_shared<DbData>();
    d->origin = fmt::format("{} (line {})", what, line_of(span));
    return Flow<Value>(Value(ObjectPtr(d)));
  };
  if (std::dynamic_pointer_cast<DbData>(m.self)) return Flow<Value>(Value(m.self));
  if (auto read = call_result(m.self, name, args, span)) return *read;
  if (auto meta = std::dynamic_pointer_cast<MetaDataObj>(m.self)) return call_metadata(*meta, name, args, call);
  if (std::dynamic_pointer_cast<ConfigObj>(m.self) && name == "get_section") {
    const Value* section = args.get(0, "name");
    if (section && section->as<ConfigMainSectionName>()) { // a default for a missing section does not matter
      return Flow<Value>(Value(ObjectPtr(std::make_shared<ConfigMainSection>())));
    }
    return Flow<Value>(Value(ObjectPtr(std::make_shared<OpaqueCall>("context.config.get_section(...)"))));
  }
  if (auto second = std::dynamic_pointer_cast<ConnectionObj>(m.self); second && second->second_engine) {
    if (name == "connect") return Flow<Value>(Value(m.self));
    if (name == "dispose" || name == "close") return Flow<Value>(Value());
    return Flow<Value>(unsupported(
        fmt::format("`{}` through a second engine (engine_from_config): miglint reads the "
                    "schema through it but runs no statement on a second connection",
                    text(span)),
        span));
  }
  if (std::dynamic_pointer_cast<ConnectionObj>(m.self) || std::dynamic_pointer_cast<MigrationContextObj>(m.self)) {
    const bool context = std::dynamic_pointer_cast<MigrationContextObj>(m.self) != nullptr;
    if (context && name == "autocommit_block") {
      if (postgresql() && !m_offline && !(m_pg && m_autocommit_blocks)) {
        return Flow<Value>(unsupported("autocommit_block() where the revision's transaction must "
                                       "not end",
                                       span));
      }
      auto c = std::make_shared<PassThroughContext>();
      c->what = "autocommit_block()";
      c->ends_script_transaction = postgresql() && m_offline;
      c->ends_transaction = postgresql() && !m_offline;
      return Flow<Value>(Value(ObjectPtr(c)));
    }
    if (context && (name == "get_bind")) return Flow<Value>(Value(ObjectPtr(std::make_shared<ConnectionObj>())));
    if (context && name == "get_current_revision") return data("the current revision");
    if (name == "execute" || name == "exec_driver_sql") {
      const Value* statement = args.get(0, "statement");
      if (!statement) return Flow<Value>(unsupported("execute() without a statement", span));
      const Value* params = args.get(1, "parameters");
      if (auto stop = execute(*statement, params, "conn.execute", span)) return Flow<Value>(*stop);
      return executed_result(span);
    }
    if (name == "begin" || name == "begin_nested" || name == "connect") {
      if (name == "connect") return Flow<Value>(Value(m.self));
      auto c = std::make_shared<PassThroughContext>();
      c->what = name + "()";
      return Flow<Value>(Value(ObjectPtr(c)));
    }
    if (name == "commit" || name == "close" || name == "rollback") {
      // SQLAlchemy 1.4 connections without a begun transaction: no effect here.
      return Flow<Value>(Value());
    }
    if (name == "scalar") {
      const Value* statement = args.get(0, "statement");
      if (!statement) return Flow<Value>(unsupported("scalar() without a statement", span));
      if (auto stop = execute(*statement, args.get(1, "parameters"), "conn.scalar", span)) {
        return Flow<Value>(*stop);
      }
      auto result = executed_result(span);
      auto r = result.value().as<ResultObj>();
      if (!r) return result;
      CallArgs none;
      return *call_result(r, "scalar", none, span);
    }
    return std::nullopt;
  }
  if (auto url = std::dynamic_pointer_cast<UrlObj>(m.self)) {
    if (name == "get_backend_name" || name == "get_dialect") return Flow<Value>(Value("sqlite"));
    if (name == "get_driver_name") return Flow<Value>(Value("pysqlite"));
    if (name == "render_as_string" || name == "__str__") return Flow<Value>(Value(url->text()));
    return std::nullopt;
  }
  if (auto inspector = std::dynamic_pointer_cast<InspectorObj>(m.self)) {
    if (auto stop = second_engine_read(inspector->second_engine, span)) return Flow<Value>(*stop);
    return inspector_call(name, args, call);
  }
  if (auto t = std::dynamic_pointer_cast<TextClause>(m.self)) {
    if (name == "bindparams") {
      auto copy = std::make_shared<TextClause>(*t);
      for (const auto& kv : args.kwargs) copy->binds.push_back(kv);
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "columns" || name == "execution_options") return Flow<Value>(Value(m.self));
    return std::nullopt;
  }
  if (auto table = std::dynamic_pointer_cast<TableClause>(m.self)) {
    if (name == "update" || name == "insert" || name == "delete") {
      auto dml = std::make_shared<DmlStatement>();
      dml->table = table;
      dml->kind = name == "update" ? DmlStatement::Kind::update
                  : name == "insert" ? DmlStatement::Kind::insert : DmlStatement::Kind::del;
      Value v{ObjectPtr(dml)};
      if (!args.args.empty() || !args.kwargs.empty()) {
        return Flow<Value>(unsupported(fmt::format("{}() with arguments (use .where()/.values())", name), span));
      }
      return Flow<Value>(v);
    }
    if (name == "select") {
      auto s = std::make_shared<SelectStatement>();
      add_from(s->froms, table->name, quoter());
      for (const auto& c : table->columns) s->add_column(quote_name(table->name) + "." + quote_name(c->name), c->name, c->type);
      if (const Value* where = args.get(0, "whereclause"); where && !where->is_none()) {
        auto sql = sql_operand(*where, nullptr, span);
        if (!sql) return Flow<Value>(sql.stop());
        auto e = where->as<SqlExpression>();
        s->where.push_back(e ? e->sql : *sql);
      }
      return Flow<Value>(Value(ObjectPtr(s)));
    }
    return std::nullopt;
  }
  if (auto dml = std::dynamic_pointer_cast<DmlStatement>(m.self)) {
    auto copy = std::make_shared<DmlStatement>(*dml);
    if (name == "where" || name == "filter") {
      for (const Value& cond : args.args) {
        auto sql = sql_operand(cond, nullptr, span);
        if (!sql) return Flow<Value>(sql.stop());
        auto e = cond.as<SqlExpression>();
        copy->where.push_back(e ? e->sql : *sql);
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "values") {
      auto row_of = [&](const std::vector<std::pair<Value, Value>>& items)
          -> Flow<std::vector<std::pair<std::string, std::string>>> {
        std::vector<std::pair<std::string, std::string>> row;
        for (const auto& [k, v] : items) {
          std::string col;
          if (k.str()) col = *k.str();
          else if (auto c = k.as<ColumnClause>()) col = c->name;
          else return unsupported("values() with a key that is not a column", span);
          if (auto mapping = orm_mapping(Value(dml->entity)); mapping && k.str()) {
            // update(Model).values(attr=...): attributes name their columns.
            if (const OrmColumn* c = mapping->find_attr(col)) col = c->column->name;
          }
          auto column = table_column(*dml->table, col);
          auto sql = sql_operand(v, column ? column->type.get() : nullptr, span);
          if (!sql) return sql.stop();
          row.emplace_back(col, *sql);
        }
        return row;
      };
      std::vector<std::vector<std::pair<Value, Value>>> rows;
      if (const Value* first = args.get(0, ""); first) {
        if (auto d = first->dict()) rows.push_back(d->items);
        else if (auto l = first->list()) {
          for (const Value& item : l->items) {
            if (!item.dict()) return Flow<Value>(unsupported("values() rows that are not dicts", span));
            rows.push_back(item.dict()->items);
          }
        } else {
          return Flow<Value>(unsupported(fmt::format("values() of {}", type_name(*first)), span));
        }
      }
      if (!args.kwargs.empty()) {
        std::vector<std::pair<Value, Value>> kw;
        for (const auto& [k, v] : args.kwargs) kw.emplace_back(Value(k), v);
        if (rows.empty()) rows.push_back(kw);
        else rows.front().insert(rows.front().end(), kw.begin(), kw.end());
      }
      for (const auto& items : rows) {
        auto row = row_of(items);
        if (!row) return Flow<Value>(row.stop());
        if (copy->kind == DmlStatement::Kind::update && !copy->rows.empty()) {
          copy->rows.front().insert(copy->rows.front().end(), row->begin(), row->end());
        } else {
          copy->rows.push_back(*row);
        }
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "from_select" && copy->kind == DmlStatement::Kind::insert) {
      const Value* cols = args.get(0, "names");
      const Value* select = args.get(1, "select");
      auto names_v = names(cols, span, "from_select names");
      if (!names_v) return Flow<Value>(names_v.stop());
      if (!select) return Flow<Value>(unsupported("from_select without a select", span));
      auto rendered = render_statement(*select, span);
      if (!rendered) return Flow<Value>(rendered.stop());
      copy->from_select_columns = *names_v;
      copy->from_select = *rendered;
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "execution_options" || name == "inline") return Flow<Value>(Value(ObjectPtr(copy)));
    return std::nullopt;
  }
  if (auto sel = std::dynamic_pointer_cast<SelectStatement>(m.self)) {
    auto copy = std::make_shared<SelectStatement>(*sel);
    if (name == "options" && sel->entity &&
        std::all_of(args.args.begin(), args.args.end(), [](const Value& v) { return v.as<LoaderOption>() != nullptr; })) {
      // Relationship loaders leave the rows as they are; column loaders narrow the
      // SELECT when a Session loads the objects.
      for (const Value& v : args.args) {
        if (v.as<LoaderOption>()->narrows()) copy->loader_options.push_back(v);
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "where" || name == "filter") {
      for (const Value& cond : args.args) {
        auto sql = sql_operand(cond, nullptr, span);
        if (!sql) return Flow<Value>(sql.stop());
        auto e = cond.as<SqlExpression>();
        copy->where.push_back(e ? e->sql : *sql);
        add_condition_froms(*copy, cond, copy->where.back());
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (auto mapping = orm_mapping(Value(copy->entity)); mapping && name == "filter_by") {
      if (auto stop = filter_by(*mapping, args, *copy, span)) return Flow<Value>(*stop);
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "select_from") {
      for (const Value& t : args.args) {
        if (auto table = t.as<TableClause>()) add_from(copy->froms, table->name, quoter());
        if (auto mapping = orm_mapping(t); mapping && mapping->table) add_from(copy->froms, mapping->table->name, quoter());
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "order_by") {
      for (const Value& o : args.args) {
        auto sql = sql_operand(o, nullptr, span);
        if (!sql) return Flow<Value>(sql.stop());
        copy->order_by.push_back(*sql);
      }
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if ((name == "limit" || name == "offset") && args.get(0, "") && args.get(0, "")->integer()) {
      (name == "limit" ? copy->limit : copy->offset) = *args.get(0, "")->integer();
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "distinct" && args.args.empty()) {
      copy->distinct = true;
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    if (name == "scalar_subquery" || name == "as_scalar" || name == "subquery" || name == "alias") {
      return Flow<Value>(Value(ObjectPtr(copy)));
    }
    return std::nullopt;
  }
  const bool column = std::dynamic_pointer_cast<ColumnClause>(m.self) != nullptr;
  if (column || std::dynamic_pointer_cast<SqlExpression>(m.self)) {
    const Value self{m.self};
    auto operand = sql_operand(self, nullptr, span);
    if (!operand) return Flow<Value>(operand.stop());
    const Value* a0 = args.get(0, "");
    auto arg = [&](const Value& v) { return sql_operand(v, type_of(self), span); };
    if ((name == "is_" || name == "isnot" || name == "is_not") && a0) {
      const bool negate = name != "is_";
      if (a0->is_none()) return Flow<Value>(Value(ObjectPtr(expression(*operand + (negate ? " IS NOT NULL" : " IS NULL"), true))));
      auto r = arg(*a0);
      if (!r) return Flow<Value>(r.stop());
      return Flow<Value>(Value(ObjectPtr(expression(*operand + (negate ? " IS NOT " : " IS ") + *r, true))));
    }
    if ((name == "in_" || name == "notin_" || name == "not_in") && a0) {
      std::vector<std::string> items;
      if (auto sel = a0->as<SelectStatement>()) {
        items.push_back(render_select(*sel));
      } else {
        auto values = iterate(*a0, call);
        if (!values) return Flow<Value>(values.stop());
        for (const Value& v : *values) {
          auto r = arg(v);
          if (!r) return Flow<Value>(r.stop());
          items.push_back(*r);
        }
      }
      const bool negate = name != "in_";
      return Flow<Value>(Value(ObjectPtr(expression(
          fmt::format("{} {}IN ({})", *operand, negate ? "NOT " : "", join(items, ", ")), true))));
    }
    if ((name == "like" || name == "ilike" || name == "notlike" || name == "not_like") && a0) {
      auto r = arg(*a0);
      if (!r) return Flow<Value>(r.stop());
      if (name == "ilike") return Flow<Value>(Value(ObjectPtr(expression(fmt::format("lower({}) LIKE lower({})", *operand, *r), true))));
      const bool negate = name == "notlike" || name == "not_like";
      return Flow<Value>(Value(ObjectPtr(expression(fmt::format("{} {}LIKE {}", *operand, negate ? "NOT " : "", *r), true))));
    }
    if ((name == "startswith" || name == "endswith" || name == "contains") && a0) {
      auto r = arg(*a0);
      if (!r) return Flow<Value>(r.stop());
      std::string pattern = name == "startswith" ? *r + " || '%'" : name == "endswith" ? "'%' || " + *r : "'%' || " + *r + " || '%'";
      return Flow<Value>(Value(ObjectPtr(expression(fmt::format("{} LIKE {}", *operand, pattern), true))));
    }
    if (name == "between" && a0 && args.get(1, "")) {
      auto lo = arg(*a0);
      if (!lo) return Flow<Value>(lo.stop());
      auto hi = arg(*args.get(1, ""));
      if (!hi) return Flow<Value>(hi.stop());
      return Flow<Value>(Value(ObjectPtr(expression(fmt::format("{} BETWEEN {} AND {}", *operand, *lo, *hi), true))));
    }
    if (name == "desc" || name == "asc") {
      return Flow<Value>(Value(ObjectPtr(expression(*operand + (name == "desc" ? " DESC" : " ASC"), false))));
    }
    if (name == "label" && a0 && a0->str()) {
      auto labelled = expression(*operand, false);
      labelled->label = *a0->str();
      if (type_of(self)) labelled->type = std::make_shared<SqlType>(*type_of(self));
      return Flow<Value>(Value(ObjectPtr(labelled)));
    }
    if (name == "op" && a0 && a0->str()) {
      // col.op('||')(other): a callable producing the binary expression
      return Flow<Value>(unsupported("custom SQL operators (`.op()`)", span));
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Flow<Value>> Interpreter::call_sql_construct(const std::string& path,
                                                           const std::string& leaf, CallArgs& args,
                                                           const Expr& call)
{
  const Span span = call.span;
  const Value* a0 = args.get(0, "");
  auto wrap = [](std::shared_ptr<Object> o) { return Flow<Value>(Value(ObjectPtr(std::move(o)))); };
  if (leaf == "and_" || leaf == "or_") {
    std::vector<std::string> parts;
    for (const Value& v : args.args) {
      auto sql = sql_operand(v, nullptr, span);
      if (!sql) return Flow<Value>(sql.stop());
      parts.push_back(*sql);
    }
    if (parts.empty()) return wrap(expression(leaf == "and_" ? "1 = 1" : "0 = 1", true));
    return wrap(expression(join(parts, leaf == "and_" ? " AND " : " OR "), parts.size() > 1));
  }
  if (leaf == "not_" && a0) {
    auto sql = sql_operand(*a0, nullptr, span);
    if (!sql) return Flow<Value>(sql.stop());
    return wrap(expression("NOT " + *sql, true));
  }
  if ((leaf == "literal" || leaf == "bindparam") && a0) {
    if (leaf == "bindparam") {
      const Value* v = args.get(1, "value");
      if (!v) return Flow<Value>(unsupported("sa.bindparam() without a value", span));
      a0 = v;
    }
    auto sql = sql_operand(*a0, nullptr, span);
    if (!sql) return Flow<Value>(sql.stop());
    return wrap(expression(*sql, false));
  }
  if (leaf == "cast" && a0 && args.get(1, "type_")) {
    auto sql = sql_operand(*a0, nullptr, span);
    if (!sql) return Flow<Value>(sql.stop());
    auto type = to_type(*args.get(1, "type_"));
    if (!type) return Flow<Value>(unsupported("sa.cast() to something that is not a type", span));
    return wrap(expression(fmt::format("CAST({} AS {})", *sql, declared_type(*type)), false));
  }
  if (leaf == "case") {
    // case((cond, value), ..., else_=v) and the 1.x form case([(cond, value), ...]).
    std::vector<Value> whens = args.args;
    if (whens.size() == 1 && whens[0].list() && !whens[0].list()->items.empty() &&
        whens[0].list()->items[0].list()) {
      whens = whens[0].list()->items;
    }
    std::string sql = "CASE";
    for (const Value& w : whens) {
      const ListValue* pair = w.list();
      if (!pair || pair->items.size() != 2) return Flow<Value>(unsupported("sa.case() form", span));
      auto c = sql_operand(pair->items[0], nullptr, span);
      if (!c) return Flow<Value>(c.stop());
      auto v = sql_operand(pair->items[1], nullptr, span);
      if (!v) return Flow<Value>(v.stop());
      sql += " WHEN " + *c + " THEN " + *v;
    }
    if (const Value* e = args.kw("else_")) {
      auto v = sql_operand(*e, nullptr, span);
      if (!v) return Flow<Value>(v.stop());
      sql += " ELSE " + *v;
    }
    return wrap(expression(sql + " END", false));
  }
  if (leaf == "select") {
    auto s = std::make_shared<SelectStatement>();
    std::vector<Value> cols = args.args;
    if (cols.size() == 1 && cols[0].list()) cols = cols[0].list()->items; // select([...])
    for (const Value& c : cols) {
      if (auto mapping = orm_mapping(c); mapping && mapping->table) {
        // select(Model): every mapped column, read back as objects by a Session.
        if (cols.size() == 1) s->entity = *c.object();
        else s->mixed_entities = true;
        add_from(s->froms, mapping->table->name, quoter());
        for (const auto& col : mapping->columns) {
          s->add_column(quote_name(mapping->table->name) + "." + quote_name(col.column->name),
                        col.attr, col.column->type);
        }
        continue;
      }
      if (auto t = c.as<TableClause>()) {
        add_from(s->froms, t->name, quoter());
        for (const auto& col : t->columns) s->add_column(quote_name(t->name) + "." + quote_name(col->name), col->name, col->type);
        continue;
      }
      auto sql = sql_operand(c, nullptr, span);
      if (!sql) return Flow<Value>(sql.stop());
      if (auto cc = c.as<ColumnClause>()) {
        s->add_column(*sql, cc->row_key(), cc->type);
        add_from(s->froms, cc->table, quoter());
      } else if (auto e = c.as<SqlExpression>()) {
        s->add_column(*sql, e->label, e->type);
        for (const auto& table : tables_named_in(e->sql)) add_from(s->froms, table, quoter());
      } else {
        s->add_column(*sql, "", nullptr);
      }
    }
    return wrap(s);
  }
  if ((leaf == "update" || leaf == "insert" || leaf == "delete") && a0) {
    auto t = a0->as<TableClause>();
    auto mapping = orm_mapping(*a0);
    if (mapping && mapping->table) t = mapping->table;
    if (!t) return Flow<Value>(unsupported(fmt::format("sa.{}() of {}", leaf, type_name(*a0)), span));
    auto dml = std::make_shared<DmlStatement>();
    dml->table = t;
    if (mapping) dml->entity = *a0->object();
    dml->kind = leaf == "update" ? DmlStatement::Kind::update
                : leaf == "insert" ? DmlStatement::Kind::insert : DmlStatement::Kind::del;
    return wrap(dml);
  }
  if (leaf == "inspect" || path.ends_with("Inspector.from_engine")) {
    if (auto bind = a0 ? a0->as<ConnectionObj>() : nullptr) {
      auto inspector = std::make_shared<InspectorObj>();
      inspector->second_engine = bind->second_engine;
      return wrap(inspector);
    }
    return Flow<Value>(unsupported(fmt::format("sa.inspect() of {}", a0 ? type_name(*a0) : "nothing"), span));
  }
  if (leaf == "MetaData") {
    auto meta = std::make_shared<MetaDataObj>();
    const Value* bind = args.kw("bind");
    meta->bound = bind && bind->as<ConnectionObj>();
    return wrap(meta);
  }
  if (leaf == "Table" && a0 && a0->str()) {
    auto t = std::make_shared<TableClause>();
    t->name = *a0->str();
    std::shared_ptr<MetaDataObj> meta;
    bool declares = false;
    for (std::size_t i = 1; i < args.args.size(); ++i) {
      const Value& item = args.args[i];
      if (auto m = item.as<MetaDataObj>()) {
        meta = m;
        continue;
      }
      declares = true;
      if (auto c = item.as<ColumnObj>()) {
        auto cc = std::make_shared<ColumnClause>();
        cc->name = c->name;
        cc->type = c->type;
        t->columns.push_back(cc);
        for (const auto& fk : c->foreign_keys) {
          t->referenced_tables.push_back(fk->target.substr(0, fk->target.rfind('.')));
        }
      } else if (auto c = item.as<ColumnClause>()) {
        t->columns.push_back(c);
      } else if (auto c = item.as<ConstraintObj>(); c && c->def.kind == ddl::ConstraintDef::Kind::foreign_key) {
        t->referenced_tables.push_back(c->def.ref_table);
      }
      // other constraints and indexes do not matter to DML
    }
    const Value* autoload = args.kw("autoload_with");
    const bool reflect = (autoload && !autoload->is_none()) ||
                         (args.kw("autoload") && truthy(*args.kw("autoload")) && meta && meta->bound);
    if (args.kw("autoload") && truthy(*args.kw("autoload")) && !reflect) {
      return Flow<Value>(failure("sqlalchemy.exc.UnboundExecutionError: No engine is bound to this "
                                 "Table's MetaData. Pass an engine to the Table via autoload_with=<someengine>",
                                 span));
    }
    if (meta) {
      // The same name again returns the Table already in the MetaData.
      for (const auto& known : meta->tables) {
        if (known->name == t->name && !declares) return wrap(known);
      }
    }
    if (reflect) {
      if (!can_read()) return Flow<Value>(unsupported("sa.Table(autoload_with=...) offline", span));
      const auto engine = autoload ? autoload->as<ConnectionObj>() : nullptr;
      if (auto stop = second_engine_read(engine && engine->second_engine, span)) return Flow<Value>(*stop);
      auto reflected = reflect_table_clause_of(t->name, span);
      if (!reflected) return Flow<Value>(reflected.stop());
      for (const auto& c : (*reflected)->columns) {
        if (!table_column(*t, c->name)) t->columns.push_back(c);
      }
      for (const auto& r : (*reflected)->referenced_tables) t->referenced_tables.push_back(r);
    }
    if (meta) {
      std::erase_if(meta->tables, [&](const auto& known) { return known->name == t->name; });
      meta->tables.push_back(t);
    }
    return wrap(t);
  }
  if (leaf == "Enum" && a0) {
    if (auto cls = a0->as<ClassValue>(); cls && cls->is_enum) {
      // A Python enum class: SQLAlchemy stores (and sizes the column by) member names.
      auto t = std::make_shared<SqlType>();
      t->name = "Enum";
      t->module = "sqlalchemy";
      for (const auto& kv : cls->attrs) {
        if (kv.second.as<EnumMember>()) t->args.emplace_back(kv.first);
      }
      t->kwargs = args.kwargs;
      t->enum_class = *a0->object();
      // Unnamed, the type takes the class's name in lower case (PostgreSQL's CREATE TYPE).
      if (!t->kwarg("name")) t->kwargs.emplace_back("name", Value(util::to_lower(cls->name)));
      return wrap(t);
    }
  }
  if (path.starts_with("sqlalchemy.orm.") || path.starts_with("sqlalchemy.ext.")) {
    if (auto made = call_orm_construct(leaf, args, call)) return made;
    // relationship(), backref(), column_property(): declarations inside ORM models that
    // only the ORM reads.
    auto opaque = std::make_shared<OpaqueCall>(path);
    return wrap(opaque);
  }
  return std::nullopt;
}

} // namespace miglint::ops
