"""Mail settings checked and stored (password in the keyring), and mail sent to a real SMTP
server (aiosmtpd) on loopback: what arrives, and each way sending fails."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from app.models.entities import ConfigChange, Setting
from app.models.mail import (
    EMAIL_AREA,
    MailError,
    MailSettings,
    MailSettingsError,
    forget_smtp_password,
    load_mail_settings,
    mail_settings_problems,
    password_name,
    save_mail_settings,
    send_mail,
    smtp_password,
)
from app.models.permissions import RolePermissionError
from app.models.secrets import SERVICE, KeyringUnavailableError
from tests.keyring_memory import no_keyring, use_keyring
from tests.smtp_servers import (
    AUTH,
    PASSWORD,
    Inbox,
    RefusesRecipients,
    RefusesSender,
    free_port,
    login_without_tls,
    silent_server,
    smtp_server,
)

NOW = datetime(2026, 11, 24, 14, 5, 12, tzinfo=UTC)
NAMES_BODY = ("Update on INC-2026-000123: Zoë Ødegård, Łukasz Wójcik and 王芳 have been "
              "told the billing line is back.\nNext update at 15:00.")


def settings_for(port: int, **changes) -> MailSettings:
    return replace(MailSettings(host="127.0.0.1", port=port, security="none", username="",
                                sender="incidents@example.org", timeout_seconds=5), **changes)


def send(settings: MailSettings, password: str | None = None,
         to: str = "zoe.odegard@example.com") -> str:
    return send_mail(settings, password, to, "Billing line restored – Zoë's update",
                     NAMES_BODY, now=NOW)


# --- sending --------------------------------------------------------------------------------
def test_an_update_arrives_with_its_headers_and_every_name_intact():
    inbox = Inbox()
    with smtp_server(inbox) as port:
        message_id = send(settings_for(port, sender_name="Incident Desk – Łódź"))

    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "incidents@example.org"
    assert envelope.rcpt_tos == ["zoe.odegard@example.com"]
    message = inbox.only_message()
    assert message["From"].addresses[0].display_name == "Incident Desk – Łódź"
    assert message["From"].addresses[0].addr_spec == "incidents@example.org"
    assert message["To"] == "zoe.odegard@example.com"
    assert message["Subject"] == "Billing line restored – Zoë's update"
    assert message["Message-ID"] == message_id
    assert message_id.endswith("@example.org>")
    assert parsedate_to_datetime(message["Date"]) == NOW
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == NAMES_BODY
    assert envelope.content.isascii()  # 7-bit on the wire, whatever the server offers


def test_the_from_line_reads_name_then_address():
    inbox = Inbox()
    with smtp_server(inbox) as port:
        send(settings_for(port))
    assert inbox.only_message()["From"] == "Incident Desk <incidents@example.org>"


def test_a_refused_recipient_is_named_with_the_servers_reply():
    with smtp_server(RefusesRecipients()) as port, pytest.raises(MailError) as refused:
        send(settings_for(port), to="nobody@example.com")
    assert str(refused.value) == (
        f"The mail server 127.0.0.1 port {port} refused the recipient 'nobody@example.com' "
        "(550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown).")


def test_a_refused_sender_is_named_with_the_servers_reply():
    with smtp_server(RefusesSender()) as port, pytest.raises(MailError) as refused:
        send(settings_for(port))
    assert "refused the sender address 'incidents@example.org' (553 5.7.1" in str(
        refused.value)


@login_without_tls
def test_the_right_password_logs_in_and_sends():
    inbox = Inbox()
    with smtp_server(inbox, **AUTH) as port:
        send(settings_for(port, username="desk"), PASSWORD)
    assert inbox.only_message()["To"] == "zoe.odegard@example.com"


@login_without_tls
def test_a_wrong_password_is_refused_with_the_servers_code():
    inbox = Inbox()
    with smtp_server(inbox, **AUTH) as port, pytest.raises(MailError) as refused:
        send(settings_for(port, username="desk"), "not-the-password")
    assert str(refused.value) == (
        f"The mail server 127.0.0.1 port {port} refused the user name or password for "
        "'desk' (535 5.7.8 Authentication credentials invalid).")
    assert inbox.envelopes == []


@login_without_tls
def test_a_server_that_requires_a_login_says_so_when_none_is_set():
    with smtp_server(Inbox(), **AUTH) as port, pytest.raises(MailError) as refused:
        send(settings_for(port))
    assert "requires a login before it sends mail (530" in str(refused.value)


def test_a_server_that_never_answers_fails_after_the_timeout():
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(MailError) as silent:
            send(settings_for(port, timeout_seconds=1))
        waited = time.monotonic() - started
    assert str(silent.value) == (f"The mail server 127.0.0.1 port {port} did not answer "
                                 "within 1 second.")
    assert 0.9 < waited < 4


def test_a_closed_port_is_a_refused_connection():
    port = free_port()
    with pytest.raises(MailError) as refused:
        send(settings_for(port))
    assert str(refused.value) == (
        f"Cannot connect to 127.0.0.1 port {port}: the connection was refused (are the "
        "server name and port right, and is the mail server running?).")


def test_an_unknown_host_is_named():
    with pytest.raises(MailError) as unknown:
        send(settings_for(25, host="no-such-host.invalid"))
    assert str(unknown.value) == ("Cannot find the mail server 'no-such-host.invalid' "
                                  "(port 25): the name is not known.")


def test_starttls_against_a_server_without_it_says_so():
    with smtp_server(Inbox()) as port, pytest.raises(MailError) as plain:
        send(settings_for(port, security="starttls"))
    assert "does not offer STARTTLS" in str(plain.value)


def test_ssl_against_a_plain_server_is_a_failed_handshake():
    with smtp_server(Inbox()) as port, pytest.raises(MailError) as plain:
        send(settings_for(port, security="ssl"))
    assert str(plain.value).startswith(f"The secure connection (TLS) to 127.0.0.1 port {port} "
                                       "failed: the server does not speak TLS on this port")


def test_a_bad_recipient_is_refused_before_connecting():
    port = free_port()  # nothing listens: connecting would say so instead
    with pytest.raises(MailError) as bad:
        send(settings_for(port), to="zoe at example")
    assert str(bad.value) == "'zoe at example' is not an email address."


def test_a_subject_with_a_line_break_is_refused_not_injected():
    with pytest.raises(MailError) as bad:
        send_mail(settings_for(free_port()), None, "zoe@example.com",
                  "Update\nBcc: everyone@example.com", "Body")
    assert str(bad.value).startswith("The subject must be on one line")


def test_incomplete_settings_are_refused_before_connecting():
    with pytest.raises(MailError) as bad:
        send(settings_for(free_port(), sender=""))
    assert str(bad.value).startswith("The email settings are not complete: From address")


# --- settings -------------------------------------------------------------------------------
GOOD = MailSettings(host="smtp.example.org", port=587, security="starttls",
                    username="desk@example.org", sender="incidents@example.org",
                    sender_name="Incident Desk", timeout_seconds=15)


@pytest.mark.parametrize("host", ["smtp.example.org", "localhost", "127.0.0.1", "::1",
                                  "mail.bücher.example", "smtp-1.eu.example.co.uk"])
def test_plausible_hosts_pass(host):
    assert mail_settings_problems(replace(GOOD, host=host)) == {}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("host", "", "Server is required"),
    ("host", "smtp example.org", "Server must not contain spaces"),
    ("host", "smtp.example.org:587", "put the port in the Port field"),
    ("host", "smtp://smtp.example.org", "without smtp://"),
    ("host", "-smtp.example.org", "is not a server name"),
    ("host", "smtp\x00.example.org", "Server contains a NUL byte"),
    ("port", 0, "Port must be a whole number from 1 to 65535, not 0"),
    ("port", 65536, "Port must be a whole number from 1 to 65535, not 65536"),
    ("security", "tls", "Security must be STARTTLS, SSL/TLS, None (unencrypted), not 'tls'"),
    ("username", "d" * 255, "User name is longer than 254 characters"),
    ("username", "désk", "User name: SMTP login can only send ASCII"),
    ("username", "desk\t", "User name contains a tab"),
    ("sender", "", "From address is required"),
    ("sender", "incidents@", "From address 'incidents@' is not an email address"),
    ("sender_name", "Desk\x07", "From name contains a control character (U+0007)"),
    ("sender_name", "D" * 101, "From name is longer than 100 characters"),
    ("timeout_seconds", 0, "Timeout must be a whole number of seconds from 1 to 120, not 0"),
    ("timeout_seconds", 121, "not 121"),
])
def test_each_bad_field_is_named(field, value, words):
    problems = mail_settings_problems(replace(GOOD, **{field: value}))
    assert list(problems) == [field]
    assert words in problems[field]


def test_every_problem_is_listed_at_once():
    bad = MailSettings(host="", port=70000, security="x", username="", sender="nope",
                       timeout_seconds=0)
    assert list(mail_settings_problems(bad)) == ["host", "port", "security", "sender",
                                                 "timeout_seconds"]


def mail_rows() -> dict[str, str]:
    return {s.key: s.value for s in Setting.select() if s.key.startswith("mail.")}


def email_changes() -> list[str]:
    return [c.summary for c in ConfigChange.select().where(ConfigChange.area == EMAIL_AREA)
            .order_by(ConfigChange.id)]


def test_nothing_is_set_until_saved(db):
    assert load_mail_settings() is None


def test_saved_settings_load_back_and_the_password_is_only_in_the_keyring(
        leader, memory_keyring):
    changes = save_mail_settings(GOOD, leader, PASSWORD, now=NOW)

    assert load_mail_settings() == GOOD
    assert memory_keyring.secrets == {
        (SERVICE, "smtp:desk@example.org@smtp.example.org:587"): PASSWORD}
    assert smtp_password(GOOD) == PASSWORD
    assert PASSWORD not in " ".join(mail_rows().values())
    assert not any(PASSWORD in summary for summary in email_changes())
    assert changes == email_changes()
    assert changes[0] == "Server: - -> smtp.example.org"
    assert changes[-1] == "Password: stored in this computer's keyring"
    assert ConfigChange.select().where(ConfigChange.area == EMAIL_AREA).first().user == leader


def test_only_the_fields_changed_are_recorded(leader, memory_keyring):
    save_mail_settings(GOOD, leader, now=NOW)
    changes = save_mail_settings(replace(GOOD, security="ssl", port=465), leader, now=NOW)
    assert changes == ["Port: 587 -> 465", "Security: STARTTLS -> SSL/TLS"]
    assert save_mail_settings(replace(GOOD, security="ssl", port=465), leader) == []


def test_an_advisor_cannot_change_them_and_nothing_is_written(advisor, memory_keyring):
    with pytest.raises(RolePermissionError, match="only an administrator or a team leader"):
        save_mail_settings(GOOD, advisor, PASSWORD)
    assert mail_rows() == {}
    assert email_changes() == []
    assert memory_keyring.secrets == {}


def test_invalid_settings_name_every_problem_and_write_nothing(leader, memory_keyring):
    with pytest.raises(MailSettingsError) as refused:
        save_mail_settings(replace(GOOD, port=0, sender="x"), leader, "pässword")
    assert list(refused.value.problems) == ["port", "sender", "password"]
    assert mail_rows() == {}
    assert email_changes() == []
    assert memory_keyring.secrets == {}


def test_the_password_follows_a_new_port_but_not_a_new_user(leader, memory_keyring):
    save_mail_settings(GOOD, leader, PASSWORD)
    moved = replace(GOOD, port=2525)
    save_mail_settings(moved, leader)
    assert memory_keyring.secrets == {(SERVICE, password_name(moved)): PASSWORD}

    save_mail_settings(replace(moved, username="other@example.org"), leader)
    assert memory_keyring.secrets == {}


def test_without_a_keyring_the_settings_save_but_a_password_is_refused(leader):
    with use_keyring(no_keyring()):
        with pytest.raises(KeyringUnavailableError, match="asked for each time"):
            save_mail_settings(GOOD, leader, PASSWORD)
        assert mail_rows() == {}
        save_mail_settings(GOOD, leader)
        assert load_mail_settings() == GOOD


def test_forgetting_the_password_removes_it_and_records_it(leader, advisor, memory_keyring):
    save_mail_settings(GOOD, leader, PASSWORD)
    with pytest.raises(RolePermissionError):
        forget_smtp_password(GOOD, advisor)
    assert forget_smtp_password(GOOD, leader) is True
    assert memory_keyring.secrets == {}
    assert email_changes()[-1] == "Password: removed from this computer's keyring"
    assert forget_smtp_password(GOOD, leader) is False
