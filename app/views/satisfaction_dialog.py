"""Record the caller's satisfaction with a resolved incident: a score from 1 to 5, a comment,
how and when it was given; or change the score recorded."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local, to_local
from app.models.entities import User
from app.models.incidents import get_incident
from app.models.permissions import RolePermissionError
from app.models.satisfaction import (
    SCORE_LABELS,
    SCORES,
    SatisfactionError,
    SatisfactionMethod,
    StaleSatisfactionError,
    record_satisfaction,
    satisfaction_of,
)
from app.views.choices import select_data
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.text import tr, vocabulary


def score_text(score: int) -> str:
    """``4 of 5: Satisfied``, in the user's language."""
    return tr("SatisfactionDialog", "{score} of 5: {label}").format(
        score=score, label=vocabulary(SCORE_LABELS[score]))


class SatisfactionDialog(QDialog):
    """The score of incident ``incident_id``. ``recorded`` carries the incident's Change
    once the score is recorded or changed."""

    recorded = Signal(object)

    def __init__(self, incident_id: int, user: User, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._incident_id = incident_id
        self._user = user
        self._dialogs = dialogs
        self.incident = get_incident(incident_id)
        self.shown = satisfaction_of(incident_id)  # what an amendment replaces
        self.setObjectName("satisfactionDialog")
        self.setWindowTitle(self.tr("Caller satisfaction with {reference}").format(
            reference=self.incident.reference))

        resolved = format_local(self.incident.resolved_at) or self.tr("not yet")
        self.heading = plain_label(f"{self.incident.reference}: {self.incident.summary}")
        self.heading.setStyleSheet("font-weight: 600;")
        self.intro = plain_label(self.tr("Resolved: {resolved}. Ask the caller how satisfied "
                                         "they are with how it was handled.").format(
                                             resolved=resolved))
        self.intro.setObjectName("satisfactionIntro")

        self.scores = QButtonGroup(self)
        score_box = QWidget()
        score_box.setObjectName("satisfactionScores")
        score_layout = QVBoxLayout(score_box)
        score_layout.setContentsMargins(0, 0, 0, 0)
        score_layout.setSpacing(2)
        self.score_buttons: dict[int, QRadioButton] = {}
        for score in SCORES:
            button = QRadioButton(f"&{score}  {vocabulary(SCORE_LABELS[score])}")
            button.setObjectName(f"score{score}")
            button.setAccessibleName(self.tr("Score {score} of 5: {label}").format(
                score=score, label=vocabulary(SCORE_LABELS[score])))
            self.scores.addButton(button, score)
            self.score_buttons[score] = button
            score_layout.addWidget(button)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("satisfactionComment")
        self.comment.setAccessibleName(self.tr("Comment"))
        self.comment.setPlaceholderText(self.tr("What the caller said, in their words"))
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(80)
        self.method = QComboBox()
        self.method.setObjectName("satisfactionMethod")
        self.method.setAccessibleName(self.tr("How it was given"))
        for method in SatisfactionMethod:
            self.method.addItem(vocabulary(method.label), method.value)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setObjectName("satisfactionWhen")
        self.when.setAccessibleName(self.tr("When it was given"))
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)

        form = QFormLayout()
        self.errors = FieldErrors(form)
        self.errors.add_row(self.tr("Score:"), score_box, "score")
        self.errors.add_row(self.tr("&Comment:"), self.comment, "comment")
        self.errors.add_row(self.tr("&How given:"), self.method, "method")
        self.errors.add_row(self.tr("&When given:"), self.when, "given_at")
        self.message = plain_label(error=True)
        self.message.setObjectName("satisfactionMessage")
        self.amend_note = plain_label()
        self.amend_note.setObjectName("satisfactionAmendNote")
        self.amend_note.setStyleSheet("background: #e3f2fd; color: #0d47a1; padding: 4px;")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            self.tr("&Record") if self.shown is None else self.tr("&Change score"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("satisfactionSave")
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.amend_note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_recorded()
        self.resize(520, 0)

    def _show_recorded(self) -> None:
        """An amendment starts from the score recorded, and says what becomes of it."""
        shown = self.shown
        self.amend_note.setVisible(shown is not None)
        if shown is None:
            return
        self.amend_note.setText(self.tr(
            "{who} recorded {score} on {when}. Changing it keeps the previous score in the "
            "incident's audit trail.").format(who=shown.recorded_by, score=score_text(shown.score),
                                              when=format_local(shown.recorded_at)))
        self.score_buttons[shown.score].setChecked(True)
        self.comment.setPlainText(shown.comment)
        select_data(self.method, shown.method.value)
        self.when.setDateTime(QDateTime(to_local(shown.given_at)))

    def score(self) -> int | None:
        checked = self.scores.checkedId()
        return checked if checked in SCORES else None

    @Slot()
    def on_save(self) -> None:
        try:
            change = record_satisfaction(
                self._incident_id, self.score(), self.comment.toPlainText(),
                self.method.currentData(), self.when.dateTime().toPython().astimezone(),
                self._user, amending=self.shown)
        except SatisfactionError as exc:
            self.errors.show(exc.problems)
            self.message.setText(exc.problems.get("incident", ""))
            return
        except (StaleSatisfactionError, RolePermissionError) as exc:
            self._dialogs.error(self, self.tr("Score not recorded"), str(exc))
            return
        self.recorded.emit(change)
        self.accept()
