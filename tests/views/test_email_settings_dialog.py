"""Settings › Email driven as a team leader uses it (typing, clicking, reading what it says),
as an advisor sees it, and on a computer without a keyring; test emails go to a real SMTP
server on loopback."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from app.models.entities import ConfigChange, Setting
from app.models.mail import MailSettings, load_mail_settings, save_mail_settings
from app.models.secrets import SERVICE
from app.views.email_settings_dialog import EmailSettingsDialog
from tests.keyring_memory import no_keyring, use_keyring
from tests.smtp_servers import (
    AUTH,
    PASSWORD,
    Inbox,
    RefusesRecipients,
    free_port,
    login_without_tls,
    smtp_server,
)
from tests.views.helpers import choose, click, retype

pytestmark = pytest.mark.gui


@pytest.fixture
def open_dialog(qtbot, dialogs):
    def opener(user) -> EmailSettingsDialog:
        dialog = EmailSettingsDialog(user, dialogs)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return opener


def fill(qtbot, dialog: EmailSettingsDialog, host: str = "smtp.example.org",
         port: str = "587", security: str = "starttls", username: str = "",
         password: str = "", sender: str = "incidents@example.org") -> None:
    """Type the settings in, field by field, as a team leader does."""
    retype(qtbot, dialog.host, host)
    choose(dialog.security, security)
    retype(qtbot, dialog.port, port)
    retype(qtbot, dialog.username, username)
    if password:
        retype(qtbot, dialog.password, password)
    retype(qtbot, dialog.sender_address, sender)


def type_with_input_method(qtbot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text with ``text`` as a keyboard's input method commits it (QTest
    can only type Latin-1 keys; "Łódź" comes from an input method or a compose key)."""
    retype(qtbot, edit, "")
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)
    assert edit.text() == text


def shown_errors(dialog: EmailSettingsDialog) -> dict[str, str]:
    return {name: label.text() for name, label in dialog.errors.items()
            if label.isVisible()}


def mail_rows() -> dict[str, str]:
    return {s.key: s.value for s in Setting.select() if s.key.startswith("mail.")}


def send_test(qtbot, dialog: EmailSettingsDialog, to: str) -> None:
    retype(qtbot, dialog.test_recipient, to)
    click(qtbot, dialog.test_button)


def wait_for_outcome(qtbot, dialog: EmailSettingsDialog) -> str:
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=10_000)
    return dialog.test_status.text()


# --- saving ---------------------------------------------------------------------------------
def test_a_bad_port_is_named_beside_it_and_nothing_is_saved(qtbot, leader, memory_keyring,
                                                             open_dialog):
    dialog = open_dialog(leader)
    fill(qtbot, dialog, port="99999", password=PASSWORD)
    click(qtbot, dialog.save_button)

    assert shown_errors(dialog) == {
        "port": "Port must be a whole number from 1 to 65535, not 99999."}
    assert dialog.form_message.text() == "Not saved: correct the fields marked (Port)."
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.port
    assert mail_rows() == {}
    assert memory_keyring.secrets == {}


def test_every_wrong_field_is_named_at_once(qtbot, leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    fill(qtbot, dialog, host="smtp.example.org:587", port="", sender="incidents@")
    click(qtbot, dialog.save_button)
    errors = shown_errors(dialog)
    assert list(errors) == ["host", "port", "sender"]
    assert errors["port"] == "Port is required: a number from 1 to 65535."
    assert "put the port in the Port field" in errors["host"]
    assert dialog.form_message.text() == ("Not saved: correct the fields marked (Server, "
                                          "Port, From address).")
    assert mail_rows() == {}


def test_good_settings_are_saved_and_the_password_lands_in_the_keyring(
        qtbot, leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    saved = []
    dialog.saved.connect(saved.append)
    fill(qtbot, dialog, username="desk@example.org", password=PASSWORD)
    type_with_input_method(qtbot, dialog.sender_name, "Łódź Incident Desk")
    click(qtbot, dialog.save_button)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert load_mail_settings() == MailSettings(
        "smtp.example.org", 587, "starttls", "desk@example.org", "incidents@example.org",
        "Łódź Incident Desk", 15)
    assert memory_keyring.secrets == {
        (SERVICE, "smtp:desk@example.org@smtp.example.org:587"): PASSWORD}
    assert PASSWORD not in " ".join(mail_rows().values())
    summaries = [c.summary for c in ConfigChange.select()]
    assert saved == [summaries]
    assert not any(PASSWORD in s for s in summaries)


def test_an_empty_password_keeps_the_stored_one_and_it_can_be_forgotten(
        qtbot, leader, memory_keyring, open_dialog):
    settings = MailSettings("smtp.example.org", 587, "starttls", "desk", "a@example.org")
    save_mail_settings(settings, leader, PASSWORD)
    dialog = open_dialog(leader)
    assert dialog.password.text() == ""
    assert dialog.password.placeholderText() == "Stored in the keyring; leave empty to keep it"
    assert dialog.forget_button.isEnabled()

    click(qtbot, dialog.forget_button)
    assert memory_keyring.secrets == {}
    assert dialog.form_message.text() == ("The stored password was removed from this "
                                          "computer's keyring.")
    assert dialog.password.placeholderText() == "Not stored; type it to keep it in the keyring"
    assert not dialog.forget_button.isEnabled()


def test_choosing_ssl_moves_the_usual_port_along(qtbot, leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    assert dialog.port.text() == "587"
    choose(dialog.security, "ssl")
    assert dialog.port.text() == "465"
    retype(qtbot, dialog.port, "2465")  # chosen by hand: stays
    choose(dialog.security, "none")
    assert dialog.port.text() == "2465"


def test_text_that_looks_like_html_is_shown_as_typed(qtbot, leader, memory_keyring,
                                                     open_dialog):
    dialog = open_dialog(leader)
    fill(qtbot, dialog, sender="<b>desk</b>")
    click(qtbot, dialog.save_button)
    assert dialog.errors["sender"].text() == ("From address '<b>desk</b>' is not an email "
                                              "address (for example incidents@example.org).")
    assert dialog.errors["sender"].textFormat() == Qt.TextFormat.PlainText


def test_every_input_has_an_accessible_name(leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    inputs = dialog.findChildren(QLineEdit) + dialog.findChildren(QComboBox) + \
        dialog.findChildren(QSpinBox)
    inputs = [w for w in inputs if w.objectName() != "qt_spinbox_lineedit"]
    assert len(inputs) == 9
    assert all(w.accessibleName() for w in inputs), [w.objectName() for w in inputs
                                                     if not w.accessibleName()]


def test_no_two_mnemonics_are_the_same(leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton)]
    keys = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
    assert len(keys) == len(set(keys)) == 11, sorted(keys)


# --- who may change them --------------------------------------------------------------------
def test_an_advisor_sees_them_read_only(qtbot, advisor, leader, memory_keyring, open_dialog):
    save_mail_settings(MailSettings("smtp.example.org", 587, "starttls", "",
                                    "incidents@example.org"), leader)
    dialog = open_dialog(advisor)
    assert dialog.read_only_note.isVisible()
    assert dialog.read_only_note.text().startswith(
        "Only a team leader or an administrator can change the email settings.")
    for name in ("host", "port", "security", "username", "password", "sender",
                 "sender_name", "timeout_seconds"):
        assert not dialog.field(name).isEnabled(), name
    assert dialog.host.text() == "smtp.example.org"
    assert dialog.save_button is None
    visible = [b.text() for b in dialog.buttons.findChildren(QPushButton) if b.isVisible()]
    assert visible == ["Close"]
    assert dialog.test_button.isEnabled()  # a test with the settings saved is harmless


def test_a_leader_does_not_see_the_read_only_line(leader, memory_keyring, open_dialog):
    dialog = open_dialog(leader)
    assert not dialog.read_only_note.isVisible()
    assert dialog.save_button.isVisible()


# --- without a keyring ----------------------------------------------------------------------
def test_without_a_keyring_the_dialog_says_the_password_is_asked_each_time(
        qtbot, leader, open_dialog):
    with use_keyring(no_keyring()):
        dialog = open_dialog(leader)
        assert dialog.keyring_note.isVisible()
        assert dialog.keyring_note.text() == (
            "This computer has no system keyring service, so the password cannot be stored: "
            "it will be asked for each time an email is sent.")
        assert not dialog.password.isEnabled()
        assert not dialog.forget_button.isVisible()
        fill(qtbot, dialog, username="desk")
        click(qtbot, dialog.save_button)
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert load_mail_settings().username == "desk"


def test_with_a_keyring_there_is_no_such_line(leader, memory_keyring, open_dialog):
    assert not open_dialog(leader).keyring_note.isVisible()


# --- the test email -------------------------------------------------------------------------
def test_a_test_email_is_sent_in_the_background_and_says_when(qtbot, leader, memory_keyring,
                                                              open_dialog):
    inbox = Inbox(delay=0.5)  # the server takes its time: the window must not wait for it
    with smtp_server(inbox) as port:
        dialog = open_dialog(leader)
        fill(qtbot, dialog, host="127.0.0.1", port=str(port), security="none")
        started = time.monotonic()
        send_test(qtbot, dialog, "tess.leader@example.org")
        assert time.monotonic() - started < 0.4
        assert dialog.test_status.text() == "Sending to tess.leader@example.org through " \
                                            "127.0.0.1…"
        assert not dialog.test_button.isEnabled()
        status = wait_for_outcome(qtbot, dialog)

    assert status.startswith("Sent to tess.leader@example.org at ")
    assert len(status) == len("Sent to tess.leader@example.org at 14:05:12.")
    assert dialog.test_button.isEnabled()
    message = inbox.only_message()
    assert message["Subject"] == "Incident Desk test email"
    assert message["To"] == "tess.leader@example.org"
    assert message["Message-ID"] == dialog.job.message_id
    assert "sent by Tess Leader" in message.get_content()
    assert mail_rows() == {}  # a test sends with what is on screen; it saves nothing


def test_a_failing_server_shows_its_reason(qtbot, leader, memory_keyring, open_dialog):
    with smtp_server(RefusesRecipients()) as port:
        dialog = open_dialog(leader)
        fill(qtbot, dialog, host="127.0.0.1", port=str(port), security="none")
        send_test(qtbot, dialog, "nobody@example.org")
        status = wait_for_outcome(qtbot, dialog)
    assert status == (f"The mail server 127.0.0.1 port {port} refused the recipient "
                      "'nobody@example.org' (550 5.1.1 <nobody@example.org>: Recipient "
                      "address rejected: User unknown).")
    assert "b71c1c" in dialog.test_status.styleSheet()


def test_a_closed_port_shows_the_refused_connection(qtbot, leader, memory_keyring,
                                                    open_dialog):
    port = free_port()
    dialog = open_dialog(leader)
    fill(qtbot, dialog, host="127.0.0.1", port=str(port), security="none")
    send_test(qtbot, dialog, "tess@example.org")
    assert wait_for_outcome(qtbot, dialog).startswith(
        f"Cannot connect to 127.0.0.1 port {port}: the connection was refused")


def test_a_bad_test_address_is_refused_before_sending(qtbot, leader, memory_keyring,
                                                      open_dialog):
    dialog = open_dialog(leader)
    fill(qtbot, dialog)
    send_test(qtbot, dialog, "tess at example")
    assert dialog.job is None
    assert dialog.test_status.text() == ("Not sent: Send to 'tess at example' is not an "
                                         "email address (for example incidents@example.org).")


@login_without_tls
def test_without_a_keyring_the_password_is_asked_for_and_not_offered_to_keep(
        qtbot, leader, dialogs, open_dialog):
    inbox = Inbox()
    with use_keyring(no_keyring()), smtp_server(inbox, **AUTH) as port:
        dialog = open_dialog(leader)
        fill(qtbot, dialog, host="127.0.0.1", port=str(port), security="none",
             username="desk")
        dialogs.passwords.append(PASSWORD)
        send_test(qtbot, dialog, "tess@example.org")
        assert wait_for_outcome(qtbot, dialog).startswith("Sent to tess@example.org")
    assert dialogs.kinds() == ["ask_password"]
    assert dialogs.calls[0][2] == "The password of desk on the mail server 127.0.0.1:"


@login_without_tls
def test_a_password_asked_for_is_kept_in_the_keyring_when_agreed(
        qtbot, leader, dialogs, memory_keyring, open_dialog):
    inbox = Inbox()
    with smtp_server(inbox, **AUTH) as port:
        save_mail_settings(MailSettings("127.0.0.1", port, "none", "desk",
                                        "incidents@example.org"), leader)
        dialog = open_dialog(leader)
        dialogs.passwords.append(PASSWORD)
        dialogs.answers.append(True)
        send_test(qtbot, dialog, "tess@example.org")
        assert wait_for_outcome(qtbot, dialog).startswith("Sent to tess@example.org")

        again = open_dialog(leader)  # asked no more: the keyring has it
        send_test(qtbot, again, "tess@example.org")
        assert wait_for_outcome(qtbot, again).startswith("Sent to tess@example.org")
    assert dialogs.kinds() == ["ask_password", "confirm"]
    assert memory_keyring.secrets == {(SERVICE, f"smtp:desk@127.0.0.1:{port}"): PASSWORD}
    assert len(inbox.envelopes) == 2


def test_cancelling_the_password_prompt_sends_nothing(qtbot, leader, dialogs, memory_keyring,
                                                      open_dialog):
    dialog = open_dialog(leader)
    fill(qtbot, dialog, username="desk")
    dialogs.passwords.append(None)
    send_test(qtbot, dialog, "tess@example.org")
    assert dialog.job is None
    assert dialog.test_status.text() == "Not sent: no password was given."


def test_closing_the_dialog_while_it_sends_is_safe(qtbot, leader, memory_keyring,
                                                   open_dialog):
    inbox = Inbox(delay=0.3)
    with smtp_server(inbox) as port:
        dialog = open_dialog(leader)
        fill(qtbot, dialog, host="127.0.0.1", port=str(port), security="none")
        send_test(qtbot, dialog, "tess@example.org")
        dialog.close()
        with qtbot.waitSignal(dialog.destroyed):
            dialog.deleteLater()
        assert inbox.envelopes == []  # still sending when its window went
        assert QThreadPool.globalInstance().waitForDone(10_000)
        QApplication.processEvents()  # the outcome has nowhere to go, and that is fine
    assert len(inbox.envelopes) == 1
