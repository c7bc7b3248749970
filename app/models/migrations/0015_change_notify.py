"""Schema 15: live refresh on PostgreSQL. Each statement that changes what the log or the
detail pane shows sends ``NOTIFY incident_desk_changes`` with the table's name, at commit,
to the workstations listening (app.models.change_watch.PostgresChangeWatch).

Statement-level triggers: an import of a thousand incidents sends one notification per
table, not one per row (PostgreSQL also folds identical ones of a transaction into one).
SQLite needs nothing: other processes' commits are seen through ``PRAGMA data_version``.
"""

import peewee as pw

CHANNEL = "incident_desk_changes"

# What the log, its filters and the detail pane read.
WATCHED = ("incident", "history", "sla_pause", "escalation", "communication", "handover",
           "handover_item", "support_record", "problem", "problem_event", "incident_review",
           "improvement_action", "satisfaction", "user", "team", "category")


def up(migrator, db):
    if isinstance(db, pw.SqliteDatabase):
        return
    db.execute_sql(f"""CREATE FUNCTION incident_desk_notify() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END $$""")
    for table in WATCHED:
        db.execute_sql(
            f'CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION incident_desk_notify()")
