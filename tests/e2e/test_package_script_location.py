"""A `package:path` script_location in alembic.ini, with more than one colon
(`myapp:db:migrations`): Alembic resolves it as importlib.resources.files("myapp") / "db" /
"migrations"; miglint finds the same revisions, and upgrades to the same schema."""

import os
import unittest

from engine_project import ENV_PY, schema
from miglint_e2e import TempDir, run_alembic, run_miglint, write_file

REVISION = '''"""create notes

Revision ID: 5c0a1e2b3d4f
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "5c0a1e2b3d4f"
down_revision = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text))


def downgrade():
    op.drop_table("notes")
'''


class PackageScriptLocationTest(unittest.TestCase):
    def test_every_colon_is_a_directory_of_the_package(self):
        with TempDir() as root:
            write_file(os.path.join(root, "myapp", "__init__.py"), "")
            write_file(os.path.join(root, "myapp", "db", "__init__.py"), "")
            migrations = os.path.join(root, "myapp", "db", "migrations")
            write_file(os.path.join(migrations, "env.py"), ENV_PY)
            write_file(os.path.join(migrations, "versions", "5c0a1e2b3d4f_create_notes.py"), REVISION)
            write_file(os.path.join(root, "alembic.ini"),
                       "[alembic]\nscript_location = myapp:db:migrations\nprepend_sys_path = .\n"
                       "sqlalchemy.url = sqlite:///%s\n" % os.path.join(root, "alembic.db"))
            a = run_alembic(["-c", os.path.join(root, "alembic.ini"), "heads"], cwd=root)
            self.assertEqual(a.returncode, 0, a.stderr)
            m = run_miglint(["-C", root, "heads"])
            self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
            self.assertEqual(m.stdout.split()[0], a.stdout.split()[0])
            a = run_alembic(["-c", os.path.join(root, "alembic.ini"), "upgrade", "head"], cwd=root)
            self.assertEqual(a.returncode, 0, a.stderr)
            db = os.path.join(root, "miglint.db")
            m = run_miglint(["-C", root, "upgrade", "head", "--db", db])
            self.assertEqual(m.returncode, 0, m.stdout + m.stderr)
            self.assertEqual(schema(db), schema(os.path.join(root, "alembic.db")))
            self.assertIn("table notes", schema(db))


if __name__ == "__main__":
    unittest.main()
