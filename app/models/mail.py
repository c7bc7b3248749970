"""Stakeholder updates by email: the SMTP server's settings, checked and stored, and sending.

The settings are the organisation's (kept in the ``Setting`` table, shared by every
workstation); the password is not: it lives in this computer's keyring (see
``app.models.secrets``), under a name made of the user name, host and port.
``send_mail`` touches neither the database nor the keyring, so it can run on a worker
thread; every way it can fail comes out as a ``MailError`` with one sentence to show.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, fields
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from app.models.clock import now_utc, to_local
from app.models.db import database
from app.models.dialect import put_setting
from app.models.entities import ConfigChange, Setting, User
from app.models.permissions import Permission, check_permission
from app.models.secrets import (
    KeyringUnavailableError,
    delete_secret,
    get_secret,
    keyring_available,
    set_secret,
)
from app.models.text_rules import text_error
from app.models.validation import EMAIL

SECURITY_CHOICES = ("starttls", "ssl", "none")
SECURITY_LABELS = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "None (unencrypted)"}
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
MIN_TIMEOUT, MAX_TIMEOUT = 1, 120
MAX_USERNAME, MAX_SENDER_NAME, MAX_PASSWORD, MAX_ADDRESS = 254, 100, 256, 254
EMAIL_AREA = "email"  # the area of its changes in the settings' history
FIELD_LABELS = {"host": "Server", "port": "Port", "security": "Security",
                "username": "User name", "password": "Password", "sender": "From address",
                "sender_name": "From name", "timeout_seconds": "Timeout"}


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server updates are sent through, and who they come from."""

    host: str
    port: int
    security: str  # "starttls" | "ssl" | "none"
    username: str  # empty: the server takes mail without a login
    sender: str  # the From address
    sender_name: str = "Incident Desk"
    timeout_seconds: int = 15


KEYS = {f.name: f"mail.{f.name}" for f in fields(MailSettings)}
DEFAULTS = MailSettings(host="", port=DEFAULT_PORTS["starttls"], security="starttls",
                        username="", sender="")


class MailSettingsError(ValueError):
    """Settings that cannot be saved: ``problems`` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


class MailError(RuntimeError):
    """An email that was not sent; the message says why in one sentence."""


# --- checking -------------------------------------------------------------------------------
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def host_problem(host: str) -> str | None:
    """Why ``host`` is not a plausible server name or IP address, if it is not."""
    if not host:
        return "Server is required: the mail server's name, for example smtp.example.org."
    error = text_error(host)
    if error:
        return f"Server {error}"
    if any(c.isspace() for c in host):
        return "Server must not contain spaces."
    if "://" in host or "/" in host:
        return "Server is a name such as smtp.example.org, without smtp:// or a path."
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if host.count(":") == 1:
        return "Server is the name alone: put the port in the Port field."
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.removesuffix(".").split(".")
    if not ascii_host or len(ascii_host) > 253 or not all(map(_HOST_LABEL.match, labels)):
        return f"Server '{host}' is not a server name (for example smtp.example.org)."
    return None


def address_problem(label: str, value: str) -> str | None:
    """Why ``value`` is not an email address, starting with ``label``, if it is not."""
    if not value:
        return f"{label} is required (for example incidents@example.org)."
    if len(value) > MAX_ADDRESS or not EMAIL.match(value):
        return f"{label} '{value}' is not an email address (for example " \
               "incidents@example.org)."
    return None


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be used for an SMTP login, if it cannot."""
    error = text_error(password)
    if error:
        return f"Password {error}"
    if len(password) > MAX_PASSWORD:
        return f"Password is longer than {MAX_PASSWORD} characters."
    if not password.isascii():
        return "Password: SMTP login can only send ASCII letters, digits and symbols."
    return None


def mail_settings_problems(settings: MailSettings) -> dict[str, str]:
    """Everything wrong with ``settings``: field name -> a sentence naming the field."""
    problems: dict[str, str | None] = {"host": host_problem(settings.host)}
    port = settings.port
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        problems["port"] = f"Port must be a whole number from 1 to 65535, not {port}."
    if settings.security not in SECURITY_CHOICES:
        problems["security"] = (f"Security must be {', '.join(SECURITY_LABELS.values())}, "
                                f"not '{settings.security}'.")
    username = settings.username
    if text_error(username):
        problems["username"] = f"User name {text_error(username)}"
    elif len(username) > MAX_USERNAME:
        problems["username"] = f"User name is longer than {MAX_USERNAME} characters."
    elif not username.isascii():
        problems["username"] = "User name: SMTP login can only send ASCII characters."
    problems["sender"] = address_problem("From address", settings.sender)
    if text_error(settings.sender_name):
        problems["sender_name"] = f"From name {text_error(settings.sender_name)}"
    elif len(settings.sender_name) > MAX_SENDER_NAME:
        problems["sender_name"] = f"From name is longer than {MAX_SENDER_NAME} characters."
    timeout = settings.timeout_seconds
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not (
            MIN_TIMEOUT <= timeout <= MAX_TIMEOUT):
        problems["timeout_seconds"] = (f"Timeout must be a whole number of seconds from "
                                       f"{MIN_TIMEOUT} to {MAX_TIMEOUT}, not {timeout}.")
    return {name: problem for name, problem in problems.items() if problem}


# --- storing --------------------------------------------------------------------------------
def load_mail_settings() -> MailSettings | None:
    """The organisation's mail settings; None until a server has been set."""
    query = Setting.select().where(Setting.key.in_(list(KEYS.values())))
    stored = {s.key: s.value for s in query}
    if not stored.get(KEYS["host"]):
        return None
    values = {}
    for name, key in KEYS.items():
        default = getattr(DEFAULTS, name)
        value = stored.get(key, default)
        if isinstance(default, int):
            try:
                value = int(value)
            except ValueError:
                value = default
        values[name] = value
    return MailSettings(**values)


def password_name(settings: MailSettings) -> str:
    """The name the server's password is stored under in the keyring."""
    return f"smtp:{settings.username}@{settings.host}:{settings.port}"


def smtp_password(settings: MailSettings) -> str | None:
    """The password stored in this computer's keyring for ``settings``, if any.

    Raises:
        KeyringUnavailableError: there is no usable keyring.
    """
    return get_secret(password_name(settings))


def store_smtp_password(settings: MailSettings, password: str) -> None:
    """Keep ``password`` in this computer's keyring for ``settings`` (after the password
    prompt of a send, say; a change of settings goes through ``save_mail_settings``).

    Raises:
        MailSettingsError: the password cannot be used for a login.
        KeyringUnavailableError: there is no usable keyring; nothing was stored.
    """
    problem = password_problem(password)
    if problem:
        raise MailSettingsError({"password": problem})
    set_secret(password_name(settings), password)


def _value_text(name: str, value) -> str:
    if name == "security":
        return SECURITY_LABELS.get(value, value)
    if name == "timeout_seconds":
        return f"{value} s"
    return str(value) if value != "" else "-"


def describe_mail_changes(old: MailSettings | None, new: MailSettings) -> list[str]:
    """A sentence for each field that differs, in the dialog's order."""
    changes = []
    for name in KEYS:
        after = getattr(new, name)
        before = getattr(old, name) if old is not None else None
        if before != after:
            was = "-" if old is None else _value_text(name, before)
            changes.append(f"{FIELD_LABELS[name]}: {was} -> {_value_text(name, after)}")
    return changes


def _record(by: User, now: datetime, summaries: list[str]) -> None:
    for summary in summaries:
        ConfigChange.create(at=now, user=by, area=EMAIL_AREA, summary=summary)


def save_mail_settings(settings: MailSettings, by: User, password: str | None = None,
                       now: datetime | None = None) -> list[str]:
    """Replace the mail settings, and store ``password`` (unless empty) in the keyring; return
    the changes recorded in the settings' history (never the password itself).

    Everything is checked before anything is written; the settings are written in one
    transaction, and the password stored only once that has committed. A password already
    stored goes with the settings when only the host or port changes, and is removed from
    the keyring when the user name changes (it was somebody else's).

    Raises:
        RolePermissionError: ``by`` may not change the mail settings.
        MailSettingsError: the settings or the password have problems; nothing was written.
        KeyringUnavailableError: a password was given but there is no keyring. Checked
            first, so normally nothing was written; if the keyring fails only after the
            settings were saved, they stay saved and the password is not stored.
    """
    check_permission(by, Permission.MANAGE_EMAIL)
    password = password or None  # an empty password field keeps the stored one
    problems = mail_settings_problems(settings)
    if password is not None and (problem := password_problem(password)):
        problems["password"] = problem
    if problems:
        raise MailSettingsError(problems)
    if password is not None and not keyring_available():
        raise KeyringUnavailableError("no keyring backend was found")
    now = now or now_utc()
    with database.atomic():
        old = load_mail_settings()
        changes = describe_mail_changes(old, settings)
        for name, key in KEYS.items():
            put_setting(key, str(getattr(settings, name)))
        _record(by, now, changes)
    if old is not None and password_name(old) != password_name(settings):
        _carry_password(old, settings, keep=password is None)
    if password is not None:
        store_smtp_password(settings, password)
        with database.atomic():
            _record(by, now, ["Password: stored in this computer's keyring"])
        changes.append("Password: stored in this computer's keyring")
    return changes


def _carry_password(old: MailSettings, new: MailSettings, keep: bool) -> None:
    """The stored password follows a change of host or port; dropped for a new user."""
    try:
        stored = smtp_password(old)
        if stored is not None and keep and old.username == new.username:
            set_secret(password_name(new), stored)
        delete_secret(password_name(old))
    except KeyringUnavailableError:
        pass  # nothing can be stored there, so nothing to carry


def forget_smtp_password(settings: MailSettings, by: User, now: datetime | None = None
                         ) -> bool:
    """Remove the password stored for ``settings`` from this computer's keyring; True if
    there was one (the removal is recorded in the settings' history).

    Raises:
        RolePermissionError: ``by`` may not change the mail settings.
        KeyringUnavailableError: the keyring refused.
    """
    check_permission(by, Permission.MANAGE_EMAIL)
    if smtp_password(settings) is None:
        return False
    delete_secret(password_name(settings))
    with database.atomic():
        _record(by, now or now_utc(), ["Password: removed from this computer's keyring"])
    return True


# --- sending --------------------------------------------------------------------------------
def _reply(text: bytes | str) -> str:
    """A server's reply on one line, as text."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(text.split())


def _seconds(n: int) -> str:
    return "1 second" if n == 1 else f"{n} seconds"


def _security_hint(settings: MailSettings) -> str:
    """A hint when the port is one that usually goes with another security setting."""
    usual = {465: "ssl", 587: "starttls"}.get(settings.port)
    if usual and usual != settings.security:
        return (f" Port {settings.port} usually uses {SECURITY_LABELS[usual]}; check the "
                "security setting.")
    return ""


# OpenSSL's reasons, in words, for the handshakes that fail most often
_TLS_REASONS = {
    "WRONG_VERSION_NUMBER": "the server does not speak TLS on this port",
    "UNSUPPORTED_PROTOCOL": "the server only offers an old, unsafe version of TLS",
    "TLSV1_ALERT_PROTOCOL_VERSION": "the server only offers an old, unsafe version of TLS",
    "SSLV3_ALERT_HANDSHAKE_FAILURE": "the server and this computer share no cipher",
}


def _timed_out(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, TimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _message(settings: MailSettings, to: str, subject: str, body: str,
             now: datetime | None) -> EmailMessage:
    message = EmailMessage()
    sender_domain = settings.sender.rpartition("@")[2]
    message["From"] = (Address(settings.sender_name, addr_spec=settings.sender)
                       if settings.sender_name else settings.sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(to_local(now or now_utc()))
    message["Message-ID"] = make_msgid(domain=sender_domain)
    # quoted-printable keeps the message 7-bit, so any server carries it unchanged
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


def _check_before_sending(settings: MailSettings, to: str, subject: str, body: str) -> None:
    problems = mail_settings_problems(settings)
    if problems:
        raise MailError("The email settings are not complete: "
                        + next(iter(problems.values())))
    if len(to) > MAX_ADDRESS or not EMAIL.match(to):
        raise MailError(f"'{to}' is not an email address.")
    if text_error(subject):
        raise MailError(f"The subject {text_error(subject)}")
    if text_error(body, multiline=True):
        raise MailError(f"The message {text_error(body, multiline=True)}")


def _connect(settings: MailSettings) -> smtplib.SMTP:
    timeout = settings.timeout_seconds
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.host, settings.port, timeout=timeout)


def send_mail(settings: MailSettings, password: str | None, to: str, subject: str,
              body: str, now: datetime | None = None) -> str:
    """Send one plain-text email to ``to``; return its Message-ID.

    Connects (SSL/TLS, STARTTLS or plain, as set), logs in when there is a user name and
    a password, sends and says goodbye. Every connect and every read waits at most
    ``settings.timeout_seconds``. Touches neither the database nor the keyring.

    Raises:
        MailError: not sent; the message names the server, address or field and why.
    """
    _check_before_sending(settings, to, subject, body)
    message = _message(settings, to, subject, body, now)
    where = f"{settings.host} port {settings.port}"
    stage = "connect"
    try:
        smtp = _connect(settings)
        try:
            if settings.security == "starttls":
                stage = "starttls"
                smtp.ehlo()
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username and password:
                stage = "login"
                smtp.login(settings.username, password)
            stage = "send"
            smtp.send_message(message, from_addr=settings.sender, to_addrs=[to])
            # sent already: a goodbye that goes wrong changes nothing
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
        finally:
            smtp.close()
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"The mail server {where} refused the user name or password for "
                        f"'{settings.username}' ({exc.smtp_code} {_reply(exc.smtp_error)})."
                        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        reply = f"{exc.smtp_code} {_reply(exc.smtp_error)}"
        if exc.smtp_code == 530:
            raise MailError(f"The mail server {where} requires a login before it sends mail "
                            f"({reply}); set the user name and password.") from exc
        raise MailError(f"The mail server {where} refused the sender address "
                        f"'{settings.sender}' ({reply}).") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = exc.recipients.get(to, (0, b""))
        raise MailError(f"The mail server {where} refused the recipient '{to}' "
                        f"({code} {_reply(text)}).") from exc
    except smtplib.SMTPNotSupportedError as exc:
        if stage == "starttls":
            raise MailError(f"The mail server {where} does not offer STARTTLS; choose "
                            "SSL/TLS or None as the security, or another port.") from exc
        raise MailError(f"The mail server {where} does not offer a login on this "
                        "connection; leave the user name empty, or use encryption.") from exc
    except smtplib.SMTPServerDisconnected as exc:
        if _timed_out(exc):
            raise MailError(f"The mail server {where} did not answer within "
                            f"{_seconds(settings.timeout_seconds)}."
                            + _security_hint(settings)) from exc
        raise MailError(f"The mail server {where} closed the connection unexpectedly."
                        + _security_hint(settings)) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"The mail server {where} answered {exc.smtp_code} "
                        f"{_reply(exc.smtp_error)}.") from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"Sending through {where} failed: {_reply(str(exc))}.") from exc
    except ssl.SSLCertVerificationError as exc:
        raise MailError(f"The secure connection (TLS) to {where} failed: its certificate "
                        f"could not be trusted ({exc.verify_message}).") from exc
    except ssl.SSLError as exc:
        reason = exc.reason or _reply(str(exc))
        why = _TLS_REASONS.get(reason, "")
        raise MailError(f"The secure connection (TLS) to {where} failed: "
                        f"{why or 'the handshake was refused'} ({reason})."
                        + _security_hint(settings)) from exc
    except TimeoutError as exc:
        raise MailError(f"The mail server {where} did not answer within "
                        f"{_seconds(settings.timeout_seconds)}."
                        + _security_hint(settings)) from exc
    except ConnectionRefusedError as exc:
        raise MailError(f"Cannot connect to {where}: the connection was refused (are the "
                        "server name and port right, and is the mail server running?)."
                        ) from exc
    except socket.gaierror as exc:
        raise MailError(f"Cannot find the mail server '{settings.host}' (port "
                        f"{settings.port}): the name is not known.") from exc
    except OSError as exc:
        raise MailError(f"Cannot send through {where}: {exc.strerror or _reply(str(exc))}."
                        ) from exc
    except UnicodeEncodeError as exc:  # checked when saved; typed in a prompt, perhaps not
        raise MailError("The user name or password has characters other than ASCII, which "
                        "SMTP login cannot send.") from exc
    return str(message["Message-ID"])
