// verify's own database on a PostgreSQL server: `miglint_verify_<random>`, created next to
// the database the URL names (which is never written) and dropped afterwards, also when
// miglint is interrupted or killed: a watchdog process waits on a pipe that only the end of
// miglint closes, then drops the database.
#pragma once

#include "model/result.hpp"
#include "postgres/connection.hpp"

#include <optional>
#include <string>
#include <sys/types.h>

namespace miglint::postgres {

class ScratchDatabase {
public:
  // Connects to `server` (the named database), creates the scratch database (a copy of
  // `template_db` when given: PostgreSQL's CREATE DATABASE ... TEMPLATE), and returns it
  // with a connection to it.
  static model::Result<ScratchDatabase> create(const Url& server,
                                               const std::optional<std::string>& template_db = {});

  ScratchDatabase(ScratchDatabase&& other) noexcept;
  ScratchDatabase& operator=(ScratchDatabase&&) = delete;
  // Closes the connection and drops the database.
  ~ScratchDatabase();

  Connection& connection() { return *m_scratch; }
  const std::string& name() const { return m_name; }

private:
  ScratchDatabase() = default;
  void drop();

  Url m_server;
  std::string m_name;
  std::optional<Connection> m_scratch;
  pid_t m_watchdog = -1;
  int m_watchdog_pipe = -1;
};

} // namespace miglint::postgres
