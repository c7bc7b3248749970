"""Schema 5: tamper-evident history. Each history row carries a SHA-256 hash over its own
content and the previous row's hash; ``history_chain`` holds the last row's id and hash.
Existing rows are chained in id order."""

import peewee as pw

from app.models.history_chain import GENESIS, row_hash

SQLITE_TRIGGERS = [
    """CREATE TRIGGER history_no_update BEFORE UPDATE ON history BEGIN
        SELECT RAISE(ABORT, 'history is append-only: rows cannot be changed');
    END""",
]
BATCH = 20_000


def up(migrator, db):
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class HistoryChain(Base):
        id = pw.IntegerField(primary_key=True)
        last_id = pw.IntegerField()
        last_hash = pw.CharField(max_length=64)

    db.create_tables([HistoryChain])
    db.execute_sql("ALTER TABLE history ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT ''")
    sqlite = isinstance(db, pw.SqliteDatabase)
    if sqlite:  # the rows are append-only; filling the new column is the one exception
        db.execute_sql("DROP TRIGGER history_no_update")
    last_id, last_hash = 0, GENESIS
    while True:
        rows = db.execute_sql(
            "SELECT id, incident_id, at, user_id, action, field, old_value, new_value "
            f"FROM history WHERE id > {int(last_id)} ORDER BY id LIMIT {BATCH}").fetchall()
        if not rows:
            break
        updates = []
        for row in rows:
            last_hash = row_hash(last_hash, *row)
            last_id = row[0]
            updates.append((last_hash, last_id))
        db.cursor().executemany(
            f"UPDATE history SET hash = {db.param} WHERE id = {db.param}", updates)
    HistoryChain.create(id=1, last_id=last_id, last_hash=last_hash)
    if sqlite:
        for sql in SQLITE_TRIGGERS:
            db.execute_sql(sql)
