#include "fixers/revision_writer.hpp"

#include "util/strings.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace miglint::fixers {

namespace fs = std::filesystem;

namespace {

// Alembic 1.8's templates/generic/script.py.mako, byte for byte.
constexpr const char* k_classic_template = R"MAKO("""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
)MAKO";

// The annotated form later Alembic templates generate (and typed projects copy).
constexpr const char* k_typed_template = R"MAKO("""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: Union[str, None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
)MAKO";

std::tm local_tm(std::chrono::system_clock::time_point when)
{
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

// The value of one template variable, as Python would hold it: nullopt = None, a list
// of one element = a str (`scalar`), several = a tuple.
struct Value {
  std::optional<std::vector<std::string>> items; // nullopt: None
  bool scalar = false;                           // a str rather than a tuple
};

Value scalar_or_tuple(const std::vector<std::string>& ids)
{
  // Alembic's tuple_rev_as_scalar: () -> None, ('a',) -> 'a', else the tuple.
  if (ids.empty()) {
    return {};
  }
  return Value{ids, ids.size() == 1};
}

std::optional<Value> variable(const std::string& name, const NewRevision& rev)
{
  if (name == "message") {
    return Value{std::vector<std::string>{rev.message}, true};
  }
  if (name == "up_revision") {
    return Value{std::vector<std::string>{rev.id}, true};
  }
  if (name == "down_revision") {
    return scalar_or_tuple(rev.down_revisions);
  }
  if (name == "branch_labels") {
    return rev.branch_labels.empty() ? Value{} : Value{rev.branch_labels, false};
  }
  if (name == "depends_on") {
    return scalar_or_tuple(rev.depends_on);
  }
  if (name == "create_date") {
    return Value{std::vector<std::string>{create_date_text(rev.created, true)}, true};
  }
  if (name == "imports" || name == "upgrades" || name == "downgrades") {
    return Value{std::vector<std::string>{""}, true};
  }
  return std::nullopt;
}

std::string repr_of(const Value& v)
{
  if (!v.items) {
    return "None";
  }
  return python_repr(*v.items, v.scalar);
}

std::string str_of(const Value& v)
{
  if (!v.items) {
    return "None";
  }
  return v.scalar ? v.items->front() : repr_of(v);
}

bool truthy(const Value& v)
{
  return v.items && !(v.scalar && v.items->front().empty()) && !v.items->empty();
}

// A string literal of a template expression: "pass" or 'pass'.
std::optional<std::string> literal(std::string_view text)
{
  text = util::strip(text);
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return std::string(text.substr(1, text.size() - 2));
  }
  return std::nullopt;
}

model::Result<Value> evaluate(std::string_view expr, const NewRevision& rev)
{
  expr = util::strip(expr);
  auto unsupported = [&] {
    return model::make_error(
        fmt::format("template expression '${{{}}}' is not supported (miglint renders the "
                    "script.py.mako variables, repr(), `X if X else \"...\"` and the comma filter)",
                    expr),
        model::Error::Kind::usage);
  };
  if (auto lit = literal(expr)) {
    return Value{std::vector<std::string>{*lit}, true};
  }
  if (const auto at = expr.find(" if "); at != std::string_view::npos) {
    const auto els = expr.find(" else ", at);
    if (els == std::string_view::npos) {
      return unsupported();
    }
    auto cond = evaluate(expr.substr(at + 4, els - at - 4), rev);
    if (!cond) {
      return cond.error();
    }
    return evaluate(truthy(*cond) ? expr.substr(0, at) : expr.substr(els + 6), rev);
  }
  if (expr.starts_with("repr(") && expr.ends_with(")")) {
    auto inner = evaluate(expr.substr(5, expr.size() - 6), rev);
    if (!inner) {
      return inner.error();
    }
    return Value{std::vector<std::string>{repr_of(*inner)}, true};
  }
  if (auto v = variable(std::string(expr), rev)) {
    return *v;
  }
  return unsupported();
}

// `${...}` with mako filters: `| comma,n` joins a tuple with ", " (None -> ""); `n`
// and `trim` are accepted too.
model::Result<std::string> substitute(std::string_view inside, const NewRevision& rev)
{
  std::string_view expr = inside;
  std::vector<std::string> filters;
  if (const auto bar = inside.rfind('|'); bar != std::string_view::npos) {
    expr = inside.substr(0, bar);
    for (const auto& f : util::split(inside.substr(bar + 1), ',')) {
      filters.emplace_back(util::strip(f));
    }
  }
  auto value = evaluate(expr, rev);
  if (!value) {
    return value.error();
  }
  std::string out = str_of(*value);
  for (const auto& f : filters) {
    if (f == "comma") {
      out = !value->items ? "" : util::join(*value->items, ", ");
    } else if (f == "trim") {
      out = std::string(util::strip(out));
    } else if (f != "n" && f != "str") {
      return model::make_error(fmt::format("template filter '{}' is not supported", f),
                               model::Error::Kind::usage);
    }
  }
  return out;
}

model::Result<std::string> render_mako(const std::string& tmpl, const NewRevision& rev)
{
  std::string out;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    std::size_t eol = tmpl.find('\n', pos);
    const std::size_t next = eol == std::string::npos ? tmpl.size() : eol + 1;
    std::string_view line(tmpl.data() + pos, next - pos);
    const std::string_view trimmed = util::strip(line);
    if (trimmed.starts_with("##")) { // mako comment line
      pos = next;
      continue;
    }
    if (trimmed.starts_with("%") || trimmed.starts_with("<%")) {
      return model::make_error(
          fmt::format("template control line '{}' is not supported", trimmed),
          model::Error::Kind::usage);
    }
    std::size_t i = 0;
    while (i < line.size()) {
      if (line[i] == '$' && i + 1 < line.size() && line[i + 1] == '{') {
        const auto close = line.find('}', i + 2);
        if (close == std::string_view::npos) {
          return model::make_error("unterminated '${' in the template", model::Error::Kind::usage);
        }
        auto text = substitute(line.substr(i + 2, close - i - 2), rev);
        if (!text) {
          return text.error();
        }
        out += *text;
        i = close + 1;
      } else if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
        i += 2; // mako line continuation
      } else {
        out += line[i++];
      }
    }
    pos = next;
  }
  return out;
}

std::string render_sql(const NewRevision& rev)
{
  std::string out;
  for (const auto& line : util::split(rev.message, '\n')) {
    out += line.empty() ? "--\n" : "-- " + line + "\n";
  }
  out += "--\n";
  out += "-- Revision ID: " + rev.id + "\n";
  out += rev.down_revisions.empty() ? "-- Revises:\n"
                                    : "-- Revises: " + util::join(rev.down_revisions, ", ") + "\n";
  if (!rev.branch_labels.empty()) {
    out += "-- Branch Labels: " + util::join(rev.branch_labels, ", ") + "\n";
  }
  if (!rev.depends_on.empty()) {
    out += "-- Depends On: " + util::join(rev.depends_on, ", ") + "\n";
  }
  out += "-- Create Date: " + create_date_text(rev.created, false) + "\n";
  out += "\n-- migrate:up\n\n\n-- migrate:down\n\n";
  return out;
}

} // namespace

std::string generate_revision_id()
{
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<std::uint64_t>(
                          std::chrono::steady_clock::now().time_since_epoch().count()));
  return fmt::format("{:012x}", gen() & 0xffffffffffffULL);
}

model::Result<std::string> expand_file_template(const std::string& file_template,
                                                const NewRevision& rev, const std::string& slug)
{
  auto parsed = config::FileTemplate::parse(file_template);
  if (!parsed) {
    return parsed.error();
  }
  const std::tm tm = local_tm(rev.created);
  const config::CreateDate date{
    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
    std::chrono::duration_cast<std::chrono::seconds>(rev.created.time_since_epoch()).count()};
  return parsed->expand({rev.id, slug, date});
}

std::string python_repr(const std::vector<std::string>& values, bool single_as_string)
{
  auto quote = [](const std::string& s) {
    // repr() picks double quotes only when the text has a ' and no ".
    const bool dq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    std::string out(1, dq ? '"' : '\'');
    for (char c : s) {
      if (c == '\\' || (!dq && c == '\'')) {
        out += '\\';
      }
      out += c;
    }
    out += dq ? '"' : '\'';
    return out;
  };
  if (single_as_string && values.size() == 1) {
    return quote(values.front());
  }
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + quote(values[i]);
  }
  out += values.size() == 1 ? ",)" : ")";
  return out;
}

std::string create_date_text(std::chrono::system_clock::time_point when, bool microseconds)
{
  const std::tm tm = local_tm(when);
  std::string out = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (microseconds) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        when.time_since_epoch()).count() % 1000000;
    if (us != 0) { // str(datetime) leaves out a zero microsecond part
      out += fmt::format(".{:06}", us);
    }
  }
  return out;
}

namespace {

// An id or label with a line break or another control character would break the header
// lines it is written into (`-- Revises: ...`, `Revision ID: ...`): the file could not
// be read back.
model::Result<void> check_writable_names(const NewRevision& rev)
{
  auto check = [](const char* what, const std::string& name) -> model::Result<void> {
    for (const char c : name) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
        return model::make_error(
            fmt::format("{} {} contains the control character 0x{:02x}; it cannot be written "
                        "into a revision header: fix that revision first",
                        what, python_repr({name}), static_cast<unsigned char>(c)),
            model::Error::Kind::usage);
      }
    }
    return {};
  };
  MIGLINT_TRY(check("revision id", rev.id));
  for (const auto& id : rev.down_revisions) {
    MIGLINT_TRY(check("parent revision", id));
  }
  for (const auto& label : rev.branch_labels) {
    MIGLINT_TRY(check("branch label", label));
  }
  for (const auto& id : rev.depends_on) {
    MIGLINT_TRY(check("dependency", id));
  }
  return {};
}

} // namespace

model::Result<std::string> render_revision(const NewRevision& rev, Style style,
                                           const std::string& mako_template)
{
  MIGLINT_TRY(check_writable_names(rev));
  switch (style) {
  case Style::classic:
    return render_mako(k_classic_template, rev);
  case Style::typed:
    return render_mako(k_typed_template, rev);
  case Style::mako:
    return render_mako(mako_template, rev);
  case Style::sql:
    return render_sql(rev);
  }
  return model::make_error("unknown revision style");
}

model::Result<void> write_file_atomic(const fs::path& path, const std::string& text,
                                      bool exclusive, unsigned new_mode)
{
  std::error_code ec;
  if (exclusive && fs::exists(path, ec)) {
    return model::make_error(fmt::format("{} already exists; not overwriting it", path.string()),
                             model::Error::Kind::usage);
  }
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".miglint-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return model::make_error(
        fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  }
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return model::make_error(fmt::format("cannot {} {}: {}", what, path.string(),
                                         std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  // Keep the mode the file had (hooks stay executable); new files get `new_mode`.
  struct stat st {};
  mode_t mode = static_cast<mode_t>(new_mode);
  if (::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode &= ~mask;
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    return fail("write");
  }
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return model::make_error(fmt::format("cannot write {}", path.string()));
  }
  if (exclusive) {
    // link() fails if the name appeared meanwhile: never replace someone's file.
    if (::link(tmpl.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmpl.c_str());
      return model::make_error(fmt::format("cannot create {}: {}", path.string(),
                                           std::strerror(err)),
                               model::Error::Kind::usage);
    }
    ::unlink(tmpl.c_str());
    return {};
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    return model::make_error(fmt::format("cannot replace {}: {}", path.string(),
                                         std::strerror(err)));
  }
  return {};
}

} // namespace miglint::fixers
