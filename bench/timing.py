"""Medians of repeated runs, and floors: the SQL a run executed, replayed through sqlite3."""

from __future__ import annotations

import gc
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.models.db import PRAGMAS, database

# Transaction control is kept in a replay: a write's floor commits as the application does.
# "--" marks a statement SQLite runs inside another (FTS5's own reads): the outer one
# runs it again in the replay.
SKIPPED = ("PRAGMA", "--")


@dataclass
class Timing:
    """The milliseconds of each timed run (after the warm-up)."""

    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def timed(run: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None,
          warmup: int = 1) -> Timing:
    """Time ``run`` ``repeat`` times after ``warmup`` untimed runs; ``setup`` (untimed)
    before each. The garbage collector is kept out of the timed part, as pytest-benchmark
    and timeit do, and let run between runs."""
    timing = Timing()
    for index in range(warmup + repeat):
        if setup is not None:
            setup()
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            gc.enable()
        if index >= warmup:
            timing.runs.append(elapsed)
    return timing


def captured_sql(run: Callable[[], object]) -> list[str]:
    """The statements ``run`` executes on the application's connection, as SQLite expands
    them (bound values written in), in order: the floor replays exactly these."""
    statements: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(statements.append)
    try:
        run()
    finally:
        connection.set_trace_callback(None)
    return [s for s in statements if not s.lstrip().upper().startswith(SKIPPED)]


def plain_connection(path: Path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the application's pragmas, in autocommit mode (the
    statements replayed carry their own BEGIN and COMMIT)."""
    connection = sqlite3.connect(str(path), isolation_level=None)
    for name, value in PRAGMAS:
        connection.execute(f"PRAGMA {name} = {value}")
    return connection


def replay(connection: sqlite3.Connection, statements: list[str]) -> int:
    """Execute ``statements`` and read every row they return; returns how many rows."""
    rows = 0
    for statement in statements:
        rows += len(connection.execute(statement).fetchall())
    return rows
