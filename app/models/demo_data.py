"""Realistic, varied demo incidents, for demonstrations, screenshots and benchmarks.

Written with ``executemany`` in large transactions rather than through the model layer:
a million incidents with their history must take minutes, not hours. The rows written
are the same as the operations write (same columns, same UTC text format).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.models.clock import now_utc
from app.models.db import database
from app.models.entities import (
    Category,
    EscalationContact,
    EscalationTarget,
    HistoryChain,
    ReferenceCounter,
)
from app.models.escalation import planned_steps
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
from app.models.service_levels import due_times, load_calendar, load_matrix, load_targets
from app.models.users import ensure_user
from app.models.vocabulary import CallerType, Channel, Level

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
    "resolution_warn_at", "escalation_due_at",
)
HISTORY_COLUMNS = ("id", "incident_id", "at", "user_id", "action", "field", "old_value",
                   "new_value", "hash")

# Relative volumes: service failures and IT dominate, safety is rare.
CATEGORY_WEIGHTS = {"Service failure": 26, "IT system failure": 22, "Complaint": 14,
                    "Telephony outage": 12, "Facilities": 12, "Security or data breach": 5,
                    "Safety": 4}

# Resolution times by priority, in hours (median-ish; spread around it).
RESOLVE_HOURS = {1: 3, 2: 7, 3: 20, 4: 45, 5: 90}


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
    head = HistoryChain.get_by_id(1)
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


class _Generator:
    def __init__(self, rng: random.Random, now: float, users: list[int], leaders: list[int]):
        self.rng = rng
        self.now = now
        self.users = users
        self.leaders = leaders
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
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        caller_type = rng.choices(list(CallerType), weights=(70, 15, 8, 7))[0]
        channel = rng.choices(list(Channel), weights=(62, 18, 10, 5, 2, 3))[0]
        if rng.random() < 0.5:
            phone = f"07700 900{rng.randrange(1000):03d}"
        else:
            phone = f"0161 496 0{rng.randrange(1000):03d}"
        email = f"{first}.{last}@example.org".lower() if rng.random() < 0.6 else ""
        account = f"AC-{rng.randrange(10**6):06d}" if caller_type == CallerType.CUSTOMER else ""
        cat_name = rng.choices(self.category_names, weights=self.category_weights)[0]
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
        owner = rng.choice(self.users) if rng.random() < 0.85 else logger
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
        start = datetime.fromtimestamp(received, UTC)
        pause_times = [(datetime.fromtimestamp(a, UTC), b and datetime.fromtimestamp(b, UTC))
                       for a, b, _ in pauses]
        due = due_times(priority, start, pause_times, self.targets, self.calendar)
        response_due, resolution_due = due.response_due, due.resolution_due
        escalation_due = None
        if status.is_open:  # the first escalation the matrix asks for (none made in demo)
            breach = bool({cat_id, sub_id} & self.breach_categories)
            waiting = [step.due_at for step in planned_steps(
                priority, start, (cat_id, *([sub_id] if sub_id else [])), breach, pause_times,
                self.escalation_matrix, self.targets, self.calendar) if step.due_at]
            escalation_due = min(waiting) if waiting else None
        row = (
            incident_id, reference, _utc_text(received), _utc_text(logged), logger,
            channel.value, name, phone, email, caller_type.value, account, location, summary,
            description, cat_id, sub_id, impact.value, urgency.value, priority, status.value,
            owner, rng.random() < 0.95, responded and _utc_text(responded),
            resolved and _utc_text(resolved), closed and _utc_text(closed), resolution,
            _utc_text(at), len(history), prioritisation, rationale, "",
            _utc_text(response_due.timestamp()),
            resolution_due and _utc_text(resolution_due.timestamp()),
            None if responded is None else responded <= response_due.timestamp(),
            None if resolved is None or resolution_due is None
            else resolved <= resolution_due.timestamp(),
            _utc_text(due.response_warn_at.timestamp()),
            due.resolution_warn_at and _utc_text(due.resolution_warn_at.timestamp()),
            escalation_due and _utc_text(escalation_due.timestamp()),
        )
        history = [(h[0], _utc_text(h[1]), *h[2:]) for h in history]
        pause_rows = [(incident_id, reason, _utc_text(a), b and _utc_text(b))
                      for a, b, reason in pauses]
        return row, history, pause_rows


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


def generate(count: int, seed: int | None = None, months: int = 12,
             progress: Callable[[int], None] | None = None,
             now: datetime | None = None) -> DemoResult:
    """Add ``count`` demo incidents, received over the ``months`` months before ``now``, to
    the open database. References continue from those already handed out; the same seed
    and ``now`` give the same incidents."""
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
    leaders = [u.id for u in users if u.role == "team_leader"]
    _demo_contacts()
    gen = _Generator(rng, now, [u.id for u in users], leaders)
    times = _received_times(rng, count, now - months * 30.4 * 86400, now - 60)
    counters = {c.year: c.last for c in ReferenceCounter.select()}
    conn = database.connection()
    insert_incident = (f"INSERT INTO incident ({', '.join(INCIDENT_COLUMNS)}) "
                       f"VALUES ({', '.join('?' * len(INCIDENT_COLUMNS))})")
    insert_history = (f"INSERT INTO history ({', '.join(HISTORY_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(HISTORY_COLUMNS))})")
    history_total = 0
    for start in range(0, count, BATCH):
        with database.atomic():
            next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM incident").fetchone()[0]
                       + 1)
            incidents, history, pauses = [], [], []
            for offset, received in enumerate(times[start:start + BATCH]):
                year = time.localtime(received).tm_year
                counters[year] = counters.get(year, 0) + 1
                row, rows, pause_rows = gen.incident(
                    next_id + offset, format_reference(year, counters[year]), received)
                incidents.append(row)
                history.extend(rows)
                pauses.extend(pause_rows)
            conn.executemany(insert_incident, incidents)
            conn.executemany(insert_history, _chained(history))
            conn.executemany("INSERT INTO sla_pause (incident_id, reason, started_at, ended_at) "
                             "VALUES (?, ?, ?, ?)", pauses)
            history_total += len(history)
            for year, last in counters.items():
                ReferenceCounter.insert(year=year, last=last).on_conflict(
                    conflict_target=[ReferenceCounter.year],
                    update={ReferenceCounter.last: last}).execute()
        if progress:
            progress(min(start + BATCH, count))
    return DemoResult(count, history_total, time.perf_counter() - started)
