"""One problem's editor: title, description, owner, status with its note, root cause and
workaround; raises a new problem too. The rules are the model's (app.models.problems)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.entities import User
from app.models.permissions import Role, RolePermissionError
from app.models.problems import (
    ProblemDraft,
    ProblemError,
    ProblemStatus,
    StaleProblemError,
    allowed_next,
    create_problem,
    draft_from_problem,
    get_problem,
    may_change,
    may_manage,
    note_needed,
    update_problem,
)
from app.models.users import active_users
from app.views.choices import select_data
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.problem_table_model import status_text
from app.views.theme import set_tone

TEXT_HEIGHT = 64  # a multi-line field's height: three lines, it grows no further


def _text_box(name: str, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(TEXT_HEIGHT)
    box.setPlaceholderText(placeholder)
    return box


class ProblemEditor(QWidget):
    """Edits the problem shown, or a new one. ``saved`` carries the problem's id once it is
    raised or saved."""

    saved = Signal(int)

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None):
        super().__init__(parent)
        self._user = user
        self._dialogs = dialogs
        self._problem_id: int | None = None
        self._version = 0
        self._loaded = ProblemDraft(title="")
        self._current = ProblemStatus.OPEN

        self.reference = QLabel()
        self.reference.setObjectName("problemReference")
        self.reference.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setObjectName("problemStatusLabel")
        self.status_label.setStyleSheet("font-weight: 600;")

        self.title = QLineEdit()
        self.title.setObjectName("problemTitle")
        self.title.setMaxLength(400)  # over 200 is refused with a message, not cut
        self.title.setPlaceholderText(self.tr("What keeps going wrong, in a line"))
        self.description = _text_box("problemDescription",
                                     self.tr("What is seen, where, since when"))
        self.owner = QComboBox()
        self.owner.setObjectName("problemOwner")
        self.status = QComboBox()
        self.status.setObjectName("problemStatus")
        self.status.currentIndexChanged.connect(self.on_status_changed)
        self.note = QLineEdit()
        self.note.setObjectName("problemNote")
        self.root_cause = _text_box("problemRootCause",
                                    self.tr("What causes the incidents (required for a known "
                                            "error)"))
        self.workaround = _text_box("problemWorkaround",
                                    self.tr("What advisors can do meanwhile to restore the "
                                            "service (required for a known error)"))
        for widget, name in ((self.title, self.tr("Title")),
                             (self.description, self.tr("Description")),
                             (self.owner, self.tr("Owner")), (self.status, self.tr("Status")),
                             (self.note, self.tr("Note")),
                             (self.root_cause, self.tr("Root cause")),
                             (self.workaround, self.tr("Workaround"))):
            widget.setAccessibleName(name)

        form = QFormLayout()
        self.errors = FieldErrors(form)
        self.errors.add_row(self.tr("&Title:"), self.title, "title")
        self.errors.add_row(self.tr("&Description:"), self.description, "description")
        self.errors.add_row(self.tr("O&wner:"), self.owner, "owner_id")
        self.errors.add_row(self.tr("&Status:"), self.status, "status")
        self.errors.add_row(self.tr("&Note:"), self.note, "note")
        self.errors.add_row(self.tr("&Root cause:"), self.root_cause, "root_cause")
        self.errors.add_row(self.tr("Wor&karound:"), self.workaround, "workaround")

        self.rights_note = plain_label()
        self.rights_note.setObjectName("problemRightsNote")
        set_tone(self.rights_note, "muted")
        self.save_button = QPushButton(self.tr("&Save problem"))
        self.save_button.setObjectName("problemSave")
        self.save_button.clicked.connect(self.on_save)
        self.discard_button = QPushButton(self.tr("Discard changes"))
        self.discard_button.setObjectName("problemDiscard")
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.on_discard)

        heading = QHBoxLayout()
        heading.addWidget(self.reference)
        heading.addWidget(self.status_label)
        heading.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rights_note, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.start_new()

    # --- showing --------------------------------------------------------------------------
    @property
    def problem_id(self) -> int | None:
        return self._problem_id

    def _fill_owners(self, owner_id: int | None) -> None:
        self.owner.clear()
        self.owner.addItem(self.tr("(nobody yet)"), None)
        for user in active_users():
            if user.role != Role.ASSESSOR:
                self.owner.addItem(user.display_name, user.id)
        if owner_id is not None and self.owner.findData(owner_id) < 0:  # since deactivated
            self.owner.addItem(User.get_by_id(owner_id).display_name, owner_id)
        select_data(self.owner, owner_id)

    def _fill_statuses(self, current: ProblemStatus) -> None:
        self.status.blockSignals(True)
        self.status.clear()
        self.status.addItem(status_text(current), current.value)
        if may_manage(self._user):
            for status in allowed_next(current):
                self.status.addItem(self.tr("Move to: {status}").format(
                    status=status_text(status)), status.value)
        self.status.blockSignals(False)

    def _show(self, draft: ProblemDraft, current: ProblemStatus) -> None:
        self._loaded = draft.cleaned()
        self._current = current
        self.title.setText(draft.title)
        self.description.setPlainText(draft.description)
        self._fill_owners(draft.owner_id)
        self._fill_statuses(current)
        self.note.clear()
        self.root_cause.setPlainText(draft.root_cause)
        self.workaround.setPlainText(draft.workaround)
        self.errors.clear()
        self._set_rights(current)
        self.on_status_changed()

    def start_new(self, title: str = "", description: str = "") -> None:
        """An empty editor for raising a new problem."""
        self._problem_id = None
        self._version = 0
        self.reference.setText(self.tr("New problem"))
        self.status_label.clear()
        self._show(ProblemDraft(title=title, description=description), ProblemStatus.OPEN)
        self.save_button.setText(self.tr("&Raise problem"))

    def load(self, problem_id: int) -> None:
        """Show the problem as stored now."""
        problem = get_problem(problem_id)
        self._problem_id = problem_id
        self._version = problem.version
        self.reference.setText(problem.reference)
        self.status_label.setText(status_text(problem.status))
        self._show(draft_from_problem(problem), ProblemStatus(problem.status))
        self.save_button.setText(self.tr("&Save problem"))

    def _set_rights(self, current: ProblemStatus) -> None:
        """What this user may change here, and a line saying why the rest is locked."""
        editable = may_change(self._user) and current != ProblemStatus.CLOSED
        managing = editable and may_manage(self._user)
        for widget in (self.title, self.description, self.note):
            widget.setReadOnly(not editable)
        self.owner.setEnabled(editable)
        for widget in (self.root_cause, self.workaround):
            widget.setReadOnly(not managing)
        self.status.setEnabled(managing)
        self.save_button.setVisible(editable)
        self.discard_button.setVisible(editable)
        if current == ProblemStatus.CLOSED:
            note = self.tr("This problem is closed: it stays as it is. If the cause is back, "
                           "raise a new problem.")
        elif not may_change(self._user):
            note = self.tr("Assessors read problems; they do not change them.")
        elif not managing:
            note = self.tr("A team leader or an administrator sets the root cause, the "
                           "workaround and the status.")
        else:
            note = ""
        self.rights_note.setText(note)

    # --- editing ----------------------------------------------------------------------------
    def draft(self) -> ProblemDraft:
        return ProblemDraft(
            title=self.title.text(), description=self.description.toPlainText(),
            status=self.status.currentData() or self._current,
            root_cause=self.root_cause.toPlainText(), workaround=self.workaround.toPlainText(),
            owner_id=self.owner.currentData(), note=self.note.text())

    def is_dirty(self) -> bool:
        """Whether something typed here is not saved yet."""
        return may_change(self._user) and self.draft().cleaned() != self._loaded

    @Slot()
    def on_status_changed(self) -> None:
        target = self.status.currentData() or self._current
        needed = note_needed(self._current, target)
        self.note.setPlaceholderText(
            self.tr("Required: {what}").format(what=needed) if needed
            else self.tr("Optional: a note for the problem's trail"))

    @Slot()
    def on_discard(self) -> None:
        if self._problem_id is None:
            self.start_new()
        else:
            self.load(self._problem_id)

    @Slot()
    def on_save(self) -> None:
        draft = self.draft()
        try:
            if self._problem_id is None:
                problem_id = create_problem(draft, self._user).id
            else:
                problem_id = self._problem_id
                update_problem(problem_id, draft, self._user, self._version)
        except ProblemError as exc:
            self.errors.show(exc.problems)
            return
        except (RolePermissionError, StaleProblemError) as exc:
            self._dialogs.error(self, self.tr("Problem not saved"), str(exc))
            return
        self.load(problem_id)
        self.saved.emit(problem_id)
