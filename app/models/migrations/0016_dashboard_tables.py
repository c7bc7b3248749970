"""Schema 16: the dashboard's figures read from two narrow tables kept as incidents
change, instead of from a year of incidents (at a million incidents 15 s, 0.5 s wanted).

``incident_day`` holds, per UTC day of receipt, holder (owner, or who logged it when
nobody owns it: a team's incidents are its members'; 0 for everyone's, so that the whole
service's figures read a tenth of the rows), priority, category and problem, how
many incidents came in, how many are resolved and in how many seconds in all, and how many
met and missed their response and resolution targets. What depends on the moment of
asking (a target not yet met is breached once due) is not in it.

``escalation_day`` and ``satisfaction_day`` hold, per UTC day and holder of the incidents
they are about, the escalations made (per target, and all: target ``''``) with how many
incidents they concern, and the callers' scores.

``incident_resolved`` holds each resolved incident's seconds to resolve, in order (per
priority and overall), so that a long period's medians are read from the middle of an
index rather than sorted out of every incident.

``incident_caller`` holds one row per incident with a known caller: the caller's key (see
app.models.incident_log.CALLER_KEY), what the repeat figures group, filter and show, and
``previous``, when the caller's previous incident in the same category was received
(received order, then id; NULL for their first), with ``gap``, the days between.

Both are kept by triggers on SQLite, so that every way an incident is written keeps them
exact, and are views on PostgreSQL.
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

COPIED = ("category_id", "received_at", "caller_name", "caller_phone")
TABLE = """CREATE TABLE incident_caller (
    incident_id INTEGER PRIMARY KEY,
    caller_key TEXT NOT NULL,
    category_id INTEGER NOT NULL,
    received_at DATETIME NOT NULL,
    caller_name TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    previous DATETIME,
    gap REAL)"""
# gap: days from previous to received_at, as julianday() counts them
COLUMNS = f"incident_id, caller_key, {', '.join(COPIED)}, holder_id, previous, gap"
_GAP = "julianday({0}) - julianday({1})"
# The caller's incidents in received order (a neighbour found in one seek; the repeat
# callers counted without sorting), and the period's repeats counted from a range.
INDEXES = (
    "CREATE INDEX incident_caller_order ON incident_caller (caller_key, category_id, "
    "received_at, incident_id, holder_id)",
    "CREATE INDEX incident_caller_received ON incident_caller (received_at, gap, holder_id)",
)
FILL = f"""INSERT INTO incident_caller ({COLUMNS})
    SELECT *, {_GAP.format('received_at', 'previous')} FROM (
        SELECT id, caller_key, {', '.join(COPIED)}, holder_id,
               LAG(received_at) OVER (PARTITION BY caller_key, category_id
                                      ORDER BY received_at, id) AS previous
        FROM (SELECT id, {CALLER_KEY.format('')} AS caller_key, {', '.join(COPIED)},
                     COALESCE(owner_id, logged_by_id) AS holder_id
              FROM incident) AS keyed
        WHERE caller_key IS NOT NULL) AS ranked"""

# The incident after ``{0}`` (OLD or NEW) among its caller's in its category.
_NEXT = """(SELECT n.incident_id FROM incident_caller AS n
     WHERE n.caller_key = {key} AND n.category_id = {0}.category_id
       AND (n.received_at, n.incident_id) > ({0}.received_at, {0}.id)
     ORDER BY n.received_at, n.incident_id LIMIT 1)"""
_OLD_PREVIOUS = "(SELECT previous FROM incident_caller WHERE incident_id = OLD.id)"
# An incident leaves: the next one's previous becomes its previous.
_REMOVE = f"""
    UPDATE incident_caller
       SET previous = {_OLD_PREVIOUS}, gap = {_GAP.format('received_at', _OLD_PREVIOUS)}
     WHERE incident_id = {_NEXT.format('OLD', key='(SELECT caller_key FROM incident_caller '
                                              'WHERE incident_id = OLD.id)')};
    DELETE FROM incident_caller WHERE incident_id = OLD.id;"""
# An incident arrives: its previous is the one before it, and it is the next one's previous.
_ADD = f"""
    INSERT INTO incident_caller ({COLUMNS})
    SELECT NEW.id, caller_key, {', '.join(f'NEW.{c}' for c in COPIED)},
           COALESCE(NEW.owner_id, NEW.logged_by_id), previous,
           {_GAP.format('NEW.received_at', 'previous')}
      FROM (SELECT keyed.caller_key,
                   (SELECT p.received_at FROM incident_caller AS p
                     WHERE p.caller_key = keyed.caller_key AND p.category_id = NEW.category_id
                       AND (p.received_at, p.incident_id) < (NEW.received_at, NEW.id)
                     ORDER BY p.received_at DESC, p.incident_id DESC LIMIT 1) AS previous
              FROM (SELECT {CALLER_KEY.format('NEW.')} AS caller_key) AS keyed
             WHERE keyed.caller_key IS NOT NULL) AS found;
    UPDATE incident_caller
       SET previous = NEW.received_at, gap = {_GAP.format('received_at', 'NEW.received_at')}
     WHERE incident_id = {_NEXT.format('NEW', key='(SELECT caller_key FROM incident_caller '
                                              'WHERE incident_id = NEW.id)')};"""
WATCHED = ("caller_phone", "caller_name", "anonymised_at", "category_id", "received_at",
           "owner_id", "logged_by_id")
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
TRIGGERS = (
    f"CREATE TRIGGER incident_caller_insert AFTER INSERT ON incident BEGIN {_ADD} END",
    f"CREATE TRIGGER incident_caller_delete AFTER DELETE ON incident BEGIN {_REMOVE} END",
    f"""CREATE TRIGGER incident_caller_update
        AFTER UPDATE OF {', '.join(WATCHED)} ON incident
        WHEN {_CHANGED} BEGIN {_REMOVE} {_ADD} END""",
)

# --- incident_day -----------------------------------------------------------------------
DAY_KEY = ("day", "holder_id", "priority", "category_id", "problem_id")
DAY_SUMS = ("incidents", "resolved", "seconds", "response_met", "response_missed",
            "resolution_met", "resolution_missed")
DAY_TABLE = """CREATE TABLE incident_day (
    day TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    problem_id INTEGER NOT NULL,
    incidents INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    seconds REAL NOT NULL,
    response_met INTEGER NOT NULL,
    response_missed INTEGER NOT NULL,
    resolution_met INTEGER NOT NULL,
    resolution_missed INTEGER NOT NULL,
    PRIMARY KEY (holder_id, day, priority, category_id, problem_id)) WITHOUT ROWID"""


def _day_values(row: str, sign: str, holder: str) -> str:
    """An incident's key and sums (``sign`` ``+`` or ``-``), from ``row`` (NEW or OLD)."""
    return (f"substr({row}.received_at, 1, 10), {holder}, "
            f"{row}.priority, {row}.category_id, COALESCE({row}.problem_id, 0), "
            f"{sign}1, {sign}({row}.resolved_at IS NOT NULL), "
            f"{sign}COALESCE((julianday({row}.resolved_at) - julianday({row}.received_at)) "
            f"* 86400, 0), "
            f"{sign}({row}.response_met IS 1), {sign}({row}.response_met IS 0), "
            f"{sign}({row}.resolution_met IS 1), {sign}({row}.resolution_met IS 0)")


def _day_upsert(row: str, sign: str) -> str:
    """Counted for its holder, and for everyone (holder 0)."""
    return " ".join(
        f"INSERT INTO incident_day ({', '.join(DAY_KEY + DAY_SUMS)}) "
        f"VALUES ({_day_values(row, sign, holder)}) "
        f"ON CONFLICT ({', '.join(DAY_KEY)}) DO UPDATE SET "
        + ", ".join(f"{c} = {c} + excluded.{c}" for c in DAY_SUMS) + ";"
        for holder in (f"COALESCE({row}.owner_id, {row}.logged_by_id)", "0"))


_DAY_SUMS_SQL = """COUNT(*), COUNT(resolved_at),
           COALESCE(SUM((julianday(resolved_at) - julianday(received_at)) * 86400), 0),
           SUM(response_met IS 1), SUM(response_met IS 0), SUM(resolution_met IS 1),
           SUM(resolution_met IS 0)"""
DAY_FILL = f"""INSERT INTO incident_day ({', '.join(DAY_KEY + DAY_SUMS)})
    SELECT substr(received_at, 1, 10), COALESCE(owner_id, logged_by_id), priority,
           category_id, COALESCE(problem_id, 0), {_DAY_SUMS_SQL}
    FROM incident GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT substr(received_at, 1, 10), 0, priority, category_id, COALESCE(problem_id, 0),
           {_DAY_SUMS_SQL}
    FROM incident GROUP BY 1, 3, 4, 5"""
# --- incident_resolved (kept by the same triggers) ------------------------------------------
SECONDS = "(julianday({0}resolved_at) - julianday({0}received_at)) * 86400"
RESOLVED_TABLE = """CREATE TABLE incident_resolved (
    incident_id INTEGER PRIMARY KEY,
    priority INTEGER NOT NULL,
    seconds REAL NOT NULL,
    received_at DATETIME NOT NULL,
    holder_id INTEGER NOT NULL)"""
RESOLVED_FILL = f"""INSERT INTO incident_resolved
    SELECT id, priority, {SECONDS.format('')}, received_at, COALESCE(owner_id, logged_by_id)
    FROM incident WHERE resolved_at IS NOT NULL"""
RESOLVED_INDEXES = (
    "CREATE INDEX incident_resolved_priority ON incident_resolved (priority, seconds, "
    "received_at, holder_id)",
    "CREATE INDEX incident_resolved_seconds ON incident_resolved (seconds, received_at, "
    "holder_id)",
)
_RESOLVE = (f"INSERT INTO incident_resolved SELECT NEW.id, NEW.priority, "
            f"{SECONDS.format('NEW.')}, NEW.received_at, "
            "COALESCE(NEW.owner_id, NEW.logged_by_id) WHERE NEW.resolved_at IS NOT NULL;")
_UNRESOLVE = "DELETE FROM incident_resolved WHERE incident_id = OLD.id;"
POSTGRES_RESOLVED_VIEW = """CREATE VIEW incident_resolved AS
    SELECT id AS incident_id, priority, date_part('epoch', resolved_at - received_at) AS seconds,
           received_at, COALESCE(owner_id, logged_by_id) AS holder_id
    FROM incident WHERE resolved_at IS NOT NULL"""

# --- escalation_day and satisfaction_day -------------------------------------------------
ESCALATION_DAY_TABLE = """CREATE TABLE escalation_day (
    day TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    target_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    escalations INTEGER NOT NULL,
    incidents INTEGER NOT NULL,
    PRIMARY KEY (day, holder_id, target_code, kind)) WITHOUT ROWID"""
SATISFACTION_DAY_TABLE = """CREATE TABLE satisfaction_day (
    day TEXT NOT NULL,
    holder_id INTEGER NOT NULL,
    score INTEGER NOT NULL,
    responses INTEGER NOT NULL,
    PRIMARY KEY (day, holder_id, score)) WITHOUT ROWID"""
_GROUP = "substr({0}.received_at, 1, 10), COALESCE({0}.owner_id, {0}.logged_by_id)"
# Each incident's time of receipt and holder, for the triggers on escalation and
# satisfaction (a trigger elsewhere naming ``incident`` would stop a migration from
# rebuilding that table: peewee drops it before renaming the rebuilt one into its place),
# and for finding the latest escalation of a period's incidents to a target without
# reading the incidents' rows.
GROUP_TABLE = """CREATE TABLE incident_group (
    incident_id INTEGER PRIMARY KEY,
    received_at DATETIME NOT NULL,
    holder_id INTEGER NOT NULL)"""
GROUP_FILL = ("INSERT INTO incident_group SELECT id, received_at, "
              "COALESCE(owner_id, logged_by_id) FROM incident")
_GROUP_ADD = ("INSERT INTO incident_group VALUES (NEW.id, NEW.received_at, "
              "COALESCE(NEW.owner_id, NEW.logged_by_id));")
_GROUP_REMOVE = "DELETE FROM incident_group WHERE incident_id = OLD.id;"
_GROUP_CHANGE = ("UPDATE incident_group SET received_at = NEW.received_at, "
                 "holder_id = COALESCE(NEW.owner_id, NEW.logged_by_id) "
                 "WHERE incident_id = NEW.id;")
POSTGRES_GROUP_VIEW = """CREATE VIEW incident_group AS
    SELECT id AS incident_id, received_at, COALESCE(owner_id, logged_by_id) AS holder_id
    FROM incident"""
_ESCALATION_SUMS = ("ON CONFLICT (day, holder_id, target_code, kind) DO UPDATE SET "
                    "escalations = escalations + excluded.escalations, "
                    "incidents = incidents + excluded.incidents;")
_SATISFACTION_SUMS = ("ON CONFLICT (day, holder_id, score) DO UPDATE SET "
                      "responses = responses + excluded.responses;")
ESCALATION_DAY_FILL = f"""INSERT INTO escalation_day
    SELECT {_GROUP.format('i')}, e.target_code, e.kind, COUNT(*), COUNT(DISTINCT e.incident_id)
    FROM escalation AS e JOIN incident AS i ON i.id = e.incident_id GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT {_GROUP.format('i')}, '', '', COUNT(*), COUNT(DISTINCT e.incident_id)
    FROM escalation AS e JOIN incident AS i ON i.id = e.incident_id GROUP BY 1, 2"""
SATISFACTION_DAY_FILL = f"""INSERT INTO satisfaction_day
    SELECT {_GROUP.format('i')}, s.score, COUNT(*)
    FROM satisfaction AS s JOIN incident AS i ON i.id = s.incident_id GROUP BY 1, 2, 3"""


_G_DAY = "substr(g.received_at, 1, 10)"


def _escalation_change(row: str, sign: str) -> str:
    """An escalation (``row``: NEW or OLD) made (``sign`` ``+``) or taken back (``-``):
    its incident counts once per target, and once in all, however often escalated. (The
    unary pluses keep SQLite on the incident's few escalations: it would otherwise take
    escalation_by_target and read every escalation to the target, each time.)"""
    others = (f"SELECT 1 FROM escalation WHERE incident_id = {row}.incident_id "
              f"AND id != {row}.id")
    return (
        f"INSERT INTO escalation_day SELECT {_G_DAY}, g.holder_id, {row}.target_code, "
        f"{row}.kind, {sign}1, {sign}(NOT EXISTS ({others} AND +target_code = "
        f"{row}.target_code AND +kind = {row}.kind)) FROM incident_group AS g "
        f"WHERE g.incident_id = {row}.incident_id {_ESCALATION_SUMS} "
        f"INSERT INTO escalation_day SELECT {_G_DAY}, g.holder_id, '', '', {sign}1, "
        f"{sign}(NOT EXISTS ({others})) FROM incident_group AS g "
        f"WHERE g.incident_id = {row}.incident_id {_ESCALATION_SUMS}")


def _satisfaction_change(row: str, sign: str) -> str:
    return (f"INSERT INTO satisfaction_day SELECT {_G_DAY}, g.holder_id, {row}.score, {sign}1 "
            f"FROM incident_group AS g WHERE g.incident_id = {row}.incident_id "
            f"{_SATISFACTION_SUMS}")


def _incident_moves(row: str, sign: str) -> str:
    """An incident's escalations and score counted on (``+``) or off (``-``) its day and
    holder (``row``: NEW or OLD), when either changes."""
    return (
        f"INSERT INTO escalation_day SELECT {_GROUP.format(row)}, target_code, kind, "
        f"{sign}COUNT(*), {sign}1 FROM escalation WHERE incident_id = {row}.id "
        f"GROUP BY target_code, kind {_ESCALATION_SUMS} "
        f"INSERT INTO escalation_day SELECT {_GROUP.format(row)}, '', '', {sign}COUNT(*), "
        f"{sign}1 FROM escalation WHERE incident_id = {row}.id HAVING COUNT(*) > 0 "
        f"{_ESCALATION_SUMS} "
        f"INSERT INTO satisfaction_day SELECT {_GROUP.format(row)}, score, {sign}1 "
        f"FROM satisfaction WHERE incident_id = {row}.id {_SATISFACTION_SUMS}")


ESCALATION_TRIGGERS = (
    f"CREATE TRIGGER escalation_day_insert AFTER INSERT ON escalation BEGIN "
    f"{_escalation_change('NEW', '')} END",
    f"CREATE TRIGGER escalation_day_delete AFTER DELETE ON escalation BEGIN "
    f"{_escalation_change('OLD', '-')} END",
    "CREATE TRIGGER escalation_day_update AFTER UPDATE OF incident_id, target_code, kind "
    "ON escalation WHEN OLD.incident_id IS NOT NEW.incident_id OR OLD.target_code IS NOT "
    "NEW.target_code OR OLD.kind IS NOT NEW.kind BEGIN "
    f"{_escalation_change('OLD', '-')} {_escalation_change('NEW', '')} END",
    f"CREATE TRIGGER satisfaction_day_insert AFTER INSERT ON satisfaction BEGIN "
    f"{_satisfaction_change('NEW', '')} END",
    f"CREATE TRIGGER satisfaction_day_delete AFTER DELETE ON satisfaction BEGIN "
    f"{_satisfaction_change('OLD', '-')} END",
    "CREATE TRIGGER satisfaction_day_update AFTER UPDATE OF incident_id, score ON "
    "satisfaction WHEN OLD.incident_id IS NOT NEW.incident_id OR OLD.score IS NOT NEW.score "
    f"BEGIN {_satisfaction_change('OLD', '-')} {_satisfaction_change('NEW', '')} END",
)
# The latest escalation to a target, read backwards (its name as then recorded).
ESCALATION_TARGET_INDEX = "CREATE INDEX escalation_by_target ON escalation (target_code, kind)"
_POSTGRES_GROUP = ("to_char(i.received_at, 'YYYY-MM-DD') AS day, "
                   "COALESCE(i.owner_id, i.logged_by_id) AS holder_id")
POSTGRES_ESCALATION_DAY_VIEW = f"""CREATE VIEW escalation_day AS
    SELECT {_POSTGRES_GROUP}, e.target_code, e.kind, COUNT(*)::integer AS escalations,
           COUNT(DISTINCT e.incident_id)::integer AS incidents
    FROM escalation AS e JOIN incident AS i ON i.id = e.incident_id GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT {_POSTGRES_GROUP}, '', '', COUNT(*)::integer, COUNT(DISTINCT e.incident_id)::integer
    FROM escalation AS e JOIN incident AS i ON i.id = e.incident_id GROUP BY 1, 2"""
POSTGRES_SATISFACTION_DAY_VIEW = f"""CREATE VIEW satisfaction_day AS
    SELECT {_POSTGRES_GROUP}, s.score, COUNT(*)::integer AS responses
    FROM satisfaction AS s JOIN incident AS i ON i.id = s.incident_id GROUP BY 1, 2, 3"""

DAY_WATCHED = ("received_at", "owner_id", "logged_by_id", "priority", "category_id",
               "problem_id", "resolved_at", "response_met", "resolution_met")
DAY_TRIGGERS = (
    f"CREATE TRIGGER incident_day_insert AFTER INSERT ON incident BEGIN "
    f"{_day_upsert('NEW', '')} {_RESOLVE} {_GROUP_ADD} END",
    f"CREATE TRIGGER incident_day_delete AFTER DELETE ON incident BEGIN "
    f"{_day_upsert('OLD', '-')} {_UNRESOLVE} {_GROUP_REMOVE} END",
    f"CREATE TRIGGER incident_day_update AFTER UPDATE OF {', '.join(DAY_WATCHED)} "
    f"ON incident WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in DAY_WATCHED)} "
    f"BEGIN {_day_upsert('OLD', '-')} {_day_upsert('NEW', '')} "
    f"{_UNRESOLVE} {_RESOLVE} {_incident_moves('OLD', '-')} {_incident_moves('NEW', '')} "
    f"{_GROUP_CHANGE} END",
)
# The undecided targets, judged when asked: few incidents, found through these.
OPEN_INDEXES = (
    "CREATE INDEX incident_response_undecided ON incident (received_at, priority, "
    "response_due, owner_id, logged_by_id) WHERE response_met IS NULL",
    "CREATE INDEX incident_resolution_undecided ON incident (received_at, priority, "
    "resolution_due, owner_id, logged_by_id) WHERE resolution_met IS NULL "
    "AND resolved_at IS NULL",
)

_POSTGRES_DAY_SUMS = """COUNT(*)::integer AS incidents,
           COUNT(resolved_at)::integer AS resolved,
           COALESCE(SUM(date_part('epoch', resolved_at - received_at)), 0) AS seconds,
           (COUNT(*) FILTER (WHERE response_met))::integer AS response_met,
           (COUNT(*) FILTER (WHERE NOT response_met))::integer AS response_missed,
           (COUNT(*) FILTER (WHERE resolution_met))::integer AS resolution_met,
           (COUNT(*) FILTER (WHERE NOT resolution_met))::integer AS resolution_missed"""
POSTGRES_DAY_VIEW = f"""CREATE VIEW incident_day AS
    SELECT to_char(received_at, 'YYYY-MM-DD') AS day,
           COALESCE(owner_id, logged_by_id) AS holder_id, priority, category_id,
           COALESCE(problem_id, 0) AS problem_id, {_POSTGRES_DAY_SUMS}
    FROM incident GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT to_char(received_at, 'YYYY-MM-DD'), 0, priority, category_id,
           COALESCE(problem_id, 0), {_POSTGRES_DAY_SUMS}
    FROM incident GROUP BY 1, 3, 4, 5"""
# (integer counts: PostgreSQL sums a bigint as a numeric, which Python reads as a Decimal)

POSTGRES_VIEW = f"""CREATE VIEW incident_caller AS
    SELECT *, date_part('epoch', received_at - previous) / 86400 AS gap FROM (
        SELECT id AS incident_id, caller_key, {', '.join(COPIED)}, holder_id,
               LAG(received_at) OVER (PARTITION BY caller_key, category_id
                                      ORDER BY received_at, id) AS previous
        FROM (SELECT id, {CALLER_KEY.format('')} AS caller_key, {', '.join(COPIED)},
                     COALESCE(owner_id, logged_by_id) AS holder_id
              FROM incident) AS keyed
        WHERE caller_key IS NOT NULL) AS ranked"""


def up(migrator, db):
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql(POSTGRES_VIEW)
        db.execute_sql(POSTGRES_DAY_VIEW)
        db.execute_sql(POSTGRES_RESOLVED_VIEW)
        db.execute_sql(POSTGRES_ESCALATION_DAY_VIEW)
        db.execute_sql(POSTGRES_SATISFACTION_DAY_VIEW)
        db.execute_sql(POSTGRES_GROUP_VIEW)
        db.execute_sql(ESCALATION_TARGET_INDEX)
        for statement in OPEN_INDEXES:
            db.execute_sql(statement)
        return
    for statement in (TABLE, FILL, *INDEXES, *TRIGGERS, DAY_TABLE, DAY_FILL, RESOLVED_TABLE,
                      RESOLVED_FILL, *RESOLVED_INDEXES, GROUP_TABLE, GROUP_FILL, *DAY_TRIGGERS,
                      *OPEN_INDEXES, ESCALATION_DAY_TABLE, SATISFACTION_DAY_TABLE,
                      ESCALATION_DAY_FILL, SATISFACTION_DAY_FILL, *ESCALATION_TRIGGERS,
                      ESCALATION_TARGET_INDEX):
        db.execute_sql(statement)
