// Findings over real source files, shared by the report renderer tests.
#pragma once

#include "model/diagnostic.hpp"
#include "report/formats.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace miglint::report::test {

inline std::shared_ptr<const model::SourceFile> source(std::string path, std::string text)
{
  return std::make_shared<const model::SourceFile>(
      model::SourceFile{std::move(path), std::move(text)});
}

// The span of the first occurrence of `needle` in `file`.
inline model::Location at(const std::shared_ptr<const model::SourceFile>& file,
                          std::string_view needle)
{
  const auto begin = file->text.find(needle);
  REQUIRE(begin != std::string::npos);
  return model::Location::in(
      file, {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(begin + needle.size())});
}

inline const std::shared_ptr<const model::SourceFile>& users_file()
{
  static const auto file = source("versions/3f2a9c1b7d4e_add_users.py", R"("""add users table

Revision ID: 3f2a9c1b7d4e
Revises: 9a8b7c6d5e4f
"""
from alembic import op

revision = "3f2a9c1b7d4e"
down_revision = "9a8b7c6d5e4f"


def upgrade():
    op.create_table("users")


def downgrade():
    pass
)");
  return file;
}

inline const std::shared_ptr<const model::SourceFile>& wip_file()
{
  static const auto file = source(
      "versions/7c1d_wip.sql",
      "-- wip\n--\n-- Revision ID: 7c1d\n-- Revises: 3f2a9c1b7d4e\n\n-- migrate:up\nSELECT 1;\n");
  return file;
}

// An error with a note and a revision, a warning, and an info finding tied to no line.
inline std::vector<model::Diagnostic> sample_diagnostics()
{
  std::vector<model::Diagnostic> out;
  out.push_back(model::Diagnostic{
      "MG101",
      "missing-downgrade",
      model::Severity::error,
      "revision 3f2a9c1b7d4e has no downgrade steps",
      at(users_file(), "pass"),
      "3f2a9c1b7d4e",
      {model::Note{at(users_file(), "def upgrade():"), "upgrade() is defined here"}}});
  out.push_back(model::Diagnostic{"MG102",
                                  "undescriptive-message",
                                  model::Severity::warning,
                                  "message \"wip\" does not say what the revision does",
                                  at(wip_file(), "wip"),
                                  "7c1d",
                                  {}});
  out.push_back(model::Diagnostic{"MG902",
                                  "unused-suppression",
                                  model::Severity::info,
                                  "no revision uses the suppression list in miglint.toml",
                                  model::Location::whole("miglint.toml"),
                                  "",
                                  {}});
  return out;
}

inline std::vector<RuleMeta> sample_rules()
{
  return {
      RuleMeta{"MG001", "multiple-heads", model::Severity::error,
               "the revision graph has more than one head",
               "# MG001 multiple-heads\n\n## What it flags\n\nTwo revisions that share a "
               "parent\nand are both heads.\n\n## Fix\n\nRun `miglint merge`.\n"},
      RuleMeta{"MG101", "missing-downgrade", model::Severity::error,
               "a revision has no downgrade steps",
               "# MG101 missing-downgrade\n\n## What it flags\n\nA `downgrade()` that is absent or "
               "only `pass`.\n"},
      RuleMeta{"MG102", "undescriptive-message", model::Severity::warning,
               "a revision message does not say what it does", ""},
  };
}

} // namespace miglint::report::test
