// RAII wrapper over a libpq connection. This folder is the only place that includes
// <libpq-fe.h>; headers forward-declare its handle.
#pragma once

#include "model/result.hpp"
#include "postgres/url.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace miglint::postgres {

// The rows of a query, as text (PostgreSQL's text output format); nullopt for NULL.
struct Rows {
  std::vector<std::string> columns;
  std::vector<unsigned> type_oids; // the columns' types (pg_type oids: 23 for int4, ...)
  std::vector<std::vector<std::optional<std::string>>> values;
  bool returned_rows = false; // a statement that returns rows (SELECT, ... RETURNING)
  std::int64_t affected = 0;  // rows changed by an INSERT, UPDATE or DELETE
};

// One connection. Move-only; closed in the destructor. Every Error quotes the server's
// own message (its primary text, then DETAIL and HINT lines as psql prints them).
class Connection {
public:
  // Connects; a failure names the URL with its password hidden, and is of kind
  // not_found when the server says the database does not exist.
  static model::Result<Connection> open(const Url& url);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // Runs SQL text with no parameters (several `;`-separated statements are allowed, as
  // psycopg2 allows them), ignoring any rows.
  model::Result<void> exec(std::string_view sql);
  // Runs SQL text as psycopg2 does (several statements allowed) and returns what the last
  // statement returned.
  model::Result<Rows> run(std::string_view sql);
  // Runs one statement with `$1`-style text parameters and returns its rows.
  model::Result<Rows> query(std::string_view sql,
                            const std::vector<std::optional<std::string>>& params = {});

  // Whether a transaction is open (BEGIN without COMMIT/ROLLBACK), and whether it failed.
  bool in_transaction() const;
  bool transaction_failed() const;

  // Statements the connection runs are written to `out` as they start; nullptr stops.
  void echo_statements(std::FILE* out) { m_echo = out; }

  const Url& url() const { return m_url; }
  const std::string& name() const { return m_url.display; }
  // The server's major version (15 for 15.4).
  int server_major_version() const;

private:
  struct Closer {
    void operator()(pg_conn* conn) const;
  };
  Connection() = default;

  std::unique_ptr<pg_conn, Closer> m_conn;
  Url m_url;
  std::FILE* m_echo = nullptr;
};

// A string as a PostgreSQL literal ('it''s'), and a name as an identifier ("Name").
std::string quote_literal(std::string_view text);
std::string quote_identifier(std::string_view name);

} // namespace miglint::postgres
