"""Schema 11: the period's figures (the dashboard, the period report) read from one narrow
index instead of the incidents' rows. A year at a million incidents is a gigabyte or more of
rows (descriptions and all) but a tenth of that as this index: every column those figures
count, group or filter by, after ``received_at`` so that any period is one range of it."""

COLUMNS = ("received_at", "priority", "status", "category_id", "resolved_at",
           "response_met", "response_due", "resolution_met", "resolution_due", "problem_id",
           "owner_id", "logged_by_id", "anonymised_at", "caller_phone", "caller_name")


def up(migrator, db):
    db.execute_sql(f"CREATE INDEX incident_period ON incident ({', '.join(COLUMNS)})")
