"""Realistic, varied demo incidents, for demonstrations, screenshots and benchmarks.

Written with ``executemany`` in large transactions rather than through the model layer:
a million incidents with their history must take minutes, not hours. The rows written
are the same as the operations write (same columns, same UTC text format).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import peewee as pw

from app.models.clock import now_utc
from app.models.db import database
from app.models.dialect import advance_id_sequences, exclusive_transaction, insert_rows, locked
from app.models.entities import (
    Category,
    Escalation,
    EscalationContact,
    EscalationTarget,
    History,
    HistoryChain,
    Incident,
    Problem,
    ProblemCounter,
    ProblemEvent,
    ReferenceCounter,
    Team,
    User,
)
from app.models.escalating import ESCALATED, describe_escalation
from app.models.escalation import EscalationKind, planned_steps
from app.models.escalation_matrix import load_escalation_matrix
from app.models.history_chain import row_hash
from app.models.incidents import format_reference
from app.models.lifecycle import Status
from app.models.prioritisation import (
    Answers,
    Deadline,
    Harm,
    Scope,
    Trend,
    Workaround,
    prioritise,
)
from app.models.priority import compute_priority
from app.models.problems import FIX, ProblemStatus
from app.models.problems import format_reference as problem_reference
from app.models.satisfaction import FIELD as SATISFACTION
from app.models.satisfaction import SatisfactionMethod, describe
from app.models.service_levels import due_times, load_calendar, load_matrix, load_targets
from app.models.users import ensure_user
from app.models.vocabulary import CallerType, Channel, ContactMethod, Level

MAX_COUNT = 10_000_000
BATCH = 20_000

DEMO_USERS = [
    ("priya.shah", "Priya Shah", "advisor"), ("tom.walker", "Tom Walker", "advisor"),
    ("aisha.khan", "Aisha Khan", "advisor"), ("dan.evans", "Dan Evans", "advisor"),
    ("megan.hughes", "Megan Hughes", "advisor"), ("liam.oconnor", "Liam O'Connor", "advisor"),
    ("sofia.rossi", "Sofia Rossi", "advisor"), ("kwame.mensah", "Kwame Mensah", "advisor"),
    ("rachel.green", "Rachel Green", "team_leader"),
    ("george.patel", "George Patel", "team_leader"),
]

# Teams, and who works in each (team leaders included).
DEMO_TEAMS = {
    "North West": ("priya.shah", "tom.walker", "aisha.khan", "rachel.green"),
    "Yorkshire": ("dan.evans", "megan.hughes", "george.patel"),
    "Midlands": ("liam.oconnor", "sofia.rossi"),
    "Out of hours": ("kwame.mensah",),
}
OWN_TEAM_SHARE = 0.8  # incidents passed to an owner in the logger's own team

# Ofcom's numbers reserved for drama (never anyone's): 16 blocks of a thousand.
PHONE_BLOCKS = ("07700 900", "0113 496 0", "0114 496 0", "0115 496 0", "0116 496 0",
                "0117 496 0", "0118 496 0", "0121 496 0", "0131 496 0", "0141 496 0",
                "0151 496 0", "0161 496 0", "0191 498 0", "020 7946 0", "029 2018 0",
                "01632 960")
RETURNING_SHARE = 0.1  # calls from someone who called recently
SAME_TROUBLE_SHARE = 0.6  # of those, about the same kind of trouble as last time
RECENT_CALLERS = 400  # how many recent callers may call back

FIRST = ["Olivia", "Jack", "Amelia", "Harry", "Isla", "Oscar", "Ava", "Charlie", "Mia", "Leo",
         "Grace", "Noah", "Freya", "Arthur", "Zara", "Mohammed", "Ruby", "Ethan", "Chloe",
         "Yusuf", "Hannah", "Callum", "Niamh", "Rhys", "Ellie", "Tariq", "Bethan", "Femi",
         "Agnieszka", "Wei"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "Ahmed", "Murphy",
        "Begum", "Kowalski", "Okafor", "Campbell", "Nguyen"]
PLACES = ["Manchester", "Leeds", "Birmingham", "Bristol", "Cardiff", "Newcastle", "Norwich",
          "Sheffield", "Nottingham", "Swansea", "Liverpool", "Brighton", "Exeter", "York",
          "Leicester", "Plymouth", "Reading", "Milton Keynes", "Hull", "Derby"]
SITES = ["head office, floor 2", "contact centre, bank A", "contact centre, bank C",
         "depot", "customer's home", "branch", "remote (home working)", "data centre"]
SYSTEMS = ["CRM", "billing system", "booking portal", "payroll", "email", "VPN",
           "knowledge base", "case management system"]

SUMMARIES = {
    "IT system failure": ["{system} not loading for the whole team",
                          "Cannot log in to the {system}", "{system} very slow since this morning",
                          "Error message when saving in the {system}",
                          "Laptop will not start", "No network at {site}"],
    "Telephony outage": ["Inbound calls dropping after the IVR menu",
                         "No dial tone on outbound lines", "Callers hear silence after option 2",
                         "Softphone keeps disconnecting", "Queue not routing to the {place} team"],
    "Security or data breach": ["Letter sent to the wrong address",
                                "Caller received another customer's statement",
                                "Suspicious email asking for passwords",
                                "Laptop left on a train", "Unknown person in the {site}"],
    "Facilities": ["No heating at {site}", "Lift out of order at {site}",
                   "Door access cards not working", "Water leak in the kitchen at {site}",
                   "Lights out in the car park"],
    "Service failure": ["Engineer did not attend booked appointment",
                        "Service outage reported in {place}", "Parcel not delivered for a week",
                        "Charged twice on the last bill", "Online account shows wrong balance"],
    "Complaint": ["Unhappy with the handling of a previous call",
                  "Complaint about an advisor's manner", "Disputes the refund decision",
                  "Waited 40 minutes in the queue", "Repeated failure to call back"],
    "Safety": ["Caller fell on wet floor at the {place} branch",
               "Fire alarm sounding at {site}", "Vulnerable caller may be at risk",
               "Caller making threats to staff", "Smell of gas reported in {place}"],
}

WORDS = ["Caller says", "The caller reports that", "Reported by the caller:", "Customer explains:"]
DETAIL = ["it started about an hour ago", "it has happened three times this week",
          "nobody has been in touch since the last call", "colleagues see the same problem",
          "they need it fixed before the end of the day", "they have tried restarting already",
          "they are very upset about it", "it affects several people at the site"]

NOTES = {
    Status.ON_HOLD_CUSTOMER: "Asked the caller for a screenshot and their account number.",
    Status.ON_HOLD_THIRD_PARTY: "Waiting on the supplier's engineer (their ref. SUP-{n}).",
    Status.RESOLVED: "Fixed and confirmed with the caller: {fix}.",
}
FIXES = ["service restored after a restart", "access reset and tested with the caller",
         "refund issued and apology given", "engineer rebooked for tomorrow morning",
         "supplier fixed the fault at their end", "workaround explained and accepted"]

WORKAROUNDS = ["calls can be taken manually", "the caller can use the website meanwhile",
               "a colleague's workstation can be used", "paper forms until it is fixed",
               "the branch can take payments by card reader"]
PRIORITISED_SHARE = 0.7  # the rest were logged with impact and urgency set directly

INCIDENT_COLUMNS = (
    "id", "reference", "received_at", "logged_at", "logged_by_id", "channel", "caller_name",
    "caller_phone", "caller_email", "caller_type", "account_ref", "location", "summary",
    "description", "category_id", "subcategory_id", "impact", "urgency", "priority", "status",
    "owner_id", "details_confirmed", "responded_at", "resolved_at", "closed_at", "resolution",
    "updated_at", "version", "prioritisation", "priority_rationale", "priority_override_reason",
    "response_due", "resolution_due", "response_met", "resolution_met", "response_warn_at",
    "resolution_warn_at", "escalation_due_at", "problem_id", "escalation_level",
)
HISTORY_COLUMNS = ("id", "incident_id", "at", "user_id", "action", "field", "old_value",
                   "new_value", "hash")

# Relative volumes: service failures and IT dominate, safety is rare.
CATEGORY_WEIGHTS = {"Service failure": 26, "IT system failure": 22, "Complaint": 14,
                    "Telephony outage": 12, "Facilities": 12, "Security or data breach": 5,
                    "Safety": 4}

# Resolution times by priority, in hours (median-ish; spread around it).
RESOLVE_HOURS = {1: 3, 2: 7, 3: 20, 4: 45, 5: 90}

# Satisfaction: asked of a share of the resolved incidents; the score depends on how the
# resolution went (fast and within target, within target, or late).
SATISFACTION_SHARE = 0.35
SCORE_WEIGHTS = {"fast": (1, 2, 6, 33, 58), "met": (3, 6, 16, 42, 33),
                 "late": (20, 28, 26, 18, 8)}
METHOD_WEIGHTS = ((SatisfactionMethod.PHONE, 50), (SatisfactionMethod.EMAIL, 25),
                  (SatisfactionMethod.SMS, 15), (SatisfactionMethod.SURVEY, 10))
COMMENTS = {1: "Nobody called me back.", 2: "Took far too long to sort out.",
            3: "Fixed in the end.", 4: "Thanks, sorted quickly.",
            5: "Brilliant service, the advisor was very patient."}


@dataclass(frozen=True)
class DemoProblem:
    """A cause behind recurring incidents: those of ``category`` whose summary is
    ``summary`` (a template of SUMMARIES), received while it was investigated (from
    ``start`` to ``end``, shares of the generated period), are linked to it."""

    title: str
    category: str
    summary: str
    status: ProblemStatus
    start: float
    end: float = 1.0
    root_cause: str = ""
    workaround: str = ""
    fix: str = ""


DEMO_PROBLEMS = (
    DemoProblem("Calls dropped when the IVR routes to a full queue", "Telephony outage",
                "Inbound calls dropping after the IVR menu", ProblemStatus.KNOWN_ERROR, 0.1,
                root_cause="The IVR's overflow rule points at a queue retired in the "
                           "telephony migration; calls routed there are dropped.",
                workaround="Callers can choose option 9 for the general queue; advisors "
                           "call back anyone whose call dropped."),
    DemoProblem("Log-in failures after the nightly password sync", "IT system failure",
                "Cannot log in to the {system}", ProblemStatus.RESOLVED, 0.2, 0.6,
                root_cause="The directory sync job expired passwords changed that day.",
                fix="Sync job corrected by the IT service desk (change CHG-2231)."),
    DemoProblem("Duplicate charges from the billing batch run", "Service failure",
                "Charged twice on the last bill", ProblemStatus.CLOSED, 0.05, 0.4,
                root_cause="A retry in the billing batch re-sent payments already taken.",
                fix="Batch made idempotent; refunds issued automatically."),
    DemoProblem("Door access cards stop working overnight", "Facilities",
                "Door access cards not working", ProblemStatus.INVESTIGATING, 0.5),
    DemoProblem("Softphone drops on the new VPN client", "Telephony outage",
                "Softphone keeps disconnecting", ProblemStatus.OPEN, 0.8),
)
LINK_SHARE = 0.7  # of the matching incidents, those an advisor linked

# Escalations made for the resolved incidents (open ones have none, so their next
# escalation due stays the matrix's first): a P1 to L3 and L4 at once, a personal data
# breach to the data protection officer at once, a late one to L2 half-way to its due
# time, and some to the team with the skill.
FUNCTIONAL = {"IT system failure": ("IT", 0.25), "Telephony outage": ("TEL", 0.3),
              "Facilities": ("FAC", 0.3), "Complaint": ("CMP", 0.2)}
WHY = {"L2": "Past half its resolution time and still not fixed.",
       "L3": "Major incident: many callers affected.", "L4": "Major incident.",
       "DPO": "Possible personal data breach.",
       "functional": "Needs the team with the skill to fix it."}
TRIED = ("Restarted the service and checked the caller's set-up.",
         "Checked the knowledge base and the known errors.",
         "Reproduced it with the caller on the line.")
ESCALATION_COLUMNS = ("incident_id", "at", "recorded_at", "user_id", "kind", "target_code",
                      "target_name", "level", "contact_name", "contact_detail", "method",
                      "reason", "tried")


@dataclass(frozen=True)
class DemoResult:
    incidents: int
    history_rows: int
    seconds: float


def _utc_text(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))


def _answers(rng: random.Random, impact: Level, urgency: Level, system: str) -> Answers:
    """Wizard answers an advisor could have given for these levels."""
    harms: set[Harm] = set()
    if impact == Level.HIGH:
        scope = Scope.MANY if rng.random() < 0.7 else rng.choice(list(Scope))
        if scope != Scope.MANY:
            harms.add(rng.choice((Harm.SAFETY, Harm.PERSONAL_DATA, Harm.REGULATORY)))
    elif impact == Level.MEDIUM:
        scope = rng.choice((Scope.SEVERAL, Scope.GROUP, Scope.ONE))
        if scope == Scope.ONE:
            harms.add(rng.choice((Harm.FINANCIAL, Harm.REPUTATIONAL)))
    else:
        scope = Scope.ONE
    trend, workaround, deadline = Trend.STEADY, Workaround.GOOD, Deadline.NONE
    workaround_text = ""
    if urgency == Level.HIGH:
        if rng.random() < 0.5:
            trend = Trend.WORSENING
        else:
            workaround = Workaround.NONE
    elif urgency == Level.MEDIUM:
        if rng.random() < 0.7:
            workaround, workaround_text = Workaround.PARTIAL, rng.choice(WORKAROUNDS)
        else:
            deadline = Deadline.DAYS
    else:
        trend = rng.choice((Trend.STEADY, Trend.CONTAINED))
        workaround_text = rng.choice(WORKAROUNDS)
    return Answers(scope=scope, service=system if scope == Scope.MANY else "",
                   harms=frozenset(harms), trend=trend, workaround=workaround,
                   workaround_text=workaround_text, deadline=deadline)


def _chained(rows: list[tuple]) -> list[tuple]:
    """History rows given their ids and hashes, continuing the chain (which moves on)."""
    head = locked(HistoryChain.select().where(HistoryChain.id == 1)).get()
    row_id, previous = head.last_id, head.last_hash
    chained = []
    for row in rows:
        row_id += 1
        previous = row_hash(previous, row_id, *row)
        chained.append((row_id, *row, previous))
    HistoryChain.update(last_id=row_id, last_hash=previous).where(HistoryChain.id == 1).execute()
    return chained


def _received_times(rng: random.Random, count: int, start: float, end: float) -> list[float]:
    """Times weighted like a contact centre's: weekdays, office hours, a Monday peak."""
    out = []
    span = end - start
    while len(out) < count:
        ts = start + rng.random() * span
        lt = time.localtime(ts)
        weight = (0.35 if lt.tm_wday >= 5 else 1.0) * (1.3 if lt.tm_wday == 0 else 1.0)
        weight *= 1.0 if 8 <= lt.tm_hour < 18 else 0.12
        if rng.random() < weight / 1.3:
            out.append(ts)
    out.sort()
    return out


@dataclass(frozen=True)
class _Problem:
    """A demo problem as written: its id and reference, and when it took incidents."""

    spec: DemoProblem
    id: int
    reference: str
    opened: float
    closes: float  # resolved or closed: no incident received later is linked


class _Generator:
    def __init__(self, rng: random.Random, now: float, users: list[int], leaders: list[int],
                 teammates: dict[int, list[int]], problems: list[_Problem]):
        self.rng = rng
        self.now = now
        self.users = users
        self.leaders = leaders
        self.teammates = teammates
        self.problems = {(p.spec.category, p.spec.summary): p for p in problems}
        # (name, phone, email, caller type, account, category) of recent callers
        self.recent: deque[tuple] = deque(maxlen=RECENT_CALLERS)
        self.categories: dict[str, tuple[int, list[int]]] = {}
        for parent in Category.select().where(Category.parent.is_null()):
            children = [c.id for c in Category.select().where(Category.parent == parent)]
            self.categories[parent.name] = (parent.id, children)
        self.category_names = list(self.categories)
        self.category_weights = [CATEGORY_WEIGHTS.get(n, 4) for n in self.category_names]
        self.matrix = load_matrix()
        self.targets = load_targets()
        self.calendar = load_calendar()
        self.escalation_matrix = load_escalation_matrix()
        self.breach_categories = {c.id for c in Category.select().where(
            Category.implied_harm == Harm.PERSONAL_DATA.value)}

    def incident(self, incident_id: int, reference: str, received: float):
        rng = self.rng
        channel = rng.choices(list(Channel), weights=(62, 18, 10, 5, 2, 3))[0]
        cat_name = rng.choices(self.category_names, weights=self.category_weights)[0]
        if self.recent and rng.random() < RETURNING_SHARE:  # someone calling back
            name, phone, email, caller_type, account, last_trouble = rng.choice(self.recent)
            if rng.random() < SAME_TROUBLE_SHARE:
                cat_name = last_trouble
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            caller_type = rng.choices(list(CallerType), weights=(70, 15, 8, 7))[0]
            phone = f"{rng.choice(PHONE_BLOCKS)}{rng.randrange(1000):03d}"
            email = f"{first}.{last}@example.org".lower() if rng.random() < 0.6 else ""
            account = (f"AC-{rng.randrange(10**6):06d}" if caller_type == CallerType.CUSTOMER
                       else "")
        self.recent.append((name, phone, email, caller_type, account, cat_name))
        cat_id, children = self.categories[cat_name]
        sub_id = rng.choice(children) if children else None
        template = rng.choice(SUMMARIES.get(cat_name, ["{system} problem"]))
        summary = template.format(system=rng.choice(SYSTEMS), site=rng.choice(SITES),
                                  place=rng.choice(PLACES))
        summary = summary[0].upper() + summary[1:]
        description = f"{rng.choice(WORDS)} {summary[0].lower()}{summary[1:]}; " \
                      f"{rng.choice(DETAIL)}."
        location = f"{rng.choice(PLACES)}, {rng.choice(SITES)}"
        impact = rng.choices(list(Level), weights=(9, 36, 55))[0]
        urgency = rng.choices(list(Level), weights=(18, 52, 30))[0]
        if cat_name == "Safety" and rng.random() < 0.5:
            impact = urgency = Level.HIGH
        priority = compute_priority(impact, urgency, self.matrix)
        prioritisation = rationale = ""
        if rng.random() < PRIORITISED_SHARE:
            outcome = prioritise(_answers(rng, impact, urgency, rng.choice(SYSTEMS)),
                                 matrix=self.matrix)
            prioritisation, rationale = outcome.to_json(), outcome.rationale
        logger = rng.choice(self.users)
        logged = received + rng.randrange(20, 300)

        history = [(incident_id, logged, logger, "created", None, None, reference)]
        age_days = (self.now - received) / 86400
        resolve_after = RESOLVE_HOURS[priority] * 3600 * rng.lognormvariate(0, 0.6)
        owner = logger
        if rng.random() < 0.85:
            team = self.teammates.get(logger)
            owner = (rng.choice(team) if team and rng.random() < OWN_TEAM_SHARE
                     else rng.choice(self.users))
        responded = resolved = closed = None
        resolution = ""
        path: list[Status] = []
        if received + resolve_after < self.now and age_days > 0.5:
            path = [Status.ASSIGNED, Status.IN_PROGRESS]
            if rng.random() < 0.15:
                path.append(rng.choice((Status.ON_HOLD_CUSTOMER, Status.ON_HOLD_THIRD_PARTY)))
            path.append(Status.RESOLVED)
            if age_days > 3 and rng.random() < 0.93:
                path.append(Status.CLOSED)
        else:
            roll = rng.random()
            if roll < 0.2:
                path = []
            elif roll < 0.45:
                path = [Status.ASSIGNED]
            elif roll < 0.8:
                path = [Status.ASSIGNED, Status.IN_PROGRESS]
            else:
                path = [Status.ASSIGNED, Status.IN_PROGRESS,
                        rng.choice((Status.ON_HOLD_CUSTOMER, Status.ON_HOLD_THIRD_PARTY))]
        status = Status.NEW
        at = logged
        pauses: list[list[float | None]] = []
        end = received + resolve_after if Status.RESOLVED in path else self.now
        for step in path:
            if step == Status.RESOLVED:
                at = max(at + 60, received + resolve_after)
            elif step == Status.CLOSED:
                at = at + rng.randrange(3600, 3 * 86400)
                if at > self.now:
                    break
            else:
                at = min(at + rng.randrange(60, 3600), max(at + 30, end - 30))
            who = owner if step != Status.ASSIGNED else rng.choice([*self.leaders, logger])
            history.append((incident_id, at, who, "status", "status", status.value, step.value))
            if status.is_on_hold:
                pauses[-1][1] = at
            if step.is_on_hold:
                pauses.append([at, None, step.value])
            if step in NOTES:
                note = NOTES[step].format(n=rng.randrange(10**5), fix=rng.choice(FIXES))
                history.append((incident_id, at, who, "note", None, None, note))
                if step == Status.RESOLVED:
                    resolution, resolved = note, at
            if step == Status.CLOSED:
                closed = at
            if responded is None:
                responded = at
            status = step
        if status == Status.NEW:
            owner = None
        # the times as stored (to the second), so that the due times are those the
        # application works out from the record
        start = datetime.fromtimestamp(int(received), UTC)
        pause_times = [(datetime.fromtimestamp(int(a), UTC),
                        b and datetime.fromtimestamp(int(b), UTC)) for a, b, _ in pauses]
        due = due_times(priority, start, pause_times, self.targets, self.calendar)
        response_due, resolution_due = due.response_due, due.resolution_due
        escalation_due = None
        if status.is_open:  # the first escalation the matrix asks for (none made in demo)
            breach = bool({cat_id, sub_id} & self.breach_categories)
            waiting = [step.due_at for step in planned_steps(
                priority, start, (cat_id, *([sub_id] if sub_id else [])), breach, pause_times,
                self.escalation_matrix, self.targets, self.calendar) if step.due_at]
            escalation_due = min(waiting) if waiting else None
        resolution_met = (None if resolved is None or resolution_due is None
                          else int(resolved) <= resolution_due.timestamp())
        escalations, level = [], 1
        if resolved is not None:
            escalations, level = self._escalations(
                incident_id, received, resolved, priority, cat_name,
                bool({cat_id, sub_id} & self.breach_categories), resolution_due,
                owner or logger, history)
        # one per change made so far (a level raised goes with its escalation)
        version = sum(h[3] != "changed" for h in history)
        problem = self._problem(cat_name, template, received)
        problem_event = None
        if problem is not None:
            linked = received + rng.uniform(600, 7200)
            if linked < min(problem.closes, self.now):
                leader = rng.choice(self.leaders)
                history.append((incident_id, linked, leader, "changed", "problem", None,
                                f"{problem.reference}: {problem.spec.title}"))
                problem_event = (problem.id, _utc_text(linked), leader, "linked", "incident",
                                 None, f"{reference}: {summary}")
            else:
                problem = None
        satisfaction = None
        if resolved is not None and rng.random() < SATISFACTION_SHARE:
            satisfaction = self._satisfaction(incident_id, received, resolved, priority,
                                              resolution_met, owner or logger, history)
        history.sort(key=lambda h: h[1])  # stable: in the order things happened
        row = (
            incident_id, reference, _utc_text(received), _utc_text(logged), logger,
            channel.value, name, phone, email, caller_type.value, account, location, summary,
            description, cat_id, sub_id, impact.value, urgency.value, priority, status.value,
            owner, rng.random() < 0.95, responded and _utc_text(responded),
            resolved and _utc_text(resolved), closed and _utc_text(closed), resolution,
            _utc_text(at), version, prioritisation, rationale, "",
            _utc_text(response_due.timestamp()),
            resolution_due and _utc_text(resolution_due.timestamp()),
            None if responded is None else int(responded) <= response_due.timestamp(),
            resolution_met,
            _utc_text(due.response_warn_at.timestamp()),
            due.resolution_warn_at and _utc_text(due.resolution_warn_at.timestamp()),
            escalation_due and _utc_text(escalation_due.timestamp()),
            problem and problem.id, level,
        )
        history = [(h[0], _utc_text(h[1]), *h[2:]) for h in history]
        pause_rows = [(incident_id, reason, _utc_text(a), b and _utc_text(b))
                      for a, b, reason in pauses]
        return row, history, pause_rows, satisfaction, problem_event, escalations

    def _escalations(self, incident_id: int, received: float, resolved: float, priority: int,
                     category: str, breach: bool, resolution_due: datetime | None, who: int,
                     history: list) -> tuple[list[tuple], int]:
        """The escalations made before the incident was resolved, with their trail (as
        ``escalate`` writes it); and the highest level reached."""
        rng = self.rng
        wanted: list[tuple[str, float]] = []  # (target, when)
        if priority == 1:
            wanted += [("L3", received + 300), ("L4", received + 420)]
        if breach:
            wanted.append(("DPO", received + 600))
        if resolution_due is not None and resolved > resolution_due.timestamp():
            wanted.append(("L2", received + (resolution_due.timestamp() - received) / 2))
        team, share = FUNCTIONAL.get(category, ("", 0))
        if rng.random() < share:
            wanted.append((team, received + rng.uniform(600, 7200)))
        rows, level = [], 1
        for code, at in sorted(wanted, key=lambda w: w[1]):
            target = self.escalation_matrix.target(code)
            if target is None or at >= resolved:
                continue
            recorded = min(at + rng.uniform(30, 300), resolved)
            kind = EscalationKind.HIERARCHICAL if target.is_level else EscalationKind.FUNCTIONAL
            method = ContactMethod.PHONE if priority <= 2 else ContactMethod.EMAIL
            reason = WHY.get(code, WHY["functional"])
            tried = rng.choice(TRIED)
            made = Escalation(at=datetime.fromtimestamp(at, UTC), kind=kind,
                              target_code=code, target_name=target.name, method=method,
                              reason=reason, tried=tried)
            if target.is_level and target.rank > level:
                history.append((incident_id, recorded, who, "changed", "escalation_level",
                                self.escalation_matrix.level_name(level), target.name))
                level = target.rank
            history.append((incident_id, recorded, who, ESCALATED, None, None,
                            describe_escalation(made)))
            rows.append((incident_id, _utc_text(at), _utc_text(recorded), who, kind, code,
                         target.name, target.rank if target.is_level else None, "", "",
                         method.value, reason, tried))
        return rows, level

    def _problem(self, category: str, template: str, received: float) -> _Problem | None:
        """The problem behind an incident like this one, if one was open when it came in
        and an advisor linked it."""
        problem = self.problems.get((category, template))
        if (problem is None or not problem.opened <= received < problem.closes
                or self.rng.random() >= LINK_SHARE):
            return None
        return problem

    def _satisfaction(self, incident_id: int, received: float, resolved: float,
                      priority: int, met: bool | None, who: int, history: list) -> tuple | None:
        """The caller's score, given a while after the resolution (not in the future):
        higher when it was quick and on time."""
        rng = self.rng
        given = resolved + rng.uniform(3600, 3 * 86400)
        if given >= self.now:
            return None
        quick = resolved - received < 0.8 * RESOLVE_HOURS[priority] * 3600
        tier = "late" if met is False else "fast" if quick else "met"
        score = rng.choices((1, 2, 3, 4, 5), weights=SCORE_WEIGHTS[tier])[0]
        method = rng.choices(*zip(*METHOD_WEIGHTS, strict=True))[0]
        comment = COMMENTS[score] if rng.random() < 0.3 else ""
        recorded = min(given + rng.randrange(60, 1800), self.now)
        history.append((incident_id, recorded, who, SATISFACTION, SATISFACTION, None,
                        describe(score, method, datetime.fromtimestamp(given, UTC), comment)))
        return (incident_id, score, comment, method.value, _utc_text(given),
                _utc_text(recorded), who)


# (level or team, name, role, phone, email, hours): fictional people, reserved numbers
DEMO_CONTACTS = (
    ("L2", "Grace Whitfield", "Duty team leader", "0161 496 0201", "grace.whitfield@example.org",
     "Mon–Fri 08:00–18:00"),
    ("L3", "Priya Shah", "Contact-centre manager", "0161 496 0202", "priya.shah@example.org",
     "Mon–Fri 08:00–18:00; on call by phone"),
    ("L4", "Daniel Osei", "Head of operations", "07700 900202", "daniel.osei@example.org",
     "24x7 for major incidents"),
    ("IT", "IT service desk", "Second-line support", "0161 496 0300", "itsd@example.org",
     "24x7"),
    ("TEL", "Northline Telecom NOC", "Telephony provider", "0800 496 0400", "",
     "24x7"),
    ("FAC", "Estates help desk", "Facilities", "0161 496 0500", "estates@example.org",
     "Mon–Fri 07:00–19:00"),
    ("DPO", "Helen Adeyemi", "Data protection officer", "0161 496 0600",
     "dpo@example.org", "Mon–Fri 09:00–17:00; deputy out of hours"),
    ("CMP", "Complaints team", "Customer relations", "", "complaints@example.org",
     "Mon–Fri 09:00–17:00"),
)


def _demo_contacts() -> None:
    """Named contacts for the matrix, where it has none yet (a demo needs people)."""
    if EscalationContact.select().exists():
        return
    codes = {t.code for t in EscalationTarget.select(EscalationTarget.code)}
    for position, (code, name, role, phone, email, hours) in enumerate(DEMO_CONTACTS):
        if code in codes:
            EscalationContact.create(target=code, name=name, role=role, phone=phone, email=email,
                                     hours=hours, position=position)


def _demo_teams(users: list[User]) -> dict[int, list[int]]:
    """The demo teams, made where missing, with the demo users who are in no team put in
    theirs; each user's teammates (by id)."""
    by_name = {u.username: u for u in users}
    for position, (name, members) in enumerate(DEMO_TEAMS.items(), start=1):
        team = Team.get_or_none(Team.name == name) or Team.create(name=name, position=position)
        for username in members:
            user = by_name[username]
            if user.team_id is None:
                user.team = team
                user.save()
    teams: dict[int, list[int]] = {}
    for user in users:
        if user.team_id is not None:
            teams.setdefault(user.team_id, []).append(user.id)
    return {u.id: teams[u.team_id] for u in users if u.team_id is not None}


def _demo_problems(rng: random.Random, first: float, now: float, leaders: list[User]
                   ) -> list[_Problem]:
    """The demo problems, raised and moved along their lifecycle at times within
    [first, now), with their trails; none when the database has problems already."""
    if Problem.select().exists():
        return []
    made = []
    span = now - first
    for spec in sorted(DEMO_PROBLEMS, key=lambda p: p.start):  # references in order raised
        owner = rng.choice(leaders)
        opened = first + spec.start * span
        closes = first + spec.end * span if spec.end < 1 else now
        events: list[tuple[float, str, str | None, str | None, str | None]] = []

        def move(at: float, old: ProblemStatus, new: ProblemStatus, note: str = "",
                 events=events) -> None:
            events.append((at, "status", "status", old.value, new.value))
            if note:
                events.append((at, "note", FIX if new == ProblemStatus.RESOLVED else "note",
                               None, note))

        times = {"known_error_at": None, "resolved_at": None, "closed_at": None}
        if spec.status != ProblemStatus.OPEN:
            move(opened + 86400, ProblemStatus.OPEN, ProblemStatus.INVESTIGATING)
        if spec.status == ProblemStatus.KNOWN_ERROR:
            at = opened + 3 * 86400
            events += [(at, "changed", "root_cause", None, spec.root_cause),
                       (at, "changed", "workaround", None, spec.workaround)]
            move(at, ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR)
            times["known_error_at"] = at
        if spec.status in (ProblemStatus.RESOLVED, ProblemStatus.CLOSED):
            events.append((closes - 2 * 86400, "changed", "root_cause", None, spec.root_cause))
            move(closes, ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED, spec.fix)
            times["resolved_at"] = closes
        if spec.status == ProblemStatus.CLOSED:
            at = min(closes + 3 * 86400, now - 60)
            move(at, ProblemStatus.RESOLVED, ProblemStatus.CLOSED,
                 "The fix has held: no incident of this kind since.")
            times["closed_at"] = at
        year = time.localtime(opened).tm_year
        ProblemCounter.insert(year=year, last=0).on_conflict_ignore().execute()
        ProblemCounter.update(last=ProblemCounter.last + 1).where(
            ProblemCounter.year == year).execute()
        reference = problem_reference(year, ProblemCounter.get_by_id(year).last)

        def at(ts: float | None) -> datetime | None:
            return None if ts is None else datetime.fromtimestamp(ts, UTC)

        problem = Problem.create(
            reference=reference, title=spec.title, status=spec.status,
            root_cause=spec.root_cause if spec.status != ProblemStatus.INVESTIGATING else "",
            workaround=spec.workaround, owner=owner, created_at=at(opened),
            created_by=owner, updated_at=at(max([opened, *(e[0] for e in events)])),
            version=1 + sum(e[1] == "status" for e in events),
            **{name: at(value) for name, value in times.items()})
        trail = [(opened, "created", None, None, f"{reference}: {spec.title}"),
                 (opened, "changed", "owner_id", None, owner.display_name), *events]
        ProblemEvent.insert_many(
            [(problem.id, at(when), owner.id, action, field, old, new)
             for when, action, field, old, new in trail],
            fields=[ProblemEvent.problem, ProblemEvent.at, ProblemEvent.user,
                    ProblemEvent.action, ProblemEvent.field, ProblemEvent.old_value,
                    ProblemEvent.new_value]).execute()
        made.append(_Problem(spec, problem.id, reference, opened, closes))
    return made


def generate(count: int, seed: int | None = None, months: int = 12,
             progress: Callable[[int], None] | None = None,
             now: datetime | None = None) -> DemoResult:
    """Add ``count`` demo incidents, received over the ``months`` months before ``now``, to
    the open database, with the demo users in teams, problems behind some recurring
    incidents (when the database has none yet) and the callers' satisfaction with some of
    those resolved. References continue from those already handed out; the same seed and
    ``now`` give the same incidents."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be between 1 and {MAX_COUNT:,}; got {count:,}.")
    started = time.perf_counter()
    rng = random.Random(seed)
    now = (now or now_utc()).timestamp()
    users = [ensure_user(u, name) for u, name, _ in DEMO_USERS]
    for user, (_, _, role) in zip(users, DEMO_USERS, strict=True):
        if user.role != role:
            user.role = role
            user.save()
    leaders = [u for u in users if u.role == "team_leader"]
    _demo_contacts()
    first = now - months * 30.4 * 86400
    with database.atomic():
        teammates = _demo_teams(users)
        problems = _demo_problems(rng, first, now, leaders)
    gen = _Generator(rng, now, [u.id for u in users], [u.id for u in leaders], teammates,
                     problems)
    times = _received_times(rng, count, first, now - 60)
    counters = {c.year: c.last for c in ReferenceCounter.select()}
    insert_incident = (f"INSERT INTO incident ({', '.join(INCIDENT_COLUMNS)}) "
                       f"VALUES ({', '.join('?' * len(INCIDENT_COLUMNS))})")
    insert_history = (f"INSERT INTO history ({', '.join(HISTORY_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(HISTORY_COLUMNS))})")
    insert_escalation = (f"INSERT INTO escalation ({', '.join(ESCALATION_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(ESCALATION_COLUMNS))})")
    history_total = 0
    for start in range(0, count, BATCH):
        # no other writer takes an id or a reference meanwhile (the tables in the order
        # create_incident writes them)
        with exclusive_transaction(ReferenceCounter, Incident):
            next_id = Incident.select(pw.fn.COALESCE(pw.fn.MAX(Incident.id), 0)).scalar() + 1
            incidents, history, pauses, scores, links, escalations = [], [], [], [], [], []
            for offset, received in enumerate(times[start:start + BATCH]):
                year = time.localtime(received).tm_year
                counters[year] = counters.get(year, 0) + 1
                row, rows, pause_rows, score, link, made = gen.incident(
                    next_id + offset, format_reference(year, counters[year]), received)
                escalations.extend(made)
                incidents.append(row)
                history.extend(rows)
                pauses.extend(pause_rows)
                if score:
                    scores.append(score)
                if link:
                    links.append(link)
            insert_rows(insert_incident, incidents)
            insert_rows(insert_history, _chained(history))
            insert_rows("INSERT INTO sla_pause (incident_id, reason, started_at, ended_at) "
                        "VALUES (?, ?, ?, ?)", pauses)
            insert_rows("INSERT INTO satisfaction (incident_id, score, comment, method, "
                        "given_at, recorded_at, recorded_by_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        scores)
            insert_rows("INSERT INTO problem_event (problem_id, at, user_id, action, field, "
                        "old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)", links)
            insert_rows(insert_escalation, escalations)
            advance_id_sequences(Incident, History)
            history_total += len(history)
            for year, last in counters.items():
                ReferenceCounter.insert(year=year, last=last).on_conflict(
                    conflict_target=[ReferenceCounter.year],
                    update={ReferenceCounter.last: last}).execute()
        if progress:
            progress(min(start + BATCH, count))
    with database.atomic():  # a problem was last changed when an incident was last linked
        for problem in problems:
            last = (ProblemEvent.select(pw.fn.MAX(ProblemEvent.at))
                    .where(ProblemEvent.problem == problem.id).scalar())
            Problem.update(updated_at=last).where(Problem.id == problem.id).execute()
    return DemoResult(count, history_total, time.perf_counter() - started)
