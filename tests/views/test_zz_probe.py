import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from app.views.application import make_window
from app.views.dialogs import Dialogs

pytestmark = pytest.mark.gui

def test_probe(qtbot, db, db_path, tmp_path):
    w = make_window(db_path, dialogs=Dialogs(), settings=QSettings(str(tmp_path/'s.ini'), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    with qtbot.waitActive(w):
        pass
    print("active", QApplication.activeWindow())
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    print("form", w.form, w.form and w.form.isVisible())
    f = w.form
    qtbot.waitUntil(lambda: QApplication.activeWindow() is f, timeout=2000)
    print("focus", QApplication.focusWidget())
    chain = []
    for _ in range(10):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        chain.append(QApplication.focusWidget().objectName())
    print(chain)
    w.form.caller_name.setText("")
    f.reject()
