"""The SQLAlchemy ORM in data migrations, against real Alembic.

Earlier revisions create tables and seed rows (op.bulk_insert); later ones declare models
in the revision (declarative_base() from sqlalchemy.orm and sqlalchemy.ext.declarative,
Column, __tablename__, __table_args__, relationship() declared but not used), open a Session
on op.get_bind() (Session(bind=...), sessionmaker(bind=...)(), `with Session(...) as s`,
`with s.begin()`), query the seeded rows (query().filter/filter_by/order_by/all/first/one/
count/get, query(M.col), session.execute(select(M)).scalars(), session.get), change loaded
objects in loops that depend on the real values, add, delete, bulk query update/delete, and
commit or flush. Alembic 1.8 with SQLAlchemy 1.4 and miglint run the same history on
separate SQLite files and must leave identical schemas and rows after every step up and
down; `miglint verify` runs every revision.

SQLAlchemy 2.0's DeclarativeBase / Mapped / mapped_column cannot run under the installed
SQLAlchemy 1.4, so that API is checked against rows worked out by hand.
"""

import os
import sqlite3
import unittest

import miglint_e2e as e2e
import test_evaluator_parity as evaluator_parity
from test_ops_parity import write_project

MODELS = '''
Base = orm.declarative_base()

class Team(Base):
    __tablename__ = "teams"
    __table_args__ = {"sqlite_autoincrement": False}
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    size = sa.Column(sa.Integer)

class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column("name", sa.String(50), nullable=False)
    mail = sa.Column("email", sa.String(100))
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    score = sa.Column(sa.Integer)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("teams.id"))
    created = sa.Column(sa.DateTime)
    team = orm.relationship("Team")
'''

# (message, upgrade body, downgrade body)
REVISIONS = [
    ("tables", '''
op.create_table("teams", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50), nullable=False),
                sa.Column("size", sa.Integer))
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50), nullable=False),
                sa.Column("email", sa.String(100)),
                sa.Column("active", sa.Boolean, nullable=False),
                sa.Column("score", sa.Integer),
                sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")),
                sa.Column("created", sa.DateTime))
''', '''
op.drop_table("users")
op.drop_table("teams")
'''),
    ("seed rows", '''
teams = sa.table("teams", sa.column("id", sa.Integer), sa.column("name", sa.String))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("email", sa.String), sa.column("active", sa.Boolean),
                 sa.column("score", sa.Integer), sa.column("team_id", sa.Integer),
                 sa.column("created", sa.DateTime))
op.bulk_insert(teams, [{"id": 1, "name": "red"}, {"id": 2, "name": "blue"}, {"id": 3, "name": "grey"}])
op.bulk_insert(users, [
    {"id": 1, "name": "ann", "email": None, "active": True, "score": 5, "team_id": 1,
     "created": datetime.datetime(2020, 1, 2, 3, 4, 5)},
    {"id": 2, "name": "bob", "email": "bob@x.org", "active": False, "score": 150, "team_id": 1,
     "created": None},
    {"id": 3, "name": "cid", "email": None, "active": True, "score": None, "team_id": 2, "created": None},
    {"id": 4, "name": "dee", "email": "d@x.org", "active": True, "score": 300, "team_id": 2, "created": None},
])
''', '''
op.execute("DELETE FROM users")
op.execute("DELETE FROM teams")
'''),
    ("scores and teams through an ORM session", MODELS + '''
bind = op.get_bind()
session = orm.Session(bind=bind)
for user in session.query(User).filter(User.active == True).order_by(User.id).all():
    user.score = (user.score or 0) + len(user.name)
    if user.mail is None:
        user.mail = user.name + "@example.com"
    if user.created is not None and user.created.year == 2020:
        user.name = user.name.upper()
session.commit()
# A filter on another model's columns reads FROM both tables, as SQLAlchemy derives FROMs.
for user in session.query(User).filter(User.team_id == Team.id, Team.name == "blue").order_by(User.id):
    user.score = (user.score or 0) + 1000
session.flush()
red = session.query(Team).filter_by(name="red").first()
red.size = session.query(User).filter(User.team_id == red.id).count()
zed = User(name="zed", team_id=red.id, score=1)
session.add(zed)
session.add_all([Team(name="green"), Team(name="gold", size=0)])
session.flush()
zed.score = zed.id * 10
for t in session.query(Team).filter(Team.name.like("g%")).order_by(Team.id.desc()):
    t.size = (t.size or 0) + t.id
bob = session.query(User).filter_by(name="bob").one()
session.delete(bob)
capped = session.query(User).filter(User.score > 100).update({"score": 100})
dee = session.get(User, 4)
if dee.score == 100 and capped == 1:
    dee.active = False
names = [name for (name,) in session.query(User.name).order_by(User.name)]
session.add(Team(name=",".join(names)[:50], size=len(names)))
if session.query(User).filter(User.name == "nobody").one_or_none() is None:
    session.query(Team).filter(Team.name == "grey").delete(synchronize_session=False)
session.commit()
session.close()
''', MODELS + '''
Session = orm.sessionmaker(bind=op.get_bind())
session = Session()
session.query(User).filter(User.name == "zed").delete()
for team in session.query(Team).filter(Team.id > 3).all():
    session.delete(team)
for user in session.query(User).order_by(User.id):
    user.score = None if user.id == 3 else user.score - 1
session.add(User(id=2, name="bob", active=False, score=150, team_id=1))
session.add(Team(id=3, name="grey"))
session.commit()
'''),
    ("module-level models, bulk operations, attribute keys", '''
session = orm.sessionmaker()(bind=op.get_bind())
session.bulk_insert_mappings(ModuleUser, [
    {"name": "eve", "mail": "eve@x.org", "team_id": 2, "score": None},
    {"name": "fay", "team_id": 3},
])
session.bulk_update_mappings(ModuleUser, [{"id": 1, "score": 77}, {"id": 3, "mail": None}])
by_mail = {row.mail: row.id for row in session.query(ModuleUser.mail, ModuleUser.id)}
for user in session.query(ModuleUser).filter(ModuleUser.id > 2).order_by(ModuleUser.id):
    for field in ("name", "mail"):
        value = getattr(user, field)
        if value is not None:
            setattr(user, field, value + "+")
session.execute(sa.update(ModuleUser).where(ModuleUser.id == by_mail.get("eve@x.org")).values(mail="eve@y.org"))
session.connection().execute(sa.text("UPDATE teams SET size = :n WHERE id = 2"), {"n": len(by_mail)})
session.commit()
''', '''
op.execute("DELETE FROM users WHERE id > 5")
'''),
    ("the 1.4 API: ext.declarative, select(M), get, begin", '''
from sqlalchemy.ext.declarative import declarative_base
Base = declarative_base()

class Audit(Base):
    __abstract__ = True
    id = sa.Column(sa.Integer, primary_key=True)

class Team(Audit):
    __tablename__ = "teams"
    name = sa.Column(sa.String(50))
    size = sa.Column(sa.Integer)

op.add_column("teams", sa.Column("label", sa.String(60)))

class Labelled(Audit):
    __tablename__ = "teams"
    __table_args__ = {"extend_existing": True}
    label = sa.Column(sa.String(60))
    name = sa.Column(sa.String(50))

with orm.Session(bind=op.get_bind()) as session:
    with session.begin():
        teams = session.execute(sa.select(Team).where(Team.size != None).order_by(Team.id)).scalars().all()
        for team in teams:
            team.size = team.size * 2
        total = sum(t.size for t in teams)
    labelled = session.query(Labelled).get(1)
    labelled.label = "%s/%d/%d" % (labelled.name, total, len(teams))
    biggest = session.execute(sa.select(Team).order_by(Team.size.desc(), Team.id)).scalars().first()
    session.query(Labelled).filter(Labelled.id == biggest.id).update(
        {Labelled.label: "biggest"}, synchronize_session="fetch")
    session.commit()
    unset = session.scalars(sa.select(Labelled).where(Labelled.label == None)).all()
    for row in unset:
        row.label = row.name[:1]
    session.flush()
''', '''
with op.batch_alter_table("teams") as batch_op:
    batch_op.drop_column("label")
'''),
]


# load_only / defer / undefer narrow the SELECT that loads objects (the primary key always
# loads), so a model may declare a column its table does not have yet, as application
# models imported by old revisions do; an unloaded attribute can still be set.
REVISIONS.append(("column loader options", '''
op.add_column("users", sa.Column("nick", sa.String(10)))
LaterBase = orm.declarative_base()

class LaterUser(LaterBase):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    mail = sa.Column("email", sa.String(100))
    score = sa.Column(sa.Integer)
    nick = sa.Column(sa.String(10))
    nickname = sa.Column(sa.String(20))  # a later revision's column

session = orm.Session(bind=op.get_bind())
query = session.query(LaterUser).options(orm.load_only(LaterUser.name, "score")).order_by(LaterUser.id)
for user in query:
    user.nick = user.name[:2] + str(user.id)
    if user.score is not None and user.score > 100:
        user.nick = user.nick.upper()
session.flush()
rows = session.execute(sa.select(LaterUser).options(orm.defer(LaterUser.nickname)).where(LaterUser.id > 1))
for user in rows.scalars():
    if user.mail is None:
        user.nick = user.nick + "!"
mixed = session.query(LaterUser).options(orm.load_only(LaterUser.name), orm.undefer(LaterUser.mail))
joined = ",".join(u.name + str(u.mail) for u in mixed)
session.connection().execute(sa.text("UPDATE users SET nick = :n WHERE id = 1"), {"n": joined[-10:]})
session.commit()
''', '''
with op.batch_alter_table("users") as batch_op:
    batch_op.drop_column("nick")
'''))


# A declarative base's MetaData: an association table declared on it, mapped tables that
# join it, and a relationship through it that nothing loads.
REVISIONS.append(("association table on Base.metadata", '''
op.create_table("memberships", sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
                sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")))
AssocBase = orm.declarative_base()
memberships = sa.Table("memberships", AssocBase.metadata,
                       sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
                       sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")))

class Squad(AssocBase):
    __tablename__ = "teams"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)

class Member(AssocBase):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    squads = orm.relationship(Squad, secondary=memberships)

names = sorted(AssocBase.metadata.tables)
session = orm.Session(bind=op.get_bind())
first = session.query(Member).order_by(Member.id).first()
first.name = first.name + "/" + ",".join(names)
session.commit()
''', '''
op.execute("UPDATE users SET name = substr(name, 1, instr(name, '/') - 1) WHERE name LIKE '%/%'")
op.drop_table("memberships")
'''))


# Models declared at module level, as many revisions do.
MODULE_MODELS = '''
ModuleBase = orm.declarative_base()


class ModuleUser(ModuleBase):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)
    mail = sa.Column("email", sa.String(100))
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    score = sa.Column(sa.Integer, default=lambda: 42)
    team_id = sa.Column(sa.Integer)
'''


def project(root, revisions=REVISIONS):
    ids = write_project(root, revisions)
    for rev in ids:
        path = os.path.join(root, "alembic", "versions", rev + "_rev.py")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        e2e.write_file(path, text.replace(
            "import sqlalchemy as sa\n",
            "import sqlalchemy as sa\nfrom sqlalchemy import orm\nimport datetime\n" + MODULE_MODELS, 1))
    return ids


class OrmSessionsParityTest(unittest.TestCase):
    maxDiff = None

    def test_sessions_match_alembic_after_every_step(self):
        with e2e.TempDir() as root:
            project(root)
            evaluator_parity.assert_each_step_matches_alembic(self, root, len(REVISIONS))

    def test_every_session_revision_is_verified(self):
        with e2e.TempDir() as root:
            project(root)
            evaluator_parity.assert_every_revision_ran(self, root)

# SQLAlchemy 2.0's declarative API, run by miglint alone.
DECLARATIVE_20 = '''
from typing import List, Optional
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30))
    qty: Mapped[Optional[int]]
    flag: Mapped[bool] = mapped_column(default=False)
    made: Mapped[Optional[datetime.datetime]] = mapped_column(default=lambda: datetime.datetime(2024, 1, 1))
    note: Mapped[str] = mapped_column(server_default="n/a")
    parts: Mapped[List["Part"]] = relationship()
    tags: Mapped[List["Tag"]]
'''

REVISIONS_20 = [
    ("items", '''
op.create_table("items", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(30), nullable=False), sa.Column("qty", sa.Integer),
                sa.Column("flag", sa.Boolean), sa.Column("made", sa.DateTime),
                sa.Column("note", sa.String(20), server_default="n/a"))
items = sa.table("items", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("qty", sa.Integer), sa.column("flag", sa.Boolean))
op.bulk_insert(items, [{"id": 1, "name": "a", "qty": 2, "flag": True},
                       {"id": 2, "name": "b", "qty": None, "flag": False},
                       {"id": 3, "name": "c", "qty": 5, "flag": True}])
''', '''
op.drop_table("items")
'''),
    ("items through the 2.0 API", DECLARATIVE_20 + '''
session = Session(op.get_bind())
for item in session.scalars(select(Item).order_by(Item.id)):
    if item.flag:
        item.qty = (item.qty or 0) * 10
    else:
        item.name = item.name + "-off"
session.add(Item(name="d", qty=7))
session.commit()
d = session.execute(select(Item).filter_by(name="d")).scalar_one()
d.qty = d.id + d.qty
if d.note == "n/a" and d.flag is False:
    d.note = "default"
session.delete(session.get(Item, 2))
session.commit()
''', "pass"),
]


class OrmDeclarative20Test(unittest.TestCase):
    def test_rows_as_worked_out_by_hand(self):
        with e2e.TempDir() as root:
            project(root, REVISIONS_20)
            db = os.path.join(root, "out.db")
            r = e2e.run_miglint(["-C", root, "upgrade", "head", "--db", db])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            con = sqlite3.connect(db)
            rows = con.execute("SELECT id, name, qty, flag, made, note FROM items ORDER BY id").fetchall()
            con.close()
            self.assertEqual(rows, [
                (1, "a", 20, 1, None, "n/a"),        # flagged: qty * 10
                (3, "c", 50, 1, None, "n/a"),        # (2, "b-off") was deleted
                # inserted: flag and made from their Python defaults, note from the server
                # default, then qty = id + qty and note changed after reloading at commit
                (4, "d", 11, 0, "2024-01-01 00:00:00.000000", "default"),
            ])

    def test_what_the_orm_cannot_evaluate_is_unverifiable_with_its_place(self):
        # (body, what the detail names, text of the line it points at)
        cases = [
            ("for item in session.scalars(select(Item)):\n    n = len(item.parts)",
             "the relationship `item.parts` (miglint does not load relationships)", "item.parts"),
            ("for item in session.scalars(select(Item)):\n    item.tags = []",
             "assignment to the relationship `item.tags`", "item.tags"),
            ("session.merge(Item(id=1, name='x'))",
             "an ORM Session call `session.merge(Item(id=1, name='x'))`", "session.merge"),
            ("pairs = session.execute(select(Item, Item.id)).all()",
             "session.execute() of a select of a model beside other columns", "select(Item, Item.id)"),
            # load_only narrows the SELECT; reading a column it left out is a lazy load.
            ("for item in session.scalars(select(Item).options(sa.orm.load_only(Item.name))):\n    n = item.qty",
             "`item.qty`, a column that load_only()/defer() left unloaded", "item.qty"),
        ]
        for body, construct, token in cases:
            with self.subTest(construct), e2e.TempDir() as root:
                revisions = [REVISIONS_20[0],
                             ("opaque", DECLARATIVE_20 + "session = Session(op.get_bind())\n" + body, "pass")]
                ids = project(root, revisions)
                report = evaluator_parity.verify_json(root)
                entry = {r["revision"]: r for r in report["revisions"]}[ids[1]]
                self.assertEqual(entry["status"], "unverifiable", entry)
                self.assertIn(construct, entry["detail"])
                with open(os.path.join(root, "alembic", "versions", ids[1] + "_rev.py"), encoding="utf-8") as f:
                    lines = f.read().splitlines()
                self.assertIn(token, lines[entry["line"] - 1])


if __name__ == "__main__":
    unittest.main()
