"""Guided prioritisation: the advisor's answers give impact and urgency, the matrix gives
the priority, and a sentence says why.

The answers are kept with the incident (as JSON) so that the record shows how the priority
was reached, not just the result. An advisor may choose another priority than the matrix's,
but only with a written reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.models.priority import compute_priority
from app.models.text_rules import trimmed
from app.models.validation import IncidentDraft
from app.models.vocabulary import PRIORITY_NAMES, Level, priority_label

FORMAT_VERSION = 1
_RANK = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class Scope(StrEnum):
    """How many people, or how much of the service, the incident affects."""

    ONE = "one"
    SEVERAL = "several"
    GROUP = "group"
    MANY = "many"


class Harm(StrEnum):
    """A harm beyond the people affected."""

    SAFETY = "safety"
    PERSONAL_DATA = "personal_data"
    REGULATORY = "regulatory"
    FINANCIAL = "financial"
    REPUTATIONAL = "reputational"


class Trend(StrEnum):
    """Whether the incident is getting worse."""

    WORSENING = "worsening"
    STEADY = "steady"
    CONTAINED = "contained"


class Workaround(StrEnum):
    """Whether people can carry on some other way meanwhile."""

    NONE = "none"
    PARTIAL = "partial"
    GOOD = "good"


class Deadline(StrEnum):
    """Whether something must be fixed by a time."""

    HOURS = "hours"
    DAYS = "days"
    NONE = "none"


# Each answer: (the question's choice as shown, its level, the reason as a clause).
SCOPE_ANSWERS = {
    Scope.ONE: ("One person", Level.LOW, "only one person is affected"),
    Scope.SEVERAL: ("Several people or one team", Level.MEDIUM,
                    "several people or one team are affected"),
    Scope.GROUP: ("A site, a department or a group of customers", Level.MEDIUM,
                  "a site, a department or a group of customers is affected"),
    Scope.MANY: ("Many customers, or a whole service is down", Level.HIGH,
                 "many customers or a whole service are affected"),
}
HARM_ANSWERS = {
    Harm.SAFETY: ("Someone's safety is at risk", Level.HIGH, "someone's safety is at risk"),
    Harm.PERSONAL_DATA: ("Personal data may have been lost or exposed", Level.HIGH,
                         "personal data may have been lost or exposed"),
    Harm.REGULATORY: ("Regulatory or legal consequences", Level.HIGH,
                      "there are regulatory or legal consequences"),
    Harm.FINANCIAL: ("Money is being lost or owed", Level.MEDIUM,
                     "there is a financial impact"),
    Harm.REPUTATIONAL: ("The organisation's reputation is at stake", Level.MEDIUM,
                        "the organisation's reputation is at stake"),
}
TREND_ANSWERS = {
    Trend.WORSENING: ("It is getting worse or spreading", Level.HIGH,
                      "it is getting worse"),
    Trend.STEADY: ("It is steady", Level.LOW, "it is not getting worse"),
    Trend.CONTAINED: ("It is contained", Level.LOW, "it is contained"),
}
WORKAROUND_ANSWERS = {
    Workaround.NONE: ("No workaround", Level.HIGH, "there is no workaround"),
    Workaround.PARTIAL: ("A partial or slow workaround", Level.MEDIUM,
                         "there is only a partial workaround"),
    Workaround.GOOD: ("A good workaround", Level.LOW, "there is a good workaround"),
}
DEADLINE_ANSWERS = {
    Deadline.HOURS: ("Within hours (today)", Level.HIGH, "it must be fixed within hours"),
    Deadline.DAYS: ("Within days", Level.MEDIUM, "it must be fixed within days"),
    Deadline.NONE: ("No deadline", Level.LOW, "there is no deadline"),
}


class PrioritisationError(ValueError):
    """Answers that cannot give a priority; ``problems`` maps each question to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class Answers:
    """What the advisor answered to the impact and urgency questions."""

    scope: Scope | None = None
    service: str = ""  # which service or what is affected, in the advisor's words
    harms: frozenset[Harm] = field(default_factory=frozenset)
    trend: Trend | None = None
    workaround: Workaround | None = None
    workaround_text: str = ""
    deadline: Deadline | None = None
    deadline_text: str = ""

    def to_dict(self) -> dict:
        return {"scope": self.scope, "service": trimmed(self.service),
                "harms": sorted(self.harms), "trend": self.trend,
                "workaround": self.workaround, "workaround_text": trimmed(self.workaround_text),
                "deadline": self.deadline, "deadline_text": trimmed(self.deadline_text)}

    @classmethod
    def from_dict(cls, data: dict) -> Answers:
        def choice(kind, key):
            value = data.get(key)
            return kind(value) if value else None
        return cls(scope=choice(Scope, "scope"), service=data.get("service", ""),
                   harms=frozenset(Harm(h) for h in data.get("harms", ())),
                   trend=choice(Trend, "trend"), workaround=choice(Workaround, "workaround"),
                   workaround_text=data.get("workaround_text", ""),
                   deadline=choice(Deadline, "deadline"),
                   deadline_text=data.get("deadline_text", ""))


@dataclass(frozen=True)
class Assessment:
    """A level (impact or urgency) and the reasons that set it."""

    level: Level
    reasons: tuple[str, ...]

    def clause(self) -> str:
        """``reason one, reason two and reason three``."""
        if len(self.reasons) == 1:
            return self.reasons[0]
        return ", ".join(self.reasons[:-1]) + " and " + self.reasons[-1]


def _assess(found: list[tuple[Level, str]]) -> Assessment:
    """The highest level found, with the reasons at that level (the ones that decided it)."""
    level = max((lvl for lvl, _ in found), key=_RANK.__getitem__)
    return Assessment(level, tuple(reason for lvl, reason in found if lvl == level))


def _with_detail(reason: str, detail: str) -> str:
    detail = detail.strip()
    return f"{reason} ({detail})" if detail else reason


def impact_problems(answers: Answers) -> dict[str, str]:
    return {} if answers.scope else {"scope": "say how many people or how much of the "
                                              "service is affected."}


def urgency_problems(answers: Answers) -> dict[str, str]:
    problems = {}
    if answers.trend is None:
        problems["trend"] = "say whether it is getting worse."
    if answers.workaround is None:
        problems["workaround"] = "say whether there is a workaround."
    if answers.deadline is None:
        problems["deadline"] = "say whether there is a deadline."
    return problems


def assess_impact(answers: Answers) -> Assessment:
    """Impact from the scope and the harms: the highest of them.

    Raises:
        PrioritisationError: the scope is not answered.
    """
    problems = impact_problems(answers)
    if problems:
        raise PrioritisationError(problems)
    _, level, reason = SCOPE_ANSWERS[answers.scope]
    found = [(level, _with_detail(reason, answers.service))]
    found += [HARM_ANSWERS[h][1:] for h in Harm if h in answers.harms]
    return _assess(found)


def assess_urgency(answers: Answers) -> Assessment:
    """Urgency from the trend, the workaround and any deadline: the highest of them.

    Raises:
        PrioritisationError: a question is not answered.
    """
    problems = urgency_problems(answers)
    if problems:
        raise PrioritisationError(problems)
    trend = TREND_ANSWERS[answers.trend][1:]
    _, level, reason = WORKAROUND_ANSWERS[answers.workaround]
    workaround = (level, _with_detail(reason, answers.workaround_text))
    _, level, reason = DEADLINE_ANSWERS[answers.deadline]
    deadline = (level, _with_detail(reason, answers.deadline_text))
    return _assess([trend, workaround, deadline])


@dataclass(frozen=True)
class Outcome:
    """The result of prioritising: levels, the matrix's priority, any override, and why."""

    answers: Answers
    impact: Assessment
    urgency: Assessment
    matrix_priority: int
    override: int | None = None
    override_reason: str = ""

    @property
    def priority(self) -> int:
        return self.override or self.matrix_priority

    @property
    def rationale(self) -> str:
        """``P2 High: impact high because ...; urgency medium because ...``."""
        text = (f"{priority_label(self.matrix_priority)}: impact {self.impact.level} because "
                f"{self.impact.clause()}; urgency {self.urgency.level} because "
                f"{self.urgency.clause()}.")
        if self.override:
            text += (f" Overridden to {priority_label(self.override)}: "
                     f"{self.override_reason.strip()}")
        return text

    def to_json(self) -> str:
        """The answers and what they gave, as stored in ``Incident.prioritisation``."""
        return json.dumps({"version": FORMAT_VERSION, "answers": self.answers.to_dict(),
                           "impact": self.impact.level, "urgency": self.urgency.level,
                           "matrix_priority": self.matrix_priority}, sort_keys=True)


def prioritise(answers: Answers, override: int | None = None, override_reason: str = "",
               matrix: dict | None = None) -> Outcome:
    """Assess the answers, look the priority up in the matrix, and check any override.

    Raises:
        PrioritisationError: a question is not answered, or an override has no reason or is
            not a priority.
    """
    problems = impact_problems(answers) | urgency_problems(answers)
    if override is not None and override not in PRIORITY_NAMES:
        problems["override"] = "choose a priority from P1 to P5."
    elif override is not None and not override_reason.strip():
        problems["override_reason"] = ("required: say why the priority differs from the "
                                       "matrix.")
    if problems:
        raise PrioritisationError(problems)
    impact, urgency = assess_impact(answers), assess_urgency(answers)
    matrix_priority = compute_priority(impact.level, urgency.level, matrix)
    if override == matrix_priority:
        override, override_reason = None, ""
    return Outcome(answers, impact, urgency, matrix_priority, override,
                   trimmed(override_reason) if override else "")


def answers_from_json(text: str) -> Answers | None:
    """The answers stored with an incident, or None when it was not prioritised with them."""
    if not text:
        return None
    return Answers.from_dict(json.loads(text).get("answers", {}))


def describe_answers(text: str) -> str:
    """The stored answers in words, for the history and reports."""
    answers = answers_from_json(text)
    if answers is None:
        return ""
    parts = []
    if answers.scope:
        parts.append("Affected: " + _with_detail(SCOPE_ANSWERS[answers.scope][0],
                                                 answers.service))
    if answers.harms:
        parts.append("Harms: " + ", ".join(HARM_ANSWERS[h][0].lower() for h in Harm
                                           if h in answers.harms))
    if answers.trend:
        parts.append("Trend: " + TREND_ANSWERS[answers.trend][0].lower())
    if answers.workaround:
        parts.append("Workaround: " + _with_detail(
            WORKAROUND_ANSWERS[answers.workaround][0].lower(), answers.workaround_text))
    if answers.deadline:
        parts.append("Deadline: " + _with_detail(
            DEADLINE_ANSWERS[answers.deadline][0].lower(), answers.deadline_text))
    return "; ".join(parts) + "."


def apply_outcome(draft: IncidentDraft, outcome: Outcome) -> IncidentDraft:
    """``draft`` with the levels, priority override and record of ``outcome``."""
    return replace(draft, impact=outcome.impact.level.value,
                   urgency=outcome.urgency.level.value, prioritisation=outcome.to_json(),
                   priority_rationale=outcome.rationale, priority_override=outcome.override,
                   priority_override_reason=outcome.override_reason)

