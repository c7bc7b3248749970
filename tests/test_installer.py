"""The Windows build's parts that can run here: the icon drawn from the SVG, the version
information PyInstaller reads, the installer's idea of where the user's data lives, and the
bundle check's own verdicts. (The bundle itself: ``scripts/bundle_check.py``.)"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path

import platformdirs
import pytest
from PIL import Image

from app import APP_NAME, ORGANISATION, __version__
from app.models.db import default_database_path

ROOT = Path(__file__).resolve().parent.parent


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build = _load("installer/build.py", "incident_desk_build")
bundle_check = _load("scripts/bundle_check.py", "incident_desk_bundle_check")


def test_the_icon_holds_each_size_drawn_from_the_svg(qapp, tmp_path):
    ico = build.write_icon(ico_path=tmp_path / "out" / "IncidentDesk.ico")
    assert [p.name for p in ico.parent.iterdir()] == ["IncidentDesk.ico"]  # no part left
    with Image.open(ico) as icon:
        assert icon.format == "ICO"
        assert icon.info["sizes"] == {(s, s) for s in build.ICON_SIZES}
        for size in build.ICON_SIZES:
            frame = icon.ico.getimage((size, size)).convert("RGBA")
            assert frame.size == (size, size)
            assert frame.getpixel((0, 0))[3] == 0  # the rounded corner is transparent
            # the navy square behind the white lines (#1e3a5f), drawn at this size
            red, green, blue, alpha = frame.getpixel((size // 8 + 1, size // 2))
            assert alpha == 255
            assert (red, green, blue) == pytest.approx((0x1E, 0x3A, 0x5F), abs=24)
        big = icon.ico.getimage((256, 256)).convert("RGB")
        assert big.getpixel((200, 180)) == pytest.approx((0xEF, 0x6C, 0x00), abs=8)  # the dot


def test_an_icon_that_is_not_an_svg_is_refused_by_name(qapp, tmp_path):
    bad = tmp_path / "icon.svg"
    bad.write_text("not an image")
    with pytest.raises(build.BuildError, match=r"icon\.svg is not an SVG image"):
        build.write_icon(bad, tmp_path / "IncidentDesk.ico")
    with pytest.raises(build.BuildError, match=r"Cannot read the icon .*gone\.svg"):
        build.write_icon(tmp_path / "gone.svg", tmp_path / "IncidentDesk.ico")
    assert [p.name for p in tmp_path.iterdir()] == ["icon.svg"]


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)), ("2", (2, 0, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)),
    ("1.10.0+local.5", (1, 10, 0, 0)),
])
def test_windows_version_numbers(version, numbers):
    assert build.version_numbers(version) == numbers


def test_a_version_without_numbers_is_refused():
    with pytest.raises(build.BuildError, match="'dev' has no numbers"):
        build.version_numbers("dev")


def test_the_version_files_are_what_pyinstaller_reads(tmp_path, monkeypatch):
    compat = pytest.importorskip("PyInstaller.compat",
                                 reason="PyInstaller is in the bundle group only")
    # PyInstaller's reader imports pefile and win32api, which only its Windows install
    # has; reading and serialising the structure uses neither
    monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    from PyInstaller.utils.win32 import versioninfo

    written = build.write_version_files(__version__, tmp_path)
    assert [p.name for p in written] == ["version-windowed.txt", "version-console.txt"]
    for path, (_, file_name, description) in zip(written, build.PROGRAMS, strict=True):
        info = versioninfo.load_version_info_from_text_file(str(path))
        assert info.toRaw()  # serialises as the resource written into the .exe
        strings = {s.name: s.val for s in info.kids[0].kids[0].kids}
        assert strings["FileVersion"] == strings["ProductVersion"] == __version__
        assert strings["OriginalFilename"] == file_name
        assert strings["FileDescription"] == description
        assert strings["ProductName"] == "Incident Desk"
        numbers = build.version_numbers(__version__)
        assert info.ffi.fileVersionMS == numbers[0] << 16 | numbers[1]
        assert info.ffi.fileVersionLS == numbers[2] << 16 | numbers[3]


def test_the_installer_deletes_the_folder_the_application_keeps_its_data_in(monkeypatch):
    """The uninstaller's data folder is platformdirs' Windows user data folder for the
    arguments the application passes (checked here on Linux) under any LOCALAPPDATA."""
    iss = (ROOT / "installer" / "incident_desk.iss").read_text(encoding="utf-8")
    defined = dict(re.findall(r'^#define (\w+) "([^"]*)"', iss, re.MULTILINE))
    assert default_database_path().parent == platformdirs.user_data_path(
        APP_NAME, ORGANISATION, roaming=False)
    local = "C:\\Users\\sam\\AppData\\Local"
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)  # platformdirs' own override
    from platformdirs.windows import Windows

    windows = Windows(appname=APP_NAME, appauthor=ORGANISATION, roaming=False)
    expected = windows.user_data_dir.replace("/", "\\")
    assert defined["DataFolder"].replace("{localappdata}", local) == expected
    # QSettings(organisation, application) in the registry, as Qt names the key
    assert defined["SettingsKey"] == f"Software\\{ORGANISATION}\\{APP_NAME}"


def test_the_installer_is_per_user_and_keeps_the_data_unless_asked():
    iss = (ROOT / "installer" / "incident_desk.iss").read_text(encoding="utf-8")
    setup = dict(re.findall(r"^(\w+)=(.*)$", iss, re.MULTILINE))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == "{autopf}\\{#AppName}"
    assert "MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES" in iss  # No unless the user says Yes
    assert "not UninstallSilent" in iss


def test_the_bundle_check_lists_every_file_the_application_reads(tmp_path):
    sources = {p.as_posix() for p in bundle_check.bundled_sources()}
    assert {"app/resources/icon.svg", "app/resources/fonts/DejaVuSans.ttf",
            "app/resources/fonts/LICENSE-DejaVu.txt",
            "app/models/migrations/0001_initial.py"} <= sources
    assert not any(s.endswith((".py", ".pyc")) for s in sources if "resources" in s)


def test_the_bundle_check_names_what_a_bundle_lacks(tmp_path):
    with pytest.raises(bundle_check.StepFailedError) as caught:
        bundle_check.check_contents(tmp_path)
    message = str(caught.value)
    assert "app/resources/fonts/DejaVuSans.ttf" in message
    assert "Qt plugin platforms/qoffscreen" in message and "incident-desk" in message


def test_the_bundle_check_ignores_only_the_offscreen_platforms_remark():
    stderr = ("This plugin does not support propagateSizeHints()\n\n"
              "Incident Desk is incomplete: app/resources/icon.svg is missing.\n")
    assert bundle_check.unexpected(stderr) == [
        "Incident Desk is incomplete: app/resources/icon.svg is missing."]
