#include "postgres/scratch_database.hpp"

#include <fmt/format.h>

#include <csignal>
#include <fcntl.h>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

namespace miglint::postgres {

namespace {

std::string random_scratch_name()
{
  std::random_device device;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string name = "miglint_verify_";
  for (int i = 0; i < 12; ++i) {
    name += "0123456789abcdef"[hex(device)];
  }
  return name;
}

void drop_database(const Url& server, const std::string& name)
{
  auto admin = Connection::open(server);
  if (admin) {
    // FORCE ends sessions still attached (a killed miglint's, before the server notices).
    (void)admin->exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_identifier(name)));
  }
}

// The watchdog: ignores the terminal's signals, waits until miglint closes the pipe, and
// drops the database unless miglint wrote that it did so itself.
[[noreturn]] void run_watchdog(int pipe_read, const Url& server, const std::string& name)
{
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGQUIT, SIG_IGN);
  char byte = 0;
  ssize_t got = 0;
  do {
    got = ::read(pipe_read, &byte, 1);
  } while (got < 0 && errno == EINTR);
  if (got != 1) {
    drop_database(server, name);
  }
  ::_exit(0);
}

} // namespace

model::Result<ScratchDatabase> ScratchDatabase::create(const Url& server,
                                                       const std::optional<std::string>& template_db)
{
  auto admin = Connection::open(server);
  MIGLINT_TRY(admin);
  ScratchDatabase scratch;
  scratch.m_server = server;
  scratch.m_name = random_scratch_name();
  const std::string from =
      template_db ? fmt::format(" TEMPLATE {}", quote_identifier(*template_db)) : std::string();
  if (auto created = admin->exec(
          fmt::format("CREATE DATABASE {}{}", quote_identifier(scratch.m_name), from));
      !created) {
    return model::make_error(fmt::format("{}: cannot create verify's scratch database {}: {}",
                                         server.display, scratch.m_name, created.error().message));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(fds[1]);
      run_watchdog(fds[0], server, scratch.m_name);
    }
    ::close(fds[0]);
    if (child > 0) {
      scratch.m_watchdog = child;
      scratch.m_watchdog_pipe = fds[1];
    } else {
      ::close(fds[1]);
    }
  }
  auto conn = Connection::open(server.with_database(scratch.m_name));
  if (!conn) {
    return conn.error(); // the destructor drops the database
  }
  scratch.m_scratch = std::move(*conn);
  return scratch;
}

ScratchDatabase::ScratchDatabase(ScratchDatabase&& other) noexcept
  : m_server(std::move(other.m_server)), m_name(std::move(other.m_name)),
    m_scratch(std::move(other.m_scratch)), m_watchdog(other.m_watchdog),
    m_watchdog_pipe(other.m_watchdog_pipe)
{
  other.m_name.clear();
  other.m_scratch.reset();
  other.m_watchdog = -1;
  other.m_watchdog_pipe = -1;
}

ScratchDatabase::~ScratchDatabase()
{
  drop();
}

void ScratchDatabase::drop()
{
  if (m_name.empty()) {
    return;
  }
  m_scratch.reset();
  drop_database(m_server, m_name);
  if (m_watchdog_pipe >= 0) {
    const char done = 'd';
    (void)!::write(m_watchdog_pipe, &done, 1);
    ::close(m_watchdog_pipe);
  }
  if (m_watchdog > 0) {
    int status = 0;
    ::waitpid(m_watchdog, &status, 0);
  }
  m_name.clear();
}

} // namespace miglint::postgres
