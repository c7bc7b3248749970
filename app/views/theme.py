"""Light or dark, as the system is: the application's palette follows the system's colour
scheme, and the few colours of our own (error and success messages, overdue marks, notes)
come from here in a variant that keeps its contrast on either.

A label coloured with ``set_tone`` is coloured again when the scheme changes; an item
model reads ``tone_colour`` each time it is painted.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory, QWidget

# text colours, (on a light window, on a dark one); each at least 4.5:1 against the
# window and base colours of its palette (tests/views/test_theme.py)
TONES = {
    "error": ("#b71c1c", "#ff8a80"),
    "success": ("#1b5e20", "#81c784"),
    "muted": ("#595959", "#b4b4b4"),  # secondary text: hints, notes, states
}
# (background, text) of a note box, the same pair on either scheme: dark text on a pale
# colour reads on both, and the pale box stands out on a dark window too
NOTES = {
    "amber": ("#fff8e1", "#1a1a1a"),
    "banner": ("#ffe082", "#1a1a1a"),  # the log's warning of incidents at risk
    "blue": ("#e3f2fd", "#0d47a1"),
}
TONE_PROPERTY = "incidentDeskTone"  # what set_tone gave a widget, for restyle_all
DARK_WINDOW = "#2b2b2b"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (the application's by default) has a dark window."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_colour(tone: str, palette: QPalette | None = None) -> QColor:
    """The text colour of ``tone`` ("error", "success", "muted") for ``palette``."""
    light, dark = TONES[tone]
    return QColor(dark if is_dark(palette) else light)


def tone_style(tone: str | None, bold: bool = False, palette: QPalette | None = None) -> str:
    """A style sheet colouring text in ``tone`` (None: the palette's own text colour)."""
    parts = [f"color: {tone_colour(tone, palette).name()};"] if tone else []
    if bold:
        parts.append("font-weight: 600;")
    return " ".join(parts)


def set_tone(widget: QWidget, tone: str | None, bold: bool = False, extra: str = "") -> None:
    """Colour ``widget``'s text in ``tone`` (None: the palette's text colour), bold if asked,
    plus the style ``extra``; coloured again if the scheme changes."""
    widget.setProperty(TONE_PROPERTY, f"{tone or ''}|{int(bool(bold))}|{extra}")
    widget.setStyleSheet(" ".join(part for part in (tone_style(tone, bold), extra) if part))


def note_style(kind: str, extra: str = "") -> str:
    """A style sheet for a note box: ``kind`` "amber" or "blue", dark text on a pale
    background whatever the scheme."""
    background, text = NOTES[kind]
    return f"background: {background}; color: {text}; {extra}".strip()


def set_note(label: QLabel, kind: str, margin: int = 0, bold: bool = False) -> None:
    """Make ``label`` a note box of ``kind`` (see ``note_style``) through its palette; give
    its links through ``note_html``."""
    background, text = (QColor(colour) for colour in NOTES[kind])
    palette = label.palette()
    for role, colour in ((QPalette.ColorRole.Window, background),
                         (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.Text, text)):
        palette.setColor(role, colour)
    label.setPalette(palette)
    label.setAutoFillBackground(True)
    label.setMargin(margin)
    font = label.font()
    font.setBold(bold)
    label.setFont(font)


def note_html(kind: str, html: str) -> str:
    """``html`` for a note box of ``kind``, its links in the note's text colour: a label's
    links take the application palette's link colour when the text is set (Qt's HTML
    parser reads it), which on a dark palette is too pale for a pale note."""
    colour = NOTES[kind][1]
    return re.sub(r"<a(?=[\s>])", f"<a style='color: {colour}'", html)


def restyle_all(app: QApplication) -> None:
    """Colour again every widget ``set_tone`` coloured, for the palette now in use."""
    for widget in app.allWidgets():
        value = widget.property(TONE_PROPERTY)
        if isinstance(value, str) and value.count("|") >= 2:
            tone, bold, extra = value.split("|", 2)
            set_tone(widget, tone or None, bold == "1", extra)


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours, from 1 (none) to 21 (black on white)."""
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, used when the system is dark but the style's
    own palette is not (Fusion on Linux without a desktop theme, the Windows 10 style)."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: DARK_WINDOW, QPalette.ColorRole.WindowText: "#eeeeee",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#eeeeee", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#eeeeee", QPalette.ColorRole.BrightText: "#ff8a80",
        QPalette.ColorRole.ToolTipBase: "#3c3c3c", QPalette.ColorRole.ToolTipText: "#eeeeee",
        QPalette.ColorRole.Highlight: "#2f65ca", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.LinkVisited: "#c58af9",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.Light: "#505050",
        QPalette.ColorRole.Midlight: "#404040", QPalette.ColorRole.Mid: "#303030",
        QPalette.ColorRole.Dark: "#1a1a1a", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f7f7f"))
    return palette


class SchemeFollower(QObject):
    """Keeps the application's palette in step with the system's colour scheme."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self._app = app
        self._forced = False  # whether the palette now in use is our dark one
        app.styleHints().colorSchemeChanged.connect(self.apply)

    def apply(self, scheme: Qt.ColorScheme | None = None) -> None:
        """Use a palette for ``scheme`` (the system's now when None): the style's own where
        it already matches, else Fusion with ``dark_palette``; then restyle our colours."""
        if scheme is None:
            scheme = self._app.styleHints().colorScheme()
        if scheme == Qt.ColorScheme.Dark and (self._forced or not is_dark()):
            if self._app.style().name().lower() != "fusion":
                self._app.setStyle(QStyleFactory.create("Fusion"))
            self._app.setPalette(dark_palette())
            self._forced = True
        elif scheme != Qt.ColorScheme.Dark and self._forced:
            self._app.setPalette(self._app.style().standardPalette())
            self._forced = False
        restyle_all(self._app)


def follow_system_scheme(app: QApplication) -> SchemeFollower:
    """Follow the system's light or dark mode from now on, starting with the current one."""
    follower = SchemeFollower(app)
    follower.apply()
    return follower
