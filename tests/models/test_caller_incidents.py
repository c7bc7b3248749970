"""incident_caller (schema 16), what the repeat figures read, stays exactly what the
incidents say: each known caller's incident with its key and the received time of the
caller's previous incident in the category, through creates in any order, edits, erasure,
bulk inserts and deletes, whatever writes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import peewee as pw

from app.models.dialect import days_between
from app.models.entities import Category, Incident
from app.models.incident_log import CALLER_KEY, CALLER_KNOWN, CallerIncident
from app.models.incidents import create_incident, draft_from_incident, get_incident, update_incident
from app.models.redaction import ERASED
from tests.conftest import make_draft

START = datetime(2026, 11, 2, 9, tzinfo=UTC)
CALLERS = [  # (phone, name): every kind of key, and none
    ("0161 496 0123", "Olivia Taylor"),
    ("(0161) 496-0123", "O. Taylor"),  # the same caller, written otherwise
    ("07700 900123", "Zoe Adams"),
    ("", "Olivia Taylor"),
    ("", "  ANONYMOUS "),
    ("", ERASED),
]


def expected() -> list[tuple]:
    """Worked out from the incidents themselves, as the dashboard once did."""
    previous = pw.fn.LAG(Incident.received_at).over(
        partition_by=[CALLER_KEY, Incident.category],
        order_by=[Incident.received_at, Incident.id])
    ranked = Incident.select(Incident.id, CALLER_KEY.alias("caller_key"), Incident.category,
                             Incident.received_at, previous.alias("previous"),
                             pw.fn.COALESCE(Incident.owner, Incident.logged_by).alias("holder"),
                             Incident.caller_name, Incident.caller_phone).where(CALLER_KNOWN)
    gap = days_between(ranked.c.previous, ranked.c.received_at)
    rows = (pw.Select([ranked], [ranked.c.id, ranked.c.caller_key, ranked.c.category_id,
                                 ranked.c.received_at, ranked.c.previous, ranked.c.holder,
                                 ranked.c.caller_name, ranked.c.caller_phone, gap])
            .order_by(ranked.c.id).bind(Incident._meta.database).tuples())
    convert = Incident.received_at.python_value  # a subquery's times come back as stored
    return [(*row[:3], convert(row[3]), None if row[4] is None else convert(row[4]),
             *row[5:]) for row in rows]


def stored() -> list[tuple]:
    c = CallerIncident
    return [tuple(row) for row in c.select(
        c.incident, c.caller_key, c.category, c.received_at, c.previous, c.holder,
        c.caller_name, c.caller_phone, c.gap).order_by(c.incident).tuples()]


def log(advisor, hours: float, caller: int = 0, **overrides) -> Incident:
    phone, name = CALLERS[caller]
    received = START + timedelta(hours=hours)
    return create_incident(make_draft(received_at=received, caller_phone=phone,
                                      caller_name=name, **overrides),
                           advisor, now=received + timedelta(minutes=5))


def edit(incident_id: int, advisor, **changes) -> None:
    current = get_incident(incident_id)
    update_incident(incident_id, replace(draft_from_incident(current), **changes), advisor,
                    current.version, now=START + timedelta(days=30))


def test_created_in_any_order_each_incident_knows_the_previous_one(advisor):
    for hours, caller in ((50, 0), (10, 1), (30, 0), (30, 0), (20, 2), (5, 3), (40, 4),
                          (45, 5), (1, 0)):
        log(advisor, hours, caller)
    rows = stored()
    assert rows == expected()
    assert len(rows) == 7  # the anonymous and erased callers are nobody's
    keys = {key for _, key, *_ in rows}
    assert keys == {"phone:01614960123", "phone:07700900123", "name:olivia taylor"}


def test_edits_move_an_incident_between_callers_categories_and_times(advisor):
    incidents = [log(advisor, hours, caller) for hours, caller in
                 ((1, 0), (2, 0), (3, 0), (4, 1), (5, 2), (6, 3))]
    other = Category.get(Category.name == "Hardware").id
    edit(incidents[1].id, advisor, caller_phone="07700 900123")  # another caller
    assert stored() == expected()
    edit(incidents[2].id, advisor, subcategory_id=other)  # the subcategory alone
    edit(incidents[0].id, advisor, received_at=START + timedelta(hours=4, minutes=30))
    assert stored() == expected()
    edit(incidents[5].id, advisor, caller_name="anonymous")  # no longer anyone's
    edit(incidents[4].id, advisor, caller_phone="", caller_name="Olivia Taylor")
    assert stored() == expected()
    Incident.update(category=Category.get(Category.name == "Facilities").id).where(
        Incident.id == incidents[3].id).execute()  # plain SQL, not the form
    Incident.update(owner=advisor.id).where(Incident.id == incidents[2].id).execute()
    assert stored() == expected()


def bulk(advisor, hours: list[float], caller: int = 0) -> list[int]:
    """Incidents inserted as an import or the demo data insert them (no history)."""
    row = Incident.select().where(Incident.id == log(advisor, 0.25, caller).id).dicts().get()
    phone, name = CALLERS[caller]
    copies = []
    for n, hour in enumerate(hours):
        copy = dict(row, received_at=START + timedelta(hours=hour), caller_phone=phone,
                    caller_name=name, reference=f"INC-2026-9{n:05d}{caller}")
        del copy["id"]
        copies.append(copy)
    Incident.insert_many(copies).execute()
    return [i for (i,) in Incident.select(Incident.id).where(
        Incident.reference.startswith("INC-2026-9")).order_by(Incident.id).tuples()]


def test_erasure_takes_incidents_out(advisor):
    incidents = [log(advisor, hours, caller) for hours, caller in
                 ((1, 0), (2, 1), (3, 0), (4, 0), (5, 2))]
    Incident.update(anonymised_at=START, caller_name=ERASED, caller_phone="").where(
        Incident.id == incidents[1].id).execute()
    assert stored() == expected()
    assert incidents[1].id not in [row[0] for row in stored()]


def test_bulk_inserts_and_deletes_are_kept_too(advisor):
    log(advisor, 1, 0)
    inserted = bulk(advisor, [3, 2, 2, 0.5, 1])
    assert stored() == expected()
    assert len(stored()) == 7
    Incident.delete().where(Incident.id == inserted[2]).execute()
    assert stored() == expected()
    Incident.delete().where(Incident.id.in_([inserted[0], inserted[4]])).execute()
    assert stored() == expected()
    assert len(stored()) == 4
