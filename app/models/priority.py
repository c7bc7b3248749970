"""Impact x urgency gives a priority: the one place that knows the matrix."""

from __future__ import annotations

from app.models.vocabulary import Level

# The default matrix of domain.md. Until the matrix is editable data, this table is the
# single source: nothing else in the code maps impact and urgency to a priority.
DEFAULT_MATRIX: dict[tuple[Level, Level], int] = {
    (Level.HIGH, Level.HIGH): 1,
    (Level.HIGH, Level.MEDIUM): 2,
    (Level.HIGH, Level.LOW): 3,
    (Level.MEDIUM, Level.HIGH): 2,
    (Level.MEDIUM, Level.MEDIUM): 3,
    (Level.MEDIUM, Level.LOW): 4,
    (Level.LOW, Level.HIGH): 3,
    (Level.LOW, Level.MEDIUM): 4,
    (Level.LOW, Level.LOW): 5,
}


def compute_priority(impact: Level | str, urgency: Level | str) -> int:
    """The priority (1 = critical .. 5 = planning) for an impact and an urgency."""
    return DEFAULT_MATRIX[(Level(impact), Level(urgency))]
