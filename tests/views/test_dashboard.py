"""The dashboard on a known month: the charts show the numbers SQL counted, and a bar
clicked asks for the log filtered to the very incidents it counted."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from app.models.dashboard_stats import Preset, dashboard_statistics
from app.models.incident_log import IncidentLog, LogFilter
from app.views.dashboard import DashboardWindow
from app.views.dashboard_charts import BarChart
from app.views.dashboard_tables import KEY_ROLE, RepeatCallersModel
from tests.conftest import category
from tests.models.dashboard_data import NOVEMBER, NOW, log_dashboard_month
from tests.views.helpers import choose

NOVEMBER_FILTER = {"received_from": NOVEMBER[0], "received_to": NOVEMBER[1]}


@pytest.fixture
def month(advisor, colleague, leader):
    return log_dashboard_month(advisor, colleague, leader)


@pytest.fixture
def dashboard(qtbot, month):
    """The dashboard on 2 December 2026, showing last month: November."""
    window = DashboardWindow(clock=lambda: NOW)
    qtbot.addWidget(window)
    window.resize(1200, 900)
    with qtbot.waitSignal(window.updated, timeout=10_000):
        window.show()  # counts the default period, the last 30 days
    with qtbot.waitSignal(window.updated, timeout=10_000):
        window.choose_preset(Preset.LAST_MONTH)
    assert window.period() == NOVEMBER
    return window


def click_bar(qtbot, chart: BarChart, index: int, low: float, high: float,
              series: int = 0) -> None:
    """Click the middle of a bar (or of a stacked segment from ``low`` to ``high``)."""
    chart.ensurePolished()
    value = (low + high) / 2
    point = QPointF(value, index) if chart.horizontal else QPointF(index, value)
    if len(chart.series_data) > 1 and not chart.stacked:  # grouped: bars side by side
        width = 0.8 / len(chart.series_data)
        offset = -0.4 + width * (series + 0.5)
        point = QPointF(index + offset, value)
    scene = chart.chart().mapToPosition(point, chart.chart().series()[0])
    position = chart.mapFromScene(scene)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=position)


def asked(qtbot, window: DashboardWindow, click) -> tuple[LogFilter, str]:
    with qtbot.waitSignal(window.show_incidents) as emitted:
        click()
    return emitted.args[0], emitted.args[1]


def shown_count(log_filter: LogFilter) -> int:
    return IncidentLog(log_filter, now=NOW).count()


def test_the_charts_show_what_sql_counted(dashboard):
    stats = dashboard_statistics(*NOVEMBER, now=NOW)
    assert dashboard.stats == stats
    figures = {key: label.text() for key, label in dashboard.figures.items()}
    assert figures == {"received": "5", "resolved": "3", "mttr": "3 h 27 min",
                       "response": "50%", "resolution": "50%", "escalated": "2",
                       "satisfaction": "3.7 / 5"}
    volume = dashboard.volume_chart
    assert len(volume.categories) == 30
    assert volume.values() == [{2: 1, 3: 1, 4: 1, 27: 1, 30: 1}.get(d, 0) for d in range(1, 31)]
    assert volume.title() == "Incidents received per day: 5"
    assert dashboard.priority_chart.values() == [2, 1, 1, 0, 1]
    assert dashboard.priority_chart.axis_labels == ["P1", "P2", "P3", "P4", "P5"]
    assert dashboard.mttr_chart.values(0) == [5.0, 0.3, 0, 0, 0]  # hours: 5 h, 20 min
    assert dashboard.mttr_chart.values(1) == [5.0, 0.3, 0, 0, 0]
    response = dashboard.response_chart
    assert [response.values(s) for s in range(3)] == [[1, 1, 0, 0, 0], [1, 0, 1, 0, 0],
                                                      [0, 0, 0, 0, 1]]
    assert [s.name for s in response.series_data] == ["Met", "Breached", "Pending"]
    assert response.title() == "Response SLA: 50% met of those decided"
    assert dashboard.resolution_chart.values(1) == [1, 0, 1, 0, 0]
    # horizontal charts list the most first from the top, so from the bottom up
    assert dashboard.category_chart.categories == ["Telephony outage", "Service failure",
                                                   "Complaint", "IT system failure"]
    assert dashboard.category_chart.values() == [1, 1, 1, 2]
    assert dashboard.escalation_chart.categories == ["L3 contact-centre manager",
                                                     "L2 team leader", "IT service desk"]
    assert dashboard.escalation_chart.values() == [1, 1, 1]
    assert dashboard.escalation_chart.title() == "Escalations: 3 made for 2 incidents"
    assert dashboard.satisfaction_chart.values() == [0, 1, 0, 1, 1]
    assert dashboard.satisfaction_chart.title() == (
        "Satisfaction after the incident: average 3.7 from 3 responses")
    problem = dashboard.stats.problems[0]
    assert dashboard.problem_chart.categories == [
        f"{problem.reference} Telephony and IT faults on the same morning"]
    assert dashboard.problem_chart.axis_labels == [  # long titles cut on the axis
        f"{problem.reference} Telephony and IT faults on the same mor…"]
    assert dashboard.problem_chart.values() == [2]
    model = dashboard.callers_model
    assert [[model.data(model.index(r, c)) for c in range(3)] for r in range(2)] == [
        ["Olivia Taylor", "•••• ••• •123", "3"], ["MARCUS OKONKWO", "—", "2"]]
    assert dashboard.repeats_button.text().startswith("Show the 2 repeat incidents")


def test_a_bar_clicked_opens_the_incidents_it_counted(qtbot, dashboard):
    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.priority_chart, 0, 0, 2))
    assert log_filter == LogFilter(priorities=frozenset({1}), **NOVEMBER_FILTER)
    assert description == "P1 Critical, received 1–30 Nov 2026"
    assert shown_count(log_filter) == 2

    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.category_chart, 3, 0, 2))  # the top bar: IT system failure
    assert log_filter == LogFilter(category_id=category("IT system failure").id,
                                   **NOVEMBER_FILTER)
    assert description == "IT system failure, received 1–30 Nov 2026"
    assert shown_count(log_filter) == 2

    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.volume_chart, 1, 0, 1))  # 2 November
    assert log_filter == LogFilter(received_from=date(2026, 11, 2),
                                   received_to=date(2026, 11, 2))
    assert description == "Received 2 Nov 2026"
    assert shown_count(log_filter) == 1


def test_a_stacked_segment_opens_its_outcome(qtbot, dashboard):
    # P1's response: met (0 to 1), then breached (1 to 2)
    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.response_chart, 0, 1, 2))
    assert log_filter == LogFilter(priorities=frozenset({1}), response="breached",
                                   **NOVEMBER_FILTER)
    assert description == "P1 Critical, response breached, received 1–30 Nov 2026"
    assert shown_count(log_filter) == 1
    log_filter, _ = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.resolution_chart, 4, 0, 1))  # P5, pending
    assert log_filter.resolution == "pending" and shown_count(log_filter) == 1


def test_every_bar_of_every_chart_counts_what_the_log_shows(qtbot, dashboard):
    """Each bar's signal, as a click sends it: the log's count is the bar's value."""
    charts = (dashboard.volume_chart, dashboard.category_chart, dashboard.priority_chart,
              dashboard.response_chart, dashboard.resolution_chart,
              dashboard.escalation_chart, dashboard.satisfaction_chart,
              dashboard.problem_chart)
    for chart in charts:
        for series in range(1 if chart._colour_per_bar else len(chart.series_data)):
            for index, value in enumerate(chart.values(series)):
                log_filter, _ = asked(qtbot, dashboard,
                                      lambda c=chart, s=series, i=index: c.bar_clicked.emit(s, i))
                assert shown_count(log_filter) == value, (chart.objectName(), series, index)
    for index, priority in enumerate(dashboard.stats.priorities):  # the resolved ones
        log_filter, _ = asked(qtbot, dashboard,
                              lambda i=index: dashboard.mttr_chart.bar_clicked.emit(0, i))
        assert shown_count(log_filter) == priority.resolved


def test_the_grouped_times_to_resolve_open_the_resolved_incidents(qtbot, dashboard):
    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.mttr_chart, 0, 0, 5, series=1))
    assert log_filter == LogFilter(priorities=frozenset({1}),
                                   statuses=frozenset({"resolved", "closed"}),
                                   **NOVEMBER_FILTER)
    assert description == "P1 Critical resolved, received 1–30 Nov 2026"


def test_repeat_callers_and_repeat_incidents_open_in_the_log(qtbot, dashboard):
    table = dashboard.callers
    rect = table.visualRect(dashboard.callers_model.index(0, 0))
    log_filter, description = asked(qtbot, dashboard, lambda: qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()))
    assert log_filter == LogFilter(caller="phone:01614960123", **NOVEMBER_FILTER)
    assert description == "Olivia Taylor's incidents, received 1–30 Nov 2026"
    assert shown_count(log_filter) == 3
    log_filter, description = asked(qtbot, dashboard, lambda: qtbot.mouseClick(
        dashboard.repeats_button, Qt.MouseButton.LeftButton))
    assert log_filter == LogFilter(repeats=True, **NOVEMBER_FILTER)
    assert description == "Repeat incidents, received 1–30 Nov 2026"
    assert shown_count(log_filter) == 2


def test_a_team_chosen_counts_its_incidents_only(qtbot, dashboard, month):
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        choose(dashboard.team, month["south"].id)
    assert dashboard.stats == dashboard_statistics(*NOVEMBER, team_id=month["south"].id,
                                                   now=NOW)
    assert dashboard.figures["received"].text() == "3"
    assert dashboard.priority_chart.values() == [0, 1, 1, 0, 1]
    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.priority_chart, 2, 0, 1))
    assert log_filter == LogFilter(priorities=frozenset({3}), team_id=month["south"].id,
                                   **NOVEMBER_FILTER)
    assert description == "P3 Moderate, received 1–30 Nov 2026, team South"
    assert shown_count(log_filter) == 1


def test_volume_per_week(qtbot, dashboard):
    qtbot.mouseClick(dashboard.per_week, Qt.MouseButton.LeftButton)
    assert dashboard.volume_chart.values() == [0, 3, 0, 0, 1, 1]
    assert dashboard.volume_chart.axis_labels == ["1 Nov", "2 Nov", "9 Nov", "16 Nov",
                                                  "23 Nov", "30 Nov"]
    log_filter, description = asked(qtbot, dashboard, lambda: click_bar(
        qtbot, dashboard.volume_chart, 1, 0, 3))
    assert (log_filter.received_from, log_filter.received_to) == (date(2026, 11, 2),
                                                                  date(2026, 11, 8))
    assert description == "Received 2–8 Nov 2026"
    assert shown_count(log_filter) == 3


def test_a_long_period_labels_its_days_sparingly(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.choose_preset(Preset.THIS_YEAR)
    assert dashboard.period() == (date(2026, 1, 1), date(2026, 12, 2))
    volume = dashboard.volume_chart
    assert len(volume.categories) == 336
    axis = volume.chart().axes(Qt.Orientation.Horizontal)[0]
    labels = axis.categoriesLabels()
    assert 6 <= len(labels) <= 16  # the first Monday of each month
    assert sum(volume.values()) == 7


def test_dates_typed_make_a_custom_period(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.date_from.setDate(date(2026, 11, 3))
    assert dashboard.preset.currentData() == Preset.CUSTOM
    assert dashboard.period() == (date(2026, 11, 3), date(2026, 11, 30))
    assert dashboard.figures["received"].text() == "4"  # B, C, D and E


def test_a_period_that_ends_before_it_starts_is_refused_in_words(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.failed) as failed:
        dashboard.set_period(date(2026, 11, 30), date(2026, 11, 1))
    assert failed.args[0] == "The period ends (1 Nov 2026) before it starts (30 Nov 2026)."
    assert dashboard.problem.isVisible() and dashboard.problem.text() == failed.args[0]
    assert dashboard.stats.start == NOVEMBER[0]  # what was shown is kept
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.set_period(date(2026, 11, 1), date(2026, 11, 7))
    assert not dashboard.problem.isVisible()


def test_an_empty_period_says_so(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.set_period(date(2026, 1, 1), date(2026, 1, 31))
    assert dashboard.figures["received"].text() == "0"
    assert dashboard.figures["mttr"].text() == "—"
    assert dashboard.escalation_chart.is_empty() and dashboard.problem_chart.is_empty()
    assert not dashboard.repeats_button.isEnabled()


def test_a_newer_count_supersedes_one_still_running(qtbot, dashboard):
    dashboard.set_period(date(2026, 1, 1), date(2026, 1, 31))
    with qtbot.waitSignal(dashboard.updated, timeout=10_000):
        dashboard.set_period(*NOVEMBER)
    qtbot.wait(50)
    QApplication.processEvents()
    assert dashboard.stats.start == NOVEMBER[0]


def test_repeat_callers_model(qtmodeltester, month):
    model = RepeatCallersModel()
    model.set_callers(dashboard_statistics(*NOVEMBER, now=NOW).repeats.top)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0), KEY_ROLE) == "phone:01614960123"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Incidents"
