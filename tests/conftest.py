"""Shared fixtures: a fresh database file per test, a fixed time zone, offscreen Qt."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Times are shown in the workstation's zone; the tests pin it to the service's own.
os.environ["TZ"] = "Europe/London"
time.tzset()

from app.models.db import close_database, open_database  # noqa: E402
from app.models.entities import Category  # noqa: E402
from app.models.permissions import Role  # noqa: E402
from app.models.users import ensure_user  # noqa: E402
from app.models.validation import IncidentDraft  # noqa: E402
from tests.keyring_memory import MemoryKeyring, use_keyring  # noqa: E402


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "incidents.sqlite"


@pytest.fixture
def db(db_path):
    """A new, real SQLite database file, opened as the application opens it."""
    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def advisor(db):
    return ensure_user("sam.advisor", "Sam Advisor")


@pytest.fixture
def leader(db):
    """A team leader: service levels, backups, the escalation matrix, mail settings."""
    return ensure_user("tess.leader", "Tess Leader", Role.TEAM_LEADER)


@pytest.fixture
def memory_keyring():
    """Secrets kept in memory for the test (headless Linux has no keyring service)."""
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def colleague(db):
    return ensure_user("alex.colleague", "Alex Colleague")


def category(name: str, parent: str | None = None) -> Category:
    query = Category.select().where(Category.name == name)
    if parent:
        query = query.where(Category.parent == Category.get(Category.name == parent))
    return query.get()


def make_draft(**overrides) -> IncidentDraft:
    """A valid draft: a caller whose broadband is down, with any field overridden."""
    values = dict(
        received_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        channel="phone",
        caller_type="customer",
        caller_name="Olivia Taylor",
        caller_phone="0161 496 0123",
        caller_email="olivia.taylor@example.org",
        account_ref="AC-001234",
        location="Manchester, head office",
        summary="Billing system not loading for the whole team",
        description="Caller says nobody on the team can open the billing system.",
        category_id=category("IT system failure").id,
        subcategory_id=category("Application error").id,
        impact="medium",
        urgency="high",
        owner_id=None,
        details_confirmed=True,
    )
    values.update(overrides)
    return IncidentDraft(**values)


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
