#include "sqlite/database.hpp"

#include "sqlite/error.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <system_error>

namespace miglint::sqlite {

namespace {

constexpr std::string_view k_memory_name = "in-memory database";

bool only_separators(std::string_view text)
{
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != ';') {
      return false;
    }
  }
  return true;
}

// SQLite reads SQL text only up to a NUL, whatever length it is given: a statement with
// one inside would run shorter than written (`DELETE FROM t\0 WHERE ...` deletes every
// row). Python's sqlite3 refuses such text; so do we, before SQLite sees it.
std::optional<std::string> nul_problem(std::string_view sql)
{
  const std::size_t at = sql.find('\0');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return fmt::format("the SQL text contains a NUL character at offset {}; SQLite would stop "
                     "reading there and run only `{}`, so it is not run",
                     at, sql_excerpt(sql.substr(0, at)));
}

} // namespace

// ---- Statement -------------------------------------------------------------------------------

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const
{
  sqlite3_finalize(stmt);
}

Statement::Statement(sqlite3_stmt* stmt, std::string db_name, int busy_timeout_ms)
    : m_stmt(stmt), m_db_name(std::move(db_name)), m_busy_timeout_ms(busy_timeout_ms)
{
}

Error Statement::failure(int rc, std::string_view action) const
{
  return error_from_code(sqlite3_db_handle(m_stmt.get()), rc, m_db_name, m_busy_timeout_ms,
                         fmt::format("{} `{}`", action, sql_excerpt(sql())));
}

Result<void> Statement::bind(int index, std::string_view text)
{
  const int rc = sqlite3_bind_text64(m_stmt.get(), index, text.data(), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    return failure(rc, fmt::format("cannot bind parameter {} of", index));
  }
  return {};
}

Result<void> Statement::bind(int index, std::int64_t value)
{
  const int rc = sqlite3_bind_int64(m_stmt.get(), index, value);
  if (rc != SQLITE_OK) {
    return failure(rc, fmt::format("cannot bind parameter {} of", index));
  }
  return {};
}

Result<void> Statement::bind(int index, double value)
{
  const int rc = sqlite3_bind_double(m_stmt.get(), index, value);
  if (rc != SQLITE_OK) {
    return failure(rc, fmt::format("cannot bind parameter {} of", index));
  }
  return {};
}

Result<void> Statement::bind_null(int index)
{
  const int rc = sqlite3_bind_null(m_stmt.get(), index);
  if (rc != SQLITE_OK) {
    return failure(rc, fmt::format("cannot bind parameter {} of", index));
  }
  return {};
}

Result<bool> Statement::step()
{
  const int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  Error error = failure(rc, "cannot run");
  // Leave the statement re-runnable; sqlite3_reset repeats the error code, which we have.
  sqlite3_reset(m_stmt.get());
  return error;
}

Result<void> Statement::run()
{
  while (true) {
    Result<bool> row = step();
    if (!row) {
      return row.error();
    }
    if (!*row) {
      return {};
    }
  }
}

void Statement::reset()
{
  sqlite3_reset(m_stmt.get());
  sqlite3_clear_bindings(m_stmt.get());
}

int Statement::column_count() const
{
  return sqlite3_column_count(m_stmt.get());
}

bool Statement::column_is_null(int column) const
{
  return sqlite3_column_type(m_stmt.get(), column) == SQLITE_NULL;
}

std::string Statement::column_text(int column) const
{
  const unsigned char* text = sqlite3_column_text(m_stmt.get(), column);
  if (text == nullptr) {
    return {};
  }
  const int size = sqlite3_column_bytes(m_stmt.get(), column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int column) const
{
  if (column_is_null(column)) {
    return std::nullopt;
  }
  return column_text(column);
}

std::int64_t Statement::column_int(int column) const
{
  return sqlite3_column_int64(m_stmt.get(), column);
}

double Statement::column_double(int column) const
{
  return sqlite3_column_double(m_stmt.get(), column);
}

Statement::Storage Statement::column_storage(int column) const
{
  switch (sqlite3_column_type(m_stmt.get(), column)) {
  case SQLITE_INTEGER: return Storage::integer;
  case SQLITE_FLOAT: return Storage::real;
  case SQLITE_TEXT: return Storage::text;
  case SQLITE_BLOB: return Storage::blob;
  default: return Storage::null;
  }
}

std::string Statement::column_name(int column) const
{
  const char* name = sqlite3_column_name(m_stmt.get(), column);
  return name != nullptr ? std::string(name) : std::string();
}

std::string Statement::sql() const
{
  const char* text = sqlite3_sql(m_stmt.get());
  return text != nullptr ? std::string(text) : std::string();
}

// ---- Connection ------------------------------------------------------------------------------

void Connection::Closer::operator()(sqlite3* db) const
{
  // close_v2 defers the close until outstanding statements are finalized.
  sqlite3_close_v2(db);
}

namespace {

// SQLite keeps memory statistics behind a global mutex taken on every allocation;
// nothing here reads them. Global settings must precede SQLite's initialization.
void configure_sqlite_once()
{
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

} // namespace

Result<Connection> Connection::open(const std::filesystem::path& path, OpenMode mode,
                                    int busy_timeout_ms)
{
  configure_sqlite_once();
  Connection conn;
  conn.m_busy_timeout_ms = busy_timeout_ms;
  int flags = 0;
  std::string filename;
  if (mode == OpenMode::memory) {
    conn.m_name = std::string(k_memory_name);
    filename = ":memory:";
    flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
  } else {
    conn.m_name = path.string();
    filename = conn.m_name;
    // SQLite's own message for these is "unable to open database file"; say which.
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (mode != OpenMode::read_write_create && !std::filesystem::exists(status)) {
      return model::make_error(fmt::format("{}: no such database file", conn.m_name),
                               Error::Kind::not_found);
    }
    if (std::filesystem::is_directory(status)) {
      return model::make_error(fmt::format("{}: is a directory, not a database file", conn.m_name));
    }
    if (mode == OpenMode::read_write_create && !std::filesystem::exists(status)) {
      const std::filesystem::path parent = path.parent_path();
      if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        return model::make_error(
            fmt::format("{}: cannot create the database: directory {} does not exist", conn.m_name,
                        parent.string()),
            Error::Kind::not_found);
      }
    }
    switch (mode) {
    case OpenMode::read_write_create:
      flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case OpenMode::read_write:
      flags = SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::read_only:
      flags = SQLITE_OPEN_READONLY;
      break;
    case OpenMode::memory:
      break;
    }
  }

  // A connection is only ever used by the thread that opened it: no per-call mutex
  // (taking it showed as a tenth of the time of applying a long history).
  flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename.c_str(), &raw, flags, nullptr);
  conn.m_db.reset(raw); // a handle is returned (and must be closed) even on failure
  if (rc != SQLITE_OK) {
    return conn.error_from(rc, "cannot open database");
  }
  sqlite3_extended_result_codes(raw, 1);
  MIGLINT_TRY(conn.set_busy_timeout(busy_timeout_ms));

  // Opening is lazy: the header is first read by a statement. Reading the schema now
  // turns "file is not a database" and an exclusive lock into errors at open time.
  if (mode != OpenMode::memory) {
    MIGLINT_TRY(conn.exec("SELECT count(*) FROM sqlite_master"));
    if (mode != OpenMode::read_only && conn.read_only()) {
      return model::make_error(
          fmt::format("{}: cannot open for writing: the file is read-only", conn.m_name));
    }
  }
  return conn;
}

Result<Connection> Connection::open_memory()
{
  return open({}, OpenMode::memory);
}

Error Connection::error_from(int rc, std::string_view action) const
{
  return error_from_code(m_db.get(), rc, m_name, m_busy_timeout_ms, action);
}

Result<void> Connection::exec(std::string_view sql)
{
  if (auto problem = nul_problem(sql)) {
    return model::make_error(
        fmt::format("{}: cannot run `{}`: {}", m_name, sql_excerpt(sql), *problem));
  }
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return error_from(rc, fmt::format("cannot run `{}`", sql_excerpt(sql)));
  }
  return {};
}

Result<Statement> Connection::prepare(std::string_view sql)
{
  if (auto problem = nul_problem(sql)) {
    return model::make_error(
        fmt::format("{}: cannot prepare `{}`: {}", m_name, sql_excerpt(sql), *problem));
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc =
      sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return error_from(rc, fmt::format("cannot prepare `{}`", sql_excerpt(sql)));
  }
  Statement stmt(raw, m_name, m_busy_timeout_ms);
  if (raw == nullptr) {
    return model::make_error(fmt::format("{}: cannot prepare an empty statement", m_name));
  }
  const std::size_t used = static_cast<std::size_t>(tail - sql.data());
  if (!only_separators(sql.substr(used))) {
    return model::make_error(
        fmt::format("{}: cannot prepare `{}`: more than one statement", m_name, sql_excerpt(sql)));
  }
  return stmt;
}

bool WriteLog::touched(std::string_view table) const
{
  if (everything) {
    return true;
  }
  return tables.contains(util::to_lower(table));
}

namespace {

// The table an authorizer event may change, or nullptr when it changes no table's rows or
// definition. Sets `everything` for events no table name covers.
const char* written_table(int action, const char* arg1, const char* arg2, bool& everything)
{
  switch (action) {
  case SQLITE_INSERT:
  case SQLITE_UPDATE:
  case SQLITE_DELETE:
  case SQLITE_CREATE_TABLE:
  case SQLITE_DROP_TABLE:
  case SQLITE_CREATE_TEMP_TABLE:
  case SQLITE_DROP_TEMP_TABLE:
  case SQLITE_CREATE_VIEW:
  case SQLITE_DROP_VIEW:
  case SQLITE_CREATE_TEMP_VIEW:
  case SQLITE_DROP_TEMP_VIEW:
    return arg1;
  case SQLITE_CREATE_INDEX:
  case SQLITE_DROP_INDEX:
  case SQLITE_CREATE_TEMP_INDEX:
  case SQLITE_DROP_TEMP_INDEX:
  case SQLITE_CREATE_TRIGGER:
  case SQLITE_DROP_TRIGGER:
  case SQLITE_CREATE_TEMP_TRIGGER:
  case SQLITE_DROP_TEMP_TRIGGER:
  case SQLITE_ALTER_TABLE:
    return arg2;
  case SQLITE_CREATE_VTABLE:
  case SQLITE_DROP_VTABLE:
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    everything = true;
    return nullptr;
  default:
    return nullptr;
  }
}

} // namespace

void Connection::install_authorizer()
{
  if (m_hooks->log == nullptr && m_hooks->authorizer == nullptr) {
    sqlite3_set_authorizer(m_db.get(), nullptr, nullptr);
    return;
  }
  auto hook = [](void* data, int action, const char* arg1, const char* arg2,
                 const char* database, const char* trigger) -> int {
    const auto* hooks = static_cast<const AuthorizerHooks*>(data);
    if (WriteLog* log = hooks->log) {
      if (const char* table = written_table(action, arg1, arg2, log->everything)) {
        std::string lower = util::to_lower(table);
        // CREATE, ALTER and DROP also report their writes to sqlite_master. A direct write
        // to it (PRAGMA writable_schema) changes no rows, and the schema comparison sees it.
        if (!lower.starts_with("sqlite_")) {
          log->tables.insert(std::move(lower));
        }
      }
    }
    return hooks->authorizer ? hooks->authorizer(hooks->data, action, arg1, arg2, database,
                                                 trigger)
                             : SQLITE_OK;
  };
  sqlite3_set_authorizer(m_db.get(), hook, m_hooks.get());
}

void Connection::log_writes(WriteLog* log)
{
  m_hooks->log = log;
  install_authorizer();
}

void Connection::set_authorizer(Authorizer authorizer, void* data)
{
  m_hooks->authorizer = authorizer;
  m_hooks->data = data;
  install_authorizer();
}

void Connection::echo_statements(std::FILE* out)
{
  if (out == nullptr) {
    sqlite3_trace_v2(m_db.get(), 0, nullptr, nullptr);
    return;
  }
  auto echo = [](unsigned, void* context, void* statement, void* text) -> int {
    // A trigger's statements come with their text as "-- ..." comments: skip them.
    const char* sql = static_cast<const char*>(text);
    if (sql != nullptr && sql[0] == '-' && sql[1] == '-') return 0;
    char* expanded = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(statement));
    std::fprintf(static_cast<std::FILE*>(context), "%s;\n", expanded != nullptr ? expanded : sql);
    sqlite3_free(expanded);
    return 0;
  };
  sqlite3_trace_v2(m_db.get(), SQLITE_TRACE_STMT, echo, out);
}

Result<void> Connection::copy_from(Connection& source)
{
  sqlite3_backup* backup = sqlite3_backup_init(m_db.get(), "main", source.m_db.get(), "main");
  if (backup == nullptr) {
    return error_from(sqlite3_errcode(m_db.get()),
                      fmt::format("cannot copy {} into it", source.name()));
  }
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) {
    return source.error_from(stepped, fmt::format("cannot copy it into {}", m_name));
  }
  if (finished != SQLITE_OK) {
    return error_from(finished, fmt::format("cannot copy {} into it", source.name()));
  }
  return {};
}

Result<bool> Connection::has_table(std::string_view table, std::string_view schema)
{
  if (table.find('\0') != std::string_view::npos) {
    // The C API would look up the name cut at the NUL: another table.
    return model::make_error(fmt::format("{}: cannot look up table `{}`: the name contains a "
                                         "NUL character",
                                         m_name, sql_excerpt(table)));
  }
  const std::string table_name(table);
  const std::string schema_name(schema);
  // The parsed schema is only checked against the file's schema cookie when a statement
  // reads the database (BEGIN does not): after another connection's DDL it may be stale
  // until then. Reading one row brings it up to date, at the cost of a page.
  MIGLINT_TRY(exec(fmt::format("SELECT 1 FROM \"{}\".sqlite_master LIMIT 1", schema_name)));
  // With no column name, SQLite only looks the table up: SQLITE_ERROR means "no such
  // table"; anything else (busy, I/O, a corrupt schema) is a real failure.
  const int rc = sqlite3_table_column_metadata(m_db.get(), schema_name.c_str(), table_name.c_str(),
                                               nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return true;
  if (rc == SQLITE_ERROR) return false;
  return error_from(rc, fmt::format("cannot look up table {}", table_name));
}

Result<void> Connection::begin_immediate()
{
  return exec("BEGIN IMMEDIATE");
}

Result<void> Connection::commit()
{
  return exec("COMMIT");
}

Result<void> Connection::rollback()
{
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the transaction back.
  if (!in_transaction()) {
    return {};
  }
  return exec("ROLLBACK");
}

bool Connection::in_transaction() const
{
  return sqlite3_get_autocommit(m_db.get()) == 0;
}

Result<void> Connection::set_busy_timeout(int milliseconds)
{
  const int rc = sqlite3_busy_timeout(m_db.get(), milliseconds);
  if (rc != SQLITE_OK) {
    return error_from(rc, "cannot set the busy timeout");
  }
  m_busy_timeout_ms = milliseconds;
  return {};
}

std::int64_t Connection::changes() const
{
  return sqlite3_changes64(m_db.get());
}

bool Connection::read_only() const
{
  return sqlite3_db_readonly(m_db.get(), "main") == 1;
}

// ---- Transaction -----------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Connection& db)
{
  MIGLINT_TRY(db.begin_immediate());
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(other.m_db)
{
  other.m_db = nullptr;
}

Transaction::~Transaction()
{
  if (m_db != nullptr) {
    (void)m_db->rollback();
  }
}

Result<void> Transaction::commit()
{
  if (m_db == nullptr) {
    return model::make_error("transaction already finished");
  }
  MIGLINT_TRY(m_db->commit());
  m_db = nullptr;
  return {};
}

Result<void> Transaction::rollback()
{
  if (m_db == nullptr) {
    return {};
  }
  Connection* db = m_db;
  m_db = nullptr;
  return db->rollback();
}

} // namespace miglint::sqlite
