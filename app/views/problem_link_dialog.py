"""From an incident: link it to the problem behind it (chosen from the list, searched), raise
a new problem from it, or take it off the problem it is linked to."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.entities import Category, User
from app.models.incidents import Change, get_incident
from app.models.permissions import RolePermissionError
from app.models.problems import (
    ACTIVE,
    INCIDENT_FIELD,
    LinkError,
    ProblemDraft,
    ProblemError,
    create_problem,
    link_incident,
    may_change,
    problem_of,
    problems,
    unlink_incident,
)
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.problem_table_model import (
    ProblemTableModel,
    problem_search,
    problem_table,
    status_text,
)
from app.views.widgets import action_button


class ProblemLinkDialog(QDialog):
    """Links the incident ``incident_id`` to a problem. ``changed`` carries the incident's
    Change each time it is linked or unlinked; ``open_problem_requested`` asks to show a
    problem in the problems window."""

    changed = Signal(object)
    open_problem_requested = Signal(int)

    def __init__(self, incident_id: int, user: User, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._incident_id = incident_id
        self._user = user
        self.raised = ""  # the reference of a problem raised here
        self._dialogs = dialogs
        self.incident = get_incident(incident_id)
        self.setObjectName("problemLinkDialog")
        self.setWindowTitle(self.tr("Problem behind {reference}").format(
            reference=self.incident.reference))

        self.intro = plain_label(self.tr(
            "{reference}: {summary}\nThe incident restores the service; the problem removes "
            "the cause. Link incidents that share a cause to one problem.").format(
                reference=self.incident.reference, summary=self.incident.summary))
        self.intro.setObjectName("problemLinkIntro")

        # the problem it is linked to now
        self.current = QGroupBox(self.tr("Linked now"))
        self.current_text = plain_label()
        self.current_text.setObjectName("currentProblem")
        self.open_button = action_button(self.tr("&Open problem"), "openLinkedProblem",
                                         self.on_open_current)
        self.unlink_button = action_button(self.tr("&Unlink…"), "unlinkProblem",
                                           self.on_unlink)
        current_layout = QHBoxLayout(self.current)
        current_layout.addWidget(self.current_text, 1)
        current_layout.addWidget(self.open_button)
        current_layout.addWidget(self.unlink_button)

        # an existing problem
        self.existing = QGroupBox(self.tr("Link to an existing problem"))
        self.search = problem_search("linkSearch")
        self.search.textChanged.connect(self.refresh)
        self.model = ProblemTableModel(self)
        self.table = problem_table(self.model, "linkProblems", self.tr("Problems not closed"))
        self.table.doubleClicked.connect(lambda _index: self.on_link())
        self.link_button = action_button(self.tr("&Link to this problem"), "linkProblem",
                                         self.on_link)
        existing_layout = QVBoxLayout(self.existing)
        existing_layout.addWidget(self.search)
        existing_layout.addWidget(self.table)
        link_row = QHBoxLayout()
        link_row.addStretch(1)
        link_row.addWidget(self.link_button)
        existing_layout.addLayout(link_row)

        # a new problem raised from the incident
        self.new = QGroupBox(self.tr("Raise a new problem from this incident"))
        self.new_title = QLineEdit(self.incident.summary)
        self.new_title.setObjectName("newProblemTitle")
        self.new_title.setAccessibleName(self.tr("New problem's title"))
        self.new_description = QPlainTextEdit()
        self.new_description.setObjectName("newProblemDescription")
        self.new_description.setAccessibleName(self.tr("New problem's description"))
        self.new_description.setTabChangesFocus(True)
        self.new_description.setFixedHeight(64)
        category = Category.get_by_id(self.incident.category_id).name
        self.new_description.setPlainText(self.tr("Raised from {reference} ({category}).")
                                          .format(reference=self.incident.reference,
                                                  category=category))
        form = QFormLayout(self.new)
        self.errors = FieldErrors(form)
        self.errors.add_row(self.tr("&Title:"), self.new_title, "title")
        self.errors.add_row(self.tr("&Description:"), self.new_description, "description")
        self.raise_button = action_button(self.tr("&Raise and link"), "raiseProblem",
                                          self.on_raise)
        raise_row = QHBoxLayout()
        raise_row.addStretch(1)
        raise_row.addWidget(self.raise_button)
        form.addRow(raise_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.current)
        layout.addWidget(self.existing, 1)
        layout.addWidget(self.new)
        layout.addWidget(self.buttons)
        self.resize(760, 620)
        self.refresh()

    @property
    def incident_id(self) -> int:
        return self._incident_id

    @Slot()
    def refresh(self) -> None:
        """Show the link as it is now, and the problems that can take the incident."""
        linked = problem_of(self._incident_id)
        self.current.setVisible(linked is not None)
        if linked is not None:
            self.current_text.setText(f"{linked.reference}: {linked.title} "
                                      f"({status_text(linked.status)})")
        self.model.set_rows(problems(ACTIVE, self.search.text()))
        free = linked is None
        allowed = may_change(self._user)
        self.existing.setEnabled(free and allowed)
        self.new.setEnabled(free and allowed)
        self.unlink_button.setVisible(allowed)
        self.existing.setTitle(self.tr("Link to an existing problem") if free else self.tr(
            "Link to an existing problem (unlink it first: an incident has one problem)"))
        if free and self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _done(self, change) -> None:
        self.changed.emit(change)
        self.refresh()

    def _chosen(self) -> int | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.problem_id(index.row()) if index.isValid() else None

    @Slot()
    def on_link(self) -> None:
        problem_id = self._chosen()
        if problem_id is None:
            self._dialogs.error(self, self.tr("No problem chosen"),
                                self.tr("Choose the problem in the list, then link."))
            return
        try:
            change = link_incident(self._incident_id, problem_id, self._user)
        except (LinkError, RolePermissionError) as exc:
            self._dialogs.error(self, self.tr("Not linked"), str(exc))
            self.refresh()
            return
        self._done(change)
        self.accept()

    @Slot()
    def on_raise(self) -> None:
        draft = ProblemDraft(title=self.new_title.text(),
                             description=self.new_description.toPlainText())
        try:
            problem = create_problem(draft, self._user, incident_id=self._incident_id)
        except ProblemError as exc:
            self.errors.show(exc.problems)
            return
        except (LinkError, RolePermissionError) as exc:
            self._dialogs.error(self, self.tr("Problem not raised"), str(exc))
            self.refresh()
            return
        self.errors.clear()
        self.raised = problem.reference
        self._done(Change(self._incident_id, fields=(INCIDENT_FIELD,)))
        self.accept()

    @Slot()
    def on_open_current(self) -> None:
        linked = problem_of(self._incident_id)
        if linked is not None:
            self.open_problem_requested.emit(linked.id)

    @Slot()
    def on_unlink(self) -> None:
        linked = problem_of(self._incident_id)
        if linked is None:
            self.refresh()
            return
        if not self._dialogs.confirm(self, self.tr("Unlink?"), self.tr(
                "Take {incident} off {problem}? Both records keep a line saying so.").format(
                    incident=self.incident.reference, problem=linked.reference)):
            return
        try:
            change = unlink_incident(self._incident_id, linked.id, self._user)
        except (LinkError, RolePermissionError) as exc:
            self._dialogs.error(self, self.tr("Not unlinked"), str(exc))
            self.refresh()
            return
        self._done(change)
