"""Files the application loads at run time (fonts with their licences, the icon), read with
importlib.resources from here alone, so that one missing from an installation is named.

Paths are joined one part at a time: in a PyInstaller bundle ``files()`` can be a
``MultiplexedPath``, whose ``joinpath`` takes a single part on Python 3.11 (a TypeError
otherwise, which only a bundle shows).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "app.resources"
REINSTALL = "Reinstall Incident Desk."


class MissingResourceError(RuntimeError):
    """A file installed with Incident Desk is missing or cannot be read; the message names
    it and says to reinstall."""


def incomplete(name: str, reason: str = "is missing", consequence: str = "") -> str:
    """The message for a part of the installation that is not there, e.g. "Incident Desk is
    incomplete: app/resources/icon.svg is missing. Reinstall Incident Desk."

    Args:
        name: the file or folder as it is in the source tree (``app/resources/...``).
        reason: what is wrong with it.
        consequence: a sentence saying what cannot be done without it, or "".
    """
    return " ".join(part for part in (f"Incident Desk is incomplete: {name} {reason}.",
                                      consequence, REINSTALL) if part)


def resource_name(*parts: str, package: str = PACKAGE) -> str:
    """``parts`` inside ``package`` as a path in the source tree, for messages."""
    return "/".join([*package.split("."), *parts])


def resource_path(*parts: str, package: str = PACKAGE) -> Traversable:
    """The file ``parts`` (folders then file name) inside ``package``, which may not exist."""
    node = resources.files(package)
    for part in parts:
        node = node.joinpath(part)
    return node


def read_resource(*parts: str, package: str = PACKAGE, consequence: str = "") -> bytes:
    """The bytes of the file ``parts`` inside ``package``, read whole (from a folder or a
    zipped install alike).

    Raises:
        MissingResourceError: it is not there or cannot be read; the message names it, says
            ``consequence`` and to reinstall.
    """
    path = resource_path(*parts, package=package)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingResourceError(incomplete(
            resource_name(*parts, package=package), f"is missing ({path})",
            consequence)) from exc
    except OSError as exc:
        raise MissingResourceError(incomplete(
            resource_name(*parts, package=package),
            f"cannot be read ({path}: {exc.strerror or exc})", consequence)) from exc
