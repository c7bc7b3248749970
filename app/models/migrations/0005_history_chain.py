"""Schema 5: tamper-evident history. Each history row carries a SHA-256 hash over its own
content and the previous row's hash; ``history_chain`` holds the last row's id and hash.

The existing rows are chained by migration 0006, which changed what the hash covers and
chains every row again: hashing them here as well would only double an upgrade's time.
"""

import peewee as pw

GENESIS = "0" * 64


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
    HistoryChain.create(id=1, last_id=0, last_hash=GENESIS)
