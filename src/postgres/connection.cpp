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

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

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
  if (m_echo != nullptr) {
    std::fprintf(m_echo, "%.*s;\n", static_cast<int>(sql.size()), sql.data());
  }
  const std::string text(sql);
  ResultPtr result(PQexec(m_conn.get(), text.c_str()));
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return {};
  }
  return model::make_error(describe_result_error(result.get(), m_conn.get()));
}

model::Result<Rows> Connection::query(std::string_view sql,
                                      const std::vector<std::optional<std::string>>& params)
{
  if (m_echo != nullptr) {
    std::fprintf(m_echo, "%.*s;\n", static_cast<int>(sql.size()), sql.data());
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
  Rows rows;
  const int fields = PQnfields(result.get());
  for (int f = 0; f < fields; ++f) {
    rows.columns.emplace_back(PQfname(result.get(), f));
    rows.types.emplace_back(std::to_string(PQftype(result.get(), f)));
  }
  const int count = PQntuples(result.get());
  for (int r = 0; r < count; ++r) {
    std::vector<std::optional<std::string>> row;
    for (int f = 0; f < fields; ++f) {
      if (PQgetisnull(result.get(), r, f) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result.get(), r, f),
                                     static_cast<std::size_t>(PQgetlength(result.get(), r, f))));
      }
    }
    rows.values.push_back(std::move(row));
  }
  if (const char* tuples = PQcmdTuples(result.get()); tuples != nullptr && *tuples != '\0') {
    rows.affected = std::stoll(tuples);
  }
  return rows;
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
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string quote_identifier(std::string_view name)
{
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

} // namespace miglint::postgres
