"""What Incident Desk is built from and ships with, and under which licences: the About
box's notices."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from app.resources import MissingResourceError, read_resource


@dataclass(frozen=True)
class Component:
    name: str
    distribution: str | None  # the installed package its version is read from
    licence: str
    purpose: str
    licence_file: str | None = None  # shipped in app/resources, shown in full
    fixed_version: str = ""  # for what is not an installed package

    @property
    def version(self) -> str:
        if self.distribution is None:
            return self.fixed_version
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:  # a bundle without the package's metadata
            return ""


COMPONENTS = (
    Component("Python", None, "Python Software Foundation License", "the language",
              fixed_version=platform.python_version()),
    Component("Qt for Python (PySide6)", "PySide6-Essentials",
              "GNU Lesser General Public License v3", "windows, charts, print preview"),
    Component("peewee", "peewee", "MIT", "the database layer"),
    Component("ReportLab", "reportlab", "BSD", "PDF reports"),
    Component("pypdf", "pypdf", "BSD-3-Clause", "reading exported PDFs back"),
    Component("openpyxl", "openpyxl", "MIT", "XLSX import and export"),
    Component("keyring", "keyring", "MIT", "secrets in the system's keyring"),
    Component("platformdirs", "platformdirs", "MIT", "where data is kept"),
    Component("holidays", "holidays", "MIT", "bank holidays"),
    Component("tzdata", "tzdata", "Apache-2.0", "time zones"),
    Component("arabic-reshaper", "arabic-reshaper", "MIT", "Arabic in PDFs"),
    Component("python-bidi", "python-bidi", "GNU Lesser General Public License v3",
              "right-to-left text in PDFs"),
    Component("DejaVu Sans fonts", None, "Bitstream Vera and Arev fonts licence (free)",
              "the reports' typeface", "LICENSE-DejaVu.txt", "2.37"),
    Component("Droid Sans Fallback font", None, "Apache-2.0",
              "Chinese, Japanese and Korean in reports", "LICENSE-DroidSansFallback.txt"),
)


def licence_text(component: Component) -> str:
    """The full licence shipped for ``component``, or "" when none is shipped; when its
    file is missing from the installation, a message saying so in its place."""
    if component.licence_file is None:
        return ""
    try:
        return read_resource("fonts", component.licence_file).decode("utf-8")
    except MissingResourceError as exc:
        return str(exc)
