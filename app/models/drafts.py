"""Drafts of incidents being logged, kept on disk as the advisor types, so that a crash or a
power cut in the middle of a call loses nothing: the next start offers the draft back.

One draft per database and user, in a ``drafts`` folder beside the database file (for a
PostgreSQL database, in the user's data folder, keyed by its URL). Each save
replaces the file whole (written to a temporary file, synced, then renamed over the old
one), so a draft on disk is always a complete one: the last saved, or the one before it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

import platformdirs

from app import APP_NAME, ORGANISATION
from app.models.clock import now_utc
from app.models.db import PostgresTarget
from app.models.validation import IncidentDraft

DRAFT_FOLDER = "drafts"
FORMAT = 1  # the layout of a draft file; a file of another layout is not read
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class DraftError(Exception):
    """A draft cannot be written or read; the message names the file and says why."""


@dataclass(frozen=True)
class SavedDraft:
    """A draft found on disk: what the advisor had typed, and when it was last saved."""

    draft: IncidentDraft
    saved_at: datetime


def draft_to_json(draft: IncidentDraft, saved_at: datetime) -> str:
    values = {f.name: getattr(draft, f.name) for f in fields(IncidentDraft)}
    if values["received_at"] is not None:
        values["received_at"] = values["received_at"].isoformat()
    # ASCII escapes keep any text (even half of a surrogate pair) writable as it was typed.
    return json.dumps({"format": FORMAT, "saved_at": saved_at.isoformat(), "draft": values},
                      ensure_ascii=True, indent=1)


def draft_from_json(text: str) -> SavedDraft:
    """Raises ValueError (or TypeError, KeyError) when ``text`` is not a draft."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown draft format {data.get('format')!r}")
    stored = data["draft"]
    values = {}
    for f in fields(IncidentDraft):
        if f.name in stored:
            values[f.name] = stored[f.name]
    if values.get("received_at") is not None:
        values["received_at"] = datetime.fromisoformat(values["received_at"])
    draft = IncidentDraft(**values)
    for f in fields(IncidentDraft):  # a value of the wrong kind is a damaged file
        value, default = getattr(draft, f.name), getattr(IncidentDraft(), f.name)
        for kind in (bool, str):
            if isinstance(default, kind) and not isinstance(value, kind):
                raise TypeError(f"{f.name} is not {kind.__name__}")
    return SavedDraft(draft, datetime.fromisoformat(data["saved_at"]))


def server_drafts_folder() -> Path:
    """Where drafts for PostgreSQL databases are kept: the user's data folder (a server
    has no folder of ours beside it)."""
    return platformdirs.user_data_path(APP_NAME, ORGANISATION, roaming=False) / DRAFT_FOLDER


class DraftStore:
    """The draft of the incident ``username`` is logging in the database at ``database``:
    beside a database file, or for a PostgreSQL database in ``server_folder`` (the user's
    data folder by default), named after its server and database and keyed by its URL."""

    def __init__(self, database: Path | PostgresTarget, username: str,
                 server_folder: Path | None = None):
        name = _UNSAFE.sub("_", username) or "_"
        if isinstance(database, PostgresTarget):
            key = hashlib.sha256(str(database).encode("utf-8")).hexdigest()[:12]
            stem = _UNSAFE.sub("_", f"{database.host or 'localhost'}-{database.dbname}")
            folder = server_folder or server_drafts_folder()
            self.path = folder / f"{stem}-{key}.{name}.json"
            return
        database = Path(database)
        self.path = database.parent / DRAFT_FOLDER / f"{database.stem}.{name}.json"

    def save(self, draft: IncidentDraft, now: datetime | None = None) -> None:
        """Replace the draft on disk with ``draft``, durably.

        Raises:
            DraftError: the draft could not be written; the previous one is still there.
        """
        text = draft_to_json(draft, now or now_utc())
        temporary = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("w", encoding="ascii") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            _sync_folder(self.path.parent)
        except OSError as exc:
            raise DraftError(f"Cannot save the draft to {self.path}: "
                             f"{exc.strerror or exc}.") from exc

    def load(self) -> SavedDraft | None:
        """The draft left on disk, if any.

        Raises:
            DraftError: there is a file but it is not a draft this version can read; it is
                moved aside (not deleted), so it is reported once.
        """
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise DraftError(f"Cannot read the draft {self.path}: {exc}.") from exc
        try:
            return draft_from_json(text)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            aside = self.path.with_suffix(".unreadable.json")
            os.replace(self.path, aside)
            raise DraftError(f"The unsaved incident draft {self.path.name} cannot be read "
                             f"({exc}); it is kept at {aside}.") from exc

    def discard(self) -> None:
        """Remove the draft (the incident was saved, or the advisor discarded it)."""
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".tmp").unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no folder handles to sync)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
