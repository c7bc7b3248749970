"""The filter bar showing a filter applied from elsewhere: combos set where they can say it,
a "Showing: …" chip for the rest, which the user can clear."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.models.incident_log import LogFilter
from app.models.lifecycle import Status
from app.views.filter_bar import FilterBar
from tests.conftest import category
from tests.views.helpers import choose

NOVEMBER = {"received_from": date(2026, 11, 1), "received_to": date(2026, 11, 30)}


@pytest.fixture
def bar(qtbot, advisor):
    widget = FilterBar(advisor.id)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def apply(qtbot, bar: FilterBar, log_filter: LogFilter, description: str) -> LogFilter:
    with qtbot.waitSignal(bar.filter_changed) as emitted:
        bar.apply_filter(log_filter, description)
    return emitted.args[0]


def test_what_the_controls_can_show_goes_into_them(qtbot, bar):
    wanted = LogFilter(priorities=frozenset({1}), category_id=category("Facilities").id,
                       **NOVEMBER)
    emitted: list[LogFilter] = []
    bar.filter_changed.connect(emitted.append)
    bar.apply_filter(wanted, "P1 Facilities received 1–30 Nov 2026")
    assert emitted == [wanted]  # once, and exactly what was asked
    assert bar.priority.currentText() == "P1 Critical"
    assert bar.category.currentText() == "Facilities"
    assert bar.status.currentText() == "All statuses"
    assert bar.use_dates.isChecked() and bar.date_from.isEnabled()
    assert bar.date_from.date().toPython() == date(2026, 11, 1)
    assert bar.date_to.date().toPython() == date(2026, 11, 30)
    assert not bar.chip.isVisible()  # nothing left over to name
    assert bar.current_filter() == wanted


def test_the_rest_is_named_by_a_chip_which_clears_it(qtbot, bar):
    wanted = LogFilter(priorities=frozenset({2}), team_id=3, response="breached",
                       **NOVEMBER)
    assert apply(qtbot, bar, wanted, "P2 response breached, North, 1–30 Nov 2026") == wanted
    assert bar.chip.isVisible()
    assert bar.chip_label.text() == "Showing: P2 response breached, North, 1–30 Nov 2026"
    assert bar.priority.currentText() == "P2 High"
    with qtbot.waitSignal(bar.filter_changed) as emitted:
        qtbot.mouseClick(bar.chip_clear, Qt.MouseButton.LeftButton)
    assert not bar.chip.isVisible()
    # the team and the outcome are gone; what the controls show stays
    assert emitted.args[0] == LogFilter(priorities=frozenset({2}), **NOVEMBER)
    assert bar.current_filter() == emitted.args[0]


def test_several_statuses_are_kept_until_a_status_is_chosen(qtbot, bar):
    resolved = frozenset({Status.RESOLVED.value, Status.CLOSED.value})
    wanted = LogFilter(statuses=resolved, priorities=frozenset({1}), **NOVEMBER)
    assert apply(qtbot, bar, wanted, "P1 resolved, 1–30 Nov 2026") == wanted
    assert bar.status.currentText() == "All statuses" and bar.chip.isVisible()
    with qtbot.waitSignal(bar.filter_changed) as emitted:
        choose(bar.status, "open")
    assert emitted.args[0].statuses == frozenset(s.value for s in Status if s.is_open)
    assert not bar.chip.isVisible()


def test_a_priority_chosen_replaces_the_applied_ones(qtbot, bar):
    apply(qtbot, bar, LogFilter(priorities=frozenset({1, 2}), caller="phone:01614960123"),
          "Olivia Taylor's incidents, P1 and P2")
    assert bar.priority.currentText() == "All priorities"
    assert bar.current_filter().priorities == frozenset({1, 2})
    with qtbot.waitSignal(bar.filter_changed) as emitted:
        choose(bar.priority, 3)
    assert emitted.args[0].priorities == frozenset({3})
    assert emitted.args[0].caller == "phone:01614960123"  # the caller is still asked for
    assert bar.chip.isVisible()


def test_applying_again_replaces_the_previous_filter(qtbot, bar):
    apply(qtbot, bar, LogFilter(problem_id=4, satisfaction=2), "first")
    second = LogFilter(escalation_target="L3", **NOVEMBER)
    assert apply(qtbot, bar, second, "Escalated to L3, 1–30 Nov 2026") == second
    assert bar.chip_label.text() == "Showing: Escalated to L3, 1–30 Nov 2026"
    assert apply(qtbot, bar, LogFilter(), "everything") == LogFilter()
    assert not bar.chip.isVisible() and not bar.use_dates.isChecked()


def test_an_owner_deactivated_while_chosen_stays_shown_as_the_filter(qtbot, bar, colleague):
    """The owner list is filled afresh (as users come and go): the owner the log is still
    filtered on stays shown, marked deactivated, rather than the list showing "Anyone"
    over a log that is not."""
    from app.models.accounts import set_active
    from app.models.permissions import Role
    from app.models.users import ensure_user

    bar.reload_owners()
    choose(bar.owner, colleague.id)
    chosen = bar.current_filter()
    set_active(colleague.id, False, ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR))
    bar.reload_owners()
    assert bar.owner.currentText() == "Alex Colleague (deactivated)"
    assert bar.current_filter() == chosen
