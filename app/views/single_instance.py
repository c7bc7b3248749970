"""One window per database on a workstation: a second start on the same database brings the
first window to the front instead of opening another (two windows of one advisor on one
file would each keep their own draft and their own idea of what is shown).

The first instance holds a lock file named after the database and listens on a local socket
of the same name; a second start finds the lock held, asks the first to come forward
through the socket, and stops.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.models.db import PostgresTarget

RAISE = b"raise\n"
CONNECT_MS = 1000


def instance_key(database_path: Path | PostgresTarget) -> str:
    """The same for every start on one database by one user of the workstation: a file by
    its resolved path, a PostgreSQL database by its URL."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    if isinstance(database_path, PostgresTarget):
        where = str(database_path)
    else:  # Windows paths ignore case
        where = str(database_path.expanduser().resolve()).lower()
    digest = hashlib.sha256(f"{user}\0{where}".encode()).hexdigest()[:24]
    return f"incident-desk-{digest}"


class InstanceGuard(QObject):
    """Held by the running window; ``raise_requested`` says a second start asked for it."""

    raise_requested = Signal()

    def __init__(self, database_path: Path | PostgresTarget, parent: QObject | None = None):
        super().__init__(parent)
        self.key = instance_key(database_path)
        self._lock = QLockFile(QDir.temp().filePath(self.key + ".lock"))
        self._lock.setStaleLockTime(0)  # held as long as its process lives, however long
        self._server: QLocalServer | None = None
        # after acquire() refused: whether the other instance answered (it is still
        # starting, at its sign-in say, when it did not)
        self.raised_other = False

    def acquire(self) -> bool:
        """True when this is the only instance on the database (it now holds the lock and
        listens); False when another holds it, which has been asked to come forward."""
        if self._lock.tryLock(100):
            self._listen()
            return True
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            self.raised_other = _ask_to_raise(self.key)
            return False
        # the temporary folder cannot hold the lock: run unguarded rather than not at all
        return True

    def _listen(self) -> None:
        QLocalServer.removeServer(self.key)  # left behind by an instance that crashed
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self.on_new_connection)
        self._server.listen(self.key)

    @Slot()
    def on_new_connection(self) -> None:
        while self._server is not None and self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE.strip()):
            self.raise_requested.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()


def _ask_to_raise(key: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(RAISE)
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True
