"""Sample rows for a differential test: tops every ordinary table of an SQLite file up to N
rows, deterministically, so that two databases with the same schema and rows get the same
rows (the test seeds Alembic's database and miglint's alike, then compares them).

Values follow the way `verify --rows N` fills tables: by declared type (INT/NUMERIC ->
the row number, REAL -> n.5, BLOB -> X'..', DATE/TIME -> a date or time, JSON -> an object,
anything else -> 'column n' cut to VARCHAR(n)), every column filled except an INTEGER PRIMARY
KEY, foreign keys pointing at rows of the parent (parents seeded first), a value that hits
a unique constraint tried again with another number, and a table that refuses a row left
with none of them.
"""

import sqlite3

PARENT_ROWS = 16
ATTEMPTS = 4


def _q(name):
    return '"%s"' % name.replace('"', '""')


def _value(column, decl, seq):
    t = " ".join(decl.upper().split())
    if not t or "INT" in t or "NUMERIC" in t or "DECIMAL" in t:
        return seq
    if "BOOL" in t:
        return seq % 2
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return seq + 0.5
    if "BLOB" in t:
        return bytes([seq // 256 % 256, seq % 256])
    if "JSON" in t:
        return '{"seed": %d}' % seq
    if "DATE" in t or "TIME" in t:
        day, month, year = (seq - 1) % 28 + 1, (seq - 1) // 28 % 12 + 1, 2000 + (seq - 1) // 336
        if "DATETIME" in t or "TIMESTAMP" in t:
            return "%d-%02d-%02d 12:00:00" % (year, month, day)
        if "DATE" in t:
            return "%d-%02d-%02d" % (year, month, day)
        return "12:%02d:%02d" % ((seq - 1) // 60 % 60, (seq - 1) % 60)
    text = "%s %d" % (column, seq)
    if "(" in t:
        digits = "".join(c for c in t.split("(", 1)[1].split(",")[0] if c.isdigit())
        if digits and len(text) > int(digits):
            text = str(seq)[:int(digits)]
    return text


def _tables(con):
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
    fks = {n: con.execute("PRAGMA foreign_key_list(%s)" % _q(n)).fetchall() for n in names}
    ordered, seen = [], set()

    def visit(name):
        if name in seen or name not in fks:
            return
        seen.add(name)
        for fk in fks[name]:
            visit(fk[2])
        ordered.append(name)
    for n in names:
        visit(n)
    return ordered, fks


def _parent_rows(con, fk_rows):
    """{fk id: (child columns, rows of parent values)} for each foreign key."""
    out = {}
    for fk_id in sorted({r[0] for r in fk_rows}):
        parts = sorted((r for r in fk_rows if r[0] == fk_id), key=lambda r: r[1])
        parent = parts[0][2]
        cols = [r[3] for r in parts]
        refs = [r[4] for r in parts]
        if any(r is None for r in refs):
            pk = sorted((c[5], c[1]) for c in con.execute("PRAGMA table_info(%s)" % _q(parent)) if c[5])
            refs = [name for _, name in pk]
        if len(refs) != len(cols):
            continue
        try:
            # Ordered: the two databases may keep equal rows in another physical order.
            listed = ", ".join(_q(c) for c in refs)
            rows = con.execute("SELECT %s FROM %s ORDER BY %s LIMIT %d" % (
                listed, _q(parent), listed, PARENT_ROWS)).fetchall()
        except sqlite3.Error:
            rows = []
        out[fk_id] = (cols, rows)
    return out


def _seed_table(con, table, fk_rows, count, first):
    have = con.execute("SELECT count(*) FROM %s" % _q(table)).fetchone()[0]
    if have >= count:
        return
    info = con.execute("PRAGMA table_xinfo(%s)" % _q(table)).fetchall()
    pk = [c for c in info if c[5]]
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0] or ""
    rowid_alias = (len(pk) == 1 and pk[0][2].upper() == "INTEGER"
                   and "WITHOUT ROWID" not in sql.upper())
    # Like verify, SQLite numbers an INTEGER PRIMARY KEY; numbered away from 1, the
    # sample rows also keep clear of the history's own ids there.
    numbered = rowid_alias and first == 1
    columns = [c for c in info if c[6] == 0 and not (numbered and c[5])]
    if not columns:
        if numbered:  # only an INTEGER PRIMARY KEY: SQLite numbers the rows
            for _ in range(count - have):
                con.execute("INSERT INTO %s DEFAULT VALUES" % _q(table))
        return
    parents = _parent_rows(con, fk_rows)
    con.execute("SAVEPOINT sample_rows")
    try:
        for i in range(count - have):
            for attempt in range(ATTEMPTS):
                seq = first + have + i + attempt * 1000
                values = {c[1]: _value(c[1], c[2], seq) for c in columns}
                for cols, rows in parents.values():
                    for k, col in enumerate(cols):
                        values[col] = rows[(seq - 1) % len(rows)][k] if rows else None
                try:
                    con.execute("INSERT INTO %s (%s) VALUES (%s)" % (
                        _q(table), ", ".join(_q(c[1]) for c in columns),
                        ", ".join("?" for _ in columns)), [values[c[1]] for c in columns])
                    break
                except sqlite3.IntegrityError as e:
                    if "UNIQUE" not in str(e) or attempt == ATTEMPTS - 1:
                        raise
    except sqlite3.Error:
        con.execute("ROLLBACK TO sample_rows")
    con.execute("RELEASE sample_rows")


def seed(path, count=3, first=1):
    """Tops up every ordinary table of the SQLite file at `path` to `count` rows; the values
    are numbered from `first` (verify numbers from 1)."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        tables, fks = _tables(con)
        for table in tables:
            _seed_table(con, table, fks[table], count, first)
    finally:
        con.close()
