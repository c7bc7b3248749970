"""The post-incident review of one incident: its timeline to look back on, the five whys
that lead to the root cause, what contributed, what went well, the lessons, and the
improvement actions with their owners and due dates; saved as a draft, then completed.

Team leaders and administrators write it; everybody else reads it, and an action's owner
moves their action on. A completed review is read-only but for its actions' statuses.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.entities import User
from app.models.incidents import get_incident
from app.models.lifecycle import Status
from app.models.permissions import Permission, RolePermissionError, can
from app.models.reviews import (
    FIELD_LABELS,
    MAX_WHYS,
    ActionDraft,
    ActionRow,
    ActionStatus,
    ReviewDraft,
    ReviewError,
    ReviewIncompleteError,
    ReviewStateError,
    ReviewStatus,
    StaleReviewError,
    add_action,
    complete_review,
    completion_problems,
    draft_of,
    local_today,
    remove_action,
    review_actions,
    review_for,
    review_required,
    review_timeline,
    save_review,
    suggested_root_cause,
    update_action,
)
from app.models.timeline import TimelineEntry
from app.models.users import active_users
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.improvement_actions import (
    ImprovementActionsModel,
    actions_table,
    may_set_status,
    status_combo,
)
from app.views.text import priority_badge_style, priority_text, status_text, vocabulary
from app.views.theme import tone_colour
from app.views.widgets import action_button

WHY_HINTS = (QT_TRANSLATE_NOOP("ReviewDialog", "Why did the service fail?"),
             QT_TRANSLATE_NOOP("ReviewDialog", "Why did that happen?"),
             QT_TRANSLATE_NOOP("ReviewDialog", "And why was that?"),
             QT_TRANSLATE_NOOP("ReviewDialog", "And why?"),
             QT_TRANSLATE_NOOP("ReviewDialog", "And why? (as a rule, the root cause)"))
TEXT_HINTS = {
    "root_cause": QT_TRANSLATE_NOOP("ReviewDialog", "What made the incident happen: the cause "
                                                    "to remove, not the symptom"),
    "contributing_factors": QT_TRANSLATE_NOOP("ReviewDialog",
                                              "What made it worse or slower to resolve"),
    "went_well": QT_TRANSLATE_NOOP("ReviewDialog", "What to keep doing"),
    "lessons_learned": QT_TRANSLATE_NOOP("ReviewDialog", "What the team learned"),
}
DEFAULT_DUE = timedelta(days=14)
TEXT_HEIGHT = 64


def timeline_html(entries: list[TimelineEntry]) -> str:
    """The timeline as a read-only page: when, what and who in bold, the details below,
    everything typed shown as typed (escaped)."""
    parts = []
    for e in entries:
        head = f"{format_local(e.at)} · {e.title}"
        by = (f" <span style='color:{tone_colour('muted').name()}'>— {escape(e.by)}</span>"
              if e.by else "")
        colour = f" style='color:{tone_colour('error').name()}'" if e.alert else ""
        detail = "<br>".join(escape(line) for line in e.detail.splitlines())
        parts.append(f"<p{colour}><b>{escape(head)}</b>{by}"
                     + (f"<br>{detail}" if detail else "") + "</p>")
    return "".join(parts) or "<p>Nothing recorded.</p>"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _text_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(TEXT_HEIGHT)
    return box


class ReviewDialog(QDialog):
    """Writes or reads the review of ``incident_id`` as ``user``.

    Signals:
        saved: the review or one of its actions was saved (the incident's id).
    """

    saved = Signal(int)

    def __init__(self, incident_id: int, user: User, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._incident_id = incident_id
        self._user = user
        self._dialogs = dialogs
        self.setObjectName("reviewDialog")
        incident = get_incident(incident_id)
        self._reference = incident.reference
        self.setWindowTitle(self.tr("Post-incident review — {reference}").format(
            reference=incident.reference))

        title = plain_label(f"{incident.reference} — {incident.summary}")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        badge = QLabel(priority_text(incident.priority))
        badge.setStyleSheet(priority_badge_style(incident.priority))
        self.incident_status = QLabel(self.tr("Incident {status}.").format(
            status=status_text(incident.status).lower()))
        self.incident_status.setObjectName("reviewIncidentStatus")
        self.state = plain_label()
        self.state.setObjectName("reviewState")
        badges = QHBoxLayout()
        badges.addWidget(badge)
        badges.addWidget(self.incident_status)
        badges.addSpacing(12)
        badges.addWidget(self.state, 1)

        self.timeline = QTextBrowser()
        self.timeline.setObjectName("reviewTimeline")
        self.timeline.setAccessibleName(self.tr("Timeline"))
        self.timeline.setHtml(timeline_html(review_timeline(incident_id)))
        timeline_box = QGroupBox(self.tr("Timeline, from the incident's history"))
        QVBoxLayout(timeline_box).addWidget(self.timeline)

        form = QFormLayout()
        self.errors = FieldErrors(form)
        self.whys: list[QLineEdit] = []
        for n in range(1, MAX_WHYS + 1):
            why = QLineEdit()
            why.setObjectName(f"why{n}")
            why.setPlaceholderText(self.tr(WHY_HINTS[n - 1]))
            why.setAccessibleName(self.tr("Why? {n}").format(n=n))
            self.whys.append(why)
            self.errors.add_row(self.tr("Why? {n}").format(n=n), why, f"why_{n}")
        self.use_whys = action_button(
            self.tr("&Use the last answer as root cause"), "useAsRootCause",
            self.on_use_whys, self.tr("Copies the last why answered into the root cause"))
        self._use_row = QHBoxLayout()
        self._use_row.addWidget(self.use_whys)
        self._use_row.addStretch(1)
        form.addRow("", self._use_row)
        self._review_form = form
        self.root_cause = _text_box("rootCause")
        self.contributing = _text_box("contributingFactors")
        self.went_well = _text_box("wentWell")
        self.lessons = _text_box("lessonsLearned")
        self.texts = {"root_cause": self.root_cause,
                      "contributing_factors": self.contributing,
                      "went_well": self.went_well, "lessons_learned": self.lessons}
        for key, box in self.texts.items():
            box.setAccessibleName(vocabulary(FIELD_LABELS[key]))
            self.errors.add_row(vocabulary(FIELD_LABELS[key]) + ":", box, key)
        review_box = QGroupBox(self.tr("Five whys, root cause and lessons"))
        review_box.setLayout(form)

        actions_box = QGroupBox(self.tr("Improvement actions"))
        actions_layout = QFormLayout(actions_box)
        actions_layout.setContentsMargins(6, 6, 6, 0)
        self.actions_errors = FieldErrors(actions_layout)  # what completing needs of them
        self.actions_errors.add_row("", self._actions_box(), "actions")

        self.message = plain_label(error=True)
        self.message.setObjectName("reviewMessage")
        self.notice = plain_label()
        self.notice.setObjectName("reviewNotice")
        self.save_button = action_button(self.tr("&Save draft"), "saveDraft",
                                         self.on_save_draft)
        self.complete_button = action_button(self.tr("&Complete review…"), "completeReview",
                                             self.on_complete)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.complete_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        splitter = QSplitter()
        splitter.addWidget(timeline_box)
        splitter.addWidget(review_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 640])

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(badges)
        layout.addWidget(splitter, 1)
        layout.addWidget(actions_box)
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        layout.addWidget(buttons)

        self._load()
        self.resize(1100, 860)

    def _actions_box(self) -> QWidget:
        """The review's actions on the left; on the right, the selected one (or a new one)
        with its owner, due date and status."""
        self.actions_model = ImprovementActionsModel(with_incident=False, parent=self)
        self.actions = actions_table(self.actions_model, "reviewActions")
        self.actions.setMinimumHeight(120)
        self.actions.selectionModel().currentRowChanged.connect(self.on_action_selected)
        self.action_text = QLineEdit()
        self.action_text.setObjectName("actionDescription")
        self.action_text.setPlaceholderText(self.tr("What will be done"))
        self.action_owner = QComboBox()
        self.action_owner.setObjectName("actionOwner")
        self.action_due = QDateEdit()
        self.action_due.setObjectName("actionDue")
        self.action_due.setDisplayFormat("dd/MM/yyyy")
        self.action_due.setCalendarPopup(True)
        self.action_status = status_combo("actionStatus")
        for widget, name in ((self.action_text, self.tr("Action")),
                             (self.action_owner, self.tr("Owner")),
                             (self.action_due, self.tr("Due by")),
                             (self.action_status, self.tr("Status"))):
            widget.setAccessibleName(name)
        editor = QFormLayout()
        self.action_errors = FieldErrors(editor)
        self.action_errors.add_row(self.tr("&Action:"), self.action_text, "description")
        self.action_errors.add_row(self.tr("&Owner:"), self.action_owner, "owner_id")
        self.action_errors.add_row(self.tr("Due &by:"), self.action_due, "due_on")
        self.action_errors.add_row(self.tr("S&tatus:"), self.action_status, "status")
        self.add_button = action_button(self.tr("Add &new"), "addAction", self.on_add_action)
        self.update_button = action_button(self.tr("Save c&hanges"), "updateAction",
                                           self.on_update_action)
        self.remove_button = action_button(self.tr("&Remove"), "removeAction",
                                           self.on_remove_action)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.add_button, self.update_button, self.remove_button):
            row.addWidget(button)
        editor.addRow(row)
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.actions, 3)
        layout.addLayout(editor, 2)
        return box

    # --- state ----------------------------------------------------------------------------
    def _load(self) -> None:
        """Read the review and its actions, and set what may be changed."""
        self._review = review_for(self._incident_id)
        self._version = self._review.version if self._review else 0
        draft = draft_of(self._review)
        for n, why in enumerate(self.whys):
            why.setText(draft.five_whys[n] if n < len(draft.five_whys) else "")
        for key, box in self.texts.items():
            box.setPlainText(getattr(draft, key))
        self._load_actions()
        self._saved_draft = self.draft().cleaned()
        self._set_mode()

    def _load_actions(self, select: int | None = None) -> None:
        today = local_today()
        self.actions_model.set_rows(review_actions(self._incident_id, today), today)
        owners = {u.id: u.display_name for u in active_users()}
        for row in self.actions_model.rows():
            owners.setdefault(row.owner_id, row.owner)
        current = self.action_owner.currentData() or self._user.id
        self.action_owner.clear()
        self.action_owner.addItem(self.tr("(choose)"), None)
        for user_id, name in sorted(owners.items(), key=lambda item: item[1].lower()):
            self.action_owner.addItem(name, user_id)
        self.action_owner.setCurrentIndex(max(self.action_owner.findData(current), 0))
        self.action_due.setMinimumDate(_qdate(today))
        self.action_due.setDate(_qdate(today + DEFAULT_DUE))
        row = self.actions_model.row_of_action(select) if select is not None else None
        if row is not None:
            self.actions.selectRow(row)
        self.on_action_selected()

    @property
    def writable(self) -> bool:
        """Whether the user may write the review now: a team leader, the review a draft,
        the incident resolved (or closed) if the review is not started yet."""
        if not can(self._user, Permission.RUN_REVIEWS):
            return False
        if self._review is not None:
            return self._review.status == ReviewStatus.DRAFT
        status = Status(get_incident(self._incident_id).status)
        return status in (Status.RESOLVED, Status.CLOSED)

    def _set_mode(self) -> None:
        writable = self.writable
        for n, why in enumerate(self.whys):
            why.setReadOnly(not writable)
            why.setPlaceholderText(self.tr(WHY_HINTS[n]) if writable else "")
        for key, box in self.texts.items():
            box.setReadOnly(not writable)
            box.setPlaceholderText(self.tr(TEXT_HINTS[key]) if writable
                                   else self.tr("Not written."))
        self._review_form.setRowVisible(self._use_row, writable)
        for widget in (self.use_whys, self.save_button, self.complete_button,
                       self.add_button, self.remove_button):
            widget.setVisible(writable)
        for widget in (self.action_text, self.action_owner, self.action_due):
            widget.setEnabled(writable)
        self.state.setText(self._state_text())
        self.on_action_selected()

    def _state_text(self) -> str:
        incident = get_incident(self._incident_id)
        needed = (self.tr("It must be completed before the incident is closed.")
                  if review_required(incident)
                  else self.tr("Not required for this priority."))
        review = self._review
        if review is None:
            if not can(self._user, Permission.RUN_REVIEWS):
                text = self.tr("No review has been started yet; a team leader writes it.")
            elif Status(incident.status).is_open:
                text = self.tr("The review starts once the incident is resolved.")
            else:
                text = self.tr("Review not started yet: saving a draft starts it.")
        elif review.status == ReviewStatus.COMPLETED:
            text = self.tr("Review completed by {who} on {when}.").format(
                who=review.completed_by.display_name, when=format_local(review.completed_at))
            needed = ""
        else:
            text = self.tr("Review: draft, started by {who} on {when}; last saved by {last} "
                           "on {saved}.").format(
                who=review.started_by.display_name, when=format_local(review.started_at),
                last=review.updated_by.display_name, saved=format_local(review.updated_at))
        return f"{text} {needed}".strip()

    def draft(self) -> ReviewDraft:
        """The review as typed."""
        return ReviewDraft(five_whys=tuple(w.text() for w in self.whys),
                           **{key: box.toPlainText() for key, box in self.texts.items()})

    def has_unsaved_changes(self) -> bool:
        return self.writable and self.draft().cleaned() != self._saved_draft

    def _show_problems(self, problems: dict[str, str]) -> None:
        """Each problem beside its field (the actions' beside them), the first focused."""
        self.actions_errors.show(problems)
        self.errors.show(problems)

    def _show_error(self, exc: Exception) -> None:
        self.notice.clear()
        self.message.setText(str(exc))

    def _review_started_here(self) -> None:
        """After an action was added: the review it started, if it was not started yet."""
        if self._review is None:
            self._review = review_for(self._incident_id)
            self._version = self._review.version if self._review else 0
            self.state.setText(self._state_text())

    # --- the review -----------------------------------------------------------------------
    def _save(self) -> bool:
        self.message.clear()
        try:
            review = save_review(self._incident_id, self.draft(), self._user, self._version)
        except ReviewError as exc:
            self._show_problems(exc.problems)
            self.message.setText(self.tr("Not saved: see the fields marked."))
            return False
        except (StaleReviewError, ReviewStateError, RolePermissionError) as exc:
            self._show_error(exc)
            return False
        self._show_problems({})
        self._review, self._version = review, review.version
        self._saved_draft = self.draft().cleaned()
        self.state.setText(self._state_text())
        self.saved.emit(self._incident_id)
        return True

    @Slot()
    def on_save_draft(self) -> None:
        if self._save():
            self.notice.setText(self.tr("Draft saved."))

    @Slot()
    def on_complete(self) -> None:
        if not self._save():
            return
        problems = completion_problems(get_incident(self._incident_id), self._review)
        if problems:  # said before asking whether to complete
            self._show_incomplete(ReviewIncompleteError(problems))
            return
        if not self._dialogs.confirm(self, self.tr("Complete the review"), self.tr(
                "Once completed, the review can no longer be changed; only its actions' "
                "statuses can. Complete the review of {reference}?").format(
                    reference=self._reference)):
            self.notice.setText(self.tr("Draft saved; not completed."))
            return
        try:
            complete_review(self._incident_id, self._user, self._version)
        except ReviewIncompleteError as exc:
            self._show_incomplete(exc)
            return
        except (StaleReviewError, ReviewStateError, RolePermissionError) as exc:
            self._show_error(exc)
            return
        self._load()
        self.notice.setText(self.tr("Review completed: {reference} may now be closed.")
                            .format(reference=self._reference))
        self.saved.emit(self._incident_id)

    def _show_incomplete(self, exc: ReviewIncompleteError) -> None:
        problems = dict(exc.problems)
        incident_problem = problems.pop("incident", "")
        self._show_problems(problems)
        missing = ", ".join(vocabulary(FIELD_LABELS[key]).lower() for key in problems)
        text = (self.tr("Not ready to complete; missing: {missing}.").format(missing=missing)
                if missing else "")
        self.notice.setText(self.tr("Draft saved."))
        self.message.setText(" ".join(filter(None, (text, incident_problem))))

    @Slot()
    def on_use_whys(self) -> None:
        suggested = suggested_root_cause(w.text() for w in self.whys)
        if not suggested:
            self._show_problems({"why_1": self.tr("Answer at least the first why.")})
            return
        current = self.root_cause.toPlainText().strip()
        if current and current != suggested and not self._dialogs.confirm(
                self, self.tr("Replace the root cause"),
                self.tr("Replace the root cause written with the last why answered?")):
            return
        self.root_cause.setPlainText(suggested)
        self.root_cause.setFocus()

    # --- actions --------------------------------------------------------------------------
    def selected_action(self) -> ActionRow | None:
        index = self.actions.currentIndex()
        return self.actions_model.row_at(index.row()) if index.isValid() else None

    def action_draft(self) -> ActionDraft:
        return ActionDraft(self.action_text.text(), self.action_owner.currentData(),
                           self.action_due.date().toPython())

    @Slot()
    def on_action_selected(self) -> None:
        row = self.selected_action()
        writable = self.writable
        if row is not None:
            self.action_text.setText(row.description)
            self.action_owner.setCurrentIndex(max(self.action_owner.findData(row.owner_id), 0))
            self.action_due.setMinimumDate(_qdate(min(row.due_on, local_today())))
            self.action_due.setDate(_qdate(row.due_on))
            self.action_status.setCurrentIndex(self.action_status.findData(row.status.value))
        may_move = row is not None and may_set_status(self._user, row)
        self.action_status.setEnabled(may_move)
        self.update_button.setVisible(writable or may_move)
        self.update_button.setEnabled(row is not None and (writable or may_move))
        self.remove_button.setEnabled(row is not None)

    def _action_done(self, select: int | None, notice: str) -> None:
        self.action_errors.clear()
        self._show_problems({})
        self.message.clear()
        self._review_started_here()
        self._load_actions(select)
        self.notice.setText(notice)
        self.saved.emit(self._incident_id)

    def _action_failed(self, exc: Exception) -> None:
        if isinstance(exc, ReviewError):
            self.action_errors.show(exc.problems)
        else:
            self._show_error(exc)

    @Slot()
    def on_add_action(self) -> None:
        try:
            add_action(self._incident_id, self.action_draft(), self._user)
        except (ReviewError, ReviewStateError, RolePermissionError) as exc:
            self._action_failed(exc)
            return
        self._action_done(None, self.tr("Action added."))
        self.action_text.clear()
        self.action_text.setFocus()

    @Slot()
    def on_update_action(self) -> None:
        row = self.selected_action()
        if row is None:
            return
        draft = self.action_draft() if self.writable else None
        try:
            update_action(row.action_id, self._user, draft=draft,
                          status=ActionStatus(self.action_status.currentData()))
        except (ReviewError, ReviewStateError, RolePermissionError) as exc:
            self._action_failed(exc)
            return
        self._action_done(row.action_id, self.tr("Action updated."))

    @Slot()
    def on_remove_action(self) -> None:
        row = self.selected_action()
        if row is None or not self._dialogs.confirm(
                self, self.tr("Remove the action"),
                self.tr("Remove the action “{action}”?").format(action=row.description)):
            return
        try:
            remove_action(row.action_id, self._user)
        except (ReviewStateError, RolePermissionError) as exc:
            self._show_error(exc)
            return
        self._action_done(None, self.tr("Action removed."))

    # --- closing --------------------------------------------------------------------------
    def reject(self) -> None:
        """Close, asking first if the draft has changes not saved."""
        if self.has_unsaved_changes() and not self._dialogs.confirm(
                self, self.tr("Close the review"),
                self.tr("The review has changes that are not saved. Close without saving "
                        "them?")):
            return
        super().reject()
