"""The escalations a priority triggers, by the organisation's escalation matrix.

For now the matrix is the default one of the domain brief, held here; the escalation issue
turns it into editable data behind the same function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models.clock import format_local, to_utc
from app.models.entities import Category, Incident
from app.models.prioritisation import Harm, answers_from_json
from app.models.service_levels import Target, load_calendar, load_targets
from app.models.sla import ServiceCalendar, due_time, span_text

LEVELS = {1: "L1 advisor", 2: "L2 team leader", 3: "L3 contact-centre manager",
          4: "L4 head of operations"}
DPO = "Data protection officer"
# (share of the resolution target, level) for hierarchical escalation
HIERARCHY = ((0.5, 2), (0.75, 3), (1.0, 4))
MAJOR_INCIDENT_LEVELS = (3, 4)  # a P1 notifies these at once
REGULATOR_DEADLINE = timedelta(hours=72)  # to report a personal data breach


@dataclass(frozen=True)
class EscalationStep:
    """Whom to tell, from when (None: at once), and why."""

    to: str
    at: datetime | None
    why: str


def escalation_plan(priority: int, start: datetime, personal_data: bool = False,
                    pauses: list[tuple[datetime, datetime | None]] | None = None,
                    targets: dict[int, Target] | None = None,
                    calendar: ServiceCalendar | None = None) -> list[EscalationStep]:
    """The escalations an incident of ``priority`` started at ``start`` falls due for."""
    target = (targets or load_targets())[priority]
    if target.around_the_clock:
        calendar = None
    elif calendar is None:
        calendar = load_calendar()
    steps = []
    if priority == 1:
        steps += [EscalationStep(LEVELS[level], None, "P1: major incident")
                  for level in MAJOR_INCIDENT_LEVELS]
    if personal_data:
        steps.append(EscalationStep(DPO, None, "personal data breach"))
        steps.append(EscalationStep("Regulator (ICO) report", start + REGULATOR_DEADLINE,
                                    "a personal data breach is reported within 72 hours"))
    told = {step.to for step in steps}
    for share, level in HIERARCHY:
        if LEVELS[level] not in told:
            steps.append(EscalationStep(
                LEVELS[level], due_time(start, target.resolve * share, calendar, pauses or []),
                f"{share:.0%} of the resolution target"))
    return steps


def is_personal_data_breach(incident: Incident) -> bool:
    """Whether the incident is a personal data breach: by its category (or subcategory), or
    by the prioritisation answer that personal data is exposed."""
    ids = [i for i in (incident.category_id, incident.subcategory_id) if i is not None]
    if Category.select().where(Category.id.in_(ids),
                               Category.implied_harm == Harm.PERSONAL_DATA.value).exists():
        return True
    try:
        answers = answers_from_json(incident.prioritisation)
    except (ValueError, TypeError, AttributeError):
        return False
    return answers is not None and Harm.PERSONAL_DATA in answers.harms


def regulator_deadline(incident: Incident) -> datetime | None:
    """When a personal data breach must be reported to the regulator by (72 hours from when
    it was reported to us); None when the incident is not a breach."""
    if not is_personal_data_breach(incident):
        return None
    return incident.received_at + REGULATOR_DEADLINE


def regulator_clock_text(deadline: datetime, now: datetime, running: bool = True) -> str:
    """``By 27/11/2026 09:30 (2d 21h left)``, or ``overdue by 3h 10m`` once past."""
    text = f"By {format_local(deadline)}"
    if not running:
        return text
    left = deadline - to_utc(now)
    if left < timedelta(0):
        return f"{text} (overdue by {span_text(-left)})"
    return f"{text} ({span_text(left)} left)"
