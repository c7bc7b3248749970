"""Record an update given to a stakeholder, or send it by email and have it recorded."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.communications import (
    TEMPLATES,
    Audience,
    CommunicationDraft,
    CommunicationError,
    Delivery,
    check_communication,
    fill_template,
    record_communication,
)
from app.models.entities import User
from app.models.incidents import Change, get_incident
from app.models.mail import load_mail_settings
from app.models.organisation import organisation_name
from app.models.vocabulary import ContactMethod
from app.views.dialogs import Dialogs
from app.views.form_errors import FieldErrors, plain_label
from app.views.mail_worker import ask_smtp_password, start_send
from app.views.text import vocabulary


class CommunicationDialog(QDialog):
    """One update: to whom, how, what was said; emailed when asked. ``recorded`` is emitted
    with the incident's Change once the update is in the log (sent, or failed and kept)."""

    recorded = Signal(object)

    def __init__(self, incident_id: int, user: User, dialogs: Dialogs,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._incident_id = incident_id
        self._user = user
        self._dialogs = dialogs
        self._filled = ""  # the message as the last template left it
        self.job = None
        self.incident = get_incident(incident_id)
        self.mail_settings = load_mail_settings()
        self.setWindowTitle(self.tr("Update on {reference}").format(
            reference=self.incident.reference))
        self.setObjectName("communicationDialog")

        self.audience = QComboBox()
        self.audience.setObjectName("commAudience")
        for audience in Audience:
            self.audience.addItem(vocabulary(audience.label), audience.value)
        self.recipient = QLineEdit()
        self.recipient.setObjectName("commRecipient")
        self.recipient.setPlaceholderText(self.tr("Name, group or email address"))
        self.channel = QComboBox()
        self.channel.setObjectName("commChannel")
        for method in ContactMethod:
            self.channel.addItem(vocabulary(method.label), method.value)
        self.template = QComboBox()
        self.template.setObjectName("commTemplate")
        self.template.addItem(self.tr("(none)"), "")
        for key, (label, _subject, _body) in TEMPLATES.items():
            self.template.addItem(vocabulary(label), key)
        self.subject = QLineEdit()
        self.subject.setObjectName("commSubject")
        self.message = QPlainTextEdit()
        self.message.setObjectName("commMessage")
        self.message.setTabChangesFocus(True)
        self.reply_awaited = QCheckBox(self.tr("A reply is &awaited"))
        self.reply_awaited.setObjectName("commReplyAwaited")
        self.send = QCheckBox(self.tr("&Send it by email now"))
        self.send.setObjectName("commSend")
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setObjectName("commWhen")
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        for widget, name in ((self.audience, self.tr("Audience")),
                             (self.recipient, self.tr("Recipient")),
                             (self.channel, self.tr("Channel")),
                             (self.template, self.tr("Template")),
                             (self.subject, self.tr("Subject")),
                             (self.message, self.tr("Message")), (self.when, self.tr("When"))):
            widget.setAccessibleName(name)
        self.mail_note = plain_label()
        self.mail_note.setObjectName("commMailNote")

        form = QFormLayout()
        self.errors = FieldErrors(form)
        self.errors.add_row(self.tr("&To:"), self.audience, "audience")
        self.errors.add_row(self.tr("&Recipient:"), self.recipient, "recipient")
        self.errors.add_row(self.tr("C&hannel:"), self.channel, "channel")
        form.addRow(self.tr("T&emplate:"), self.template)
        self.errors.add_row(self.tr("Su&bject:"), self.subject, "subject")
        self.errors.add_row(self.tr("&Message:"), self.message, "message")
        self.errors.add_row(self.tr("&When:"), self.when, "at")
        form.addRow("", self.reply_awaited)
        form.addRow("", self.send)
        form.addRow("", self.mail_note)
        self.status = plain_label()
        self.status.setObjectName("commStatus")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("&Record"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("commSave")
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.audience.currentIndexChanged.connect(self.on_audience_changed)
        self.channel.currentIndexChanged.connect(self.on_channel_changed)
        self.template.currentIndexChanged.connect(self.on_template_chosen)
        self.send.toggled.connect(self.on_channel_changed)
        self.on_audience_changed()
        self.resize(620, 560)

    # --- filling in --------------------------------------------------------------------
    @Slot()
    def on_audience_changed(self) -> None:
        """To the caller: their email when updating by email, else their name."""
        if self.audience.currentData() != Audience.CALLER:
            return
        email = self.channel.currentData() == ContactMethod.EMAIL
        self.recipient.setText(self.incident.caller_email if email and
                               self.incident.caller_email else self.incident.caller_name)
        self.on_channel_changed()

    @Slot()
    def on_channel_changed(self) -> None:
        email = self.channel.currentData() == ContactMethod.EMAIL
        if (email and self.audience.currentData() == Audience.CALLER
                and self.recipient.text() == self.incident.caller_name
                and self.incident.caller_email):
            self.recipient.setText(self.incident.caller_email)
        can_send = email and self.mail_settings is not None
        self.send.setEnabled(can_send)
        if not can_send:
            self.send.setChecked(False)
        self.mail_note.setVisible(email and self.mail_settings is None)
        self.mail_note.setText(self.tr("No mail server is set up (Settings › Email): the "
                                       "update is recorded, not sent."))
        self.save_button.setText(self.tr("&Send") if self.send.isChecked()
                                 else self.tr("&Record"))

    @Slot()
    def on_template_chosen(self) -> None:
        key = self.template.currentData()
        if not key:
            return
        typed = self.message.toPlainText()
        if typed.strip() and typed != self._filled and not self._dialogs.confirm(
                self, self.tr("Replace the message?"),
                self.tr("The template replaces what you have typed. Replace it?")):
            return
        subject, body = fill_template(key, self.incident, self._user, organisation_name())
        self.subject.setText(subject)
        self.message.setPlainText(body)
        self._filled = body

    def draft(self) -> CommunicationDraft:
        return CommunicationDraft(
            audience=self.audience.currentData(), channel=self.channel.currentData(),
            message=self.message.toPlainText(), at=self.when.dateTime().toPython().astimezone(),
            recipient=self.recipient.text(), subject=self.subject.text(),
            reply_awaited=self.reply_awaited.isChecked())

    # --- recording and sending -----------------------------------------------------------
    @Slot()
    def on_save(self) -> None:
        sending = self.send.isChecked()
        try:
            draft = check_communication(self._incident_id, self.draft(), sending)
        except CommunicationError as exc:
            self.errors.show(exc.problems)
            return
        self.errors.clear()
        if not sending:
            self._record(draft, Delivery.RECORDED)
            return
        password = ask_smtp_password(self, self.mail_settings, self._dialogs)
        if password is None:  # the password prompt was cancelled: nothing sent or logged
            self.status.setText(self.tr("Not sent: no password was given."))
            return
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Sending to {to}…").format(to=draft.recipient))
        self.job = start_send(self.mail_settings, password, draft.recipient, draft.subject,
                              draft.message, self)
        self.job.sent.connect(lambda message_id: self._record(draft, Delivery.SENT,
                                                              message_id))
        self.job.failed.connect(lambda why: self.on_send_failed(draft, why))

    def on_send_failed(self, draft: CommunicationDraft, why: str) -> None:
        """Not lost: logged as failed with its message, and the user told."""
        self._record(draft, Delivery.FAILED, why)
        self._dialogs.error(self.parentWidget(), self.tr("Update not sent"), self.tr(
            "The update to {to} was not sent: {why}\n\nIt is in the incident's log as not "
            "sent, with its message, so it can be sent again.").format(to=draft.recipient,
                                                                        why=why))

    def _record(self, draft: CommunicationDraft, delivery: Delivery, detail: str = "") -> None:
        try:
            record_communication(self._incident_id, draft, self._user, delivery, detail)
        except CommunicationError as exc:
            self.save_button.setEnabled(True)
            self.errors.show(exc.problems)
            return
        self.recorded.emit(Change(self._incident_id, fields=("communication",)))
        self.accept()
