"""Schema 4: an index on (owner, status), so "my open incidents" (the SLA banner, checked
twice a minute) reads only those, not every incident the owner ever had."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("incident", ("owner_id", "status"), False))
