"""Schema 6: data protection duties.

- ``incident.anonymised_at``: when its personal data was erased (retention or a request),
  with an index of the closed incidents not yet anonymised, which the retention run reads.
- ``history.old_digest`` / ``new_digest``: the SHA-256 of a value erased from a history row,
  so the hash chain still links without the erased text. The chain now covers every value
  by its digest; existing rows are chained again in id order.
- The append-only trigger lets a value be replaced once, only together with its digest,
  and nothing else in a row change.
"""

import peewee as pw

from app.models.history_chain import rechain

NO_UPDATE = """CREATE TRIGGER history_no_update BEFORE UPDATE ON history
    WHEN NOT (NEW.id = OLD.id AND NEW.incident_id = OLD.incident_id AND NEW.at = OLD.at
              AND NEW.user_id = OLD.user_id AND NEW.action = OLD.action
              AND NEW.field IS OLD.field AND NEW.hash = OLD.hash
              AND (OLD.old_digest IS NULL OR NEW.old_digest IS OLD.old_digest)
              AND (OLD.new_digest IS NULL OR NEW.new_digest IS OLD.new_digest)
              AND (NEW.old_value IS OLD.old_value
                   OR (OLD.old_digest IS NULL AND NEW.old_digest IS NOT NULL))
              AND (NEW.new_value IS OLD.new_value
                   OR (OLD.new_digest IS NULL AND NEW.new_digest IS NOT NULL)))
    BEGIN
        SELECT RAISE(ABORT, 'history is append-only: only an erasure may replace a value');
    END"""
# The same rule on PostgreSQL (its "IS" is spelt "IS NOT DISTINCT FROM"); history_refuse()
# is migration 0001's.
POSTGRES_NO_UPDATE = """CREATE TRIGGER history_no_update BEFORE UPDATE ON history FOR EACH ROW
    WHEN (NOT (NEW.id = OLD.id AND NEW.incident_id = OLD.incident_id AND NEW.at = OLD.at
               AND NEW.user_id = OLD.user_id AND NEW.action = OLD.action
               AND NEW.field IS NOT DISTINCT FROM OLD.field AND NEW.hash = OLD.hash
               AND (OLD.old_digest IS NULL
                    OR NEW.old_digest IS NOT DISTINCT FROM OLD.old_digest)
               AND (OLD.new_digest IS NULL
                    OR NEW.new_digest IS NOT DISTINCT FROM OLD.new_digest)
               AND (NEW.old_value IS NOT DISTINCT FROM OLD.old_value
                    OR (OLD.old_digest IS NULL AND NEW.old_digest IS NOT NULL))
               AND (NEW.new_value IS NOT DISTINCT FROM OLD.new_value
                    OR (OLD.new_digest IS NULL AND NEW.new_digest IS NOT NULL))))
    EXECUTE FUNCTION history_refuse(
        'history is append-only: only an erasure may replace a value')"""


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)
    datetime_type = "DATETIME" if sqlite else "TIMESTAMP"
    db.execute_sql(f"ALTER TABLE incident ADD COLUMN anonymised_at {datetime_type}")
    db.execute_sql("CREATE INDEX incident_retention ON incident (closed_at) "
                   "WHERE anonymised_at IS NULL")
    db.execute_sql("ALTER TABLE history ADD COLUMN old_digest VARCHAR(64)")
    db.execute_sql("ALTER TABLE history ADD COLUMN new_digest VARCHAR(64)")
    db.execute_sql("DROP TRIGGER history_no_update" + ("" if sqlite else " ON history"))
    last_id, last_hash = rechain(db)
    db.execute_sql(f"UPDATE history_chain SET last_id = {db.param}, last_hash = {db.param} "
                   "WHERE id = 1", (last_id, last_hash))
    db.execute_sql(NO_UPDATE if sqlite else POSTGRES_NO_UPDATE)
