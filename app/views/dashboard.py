"""The dashboard: a period and a team chosen, their incidents in charts; a bar clicked asks
for the log filtered to the incidents it counts (``show_incidents``).

The figures are counted off the GUI thread (a year of a million incidents takes seconds);
a newer request supersedes one still running, whose figures are then dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import QDate, QModelIndex, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import now_utc, to_local
from app.models.dashboard_stats import (
    DashboardStats,
    Preset,
    dashboard_statistics,
    preset_period,
    short_period_text,
)
from app.models.incident_log import LogFilter
from app.models.lifecycle import Status
from app.models.period_stats import BREACHED, MET, PENDING, PRIORITIES, PeriodError, period_problem
from app.models.teams import teams
from app.views.dashboard_charts import (
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    BarChart,
    Series,
    primary_colour,
)
from app.views.dashboard_tables import RepeatCallersModel
from app.views.report_runner import ReportJob
from app.views.text import PRIORITY_COLOURS, priority_text, vocabulary
from app.views.theme import set_tone

ALL_TEAMS = None
RESOLVED = frozenset({Status.RESOLVED.value, Status.CLOSED.value})
OUTCOMES = (MET, BREACHED, PENDING)
OUTCOME_COLOURS = {MET: GREEN, BREACHED: VERMILLION, PENDING: GREY}
SCORE_COLOURS = (VERMILLION, ORANGE, GREY, "#56B4E9", "#0072B2")  # 1 (bad) to 5 (good)
LABEL_EVERY_DAY_UP_TO = 16  # days; a longer axis is labelled on Mondays
LABELS_UP_TO = 16  # labels on the volume axis; more are thinned out to one a month
TITLE_LENGTH = 40  # a problem's title is cut to this in the chart


def _hours(value) -> float:
    return 0.0 if value is None else round(value.total_seconds() / 3600, 1)


def _duration_text(value) -> str:
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours < 48 else f"{hours / 24:.1f} days"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


class DashboardWindow(QWidget):
    """The dashboard. ``show_incidents(log_filter, description)`` asks for the log showing
    the incidents a bar counted; ``updated`` follows each refresh of the figures, and
    ``failed(message)`` a refresh that could not be done (the message is shown too)."""

    show_incidents = Signal(object, str)
    updated = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None,
                 clock: Callable[[], datetime] = now_utc):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dashboard"))
        self.setObjectName("dashboard")
        self._clock = clock
        self.stats: DashboardStats | None = None
        self._job: ReportJob | None = None
        self._teams: dict[int, str] = {}

        # --- the period and the team ---
        self.preset = QComboBox()
        self.preset.setObjectName("periodPreset")
        self.preset.setAccessibleName(self.tr("Period"))
        for preset in Preset:
            self.preset.addItem(vocabulary(preset.label), preset)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name in ((self.date_from, "periodFrom"), (self.date_to, "periodTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.date_from.setAccessibleName(self.tr("From"))
        self.date_to.setAccessibleName(self.tr("To"))
        self.team = QComboBox()
        self.team.setObjectName("teamFilter")
        self.team.setAccessibleName(self.tr("Team"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshDashboard")
        self.refresh_button.setAutoDefault(False)
        self.state = QLabel()
        self.state.setObjectName("dashboardState")
        self.problem = QLabel()
        self.problem.setObjectName("dashboardProblem")
        self.problem.setWordWrap(True)
        set_tone(self.problem, "error", bold=True)
        self.problem.hide()
        period_label = QLabel(self.tr("&Period"))
        period_label.setBuddy(self.preset)
        team_label = QLabel(self.tr("&Team"))
        team_label.setBuddy(self.team)
        controls = QHBoxLayout()
        controls.addWidget(period_label)
        controls.addWidget(self.preset)
        controls.addWidget(self.date_from)
        controls.addWidget(QLabel(self.tr("to")))
        controls.addWidget(self.date_to)
        controls.addSpacing(16)
        controls.addWidget(team_label)
        controls.addWidget(self.team)
        controls.addWidget(self.refresh_button)
        controls.addStretch(1)
        controls.addWidget(self.state)

        # --- the headline figures ---
        self.figures: dict[str, QLabel] = {}
        headline = QHBoxLayout()
        for key, title in (("received", self.tr("Received")), ("resolved", self.tr("Resolved")),
                           ("mttr", self.tr("Mean time to resolve")),
                           ("response", self.tr("Response SLA met")),
                           ("resolution", self.tr("Resolution SLA met")),
                           ("escalated", self.tr("Escalated")),
                           ("satisfaction", self.tr("Satisfaction"))):
            headline.addWidget(self._figure(key, title))

        # --- the charts ---
        self.volume_chart = BarChart(self.tr("Incidents received"), self.tr("Incidents"))
        self.volume_chart.setObjectName("volumeChart")
        self.per_day = QPushButton(self.tr("Per day"))
        self.per_week = QPushButton(self.tr("Per week"))
        self.volume_unit = QButtonGroup(self)
        for button, name in ((self.per_day, "perDay"), (self.per_week, "perWeek")):
            button.setObjectName(name)
            button.setCheckable(True)
            button.setAutoDefault(False)
            self.volume_unit.addButton(button)
        self.per_day.setChecked(True)
        self.category_chart = BarChart(self.tr("By category"), self.tr("Incidents"),
                                       horizontal=True)
        self.priority_chart = BarChart(self.tr("By priority"), self.tr("Incidents"))
        self.mttr_chart = BarChart(self.tr("Time to resolve by priority (elapsed)"),
                                   self.tr("Hours"), value_format="%.0f")
        self.response_chart = BarChart(self.tr("Response SLA"), self.tr("Incidents"),
                                       stacked=True)
        self.resolution_chart = BarChart(self.tr("Resolution SLA"), self.tr("Incidents"),
                                         stacked=True)
        self.escalation_chart = BarChart(self.tr("Escalations"), self.tr("Incidents escalated"),
                                         horizontal=True)
        self.satisfaction_chart = BarChart(self.tr("Satisfaction after the incident"),
                                           self.tr("Responses"), self.tr("Score (1 to 5)"))
        self.problem_chart = BarChart(self.tr("Incidents per problem"), self.tr("Incidents"),
                                      horizontal=True)
        for chart, name in ((self.category_chart, "categoryChart"),
                            (self.priority_chart, "priorityChart"),
                            (self.mttr_chart, "mttrChart"),
                            (self.response_chart, "responseChart"),
                            (self.resolution_chart, "resolutionChart"),
                            (self.escalation_chart, "escalationChart"),
                            (self.satisfaction_chart, "satisfactionChart"),
                            (self.problem_chart, "problemChart")):
            chart.setObjectName(name)

        self.callers_model = RepeatCallersModel(self)
        self.callers = QTableView()
        self.callers.setObjectName("repeatCallers")
        self.callers.setModel(self.callers_model)
        self.callers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.callers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.callers.verticalHeader().hide()
        self.callers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.callers.setMinimumHeight(200)
        self.callers_title = QLabel()
        self.callers_title.setObjectName("repeatCallersTitle")
        self.callers_title.setWordWrap(True)
        self.repeats_button = QPushButton()
        self.repeats_button.setObjectName("showRepeatIncidents")
        self.repeats_button.setAutoDefault(False)

        grid = QGridLayout()
        grid.setSpacing(12)
        volume = QVBoxLayout()
        units = QHBoxLayout()
        units.addStretch(1)
        units.addWidget(self.per_day)
        units.addWidget(self.per_week)
        volume.addLayout(units)
        volume.addWidget(self.volume_chart)
        grid.addWidget(self._card(volume), 0, 0, 1, 2)
        grid.addWidget(self._card(self.priority_chart), 1, 0)
        grid.addWidget(self._card(self.mttr_chart), 1, 1)
        grid.addWidget(self._card(self.response_chart), 2, 0)
        grid.addWidget(self._card(self.resolution_chart), 2, 1)
        grid.addWidget(self._card(self.category_chart), 3, 0)
        grid.addWidget(self._card(self.escalation_chart), 3, 1)
        grid.addWidget(self._card(self.satisfaction_chart), 4, 0)
        grid.addWidget(self._card(self.problem_chart), 4, 1)
        repeats = QVBoxLayout()
        heading = QLabel(self.tr("Repeat callers and repeat incidents"))
        heading.setStyleSheet("font-weight: 600;")
        repeats.addWidget(heading)
        repeats.addWidget(self.callers_title)
        repeats.addWidget(self.callers)
        repeats.addWidget(self.repeats_button, 0, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self._card(repeats), 5, 0, 1, 2)
        for column in range(2):
            grid.setColumnStretch(column, 1)
        charts = QWidget()
        charts.setObjectName("dashboardCharts")
        charts_layout = QVBoxLayout(charts)
        charts_layout.addLayout(grid)
        charts_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(charts)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.problem)
        layout.addLayout(headline)
        layout.addWidget(self.scroll, 1)

        self.reload_teams()
        self._show_preset(Preset.LAST_30_DAYS)
        self.preset.currentIndexChanged.connect(self.on_preset_chosen)
        self.date_from.dateChanged.connect(self.on_dates_changed)
        self.date_to.dateChanged.connect(self.on_dates_changed)
        self.team.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.volume_unit.buttonClicked.connect(self.on_volume_unit)
        self.volume_chart.bar_clicked.connect(self.on_volume_clicked)
        self.category_chart.bar_clicked.connect(self.on_category_clicked)
        self.priority_chart.bar_clicked.connect(self.on_priority_clicked)
        self.mttr_chart.bar_clicked.connect(self.on_mttr_clicked)
        self.response_chart.bar_clicked.connect(self.on_response_clicked)
        self.resolution_chart.bar_clicked.connect(self.on_resolution_clicked)
        self.escalation_chart.bar_clicked.connect(self.on_escalation_clicked)
        self.satisfaction_chart.bar_clicked.connect(self.on_satisfaction_clicked)
        self.problem_chart.bar_clicked.connect(self.on_problem_clicked)
        self.callers.clicked.connect(self.on_caller_clicked)
        self.callers.activated.connect(self.on_caller_clicked)
        self.repeats_button.clicked.connect(self.on_repeats_clicked)
        self.resize(1100, 800)

    def _figure(self, key: str, title: str) -> QFrame:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        value = QLabel("—")
        value.setObjectName(f"figure_{key}")
        font = value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        value.setFont(font)
        value.setAccessibleName(title)
        caption = QLabel(title)
        box = QVBoxLayout(frame)
        box.setContentsMargins(10, 6, 10, 6)
        box.addWidget(value)
        box.addWidget(caption)
        self.figures[key] = value
        return frame

    @staticmethod
    def _card(content) -> QFrame:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        if isinstance(content, QWidget):
            box = QVBoxLayout(frame)
            box.setContentsMargins(4, 4, 4, 4)
            box.addWidget(content)
        else:
            frame.setLayout(content)
        return frame

    def showEvent(self, event) -> None:
        """The figures are first counted when the dashboard is first shown."""
        super().showEvent(event)
        if self.stats is None and self._job is None and not self.problem.isVisible():
            self.refresh()

    # --- the period and the team -----------------------------------------------------------
    def today(self) -> date:
        return to_local(self._clock()).date()

    def reload_teams(self) -> None:
        """Fill the team list afresh, keeping the team chosen if it is still there."""
        chosen = self.team.currentData() if self.team.count() else ALL_TEAMS
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem(self.tr("All teams"), ALL_TEAMS)
        self._teams = {}
        for row in teams():
            self.team.addItem(row.name, row.id)
            self._teams[row.id] = row.name
        self.team.setCurrentIndex(max(self.team.findData(chosen), 0))
        self.team.blockSignals(False)

    def period(self) -> tuple[date, date]:
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def set_period(self, start: date, end: date, team_id: int | None = None) -> None:
        """Show a custom period (and team), and count it."""
        for widget in (self.preset, self.date_from, self.date_to, self.team):
            widget.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(Preset.CUSTOM))
        self.date_from.setDate(QDate(start))
        self.date_to.setDate(QDate(end))
        self.team.setCurrentIndex(max(self.team.findData(team_id), 0))
        for widget in (self.preset, self.date_from, self.date_to, self.team):
            widget.blockSignals(False)
        self.refresh()

    def choose_preset(self, preset: Preset) -> None:
        """Choose a period from the list, as the user does."""
        self.preset.setCurrentIndex(self.preset.findData(preset))

    def _show_preset(self, preset: Preset) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(preset))
        self.preset.blockSignals(False)
        if preset != Preset.CUSTOM:
            start, end = preset_period(preset, self.today())
            for edit, day in ((self.date_from, start), (self.date_to, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)

    @Slot()
    def on_preset_chosen(self) -> None:
        self._show_preset(self.preset.currentData())
        self.refresh()

    @Slot()
    def on_dates_changed(self) -> None:
        """Dates typed make the period a custom one."""
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(Preset.CUSTOM))
        self.preset.blockSignals(False)
        self.refresh()

    # --- counting --------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Count the period's figures again (off the GUI thread); ``updated`` follows."""
        start, end = self.period()
        problem = period_problem(start, end)
        if problem:
            self._show_problem(problem)
            return
        team_id = self.team.currentData()
        now = self._clock()
        job = ReportJob(self.tr("Dashboard"), self)
        self._job = job
        job.finished.connect(lambda stats: self._on_counted(job, stats))
        job.failed.connect(lambda message: self._on_failed(job, message))
        self.state.setText(self.tr("Counting…"))
        self.refresh_button.setEnabled(False)
        QThreadPool.globalInstance().start(lambda: job.run(
            lambda _progress, _cancelled: dashboard_statistics(start, end, team_id, now),
            (PeriodError,)))

    def _on_counted(self, job: ReportJob, stats: DashboardStats) -> None:
        job.deleteLater()
        if job is not self._job:
            return  # superseded by a newer request
        self._job = None
        self.refresh_button.setEnabled(True)
        self.problem.hide()
        self.show_stats(stats)
        self.state.setText(self.tr("Counted at {0}").format(
            to_local(stats.now).strftime("%H:%M")))
        self.updated.emit()

    def _on_failed(self, job: ReportJob, message: str) -> None:
        job.deleteLater()
        if job is not self._job:
            return
        self._job = None
        self.refresh_button.setEnabled(True)
        self._show_problem(message)

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self.state.setText("")
        self.failed.emit(message)

    # --- drawing ---------------------------------------------------------------------------
    def show_stats(self, stats: DashboardStats) -> None:
        """Draw ``stats`` (counted by :func:`dashboard_statistics`)."""
        self.stats = stats
        colour = primary_colour(self.palette())
        self._show_figures(stats)
        self.on_volume_unit()
        categories = list(reversed(stats.categories))  # drawn from the bottom up
        self.category_chart.set_data([c.name for c in categories],
                                     [Series(self.tr("Incidents"),
                                             [c.count for c in categories], colour)])
        labels = [priority_text(p) for p in PRIORITIES]
        short = {"axis_labels": [f"P{p}" for p in PRIORITIES]}
        self.priority_chart.set_data(labels, [Series(
            self.tr("Incidents"), [p.received for p in stats.priorities],
            [PRIORITY_COLOURS[p][0] for p in PRIORITIES])], colour_per_bar=True, **short)
        self.mttr_chart.set_data(labels, [
            Series(self.tr("Mean"), [_hours(p.mean_to_resolve) for p in stats.priorities],
                   colour),
            Series(self.tr("Median"), [_hours(p.median_to_resolve) for p in stats.priorities],
                   ORANGE)], **short)
        for chart, name, title in ((self.response_chart, "response", self.tr("Response SLA")),
                                   (self.resolution_chart, "resolution",
                                    self.tr("Resolution SLA"))):
            counts = [getattr(p, name) for p in stats.priorities]
            chart.set_data(labels, [Series(self._outcome_text(outcome),
                                           [getattr(c, outcome) for c in counts],
                                           OUTCOME_COLOURS[outcome]) for outcome in OUTCOMES],
                           **short)
            overall = getattr(stats, name)
            chart.set_title(self.tr("{0}: {1} met of those decided").format(
                title, _percent(overall.met_percent)))
        targets = list(reversed(stats.escalations.targets))
        self.escalation_chart.set_data([t.name for t in targets], [Series(
            self.tr("Incidents"), [t.incidents for t in targets], colour)])
        self.escalation_chart.set_title(self.tr(
            "Escalations: {0:,} made for {1:,} incidents").format(
            stats.escalations.escalations, stats.escalations.incidents))
        satisfaction = stats.satisfaction
        self.satisfaction_chart.set_data([str(s) for s, _ in satisfaction.scores], [Series(
            self.tr("Responses"), [n for _, n in satisfaction.scores], SCORE_COLOURS)],
            colour_per_bar=True)
        average = ("—" if satisfaction.average is None
                   else f"{satisfaction.average:.1f}")
        self.satisfaction_chart.set_title(self.tr(
            "Satisfaction after the incident: average {0} from {1:,} responses").format(
            average, satisfaction.responses))
        problems = list(reversed(stats.problems))
        self.problem_chart.set_data(
            [f"{p.reference} {p.title}" for p in problems],
            [Series(self.tr("Incidents"), [p.incidents for p in problems], colour)],
            axis_labels=[self._problem_label(p) for p in problems])
        self.problem_chart.set_title(self.tr(
            "Incidents per problem: {0:,} linked to a problem").format(stats.problem_incidents))
        repeats = stats.repeats
        self.callers_model.set_callers(repeats.top)
        self.callers.resizeColumnsToContents()
        self.callers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.callers_title.setText(self.tr(
            "{0:,} callers called twice or more ({1:,} incidents); the {2} who called most, "
            "known by their phone number (or, without one, their name):").format(
            repeats.callers, repeats.incidents, len(repeats.top)))
        self.repeats_button.setText(self.tr(
            "Show the {0:,} repeat incidents (the same caller and category within {1} days)"
        ).format(repeats.repeat_incidents, repeats.window_days))
        self.repeats_button.setEnabled(repeats.repeat_incidents > 0)

    def _show_figures(self, stats: DashboardStats) -> None:
        satisfaction = stats.satisfaction
        values = {
            "received": f"{stats.received:,}", "resolved": f"{stats.resolved:,}",
            "mttr": _duration_text(stats.mean_to_resolve),
            "response": _percent(stats.response.met_percent),
            "resolution": _percent(stats.resolution.met_percent),
            "escalated": f"{stats.escalations.incidents:,}",
            "satisfaction": "—" if satisfaction.average is None
            else f"{satisfaction.average:.1f} / 5",
        }
        for key, value in values.items():
            self.figures[key].setText(value)

    def _outcome_text(self, outcome: str) -> str:
        return {MET: self.tr("Met"), BREACHED: self.tr("Breached"),
                PENDING: self.tr("Pending")}[outcome]

    @staticmethod
    def _problem_label(problem) -> str:
        title = problem.title
        if len(title) > TITLE_LENGTH:
            title = title[:TITLE_LENGTH - 1] + "…"
        return f"{problem.reference} {title}"

    @Slot()
    def on_volume_unit(self) -> None:
        stats = self.stats
        if stats is None:
            return
        weekly = self.per_week.isChecked()
        buckets = stats.weeks if weekly else stats.days
        label_at = None
        if not weekly and len(buckets) > LABEL_EVERY_DAY_UP_TO:  # the Mondays
            label_at = [i for i, b in enumerate(buckets) if b.first.weekday() == 0]
            if len(label_at) > LABELS_UP_TO:  # the first Monday of each month
                label_at = [i for i in label_at if buckets[i].first.day <= 7]
        elif len(buckets) > LABELS_UP_TO:  # the first week starting in each month
            label_at = [i for i, b in enumerate(buckets) if b.first.day <= 7]
        self.volume_chart.set_data(
            [short_period_text(b.first, b.last) for b in buckets],
            [Series(self.tr("Incidents"), [b.count for b in buckets],
                    primary_colour(self.palette()))],
            label_at=label_at, axis_labels=[b.label for b in buckets])
        self.volume_chart.set_title(
            (self.tr("Incidents received per week (from the Monday shown)") if weekly
             else self.tr("Incidents received per day")) + f": {stats.received:,}")

    # --- clicks: the log filtered to what a bar counted -------------------------------------
    def _ask(self, what: str, **narrowed) -> None:
        stats = self.stats
        if stats is None:
            return
        log_filter: LogFilter = replace(stats.log_filter(), **narrowed)
        description = self.tr("{0}, received {1}").format(what, stats.text)
        if stats.team_id is not None:
            description += self.tr(", team {0}").format(self._teams.get(stats.team_id, "?"))
        self.show_incidents.emit(log_filter, description)

    @Slot(int, int)
    def on_volume_clicked(self, _series: int, index: int) -> None:
        weekly = self.per_week.isChecked()
        bucket = (self.stats.weeks if weekly else self.stats.days)[index]
        stats = self.stats
        log_filter = replace(stats.log_filter(), received_from=bucket.first,
                             received_to=bucket.last)
        description = self.tr("Received {0}").format(short_period_text(bucket.first,
                                                                        bucket.last))
        if stats.team_id is not None:
            description += self.tr(", team {0}").format(self._teams.get(stats.team_id, "?"))
        self.show_incidents.emit(log_filter, description)

    @Slot(int, int)
    def on_category_clicked(self, _series: int, index: int) -> None:
        category = list(reversed(self.stats.categories))[index]
        self._ask(category.name, category_id=category.id)

    @Slot(int, int)
    def on_priority_clicked(self, _series: int, index: int) -> None:
        priority = PRIORITIES[index]
        self._ask(priority_text(priority), priorities=frozenset({priority}))

    @Slot(int, int)
    def on_mttr_clicked(self, _series: int, index: int) -> None:
        priority = PRIORITIES[index]
        self._ask(self.tr("{0} resolved").format(priority_text(priority)),
                  priorities=frozenset({priority}), statuses=RESOLVED)

    def _sla_clicked(self, target: str, name: str, series: int, index: int) -> None:
        priority, outcome = PRIORITIES[index], OUTCOMES[series]
        self._ask(self.tr("{0}, {1} {2}").format(priority_text(priority), name,
                                                 self._outcome_text(outcome).lower()),
                  priorities=frozenset({priority}), **{target: outcome})

    @Slot(int, int)
    def on_response_clicked(self, series: int, index: int) -> None:
        self._sla_clicked("response", self.tr("response"), series, index)

    @Slot(int, int)
    def on_resolution_clicked(self, series: int, index: int) -> None:
        self._sla_clicked("resolution", self.tr("resolution"), series, index)

    @Slot(int, int)
    def on_escalation_clicked(self, _series: int, index: int) -> None:
        target = list(reversed(self.stats.escalations.targets))[index]
        self._ask(self.tr("Escalated to {0}").format(target.name),
                  escalation_target=target.code)

    @Slot(int, int)
    def on_satisfaction_clicked(self, _series: int, index: int) -> None:
        score, _ = self.stats.satisfaction.scores[index]
        self._ask(self.tr("Scored {0} of 5 by the caller").format(score), satisfaction=score)

    @Slot(int, int)
    def on_problem_clicked(self, _series: int, index: int) -> None:
        problem = list(reversed(self.stats.problems))[index]
        self._ask(self.tr("Linked to {0}").format(problem.reference), problem_id=problem.id)

    @Slot(QModelIndex)
    def on_caller_clicked(self, index: QModelIndex) -> None:
        caller = self.callers_model.caller(index.row())
        self._ask(self.tr("{0}'s incidents").format(caller.name), caller=caller.key)

    @Slot()
    def on_repeats_clicked(self) -> None:
        self._ask(self.tr("Repeat incidents"), repeats=True)
