"""A throwaway PostgreSQL server for tests and trials: ``start``, ``stop`` or ``url``.

``start`` makes a cluster (``initdb``) under ``/tmp/incident-desk-pg`` the first time,
starts it listening on 127.0.0.1 only (no Unix socket), creates the role and database
``incident_desk`` and prints the database's URL; run again, it only checks and prints.
``stop`` stops the server and removes nothing. ``url`` prints the URL without starting.

The role's password is ``PASSWORD`` below (a test server's, not a secret): give it to the
application as ``PGPASSWORD``. Run as root, the server runs as the ``postgres`` user
(``initdb`` refuses root). Overrides: ``INCIDENT_DESK_PG_DIR``, ``INCIDENT_DESK_PG_PORT``,
``INCIDENT_DESK_PG_BIN`` (the folder of ``initdb`` and ``pg_ctl``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BASE = Path(os.environ.get("INCIDENT_DESK_PG_DIR", "/tmp/incident-desk-pg"))
PORT = int(os.environ.get("INCIDENT_DESK_PG_PORT", "54329"))
HOST = "127.0.0.1"
ROLE = DATABASE = "incident_desk"
PASSWORD = "incident-desk-test"
SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "incident-desk-superuser"


class ServerError(Exception):
    """The server could not be made, started or stopped; the message says why."""


def url() -> str:
    """The test database's URL (the password goes in ``PGPASSWORD``, not here)."""
    return f"postgresql://{ROLE}@{HOST}:{PORT}/{DATABASE}"


def _bin_dir() -> Path:
    if "INCIDENT_DESK_PG_BIN" in os.environ:
        return Path(os.environ["INCIDENT_DESK_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerError("PostgreSQL is not installed (no initdb found); on Debian: "
                      "apt-get install postgresql")


def _as_server_user(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``command`` as the postgres user when we are root, else as ourselves."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return result


def _data() -> Path:
    return BASE / "data"


def running() -> bool:
    """Whether the server runs."""
    if not (_data() / "PG_VERSION").exists():
        return False
    return _as_server_user([str(_bin_dir() / "pg_ctl"), "status", "-D",
                            str(_data())]).returncode == 0


def _init() -> None:
    BASE.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(BASE, "postgres", "postgres")
    BASE.chmod(0o700)
    with tempfile.NamedTemporaryFile("w", dir=BASE, delete=False) as pwfile:
        pwfile.write(SUPERUSER_PASSWORD + "\n")
    try:
        if os.geteuid() == 0:
            shutil.chown(pwfile.name, "postgres", "postgres")
        result = _as_server_user([
            str(_bin_dir() / "initdb"), "-D", str(_data()), "-U", SUPERUSER,
            "--auth=scram-sha-256", f"--pwfile={pwfile.name}", "-E", "UTF8",
            "--locale=C.UTF-8"])
    finally:
        os.unlink(pwfile.name)
    if result.returncode != 0:
        raise ServerError(f"initdb failed:\n{result.stderr}")


def _psql(sql: str, database: str = "postgres") -> str:
    env = dict(os.environ, PGPASSWORD=SUPERUSER_PASSWORD)
    result = subprocess.run(
        [str(_bin_dir() / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
         "-h", HOST, "-p", str(PORT), "-U", SUPERUSER, "-d", database, "-c", sql],
        capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise ServerError(f"psql failed ({sql}):\n{result.stderr}")
    return result.stdout.strip()


def start() -> str:
    """Make and start the server if need be, make the role and database; return the URL."""
    if not (_data() / "PG_VERSION").exists():
        _init()
    if not running():
        # listen_addresses: 127.0.0.1 only; no Unix socket (nothing outside the data folder)
        options = f"-c listen_addresses={HOST} -p {PORT} -c unix_socket_directories=''"
        result = _as_server_user([
            str(_bin_dir() / "pg_ctl"), "start", "-w", "-t", "30", "-D", str(_data()),
            "-l", str(BASE / "server.log"), "-o", options])
        if result.returncode != 0:
            log = BASE / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerError(f"pg_ctl start failed:\n{result.stdout}{result.stderr}{tail}")
    if _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'") != "1":
        _psql(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") != "1":
        _psql(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    return url()


def stop(mode: str = "fast") -> None:
    """Stop the server if it runs; its files stay. ``mode``: pg_ctl's shutdown mode
    ("fast" ends the sessions cleanly; "immediate" as a crash would)."""
    if running():
        result = _as_server_user([str(_bin_dir() / "pg_ctl"), "stop", "-w", "-m", mode,
                                  "-D", str(_data())])
        if result.returncode != 0:
            raise ServerError(f"pg_ctl stop failed:\n{result.stderr}")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("start", "stop", "url"):
        print("usage: pg_server.py start|stop|url", file=sys.stderr)
        return 2
    try:
        if argv[0] == "start":
            print(start())
        elif argv[0] == "stop":
            stop()
        else:
            print(url())
    except ServerError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
