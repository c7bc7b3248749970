"""The detail pane shows the regulator clock for a personal data breach, and only then."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.models.clock import format_local, now_utc
from app.models.incidents import create_incident
from tests.conftest import category, make_draft
from tests.views.helpers import select_incident

pytestmark = pytest.mark.gui


def test_a_breach_shows_the_72_hour_clock_and_other_incidents_do_not(qtbot, advisor,
                                                                      open_window):
    received = now_utc().replace(second=0, microsecond=0) - timedelta(hours=61, minutes=30)
    breach = create_incident(make_draft(
        received_at=received, category_id=category("Security or data breach").id,
        subcategory_id=category("Personal data breach").id,
        summary="Letters sent to the wrong customers"), advisor)
    ordinary = create_incident(make_draft(received_at=received), advisor)
    window = open_window()
    clock = window.detail.values["regulator"]

    select_incident(qtbot, window, breach)
    assert clock.isVisible()
    deadline = received + timedelta(hours=72)
    assert re.fullmatch(rf"By {format_local(deadline)} \(10h (29|30)m left\)", clock.text())
    assert "b71c1c" in clock.styleSheet()  # under 12 hours left: shown in red

    select_incident(qtbot, window, ordinary)
    assert not clock.isVisible()
