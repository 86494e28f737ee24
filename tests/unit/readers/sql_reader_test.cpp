#include "model/source.hpp"
#include "readers/reader.hpp"
#include "readers/sql_statement.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace miglint;
using namespace std::string_literals;

namespace {

std::shared_ptr<const model::SourceFile> sql_file(std::string text)
{
  return std::make_shared<const model::SourceFile>(
      model::SourceFile{"versions/3f2a9c1b7d4e_add_users.sql", std::move(text)});
}

std::string slice(const readers::ReadOutcome& out, model::Span span)
{
  return out.revision->file->text.substr(span.begin, span.end - span.begin);
}

std::uint32_t line_of(const std::string& text, model::Span span)
{
  return model::LineIndex(text).position(span.begin).line;
}

// Reads `text`, expects exactly one unparsable-revision diagnostic and returns its line.
std::uint32_t error_line(const std::string& text, std::string* message = nullptr)
{
  const auto out = readers::read_sql(sql_file(text));
  CHECK_FALSE(out.revision.has_value());
  REQUIRE(out.diagnostics.size() == 1);
  CHECK(out.diagnostics[0].code == "MG901");
  CHECK(out.diagnostics[0].rule == "unparsable-revision");
  if (message != nullptr) {
    *message = out.diagnostics[0].message;
  }
  return line_of(text, out.diagnostics[0].at.span);
}

const char* const k_basic = R"(-- add users table
--
-- Revision ID: 3f2a9c1b7d4e
-- Revises: 9a8b7c6d5e4f
-- Create Date: 2026-11-24 14:00:00

-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE UNIQUE INDEX ix_users_email ON "users" (email);

-- migrate:down
DROP INDEX ix_users_email;
DROP TABLE users;
)";

} // namespace

TEST_SUITE("readers::sql_reader")
{
  TEST_CASE("single parent: header, doc and both sections")
  {
    const auto out = readers::read_sql(sql_file(k_basic));
    REQUIRE(out.diagnostics.empty());
    REQUIRE(out.revision.has_value());
    const model::Revision& rev = *out.revision;
    CHECK(rev.format == model::Format::sql);
    CHECK(rev.id == "3f2a9c1b7d4e");
    CHECK(slice(out, rev.id_span) == "3f2a9c1b7d4e");
    CHECK(line_of(k_basic, rev.id_span) == 3);
    REQUIRE(rev.down_revisions.size() == 1);
    CHECK(rev.down_revisions[0] == "9a8b7c6d5e4f");
    CHECK(slice(out, rev.down_span) == "9a8b7c6d5e4f");
    CHECK(rev.header_id == rev.id);
    CHECK(rev.header_revises == rev.down_revisions);
    CHECK_FALSE(rev.is_merge());
    CHECK(rev.has_doc);
    CHECK(rev.doc == "add users table\n\nRevision ID: 3f2a9c1b7d4e\nRevises: 9a8b7c6d5e4f\n"
                     "Create Date: 2026-11-24 14:00:00");
    CHECK(rev.message() == "add users table");
    CHECK(line_of(k_basic, rev.doc_span) == 1);

    REQUIRE(rev.upgrade.has_value());
    const model::Body& up = *rev.upgrade;
    CHECK(slice(out, up.name_span) == "-- migrate:up");
    CHECK_FALSE(up.does_nothing);
    CHECK_FALSE(up.raises);
    REQUIRE(up.steps.size() == 2);
    CHECK(up.steps[0].name == "CREATE TABLE");
    CHECK(up.steps[0].target == "users");
    CHECK(up.steps[0].text ==
          "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);");
    CHECK(slice(out, up.steps[0].span) == up.steps[0].text);
    CHECK(line_of(k_basic, up.steps[0].span) == 8);
    CHECK(up.steps[1].name == "CREATE UNIQUE INDEX");
    CHECK(up.steps[1].target == "users");
    CHECK(slice(out, up.body_span).starts_with("CREATE TABLE users"));
    CHECK(slice(out, up.body_span).ends_with("(email);"));

    REQUIRE(rev.downgrade.has_value());
    const model::Body& down = *rev.downgrade;
    CHECK(line_of(k_basic, down.name_span) == 11);
    REQUIRE(down.steps.size() == 2);
    CHECK(down.steps[0].name == "DROP INDEX");
    CHECK(down.steps[0].target == "ix_users_email");
    CHECK(down.steps[1].name == "DROP TABLE");
    CHECK(down.steps[1].target == "users");
    CHECK(slice(out, down.span).starts_with("-- migrate:down"));
    CHECK(slice(out, down.span).ends_with("DROP TABLE users;"));
  }

  TEST_CASE("base revision: empty Revises")
  {
    const std::string text = "-- create schema\n--\n-- Revision ID: aaa111\n-- Revises:\n"
                             "-- Create Date: 2026-01-05 09:00:00\n\n-- migrate:up\n"
                             "CREATE TABLE t (id INTEGER);\n-- migrate:down\nDROP TABLE t;\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    CHECK(out.revision->down_revisions.empty());
    CHECK(out.revision->header_revises.has_value());
    CHECK(out.revision->header_revises->empty());
    CHECK(line_of(text, out.revision->down_span) == 4);
  }

  TEST_CASE("merge revision: comma-separated Revises and empty sections")
  {
    const std::string text = "-- merge heads\n--\n-- Revision ID: ccc333\n"
                             "-- Revises: aaa111, bbb222\n-- Create Date: 2026-02-01 10:00:00\n\n"
                             "-- migrate:up\n\n-- migrate:down\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const model::Revision& rev = *out.revision;
    CHECK(rev.is_merge());
    CHECK(rev.down_revisions == std::vector<std::string>{"aaa111", "bbb222"});
    CHECK(slice(out, rev.down_span) == "aaa111, bbb222");
    CHECK(rev.upgrade->does_nothing);
    CHECK(rev.downgrade->does_nothing);
    CHECK(rev.upgrade->steps.empty());
  }

  TEST_CASE("branch labels and depends on")
  {
    const std::string text = "-- start reporting branch\n--\n-- Revision ID: ddd444\n"
                             "-- Revises: aaa111\n-- Branch Labels: reporting, analytics\n"
                             "-- Depends On: core, bbb222\n-- Create Date: 2026-02-01 10:00:00\n\n"
                             "-- migrate:up\nCREATE VIEW v AS SELECT 1;\n"
                             "-- migrate:down\nDROP VIEW v;\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const model::Revision& rev = *out.revision;
    CHECK(rev.branch_labels == std::vector<std::string>{"reporting", "analytics"});
    CHECK(rev.depends_on == std::vector<std::string>{"core", "bbb222"});
    CHECK(line_of(text, rev.labels_span) == 5);
    CHECK(line_of(text, rev.depends_span) == 6);
    CHECK(rev.upgrade->steps[0].name == "CREATE VIEW");
    CHECK(rev.upgrade->steps[0].target == "v");
    CHECK(rev.downgrade->steps[0].name == "DROP VIEW");
  }

  TEST_CASE("a trigger body's semicolons do not end the CREATE TRIGGER")
  {
    const std::string text = R"(-- add audit trigger
--
-- Revision ID: eee555
-- Revises: ddd444

-- migrate:up
CREATE TRIGGER users_audit AFTER UPDATE OF email ON users
BEGIN
  INSERT INTO audit (what) VALUES ('email; changed');
  UPDATE users SET n = CASE WHEN new.n > 0 THEN 1 ELSE 0 END;
END;
CREATE TEMP TRIGGER t2 BEFORE DELETE ON "orders" BEGIN SELECT 1; END;
-- migrate:down
DROP TRIGGER IF EXISTS t2;
DROP TRIGGER users_audit;
)";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const auto& steps = out.revision->upgrade->steps;
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].name == "CREATE TRIGGER");
    CHECK(steps[0].target == "users");
    CHECK(steps[0].text.ends_with("END;"));
    CHECK(steps[0].text.find("CASE WHEN") != std::string::npos);
    CHECK(steps[1].name == "CREATE TRIGGER");
    CHECK(steps[1].target == "orders");
    CHECK(line_of(text, steps[1].span) == 12);
    const auto& down = out.revision->downgrade->steps;
    REQUIRE(down.size() == 2);
    CHECK(down[0].name == "DROP TRIGGER");
    CHECK(down[0].target == "t2");
  }

  TEST_CASE("PostgreSQL: dollar quotes, E strings and a trigger without a body")
  {
    const std::string text = R"(-- postgres objects
--
-- Revision ID: ddd777
-- Revises: ccc666

-- migrate:up
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TYPE mood AS ENUM ('sad', 'ok');
  END IF;
END
$$;
CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
  NEW.note := E'it\'s; -- migrate:down' || $$;$$;
  RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION touch();
INSERT INTO items (note) VALUES (E'a\'b;c');
-- migrate:down
DROP TRIGGER items_touch ON items;
DROP FUNCTION touch()
)";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const auto& steps = out.revision->upgrade->steps;
    REQUIRE(steps.size() == 4);
    CHECK(steps[0].name == "DO");
    CHECK(steps[0].text.ends_with("END\n$$;"));
    CHECK(steps[1].name == "CREATE FUNCTION");
    CHECK(steps[1].text.ends_with("LANGUAGE plpgsql;"));
    CHECK(steps[2].name == "CREATE TRIGGER");
    CHECK(steps[2].target == "items");
    CHECK(steps[2].text.ends_with("EXECUTE FUNCTION touch();"));
    CHECK(steps[3].name == "INSERT");
    CHECK(line_of(text, steps[3].span) == 21);
    REQUIRE(out.revision->downgrade->steps.size() == 2);
    // A body-less trigger that the end of the section closes is complete, too.
    CHECK(out.revision->downgrade->steps[1].text == "DROP FUNCTION touch()");

    std::string message;
    CHECK(error_line("-- x y z\n-- Revision ID: a1\n-- Revises:\n\n-- migrate:up\n"
                     "SELECT 1;\nDO $f$ BEGIN NULL; END $$;\n",
                     &message) == 7);
    CHECK(message.find("$f$") != std::string::npos);
  }

  TEST_CASE("strings, quoted names and comments hide semicolons and markers")
  {
    const std::string text = R"(-- seed settings
--
-- Revision ID: fff666
-- Revises: eee555

-- migrate:up
INSERT INTO settings (k, v) VALUES ('motd', 'hello; it''s
-- migrate:down inside a string'); -- trailing; comment
/* a block comment; with -- migrate:down
   on two lines */ UPDATE "weird;name" SET v = 'x';
DELETE FROM [settings] WHERE k = 'old'
-- migrate:down
DELETE FROM settings WHERE k = 'motd';
)";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const auto& steps = out.revision->upgrade->steps;
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].name == "INSERT");
    CHECK(steps[0].target == "settings");
    CHECK(steps[0].text.ends_with("string');"));
    CHECK(steps[1].name == "UPDATE");
    CHECK(steps[1].target == "weird;name");
    CHECK(line_of(text, steps[1].span) == 10);
    // The last statement has no semicolon: the marker ends it.
    CHECK(steps[2].name == "DELETE");
    CHECK(steps[2].target == "settings");
    CHECK(steps[2].text == "DELETE FROM [settings] WHERE k = 'old'");
    REQUIRE(out.revision->downgrade->steps.size() == 1);
  }

  TEST_CASE("ALTER TABLE steps are named by their action")
  {
    const std::string text = "-- alter things here\n--\n-- Revision ID: a1\n-- Revises: a0\n\n"
                             "-- migrate:up\n"
                             "ALTER TABLE users ADD COLUMN age INTEGER;\n"
                             "ALTER TABLE main.users ADD nick TEXT;\n"
                             "ALTER TABLE users RENAME COLUMN age TO years;\n"
                             "ALTER TABLE users RENAME nick TO handle;\n"
                             "ALTER TABLE users DROP COLUMN handle;\n"
                             "ALTER TABLE `users` RENAME TO people;\n"
                             "WITH x AS (SELECT 1 AS n) INSERT INTO people (id) SELECT n FROM x;\n"
                             "INSERT OR REPLACE INTO people (id) VALUES (2);\n"
                             "UPDATE OR IGNORE people SET id = 3;\n"
                             "PRAGMA foreign_keys = ON;\n"
                             "-- migrate:down\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const auto& s = out.revision->upgrade->steps;
    REQUIRE(s.size() == 10);
    CHECK(s[0].name == "ALTER TABLE ADD COLUMN");
    CHECK(s[0].target == "users");
    CHECK(s[1].name == "ALTER TABLE ADD COLUMN");
    CHECK(s[1].target == "users");
    CHECK(s[2].name == "ALTER TABLE RENAME COLUMN");
    CHECK(s[3].name == "ALTER TABLE RENAME COLUMN");
    CHECK(s[4].name == "ALTER TABLE DROP COLUMN");
    CHECK(s[5].name == "ALTER TABLE RENAME TO");
    CHECK(s[5].target == "users");
    CHECK(s[6].name == "INSERT");
    CHECK(s[6].target == "people");
    CHECK(s[7].name == "INSERT");
    CHECK(s[8].name == "UPDATE");
    CHECK(s[8].target == "people");
    CHECK(s[9].name == "PRAGMA");
    CHECK(out.revision->downgrade->does_nothing);
  }

  TEST_CASE("suppressions: file level in the header, statement level in a section")
  {
    const std::string text = "-- drop legacy table\n"
                             "-- miglint: ignore[MG101] data is archived elsewhere\n"
                             "--\n-- Revision ID: b2\n-- Revises: b1\n\n"
                             "-- migrate:up\n"
                             "-- miglint: ignore[destructive-operation, MG301] approved in #12\n"
                             "DROP TABLE legacy;\n"
                             "-- migrate:down\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    const auto& sups = out.revision->suppressions;
    REQUIRE(sups.size() == 2);
    CHECK(sups[0].rules == std::vector<std::string>{"MG101"});
    CHECK(sups[0].reason == "data is archived elsewhere");
    CHECK(sups[0].file_level);
    CHECK(line_of(text, sups[0].span) == 2);
    CHECK(sups[1].rules == std::vector<std::string>{"destructive-operation", "MG301"});
    CHECK(sups[1].reason == "approved in #12");
    CHECK_FALSE(sups[1].file_level);
    CHECK(line_of(text, sups[1].span) == 8);
    // The suppression line is not part of the doc, and does not split it.
    CHECK(out.revision->doc == "drop legacy table\n\nRevision ID: b2\nRevises: b1");
  }

  TEST_CASE("CRLF line endings and a UTF-8 BOM")
  {
    std::string text = std::string("\xEF\xBB\xBF") + k_basic;
    std::string crlf;
    for (char c : text) {
      if (c == '\n') {
        crlf += "\r\n";
      } else {
        crlf.push_back(c);
      }
    }
    const auto out = readers::read_sql(sql_file(crlf));
    REQUIRE(out.diagnostics.empty());
    const model::Revision& rev = *out.revision;
    CHECK(rev.id == "3f2a9c1b7d4e");
    CHECK(slice(out, rev.id_span) == "3f2a9c1b7d4e");
    CHECK(rev.down_revisions == std::vector<std::string>{"9a8b7c6d5e4f"});
    CHECK(rev.message() == "add users table");
    CHECK(rev.doc.find('\r') == std::string::npos);
    CHECK(slice(out, rev.upgrade->name_span) == "-- migrate:up");
    CHECK(rev.upgrade->steps.size() == 2);
    CHECK(rev.downgrade->steps.size() == 2);
    CHECK(line_of(crlf, rev.downgrade->name_span) == 11);
  }

  TEST_CASE("a missing downgrade section is not an error")
  {
    const std::string text = "-- add column x\n--\n-- Revision ID: c3\n-- Revises: c2\n\n"
                             "-- migrate:up\nALTER TABLE t ADD COLUMN x INTEGER;\n";
    const auto out = readers::read_sql(sql_file(text));
    REQUIRE(out.diagnostics.empty());
    CHECK_FALSE(out.revision->downgrade.has_value());
    CHECK(out.revision->upgrade->steps.size() == 1);
  }

  TEST_CASE("errors point at the offending line")
  {
    std::string message;
    CHECK(error_line("-- add users\n--\n-- Revises: a1\n\n-- migrate:up\nSELECT 1;\n", &message) ==
          1);
    CHECK(message.find("Revision ID") != std::string::npos);

    CHECK(error_line("-- add users\n--\n-- Revision ID: a2\n\n-- migrate:up\nSELECT 1;\n",
                     &message) == 3);
    CHECK(message.find("Revises") != std::string::npos);

    CHECK(error_line("-- add users\n--\n-- Revision ID: a2\n-- Revises: a1\n\nSELECT 1;\n",
                     &message) == 6);
    CHECK(message.find("migrate:up") != std::string::npos);

    CHECK(error_line("-- add users\n--\n-- Revision ID: a2\n-- Revises: a1\n", &message) == 4);
    CHECK(message.find("no `-- migrate:up`") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\nSELECT 1;\n"
                     "-- migrate:up\n",
                     &message) == 6);
    CHECK(message.find("line 4") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\n"
                     "-- migrate:down\n-- migrate:down\n") == 6);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n\n-- migrate:down\n"
                     "SELECT 1;\n-- migrate:up\nSELECT 2;\n",
                     &message) == 5);
    CHECK(message.find("before") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\n"
                     "INSERT INTO t VALUES ('a;\n-- migrate:down\nDELETE FROM t;\n",
                     &message) == 5);
    CHECK(message.find("unterminated string") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\nSELECT 1;\n"
                     "\n/* never closed\n-- migrate:down\n",
                     &message) == 7);
    CHECK(message.find("block comment") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\n"
                     "UPDATE \"t SET x = 1;\n") == 5);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\n"
                     "SELECT 1;\nab\0cd\n"s,
                     &message) == 6);
    CHECK(message.find("NUL") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:up\n"
                     "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;\n-- migrate:down\n",
                     &message) == 5);
    CHECK(message.find("END;") != std::string::npos);

    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a0 a1\n-- migrate:up\n") == 3);
    CHECK(error_line("-- m\n-- Revision ID: a-2\n-- Revises: a1\n-- migrate:up\n") == 2);
    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revision ID: a3\n-- Revises: a1\n"
                     "-- migrate:up\n") == 3);
    CHECK(error_line("-- m\n-- Revision ID: a2\n-- Revises: a1\n-- migrate:sideways\n"
                     "-- migrate:up\n") == 4);
  }

  TEST_CASE("junk input never crashes")
  {
    for (const std::string text :
         {std::string(), std::string("\xEF\xBB\xBF"), std::string("--"), std::string("'"),
          std::string("/*"), std::string("-- migrate:up"), std::string("[[[[;;;;"),
          std::string("-- Revision ID:\n-- Revises:\n-- migrate:up\nEND; END; CREATE"),
          std::string("\xff\xfe\x01\x02 ;; -- \r\r\n")}) {
      CAPTURE(text);
      const auto out = readers::read_sql(sql_file(text));
      CHECK((out.revision.has_value() || !out.diagnostics.empty()));
    }
  }
}

TEST_SUITE("readers::sql_statement")
{
  TEST_CASE("statement names and targets")
  {
    using readers::sql::Token;
    auto w = [](const char* t) { return Token{Token::Kind::word, t}; };
    auto p = [](const char* t) { return Token{Token::Kind::punct, t}; };
    auto q = [](const char* t) { return Token{Token::Kind::quoted_name, t}; };
    auto named = readers::sql::name_statement({w("create"), w("index"), w("if"), w("not"),
                                               w("exists"), w("ix"), w("on"), w("main"), p("."),
                                               q("users"), p("("), w("email"), p(")")});
    CHECK(named.name == "CREATE INDEX");
    CHECK(named.target == "users");
    named = readers::sql::name_statement({w("drop"), w("table"), w("if"), w("exists"), q("a b")});
    CHECK(named.name == "DROP TABLE");
    CHECK(named.target == "a b");
    CHECK(readers::sql::name_statement({}).name.empty());
    CHECK(readers::sql::name_statement({w("vacuum")}).name == "VACUUM");
  }
}
