"""The logging form: new incidents and edits, in the order a call goes, checked as typed."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from itertools import pairwise

import peewee
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import local_from_naive, now_utc, to_local
from app.models.db import ConnectionLostError
from app.models.drafts import DraftError, DraftStore
from app.models.edit_conflicts import Reapplied, history_mark, reapply
from app.models.entities import User
from app.models.incidents import (
    PRIORITISATION_FIELDS,
    StaleIncidentError,
    draft_from_incident,
    get_incident,
    incident_pauses,
)
from app.models.prioritisation import apply_outcome
from app.models.priority import compute_priority
from app.models.users import active_users
from app.models.validation import (
    FIELD_LABELS,
    IncidentDraft,
    ValidationError,
    stored_levels,
    validate_draft,
)
from app.models.vocabulary import CallerType, Channel, Level
from app.views.accessibility import name_inputs
from app.views.choices import fill_categories, fill_subcategories, select_data
from app.views.dialogs import Dialogs
from app.views.form_errors import with_error_line
from app.views.operations import IncidentOperations
from app.views.prioritisation_wizard import PrioritisationWizard
from app.views.stale_save_dialog import StaleSaveDialog
from app.views.text import priority_badge_style, priority_text, vocabulary
from app.views.theme import set_note, set_tone

IMPACT_HINTS = {
    Level.HIGH: QT_TRANSLATE_NOOP(
        "IncidentForm",
        "High: many people or a whole service; safety, money, regulation at stake"),
    Level.MEDIUM: QT_TRANSLATE_NOOP("IncidentForm",
                                    "Medium: a team, a site or a group of customers"),
    Level.LOW: QT_TRANSLATE_NOOP("IncidentForm", "Low: one person, with little harm"),
}
URGENCY_HINTS = {
    Level.HIGH: QT_TRANSLATE_NOOP(
        "IncidentForm", "High: getting worse fast, no workaround, a deadline today"),
    Level.MEDIUM: QT_TRANSLATE_NOOP("IncidentForm",
                                    "Medium: can wait hours; a poor workaround exists"),
    Level.LOW: QT_TRANSLATE_NOOP("IncidentForm",
                                 "Low: can wait days; a good workaround exists"),
}
AUTOSAVE_MS = 300  # a new incident's draft is written this long after the last change


class IncidentForm(QDialog):
    """Log a new incident (``incident_id`` None) or edit one; saves through ``operations``.

    A new incident's draft is kept in ``drafts`` as it is typed, and removed once the form
    is saved or discarded; ``recovered`` is a draft left by a crash, to carry on with.
    """

    def __init__(self, operations: IncidentOperations, dialogs: Dialogs,
                 incident_id: int | None = None, parent: QWidget | None = None,
                 drafts: DraftStore | None = None, recovered: IncidentDraft | None = None):
        super().__init__(parent)
        self._operations = operations
        self._dialogs = dialogs
        self._incident_id = incident_id
        self._drafts = drafts if incident_id is None else None
        self._recovered = recovered
        self._version = 0
        self._mark = 0  # the incident's last history row when opened (or reloaded)
        self.stale_dialog: StaleSaveDialog | None = None
        self._offline_note: str | None = None  # what say_offline last showed
        self._touched: set[str] = set()
        self.saved_incident_id: int | None = None
        self.setObjectName("incidentForm")
        self.setSizeGripEnabled(True)

        self.received_at = QDateTimeEdit()
        self.received_at.setCalendarPopup(True)
        self.received_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.channel = self._combo([(vocabulary(c.label), c.value) for c in Channel])
        self.caller_name = QLineEdit()
        self.caller_name.setPlaceholderText(self.tr("Full name, or 'Anonymous'"))
        self.caller_phone = QLineEdit()
        self.caller_phone.setPlaceholderText(self.tr("e.g. 0161 496 0000"))
        self.caller_email = QLineEdit()
        self.caller_email.setPlaceholderText(self.tr("name@example.org"))
        self.caller_type = self._combo([(vocabulary(c.label), c.value) for c in CallerType])
        self.account_ref = QLineEdit()
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("Where it is happening"))
        self.summary = QLineEdit()
        self.summary.setPlaceholderText(self.tr("What is happening, in a line"))
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(self.tr("In the caller's own words"))
        self.description.setMinimumHeight(70)
        self.category_id = QComboBox()
        fill_categories(self.category_id, self.tr("Choose a category…"))
        self.subcategory_id = QComboBox()
        self.impact = self._combo([(self.tr(IMPACT_HINTS[v]), v.value) for v in Level],
                                  placeholder=self.tr("How much is affected?"))
        self.urgency = self._combo([(self.tr(URGENCY_HINTS[v]), v.value) for v in Level],
                                   placeholder=self.tr("How fast must it be fixed?"))
        self.priority = QLabel()
        self.priority.setObjectName("priorityPreview")
        self.priority.setMargin(4)
        self.priority.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.prioritise_button = QPushButton(self.tr("&Prioritise…"))
        self.prioritise_button.setObjectName("prioritiseButton")
        self.prioritise_button.setToolTip(self.tr(
            "Answer the guided questions: they set the category, impact and urgency, and "
            "record why (Alt+P)"))
        self.prioritise_button.clicked.connect(self.open_wizard)
        self.rationale = QLabel()
        self.rationale.setObjectName("priorityRationale")
        self.rationale.setWordWrap(True)
        self.rationale.setTextFormat(Qt.TextFormat.PlainText)
        self.wizard: PrioritisationWizard | None = None
        self._prioritisation = {name: getattr(IncidentDraft(), name)
                                for name in PRIORITISATION_FIELDS}
        self.owner_id = self._combo([(u.display_name, u.id) for u in active_users()],
                                    placeholder=self.tr("(unassigned)"))
        self.details_confirmed = QCheckBox(
            self.tr("I have read the details back to the caller and they confirmed them"))

        self.errors: dict[str, QLabel] = {}
        call = self._group(self.tr("Call"), ["received_at", "channel"])
        caller = self._group(self.tr("Caller"), ["caller_name", "caller_phone", "caller_email",
                                                 "caller_type", "account_ref", "location"])
        incident = self._group(self.tr("Incident"), ["summary", "description", "category_id",
                                                     "subcategory_id"])
        priority = self._group(self.tr("Priority and owner"), ["impact", "urgency"])
        priority_row = QHBoxLayout()
        priority_row.addWidget(self.priority)
        priority_row.addWidget(self.prioritise_button)
        priority_row.addStretch(1)
        priority.layout().addRow(self.tr("Priority:"), priority_row)
        priority.layout().addRow(self.tr("Why:"), self.rationale)
        self._add_row(priority.layout(), "owner_id")

        self.form_message = QLabel()
        self.form_message.setObjectName("formMessage")
        self.form_message.setWordWrap(True)
        self.form_message.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.form_message, "error", bold=True)
        # after a refused save: what the form now shows, and whose values mine replace
        self.merge_note = QLabel()
        self.merge_note.setObjectName("mergeNote")
        self.merge_note.setWordWrap(True)
        self.merge_note.setTextFormat(Qt.TextFormat.PlainText)
        set_note(self.merge_note, "amber", margin=6)
        self.merge_note.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.draft_status = QLabel()
        self.draft_status.setObjectName("draftStatus")
        self.draft_status.setTextFormat(Qt.TextFormat.PlainText)
        set_tone(self.draft_status, "muted")
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.on_save)

        grid = QGridLayout()
        grid.addWidget(call, 0, 0)
        grid.addWidget(caller, 1, 0)
        grid.addWidget(incident, 0, 1, 2, 1)
        grid.addWidget(priority, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.details_confirmed)
        layout.addWidget(self.merge_note)
        layout.addWidget(self.form_message)
        bottom = QHBoxLayout()
        bottom.addWidget(self.draft_status, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self._set_tab_order()
        self.category_id.currentIndexChanged.connect(self.on_category_changed)
        for name in ("impact", "urgency"):
            self.field(name).currentIndexChanged.connect(self.on_priority_inputs_changed)
        self._load()
        self._connect_validation()
        # a recovered draft is unsaved work: it counts as changed from the start
        self._initial = self.draft() if recovered is None else IncidentDraft()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.on_autosave)
        if self._drafts is not None:
            self._connect_autosave()
        self.resize(980, 640)
        name_inputs(self)
        self.caller_name.setFocus()

    # --- building ------------------------------------------------------------------------
    def _combo(self, items, placeholder: str | None = None) -> QComboBox:
        combo = QComboBox()
        if placeholder is not None:
            combo.addItem(placeholder, None)
        for text, value in items:  # already in the user's language
            combo.addItem(text, value)
        return combo

    def _group(self, title: str, names: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            self._add_row(form, name)
        return box

    def _add_row(self, form: QFormLayout, name: str) -> None:
        widget = self.field(name)
        widget.setObjectName(name)
        holder, self.errors[name] = with_error_line(name, widget)
        label = QLabel(vocabulary(FIELD_LABELS[name]) + ":")
        label.setBuddy(widget)
        form.addRow(label, holder)

    def field(self, name: str) -> QWidget:
        return getattr(self, name)

    TAB_ORDER = ("received_at", "channel", "caller_name", "caller_phone", "caller_email",
                 "caller_type", "account_ref", "location", "summary", "description",
                 "category_id", "subcategory_id", "impact", "urgency", "prioritise_button",
                 "owner_id", "details_confirmed")

    def _set_tab_order(self) -> None:
        widgets = [self.field(n) for n in self.TAB_ORDER] + [
            self.save_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in pairwise(widgets):
            QWidget.setTabOrder(first, second)

    def _load(self) -> None:
        if self._incident_id is None:
            self.setWindowTitle(self.tr("New incident"))
            draft = self._recovered or IncidentDraft(received_at=now_utc(),
                                                     owner_id=self._operations.user.id)
        else:
            self._mark = history_mark(self._incident_id)  # before the row: never too late
            incident = get_incident(self._incident_id)
            self._version = incident.version
            self.setWindowTitle(self.tr("Edit {reference}").format(
                reference=incident.reference))
            draft = draft_from_incident(incident)
        self._show(draft)

    def _show(self, draft: IncidentDraft) -> None:
        """Put ``draft``'s values into the fields."""
        local = to_local(draft.received_at).replace(tzinfo=None)
        self.received_at.setDateTime(QDateTime(local))
        self._offer_owner(draft.owner_id)
        for name in ("channel", "caller_type", "category_id", "impact", "urgency", "owner_id"):
            select_data(self.field(name), getattr(draft, name))
        # after the levels: setting them one by one passes through pairs the wizard's
        # record would not match, which would drop it
        self._prioritisation = {name: getattr(draft, name) for name in PRIORITISATION_FIELDS}
        self.on_category_changed()
        select_data(self.subcategory_id, draft.subcategory_id)
        for name in ("caller_name", "caller_phone", "caller_email", "account_ref", "location",
                     "summary"):
            self.field(name).setText(getattr(draft, name))
        self.description.setPlainText(draft.description)
        self.details_confirmed.setChecked(draft.details_confirmed)
        self.on_priority_inputs_changed()

    def _offer_owner(self, owner_id: int | None) -> None:
        """Make sure the owner list holds ``owner_id``: an incident's owner who has been
        deactivated, or added since the form opened, would otherwise show as unassigned,
        and saving would take the incident from them without a word."""
        if owner_id is None or self.owner_id.findData(owner_id) >= 0:
            return
        user = User.get_or_none(User.id == owner_id)
        if user is None:
            return
        name = (user.display_name if user.active
                else self.tr("{name} (deactivated)").format(name=user.display_name))
        self.owner_id.addItem(name, owner_id)

    def _connect_validation(self) -> None:
        # Bound methods, not lambdas: Qt drops the connection when the form is destroyed,
        # so focus leaving a field as the form goes cannot call into a deleted form.
        for name in self.errors:
            widget = self.field(name)
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(self.on_widget_edited)
                widget.textEdited.connect(self.on_widget_typed)
            elif isinstance(widget, QComboBox):
                widget.activated.connect(self.on_widget_edited)
            elif isinstance(widget, QDateTimeEdit):
                widget.editingFinished.connect(self.on_widget_edited)

    def _connect_autosave(self) -> None:
        changed = self.schedule_autosave  # a slot of no arguments: start(int) would take them
        for name in self.errors:
            widget = self.field(name)
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.textChanged.connect(changed)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(changed)
            elif isinstance(widget, QDateTimeEdit):
                widget.dateTimeChanged.connect(changed)
        self.details_confirmed.toggled.connect(changed)

    @Slot()
    def schedule_autosave(self) -> None:
        self.autosave_timer.start()

    @Slot()
    def on_autosave(self) -> None:
        """Keep what is typed on disk, or remove the draft once nothing differs."""
        try:
            if self.is_dirty():
                self._drafts.save(self._typed())
                self.draft_status.setText(self.tr("Draft kept at {time}").format(
                    time=to_local(now_utc()).strftime("%H:%M:%S")))
            else:
                self._drafts.discard()
                self.draft_status.clear()
        except (DraftError, OSError) as exc:
            self.draft_status.setText(self.tr("Draft not kept: {reason}").format(reason=exc))

    def done(self, result: int) -> None:
        """Saved or discarded: the draft has served its purpose."""
        self._discard_draft()
        super().done(result)

    def _discard_draft(self) -> None:
        self.autosave_timer.stop()
        if self._drafts is not None:
            self._drafts.discard()

    @Slot()
    def on_widget_edited(self) -> None:
        self.on_field_edited(self.sender().objectName())

    @Slot()
    def on_widget_typed(self) -> None:
        self.on_field_edited(self.sender().objectName(), quiet=True)

    # --- reading ---------------------------------------------------------------------------
    def draft(self) -> IncidentDraft:
        """The form's values as they would be saved (trimmed)."""
        return self._typed().cleaned()

    def _typed(self) -> IncidentDraft:
        """The form's values exactly as typed, for the draft kept on disk."""
        received: datetime = self.received_at.dateTime().toPython()
        return IncidentDraft(
            received_at=local_from_naive(received.replace(microsecond=0)),
            channel=self.channel.currentData(),
            caller_type=self.caller_type.currentData(),
            caller_name=self.caller_name.text(),
            caller_phone=self.caller_phone.text(),
            caller_email=self.caller_email.text(),
            account_ref=self.account_ref.text(),
            location=self.location.text(),
            summary=self.summary.text(),
            description=self.description.toPlainText(),
            category_id=self.category_id.currentData(),
            subcategory_id=self.subcategory_id.currentData(),
            impact=self.impact.currentData() or "",
            urgency=self.urgency.currentData() or "",
            owner_id=self.owner_id.currentData(),
            details_confirmed=self.details_confirmed.isChecked(),
            **self._prioritisation,
        )

    def is_dirty(self) -> bool:
        return self.draft() != self._initial

    # --- showing errors --------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str], only: set[str] | None = None) -> None:
        """Show ``errors`` under their fields (those in ``only``, if given).

        The line above the buttons appears when a save is refused (``only`` None) and then
        follows the fields as they are corrected, until none is left.
        """
        for name, label in self.errors.items():
            message = errors.get(name) if only is None or name in only else None
            label.setText(message or "")
            label.setVisible(bool(message))
        if not errors:
            self.form_message.clear()
        elif only is None or self.form_message.text():
            names = ", ".join(vocabulary(FIELD_LABELS.get(n, n)) for n in self.TAB_ORDER
                              if n in errors)
            parts = [self.tr("Not saved.")]
            if names:
                parts.append(self.tr("Please check: {fields}.").format(fields=names))
            # problems with what the wizard stored have no field of their own on the form
            parts += [f"{vocabulary(FIELD_LABELS.get(n, n))}: {m}" for n, m in errors.items()
                      if n not in self.errors]
            self.form_message.setText(" ".join(parts))

    @Slot()
    def on_field_edited(self, name: str, quiet: bool = False) -> None:
        """Check the fields touched so far; while typing, only clear errors, never add."""
        if (quiet and name not in self._touched) or not self.isVisible():
            return  # focus leaves the fields as the form closes: nothing to check then
        self._touched.add(name)
        try:
            errors = validate_draft(self.draft(), now_utc())  # reads the categories
        except ConnectionLostError as exc:
            self.say_offline(exc)
            return
        if self.form_message.text() == self._offline_note:  # the server is back
            self.form_message.clear()
        if quiet:
            errors = {k: v for k, v in errors.items() if self.errors[k].isVisible()}
        self.show_errors(errors, only=self._touched)

    @Slot()
    def on_category_changed(self) -> None:
        try:
            fill_subcategories(self.subcategory_id, self.category_id.currentData())
        except ConnectionLostError as exc:
            self.say_offline(exc)

    @Slot()
    def on_priority_inputs_changed(self) -> None:
        impact, urgency = self.impact.currentData(), self.urgency.currentData()
        levels = stored_levels(self._prioritisation["prioritisation"])
        if levels is not None and levels != (impact, urgency):
            # Set by hand after the wizard: its answers and any override no longer apply.
            self._prioritisation = {name: getattr(IncidentDraft(), name)
                                    for name in PRIORITISATION_FIELDS}
        if impact and urgency:
            try:
                priority = (self._prioritisation["priority_override"]
                            or compute_priority(impact, urgency))
            except ConnectionLostError as exc:  # the matrix is in the database
                self.say_offline(exc)
                self.priority.setText(self.tr("Shown once the database server is back"))
                set_tone(self.priority, "muted")
                return
            overridden = self._prioritisation["priority_override"] is not None
            self.priority.setText(priority_text(priority)
                                  + (self.tr(" (override)") if overridden else ""))
            self.priority.setStyleSheet(priority_badge_style(priority))
        else:
            self.priority.setText(self.tr("Set impact and urgency"))
            set_tone(self.priority, "muted")
        self.rationale.setText(self._prioritisation["priority_rationale"] or self.tr(
            "Not prioritised with the guided questions: use Prioritise… to record why."))
        # the dialog's layout does not grow a wrapped label by itself
        width = self.rationale.width() if self.rationale.isVisible() else 800
        self.rationale.setMinimumHeight(self.rationale.heightForWidth(width))

    @Slot()
    def open_wizard(self) -> PrioritisationWizard:
        """Open the prioritisation wizard on this form's category, start time and answers."""
        draft = self.draft()
        pauses = incident_pauses(self._incident_id) if self._incident_id is not None else []
        self.wizard = PrioritisationWizard.for_draft(draft, pauses, self)
        self.wizard.accepted.connect(self.on_wizard_accepted)
        self.wizard.open()
        return self.wizard

    @Slot()
    def on_wizard_accepted(self) -> None:
        """Take the wizard's category, levels and record into the form."""
        wizard = self.wizard
        prioritised = apply_outcome(self.draft(), wizard.outcome())
        select_data(self.category_id, wizard.category_id())
        select_data(self.subcategory_id, wizard.subcategory_id())
        select_data(self.impact, prioritised.impact)
        select_data(self.urgency, prioritised.urgency)
        # after the levels: setting them one by one passes through pairs the record
        # would not match
        self._prioritisation = {name: getattr(prioritised, name)
                                for name in PRIORITISATION_FIELDS}
        self.on_priority_inputs_changed()
        for name in ("category_id", "subcategory_id", "impact", "urgency"):
            self.on_field_edited(name)
        if self._drafts is not None:
            self.schedule_autosave()
        self.owner_id.setFocus()

    # --- saving ----------------------------------------------------------------------------
    @Slot()
    def on_save(self) -> None:
        draft = self.draft()
        try:
            errors = validate_draft(draft, now_utc())  # reads the categories
        except ConnectionLostError as exc:
            self.say_lost(exc)
            return
        if errors:
            self._refuse(errors)
            return
        try:
            if self._incident_id is None:
                self.saved_incident_id = self._operations.create(draft).id
                self._discard_draft()  # saved: a crash from here on must not offer it again
            else:
                self._operations.update(self._incident_id, draft, self._version,
                                        seen_history=self._mark)
                self.saved_incident_id = self._incident_id
        except ValidationError as exc:
            self._refuse(exc.errors)
            return
        except StaleIncidentError as exc:
            self.open_stale_dialog(exc)
            return
        except ConnectionLostError as exc:  # the server restarting, or the network down
            self.say_lost(exc)
            return
        except peewee.OperationalError as exc:  # locked for longer than the busy timeout
            self._dialogs.error(self, self.tr("Not saved yet"), self.tr(
                "The database is busy ({reason}), perhaps with a large import. Nothing is "
                "lost: the form stays open; press Save again in a moment.").format(reason=exc))
            return
        self._initial = draft
        self.accept()

    def say_offline(self, error: ConnectionLostError) -> None:
        """A check that reads the database, made while its server is out of reach: the
        form says so and keeps what is typed (Save checks everything once it is back)."""
        self._offline_note = self.tr(
            "Lost the connection to the database server at {server}: what you type is kept "
            "and checked when you save.").format(server=error.server)
        self.form_message.setText(self._offline_note)

    def say_lost(self, error: ConnectionLostError) -> None:
        """A save that met a lost server connection: said, the form kept as typed."""
        if error.outcome_unknown:
            self.form_message.setText(self.tr(
                "Perhaps saved: the connection to the database server was lost during the save."))
            title = self.tr("Perhaps saved")
        else:
            self.form_message.setText(self.tr(
                "Not saved: lost the connection to the database server."))
            title = self.tr("Not saved yet")
        self._dialogs.error(self, title, self.lost_text(error))

    def lost_text(self, error: ConnectionLostError) -> str:
        """What a save that met a lost server connection tells the user."""
        if error.outcome_unknown:
            return self.tr(
                "The connection to the database server at {server} was lost while the save "
                "was being committed: it may or may not have been saved. The form stays "
                "open with everything typed; once the server is back, look for the incident "
                "in the log before pressing Save again.").format(server=error.server)
        return self.tr(
            "Lost the connection to the database server at {server} ({reason}). Nothing "
            "typed is lost: the form stays open; press Save again once the server is back "
            "(Incident Desk connects again by itself).").format(server=error.server,
                                                               reason=error.reason)

    # --- someone else saved first ------------------------------------------------------------
    def open_stale_dialog(self, error: StaleIncidentError) -> StaleSaveDialog:
        """Who changed what since the form opened; reload, re-apply mine, or go back."""
        self.form_message.setText(self.tr("Not saved: someone else changed the incident."))
        self.stale_dialog = StaleSaveDialog(error.reference, error.changes, str(error), self)
        self.stale_dialog.finished.connect(self.on_stale_choice)
        self.stale_dialog.open()
        return self.stale_dialog

    @Slot()
    def on_stale_choice(self) -> None:
        choice = self.stale_dialog.choice if self.stale_dialog is not None else None
        if choice == StaleSaveDialog.RELOAD:
            self.reload_current()
        elif choice == StaleSaveDialog.REAPPLY:
            self.reapply_mine()
        # Cancel: the form as it was; saving again is refused again, nothing is lost

    def _changed_labels(self) -> str:
        """The fields I changed, named: the form's own and the prioritisation's (an override
        and its reason, the wizard's answers), in that order."""
        draft = self.draft()
        names = [*self.TAB_ORDER, *(f.name for f in fields(IncidentDraft)
                                    if f.name not in self.TAB_ORDER)]
        changed = [vocabulary(FIELD_LABELS.get(n, n.replace("_", " "))) for n in names
                   if hasattr(draft, n) and getattr(draft, n) != getattr(self._initial, n)]
        if not changed and self.is_dirty():  # dirty in a way no field names: still asked
            changed = [self.tr("the form")]
        return ", ".join(changed)

    def _take_current(self) -> tuple[str, IncidentDraft]:
        """Read the incident as it is now, ready to save against (its reference, draft)."""
        self._mark = history_mark(self._incident_id)
        incident = get_incident(self._incident_id)
        self._version = incident.version
        return incident.reference, draft_from_incident(incident)

    def reload_current(self) -> bool:
        """Show the incident as it is now, dropping my edits once the user confirms."""
        changed = self._changed_labels()
        if changed and not self._dialogs.confirm(
                self, self.tr("Drop your changes?"),
                self.tr("Reload the incident as it is now? Your changes to {fields} are "
                        "dropped.").format(fields=changed)):
            return False
        reference, current = self._take_current()
        self._show(current)
        self._initial = self.draft()
        self.show_errors({})
        self.merge_note.setText(self.tr("Reloaded: the form shows {reference} as it is now.")
                                .format(reference=reference))
        self.merge_note.show()
        return True

    def reapply_mine(self) -> Reapplied:
        """Show the incident as it is now with my edits on top, naming the fields where mine
        replaces theirs; nothing is saved until Save."""
        opened, edited = self._initial, self.draft()
        reference, current = self._take_current()
        self._show(current)
        self._initial = self.draft()  # as now shown: what I change on top of it is mine
        result = reapply(opened, edited, self._initial)
        self._show(result.draft)
        self.show_errors({})
        lines = [self.tr("Your changes are re-applied on top of {reference} as it is now. "
                         "Check them, then press Save: nothing is saved yet.").format(
            reference=reference)]
        if result.conflicts:
            lines.append(self.tr("You both changed these; yours replaces theirs:"))
            lines += [self.tr("• {field}: theirs “{theirs}” is replaced by yours “{mine}”")
                      .format(field=vocabulary(c.label), theirs=c.theirs or self.tr("(empty)"),
                              mine=c.mine or self.tr("(empty)")) for c in result.conflicts]
        self.merge_note.setText("\n".join(lines))
        self.merge_note.show()
        return result

    def _refuse(self, errors: dict[str, str]) -> None:
        self._touched.update(errors)
        self.show_errors(errors)
        first = next((n for n in self.TAB_ORDER if n in errors), "prioritise_button")
        self.field(first).setFocus()

    def reject(self) -> None:
        if self.is_dirty() and not self._dialogs.confirm(
                self, self.tr("Discard changes?"),
                self.tr("This incident has changes that are not saved. Discard them?")):
            return
        super().reject()
