"""CALLER_KNOWN, the cheap test the dashboard's repeat figures filter by, lets through
exactly the incidents whose CALLER_KEY is not null."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models.entities import Incident
from app.models.incident_log import CALLER_KEY, CALLER_KNOWN
from app.models.incidents import create_incident
from app.models.redaction import ERASED
from tests.conftest import make_draft

START = datetime(2026, 11, 2, 9, tzinfo=UTC)
CALLERS = [  # (phone, name, anonymised): every branch of CALLER_KEY
    ("0161 496 0123", "Olivia Taylor", False),
    ("(+44) 161-496.0124", "", False),
    ("+ ( ) - . /", "", False),  # a phone of no digits is still a key: "phone:"
    ("", "Olivia Taylor", False),
    ("", "  ANONYMOUS ", False),
    ("", "", False),
    ("", "   ", False),
    ("", ERASED, False),
    ("0161 496 0123", "Olivia Taylor", True),
    ("", "Olivia Taylor", True),
]


def test_caller_known_agrees_with_the_caller_key(advisor):
    ids = []
    for n, (phone, name, anonymised) in enumerate(CALLERS):
        incident = create_incident(make_draft(received_at=START + timedelta(hours=n)), advisor,
                                   now=START + timedelta(hours=n, minutes=2))
        Incident.update(caller_phone=phone, caller_name=name,
                        anonymised_at=START if anonymised else None
                        ).where(Incident.id == incident.id).execute()
        ids.append(incident.id)
    rows = (Incident.select(Incident.id, CALLER_KEY, CALLER_KNOWN)
            .where(Incident.id.in_(ids)).order_by(Incident.id).tuples())
    found = [(key, bool(known)) for _, key, known in rows]
    assert [key is not None for key, _ in found] == [True, True, True, True, False, False,
                                                     False, False, False, False]
    assert [known for _, known in found] == [key is not None for key, _ in found]
    assert Incident.select().where(CALLER_KNOWN).count() == 4
