"""Writing a file whole or not at all, and the error a report that cannot be written raises.

Apart from :mod:`app.reports.pages` so that what writes CSV and spreadsheet files, and the
windows that only need the error class, do not load ReportLab (a third of a second) at the
application's start (issue 9, cold start).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path


class ReportError(Exception):
    """A report cannot be written; the message names the file and says why."""


def _new_part(path: Path) -> Path:
    """A new empty file beside ``path`` to write into, under a name nobody else uses, with
    the permissions any new file gets (tempfile's would be private to the user)."""
    part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return part


def _pdf_problem(exc: Exception) -> str | None:
    """What a PDF writer's failure means for the user; None for any other exception. Its
    classes are looked up where already loaded: an exception of a module never imported
    cannot have been raised."""
    fonts = sys.modules.get("app.reports.fonts")
    if fonts is not None and isinstance(exc, fonts.FontMissingError):
        return str(exc)
    layout = sys.modules.get("reportlab.platypus.doctemplate")
    if layout is not None and isinstance(exc, layout.LayoutError):
        # ReportLab's message names its objects: kept in the chain, not shown
        return "a part of it could not be laid out on the page."
    return None


def write_atomically(path: Path, write: Callable[[Path], None], what: str,
                     error: type[ReportError] = ReportError) -> Path:
    """Call ``write(part)`` to write a file beside ``path``, then rename it into place
    (replacing a file already there) and return ``path``.

    A failure, or any exception ``write`` raises (a cancellation, say), leaves no partial
    file and any earlier file as it was.

    Args:
        what: what is written, for messages ("the incident report").
        error: the exception class raised, a :class:`ReportError`.

    Raises:
        ReportError: (as ``error``) the folder cannot be written to, the shipped fonts are
            missing, or the story cannot be laid out; the message names the file.
    """
    path = Path(path)
    part = None
    try:
        part = _new_part(path)
        write(part)
        os.replace(part, path)
        part = None
    except OSError as exc:
        raise error(f"Cannot write {what} to {path}: {exc.strerror or exc}.") from exc
    except Exception as exc:
        problem = _pdf_problem(exc)
        if problem is None:
            raise
        raise error(f"Cannot write {what} to {path}: {problem}") from exc
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    return path
