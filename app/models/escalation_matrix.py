"""The organisation's escalation matrix as data: levels and teams with their named contacts,
and the rules that say who is told about which incidents, when and how.

``load_escalation_matrix`` reads it into plain objects; ``save_escalation_matrix`` checks
all of it first (missing levels or contacts, contacts that cannot be reached, rules that
overlap with different outcomes) and replaces it in one transaction, or writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.models.clock import now_utc
from app.models.db import database
from app.models.entities import (
    Category,
    ConfigChange,
    EscalationContact,
    EscalationRule,
    EscalationTarget,
    User,
)
from app.models.permissions import Permission, check_permission
from app.models.text_rules import text_error, trimmed
from app.models.validation import email_error, phone_error
from app.models.vocabulary import PRIORITY_NAMES, ContactMethod

ESCALATION_AREA = "escalation"  # ConfigChange.area of changes to the matrix
CODE = re.compile(r"^[A-Z0-9_-]{1,12}$")
MAX_SHARE = 500  # percent of the resolution target: five times over is the latest allowed
# methods that need the contact's phone number, or email address
NEEDS_PHONE = (ContactMethod.PHONE, ContactMethod.SMS)
NEEDS_EMAIL = (ContactMethod.EMAIL,)


class TargetKind(StrEnum):
    LEVEL = "level"  # the management chain: hierarchical escalation
    TEAM = "team"  # a team with the skill: functional escalation


class EscalationMatrixError(ValueError):
    """A matrix that cannot be saved; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""  # when they can be reached, as the organisation writes it

    def detail(self, method: ContactMethod | str) -> str:
        """The number or address to use for ``method``."""
        method = ContactMethod(method)
        if method in NEEDS_EMAIL:
            return self.email
        if method in NEEDS_PHONE:
            return self.phone
        return self.phone or self.email


@dataclass(frozen=True)
class Target:
    code: str
    kind: TargetKind
    name: str
    rank: int | None = None  # levels: 1 (advisor) upwards
    contacts: tuple[Contact, ...] = ()

    @property
    def is_level(self) -> bool:
        return self.kind == TargetKind.LEVEL

    def contact(self, name: str) -> Contact | None:
        return next((c for c in self.contacts if c.name == name), None)


@dataclass(frozen=True)
class Rule:
    """Escalate to ``target`` by ``method`` once ``share`` percent of the resolution target
    has passed (None: at once), for incidents of ``priority`` (None: any), in
    ``category_id`` (None: any; a category covers its subcategories' incidents too), and,
    with ``breach``, only for personal data breaches."""

    target: str
    method: ContactMethod
    share: int | None = None
    priority: int | None = None
    category_id: int | None = None
    breach: bool = False
    contact: str = ""  # a named contact of the target; "" for whoever is available

    @property
    def specificity(self) -> int:
        """How many conditions the rule sets: a more specific rule overrides a more general
        one for the same target."""
        return (self.priority is not None) + (self.category_id is not None) + self.breach

    @property
    def is_plain(self) -> bool:
        """Applies by priority alone (shown in the priority rows of the grid)."""
        return self.category_id is None and not self.breach

    def applies(self, priority: int, category_ids: tuple[int, ...], breach: bool) -> bool:
        return ((self.priority is None or self.priority == priority)
                and (self.category_id is None or self.category_id in category_ids)
                and (breach or not self.breach))

    def condition_key(self) -> tuple:
        return (self.priority, self.category_id, self.breach)


def share_heading(share: int | None) -> str:
    return "At once" if share is None else f"{share}%"


def condition_text(priority: int | None, category: str | None, breach: bool) -> str:
    """``P1 incidents``, ``Personal data breaches``, ``P2 · Telephony outage``."""
    parts = []
    if priority is not None:
        parts.append(f"P{priority}")
    if category:
        parts.append(category)
    if breach:
        parts.append("personal data breach")
    if not parts:
        return "Any incident"
    text = " · ".join(parts)
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class EscalationMatrix:
    targets: tuple[Target, ...]
    rules: tuple[Rule, ...]
    category_names: dict[int, str] = field(default_factory=dict, compare=False)

    def target(self, code: str) -> Target | None:
        return next((t for t in self.targets if t.code == code), None)

    def levels(self) -> list[Target]:
        return sorted((t for t in self.targets if t.is_level), key=lambda t: t.rank or 0)

    def teams(self) -> list[Target]:
        return [t for t in self.targets if not t.is_level]

    def level_name(self, rank: int) -> str:
        level = next((t for t in self.levels() if t.rank == rank), None)
        return level.name if level else f"L{rank}"

    def rule_text(self, number: int, rule: Rule) -> str:
        """``Rule 3 (P2, at 50%)`` for messages."""
        condition = condition_text(rule.priority, self.category_names.get(rule.category_id)
                                   if rule.category_id else None, rule.breach)
        return f"Rule {number} ({condition}, {share_heading(rule.share).lower()})"

    def rules_for(self, priority: int, category_ids: tuple[int, ...] = (),
                  breach: bool = False) -> list[Rule]:
        """The rules an incident answers to: for each target the most specific rule that
        applies (the earliest of equals), at once first, then by share."""
        best: dict[str, Rule] = {}
        for rule in self.rules:
            if not rule.applies(priority, category_ids, breach):
                continue
            held = best.get(rule.target)
            if held is None or rule.specificity > held.specificity:
                best[rule.target] = rule
        order = {rule: n for n, rule in enumerate(self.rules)}
        return sorted(best.values(), key=lambda r: (r.share is not None, r.share or 0,
                                                    order[r]))

    def warnings(self) -> list[str]:
        """What is allowed but worth fixing: levels and teams the rules use with nobody
        named to contact."""
        used = {rule.target for rule in self.rules}
        return [f"{t.name} has no named contact yet." for t in self.targets
                if t.code in used and not t.contacts]


# --- loading --------------------------------------------------------------------------------
def load_escalation_matrix() -> EscalationMatrix:
    contacts: dict[str, list[Contact]] = {}
    for c in EscalationContact.select().order_by(EscalationContact.position,
                                                 EscalationContact.id):
        contacts.setdefault(c.target_code, []).append(
            Contact(c.name, c.role, c.phone, c.email, c.hours))
    targets = tuple(
        Target(t.code, TargetKind(t.kind), t.name, t.rank, tuple(contacts.get(t.code, ())))
        for t in EscalationTarget.select().order_by(EscalationTarget.position))
    rules = tuple(
        Rule(r.target_code, ContactMethod(r.method), r.share_percent, r.priority,
             r.category_id, r.breach, r.contact_name)
        for r in EscalationRule.select().order_by(EscalationRule.position, EscalationRule.id))
    return EscalationMatrix(targets, rules, category_names())


def category_names() -> dict[int, str]:
    """Every category's name, a subcategory's with its parent's (``IT › Email``)."""
    rows = {c.id: c for c in Category.select()}
    return {i: (f"{rows[c.parent_id].name} › {c.name}" if c.parent_id in rows else c.name)
            for i, c in rows.items()}


# --- checking -------------------------------------------------------------------------------
def _text_problem(label: str, value: str, limit: int, required: bool = False) -> str | None:
    if required and not value:
        return f"{label} is required."
    if len(value) > limit:
        return f"{label} can have at most {limit} characters."
    problem = text_error(value)
    return f"{label} {problem}" if problem else None


def _target_problems(targets: tuple[Target, ...]) -> list[str]:
    problems = []
    codes, names, ranks = set(), set(), set()
    for t in targets:
        what = f"'{t.name or t.code}'"
        if not CODE.match(t.code):
            problems.append(f"{what}: the code must be 1 to 12 capital letters, digits, "
                            "'-' or '_' (for example L2 or IT).")
        elif t.code in codes:
            problems.append(f"Two levels or teams have the code {t.code}.")
        codes.add(t.code)
        problem = _text_problem(f"{t.code}: the name", t.name, 80, required=True)
        if problem:
            problems.append(problem)
        elif t.name.lower() in names:
            problems.append(f"Two levels or teams are called '{t.name}'.")
        names.add(t.name.lower())
        if t.is_level:
            if t.rank is None or not 1 <= t.rank <= 9:
                problems.append(f"{what}: a level needs a rank from 1 to 9.")
            elif t.rank in ranks:
                problems.append(f"Two levels have rank {t.rank}.")
            ranks.add(t.rank)
        problems += _contact_problems(t)
    return problems


def _contact_problems(target: Target) -> list[str]:
    problems = []
    seen = set()
    for c in target.contacts:
        who = f"{target.name}: contact '{c.name}'" if c.name else f"{target.name}: a contact"
        for label, value, limit, required in (("the name", c.name, 100, True),
                                              ("the role", c.role, 100, False),
                                              ("the hours", c.hours, 100, False)):
            problem = _text_problem(f"{who}: {label}", value, limit, required)
            if problem:
                problems.append(problem)
        if c.name.lower() in seen:
            problems.append(f"{target.name} has two contacts called '{c.name}'.")
        seen.add(c.name.lower())
        if not c.phone and not c.email:
            problems.append(f"{who} has neither a phone number nor an email address: give "
                            "at least one.")
        for label, problem in (("the phone number", phone_error(c.phone)),
                               ("the email", email_error(c.email) if len(c.email) <= 254
                                else "can have at most 254 characters.")):
            if problem:
                problems.append(f"{who}: {label}: {problem}")
    return problems


def _rule_problems(matrix: EscalationMatrix, known_categories: set[int]) -> list[str]:
    problems = []
    for number, rule in enumerate(matrix.rules, start=1):
        what = matrix.rule_text(number, rule)
        target = matrix.target(rule.target)
        if target is None:
            problems.append(f"{what} escalates to '{rule.target}', which is not a level or "
                            "team of the matrix.")
        if rule.priority is not None and rule.priority not in PRIORITY_NAMES:
            problems.append(f"{what}: the priority must be P1 to P5, or any.")
        if rule.category_id is not None and rule.category_id not in known_categories:
            problems.append(f"{what}: its category no longer exists.")
        if rule.share is not None and not 1 <= rule.share <= MAX_SHARE:
            problems.append(f"{what}: the time must be at once, or 1% to {MAX_SHARE}% of the "
                            "resolution target.")
        if rule.method not in set(ContactMethod):
            problems.append(f"{what}: '{rule.method}' is not a contact method.")
            continue
        if target is None or not rule.contact:
            continue
        contact = target.contact(rule.contact)
        if contact is None:
            problems.append(f"{what} names {rule.contact}, who is not a contact of "
                            f"{target.name}.")
        elif not contact.detail(rule.method):
            needed = "email address" if rule.method in NEEDS_EMAIL else "phone number"
            problems.append(f"{what} contacts {contact.name} by "
                            f"{ContactMethod(rule.method).label.lower()}, but "
                            f"{contact.name} has no {needed}.")
    return problems + _overlap_problems(matrix)


def _overlaps(a: Rule, b: Rule) -> bool:
    """Whether one incident could answer to both rules."""
    return ((a.priority is None or b.priority is None or a.priority == b.priority)
            and (a.category_id is None or b.category_id is None
                 or a.category_id == b.category_id))


def _overlap_problems(matrix: EscalationMatrix) -> list[str]:
    """Two rules for the same target that can apply to the same incident, neither more
    specific than the other, with different outcomes: which one holds is not clear."""
    problems = []
    rules = list(enumerate(matrix.rules, start=1))
    for i, (n, a) in enumerate(rules):
        for m, b in rules[i + 1:]:
            if (a.target != b.target or a.specificity != b.specificity
                    or not _overlaps(a, b)):
                continue
            target = matrix.target(a.target)
            name = target.name if target else a.target
            if (a.share, a.method, a.contact) == (b.share, b.method, b.contact):
                if a.condition_key() == b.condition_key():
                    problems.append(f"Rules {n} and {m} are the same: remove one.")
                continue
            problems.append(
                f"{matrix.rule_text(n, a)} and {matrix.rule_text(m, b)} can both apply to "
                f"one incident and escalate to {name} differently ({_outcome(a)}; "
                f"{_outcome(b)}): remove one, or make one more specific.")
    return problems


def _outcome(rule: Rule) -> str:
    text = f"{share_heading(rule.share).lower()} by {ContactMethod(rule.method).label.lower()}"
    return f"{text} to {rule.contact}" if rule.contact else text


def escalation_matrix_problems(matrix: EscalationMatrix) -> list[str]:
    """Everything wrong with ``matrix``: levels and teams, contacts, then rules."""
    known = set(category_names())
    problems = _target_problems(matrix.targets)
    if not any(t.is_level for t in matrix.targets):
        problems.append("The matrix needs at least one level.")
    return problems + _rule_problems(matrix, known)


# --- saving ---------------------------------------------------------------------------------
def _write(matrix: EscalationMatrix) -> None:
    EscalationRule.delete().execute()
    EscalationContact.delete().execute()
    EscalationTarget.delete().execute()
    for position, t in enumerate(matrix.targets):
        EscalationTarget.create(code=t.code, kind=t.kind, name=t.name, rank=t.rank,
                                position=position)
        for n, c in enumerate(t.contacts):
            EscalationContact.create(target=t.code, name=c.name, role=c.role, phone=c.phone,
                                     email=c.email, hours=c.hours, position=n)
    for position, r in enumerate(matrix.rules):
        EscalationRule.create(position=position, priority=r.priority, category=r.category_id,
                              breach=r.breach, share_percent=r.share, target=r.target,
                              method=r.method, contact_name=r.contact)


def cleaned(matrix: EscalationMatrix) -> EscalationMatrix:
    """``matrix`` with the spaces around every typed value removed."""
    targets = tuple(
        Target(trimmed(t.code).upper(), t.kind, trimmed(t.name), t.rank,
               tuple(Contact(trimmed(c.name), trimmed(c.role), trimmed(c.phone),
                             trimmed(c.email), trimmed(c.hours)) for c in t.contacts))
        for t in matrix.targets)
    rules = tuple(Rule(r.target, r.method, r.share, r.priority, r.category_id, r.breach,
                       trimmed(r.contact)) for r in matrix.rules)
    return EscalationMatrix(targets, rules, matrix.category_names)


def save_escalation_matrix(matrix: EscalationMatrix, by: User,
                           now: datetime | None = None) -> list[str]:
    """Replace the matrix, or write nothing; return what changed, which is also written to
    the settings' history with who changed it and when.

    Escalations already made keep the names they were made with; open incidents are
    measured against the new rules at once (their next escalation is worked out again).

    Raises:
        RolePermissionError: ``by`` may not edit the matrix.
        EscalationMatrixError: ``matrix`` has problems; nothing was written.
    """
    check_permission(by, Permission.EDIT_ESCALATION_MATRIX)
    matrix = cleaned(matrix)
    problems = escalation_matrix_problems(matrix)
    if problems:
        raise EscalationMatrixError(problems)
    now = now or now_utc()
    with database.atomic():
        changes = describe_matrix_changes(load_escalation_matrix(), matrix)
        _write(matrix)
        for summary in changes:
            ConfigChange.create(at=now, user=by, area=ESCALATION_AREA, summary=summary)
        if changes:
            from app.models.escalation import recompute_escalation_due

            recompute_escalation_due()
    return changes


def _contact_text(c: Contact) -> str:
    parts = [c.name] + [p for p in (c.role, c.phone, c.email, c.hours) if p]
    return ", ".join(parts)


def _rule_summary(matrix: EscalationMatrix, rule: Rule) -> str:
    target = matrix.target(rule.target)
    condition = condition_text(rule.priority, matrix.category_names.get(rule.category_id)
                               if rule.category_id else None, rule.breach)
    return f"{condition}: {target.name if target else rule.target}, {_outcome(rule)}"


def describe_matrix_changes(old: EscalationMatrix, new: EscalationMatrix) -> list[str]:
    """One sentence for each difference between two matrices."""
    changes = []
    old_targets = {t.code: t for t in old.targets}
    new_targets = {t.code: t for t in new.targets}
    for code in old_targets.keys() - new_targets.keys():
        changes.append(f"Removed {old_targets[code].name} ({code}).")
    for t in new.targets:
        before = old_targets.get(t.code)
        if before is None:
            changes.append(f"Added {t.kind.value} {t.name} ({t.code}).")
            before = Target(t.code, t.kind, t.name)
        elif before.name != t.name or before.rank != t.rank:
            changes.append(f"{t.code}: {before.name} -> {t.name}"
                           + (f" (rank {before.rank} -> {t.rank})"
                              if before.rank != t.rank else "") + ".")
        old_contacts = {_contact_text(c) for c in before.contacts}
        new_contacts = {_contact_text(c) for c in t.contacts}
        for text in sorted(old_contacts - new_contacts):
            changes.append(f"{t.name}: contact removed: {text}.")
        for text in sorted(new_contacts - old_contacts):
            changes.append(f"{t.name}: contact added: {text}.")
    old_rules = [_rule_summary(old, r) for r in old.rules]
    new_rules = [_rule_summary(new, r) for r in new.rules]
    for text in old_rules:
        if text not in new_rules:
            changes.append(f"Rule removed: {text}.")
    for text in new_rules:
        if text not in old_rules:
            changes.append(f"Rule added: {text}.")
    return changes


# --- the matrix as a grid: conditions down, times across ------------------------------------
@dataclass(frozen=True)
class Grid:
    """Rows: P1 to P5 (the rules that apply by priority), then one row per other condition
    (a category, a personal data breach); columns: at once, then each share of the
    resolution target the rules use; each cell: the rules that fall due there."""

    rows: tuple[tuple, ...]  # condition keys: (priority, None, False) or a rule's own
    row_labels: tuple[str, ...]
    columns: tuple[int | None, ...]
    cells: dict[tuple[int, int], tuple[Rule, ...]]

    def cell_of(self, priority: int, rule: Rule) -> tuple[int, int]:
        """Where ``rule`` shows for an incident of ``priority``."""
        key = (priority, None, False) if rule.is_plain else rule.condition_key()
        return self.rows.index(key), self.columns.index(rule.share)


def matrix_grid(matrix: EscalationMatrix) -> Grid:
    columns = tuple(sorted({r.share for r in matrix.rules}, key=lambda s: (s is not None,
                                                                           s or 0)))
    rows = [(p, None, False) for p in PRIORITY_NAMES]
    cells: dict[tuple[int, int], list[Rule]] = {}
    for row, (priority, _, _) in enumerate(rows):
        for rule in matrix.rules_for(priority):
            cells.setdefault((row, columns.index(rule.share)), []).append(rule)
    for rule in matrix.rules:
        if rule.is_plain:
            continue
        if rule.condition_key() not in rows:
            rows.append(rule.condition_key())
        cells.setdefault((rows.index(rule.condition_key()), columns.index(rule.share)),
                         []).append(rule)
    labels = tuple(
        f"P{p} {PRIORITY_NAMES[p]}" if (category is None and not breach) else
        condition_text(p, matrix.category_names.get(category) if category else None, breach)
        for p, category, breach in rows)
    return Grid(tuple(rows), labels, columns, {k: tuple(v) for k, v in cells.items()})


def cell_lines(matrix: EscalationMatrix, rules: tuple[Rule, ...]) -> list[str]:
    """Who is contacted and how, one line each: ``L2 team leader — in person: Anne Smith
    (0161 496 0100)``; without a named contact, the target's contacts."""
    lines = []
    for rule in rules:
        target = matrix.target(rule.target)
        if target is None:
            continue
        method = ContactMethod(rule.method)
        contacts = [target.contact(rule.contact)] if rule.contact else list(target.contacts)
        who = "; ".join(f"{c.name} ({c.detail(method)})" if c.detail(method) else c.name
                        for c in contacts if c is not None) or "no named contact"
        lines.append(f"{target.name} — {method.label.lower()}: {who}")
    return lines
