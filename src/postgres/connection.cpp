#include "postgres/connection.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

namespace miglint::postgres {

namespace {

// The server's report as psql prints it: the message, then DETAIL and HINT.
std::string describe_result_error(const PGresult* result, const PGconn* conn)
{
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  if (primary == nullptr) {
    return std::string(util::strip(PQerrorMessage(conn)));
  }
  std::string text = primary;
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    text += fmt::format("\nDETAIL:  {}", detail);
  }
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
    text += fmt::format("\nHINT:  {}", hint);
  }
  return text;
}

// A statement as psql can replay it: `$N` parameters replaced by their values as
// literals, and one `;` at the end.
std::string replayable_statement(std::string_view sql,
                                 const std::vector<std::optional<std::string>>& params)
{
  std::string out;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    std::size_t digits = i + 1;
    while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') {
      ++digits;
    }
    if (sql[i] == '$' && digits > i + 1 && !params.empty()) {
      const std::size_t index = std::stoul(std::string(sql.substr(i + 1, digits - i - 1)));
      if (index >= 1 && index <= params.size()) {
        const auto& value = params[index - 1];
        out += value ? quote_literal(*value) : "NULL";
        i = digits - 1;
        continue;
      }
    }
    out += sql[i];
  }
  const std::string_view trimmed = util::strip(out);
  out.resize(static_cast<std::size_t>(trimmed.data() - out.data()) + trimmed.size());
  if (!out.ends_with(';')) {
    // A trailing `-- comment` would swallow the `;`.
    const std::size_t last_line = out.rfind('\n');
    const bool comment = out.find("--", last_line == std::string::npos ? 0 : last_line) !=
                         std::string::npos;
    out += comment ? "\n;" : ";";
  }
  return out + "\n";
}

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

// What a statement returned: its rows as text, or the count of rows it changed.
Rows rows_of(PGresult* result)
{
  Rows rows;
  rows.returned_rows = PQresultStatus(result) == PGRES_TUPLES_OK;
  const int fields = PQnfields(result);
  for (int f = 0; f < fields; ++f) {
    rows.columns.emplace_back(PQfname(result, f));
    rows.type_oids.push_back(PQftype(result, f));
  }
  const int count = PQntuples(result);
  for (int r = 0; r < count; ++r) {
    std::vector<std::optional<std::string>> row;
    for (int f = 0; f < fields; ++f) {
      if (PQgetisnull(result, r, f) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, f),
                                     static_cast<std::size_t>(PQgetlength(result, r, f))));
      }
    }
    rows.values.push_back(std::move(row));
  }
  if (const char* tuples = PQcmdTuples(result); tuples != nullptr && *tuples != '\0') {
    rows.affected = std::stoll(tuples);
  }
  return rows;
}

} // namespace

void Connection::Closer::operator()(pg_conn* conn) const
{
  PQfinish(conn);
}

model::Result<Connection> Connection::open(const Url& url)
{
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [key, value] : url.keywords) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  // Messages and errors in one known language and encoding, whatever the server's.
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  Connection c;
  c.m_url = url;
  c.m_conn.reset(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!c.m_conn) {
    return model::make_error(fmt::format("cannot connect to {}: out of memory", url.display));
  }
  if (PQstatus(c.m_conn.get()) != CONNECTION_OK) {
    const std::string message(util::strip(PQerrorMessage(c.m_conn.get())));
    const bool missing = message.find("does not exist") != std::string::npos &&
                         message.find("database") != std::string::npos;
    return model::make_error(fmt::format("cannot connect to {}: {}", url.display, message),
                             missing ? model::Error::Kind::not_found : model::Error::Kind::other);
  }
  // Notices (NOTICE: table "x" does not exist, skipping) are the server talking to psql's
  // user; Alembic does not show them either.
  PQsetNoticeProcessor(c.m_conn.get(), [](void*, const char*) {}, nullptr);
  return c;
}

model::Result<void> Connection::exec(std::string_view sql)
{
  MIGLINT_TRY(run(sql));
  return {};
}

model::Result<Rows> Connection::run(std::string_view sql)
{
  if (m_echo != nullptr) {
    std::fputs(replayable_statement(sql, {}).c_str(), m_echo);
  }
  const std::string text(sql);
  ResultPtr result(PQexec(m_conn.get(), text.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    return model::make_error(describe_result_error(result.get(), m_conn.get()));
  }
  return rows_of(result.get());
}

model::Result<Rows> Connection::query(std::string_view sql,
                                      const std::vector<std::optional<std::string>>& params)
{
  if (m_echo != nullptr) {
    std::fputs(replayable_statement(sql, params).c_str(), m_echo);
  }
  const std::string text(sql);
  std::vector<const char*> values;
  for (const auto& p : params) {
    values.push_back(p ? p->c_str() : nullptr);
  }
  ResultPtr result(PQexecParams(m_conn.get(), text.c_str(), static_cast<int>(values.size()),
                                nullptr, values.data(), nullptr, nullptr, 0));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return model::make_error(describe_result_error(result.get(), m_conn.get()));
  }
  return rows_of(result.get());
}

bool Connection::in_transaction() const
{
  const auto status = PQtransactionStatus(m_conn.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool Connection::transaction_failed() const
{
  return PQtransactionStatus(m_conn.get()) == PQTRANS_INERROR;
}

int Connection::server_major_version() const
{
  return PQserverVersion(m_conn.get()) / 10000;
}

std::string quote_literal(std::string_view text)
{
  return util::sql_string_literal(text);
}

std::string quote_identifier(std::string_view name)
{
  return util::sql_quoted_identifier(name);
}

} // namespace miglint::postgres
