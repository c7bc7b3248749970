"""The problems window: the list of problems (filtered, searched), the selected problem's
editor, its linked incidents, the likely recurrences to link, and its trail."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.entities import User
from app.models.permissions import RolePermissionError
from app.models.problems import (
    ACTIVE,
    CANDIDATE_DAYS,
    LinkedIncident,
    LinkError,
    ProblemStatus,
    candidate_incidents,
    describe_event,
    get_problem,
    link_incident,
    may_change,
    problem_events,
    problem_incidents,
    problems,
    unlink_incident,
)
from app.views.dialogs import Dialogs
from app.views.form_errors import plain_label
from app.views.problem_editor import ProblemEditor
from app.views.problem_table_model import (
    ProblemTableModel,
    problem_search,
    problem_table,
    status_text,
)
from app.views.text import status_text as incident_status_text
from app.views.widgets import action_button

BANNER_STYLE = ("background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9; "
                "border-radius: 3px; padding: 6px;")


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], ids: list[int] | None = None
          ) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)
    table.resizeRowsToContents()


def _incident_rows(rows: list[LinkedIncident]) -> list[tuple[str, ...]]:
    return [(i.reference, format_local(i.received_at), incident_status_text(i.status),
             i.category, i.summary) for i in rows]


class ProblemsWindow(QWidget):
    """Problems and their incidents. ``incident_changed`` carries the Change of an incident
    linked or unlinked here; ``open_incident_requested`` asks to show an incident."""

    incident_changed = Signal(object)
    open_incident_requested = Signal(int)

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setObjectName("problemsWindow")
        self.setWindowTitle(self.tr("Problems"))
        self._user = user
        self._dialogs = dialogs

        self.banner = plain_label(self.tr(
            "A problem removes the cause; its incidents restore the service. Group the "
            "incidents that keep coming back under one problem, find their root cause, and "
            "record a workaround advisors can apply while the caller is on the line."))
        self.banner.setObjectName("problemsBanner")
        self.banner.setStyleSheet(BANNER_STYLE)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("problemStatusFilter")
        self.status_filter.setAccessibleName(self.tr("Show problems"))
        self.status_filter.addItem(self.tr("Not closed"), ACTIVE)
        self.status_filter.addItem(self.tr("All"), "")
        for status in ProblemStatus:
            self.status_filter.addItem(status_text(status), status.value)
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.search = problem_search("problemSearch")
        self.search.textChanged.connect(self.refresh)
        self.new_button = action_button(self.tr("&New problem…"), "newProblem",
                                        self.on_new_problem)
        self.new_button.setVisible(may_change(user))

        self.model = ProblemTableModel(self)
        self.table = problem_table(self.model, "problemTable", self.tr("Problems"))
        self.table.selectionModel().currentRowChanged.connect(self.on_current_changed)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Show:")))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table)

        self.editor = ProblemEditor(user, dialogs)
        self.editor.saved.connect(self.on_saved)
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("problemTabs")
        self.tabs.addTab(self._incidents_tab(), self.tr("&Incidents"))
        self.tabs.addTab(self._candidates_tab(), self.tr("&Likely recurrences"))
        self.tabs.addTab(self._trail_tab(), self.tr("Tr&ail"))

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(editor_scroll)
        right.addWidget(self.tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([600, 680])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.resize(1280, 780)
        self.refresh()
        self._show_related()

    # --- the tabs -------------------------------------------------------------------------
    def _incidents_tab(self) -> QWidget:
        self.incidents = _table("problemIncidents", [self.tr("Reference"), self.tr("Received"),
                                                     self.tr("Status"), self.tr("Category"),
                                                     self.tr("Nature of incident")])
        self.incidents.setAccessibleName(self.tr("Linked incidents"))
        self.incidents.itemDoubleClicked.connect(lambda _item: self.on_open_incident())
        self.open_incident_button = action_button(self.tr("&Open incident"), "openIncident",
                                                  self.on_open_incident)
        self.unlink_button = action_button(self.tr("&Unlink…"), "unlinkIncident",
                                           self.on_unlink, self.tr(
                                               "Take the incident off this problem (it was "
                                               "linked by mistake)"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_incident_button)
        buttons.addWidget(self.unlink_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.incidents)
        layout.addLayout(buttons)
        return tab

    def _candidates_tab(self) -> QWidget:
        self.candidates_intro = plain_label()
        self.candidates_intro.setObjectName("candidatesIntro")
        self.days = QSpinBox()
        self.days.setObjectName("candidateDays")
        self.days.setAccessibleName(self.tr("Days back"))
        self.days.setRange(1, 365)
        self.days.setValue(CANDIDATE_DAYS)
        self.days.setSuffix(self.tr(" days"))
        self.days.valueChanged.connect(self._show_candidates)
        self.candidates = _table("problemCandidates", [
            self.tr("Reference"), self.tr("Received"), self.tr("Status"), self.tr("Category"),
            self.tr("Nature of incident")])
        self.candidates.setAccessibleName(self.tr("Likely recurrences"))
        self.link_button = action_button(self.tr("Lin&k to this problem"), "linkCandidates",
                                         self.on_link_candidates, self.tr(
                                             "Link the chosen incidents to this problem"))
        top = QHBoxLayout()
        top.addWidget(self.candidates_intro, 1)
        top.addWidget(QLabel(self.tr("Received in the last")))
        top.addWidget(self.days)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.link_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.candidates)
        layout.addLayout(bottom)
        return tab

    def _trail_tab(self) -> QWidget:
        self.trail = _table("problemTrail", [self.tr("When"), self.tr("Who"), self.tr("What"),
                                             self.tr("From"), self.tr("To")])
        self.trail.setAccessibleName(self.tr("The problem's trail"))
        self.trail.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.trail)
        return tab

    # --- the list ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Read the list again, keeping the problem shown selected if it is still listed."""
        shown = self.editor.problem_id
        self.model.set_rows(problems(self.status_filter.currentData() or None,
                                     self.search.text()))
        row = self.model.row_of(shown) if shown is not None else None
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(self.model.index(row, 0),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)
        self.table.viewport().update()

    def _may_leave(self) -> bool:
        """The editor's unsaved typing is never lost by surprise."""
        if not self.editor.is_dirty():
            return True
        what = get_problem(self.editor.problem_id).reference if self.editor.problem_id \
            else self.tr("the new problem")
        return self._dialogs.confirm(self, self.tr("Discard changes?"), self.tr(
            "You have changed {what} without saving. Discard the changes?").format(what=what))

    @Slot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        problem_id = self.model.problem_id(current.row()) if current.isValid() else None
        if problem_id is None or problem_id == self.editor.problem_id:
            return
        if not self._may_leave():
            row = (self.model.row_of(self.editor.problem_id)
                   if self.editor.problem_id is not None else None)
            if row is not None:
                self._select_row(row)
            else:
                self.table.selectionModel().clearSelection()
            return
        self.editor.load(problem_id)
        self._show_related()

    def show_problem(self, problem_id: int) -> None:
        """Show ``problem_id`` (listing every problem if the filter hides it)."""
        if self.model.row_of(problem_id) is None:
            self.search.clear()
            self.status_filter.setCurrentIndex(self.status_filter.findData(""))
        row = self.model.row_of(problem_id)
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 0))

    @Slot()
    def on_new_problem(self) -> None:
        if not self._may_leave():
            return
        self.table.selectionModel().clearSelection()
        self.editor.start_new()
        self._show_related()
        self.editor.title.setFocus()

    @Slot(int)
    def on_saved(self, problem_id: int) -> None:
        self.refresh()
        if self.model.row_of(problem_id) is None:  # a new one the filter hides
            self.show_problem(problem_id)
        self._show_related()

    # --- incidents, candidates, trail ------------------------------------------------------
    def _show_related(self) -> None:
        problem_id = self.editor.problem_id
        shown = problem_id is not None
        linked = problem_incidents(problem_id) if shown else []
        _fill(self.incidents, _incident_rows(linked), [i.id for i in linked])
        self.tabs.setTabText(0, self.tr("&Incidents ({n})").format(n=len(linked)))
        self.trail.setRowCount(0)
        if shown:
            events = problem_events(problem_id)
            _fill(self.trail, [(format_local(e.at), e.user, *describe_event(e))
                               for e in events])
            self.trail.scrollToBottom()  # the latest change in sight
        self._show_candidates()
        self.unlink_button.setEnabled(self._changeable() and bool(linked))
        self.open_incident_button.setEnabled(bool(linked))

    def _changeable(self) -> bool:
        """Whether incidents may be linked to (or unlinked from) the problem shown."""
        problem_id = self.editor.problem_id
        return (problem_id is not None and may_change(self._user)
                and get_problem(problem_id).status != ProblemStatus.CLOSED)

    @Slot()
    def _show_candidates(self) -> None:
        problem_id = self.editor.problem_id
        rows = (candidate_incidents(problem_id, days=self.days.value())
                if problem_id is not None else [])
        _fill(self.candidates, _incident_rows(rows), [i.id for i in rows])
        if problem_id is None:
            text = self.tr("Raise or choose a problem to see its likely recurrences.")
        elif not problem_incidents(problem_id):
            text = self.tr("Link a first incident: recurrences are looked for in its "
                           "category.")
        else:
            text = self.tr("Incidents in the same category, linked to no problem yet: "
                           "choose those with the same cause.")
        self.candidates_intro.setText(text)
        self.link_button.setEnabled(bool(rows) and self._changeable())

    def _chosen_ids(self, table: QTableWidget) -> list[int]:
        rows = sorted({index.row() for index in table.selectionModel().selectedRows()})
        return [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    @Slot()
    def on_open_incident(self) -> None:
        chosen = self._chosen_ids(self.incidents)
        if chosen:
            self.open_incident_requested.emit(chosen[0])

    @Slot()
    def on_unlink(self) -> None:
        chosen = self._chosen_ids(self.incidents)
        problem_id = self.editor.problem_id
        if not chosen or problem_id is None:
            self._dialogs.error(self, self.tr("Nothing chosen"),
                                self.tr("Choose the incident to unlink in the list."))
            return
        references = [self.incidents.item(r, 0).text() for r in range(
            self.incidents.rowCount()) if self.incidents.item(r, 0).data(
                Qt.ItemDataRole.UserRole) in chosen]
        reference = get_problem(problem_id).reference
        if not self._dialogs.confirm(self, self.tr("Unlink?"), self.tr(
                "Take {incidents} off {problem}? Both records keep a line saying so.").format(
                    incidents=", ".join(references), problem=reference)):
            return
        self._change_links(unlink_incident, chosen, problem_id)

    @Slot()
    def on_link_candidates(self) -> None:
        chosen = self._chosen_ids(self.candidates)
        problem_id = self.editor.problem_id
        if not chosen or problem_id is None:
            self._dialogs.error(self, self.tr("Nothing chosen"), self.tr(
                "Choose the incidents with the same cause in the list, then link them."))
            return
        self._change_links(link_incident, chosen, problem_id)

    def _change_links(self, operation, incident_ids: list[int], problem_id: int) -> None:
        """Link or unlink each incident (one transaction each); say what was refused."""
        refused = []
        for incident_id in incident_ids:
            try:
                change = operation(incident_id, problem_id, self._user)
            except (LinkError, RolePermissionError) as exc:
                refused.append(str(exc))
                continue
            self.incident_changed.emit(change)
        self.refresh()
        self._show_related()
        if refused:
            self._dialogs.error(self, self.tr("Not all done"), "\n".join(refused))

    def closeEvent(self, event) -> None:
        if self._may_leave():
            event.accept()
        else:
            event.ignore()
