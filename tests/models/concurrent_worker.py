"""A workstation for the PostgreSQL concurrency test, run in a process of its own.

:func:`work` opens the database itself (as the application does), waits for the other
workstations, then for a bounded time logs new incidents and edits incidents every
workstation edits, each edit against the version it read (with a pause between the read
and the save, as a person's would be, so that others save in between). It reports what it
did: the references it got, each save that landed and each one refused as stale.
"""

from __future__ import annotations

import random
import time
import traceback
from dataclasses import dataclass, field, replace

# The fields the workstations edit; free text, so any value is valid.
FIELDS = ("location", "summary", "description")
LOG_SHARE = 0.25  # of the actions, new incidents; the rest are edits


@dataclass
class Report:
    """What one workstation did."""

    worker: int
    user_id: int
    created: list[tuple[int, str]] = field(default_factory=list)  # (incident id, reference)
    # (incident id, field, value, version read, version it became)
    saved: list[tuple[int, str, str, int, int]] = field(default_factory=list)
    refused: list[tuple[int, str, str, int]] = field(default_factory=list)  # version read
    imported: int = 0  # incidents of the file it imported, if it was given one
    error: str = ""


def work(url: str, worker: int, user_id: int, shared: list[int], base_draft, seconds: float,
         start, results, import_path: str | None = None) -> None:
    """Log and edit for ``seconds`` after every workstation is ready (``start``, a barrier),
    first importing the CSV file ``import_path`` if given; put a :class:`Report` on
    ``results``."""
    report = Report(worker, user_id)
    try:
        from app.models.db import close_database, open_database
        from app.models.entities import User
        from app.models.incidents import (
            StaleIncidentError,
            create_incident,
            draft_from_incident,
            get_incident,
            update_incident,
        )

        open_database(url)
        me = User.get_by_id(user_id)
        rng = random.Random(worker)
        start.wait(timeout=60)
        deadline = time.monotonic() + seconds
        if import_path:
            from app.models.incident_transfer import check_rows, import_incidents, read_table

            plan = check_rows(read_table(import_path))
            if plan.problems:
                raise AssertionError(f"the file has problems: {plan.problems[:3]}")
            report.imported = import_incidents(plan, me, "concurrent.csv").count
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if rng.random() < LOG_SHARE:
                draft = replace(base_draft, summary=f"Logged by workstation {worker}, #{n}")
                incident = create_incident(draft, me)
                report.created.append((incident.id, incident.reference))
                continue
            incident_id, name = rng.choice(shared), rng.choice(FIELDS)
            value = f"workstation {worker}, edit {n}"
            stored = get_incident(incident_id)
            draft = replace(draft_from_incident(stored), **{name: value})
            time.sleep(rng.random() * 0.004)  # the person typing
            try:
                update_incident(incident_id, draft, me, stored.version)
            except StaleIncidentError:
                report.refused.append((incident_id, name, value, stored.version))
            else:
                report.saved.append((incident_id, name, value, stored.version,
                                     stored.version + 1))
        close_database()
    except BaseException:  # reported to the test rather than lost in the process
        report.error = traceback.format_exc()
    results.put(report)
