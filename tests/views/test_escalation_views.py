"""The escalation matrix window, the Escalate action and the Record update dialog, driven as
a user drives them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from app.models.clock import now_utc
from app.models.communications import Delivery
from app.models.entities import Communication, Escalation, Incident
from app.models.incident_log import IncidentLog, LogFilter
from app.models.incidents import create_incident
from app.models.mail import MailSettings, save_mail_settings
from app.models.permissions import Role
from app.models.users import current_username, ensure_user
from app.views.escalation_dialog import CURRENT_OVERDUE, NEXT
from tests.conftest import make_draft
from tests.keyring_memory import MemoryKeyring, use_keyring
from tests.smtp_servers import Inbox, RefusesRecipients, smtp_server

pytestmark = pytest.mark.gui


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box) -> None:
    """Click a check box on its box (its middle may lie beyond its text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def p1_received_90_minutes_ago(user) -> Incident:
    """A P1 (24x7, 4 hours to resolve): L3 and L4 at once are due; L2 falls due at 2 hours."""
    now = now_utc().replace(microsecond=0)
    return create_incident(make_draft(received_at=now - timedelta(minutes=90), impact="high",
                                      urgency="high", owner_id=user.id), user, now=now)


@pytest.fixture
def mine(advisor, db):
    """Owned by whoever runs the tests: the user the window signs in."""
    return p1_received_90_minutes_ago(ensure_user(current_username()))


def test_the_matrix_highlights_where_the_selected_incident_stands(qtbot, open_window, mine):
    window = open_window()
    window.select_incident(mine.id)
    dialog = window.open_matrix()
    qtbot.addWidget(dialog)
    # P1 row: "at once" applies now and is not made; 50% (L2) comes next
    assert dialog.highlighted == {(0, 0): "current", (0, 1): "next"}
    assert dialog.grid.item(0, 0).background().color() == CURRENT_OVERDUE
    assert dialog.grid.item(0, 1).background().color() == NEXT
    assert dialog.grid.verticalHeaderItem(0).text() == "P1 Critical"
    assert "L4 head of operations — phone" in dialog.grid.item(0, 0).text()
    label = dialog.incident_label.text()
    assert "due 1h 30m ago, not made" in label
    assert "Next: L2 team leader by in person at" in label
    assert "(in 29m)" in label or "(in 30m)" in label  # 30m less the moments since logging
    # another incident, typed by reference
    other = create_incident(make_draft(received_at=now_utc() - timedelta(hours=1),
                                       impact="low", urgency="low"), window._operations.user)
    dialog.reference.clear()
    qtbot.keyClicks(dialog.reference, other.reference)
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert set(dialog.highlighted.values()) <= {"current", "next"}
    assert all(row == 4 for row, _ in dialog.highlighted)  # the P5 row
    qtbot.keyClicks(dialog.reference, "X")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert "No incident has the reference" in dialog.incident_label.text()
    assert dialog.highlighted == {}


def test_escalating_from_the_detail_pane(qtbot, open_window, mine, dialogs):
    window = open_window()
    window.select_incident(mine.id)
    assert "Escalate now: L3 contact-centre manager by phone" in (
        window.detail.values["escalation"].text())
    click(qtbot, window.detail.escalate_button)
    dialog = window.escalate_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.hierarchical.isChecked()
    assert dialog.target.currentData() == "L3"  # the one due first
    assert "Due now:" in dialog.due_label.text()
    click(qtbot, dialog.save_button)  # nothing typed: both texts are asked for
    assert dialog.isVisible()
    assert "why it is escalated" in dialog.errors.labels["reason"].text()
    assert "what was already tried" in dialog.errors.labels["tried"].text()
    assert Escalation.select().count() == 0
    qtbot.keyClicks(dialog.reason, "All inbound lines down for the region")
    qtbot.keyClicks(dialog.tried, "Rebooted the gateway; provider ticket TP-4471 raised")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    made = Escalation.get()
    assert (made.target_code, made.level, made.method) == ("L3", 3, "phone")
    shown = window.detail.values["escalation"].text()
    assert shown.startswith("L3 contact-centre manager")
    assert "Escalate now: L4 head of operations" in shown  # still due
    titles = [window.detail.timeline.item(r, 1).text()
              for r in range(window.detail.timeline.rowCount())]
    assert "Escalated to L3 contact-centre manager" in titles


def test_the_log_flags_an_incident_waiting_for_an_escalation(qtbot, open_window, mine):
    window = open_window()
    row = window.model.row_of(mine.id)
    assert window.model.data(window.model.index(row, 0),
                             Qt.ItemDataRole.DecorationRole) is not None
    assert "Escalation overdue" in window.model.data(window.model.index(row, 0),
                                                    Qt.ItemDataRole.ToolTipRole)
    sla = window.filter_bar.sla
    sla.setCurrentIndex(sla.findText("Escalation overdue"))
    assert window.model.rowCount() == 1
    assert "1 need(s) escalating" in window.banner.text()


def test_a_team_leader_adds_a_contact_and_the_grid_names_them(qtbot, db, dialogs):
    from app.views.escalation_dialog import EscalationMatrixDialog

    leader = ensure_user("tina.leader", "Tina Leader", role=Role.TEAM_LEADER)
    dialog = EscalationMatrixDialog(leader, dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(2)  # levels, teams and contacts
    dialog.targets.setCurrentRow(1)  # L2 team leader
    click(qtbot, dialog.add_contact_button)
    qtbot.waitUntil(lambda: dialog.contacts.viewport().findChild(QLineEdit) is not None)
    editor = dialog.contacts.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "Anne Smith")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # on to the role: the name is kept
    assert dialog.contacts.item(0, 0).text() == "Anne Smith"
    click(qtbot, dialog.save_button)
    assert "'Anne Smith' has neither a phone number nor an email address" in (
        dialog.problems.text())
    dialog.contacts.item(0, 3).setText("anne.smith@example.org")
    click(qtbot, dialog.save_button)
    assert dialog.problems.text() == ""
    assert "L2 team leader — in person: Anne Smith (anne.smith@example.org)" in (
        dialog.grid.item(1, 1).text())
    history = [dialog.history.item(r, 2).text() for r in range(dialog.history.rowCount())]
    assert any("contact added: Anne Smith" in h for h in history)


def test_an_advisor_sees_the_matrix_read_only(qtbot, advisor, dialogs):
    from app.views.escalation_dialog import EscalationMatrixDialog

    dialog = EscalationMatrixDialog(advisor, dialogs)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isVisibleTo(dialog)
    assert not dialog.add_rule_button.isVisibleTo(dialog)
    assert not dialog.rules.cellWidget(0, 0).isEnabled()
    assert dialog.read_only_note.isVisibleTo(dialog)


def test_recording_an_update_from_a_template(qtbot, open_window, mine, dialogs):
    window = open_window()
    window.select_incident(mine.id)
    click(qtbot, window.detail.update_button)
    dialog = window.update_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.recipient.text() == "Olivia Taylor"
    dialog.template.setCurrentIndex(dialog.template.findData("acknowledgement"))
    assert dialog.subject.text() == f"{mine.reference}: we have your report"
    assert dialog.message.toPlainText().startswith("Dear Olivia,")
    tick(qtbot, dialog.reply_awaited)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    c = Communication.get()
    assert (c.audience, c.channel, c.delivery, c.reply_awaited) == (
        "caller", "phone", "recorded", True)
    titles = [window.detail.timeline.item(r, 1).text()
              for r in range(window.detail.timeline.rowCount())]
    assert "Update to Caller (Olivia Taylor) by phone" in titles


def mail_settings(port: int) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security="none", username="",
                        sender="desk@example.org", timeout_seconds=5)


@pytest.mark.parametrize("refused", [False, True])
def test_sending_an_update_by_email(qtbot, open_window, mine, dialogs, refused):
    admin = ensure_user("ada.admin", "Ada Admin", role=Role.ADMINISTRATOR)
    handler = RefusesRecipients() if refused else Inbox()
    with use_keyring(MemoryKeyring()), smtp_server(handler) as port:
        save_mail_settings(mail_settings(port), admin)
        window = open_window()
        dialog = window.open_update(mine.id)
        qtbot.waitUntil(dialog.isVisible)
        dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
        assert dialog.recipient.text() == "olivia.taylor@example.org"
        assert dialog.send.isEnabled()
        tick(qtbot, dialog.send)
        assert dialog.save_button.text() == "&Send"
        qtbot.keyClicks(dialog.subject, "Your broadband")
        qtbot.keyClicks(dialog.message, "Engineers are on site; next update at 16:00, ")
        dialog.message.insertPlainText("Zoë.")  # QTest types ASCII only
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: Communication.select().count() == 1, timeout=10_000)
    c = Communication.get()
    assert c.message == "Engineers are on site; next update at 16:00, Zoë."
    if refused:
        assert c.delivery == Delivery.FAILED
        assert "olivia.taylor@example.org" in c.delivery_detail
        assert any(kind == "error" and "was not sent" in text
                   for kind, _, text in dialogs.calls)
    else:
        assert c.delivery == Delivery.SENT
        message = handler.only_message()
        assert message["To"] == "olivia.taylor@example.org"
        assert message["Message-ID"] == c.delivery_detail
        assert "Zoë" in message.get_content()


def test_an_update_without_a_message_is_not_recorded(qtbot, open_window, mine):
    window = open_window()
    dialog = window.open_update(mine.id)
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.send.isEnabled()  # no mail server set up
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert dialog.errors.labels["message"].text() == "Write what was said."
    assert Communication.select().count() == 0
    assert IncidentLog(LogFilter()).count() == 1


def test_the_menus_open_the_matrix_and_the_email_settings(qtbot, open_window, mine):
    window = open_window()
    window.select_incident(mine.id)
    window.matrix_action.trigger()
    assert window.matrix_dialog.isVisible() and window.matrix_dialog.highlighted
    window.email_action.trigger()
    qtbot.waitUntil(window.email_settings.isVisible)
    window.email_settings.reject()
    window.matrix_dialog.close()


def test_cancelling_the_mail_password_sends_and_logs_nothing(qtbot, open_window, mine,
                                                              dialogs):
    admin = ensure_user("ada.admin", "Ada Admin", role=Role.ADMINISTRATOR)
    with use_keyring(MemoryKeyring()), smtp_server(Inbox()) as port:
        save_mail_settings(MailSettings(host="127.0.0.1", port=port, security="none",
                                        username="desk", sender="desk@example.org"), admin)
        window = open_window()
        dialog = window.open_update(mine.id)
        qtbot.waitUntil(dialog.isVisible)
        dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
        tick(qtbot, dialog.send)
        qtbot.keyClicks(dialog.subject, "Your broadband")
        qtbot.keyClicks(dialog.message, "Engineers are on site.")
        dialogs.passwords.append(None)  # the prompt is cancelled
        click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.status.text() == "Not sent: no password was given."
    assert Communication.select().count() == 0
