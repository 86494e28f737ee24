#include "ops/result_rows.hpp"
#include "util/strings.hpp"

#include "ops/py_modules.hpp"
#include "ops/py_stdlib.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace miglint::ops {

namespace {

Value unknown(const std::string& what)
{
  auto d = std::make_shared<DbData>();
  d->origin = what;
  return Value(ObjectPtr(d));
}

// SQLAlchemy's SQLite storage formats: "2020-01-02" and "2020-01-02 03:04:05[.123456]".
// Other spellings are left unknown rather than parsed differently from SQLAlchemy.
std::optional<Value> parse_temporal(const std::string& s, bool with_time)
{
  auto t = std::make_shared<TemporalValue>();
  auto y = util::fixed_digits(s, 0, 4), mo = util::fixed_digits(s, 5, 2), d = util::fixed_digits(s, 8, 2);
  if (!y || !mo || !d || s[4] != '-' || s[7] != '-') return std::nullopt;
  t->year = *y, t->month = *mo, t->day = *d;
  if (!with_time) {
    if (s.size() != 10) return std::nullopt;
    t->kind = TemporalValue::Kind::date;
    return Value(ObjectPtr(t));
  }
  if (s.size() != 19 && s.size() != 26) return std::nullopt;
  auto h = util::fixed_digits(s, 11, 2), mi = util::fixed_digits(s, 14, 2), se = util::fixed_digits(s, 17, 2);
  if (!h || !mi || !se || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  t->kind = TemporalValue::Kind::datetime;
  t->hour = *h, t->minute = *mi, t->second = *se;
  if (s.size() == 26) {
    auto us = util::fixed_digits(s, 20, 6);
    if (!us || s[19] != '.') return std::nullopt;
    t->microsecond = *us;
  }
  if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 || t->hour > 23 ||
      t->minute > 59 || t->second > 59) {
    return std::nullopt;
  }
  return Value(ObjectPtr(t));
}

// The value SQLAlchemy 1.4's result processor for `type` makes of the raw sqlite3 value,
// or nullopt when miglint cannot reproduce it.
std::optional<Value> processed(const Value& raw, const SqlType* type)
{
  if (!type || raw.is_none()) return raw;
  if (!type->known || !type->module.starts_with("sqlalchemy")) return std::nullopt;
  const std::string name = util::to_upper(type->name);
  // Types without a result processor on SQLite (Float too: SQLite has no native decimal).
  static const char* const k_raw[] = {
    "INTEGER", "SMALLINTEGER", "BIGINTEGER", "INT", "SMALLINT", "BIGINT", "STRING", "TEXT",
    "UNICODE", "UNICODETEXT", "VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "CLOB", "FLOAT", "REAL",
    "DOUBLE", "DOUBLE_PRECISION", "LARGEBINARY", "BLOB", "BINARY", "VARBINARY", "NULLTYPE"};
  if (std::find(std::begin(k_raw), std::end(k_raw), name) != std::end(k_raw)) return raw;
  if (name == "BOOLEAN" || name == "BOOL") {
    if (auto i = raw.integer()) return Value(*i != 0);
    return std::nullopt;
  }
  if (name == "DATETIME" || name == "TIMESTAMP" || name == "DATE") {
    if (auto s = raw.str()) return parse_temporal(*s, name != "DATE");
    return std::nullopt;
  }
  if (name == "JSON") {
    // SQLAlchemy's JSON on SQLite decodes the stored text with json.loads.
    if (auto s = raw.str()) return json_loads(*s);
    return std::nullopt;
  }
  if (name == "ENUM" && type->enum_class) return enum_member_named(raw, *type);
  return std::nullopt; // Numeric (Decimal), Enum of strings, Time, Interval, PickleType, ...
}

Value cell(const sqlite::Statement& stmt, int column)
{
  switch (stmt.column_storage(column)) {
  case sqlite::Statement::Storage::integer: return Value(stmt.column_int(column));
  case sqlite::Statement::Storage::real: return Value(stmt.column_double(column));
  case sqlite::Statement::Storage::text: return Value(stmt.column_text(column));
  case sqlite::Statement::Storage::blob: {
    auto b = std::make_shared<BytesValue>();
    b->data = stmt.column_text(column);
    return Value(ObjectPtr(b));
  }
  case sqlite::Statement::Storage::null: break;
  }
  return Value();
}

Value mapping_of(const RowObj& row)
{
  if (row.anonymous_keys) return unknown("a row mapping whose keys include anonymous column names");
  auto d = std::make_shared<DictValue>();
  for (std::size_t i = 0; i < row.values.size() && i < row.keys->size(); ++i) {
    d->items.emplace_back(Value((*row.keys)[i]), row.values[i]);
  }
  return Value(d);
}

Value item_of(const ResultObj& r, const std::shared_ptr<RowObj>& row)
{
  switch (r.view) {
  case ResultObj::View::scalars: return row->values.empty() ? Value() : row->values.front();
  case ResultObj::View::mappings: return mapping_of(*row);
  case ResultObj::View::rows: break;
  }
  return Value(ObjectPtr(row));
}

std::shared_ptr<ResultObj> view_of(const ResultObj& r, ResultObj::View view)
{
  auto v = std::make_shared<ResultObj>();
  v->state = r.state;
  v->view = view;
  return v;
}

const char* const k_no_rows =
  "sqlalchemy.exc.ResourceClosedError: This result object does not return rows. It has been "
  "closed automatically.";

// The rows not fetched yet, all consumed.
std::vector<Value> take_all(ResultObj& r)
{
  std::vector<Value> out;
  auto& st = *r.state;
  for (; st.next < st.rows.size(); ++st.next) out.push_back(item_of(r, st.rows[st.next]));
  return out;
}

} // namespace

std::optional<Value> enum_member_named(const Value& raw, const SqlType& type)
{
  const auto* cls = dynamic_cast<const ClassValue*>(type.enum_class.get());
  const auto* name = raw.str();
  if (!cls || !name) return std::nullopt;
  const Value* member = cls->attr(*name);
  if (!member || !member->as<EnumMember>()) return std::nullopt; // LookupError in SQLAlchemy
  return *member;
}

const Value* RowObj::find(const std::string& key) const
{
  for (std::size_t i = 0; i < keys->size() && i < values.size(); ++i) {
    if ((*keys)[i] == key) return &values[i];
  }
  return nullptr;
}

std::string ResultObj::describe() const
{
  switch (view) {
  case View::scalars: return "a ScalarResult";
  case View::mappings: return "a MappingResult";
  case View::rows: break;
  }
  return "a CursorResult";
}

ResultKeys result_keys(const SelectedColumns& columns, const std::vector<std::string>& driver_names)
{
  ResultKeys out;
  auto keys = std::make_shared<std::vector<std::string>>();
  for (std::size_t at = 0; at < driver_names.size(); ++at) {
    const bool named = at < columns.keys.size() && !columns.keys[at].empty();
    out.anonymous = out.anonymous || (!named && !columns.keys.empty());
    keys->push_back(named ? columns.keys[at] : driver_names[at]);
  }
  out.keys = keys;
  return out;
}

Value unreproduced_cell(const std::string& key, std::uint32_t line, const std::string& as)
{
  return unknown(fmt::format("the column '{}' of a row read at line {}, as {} returns it", key,
                             line, as));
}

Flow<std::shared_ptr<ResultState>> read_rows(sqlite::Connection& db, const std::string& sql,
                                             const SelectedColumns& columns, python::Span span,
                                             std::uint32_t line)
{
  auto stmt = db.prepare(sql);
  if (!stmt) return failure(stmt.error().message, span, sql);
  auto state = std::make_shared<ResultState>();
  state->returns_rows = true;
  std::vector<std::string> names;
  for (int i = 0; i < stmt->column_count(); ++i) names.push_back(stmt->column_name(i));
  const ResultKeys keys = result_keys(columns, names);
  state->keys = keys.keys;
  for (;;) {
    auto more = stmt->step();
    if (!more) return failure(more.error().message, span, sql);
    if (!*more) break;
    auto row = std::make_shared<RowObj>();
    row->keys = keys.keys;
    row->anonymous_keys = keys.anonymous;
    for (int i = 0; i < stmt->column_count(); ++i) {
      const auto at = static_cast<std::size_t>(i);
      const SqlType* type = at < columns.types.size() ? columns.types[at].get() : nullptr;
      auto value = processed(cell(*stmt, i), type);
      row->values.push_back(value ? *value
                                  : unreproduced_cell((*keys.keys)[at], line,
                                                      "its type " + type->describe()));
    }
    state->rows.push_back(std::move(row));
  }
  return state;
}

std::optional<Flow<Value>> call_result(const ObjectPtr& self, const std::string& name,
                                       const CallArgs& args, python::Span span)
{
  if (auto row = std::dynamic_pointer_cast<RowObj>(self)) {
    if (name == "_asdict") return Flow<Value>(mapping_of(*row));
    if (name == "keys") {
      if (row->anonymous_keys) return Flow<Value>(unknown("row keys that include anonymous column names"));
      std::vector<Value> keys(row->keys->begin(), row->keys->end());
      return Flow<Value>(make_list(std::move(keys)));
    }
    return std::nullopt;
  }
  auto r = std::dynamic_pointer_cast<ResultObj>(self);
  if (!r) return std::nullopt;
  auto& st = *r->state;
  if (name == "keys") {
    if (!st.returns_rows) return Flow<Value>(make_list({}));
    if (!st.rows.empty() && st.rows.front()->anonymous_keys) {
      return Flow<Value>(unknown("result keys that include anonymous column names"));
    }
    std::vector<Value> keys(st.keys->begin(), st.keys->end());
    return Flow<Value>(make_list(std::move(keys)));
  }
  if (name == "close") {
    st.next = st.rows.size();
    return Flow<Value>(Value());
  }
  const bool fetches = name == "fetchall" || name == "all" || name == "fetchone" ||
                       name == "first" || name == "one" || name == "one_or_none" ||
                       name == "scalar" || name == "scalar_one" || name == "scalar_one_or_none" ||
                       name == "fetchmany" || name == "scalars" || name == "mappings" ||
                       name == "unique";
  if (!fetches) return std::nullopt;
  if (!st.returns_rows) return Flow<Value>(failure(k_no_rows, span));
  if (name == "scalars") {
    if (const Value* index = args.get(0, "index"); index && !(index->integer() && *index->integer() == 0)) {
      return Flow<Value>(unsupported("scalars() of a column other than the first", span));
    }
    return Flow<Value>(Value(ObjectPtr(view_of(*r, ResultObj::View::scalars))));
  }
  if (name == "mappings") return Flow<Value>(Value(ObjectPtr(view_of(*r, ResultObj::View::mappings))));
  if (name == "unique") return std::nullopt; // needs hashing of rows: left to `unsupported`
  if (name == "fetchall" || name == "all") return Flow<Value>(make_list(take_all(*r)));
  if (name == "fetchmany") {
    std::int64_t n = 1;
    if (const Value* size = args.get(0, "size")) {
      if (!size->integer()) return std::nullopt;
      n = *size->integer();
    }
    std::vector<Value> out;
    for (; n > 0 && st.next < st.rows.size(); --n) out.push_back(item_of(*r, st.rows[st.next++]));
    return Flow<Value>(make_list(std::move(out)));
  }
  if (name == "fetchone") {
    if (st.next >= st.rows.size()) return Flow<Value>(Value());
    return Flow<Value>(item_of(*r, st.rows[st.next++]));
  }
  // first/one/scalar...: read the remaining rows and close the result.
  const std::size_t remaining = st.rows.size() - std::min(st.next, st.rows.size());
  const std::shared_ptr<RowObj> row = remaining ? st.rows[st.next] : nullptr;
  st.next = st.rows.size();
  const bool scalar = name.starts_with("scalar") || r->view == ResultObj::View::scalars;
  auto value = [&]() -> Value {
    if (!row) return Value();
    if (scalar) return row->values.empty() ? Value() : row->values.front();
    return item_of(*r, row);
  };
  if (name == "first" || name == "scalar") return Flow<Value>(value());
  const bool exactly_one = name == "one" || name == "scalar_one";
  if (remaining == 0) {
    if (exactly_one) {
      return Flow<Value>(failure("sqlalchemy.exc.NoResultFound: No row was found when one was required", span));
    }
    return Flow<Value>(Value());
  }
  if (remaining > 1) {
    return Flow<Value>(failure(fmt::format("sqlalchemy.exc.MultipleResultsFound: Multiple rows were "
                                           "found when {} was required",
                                           exactly_one ? "exactly one" : "one or none"),
                               span));
  }
  return Flow<Value>(value());
}

std::optional<Flow<Value>> result_attribute(const ObjectPtr& object, const std::string& name,
                                            python::Span span)
{
  if (auto r = std::dynamic_pointer_cast<ResultObj>(object)) {
    if (name == "rowcount") return Flow<Value>(Value(r->state->rowcount));
    if (name == "returns_rows") return Flow<Value>(Value(r->state->returns_rows));
    return std::nullopt;
  }
  auto row = std::dynamic_pointer_cast<RowObj>(object);
  if (!row) return std::nullopt;
  if (name == "_mapping") return Flow<Value>(mapping_of(*row));
  if (name == "_fields") {
    if (row->anonymous_keys) return Flow<Value>(unknown("row keys that include anonymous column names"));
    std::vector<Value> keys(row->keys->begin(), row->keys->end());
    return Flow<Value>(make_list(std::move(keys), true));
  }
  if (name == "_asdict" || name == "keys") return std::nullopt; // methods
  if (const Value* v = row->find(name)) return Flow<Value>(*v);
  if (row->anonymous_keys) return Flow<Value>(unknown(fmt::format("the column '{}' of a row", name)));
  return Flow<Value>(failure(
      fmt::format("AttributeError: Could not locate column in row for column '{}'", name), span));
}

std::optional<Flow<std::optional<Value>>> next_result_item(const ObjectPtr& object, python::Span span)
{
  auto r = std::dynamic_pointer_cast<ResultObj>(object);
  if (!r) return std::nullopt;
  auto& st = *r->state;
  if (!st.returns_rows) return Flow<std::optional<Value>>(failure(k_no_rows, span));
  if (st.next >= st.rows.size()) return Flow<std::optional<Value>>(std::optional<Value>());
  return Flow<std::optional<Value>>(std::optional<Value>(item_of(*r, st.rows[st.next++])));
}

std::optional<Flow<std::vector<Value>>> iterate_result(const ObjectPtr& object, python::Span span)
{
  if (auto row = std::dynamic_pointer_cast<RowObj>(object)) return Flow<std::vector<Value>>(row->values);
  auto r = std::dynamic_pointer_cast<ResultObj>(object);
  if (!r) return std::nullopt;
  if (!r->state->returns_rows) return Flow<std::vector<Value>>(failure(k_no_rows, span));
  return Flow<std::vector<Value>>(take_all(*r));
}

std::optional<Flow<Value>> subscript_row(const ObjectPtr& object, const Value& key, python::Span span)
{
  auto row = std::dynamic_pointer_cast<RowObj>(object);
  if (!row) return std::nullopt;
  if (auto i = key.integer()) {
    const auto n = static_cast<std::int64_t>(row->values.size());
    const std::int64_t at = *i < 0 ? *i + n : *i;
    if (at < 0 || at >= n) return Flow<Value>(failure("IndexError: tuple index out of range", span));
    return Flow<Value>(row->values[static_cast<std::size_t>(at)]);
  }
  if (auto s = key.str()) {
    if (const Value* v = row->find(*s)) return Flow<Value>(*v);
    if (row->anonymous_keys) return Flow<Value>(unknown(fmt::format("the column '{}' of a row", *s)));
    return Flow<Value>(failure(
        fmt::format("sqlalchemy.exc.NoSuchColumnError: Could not locate column in row for column '{}'", *s),
        span));
  }
  return std::nullopt;
}

} // namespace miglint::ops
