"""The database used at the next start, as chosen in File › Database…: a database file or a
PostgreSQL server, kept in a small file in the user's config folder (never the password:
that stays in the keyring), and the checks of what the user typed to choose it.

``--db`` overrides the saved choice; without either, the default file in the user's data
folder is used.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path

import platformdirs

from app import APP_NAME, ORGANISATION
from app.models.db import (
    DatabaseOpenError,
    PostgresTarget,
    default_database_path,
    parse_target,
)

CHOICE_FILE = "database.json"
FORMAT = 1  # the layout of the file; one of another layout is ignored (said in the log)
DEFAULT_PORT = 5432
log = logging.getLogger(__name__)

Target = Path | PostgresTarget
_HOST = re.compile(r"[A-Za-z0-9._-]+")
_NAME_UNSAFE = re.compile(r"[\s/?#@:%]")


def choice_file() -> Path:
    """Where the choice is kept (``%LOCALAPPDATA%\\Incident Desk`` on Windows,
    ``~/.config/Incident Desk`` on Linux)."""
    return platformdirs.user_config_path(APP_NAME, ORGANISATION, roaming=False) / CHOICE_FILE


def saved_database(file: Path | None = None) -> Target | None:
    """The database chosen for the next start; None when none was chosen, or the file
    cannot be read (said in the log: the default is used then)."""
    file = file or choice_file()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not isinstance(data.get("database"), str):
            raise ValueError(f"not a format {FORMAT} choice")
        return parse_target(data["database"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError, DatabaseOpenError) as exc:
        log.warning("The saved database choice in %s is not used: %s", file, exc)
        return None


def save_database(target: Target, file: Path | None = None) -> Path:
    """Keep ``target`` as the database of the next start; returns the file written.

    Written to a temporary file beside it, synced, then renamed over the old one, so the
    file is always a whole choice: the new one or the previous one.

    Raises:
        OSError: the folder cannot be made or written; the previous choice is kept.
    """
    file = file or choice_file()
    file.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "database": str(target)}, indent=1)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return file


def forget_saved_database(file: Path | None = None) -> None:
    """Back to the default database at the next start."""
    (file or choice_file()).unlink(missing_ok=True)


def start_database(db_argument: str | None, file: Path | None = None) -> tuple[Target, bool]:
    """The database to open at start-up, and whether its folder may be created (the
    default's only): ``--db`` when given, else the saved choice, else the default file.

    Raises:
        DatabaseOpenError: ``--db`` is a URL of another kind, or malformed.
    """
    if db_argument:
        return parse_target(db_argument), False
    saved = saved_database(file)
    if saved is not None:
        return saved, False
    return default_database_path(), True


def file_choice(text: str) -> tuple[Path | None, dict[str, str]]:
    """The database file the user typed or browsed to, or what is wrong with it (keyed
    ``"file"``). A file that does not exist yet is fine: it is created at the next start."""
    text = text.strip()
    if not text:
        return None, {"file": "Database file is required: choose one with Browse… or type "
                              "its path."}
    path = Path(text).expanduser()
    if not path.is_absolute():
        return None, {"file": f"Give the whole path of the file ('{text}' is relative to "
                              "no folder in particular)."}
    if path.is_dir():
        return None, {"file": f"{path} is a folder: name a file in it."}
    if not path.parent.is_dir():
        return None, {"file": f"The folder {path.parent} does not exist."}
    return path, {}


def server_choice(host: str, port: str, dbname: str, user: str
                  ) -> tuple[PostgresTarget | None, dict[str, str]]:
    """The PostgreSQL database the user described, or each problem keyed by its field
    (``host``, ``port``, ``database``, ``user``). An empty port is PostgreSQL's 5432."""
    host, port, dbname, user = host.strip(), port.strip(), dbname.strip(), user.strip()
    problems: dict[str, str] = {}
    if not host:
        problems["host"] = "Server is required: the PostgreSQL server's name or address."
    elif not _HOST.fullmatch(host):
        problems["host"] = (f"Server must be a host name or an address (letters, digits, "
                            f"dots and hyphens), not '{host}'.")
    number = DEFAULT_PORT
    if port:
        number = int(port) if port.isascii() and port.isdigit() else -1
        if not 1 <= number <= 65535:
            problems["port"] = f"Port must be a whole number from 1 to 65535, not '{port}'."
    if not dbname:
        problems["database"] = ("Database is required: the name its administrator gave it "
                                "on the server.")
    elif _NAME_UNSAFE.search(dbname):
        problems["database"] = ("Database name cannot hold spaces or any of / ? # @ : %, "
                                f"as '{dbname}' does.")
    if not user:
        problems["user"] = "User is required: the PostgreSQL user Incident Desk connects as."
    elif _NAME_UNSAFE.search(user):
        problems["user"] = ("User name cannot hold spaces or any of / ? # @ : %, as "
                            f"'{user}' does.")
    if problems:
        return None, problems
    return PostgresTarget(dbname=dbname, user=user, host=host, port=number), {}
