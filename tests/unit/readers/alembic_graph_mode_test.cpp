// ReadMode::links (and graph) must read the same graph fields as ReadMode::full: on every sample and
// fixture file, on the generator's quirky files, and on hostile inputs.
#include "model/source.hpp"
#include "readers/reader.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace miglint;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const model::SourceFile> make_file(std::string text,
                                                   std::string path = "versions/abc_rev.py")
{
  return std::make_shared<model::SourceFile>(model::SourceFile{std::move(path), std::move(text)});
}

std::string span_text(model::Span s)
{
  return std::to_string(s.begin) + "-" + std::to_string(s.end);
}

std::string join(const std::vector<std::string>& items)
{
  std::string out = "[";
  for (const auto& s : items) {
    out += "'" + s + "' ";
  }
  return out + "]";
}

// Every field ReadMode::links promises, one per line, so a failing CHECK shows the diff.
std::string graph_fields(const readers::ReadOutcome& out)
{
  std::ostringstream s;
  for (const auto& d : out.diagnostics) {
    s << "diagnostic " << d.code << " " << span_text(d.at.span) << " " << d.message << "\n";
  }
  if (!out.revision) {
    s << "no revision\n";
    return s.str();
  }
  const model::Revision& r = *out.revision;
  s << "id " << r.id << " " << span_text(r.id_span) << "\n";
  s << "down " << join(r.down_revisions) << " " << span_text(r.down_span) << "\n";
  s << "labels " << join(r.branch_labels) << " " << span_text(r.labels_span) << "\n";
  s << "depends " << join(r.depends_on) << " " << span_text(r.depends_span) << "\n";
  s << "doc " << r.has_doc << " " << span_text(r.doc_span) << " <" << r.doc << ">\n";
  s << "header_id " << r.header_id.value_or("-") << " " << span_text(r.header_id_span) << "\n";
  s << "header_revises " << (r.header_revises ? join(*r.header_revises) : "-") << " "
    << span_text(r.header_revises_span) << "\n";
  for (const auto& u : r.unresolved) {
    s << "unresolved " << u.variable << " <" << u.expression << "> " << span_text(u.span) << "\n";
  }
  return s.str();
}

std::string read_fields(const std::string& text, readers::ReadMode mode,
                        const std::string& path = "versions/abc_rev.py")
{
  return graph_fields(readers::read_alembic(make_file(text, path), mode));
}

// The two modes agree on `text`.
void check_same(const std::string& text, const std::string& path = "versions/abc_rev.py")
{
  CAPTURE(text);
  CHECK(read_fields(text, readers::ReadMode::links, path) ==
        read_fields(text, readers::ReadMode::full, path));
}

std::string slurp(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t check_tree(const fs::path& root)
{
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".py") {
      continue;
    }
    const std::string path = entry.path().generic_string();
    CAPTURE(path);
    const std::string text = slurp(entry.path());
    CHECK(read_fields(text, readers::ReadMode::links, path) ==
          read_fields(text, readers::ReadMode::full, path));
    ++count;
  }
  return count;
}

const char* const k_template = R"("""add users table

Revision ID: 3f2a9c1b7d4e
Revises: 9a8b7c6d5e4f
Create Date: 2024-01-02 10:00:00.123456

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f2a9c1b7d4e'
down_revision = '9a8b7c6d5e4f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('users')
)";

} // namespace

TEST_SUITE("readers::alembic graph mode")
{
  TEST_CASE("graph mode reads the template like full mode and leaves bodies out")
  {
    const auto full = readers::read_alembic(make_file(k_template), readers::ReadMode::full);
    const auto graph = readers::read_alembic(make_file(k_template), readers::ReadMode::links);
    REQUIRE(graph.revision);
    CHECK(graph_fields(graph) == graph_fields(full));
    CHECK(graph.revision->id == "3f2a9c1b7d4e");
    CHECK(graph.revision->header_revises == std::vector<std::string>{"9a8b7c6d5e4f"});
    CHECK(full.revision->upgrade);
    CHECK(!graph.revision->upgrade);
    CHECK(!graph.revision->downgrade);
  }

  TEST_CASE("every sample and fixture file reads the same in both modes")
  {
    const fs::path root(MIGLINT_SOURCE_DIR);
    std::size_t count = check_tree(root / "versions");
    if (fs::exists(root / "tests" / "fixtures")) {
      count += check_tree(root / "tests" / "fixtures");
    }
    CHECK(count > 10);
  }

  TEST_CASE("the generator's quirks: CRLF, BOM, licence, raw docstring, comments")
  {
    std::string crlf;
    for (char c : std::string(k_template)) {
      if (c == '\n') {
        crlf += "\r\n";
      } else {
        crlf += c;
      }
    }
    check_same(crlf);
    check_same("\xEF\xBB\xBF" + std::string(k_template));
    check_same("\xEF\xBB\xBF" + crlf);
    check_same("# Copyright 2024 Example Corp.\n#\n#    Licensed under the Apache License\n\n" +
               std::string(k_template));
    check_same(R"(r"""raw \d docstring

Revision ID: abc
Revises: def
"""
revision = 'abc'  # revision
down_revision = 'def'  # down_revision
branch_labels = None  # branch_labels
depends_on = None  # depends_on
def upgrade() -> None:
    pass
)");
    check_same(R"("""escapes \u00e9t\xe9 \x41\tB \\ ok\
Revision ID: abc
Revises: def
"""
revision: str = "abc"
down_revision: Union[str, None] = \
    "def"
branch_labels: Union[str, Sequence[str], None] = ('a', 'b')
depends_on: Union[str, Sequence[str], None] = ["x",
  'y']
)");
    check_same("\"\"\"\"\"\"\nrevision = 'a'\ndown_revision = None\n");
    check_same("# Copyright\n#\n\nfrom alembic import op\n\n\"\"\"not first: no doc\"\"\"\n"
               "revision = 'a'\ndown_revision = None\n");
    check_same("'''single quoted docstring\n\nRevision ID: a\n'''\nrevision = 'a'\r"
               "down_revision = None\r");
  }

  TEST_CASE("files written by the test generator read the same in both modes")
  {
    // graphgen.py writes every quirk it knows (CRLF, BOM, licences, raw and escaped
    // docstrings, trailing comments, typed and classic templates) across many seeds.
    const fs::path generator = fs::path(MIGLINT_SOURCE_DIR) / "tests" / "e2e" / "graphgen.py";
    if (!fs::exists(generator) || std::system("python3 -c 'pass' >/dev/null 2>&1") != 0) {
      MESSAGE("python3 or graphgen.py not available: skipped");
      return;
    }
    const fs::path dir = fs::temp_directory_path() /
                         ("miglint-graph-mode-" + std::to_string(std::random_device{}()));
    std::size_t count = 0;
    for (int seed = 1; seed <= 30; ++seed) {
      const fs::path out = dir / std::to_string(seed);
      const std::string command = "python3 '" + generator.string() + "' graph " +
                                  std::to_string(seed) + " '" + out.string() + "'";
      REQUIRE(std::system(command.c_str()) == 0);
      count += check_tree(out);
    }
    const std::string bench = "python3 '" + generator.string() + "' bench 60 '" +
                              (dir / "bench").string() + "' >/dev/null";
    REQUIRE(std::system(bench.c_str()) == 0);
    count += check_tree(dir / "bench");
    CHECK(count > 300);
    fs::remove_all(dir);
  }

  TEST_CASE("hostile inputs read the same in both modes")
  {
    const std::string head = "\"\"\"doc\n\nRevision ID: a\n\"\"\"\n";
    const std::string vars = "revision = 'a'\ndown_revision = 'b'\n";
    const std::vector<std::string> cases = {
        // strings that never end: at the top level and inside a body
        vars + "x = 'abc\n",
        vars + "x = \"\"\"abc\n",
        vars + "def upgrade():\n    op.execute('''\n",
        vars + "def upgrade():\n    op.execute('abc\n    pass\n",
        "\"\"\"never closed\nrevision = 'a'\ndown_revision = None\n",
        // a body string whose lines sit at column 0 and look like assignments
        head + "revision = 'a'\ndef upgrade():\n    op.execute(\"\"\"\nrevision = 'evil'\n"
               "down_revision = 'evil'\n\"\"\")\ndown_revision = 'b'\n",
        head + "def upgrade():\n    x = '''\n'''\nrevision = 'a'\ndown_revision = None\n",
        head + "def upgrade():\n    x = r'\\''; y = \"\\\"\"\n"
               "revision = 'a'\ndown_revision = None\n",
        // brackets: open across column-0 lines, unbalanced, mismatched
        head + vars + "def upgrade():\n    op.create_table('t',\nsa.Column('id'),\n)\n",
        head + vars + "def upgrade():\n    op.create_table('t'\n",
        head + vars + "def upgrade():\n    op.create_table('t']\n",
        head + vars + "x = )\n",
        head + "revision = ('a'\n)\ndown_revision = ['b',\n# comment\n'c']\n",
        // continuations
        head + "revision = \\\n'a'\ndown_revision = None \\\n\n",
        head + vars + "x = 1 \\",
        head + vars + "x = 1 \\ y\n",
        head + "\\\nrevision = 'a'\ndown_revision = None\n",
        // indentation at the top level
        head + "  revision = 'a'\ndown_revision = None\n",
        head + vars + "def upgrade():\nrevision = 'c'\n",
        head + vars + "def upgrade(): pass\n    x = 1\n",
        head + vars + "def upgrade():",
        "\f" + head + vars,
        // compound statements: assignments inside them do not count
        head + "if True:\n    revision = 'z'\nelse:\n    revision = 'y'\n" + vars,
        head + "try:\n    import x\nexcept ImportError:\n    pass\nfinally:\n    pass\n" + vars,
        head + vars + "else:\n    pass\n",
        head + vars + "class Meta:\n    revision = 'no'\n\n@decorator\ndef upgrade():\n    pass\n",
        head + vars + "async def upgrade():\n    pass\nwith x as y:\n    revision = 'q'\n",
        head + "for revision in ('a',):\n    pass\nwhile False: pass\n" + vars,
        // the first statement decides the docstring
        "def f(): pass\n\"\"\"not a docstring\"\"\"\n" + vars,
        "@d\ndef f(): pass\n\"\"\"not a docstring\"\"\"\n" + vars,
        "\"\"\"doc\"\"\"; revision = 'a'; down_revision = None\n",
        "\"abc\" \"def\"\nrevision = 'a'\ndown_revision = None\n",
        "f\"abc\"\nrevision = 'a'\ndown_revision = None\n",
        "b'abc'\nrevision = 'a'\ndown_revision = None\n",
        // prefixes, escapes and quotes inside strings
        head + "revision = Rb'a' if 0 else rf'x{1}'\ndown_revision = u'b'\n",
        head + "X = 'a\\'#'\nrevision = X\ndown_revision = \"b#\"  # c'\n",
        head + "revision = 'a'\ndown_revision = 'b' 'c'\nbranch_labels = ('x' # c\n, 'y')\n",
        // constants defined before and after, rebinding, unpacking
        head + "A = 'a'\nrevision = A\nA = 'z'\ndown_revision = A\nB = 1\ndepends_on = B\n",
        head + "revision, down_revision = 'a', ('b', 'c')\n",
        head + "revision = 'a'\ndown_revision = cli.BASE\nbranch_labels = (X,)\n",
        head + "revision = 42\ndown_revision = None\n",
        head + "revision = f'a'\ndown_revision = None\n",
        head + "down_revision = None\n",
        head + "revision = 'a'\n",
        // syntax errors at the top level
        head + "revision = 'a'\ndown_revision = None +\n",
        head + "match x:\n    case 1: pass\n" + vars,
        head + vars + "x = 1 $ 2\n",
        head + vars + "x = 1\0\n",
        head + vars + "import\n",
        // nothing there
        "",
        "\n\n",
        "# only a comment\n",
        "\xEF\xBB\xBF",
        "\xEF\xBB\xBF\xEF\xBB\xBFrevision = 'a'\ndown_revision = None\n",
        // line endings
        "revision = 'a'\rdown_revision = None\r",
        "revision = 'a'\r\ndown_revision = None",
        "x = '''a\r\nb'''\r\nrevision = 'a'\r\ndown_revision = \\\r\n None\r\n",
    };
    for (const std::string& text : cases) {
      check_same(text);
      check_same(text, "versions/abc123.py"); // a hex name stands in for a missing revision
    }
  }

  TEST_CASE("a syntax error inside a def or class is only seen in full mode")
  {
    const std::string vars = "revision = 'a'\ndown_revision = None\n";
    const std::vector<std::string> cases = {
        vars + "def upgrade():\n    x = (1 +)\n",
        vars + "def upgrade():\n\tpass\n        pass\n",
        vars + "def upgrade(:):\n    pass\n",
        "def upgrade(): x = = 1\n" + vars,
        vars + "class Helper:\n    def f(self):\n      pass\n     pass\n",
    };
    for (const std::string& text : cases) {
      CAPTURE(text);
      const auto full = readers::read_alembic(make_file(text), readers::ReadMode::full);
      const auto graph = readers::read_alembic(make_file(text), readers::ReadMode::links);
      CHECK(!full.revision);
      REQUIRE(full.diagnostics.size() == 1);
      CHECK(full.diagnostics.front().message.starts_with("cannot parse Python"));
      REQUIRE(graph.revision);
      CHECK(graph.diagnostics.empty());
      CHECK(graph.revision->id == "a");
      // Graph mode, for heads/history/branches, refuses the file as Alembic does.
      const auto listing = readers::read_alembic(make_file(text), readers::ReadMode::graph);
      CHECK(!listing.revision);
      REQUIRE(listing.diagnostics.size() == 1);
      CHECK(listing.diagnostics.front().message == full.diagnostics.front().message);
    }
  }

  TEST_CASE("random damage: whenever full mode reads a file, graph mode reads the same")
  {
    // Insert and delete the bytes the scan cares about; where full mode finds a syntax
    // error graph mode may still read the revision (an error inside a body), nothing else.
    const std::string base = std::string(k_template) +
                             "\nX = '''a\n# not a comment\n'''\n"
                             "def helper(a=(1,\n2)):\n    return \"\\\"\" + r'\\''  # x\n";
    const std::string alphabet = "'\"#\\()[]{}\n\r :=\t\fabrf@";
    std::mt19937 rng(12345);
    int graph_lenient = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text = base;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % (text.size() + 1);
        if (rng() % 2 == 0 && at < text.size()) {
          text.erase(at, 1);
        } else {
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
        }
      }
      const std::string full = read_fields(text, readers::ReadMode::full);
      const std::string graph = read_fields(text, readers::ReadMode::links);
      if (full == graph) {
        continue;
      }
      CAPTURE(text);
      CAPTURE(full);
      CAPTURE(graph);
      // The only allowed difference: full mode could not parse the file because of an
      // error inside a def (graph mode then reads the module level as it is, which may
      // itself be damaged), never because of one among the module-level statements.
      CHECK(full.starts_with("diagnostic MG901"));
      CHECK(full.find("cannot parse Python") != std::string::npos);
      const std::size_t error_at = std::stoul(full.substr(std::string("diagnostic MG901 ").size()));
      const std::size_t first_def = text.find("\ndef ");
      CHECK(first_def != std::string::npos);
      CHECK(error_at > first_def);
      ++graph_lenient;
    }
    MESSAGE("damaged files read only by graph mode: " << graph_lenient);
  }
}
