"""Differential test of data migrations that read rows, against real Alembic.

Earlier revisions create tables and seed rows (op.bulk_insert with typed columns, op.execute
INSERT); later ones read them back through op.get_bind(): sa.text, sa.select, table.select()
with where / order_by / limit / offset / distinct, scalar, fetchall, fetchone, first, one,
scalars, mappings, rows by index, key and attribute, tuple unpacking, typed columns
(Boolean -> bool, DateTime -> datetime), and loops and conditions over those values that
decide which updates, inserts and DDL run. A reflection revision uses MetaData.reflect,
sa.Table(autoload_with=...), meta.sorted_tables and sa.inspect(bind). Alembic 1.8 and
miglint run the same history on separate SQLite files and must leave identical schemas and
rows after every step up and down (see test_ops_parity.snapshot); `miglint verify` must
verify every revision instead of calling the reads unverifiable.
"""

import os
import unittest

import miglint_e2e as e2e
import test_evaluator_parity as evaluator_parity
from test_ops_parity import write_project

TABLES = '''
teams = sa.table("teams", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("captain_id", sa.Integer))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("team_id", sa.Integer), sa.column("active", sa.Boolean),
                 sa.column("created", sa.DateTime))
'''

# (message, upgrade body, downgrade body)
REVISIONS = [
    ("tables", '''
op.create_table("teams", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50), nullable=False),
                sa.Column("captain_id", sa.Integer, nullable=True))
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50), nullable=False),
                sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")),
                sa.Column("active", sa.Boolean, nullable=False),
                sa.Column("created", sa.DateTime))
op.create_index("ix_users_team_id", "users", ["team_id"])
''', '''
op.drop_index("ix_users_team_id", table_name="users")
op.drop_table("users")
op.drop_table("teams")
'''),
    ("seed rows", TABLES + '''
op.bulk_insert(teams, [{"id": 1, "name": "red"}, {"id": 2, "name": "blue"}, {"id": 3, "name": "empty"}])
op.bulk_insert(users, [
    {"id": 1, "name": "ann", "team_id": 1, "active": True, "created": datetime.datetime(2020, 1, 2, 3, 4, 5)},
    {"id": 2, "name": "bob", "team_id": 1, "active": False, "created": datetime.datetime(2021, 5, 6, 7, 8, 9, 123456)},
    {"id": 3, "name": "cid", "team_id": 2, "active": True, "created": None},
])
op.execute("INSERT INTO users (id, name, team_id, active) VALUES (4, 'dee', 2, 0)")
''', '''
op.execute("DELETE FROM users")
op.execute("DELETE FROM teams")
'''),
    ("captains from the first member of each team", TABLES + '''
connection = op.get_bind()
for team in connection.execute(teams.select()):
    members = connection.execute(users.select().where(users.c.team_id == team.id).order_by(users.c.id).limit(1))
    for user in members:
        connection.execute(teams.update().where(teams.c.id == team.id).values(captain_id=user.id))
count = connection.execute(sa.text("SELECT count(*) FROM users")).scalar()
if count > 3:
    op.add_column("teams", sa.Column("size", sa.Integer, nullable=True))
rows = connection.execute(sa.text("SELECT id, name FROM users ORDER BY id")).fetchall()
for user_id, name in rows:
    connection.execute(sa.text("UPDATE users SET name = :n WHERE id = :i"),
                       {"n": name.upper() + str(len(rows)), "i": user_id})
for row in connection.execute(sa.select(users.c.id, users.c.active, users.c.created).order_by(users.c.id)):
    if row.active and row.created is not None:
        connection.execute(users.update().where(users.c.id == row.id).values(name=str(row.created)))
    elif not row.active:
        connection.execute(teams.update().where(teams.c.captain_id == row.id).values(captain_id=None))
''', TABLES + '''
connection = op.get_bind()
if "size" in [c["name"] for c in sa.inspect(connection).get_columns("teams")]:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("size")
connection.execute(teams.update().values(captain_id=None))
for row in connection.execute(sa.text("SELECT id, name FROM users")).mappings():
    connection.execute(users.update().where(users.c.id == row["id"]).values(name=row["name"].lower()[:3]))
'''),
    ("reflection", '''
bind = op.get_bind()
meta = sa.MetaData()
meta.reflect(bind=bind, only=["users", "teams"])
order = [t.name for t in meta.sorted_tables]
reflected_users = meta.tables["users"]
insp = sa.inspect(bind)
if insp.has_table("teams") and "captain_id" in [c["name"] for c in insp.get_columns("teams")]:
    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True), sa.Column("what", sa.String(200)))
audit = sa.Table("audit", sa.MetaData(), autoload_with=bind)
op.bulk_insert(audit, [{"what": ",".join(order)}])
for ix in insp.get_indexes("users"):
    op.bulk_insert(audit, [{"what": "%s %r %r" % (ix["name"], ix["column_names"], ix["unique"])}])
for fk in insp.get_foreign_keys("users"):
    op.bulk_insert(audit, [{"what": "%r %r %r %r" % (fk["name"], fk["referred_table"], fk["constrained_columns"], fk["options"])}])
for c in insp.get_columns("users"):
    op.bulk_insert(audit, [{"what": "%s %r %r %r" % (c["name"], c["nullable"], c["default"], c["primary_key"])}])
op.bulk_insert(audit, [{"what": repr(insp.get_unique_constraints("users")) + repr(insp.get_table_names())}])
last = bind.execute(sa.select(reflected_users.c.id, reflected_users.c.active)
                    .order_by(reflected_users.c.id.desc())).first()
if last is not None and not last.active:
    bind.execute(reflected_users.update().where(reflected_users.c.id == last.id).values(active=True))
total = bind.execute(sa.select(sa.func.count()).select_from(reflected_users)).scalar_one()
bind.execute(audit.insert().values(what="count=%d" % total))
''', '''
op.drop_table("audit")
op.execute("UPDATE users SET active = 0 WHERE id = 4")
'''),
    ("result API", TABLES + '''
conn = op.get_bind()
op.create_table("facts", sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", sa.String(50)),
                sa.Column("v", sa.String(300)))
facts = sa.table("facts", sa.column("k", sa.String), sa.column("v", sa.String))
def note(k, v):
    conn.execute(facts.insert().values(k=k, v=repr(v)))
res = conn.execute(sa.select(users.c.id, users.c.name, users.c.active).order_by(users.c.id))
note("keys", list(res.keys()))
first = res.fetchone()
note("fetchone", [first[0], first[-1], first["name"], first._mapping["active"], list(first)])
rest = res.fetchall()
note("rest", [[r.id, r.name, r.active] for r in rest])
note("exhausted", res.fetchone())
note("scalars", conn.execute(sa.select(users.c.id).order_by(users.c.id.desc())).scalars().all())
note("mappings", [dict(m) for m in conn.execute(sa.text("SELECT id, name FROM users ORDER BY id")).mappings().all()])
note("mapping first", dict(conn.execute(sa.text("SELECT id, active FROM users ORDER BY id")).mappings().first()))
note("none", conn.execute(sa.text("SELECT id FROM users WHERE id < 0")).one_or_none())
note("one", tuple(conn.execute(sa.text("SELECT id, name FROM users WHERE id = 2")).one()))
note("scalar_one_or_none", conn.execute(sa.select(users.c.name).where(users.c.id == 99)).scalar_one_or_none())
note("conn.scalar", conn.scalar(sa.select(sa.func.max(users.c.id))))
note("expression", conn.execute(sa.select(users.c.id + 1, sa.func.lower(users.c.name).label("low")).order_by(users.c.id)).fetchall()[0].low)
note("distinct offset", conn.execute(sa.select(users.c.team_id).distinct().order_by(users.c.team_id).offset(1)).scalars().all())
note("where", [r[0] for r in conn.execute(users.select().where(users.c.active == True).where(users.c.id > 1)).all()])
note("text types", tuple(conn.execute(sa.text("SELECT active, created, 1.5, NULL FROM users ORDER BY id")).first()))
note("typed", [(r.active, str(r.created)) for r in conn.execute(users.select().order_by(users.c.id))])
updated = conn.execute(users.update().where(users.c.team_id == 1).values(team_id=1))
note("rowcount", updated.rowcount)
rows = conn.execute(sa.text("SELECT id FROM users WHERE team_id = :t"), {"t": 3}).fetchall()
if rows:
    op.drop_table("teams")
if not rows and len(rows) == 0:
    note("empty", "no rows for team 3")
for i, (uid, uname) in enumerate(conn.execute(sa.text("SELECT id, name FROM users ORDER BY id"))):
    if i % 2 == 0:
        note("pair %d" % i, (uid, uname))
''', '''
op.drop_table("facts")
'''),
]


def project(root):
    ids = write_project(root, REVISIONS)
    for rev in ids:
        path = os.path.join(root, "alembic", "versions", rev + "_rev.py")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        e2e.write_file(path, text.replace("import sqlalchemy as sa\n", "import sqlalchemy as sa\nimport datetime\n", 1))
    return ids


class DataReadsParityTest(unittest.TestCase):
    maxDiff = None

    def test_reads_match_alembic_after_every_step(self):
        with e2e.TempDir() as root:
            project(root)
            evaluator_parity.assert_each_step_matches_alembic(self, root, len(REVISIONS))

    def test_every_reading_revision_is_verified(self):
        with e2e.TempDir() as root:
            project(root)
            evaluator_parity.assert_every_revision_ran(self, root)

if __name__ == "__main__":
    unittest.main()
