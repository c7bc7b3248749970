"""Schema 16: the dashboard's repeat callers and repeat incidents read from a narrow table
in caller order, instead of working out each incident's caller key and sorting a year of
incidents by it (at a million incidents 2.4 s and 4 s, most of the dashboard's time).

``incident_caller`` holds one row per incident with a known caller: the caller's key (see
app.models.incident_log.CALLER_KEY), what the repeat figures group, filter and show, and
``previous``, when the caller's previous incident in the same category was received
(received order, then id; NULL for their first). On SQLite it is a table kept by triggers
on ``incident``, so that every way an incident is written (the form, imports, erasure,
demo data, plain SQL) keeps it exact; on PostgreSQL it is a view computing the same
columns.
"""

import peewee as pw

PHONE_DIGITS = "{0}caller_phone"
for _separator in " ()./-+":
    PHONE_DIGITS = f"replace({PHONE_DIGITS}, '{_separator}', '')"
NAME_KEY = "lower(trim({0}caller_name))"
CALLER_KEY = ("CASE WHEN {0}anonymised_at IS NOT NULL THEN NULL "
              f"WHEN {{0}}caller_phone != '' THEN 'phone:' || {PHONE_DIGITS} "
              f"WHEN {NAME_KEY} NOT IN ('', 'anonymous', '[erased]') THEN 'name:' || {NAME_KEY} "
              "END")

COPIED = ("category_id", "received_at", "owner_id", "logged_by_id", "caller_name",
          "caller_phone")
TABLE = """CREATE TABLE incident_caller (
    incident_id INTEGER PRIMARY KEY,
    caller_key TEXT NOT NULL,
    category_id INTEGER NOT NULL,
    received_at DATETIME NOT NULL,
    previous DATETIME,
    owner_id INTEGER,
    logged_by_id INTEGER NOT NULL,
    caller_name TEXT NOT NULL,
    caller_phone TEXT NOT NULL)"""
# The caller's incidents in received order (a neighbour found in one seek; the repeat
# callers grouped without sorting), and the period's repeats counted from a range.
INDEXES = (
    "CREATE INDEX incident_caller_order ON incident_caller (caller_key, category_id, "
    "received_at, incident_id, owner_id, logged_by_id, caller_name, caller_phone)",
    "CREATE INDEX incident_caller_received ON incident_caller (received_at, previous, "
    "owner_id, logged_by_id)",
)
FILL = f"""INSERT INTO incident_caller (incident_id, caller_key, {', '.join(COPIED)}, previous)
    SELECT id, caller_key, {', '.join(COPIED)},
           LAG(received_at) OVER (PARTITION BY caller_key, category_id
                                  ORDER BY received_at, id)
    FROM (SELECT id, {CALLER_KEY.format('')} AS caller_key, {', '.join(COPIED)}
          FROM incident) AS keyed
    WHERE caller_key IS NOT NULL"""

# The incident after ``{0}`` (OLD or NEW) among its caller's in its category.
_NEXT = """(SELECT n.incident_id FROM incident_caller AS n
     WHERE n.caller_key = {key} AND n.category_id = {0}.category_id
       AND (n.received_at, n.incident_id) > ({0}.received_at, {0}.id)
     ORDER BY n.received_at, n.incident_id LIMIT 1)"""
# An incident leaves: the next one's previous becomes its previous.
_REMOVE = f"""
    UPDATE incident_caller
       SET previous = (SELECT previous FROM incident_caller WHERE incident_id = OLD.id)
     WHERE incident_id = {_NEXT.format('OLD', key='(SELECT caller_key FROM incident_caller '
                                              'WHERE incident_id = OLD.id)')};
    DELETE FROM incident_caller WHERE incident_id = OLD.id;"""
# An incident arrives: its previous is the one before it, and it is the next one's previous.
_ADD = f"""
    INSERT INTO incident_caller (incident_id, caller_key, {', '.join(COPIED)}, previous)
    SELECT NEW.id, keyed.caller_key, {', '.join(f'NEW.{c}' for c in COPIED)},
           (SELECT p.received_at FROM incident_caller AS p
             WHERE p.caller_key = keyed.caller_key AND p.category_id = NEW.category_id
               AND (p.received_at, p.incident_id) < (NEW.received_at, NEW.id)
             ORDER BY p.received_at DESC, p.incident_id DESC LIMIT 1)
      FROM (SELECT {CALLER_KEY.format('NEW.')} AS caller_key) AS keyed
     WHERE keyed.caller_key IS NOT NULL;
    UPDATE incident_caller SET previous = NEW.received_at
     WHERE incident_id = {_NEXT.format('NEW', key='(SELECT caller_key FROM incident_caller '
                                              'WHERE incident_id = NEW.id)')};"""
WATCHED = ("caller_phone", "caller_name", "anonymised_at", *COPIED[:-2])
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in dict.fromkeys(WATCHED))
TRIGGERS = (
    f"CREATE TRIGGER incident_caller_insert AFTER INSERT ON incident BEGIN {_ADD} END",
    f"CREATE TRIGGER incident_caller_delete AFTER DELETE ON incident BEGIN {_REMOVE} END",
    f"""CREATE TRIGGER incident_caller_update
        AFTER UPDATE OF {', '.join(dict.fromkeys(WATCHED))} ON incident
        WHEN {_CHANGED} BEGIN {_REMOVE} {_ADD} END""",
)

POSTGRES_VIEW = f"""CREATE VIEW incident_caller AS
    SELECT id AS incident_id, caller_key, {', '.join(COPIED)},
           LAG(received_at) OVER (PARTITION BY caller_key, category_id
                                  ORDER BY received_at, id) AS previous
    FROM (SELECT id, {CALLER_KEY.format('')} AS caller_key, {', '.join(COPIED)}
          FROM incident) AS keyed
    WHERE caller_key IS NOT NULL"""


def up(migrator, db):
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql(POSTGRES_VIEW)
        return
    db.execute_sql(TABLE)
    db.execute_sql(FILL)
    for statement in (*INDEXES, *TRIGGERS):
        db.execute_sql(statement)
