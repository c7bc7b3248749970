"""Which escalations an incident falls due for, by the organisation's escalation matrix, and
where it stands: its level, what is due now, what comes next and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models.clock import format_local, to_utc
from app.models.entities import Category, Communication, Escalation, Incident
from app.models.escalation_matrix import EscalationMatrix, Rule, Target, load_escalation_matrix
from app.models.lifecycle import Status
from app.models.prioritisation import Harm, answers_from_json
from app.models.service_levels import Target as SlaTarget
from app.models.service_levels import load_calendar, load_targets
from app.models.sla import ServiceCalendar, due_time, span_text
from app.models.vocabulary import ContactMethod

REGULATOR_DEADLINE = timedelta(hours=72)  # to report a personal data breach
REGULATOR = "regulator"  # the communications audience whose record stops the breach clock
BACKFILL_SETTING = "escalation.backfill"  # set by migration 0008 until the backfill runs


class EscalationKind:
    HIERARCHICAL = "hierarchical"  # up the management chain
    FUNCTIONAL = "functional"  # to the team with the skill


@dataclass(frozen=True)
class EscalationStep:
    """Whom to tell, from when (None: at once), and why (for the prioritisation wizard)."""

    to: str
    at: datetime | None
    why: str


@dataclass(frozen=True)
class PlannedStep:
    """One escalation the matrix asks for an incident: when it falls due (None while the
    clock is stopped on hold) and the escalation made that answers it, if any."""

    rule: Rule
    target: Target
    due_at: datetime | None
    done: Escalation | None = None

    @property
    def at_once(self) -> bool:
        return self.rule.share is None

    def to_text(self) -> str:
        """``L2 team leader by phone (Anne Smith)``."""
        text = f"{self.target.name} by {ContactMethod(self.rule.method).label.lower()}"
        return f"{text} ({self.rule.contact})" if self.rule.contact else text


@dataclass(frozen=True)
class EscalationState:
    level: int
    level_name: str
    steps: tuple[PlannedStep, ...]
    now: datetime
    is_open: bool

    @property
    def overdue(self) -> list[PlannedStep]:
        """Due, not made, while the incident is open: the log flags these."""
        if not self.is_open:
            return []
        return [s for s in self.steps
                if s.done is None and s.due_at is not None and s.due_at <= self.now]

    @property
    def current(self) -> PlannedStep | None:
        """The step that applies now: the last one whose time has come."""
        due = [s for s in self.steps if s.due_at is not None and s.due_at <= self.now]
        return due[-1] if due else None

    @property
    def next(self) -> PlannedStep | None:
        """The next step still to come, not made yet."""
        if not self.is_open:
            return None
        waiting = [s for s in self.steps
                   if s.done is None and s.due_at is not None and s.due_at > self.now]
        return min(waiting, key=lambda s: s.due_at) if waiting else None

    def next_text(self) -> str:
        step = self.next
        if step is None:
            return ""
        return (f"{step.to_text()} at {format_local(step.due_at)} "
                f"(in {span_text(step.due_at - self.now)})")


# --- which incidents are breaches ----------------------------------------------------------
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


def _category_ids(incident: Incident) -> tuple[int, ...]:
    return tuple(i for i in (incident.category_id, incident.subcategory_id) if i is not None)


# --- the plan -------------------------------------------------------------------------------
def _due(rule: Rule, start: datetime, target: SlaTarget, calendar: ServiceCalendar | None,
         pauses: list[tuple[datetime, datetime | None]]) -> datetime | None:
    if rule.share is None:
        return start
    return due_time(start, target.resolve * rule.share / 100,
                    None if target.around_the_clock else calendar, pauses)


def planned_steps(priority: int, start: datetime, category_ids: tuple[int, ...] = (),
                  breach: bool = False,
                  pauses: list[tuple[datetime, datetime | None]] | None = None,
                  matrix: EscalationMatrix | None = None,
                  targets: dict[int, SlaTarget] | None = None,
                  calendar: ServiceCalendar | None = None) -> list[PlannedStep]:
    """The escalations the matrix asks for an incident of ``priority`` started at
    ``start``, in the order they fall due (on-hold ``pauses`` move the later ones on)."""
    matrix = matrix or load_escalation_matrix()
    target = (targets or load_targets())[priority]
    if calendar is None and not target.around_the_clock:
        calendar = load_calendar()
    steps = []
    for rule in matrix.rules_for(priority, category_ids, breach):
        escalation_target = matrix.target(rule.target)
        if escalation_target is not None:
            steps.append(PlannedStep(rule, escalation_target,
                                     _due(rule, start, target, calendar, pauses or [])))
    return steps


def escalation_plan(priority: int, start: datetime, personal_data: bool = False,
                    pauses: list[tuple[datetime, datetime | None]] | None = None,
                    category_ids: tuple[int, ...] = ()) -> list[EscalationStep]:
    """What the prioritisation wizard shows: whom to tell and when, with the regulator's
    deadline for a personal data breach."""
    steps = []
    for step in planned_steps(priority, start, category_ids, personal_data, pauses):
        if step.rule.breach:
            why = "personal data breach"
        elif step.at_once:
            why = "P1: major incident" if priority == 1 else "at once"
        else:
            why = f"{step.rule.share}% of the resolution target"
        steps.append(EscalationStep(step.target.name, None if step.at_once else step.due_at,
                                    why))
    if personal_data:
        steps.insert(sum(s.at is None for s in steps), EscalationStep(
            "Regulator (ICO) report", start + REGULATOR_DEADLINE,
            "a personal data breach is reported within 72 hours"))
    return steps


def _answered(step: PlannedStep, made: list[Escalation]) -> Escalation | None:
    """The escalation that answers ``step``: to that team, or for a level to it or higher."""
    for escalation in made:
        if step.target.is_level:
            if escalation.level is not None and escalation.level >= (step.target.rank or 0):
                return escalation
        elif escalation.target_code == step.target.code:
            return escalation
    return None


def escalations_made(incident_id: int) -> list[Escalation]:
    return list(Escalation.select().where(Escalation.incident == incident_id)
                .order_by(Escalation.at, Escalation.id))


def escalation_state(incident: Incident, now: datetime,
                     pauses: list[tuple[datetime, datetime | None]] | None = None,
                     matrix: EscalationMatrix | None = None) -> EscalationState:
    """Where ``incident`` stands at ``now``: its level and each step with its due time and
    the escalation that answered it."""
    matrix = matrix or load_escalation_matrix()
    if pauses is None:
        pauses = _pauses(incident.id)
    made = escalations_made(incident.id) if incident.id else []
    steps = tuple(
        PlannedStep(s.rule, s.target, s.due_at, _answered(s, made))
        for s in planned_steps(incident.priority, incident.received_at,
                               _category_ids(incident), is_personal_data_breach(incident),
                               pauses, matrix))
    return EscalationState(incident.escalation_level,
                           matrix.level_name(incident.escalation_level), steps, to_utc(now),
                           Status(incident.status).is_open)


def refresh_escalation_due(incident: Incident,
                           pauses: list[tuple[datetime, datetime | None]] | None = None
                           ) -> None:
    """Set ``incident.escalation_due_at`` to when the next escalation not yet made falls
    due (None when the incident is not open, nothing is left, or the clock is stopped).
    The caller saves the incident."""
    if not Status(incident.status).is_open:
        incident.escalation_due_at = None
        return
    state = escalation_state(incident, incident.received_at, pauses)
    waiting = [s.due_at for s in state.steps if s.done is None and s.due_at is not None]
    incident.escalation_due_at = min(waiting) if waiting else None


def recompute_escalation_due() -> int:
    """Work out afresh the next escalation of every open incident, by the matrix as it is
    now (after it is edited, and once after the upgrade to schema 8); call inside a
    transaction. Returns how many incidents were looked at."""
    from app.models.incident_log import OPEN_STATUSES

    matrix, targets, calendar = load_escalation_matrix(), load_targets(), load_calendar()
    is_open = Incident.status.in_(sorted(OPEN_STATUSES))
    made: dict[int, list[Escalation]] = {}
    for escalation in (Escalation.select().join(Incident).where(is_open)
                       .order_by(Escalation.at, Escalation.id)):
        made.setdefault(escalation.incident_id, []).append(escalation)
    count = 0
    for incident in Incident.select().where(is_open).iterator():
        steps = planned_steps(incident.priority, incident.received_at,
                              _category_ids(incident), is_personal_data_breach(incident),
                              _pauses(incident.id), matrix, targets, calendar)
        waiting = [s.due_at for s in steps if s.due_at is not None
                   and _answered(s, made.get(incident.id, [])) is None]
        due = min(waiting) if waiting else None
        if due != incident.escalation_due_at:
            Incident.update(escalation_due_at=due).where(Incident.id == incident.id).execute()
        count += 1
    return count


def backfill_escalation_due() -> int:
    """Once, after the upgrade to schema 8: each open incident's next escalation."""
    from app.models.db import database
    from app.models.entities import Setting

    if not Setting.select().where(Setting.key == BACKFILL_SETTING).exists():
        return 0
    with database.atomic():
        count = recompute_escalation_due()
        Setting.delete().where(Setting.key == BACKFILL_SETTING).execute()
    return count


def _pauses(incident_id: int) -> list[tuple[datetime, datetime | None]]:
    from app.models.incidents import incident_pauses

    return incident_pauses(incident_id)


# --- the regulator's deadline for a personal data breach ------------------------------------
def regulator_deadline(incident: Incident) -> datetime | None:
    """When a personal data breach must be reported to the regulator by (72 hours from when
    it was reported to us); None when the incident is not a breach."""
    if not is_personal_data_breach(incident):
        return None
    return incident.received_at + REGULATOR_DEADLINE


def regulator_reported_at(incident_id: int) -> datetime | None:
    """When the breach was reported to the regulator, by the first such update recorded
    (not one whose sending failed)."""
    row = (Communication.select(Communication.at)
           .where(Communication.incident == incident_id, Communication.audience == REGULATOR,
                  Communication.delivery != "failed")
           .order_by(Communication.at).first())
    return row.at if row else None


def regulator_clock_text(deadline: datetime, now: datetime, running: bool = True,
                         reported_at: datetime | None = None) -> str:
    """``By 27/11/2026 09:30 (2d 21h left)``, ``overdue by 3h 10m`` once past, or
    ``Reported 25/11/2026 10:00, within the 72 hours``."""
    if reported_at is not None:
        on_time = "within the 72 hours" if reported_at <= deadline else (
            f"{span_text(reported_at - deadline)} after the deadline")
        return f"Reported {format_local(reported_at)}, {on_time}"
    text = f"By {format_local(deadline)}"
    if not running:
        return text
    left = deadline - to_utc(now)
    if left < timedelta(0):
        return f"{text} (overdue by {span_text(-left)})"
    return f"{text} ({span_text(left)} left)"
