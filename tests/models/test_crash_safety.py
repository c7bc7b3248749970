"""Crash safety: a writer killed (SIGKILL) at random moments while it logs incidents loses
nothing it acknowledged and never leaves a half-written incident or a broken history chain.

A real separate process (``crash_writer.py``) opens the database as the application does and
logs incidents in a loop, printing each one only after its commit has returned. The test
kills it at a random moment, checks the file, starts a new writer on the same file (which
numbers on from the incidents there) and kills that one too, round after round.

After every kill, reading the file only (so the next writer inherits the crash as it was):
``PRAGMA integrity_check`` and the hash chain pass; every acknowledged incident is present with
exactly the values acknowledged; every incident in the file, acknowledged or not, is complete
(all its fields, its reference counted, its "created" history row and the rows for its
priority override); at most one incident per kill committed without being acknowledged.

The kill moments are random; the seed is in every failure message, and setting
``CRASH_SAFETY_SEED`` replays the same moments (as far as the machine's timing allows).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.models.db import close_database, open_database
from app.models.entities import Incident
from app.models.history_chain import verify_file
from app.models.incidents import PRIORITISATION_FIELDS, format_reference
from app.models.lifecycle import Status
from app.models.service_levels import due_times, load_matrix
from app.models.users import ensure_user
from app.models.validation import IncidentDraft
from app.models.vocabulary import Level
from tests.conftest import NOW, make_draft
from tests.models.crash_writer import incident_values

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32",
                       reason="SIGKILL does not exist on Windows (TerminateProcess is not "
                              "the same signal); this check runs on Linux and macOS"),
    pytest.mark.slow,
    pytest.mark.sqlite_only("a writer killed mid-write: the file's write-ahead log and "
                            "synchronous=full"),
]

WRITER = Path(__file__).with_name("crash_writer.py")
ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 25
# Each writer is started during the previous round and imports while it runs; it touches
# the database only on "go". Every third round is killed at any moment after "go" (while
# the database is opened, or early in the loop); the others once the first incident is
# acknowledged, so that most kills land in the middle of the logging loop.
AFTER_GO = (0.0, 0.4)
AFTER_FIRST_ACK = (0.0, 0.25)
STARTUP_TIMEOUT = 30.0
YEAR = NOW.year  # the writer logs with now=NOW: every reference is of that year


@dataclasses.dataclass
class Expected:
    """What the test knows before any writer runs: the base draft, the writer's user, the
    matrix and the due times each priority gives."""

    base: IncidentDraft
    user_id: int
    matrix: dict
    due: dict[int, dict[str, str | None]]

    def writer_setup(self) -> str:
        """The writer's second argument: the base draft, the user and the time to log at."""
        base = dataclasses.asdict(self.base)
        base["received_at"] = self.base.received_at.isoformat()
        return json.dumps({"base": base, "user_id": self.user_id, "now": NOW.isoformat()})

    def row(self, n: int) -> tuple[dict, list[tuple]]:
        """The stored incident ``n`` (column -> value as stored) and its history rows
        (action, field, old, new), whatever its database id."""
        draft = dataclasses.replace(self.base, **incident_values(n)).cleaned()
        priority = draft.priority_override or self.matrix[(Level(draft.impact),
                                                           Level(draft.urgency))]
        columns = Incident._meta.columns
        row = {f.name: columns[f.name].db_value(getattr(draft, f.name))
               for f in dataclasses.fields(IncidentDraft)}
        row.update(self.due[priority])
        reference = format_reference(YEAR, n)
        row.update(
            reference=reference, priority=priority, status=Status.NEW.value, version=1,
            logged_at=Incident.logged_at.db_value(NOW), logged_by_id=self.user_id,
            updated_at=Incident.updated_at.db_value(NOW), responded_at=None,
            resolved_at=None, closed_at=None, resolution="", response_met=None,
            resolution_met=None,
        )
        history = [("created", None, None, reference)]
        history += [("changed", name, None, str(getattr(draft, name)))
                    for name in PRIORITISATION_FIELDS if getattr(draft, name) not in ("", None)]
        return row, history


def prepare(db_path: Path) -> Expected:
    """Create the database (so migrations are done before the first kill) and learn what
    the writer's incidents must look like."""
    open_database(db_path)
    try:
        user = ensure_user("crash.writer", "Crash Writer")
        base = make_draft()
        at = Incident.received_at.db_value
        due = {}
        for priority in range(1, 6):
            d = due_times(priority, base.received_at, [])
            due[priority] = {name: at(getattr(d, name)) for name in (
                "response_due", "resolution_due", "response_warn_at", "resolution_warn_at")}
        return Expected(base, user.id, load_matrix(), due)
    finally:
        close_database()


def read_acks(path: Path) -> list[dict]:
    """The writer's complete lines: a line cut short by the kill is not an acknowledgement."""
    lines = path.read_bytes().split(b"\n")[:-1]
    return [json.loads(line) for line in lines]


def check_file(db_path: Path, expected: Expected, acked: dict[str, dict]) -> list[str]:
    """Every problem with the file after a kill, read-only (nothing is recovered or
    checkpointed here: the next writer finds the file as the killed one left it)."""
    result = verify_file(db_path)
    problems = list(result.problems)
    if problems:
        return problems
    conn = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        incidents = list(conn.execute("SELECT * FROM incident ORDER BY id"))
        history: dict[int, list[tuple]] = {}
        for h in conn.execute("SELECT * FROM history ORDER BY id"):
            history.setdefault(h["incident_id"], []).append(h)
        counter = conn.execute("SELECT last FROM reference_counter WHERE year = ?",
                               (YEAR,)).fetchone()
    finally:
        conn.close()

    by_reference = {}
    for n, stored in enumerate(incidents, start=1):
        stored = dict(stored)
        by_reference[stored["reference"]] = stored
        want, want_history = expected.row(n)
        got = {k: stored[k] for k in want}
        if got != want:
            wrong = sorted(k for k in want if got[k] != want[k])
            problems.append(f"incident {n} ({stored['reference']}, id {stored['id']}) is not "
                            f"as logged: {wrong}, e.g. {wrong[0]}={got[wrong[0]]!r}, "
                            f"expected {want[wrong[0]]!r}")
        rows = history.pop(stored["id"], [])
        got_history = [(h["action"], h["field"], h["old_value"], h["new_value"]) for h in rows]
        if got_history != want_history:
            problems.append(f"incident {n} ({stored['reference']}) has history "
                            f"{got_history}, expected {want_history}")
        if any((h["at"], h["user_id"]) != (want["logged_at"], expected.user_id) for h in rows):
            problems.append(f"incident {n} has history rows with another time or user")
    if len(by_reference) != len(incidents):
        problems.append("duplicate references")
    if history:
        problems.append(f"history rows of incidents that do not exist: {sorted(history)}")
    if (counter[0] if counter else 0) != len(incidents):
        problems.append(f"the reference counter says {counter and counter[0]}, "
                        f"but there are {len(incidents)} incidents")

    for reference, ack in acked.items():
        stored = by_reference.get(reference)
        if stored is None:
            problems.append(f"acknowledged {reference} (incident {ack['n']}) is missing")
            continue
        values = {k: stored[k] for k in ack["values"]}
        if (stored["id"], stored["priority"], values) != (ack["id"], ack["priority"],
                                                          ack["values"]):
            problems.append(f"acknowledged {reference} is stored with other values")
    return problems


@dataclasses.dataclass
class Writer:
    """A writer process, started ahead of its turn: it imports, then waits for ``go``."""

    proc: subprocess.Popen
    acks: Path
    stderr: Path

    @classmethod
    def start(cls, db_path: Path, setup: str, folder: Path, round_no: int) -> Writer:
        acks, stderr = folder / f"acks-{round_no}.jsonl", folder / f"stderr-{round_no}.txt"
        with acks.open("wb") as out, stderr.open("wb") as err:
            proc = subprocess.Popen([sys.executable, str(WRITER), str(db_path), setup],
                                    cwd=ROOT, stdin=subprocess.PIPE, stdout=out, stderr=err)
        return cls(proc, acks, stderr)

    def go(self) -> None:
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.close()

    def running(self) -> bool:
        return self.proc.poll() is None

    def has_acknowledged(self) -> bool:
        return b"\n" in self.acks.read_bytes()

    def why_stopped(self) -> str:
        return f"the writer ended with {self.proc.returncode}:\n{self.stderr.read_text()}"

    def stop(self) -> None:
        if self.running():
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.proc.stdin.close()


def test_killing_the_writer_at_random_moments_loses_no_acknowledged_incident(
        db_path, tmp_path):
    seed = int(os.environ.get("CRASH_SAFETY_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    expected = prepare(db_path)
    setup = expected.writer_setup()
    acked: dict[str, dict] = {}
    total = 0  # incidents in the file after the last round
    kills_before_first_ack = 0
    started = time.monotonic()
    writers: list[Writer] = []
    try:
        writers.append(Writer.start(db_path, setup, tmp_path, 1))
        for round_no in range(1, ROUNDS + 1):
            mode = "after go" if round_no % 3 == 1 else "after first ack"
            low, high = AFTER_GO if mode == "after go" else AFTER_FIRST_ACK
            delay = rng.uniform(low, high)
            where = (f"seed {seed} (rerun with CRASH_SAFETY_SEED={seed}), round {round_no} "
                     f"killed {delay:.3f} s {mode}")
            writer = writers[-1]
            writer.go()
            if round_no < ROUNDS:
                writers.append(Writer.start(db_path, setup, tmp_path, round_no + 1))
            if mode == "after first ack":
                deadline = time.monotonic() + STARTUP_TIMEOUT
                while not writer.has_acknowledged():
                    assert writer.running(), f"{where}: {writer.why_stopped()}"
                    assert time.monotonic() < deadline, f"{where}: the writer logged nothing"
                    time.sleep(0.002)
            time.sleep(delay)
            assert writer.running(), f"{where}: {writer.why_stopped()}"
            writer.proc.send_signal(signal.SIGKILL)
            writer.proc.wait(timeout=10)
            assert writer.proc.returncode == -signal.SIGKILL, f"{where}: {writer.why_stopped()}"

            acks = read_acks(writer.acks)
            kills_before_first_ack += not acks
            numbers = [ack["n"] for ack in acks]
            assert numbers == list(range(total + 1, total + 1 + len(acks))), (
                f"{where}: the writer numbered {numbers[:3]}... after {total} incidents")
            for ack in acks:
                assert ack["values"] == incident_values(ack["n"]), where
                assert ack["reference"] == format_reference(YEAR, ack["n"]), where
                acked[ack["reference"]] = ack

            problems = check_file(db_path, expected, acked)
            assert not problems, f"{where}: " + "; ".join(problems[:10])
            conn = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)
            try:
                now_total = conn.execute("SELECT count(*) FROM incident").fetchone()[0]
            finally:
                conn.close()
            # the kill can fall between a commit and its acknowledgement: one at most
            assert len(acks) <= now_total - total <= len(acks) + 1, (
                f"{where}: {now_total - total} incidents were added, {len(acks)} acknowledged")
            total = now_total
    finally:
        for writer in writers:
            writer.stop()

    # The application opens the file the last writer left, and it is still sound.
    open_database(db_path)
    close_database()
    assert verify_file(db_path).ok, f"seed {seed}: reopening the file damaged it"
    assert not check_file(db_path, expected, acked), f"seed {seed}: reopening changed it"
    assert len(acked) > ROUNDS, (
        f"seed {seed}: only {len(acked)} incidents were acknowledged in {ROUNDS} rounds; "
        "the kills did not land in the logging loop")
    print(f"crash safety: seed {seed}, {ROUNDS} rounds, {len(acked)} incidents acknowledged, "
          f"{total} in the file, {kills_before_first_ack} kills before the first "
          f"acknowledgement, {time.monotonic() - started:.1f} s")
