"""Light or dark: the application follows the system's colour scheme, and the texts we colour
ourselves keep a WCAG contrast of at least 4.5:1 on either palette, measured on what is
painted."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from app.views.incident_table_model import CLOCK_COLOURS
from app.views.text import PRIORITY_COLOURS
from app.views.theme import (
    NOTES,
    TONES,
    SchemeFollower,
    contrast_ratio,
    dark_palette,
    is_dark,
    note_html,
    set_tone,
    tone_colour,
)
from tests.views.helpers import click_save, fill_valid_call, open_new_form, retype

pytestmark = pytest.mark.gui
TEXT_CONTRAST = 4.5  # WCAG AA for body text


@pytest.fixture
def scheme(qapp):
    """Sets the application's scheme as the system would (light or dark), and puts the
    palette and style back after the test."""
    style, palette = qapp.style().name(), qapp.palette()
    follower = SchemeFollower(qapp)
    yield follower.apply
    qapp.styleHints().colorSchemeChanged.disconnect(follower.apply)
    qapp.setStyle(style)
    qapp.setPalette(palette)


def painted_contrast(widget) -> float:
    """The contrast between the colour most of ``widget`` is painted in (its background)
    and the painted colour that stands out most from it (its text's)."""
    image = widget.grab().toImage()
    colours = Counter(image.pixel(x, y) for x in range(image.width())
                      for y in range(image.height()))
    background = QColor.fromRgb(colours.most_common(1)[0][0])
    return max(contrast_ratio(QColor.fromRgb(rgb), background) for rgb in colours)


def test_a_dark_scheme_gives_a_dark_palette_and_a_light_one_puts_it_back(qapp, scheme):
    scheme(Qt.ColorScheme.Dark)
    assert is_dark()
    assert qapp.style().name().lower() == "fusion"

    scheme(Qt.ColorScheme.Light)
    assert not is_dark()


@pytest.mark.parametrize("tone", sorted(TONES))
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_each_tone_reads_on_its_palette(qapp, tone, dark):
    palette = dark_palette() if dark else qapp.style().standardPalette()
    colour = tone_colour(tone, palette)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base,
                 QPalette.ColorRole.AlternateBase):
        assert contrast_ratio(colour, palette.color(role)) >= TEXT_CONTRAST, (tone, role)


@pytest.mark.parametrize("pair", [*PRIORITY_COLOURS.items(), *CLOCK_COLOURS.items(),
                                  *NOTES.items()], ids=str)
def test_colours_that_bring_their_own_background_read_on_it(pair):
    _, (background, text) = pair
    assert contrast_ratio(QColor(text), QColor(background)) >= TEXT_CONTRAST


def test_the_forms_error_messages_read_in_dark_mode(qtbot, db, scheme, open_window):
    scheme(Qt.ColorScheme.Dark)
    form = open_new_form(qtbot, open_window())
    fill_valid_call(qtbot, form)
    retype(qtbot, form.caller_phone, "abc")

    click_save(qtbot, form)

    assert form.form_message.isVisible() and form.errors["caller_phone"].isVisible()
    assert painted_contrast(form.form_message) >= TEXT_CONTRAST
    assert painted_contrast(form.errors["caller_phone"]) >= TEXT_CONTRAST
    assert painted_contrast(form.draft_status if form.draft_status.text()
                            else form.priority) >= TEXT_CONTRAST  # the muted texts


def test_a_toned_label_is_coloured_again_when_the_scheme_changes(qtbot, qapp, scheme):
    scheme(Qt.ColorScheme.Light)
    label = QLabel("Not saved: the phone number has letters in it.")
    qtbot.addWidget(label)
    set_tone(label, "error", bold=True)
    label.show()
    light = painted_contrast(label)

    scheme(Qt.ColorScheme.Dark)

    assert TONES["error"][1] in label.styleSheet()
    assert "font-weight: 600" in label.styleSheet()
    assert light >= TEXT_CONTRAST and painted_contrast(label) >= TEXT_CONTRAST


def test_the_old_red_would_not_have_read_in_dark_mode(qtbot, scheme):
    """The measure can fail: the light scheme's red painted on the dark palette."""
    scheme(Qt.ColorScheme.Dark)
    label = QLabel("Not saved")
    qtbot.addWidget(label)
    label.setStyleSheet(f"color: {TONES['error'][0]};")
    label.show()

    assert painted_contrast(label) < TEXT_CONTRAST


def test_the_banners_links_read_on_it_in_dark_mode(qtbot, db, scheme, open_window):
    scheme(Qt.ColorScheme.Dark)
    banner = open_window().banner
    banner.setText(note_html("banner", 'Two about to breach. <a href="at-risk">Show them</a>'))
    banner.show()

    background = QColor(NOTES["banner"][0])
    # and as painted: the note's background, not the window's, and no pale link on it
    image = banner.grab().toImage()
    painted = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    assert background.rgb() in painted
    assert dark_palette().color(QPalette.ColorRole.Link).rgb() not in painted
    assert painted_contrast(banner) >= TEXT_CONTRAST
