"""A writer for the crash-safety test: logs incidents in a loop until it is killed.

Run as ``python tests/models/crash_writer.py DB_PATH SETUP_JSON``, where the JSON holds the
test's base draft (``tests.conftest.make_draft()``), the logging user's id and the time to
log at. It imports what it needs, waits for ``go`` on stdin, then opens the database as the
application does and logs incident after incident, numbering them on from the incidents
already in the file. Only after ``create_incident`` has returned (the commit is
acknowledged) does it write one JSON line to stdout naming the reference and the values it
used, and flush. The test kills it with SIGKILL at random moments and checks what survived.

``incident_values`` is shared with the test, which recomputes from an incident's number the
values any incident in the file must have, acknowledged or not.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A safety net if the test dies without killing the writer: stop on its own.
MAX_SECONDS = 60.0

_WORDS = ("caller", "reports", "the", "billing", "system", "fails", "to", "load", "since",
          "nine", "o'clock", "for", "everyone", "on", "floor", "three", "and", "remote")


def description_for(n: int) -> str:
    """A description of 0 to about 7,000 characters, on several lines, unique to ``n``, so
    that incidents span database pages and overflow pages."""
    length = (n * 7919) % 7000
    lines, size, i = [], 0, 0
    while size < length:
        words = " ".join(_WORDS[(n + i + k) % len(_WORDS)] for k in range(12))
        line = f"[{n}.{i}] {words}"
        lines.append(line)
        size += len(line) + 1
        i += 1
    return "\n".join(lines)[:length].strip()


def incident_values(n: int) -> dict:
    """The draft values (overrides of ``tests.conftest.make_draft``) of incident ``n``."""
    levels = ("high", "medium", "low")
    values = {
        "caller_name": f"Caller {n}",
        "summary": f"Crash-safety incident number {n}",
        "description": description_for(n),
        "location": f"Desk {n % 97}, floor {n % 7}",
        "impact": levels[n % 3],
        "urgency": levels[(n // 3) % 3],
        "priority_override": None,
        "priority_override_reason": "",
    }
    if n % 4 == 0:  # an override adds two more history rows to the same transaction
        values["priority_override"] = 1 + n % 5
        reason = f"Override for incident {n}: " + "because. " * (n % 50)
        values["priority_override_reason"] = reason.strip()
    return values


def main(argv: list[str]) -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # not tests.conftest: importing pytest would add a quarter of a second to every start
    from app.models.db import open_database
    from app.models.entities import Incident, User
    from app.models.incidents import create_incident
    from app.models.validation import IncidentDraft

    # Started ahead of its turn, it waits for "go" before touching the database: the test
    # overlaps the slow start of Python and the imports with the previous writer's run.
    if sys.stdin.readline().strip() != "go":
        return 0
    setup = json.loads(argv[2])
    base = dict(setup["base"], received_at=datetime.fromisoformat(setup["base"]["received_at"]))
    now = datetime.fromisoformat(setup["now"])
    open_database(Path(argv[1]))
    user = User.get_by_id(setup["user_id"])
    n = Incident.select().count()
    out = sys.stdout
    deadline = time.monotonic() + MAX_SECONDS
    while time.monotonic() < deadline:
        n += 1
        values = incident_values(n)
        incident = create_incident(IncidentDraft(**(base | values)), user, now=now)
        # acknowledged: the transaction has committed
        out.write(json.dumps({"n": n, "id": incident.id, "reference": incident.reference,
                              "priority": incident.priority, "values": values}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
