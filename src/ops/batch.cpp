#include "ops/add_column.hpp"
#include "ops/batch.hpp"

#include "ops/interpreter.hpp"
#include "sqlite/database.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <regex>

namespace miglint::ops {

using namespace python;

namespace {

// The table as SQLAlchemy 1.4 reflects it from SQLite, plus what batch mode tracks.
struct Reflected {
  struct Column {
    ddl::ColumnDef def;
    std::string source;   // the column's name in the old table ("" for added columns)
    std::string transfer; // the SELECT expression that fills it ("" for added columns)
  };
  std::vector<Column> columns;
  ddl::ConstraintDef pk; // kind primary_key, possibly named
  // Named constraints (reflected, then added in op order) and unnamed ones.
  std::vector<ddl::ConstraintDef> named;
  std::vector<ddl::ConstraintDef> unnamed;
  std::vector<ddl::IndexDef> indexes;     // existing (non-automatic) indexes
  std::vector<ddl::IndexDef> new_indexes; // created by the batch
  std::vector<ddl::IndexDef> temp_indexes; // index=True on added columns (see add_column)
};

std::string reflected_default(const std::string& dflt)
{
  // Alembic parenthesizes reflected defaults that look like SQL expressions: all but a
  // single digit or dot, 'quoted' and (parenthesized) text on one line.
  const bool one_line = dflt.find_first_of("\r\n") == std::string::npos;
  const bool digit = dflt.size() == 1 && (std::isdigit(static_cast<unsigned char>(dflt[0])) || dflt[0] == '.');
  const bool wrapped = dflt.size() >= 3 && one_line &&
                       ((dflt.front() == '\'' && dflt.back() == '\'') ||
                        (dflt.front() == '(' && dflt.back() == ')'));
  if (dflt.empty() || digit || wrapped) {
    return dflt;
  }
  return "(" + dflt + ")";
}

bool contains_nocase(std::string_view text, std::string_view lower_needle)
{
  auto it = std::search(text.begin(), text.end(), lower_needle.begin(), lower_needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != text.end();
}

// Calls `each` with every match of `pattern` in `sql`, in order. None of the reflection
// patterns below can match across a newline (`.` stops there and spacing is ' '), so
// only the lines that contain `needle` (in any case) are searched: the same matches for
// far less regex work.
template <typename Each>
void for_each_match(const std::string& sql, std::string_view needle, const std::regex& pattern, Each each)
{
  std::size_t start = 0;
  while (start <= sql.size()) {
    std::size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    const char* first = sql.data() + start;
    const char* last = sql.data() + end;
    if (contains_nocase({first, last}, needle)) {
      for (std::cregex_iterator it(first, last, pattern), stop; it != stop; ++it) each(*it);
    }
    start = end + 1;
  }
}

std::vector<std::string> cols_in_sig(const std::string& sig)
{
  static const std::regex k_col(R"re((?:"(.+?)")|([a-z0-9_]+))re", std::regex::icase);
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(sig.begin(), sig.end(), k_col); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  }
  return out;
}

model::Result<std::vector<std::vector<std::string>>> query(sqlite::Connection& db, const std::string& sql)
{
  auto stmt = db.prepare(sql);
  if (!stmt) return stmt.error();
  std::vector<std::vector<std::string>> rows;
  while (true) {
    auto more = stmt->step();
    if (!more) return more.error();
    if (!*more) break;
    std::vector<std::string> row;
    for (int i = 0; i < stmt->column_count(); ++i) {
      row.push_back(stmt->column_is_null(i) ? std::string("\x01NULL") : stmt->column_text(i));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// `kept_types`: declared types miglint wrote by fallback, which stay as declared rather
// than as SQLite's reflection reads them back (see RunContext::declared_by_name).
model::Result<Reflected> reflect(sqlite::Connection& db, const std::string& table,
                                 const std::set<std::string>* kept_types)
{
  Reflected out;
  const std::string lit = ddl::quote_literal(table);
  auto master = query(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = " + lit);
  if (!master) return master.error();
  if (master->empty()) return model::make_error(fmt::format("NoSuchTableError: {}", table));
  const std::string sql = master->front()[0];

  auto info = query(db, "PRAGMA main.table_info(" + lit + ")");
  if (!info) return info.error();
  std::vector<std::pair<int, std::string>> pk_cols;
  for (const auto& row : *info) {
    Reflected::Column c;
    c.def.name = row[1];
    c.def.type = kept_types && kept_types->contains(row[2]) ? row[2] : reflected_type(row[2]);
    if (c.def.type.empty()) {
      return model::make_error(fmt::format("(in table '{}', column '{}'): Can't generate DDL for "
                                           "NullType(); did you forget to specify a type on this "
                                           "Column?",
                                           table, c.def.name));
    }
    c.def.nullable = row[3] == "0";
    if (row[4] != "\x01NULL") c.def.server_default = reflected_default(row[4]);
    const int pk = std::stoi(row[5]);
    if (pk > 0) {
      pk_cols.emplace_back(pk, c.def.name);
      c.def.primary_key = true;
    }
    c.source = c.def.name;
    c.transfer = ddl::quote(table) + "." + ddl::quote(c.def.name);
    out.columns.push_back(c);
  }
  std::sort(pk_cols.begin(), pk_cols.end());
  out.pk.kind = ddl::ConstraintDef::Kind::primary_key;
  for (const auto& p : pk_cols) out.pk.columns.push_back(p.second);
  static const std::regex k_pk_name(R"(CONSTRAINT (\w+) PRIMARY KEY)", std::regex::icase);
  bool pk_named = false;
  for_each_match(sql, "primary", k_pk_name, [&](const std::cmatch& m) {
    if (!pk_named) out.pk.name = m[1].str();
    pk_named = true;
  });

  // Foreign keys: PRAGMA rows grouped by id, names matched from the CREATE text.
  auto fk_rows = query(db, "PRAGMA main.foreign_key_list(" + lit + ")");
  if (!fk_rows) return fk_rows.error();
  std::vector<std::pair<int, ddl::ConstraintDef>> fks;
  for (const auto& row : *fk_rows) {
    const int id = std::stoi(row[0]);
    auto it = std::find_if(fks.begin(), fks.end(), [&](const auto& p) { return p.first == id; });
    if (it == fks.end()) {
      ddl::ConstraintDef fk;
      fk.kind = ddl::ConstraintDef::Kind::foreign_key;
      fk.ref_table = row[2];
      fks.emplace_back(id, fk);
      it = std::prev(fks.end());
    }
    it->second.columns.push_back(row[3]);
    if (row[4] != "\x01NULL") it->second.ref_columns.push_back(row[4]);
  }
  for (auto& [id, fk] : fks) {
    if (fk.ref_columns.empty()) {
      // No referred column written: the referred table's primary key.
      auto ref = query(db, "PRAGMA main.table_info(" + ddl::quote_literal(fk.ref_table) + ")");
      if (ref) {
        std::vector<std::pair<int, std::string>> cols;
        for (const auto& r : *ref) {
          if (std::stoi(r[5]) > 0) cols.emplace_back(std::stoi(r[5]), r[1]);
        }
        std::sort(cols.begin(), cols.end());
        for (const auto& c : cols) fk.ref_columns.push_back(c.second);
      }
    }
  }
  // SQLAlchemy keys the foreign keys by (columns, referred table, referred columns): of
  // several with the same signature, one is reflected, and batch mode drops the others.
  for (std::size_t i = 0; i < fks.size(); ++i) {
    for (std::size_t j = fks.size(); j-- > i + 1;) {
      const auto& a = fks[i].second;
      const auto& b = fks[j].second;
      if (a.columns == b.columns && a.ref_table == b.ref_table && a.ref_columns == b.ref_columns) {
        fks.erase(fks.begin() + static_cast<std::ptrdiff_t>(j));
      }
    }
  }
  static const std::regex k_fk(
      R"re((?:CONSTRAINT (\w+) +)?FOREIGN KEY *\( *(.+?) *\) +REFERENCES +(?:(?:"(.+?)")|([a-z0-9_]+)) *\((.+?)\) *((?:ON (?:DELETE|UPDATE) (?:SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION) *)*)((?:NOT +)?DEFERRABLE)?(?: +INITIALLY +(DEFERRED|IMMEDIATE))?)re",
      std::regex::icase);
  std::vector<ddl::ConstraintDef> parsed_fks;
  std::vector<bool> used(fks.size(), false);
  for_each_match(sql, "foreign", k_fk, [&](const std::cmatch& fm) {
    const auto local = cols_in_sig(fm[2].str());
    const std::string ref_table = fm[3].matched ? fm[3].str() : fm[4].str();
    const auto ref_cols = cols_in_sig(fm[5].str());
    for (std::size_t i = 0; i < fks.size(); ++i) {
      auto& fk = fks[i].second;
      if (used[i] || fk.columns != local || fk.ref_table != ref_table || fk.ref_columns != ref_cols) continue;
      used[i] = true;
      fk.name = fm[1].matched ? fm[1].str() : std::string();
      std::string actions = fm[6].str();
      for (char& ch : actions) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      static const std::regex k_on(R"( *\bON\b *)");
      for (auto tok = std::sregex_token_iterator(actions.begin(), actions.end(), k_on, -1);
           tok != std::sregex_token_iterator(); ++tok) {
        std::string t = tok->str();
        auto trim = [](std::string s) {
          const auto b = s.find_first_not_of(' ');
          const auto e = s.find_last_not_of(' ');
          return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        if (t.starts_with("DELETE")) {
          const std::string a = trim(t.substr(6));
          if (!a.empty() && a != "NO ACTION") fk.ondelete = a;
        } else if (t.starts_with("UPDATE")) {
          const std::string a = trim(t.substr(6));
          if (!a.empty() && a != "NO ACTION") fk.onupdate = a;
        }
      }
      if (fm[7].matched) {
        std::string d = fm[7].str();
        for (char& ch : d) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        fk.deferrable = d.find("NOT") == std::string::npos;
      }
      if (fm[8].matched) {
        std::string in = fm[8].str();
        for (char& ch : in) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        fk.initially = in;
      }
      parsed_fks.push_back(fk);
      break;
    }
  });
  for (std::size_t i = 0; i < fks.size(); ++i) {
    if (!used[i]) parsed_fks.push_back(fks[i].second);
  }
  // SQLAlchemy reflects the tables the foreign keys refer to, and fails when one is missing.
  // (A table is found in the parsed schema; only a view needs sqlite_master.)
  for (const auto& fk : parsed_fks) {
    auto is_table = db.has_table(fk.ref_table);
    if (!is_table) return is_table.error();
    if (*is_table) continue;
    auto found = query(db, "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = " +
                               ddl::quote_literal(fk.ref_table));
    if (!found) return found.error();
    if (found->empty()) return model::make_error(fmt::format("NoSuchTableError: {}", fk.ref_table));
  }

  // Indexes, automatic ones kept aside to recognise UNIQUE constraints.
  auto index_rows = query(db, "PRAGMA main.index_list(" + lit + ")");
  if (!index_rows) return index_rows.error();
  std::vector<std::vector<std::string>> auto_sigs;
  // PRAGMA index_list lists the newest index first; SQLAlchemy keeps that order.
  for (const auto& row : *index_rows) {
    const std::string& name = row[1];
    auto cols = query(db, "PRAGMA main.index_info(" + ddl::quote_literal(name) + ")");
    if (!cols) return cols.error();
    std::vector<std::string> names;
    bool expression = false;
    for (const auto& c : *cols) {
      if (c[1] == "-2" || c[2] == "\x01NULL") expression = true;
      else names.push_back(c[2]);
    }
    if (name.starts_with("sqlite_autoindex")) {
      auto_sigs.push_back(names);
      continue;
    }
    if (expression) continue; // SQLAlchemy skips expression-based indexes
    ddl::IndexDef ix;
    ix.name = name;
    ix.table = table;
    for (const auto& n : names) ix.elements.push_back(n);
    ix.unique = row[2] == "1";
    if (row.size() >= 5 && row[4] == "1") {
      // A partial index: SQLAlchemy reads its predicate from the CREATE INDEX text, as
      // the rest of the line after the first ") WHERE".
      auto text = query(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = " +
                                ddl::quote_literal(name));
      if (!text) return text.error();
      static const std::regex k_where(R"(\)\s+where\s+(.+))", std::regex::icase);
      std::smatch m;
      if (!text->empty() && std::regex_search(text->front()[0], m, k_where)) ix.where = m[1].str();
    }
    out.indexes.push_back(ix);
  }
  std::reverse(out.indexes.begin(), out.indexes.end());

  std::vector<ddl::ConstraintDef> uniques;
  auto take_unique = [&](const std::string& name, const std::vector<std::string>& cols) {
    auto it = std::find(auto_sigs.begin(), auto_sigs.end(), cols);
    if (it == auto_sigs.end()) return;
    auto_sigs.erase(it);
    ddl::ConstraintDef uq;
    uq.kind = ddl::ConstraintDef::Kind::unique;
    uq.name = name;
    uq.columns = cols;
    uniques.push_back(uq);
  };
  static const std::regex k_unique(R"re((?:CONSTRAINT "?(.+?)"? +)?UNIQUE *\((.+?)\))re", std::regex::icase);
  for_each_match(sql, "unique", k_unique, [&](const std::cmatch& m) {
    take_unique(m[1].matched ? m[1].str() : std::string(), cols_in_sig(m[2].str()));
  });
  static const std::regex k_inline_unique(R"re((?:(".+?")|(?:[\[`])?([a-z0-9_]+)(?:[\]`])?) +[a-z0-9_ ]+? +UNIQUE)re",
                                          std::regex::icase);
  for_each_match(sql, "unique", k_inline_unique, [&](const std::cmatch& m) {
    take_unique({}, cols_in_sig(m[1].matched ? m[1].str() : m[2].str()));
  });

  // CHECK constraints: unnamed ones are not carried over by batch mode.
  std::vector<ddl::ConstraintDef> checks;
  static const std::regex k_check(R"re((?:CONSTRAINT (.+) +)?CHECK *\( *(.+) *\),? *)re", std::regex::icase);
  // One CHECK per line, as SQLAlchemy writes them.
  std::size_t line_start = 0;
  while (line_start <= sql.size()) {
    std::size_t line_end = sql.find('\n', line_start);
    if (line_end == std::string::npos) line_end = sql.size();
    const std::string line = sql.substr(line_start, line_end - line_start);
    std::smatch cm;
    if (contains_nocase(line, "check") && std::regex_search(line, cm, k_check) && cm[1].matched) {
      ddl::ConstraintDef ck;
      ck.kind = ddl::ConstraintDef::Kind::check;
      ck.name = std::regex_replace(cm[1].str(), std::regex(R"re(^"|"$)re"), "");
      ck.sqltext = cm[2].str();
      checks.push_back(ck);
    }
    line_start = line_end + 1;
  }

  for (const auto* group : {&parsed_fks, &uniques, &checks}) {
    for (const auto& c : *group) {
      if (!c.name.empty()) out.named.push_back(c);
      else out.unnamed.push_back(c);
    }
  }
  return out;
}

} // namespace

model::Result<ReflectedTable> reflect_table(sqlite::Connection& db, const std::string& table)
{
  auto r = reflect(db, table, nullptr);
  if (!r) return r.error();
  ReflectedTable out;
  for (const auto& c : r->columns) out.columns.push_back(c.def);
  out.pk = r->pk;
  out.constraints = r->named;
  out.constraints.insert(out.constraints.end(), r->unnamed.begin(), r->unnamed.end());
  out.indexes = r->indexes;
  return out;
}

namespace {

bool sql_default_expression(const ColumnObj& c)
{
  return c.server_default && c.server_default_is_clause;
}

using OrderPairs = std::vector<std::pair<std::string, std::string>>;

// Where Alembic 1.8 puts a column added in batch mode
// (ApplyBatchImpl._setup_dependencies_for_add_column): "a before b" pairs taken from
// insert_before / insert_after, completed with the neighbour in the remaining reflected
// columns, or else "after the last remaining reflected column". Returns Alembic's error
// for a neighbour it cannot find, or "".
std::string column_placement(const std::string& name, std::string before, std::string after,
                             const std::vector<std::string>& existing, OrderPairs& ordering)
{
  auto index_of = [&](const std::string& n) -> std::optional<std::size_t> {
    auto it = std::find(existing.begin(), existing.end(), n);
    if (it == existing.end()) return std::nullopt;
    return static_cast<std::size_t>(it - existing.begin());
  };
  if (!after.empty() && before.empty()) {
    if (auto i = index_of(after)) {
      if (*i + 1 < existing.size()) before = existing[*i + 1];
    } else {
      // Placed after a column added earlier: dict(pairs)[after], the last pair wins.
      const std::string* found = nullptr;
      for (const auto& p : ordering) {
        if (p.first == after) found = &p.second;
      }
      if (!found) return fmt::format("KeyError: '{}'", after);
      before = *found;
    }
  }
  if (!before.empty() && after.empty()) {
    if (auto i = index_of(before)) {
      if (*i >= 1) after = existing[*i - 1];
    } else {
      const std::string* found = nullptr;
      for (const auto& p : ordering) {
        if (p.second == before) found = &p.first;
      }
      if (!found) return fmt::format("KeyError: '{}'", before);
      after = *found;
    }
  }
  if (!before.empty()) ordering.emplace_back(name, before);
  if (!after.empty()) ordering.emplace_back(after, name);
  if (before.empty() && after.empty() && !existing.empty()) ordering.emplace_back(existing.back(), name);
  return {};
}

// The final column order (ApplyBatchImpl._adjust_self_columns_for_partial_reordering):
// the pairs "each remaining reflected column after its predecessor" plus the added
// columns' pairs, sorted the way SQLAlchemy's topological sort_as_subsets does it: in
// rounds, each taking (in the current order) every column none of whose predecessors
// still waits. A pair naming a column dropped by the batch constrains nothing, so
//   t(a, b, c): add_column(x) [pair c<x], drop_column(c)   gives   a, x, b
// (x only had to follow c). Indexes into `keys`, or nullopt for a cycle.
std::optional<std::vector<std::size_t>> column_order(const std::vector<std::string>& keys,
                                                     const std::vector<std::string>& existing,
                                                     const OrderPairs& added)
{
  std::set<std::pair<std::string, std::string>> pairs(added.begin(), added.end());
  for (std::size_t i = 1; i < existing.size() && i <= keys.size(); ++i) {
    pairs.emplace(keys[i - 1], existing[i]);
  }
  std::map<std::string, std::set<std::string>> predecessors;
  for (const auto& [a, b] : pairs) {
    if (a != b) predecessors[b].insert(a);
  }
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < keys.size(); ++i) todo.push_back(i);
  std::set<std::string> waiting(keys.begin(), keys.end());
  std::vector<std::size_t> out;
  while (!todo.empty()) {
    std::vector<std::size_t> round;
    for (std::size_t i : todo) {
      const auto& before = predecessors[keys[i]];
      if (std::none_of(before.begin(), before.end(), [&](const auto& p) { return waiting.count(p) > 0; })) {
        round.push_back(i);
      }
    }
    if (round.empty()) return std::nullopt;
    for (std::size_t i : round) waiting.erase(keys[i]);
    std::erase_if(todo, [&](std::size_t i) { return std::find(round.begin(), round.end(), i) != round.end(); });
    out.insert(out.end(), round.begin(), round.end());
  }
  return out;
}

} // namespace

Flow<Value> Interpreter::call_batch(BatchProxy& batch, const std::string& name, CallArgs& args,
                                    const Expr& call)
{
  const Span span = call.span;
  if (name == "f") {
    const Value* v = args.get(0, "name");
    return v ? *v : Value();
  }
  if (postgresql()) return call_postgresql_batch(batch, name, args, call);
  count_op();
  BatchOp op;
  op.name = name;
  op.span = span;
  auto str = [&](std::size_t i, std::string_view key) -> const std::string* {
    const Value* v = args.get(i, key);
    return v ? v->str() : nullptr;
  };
  if (name == "add_column") {
    const Value* cv = args.get(0, "column");
    op.column = cv ? cv->as<ColumnObj>() : nullptr;
    if (!op.column) return unsupported("batch_op.add_column without sa.Column", span);
    if (auto s = str(99, "insert_before")) op.insert_before = *s;
    if (auto s = str(99, "insert_after")) op.insert_after = *s;
    op.default_is_expression = sql_default_expression(*op.column);
    if (!op.insert_before.empty() || !op.insert_after.empty()) {
      // Alembic asks, at this call, whether the operations so far rebuild the table.
      bool recreate = batch.recreate == "always";
      if (batch.recreate == "auto") {
        for (const auto& earlier : batch.ops) {
          recreate = recreate || (earlier.name == "add_column" ? earlier.default_is_expression
                                                               : earlier.name != "create_index" &&
                                                                     earlier.name != "drop_index");
        }
      }
      if (!recreate) {
        return failure("CommandError: Can't specify insert_before or insert_after when using ALTER; "
                       "please specify recreate='always'",
                       span);
      }
    }
    batch.ops.push_back(op);
    // Alembic follows an added column with its constraints and its index=True index.
    const auto& c = *op.column;
    auto add_constraint = [&](ddl::ConstraintDef def) {
      BatchOp ac;
      ac.name = "add_constraint";
      ac.span = span;
      ac.constraint = std::move(def);
      batch.ops.push_back(ac);
    };
    if (c.unique.value_or(false) && !c.index.value_or(false)) {
      ddl::ConstraintDef uq;
      uq.kind = ddl::ConstraintDef::Kind::unique;
      uq.columns = {c.name};
      add_constraint(uq);
    }
    for (const auto& fk : c.foreign_keys) {
      ddl::ConstraintDef def;
      def.kind = ddl::ConstraintDef::Kind::foreign_key;
      def.name = fk->name;
      def.columns = {c.name};
      const auto dot = fk->target.rfind('.');
      def.ref_table = fk->target.substr(0, dot);
      def.ref_columns = {fk->target.substr(dot + 1)};
      def.ondelete = fk->ondelete;
      def.onupdate = fk->onupdate;
      def.deferrable = fk->deferrable;
      def.initially = fk->initially;
      add_constraint(def);
    }
    if (c.index.value_or(false)) {
      BatchOp ci;
      ci.name = "create_index";
      ci.span = span;
      ci.index.name = "ix_" + batch.table + "_" + c.name;
      ci.index.table = batch.table;
      ci.index.elements = {ddl::quote(c.name)};
      ci.index.columns = {c.name};
      ci.index.unique = c.unique.value_or(false);
      ci.column_name = "\x01column-index"; // marks the index=True companion
      ci.new_name = c.name;
      batch.ops.push_back(ci);
    }
    return Value();
  }
  // Alembic's batch drop_column, and alter_column when it renames, read the name of
  // a SchemaEventTarget existing_type (Enum, Boolean; a TypeDecorator passes the
  // attribute on to its implementation type, which may not have one).
  auto existing_type_name = [&]() {
    const Value* v = args.kw("existing_type");
    auto t = v ? to_type(*v) : nullptr;
    if (!t || !t->known || !t->module.starts_with("sqlalchemy")) return;
    if (t->module == "sqlalchemy" && (t->name == "Interval" || t->name == "PickleType")) {
      op.error = fmt::format("AttributeError: '{}' object has no attribute 'name'",
                             t->name == "Interval" ? "DateTime" : "LargeBinary");
    } else if (t->name == "Enum" || t->name == "ENUM" || t->name == "Boolean" || t->name == "BOOLEAN") {
      if (const Value* n = t->kwarg("name"); n && n->str()) op.pop_constraint = *n->str();
    }
  };
  if (name == "drop_column") {
    const std::string* c = str(0, "column_name");
    if (!c) return unsupported("batch_op.drop_column without a literal name", span);
    op.column_name = *c;
    existing_type_name();
  } else if (name == "alter_column") {
    const std::string* c = str(0, "column_name");
    if (!c) return unsupported("batch_op.alter_column without a literal name", span);
    op.column_name = *c;
    if (const Value* n = args.kw("new_column_name"); n && n->str() && *n->str() != *c) {
      existing_type_name();
    }
    if (const Value* n = args.kw("nullable"); n && !n->is_none()) op.nullable = truthy(*n);
    if (const Value* d = args.kw("server_default"); d && !(d->boolean() && !*d->boolean())) {
      auto rendered = server_default(*d, span);
      if (!rendered) return rendered.stop();
      op.set_default = true;
      op.server_default = *rendered;
    }
    if (const Value* n = args.kw("new_column_name"); n && n->str()) op.new_name = *n->str();
    if (const Value* t = args.kw("type_"); t && !t->is_none()) {
      op.type = to_type(*t);
      if (!op.type) return unsupported("alter_column type_ that is not a type", span);
    }
  } else if (name == "create_index") {
    const std::string* n = str(0, "index_name");
    if (!n) return unsupported("batch_op.create_index without a literal name", span);
    auto elements = index_elements(args.get(1, "columns"), span);
    if (!elements) return elements.stop();
    op.index.name = *n;
    op.index.table = batch.table;
    op.index.elements = *elements;
    if (const Value* u = args.kw("unique")) op.index.unique = truthy(*u);
    if (const Value* where = args.kw("sqlite_where"); where && !where->is_none()) {
      if (auto t = where->as<TextClause>()) op.index.where = t->text;
      else if (where->str()) op.index.where = *where->str();
      else return unsupported("sqlite_where that is not sa.text()", span);
    }
    const Value* given = args.get(1, "columns");
    std::vector<Value> items;
    if (given && given->list()) items = given->list()->items;
    else if (given) items.push_back(*given);
    for (const Value& item : items) {
      if (auto s = item.str()) op.index.columns.push_back(*s);
      else if (auto cc = item.as<ColumnClause>()) op.index.columns.push_back(cc->name);
      else {
        op.index.columns.clear();
        break;
      }
    }
  } else if (name == "drop_index") {
    const std::string* n = str(0, "index_name");
    if (!n) return unsupported("batch_op.drop_index without a literal name", span);
    op.index.name = *n;
  } else if (name == "create_foreign_key") {
    const Value* n = args.get(0, "constraint_name");
    const std::string* referent = str(1, "referent_table");
    auto local = names(args.get(2, "local_cols"), span, "local_cols");
    if (!local) return local.stop();
    auto remote = names(args.get(3, "remote_cols"), span, "remote_cols");
    if (!remote) return remote.stop();
    if (!referent) return unsupported("create_foreign_key without a literal referent table", span);
    op.name = "add_constraint";
    op.constraint.kind = ddl::ConstraintDef::Kind::foreign_key;
    op.constraint.name = n && n->str() ? *n->str() : std::string();
    op.constraint.columns = *local;
    op.constraint.ref_table = *referent;
    op.constraint.ref_columns = *remote;
    if (auto s = str(99, "ondelete")) op.constraint.ondelete = *s;
    if (auto s = str(99, "onupdate")) op.constraint.onupdate = *s;
    if (auto s = str(99, "initially")) op.constraint.initially = *s;
    if (const Value* d = args.kw("deferrable"); d && !d->is_none()) op.constraint.deferrable = truthy(*d);
  } else if (name == "create_unique_constraint" || name == "create_primary_key") {
    const Value* n = args.get(0, "constraint_name");
    auto cols = names(args.get(1, "columns"), span, "columns");
    if (!cols) return cols.stop();
    op.name = "add_constraint";
    op.constraint.kind = name == "create_primary_key" ? ddl::ConstraintDef::Kind::primary_key
                                                      : ddl::ConstraintDef::Kind::unique;
    op.constraint.name = n && n->str() ? *n->str() : std::string();
    op.constraint.columns = *cols;
  } else if (name == "create_check_constraint") {
    const Value* n = args.get(0, "constraint_name");
    const Value* cond = args.get(1, "condition");
    if (!cond || !(cond->str() || cond->as<TextClause>())) {
      return unsupported("create_check_constraint with an SQL expression object", span);
    }
    op.name = "add_constraint";
    op.constraint.kind = ddl::ConstraintDef::Kind::check;
    op.constraint.name = n && n->str() ? *n->str() : std::string();
    op.constraint.sqltext = cond->str() ? *cond->str() : cond->as<TextClause>()->text;
  } else if (name == "drop_constraint") {
    const Value* n = args.get(0, "constraint_name");
    op.constraint.name = n && n->str() ? *n->str() : std::string();
  } else if (name == "execute") {
    const Value* sql = args.get(0, "sqltext");
    std::string text_sql;
    if (sql && sql->str()) text_sql = *sql->str();
    else if (auto t = sql ? sql->as<TextClause>() : nullptr) text_sql = t->text;
    else return unsupported("batch_op.execute of a non-string", span);
    if (auto stop = run_sql(text_sql, "batch_op.execute", span)) return *stop;
    return Value();
  } else {
    return unsupported(fmt::format("batch_op.{}()", name), span);
  }
  batch.ops.push_back(op);
  return Value();
}

std::optional<Stop> Interpreter::flush_batch(BatchProxy& batch)
{
  if (postgresql()) return std::nullopt; // each operation ran as it came

  const std::string label = "op.batch_alter_table";
  bool recreate = batch.recreate == "always";
  if (batch.recreate == "auto") {
    for (const auto& op : batch.ops) {
      if (op.name == "add_column") {
        recreate = recreate || op.default_is_expression;
      } else if (op.name != "create_index" && op.name != "drop_index") {
        recreate = true;
      }
    }
  }
  const std::string& table = batch.table;
  if (!recreate) {
    for (const auto& op : batch.ops) {
      std::string sql;
      if (op.name == "add_column") {
        auto def = column_def(*op.column, op.span);
        if (!def) return def.stop();
        ddl::TableDef t;
        for (const auto& step : add_column_statements(db(), table, ddl::render_column(*def, t))) {
          if (auto stop = run_sql(step, label, op.span)) return stop;
        }
        continue;
      } else if (op.name == "create_index") {
        sql = ddl::render_create_index(op.index);
      } else if (op.name == "drop_index") {
        sql = "DROP INDEX " + ddl::quote(op.index.name);
      } else {
        return unsupported(fmt::format("batch_op.{} with recreate='never'", op.name), op.span);
      }
      if (auto stop = run_sql(sql, label, op.span)) return stop;
    }
    return std::nullopt;
  }
  if (!db()) {
    return failure(fmt::format("This operation cannot proceed in --sql mode; batch mode with dialect "
                               "sqlite requires a live database connection with which to reflect "
                               "the table \"{}\"",
                               table),
                   batch.span);
  }
  auto reflected = reflect(*db(), table, m_declared_by_name);
  if (!reflected) return failure(reflected.error().message, batch.span);
  Reflected& r = *reflected;

  // Alembic's batch keeps columns under their key: the reflected name, even after a
  // rename in the same batch, or the added column's name.
  auto key_of = [](const Reflected::Column& c) { return c.source.empty() ? c.def.name : c.source; };
  auto find_column = [&](const std::string& key) -> Reflected::Column* {
    for (auto& c : r.columns) {
      if (key_of(c) == key) return &c;
    }
    return nullptr;
  };
  // Column order as Alembic computes it: the reflected columns still there, and for
  // each added column a (before, after) pair; see order_columns().
  std::vector<std::string> existing_ordering;
  for (const auto& c : r.columns) existing_ordering.push_back(c.source);
  std::vector<std::pair<std::string, std::string>> add_col_ordering;
  for (const auto& op : batch.ops) {
    if (!op.error.empty()) return failure(op.error, op.span);
    if (!op.pop_constraint.empty()) {
      std::erase_if(r.named, [&](const auto& c) { return c.name == op.pop_constraint; });
    }
    if (op.name == "add_column") {
      auto def = column_def(*op.column, op.span);
      if (!def) return def.stop();
      def->primary_key = false;
      Reflected::Column c;
      c.def = *def;
      auto placed = column_placement(op.column->name, op.insert_before, op.insert_after,
                                     existing_ordering, add_col_ordering);
      if (!placed.empty()) return failure(placed, op.span);
      r.columns.push_back(c);
      if (op.column->primary_key) r.pk.columns.push_back(op.column->name);
    } else if (op.name == "drop_column") {
      auto it = std::find_if(r.columns.begin(), r.columns.end(),
                             [&](const auto& rc) { return key_of(rc) == op.column_name; });
      if (it == r.columns.end()) {
        return failure(fmt::format("KeyError: '{}'", op.column_name), op.span);
      }
      r.columns.erase(it);
      auto& pk = r.pk.columns;
      pk.erase(std::remove(pk.begin(), pk.end(), op.column_name), pk.end());
      auto at = std::find(existing_ordering.begin(), existing_ordering.end(), op.column_name);
      if (at == existing_ordering.end()) {
        return failure("ValueError: list.remove(x): x not in list", op.span);
      }
      existing_ordering.erase(at);
    } else if (op.name == "alter_column") {
      Reflected::Column* c = find_column(op.column_name);
      if (!c) return failure(fmt::format("KeyError: '{}'", op.column_name), op.span);
      if (!op.new_name.empty() && op.new_name != op.column_name) {
        c->def.name = op.new_name;
      }
      if (op.type) {
        ColumnObj tmp;
        tmp.name = c->def.name;
        tmp.type = op.type;
        auto declared = column_type(tmp, op.span);
        if (!declared) return declared.stop();
        if (!c->transfer.empty() && type_affinity(c->def.type) != type_affinity(*declared) &&
            type_affinity(*declared) != "json") {
          c->transfer = fmt::format("CAST({} AS {})", c->transfer, *declared);
        }
        c->def.type = *declared;
      }
      if (op.nullable) c->def.nullable = *op.nullable;
      if (op.set_default) c->def.server_default = op.server_default;
    } else if (op.name == "create_index") {
      if (op.column_name == "\x01column-index") {
        // Alembic's copy of an index=True column also indexes the temporary table, and
        // that index keeps the temporary name after the rename.
        ddl::IndexDef tmp = op.index;
        tmp.name = "ix__alembic_tmp_" + table + "_" + op.new_name;
        r.temp_indexes.push_back(tmp);
      }
      auto it = std::find_if(r.new_indexes.begin(), r.new_indexes.end(),
                             [&](const auto& ix) { return ix.name == op.index.name; });
      if (it != r.new_indexes.end()) *it = op.index;
      else r.new_indexes.push_back(op.index);
    } else if (op.name == "drop_index") {
      auto it = std::find_if(r.indexes.begin(), r.indexes.end(),
                             [&](const auto& ix) { return ix.name == op.index.name; });
      if (it == r.indexes.end()) {
        return failure(fmt::format("ValueError: No such index: '{}'", op.index.name), op.span);
      }
      r.indexes.erase(it);
    } else if (op.name == "add_constraint") {
      if (op.constraint.name.empty()) {
        return failure("ValueError: Constraint must have a name", op.span);
      }
      if (op.constraint.kind == ddl::ConstraintDef::Kind::primary_key) {
        r.pk = op.constraint;
        continue;
      }
      auto it = std::find_if(r.named.begin(), r.named.end(),
                             [&](const auto& c) { return c.name == op.constraint.name; });
      if (it != r.named.end()) *it = op.constraint;
      else r.named.push_back(op.constraint);
    } else if (op.name == "drop_constraint") {
      if (op.constraint.name.empty()) {
        return failure("ValueError: Constraint must have a name", op.span);
      }
      auto it = std::find_if(r.named.begin(), r.named.end(),
                             [&](const auto& c) { return c.name == op.constraint.name; });
      if (it != r.named.end()) {
        r.named.erase(it);
      } else if (r.pk.name == op.constraint.name) {
        r.pk.columns.clear();
        r.pk.name.clear();
      } else {
        return failure(fmt::format("ValueError: No such constraint: '{}'", op.constraint.name), op.span);
      }
    }
  }

  if (!add_col_ordering.empty()) {
    std::vector<std::string> keys;
    for (const auto& c : r.columns) keys.push_back(key_of(c));
    auto order = column_order(keys, existing_ordering, add_col_ordering);
    if (!order) {
      return failure("CircularDependencyError: the columns' insert_before / insert_after form a cycle",
                     batch.span);
    }
    std::vector<Reflected::Column> sorted;
    for (std::size_t i : *order) sorted.push_back(r.columns[i]);
    r.columns = std::move(sorted);
  }

  // Column lists of constraints and indexes name the old columns; map them to the new
  // names, dropping what refers to a column that is gone.
  std::map<std::string, std::string> new_name;
  for (const auto& c : r.columns) {
    new_name[c.source.empty() ? c.def.name : c.source] = c.def.name;
  }
  auto map_cols = [&](std::vector<std::string>& cols) {
    for (auto& c : cols) {
      auto it = new_name.find(c);
      if (it == new_name.end()) return false;
      c = it->second;
    }
    return true;
  };
  ddl::TableDef def;
  def.name = table;
  for (const auto& c : r.columns) def.columns.push_back(c.def);
  for (auto& c : def.columns) c.primary_key = false;
  ddl::ConstraintDef pk = r.pk;
  if (map_cols(pk.columns)) {
    for (const auto& name : pk.columns) {
      if (auto* col = def.column(name)) col->primary_key = true;
    }
    def.constraints.push_back(pk);
  }
  for (const auto* group : {&r.named, &r.unnamed}) {
    for (ddl::ConstraintDef c : *group) {
      if (map_cols(c.columns)) def.constraints.push_back(c);
    }
  }

  // Rebuild without a RENAME: keep the rows aside, recreate the table under its own
  // (quoted, as after Alembic's rename) name, copy the rows back.
  std::string quoted_name = "\"";
  for (char ch : table) {
    quoted_name += ch;
    if (ch == '"') quoted_name += '"';
  }
  quoted_name += "\"";
  const std::string keep = ddl::quote("_miglint_batch_" + table);
  std::vector<std::string> targets;
  std::vector<std::string> sources;
  std::vector<std::string> old_columns;
  for (const auto& c : r.columns) {
    if (c.transfer.empty()) continue;
    targets.push_back(ddl::quote(c.def.name));
    // The kept copy has the old column names; the transfer expression reads them.
    std::string expr = c.transfer;
    const std::string prefix = ddl::quote(table) + ".";
    if (expr.find(prefix) != std::string::npos) {
      expr.replace(expr.find(prefix), prefix.size(), keep + ".");
    }
    sources.push_back(expr);
    old_columns.push_back(ddl::quote(c.source));
  }
  // An empty table has no rows to keep aside: three statements fewer, no temp database.
  auto has_rows = table_has_rows(*db(), table);
  if (!has_rows) return failure(has_rows.error().message, batch.span);
  const bool copy_rows = *has_rows && !targets.empty();
  std::vector<std::string> statements;
  if (copy_rows) {
    statements.push_back(fmt::format("DROP TABLE IF EXISTS temp.{}", keep));
    statements.push_back(fmt::format("CREATE TEMP TABLE {} AS SELECT * FROM {}", keep, ddl::quote(table)));
  }
  statements.push_back("DROP TABLE " + ddl::quote(table));
  statements.push_back(ddl::render_create_table(def, quoted_name));
  for (const auto& ix : r.temp_indexes) statements.push_back(ddl::render_create_index(ix, quoted_name));
  if (copy_rows) {
    statements.push_back(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", ddl::quote(table),
                                     fmt::join(targets, ", "), fmt::join(sources, ", "), keep));
    statements.push_back(fmt::format("DROP TABLE temp.{}", keep));
  }
  for (ddl::IndexDef ix : r.indexes) {
    // An index over a dropped column is recreated all the same, and SQLite refuses it
    // ("no such column"), as in Alembic.
    std::vector<std::string> mapped = ix.elements;
    if (map_cols(mapped)) ix.elements = mapped;
    for (auto& e : ix.elements) e = ddl::quote(e);
    statements.push_back(ddl::render_create_index(ix));
  }
  for (ddl::IndexDef ix : r.new_indexes) {
    // Alembic finds the columns of a new index among the batch's keys: the old name of
    // a column renamed in the same batch, not its new one.
    if (!ix.columns.empty()) {
      ix.elements.clear();
      for (const auto& key : ix.columns) {
        auto it = new_name.find(key);
        if (it == new_name.end()) return failure(fmt::format("KeyError: '{}'", key), batch.span);
        ix.elements.push_back(ddl::quote(it->second));
      }
    }
    statements.push_back(ddl::render_create_index(ix));
  }
  for (const auto& sql : statements) {
    if (auto stop = run_sql(sql, label, batch.span)) return stop;
  }
  return std::nullopt;
}

} // namespace miglint::ops
