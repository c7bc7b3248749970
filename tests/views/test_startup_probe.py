"""What waits for the window's first paint (issue 9): called once, after that paint."""

import pytest
from PySide6.QtWidgets import QLabel

from app.views.startup_probe import after_first_paint

pytestmark = pytest.mark.gui


def test_called_once_after_the_first_paint_and_not_before(qtbot):
    label = QLabel("log")
    qtbot.addWidget(label)
    calls = []
    after_first_paint(label, lambda: calls.append(label.isVisible()))
    qtbot.wait(50)
    assert calls == []  # not shown: not painted
    label.show()
    qtbot.waitUntil(lambda: calls == [True])
    label.repaint()
    qtbot.wait(50)
    assert calls == [True]


def test_waits_until_ready(qtbot):
    label = QLabel("log")
    qtbot.addWidget(label)
    ready, calls = [], []
    after_first_paint(label, lambda: calls.append(1), ready=lambda: bool(ready))
    label.show()
    qtbot.waitExposed(label)
    qtbot.wait(50)
    assert calls == []  # painted, but the log not filled yet
    ready.append(True)
    label.update()
    qtbot.waitUntil(lambda: calls == [1])
