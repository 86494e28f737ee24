// PostgreSQL URLs as SQLAlchemy 1.4 reads them (`postgresql[+driver]://user:password@host:port/
// dbname?option=value`), turned into libpq connection keywords as psycopg2's dialect hands
// them to the driver, so that miglint connects wherever Alembic connects.
#pragma once

#include "model/result.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace miglint::postgres {

struct Url {
  // libpq keywords in the order given: user, password, host, port, dbname, then the URL's
  // query options (sslmode, connect_timeout, ...). What is absent comes from libpq's own
  // defaults: PGHOST, PGPASSWORD, ~/.pgpass, the local socket.
  std::vector<std::pair<std::string, std::string>> keywords;
  // The URL for messages, with the password replaced by *** as SQLAlchemy prints it.
  std::string display;

  std::string database() const; // the dbname keyword, or "" when libpq picks it
  // The same server and credentials, another database (verify's scratch database).
  Url with_database(const std::string& name) const;
};

// Whether `scheme` (the text before `://`) names PostgreSQL: postgresql, postgres and
// postgresql+<driver>.
bool is_postgres_scheme(std::string_view scheme);

// Parses `text`; an Error of kind usage for what SQLAlchemy refuses (a port that is not a
// number) and for drivers SQLAlchemy does not know.
model::Result<Url> parse_url(std::string_view text);

} // namespace miglint::postgres
