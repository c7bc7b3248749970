"""Impact x urgency gives a priority: the one place that reads the matrix."""

from __future__ import annotations

from app.models.entities import PriorityRule
from app.models.vocabulary import Level


def compute_priority(impact: Level | str, urgency: Level | str,
                     matrix: dict[tuple[Level, Level], int] | None = None) -> int:
    """The priority (1 = critical .. 5 = planning) for an impact and an urgency.

    Read from the organisation's matrix in the database, or from ``matrix`` (as returned
    by :func:`app.models.service_levels.load_matrix`) when many are computed at once.
    """
    impact, urgency = Level(impact), Level(urgency)
    if matrix is not None:
        return matrix[(impact, urgency)]
    return (PriorityRule.select(PriorityRule.priority)
            .where(PriorityRule.impact == impact, PriorityRule.urgency == urgency)
            .scalar())
