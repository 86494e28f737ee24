#include "sqlite/transaction_guard.hpp"

#include <sqlite3.h>

#include <cctype>
#include <string_view>

namespace miglint::sqlite {

namespace {

bool is_own_savepoint(const char* name)
{
  const std::string_view prefix = k_savepoint_prefix;
  const std::string_view text = name ? name : "";
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

} // namespace

TransactionGuard::TransactionGuard(Connection& db) : m_db(db)
{
  m_db.set_authorizer(&TransactionGuard::authorize, this);
}

TransactionGuard::~TransactionGuard()
{
  m_db.set_authorizer(nullptr, nullptr);
}

int TransactionGuard::authorize(void* self, int action, const char* what, const char* name,
                                const char*, const char*)
{
  auto* guard = static_cast<TransactionGuard*>(self);
  const std::string_view operation = what ? what : "";
  if (action == SQLITE_TRANSACTION) {
    guard->m_refused = std::string(operation); // BEGIN, COMMIT or ROLLBACK
    return SQLITE_DENY;
  }
  if (action == SQLITE_SAVEPOINT && operation != "BEGIN" && is_own_savepoint(name)) {
    guard->m_refused = std::string(operation == "RELEASE" ? "RELEASE " : "ROLLBACK TO ") + name;
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

} // namespace miglint::sqlite
