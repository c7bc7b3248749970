"""The organisation's name and logo, as printed at the head of reports and in messages.

Both are kept with the data (settings table), so every workstation on a shared database
prints the same. The logo is stored as the image file's bytes, not as a path that only one
workstation could read.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from app.models.clock import now_utc
from app.models.db import database
from app.models.dialect import put_setting
from app.models.entities import ConfigChange, Setting, User
from app.models.permissions import Permission, check_permission
from app.models.text_rules import FieldProblemsError, text_error, trimmed

NAME_SETTING = "organisation.name"
LOGO_SETTING = "organisation.logo"  # base64 of a PNG or JPEG file
ORGANISATION_AREA = "organisation"  # changes, in the settings' history
MAX_NAME = 100
MAX_LOGO_BYTES = 1_000_000
_IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class Organisation:
    name: str
    logo: bytes | None  # a PNG or JPEG file's bytes


def _setting(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else ""


def organisation_name() -> str:
    """The organisation's name, or "" when none is set."""
    return _setting(NAME_SETTING)


def organisation() -> Organisation:
    """The name and logo (None when none is set, or when what is stored is not an image)."""
    logo = None
    if stored := _setting(LOGO_SETTING):
        try:
            logo = base64.b64decode(stored, validate=True)
        except (binascii.Error, ValueError):
            logo = None
        if logo is not None and logo_error(logo):
            logo = None
    return Organisation(organisation_name(), logo)


def logo_error(data: bytes) -> str | None:
    """Why ``data`` cannot be the logo, or None."""
    if len(data) > MAX_LOGO_BYTES:
        return (f"is {len(data) / 1_000_000:.1f} MB; a logo may be at most "
                f"{MAX_LOGO_BYTES // 1_000_000} MB")
    if not any(data.startswith(signature) for signature in _IMAGE_SIGNATURES):
        return "is not a PNG or JPEG image"
    return None


def save_organisation(name: str, logo: bytes | None, by: User,
                      now: datetime | None = None) -> Organisation:
    """Set the name and logo (None removes it), recorded in the settings' history.

    Raises:
        PermissionDeniedError: ``by`` may not change the organisation's settings.
        FieldProblemsError: the name or the logo is wrong; nothing is saved.
    """
    check_permission(by, Permission.EDIT_ORGANISATION)
    name = trimmed(name)
    problems = {}
    if error := text_error(name):
        problems["organisation_name"] = f"The name {error}."
    elif len(name) > MAX_NAME:
        problems["organisation_name"] = (f"The name is {len(name)} characters long; it may "
                                         f"be at most {MAX_NAME}.")
    if logo is not None and (error := logo_error(logo)):
        problems["organisation_logo"] = f"The logo {error}."
    if problems:
        raise FieldProblemsError(problems)
    before = organisation()
    changes = []
    if name != before.name:
        changes.append(f"name set to '{name}'" if name else "name removed")
    if logo != before.logo:
        changes.append("logo replaced" if logo else "logo removed")
    if changes:
        with database.atomic():
            put_setting(NAME_SETTING, name)
            put_setting(LOGO_SETTING, base64.b64encode(logo).decode("ascii") if logo else "")
            ConfigChange.create(at=now or now_utc(), user=by, area=ORGANISATION_AREA,
                                summary="Organisation " + "; ".join(changes) + ".")
    return Organisation(name, logo)
