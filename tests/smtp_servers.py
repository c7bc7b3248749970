"""Real SMTP servers on loopback for tests: aiosmtpd that keeps, refuses or wants a login,
a port that never answers, and a port that is closed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

PASSWORD = "s3cret-Pa55!"


class Inbox:
    """An aiosmtpd handler that keeps what it is given (after ``delay`` seconds)."""

    def __init__(self, delay: float = 0) -> None:
        self.delay = delay
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted for delivery"

    def only_message(self) -> EmailMessage:
        assert len(self.envelopes) == 1
        return message_from_bytes(self.envelopes[0].content, policy=default_policy)


class RefusesRecipients(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


class RefusesSender(Inbox):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "553 5.7.1 Sender address rejected: not owned by user"


def free_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler: Inbox, **options) -> Iterator[int]:
    """aiosmtpd serving on 127.0.0.1 for the duration; yields its port."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def only_desk(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Accepts the user "desk" with PASSWORD, and nobody else."""
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"desk"
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


AUTH = dict(authenticator=only_desk, auth_require_tls=False, auth_required=True)
# aiosmtpd warns that a login without TLS is unsafe; on loopback, in a test, it is what we
# want (a TLS server would need a certificate): that one warning, for those tests only.
login_without_tls = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning:aiosmtpd.smtp")


@contextmanager
def silent_server() -> Iterator[int]:
    """A port whose connections are accepted (by the kernel) and then never spoken to."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield listener.getsockname()[1]
