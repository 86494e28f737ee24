"""Revisions that open the migration's own database through the Alembic Config.

Real histories check for pre-existing tables with
`engine_from_config(op.get_context().config.get_section(config.config_ini_section), prefix="sqlalchemy.")`
and `sa.inspect(engine).has_table(...)`, skipping their first revision when the application
already made the tables. Where env.py connects with that same call (Alembic's generic
template), the engine is the database being migrated: miglint reads its schema there, and
must leave the same schema as real Alembic, on an empty database and on one where the table
already exists. Where env.py connects otherwise, or the read comes after the revision ran
statements (a second connection does not see them), the revision stays unverifiable.
"""

import os
import shutil
import sqlite3
import unittest

import miglint_e2e as e2e
import test_evaluator_parity as evaluator_parity
from test_ops_parity import ENV_PY, write_project

# Alembic's generic env.py, as `alembic init` writes it (online part).
CONFIG_ENGINE_ENV_PY = '''
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_online():
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

TABLE_EXISTS = '''
def table_exists(table):
    config = op.get_context().config
    engine = sa.engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.")
    return sa.inspect(engine).has_table(table)
'''

REVISIONS = [
    ("initial tables, unless the application made them", '''
if table_exists("users"):
    return
op.create_table("groups", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(40)))
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(40)))
''', '''
op.drop_table("users")
op.drop_table("groups")
'''),
    ("user email", '''
op.add_column("users", sa.Column("email", sa.String(80), nullable=True))
''', '''
with op.batch_alter_table("users") as batch_op:
    batch_op.drop_column("email")
'''),
]


def project(root, env_py=CONFIG_ENGINE_ENV_PY, revisions=REVISIONS):
    ids = write_project(root, revisions)
    e2e.write_file(os.path.join(root, "alembic", "env.py"), env_py)
    path = os.path.join(root, "alembic", "versions", ids[0] + "_rev.py")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    e2e.write_file(path, text.replace("\n\ndef upgrade():", "\n" + TABLE_EXISTS + "\n\ndef upgrade():", 1))
    return ids


def app_made_users(db):
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(40))")
    con.commit()
    con.close()


class ConfigEngineTest(unittest.TestCase):
    maxDiff = None

    def compare(self, root, steps):
        return evaluator_parity.EvaluatorParityTest.compare_history(self, root, steps)

    def test_empty_database_matches_alembic(self):
        with e2e.TempDir() as root:
            project(root)
            actual = self.compare(root, [("upgrade", "+1"), ("upgrade", "+1"),
                                         ("downgrade", "-1"), ("downgrade", "-1")])
            self.assertIn("groups", str(actual[0]["schema"]))

    def test_table_the_application_made_is_skipped_as_alembic_skips_it(self):
        with e2e.TempDir() as root:
            project(root)
            app_made_users(os.path.join(root, "alembic.db"))
            shutil.copy(os.path.join(root, "alembic.db"), os.path.join(root, "miglint.db"))
            actual = self.compare(root, [("upgrade", "+1"), ("upgrade", "+1")])
            self.assertNotIn("groups", str(actual[0]["schema"]))

    def test_verify_reaches_a_verdict(self):
        with e2e.TempDir() as root:
            project(root)
            report = evaluator_parity.verify_json(root)
            self.assertEqual({r["status"] for r in report["revisions"]}, {"ok"}, report["diagnostics"])

    def test_unverifiable_when_env_py_connects_otherwise(self):
        with e2e.TempDir() as root:
            ids = project(root, env_py=ENV_PY)
            report = evaluator_parity.verify_json(root)
            first = report["revisions"][0]
            self.assertEqual((first["revision"], first["status"]), (ids[0], "unverifiable"))

    def test_unverifiable_when_read_after_statements(self):
        late = [("late check", '''
op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True))
if table_exists("users"):
    op.drop_table("audit")
''', 'op.drop_table("audit")')]
        with e2e.TempDir() as root:
            ids = project(root, revisions=late)
            report = evaluator_parity.verify_json(root)
            first = report["revisions"][0]
            self.assertEqual((first["revision"], first["status"]), (ids[0], "unverifiable"))
            self.assertIn("second engine", first["detail"])


if __name__ == "__main__":
    unittest.main()
