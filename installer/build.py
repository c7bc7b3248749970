"""Build Incident Desk: the one-folder bundle with PyInstaller, then on Windows the installer.

    uv run python installer/build.py [--skip-installer] [--no-sync] [--clean]

Steps, each said as it runs:

1. ``uv sync --locked --group bundle``: the project's environment with PyInstaller (skipped with
   ``--no-sync``, e.g. when the environment was just synced);
2. ``build/generated/IncidentDesk.ico`` drawn from ``app/resources/icon.svg`` by Qt at 16,
   24, 32, 48, 64 and 256 pixels (each size drawn, not scaled down) and packed by Pillow,
   and the Windows version information of both programs from ``app.__version__``;
3. PyInstaller with ``installer/incident_desk.spec``: ``dist/IncidentDesk/`` (its work files
   in ``build/pyinstaller/``);
4. on Windows, unless ``--skip-installer``: Inno Setup's ``iscc`` compiles
   ``installer/incident_desk.iss`` into ``dist/installer/IncidentDesk-<version>-setup.exe``.
   Elsewhere this step is skipped (Inno Setup runs on Windows only).

Exit code 0 when every step run succeeded, 1 otherwise, with the failing step named.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "incident_desk.spec"
ISS = ROOT / "installer" / "incident_desk.iss"
ICON_SVG = ROOT / "app" / "resources" / "icon.svg"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
GENERATED = BUILD / "generated"  # read by the spec (INCIDENT_DESK_GENERATED overrides)
BUNDLE = DIST / "IncidentDesk"
INSTALLER_OUT = DIST / "installer"
ICON_NAME = "IncidentDesk.ico"
ICON_SIZES = (16, 24, 32, 48, 64, 256)
# (version file, program file name, description), as the spec names them
PROGRAMS = (("version-windowed.txt", "IncidentDesk.exe", "Incident Desk"),
            ("version-console.txt", "incident-desk.exe", "Incident Desk (command line)"))
PUBLISHER = "Incident Desk"
LANGUAGE_ID = 0x0809  # English (United Kingdom)
CODEPAGE = 1200  # Unicode
REEXEC_VARIABLE = "INCIDENT_DESK_BUILD_REEXEC"  # set when build.py runs itself under uv


class BuildError(Exception):
    """A step failed; the message says which and why."""


def app_version() -> str:
    """``__version__`` from ``app/__init__.py``, read as text (no import of the app)."""
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise BuildError("app/__init__.py has no __version__ = \"...\" line.")
    return found.group(1)


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """Windows' four numbers for ``version``: "1.2.3" and "1.2.3rc1" give (1, 2, 3, 0)."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    if not numbers:
        raise BuildError(f"The version {version!r} has no numbers.")
    return (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[return-value]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would make it, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def version_file_text(version: str, file_name: str, description: str) -> str:
    """PyInstaller's version file (a ``VSVersionInfo`` expression) for one program."""
    numbers = version_numbers(version)
    strings = [("CompanyName", PUBLISHER), ("FileDescription", description),
               ("FileVersion", version), ("InternalName", Path(file_name).stem),
               ("LegalCopyright", f"Copyright (C) {PUBLISHER}"),
               ("OriginalFilename", file_name), ("ProductName", "Incident Desk"),
               ("ProductVersion", version)]
    table = ",\n".join(f"          StringStruct({key!r}, {value!r})" for key, value in strings)
    return f"""# UTF-8
# Written by installer/build.py from app.__version__; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '{LANGUAGE_ID:04X}{CODEPAGE:04X}',
        [
{table}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [{LANGUAGE_ID:#06x}, {CODEPAGE}])])
  ]
)
"""


def write_version_files(version: str, folder: Path = GENERATED) -> list[Path]:
    """The version information of both programs, for the spec; returns the files."""
    written = []
    for name, file_name, description in PROGRAMS:
        path = folder / name
        _write_atomically(path, version_file_text(version, file_name, description)
                          .encode("utf-8"))
        written.append(path)
    return written


def render_icon_images(svg: bytes, sizes: tuple[int, ...] = ICON_SIZES) -> list:
    """``svg`` drawn by Qt at each size (square, transparent around), as Pillow images."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen is needed
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # alive while drawing
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise BuildError(f"{ICON_SVG.relative_to(ROOT)} is not an SVG image Qt can draw.")
    images = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        picture = Image.open(io.BytesIO(bytes(buffer.data())))
        picture.load()
        images.append(picture.convert("RGBA"))
    return images


def write_icon(svg_path: Path = ICON_SVG, ico_path: Path = GENERATED / ICON_NAME,
               sizes: tuple[int, ...] = ICON_SIZES) -> Path:
    """The Windows icon (one image drawn per size) from the SVG; returns ``ico_path``."""
    try:
        svg = svg_path.read_bytes()
    except OSError as exc:
        raise BuildError(f"Cannot read the icon {svg_path}: {exc.strerror or exc}.") from exc
    images = sorted(render_icon_images(svg, sizes), key=lambda image: image.width)
    out = io.BytesIO()
    # the largest is the base; the others replace its scaled-down copies, size for size
    images[-1].save(out, format="ICO", sizes=[(s, s) for s in sizes],
                    append_images=images[:-1])
    _write_atomically(ico_path, out.getvalue())
    return ico_path


def uv_command() -> list[str]:
    """How to run uv here: ``uv`` on the PATH, else ``python -m uv`` with this Python or
    the system's ``python3`` (as ``./dev`` installs it where there is no uv)."""
    found = shutil.which("uv")
    if found:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    return [shutil.which("python3") or "python3", "-m", "uv"]


def _run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    print(f"  $ {' '.join(str(part) for part in command)}", flush=True)
    try:
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    except OSError as exc:
        raise BuildError(f"{what}: cannot run {command[0]} ({exc.strerror or exc}).") from exc
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit code {result.returncode}); see above.")


def sync_bundle_group() -> None:
    """The locked dependencies with the bundle group (PyInstaller) added."""
    _run([*uv_command(), "sync", "--locked", "--group", "bundle"],
         "uv sync --locked --group bundle")


def check_system_tools() -> None:
    """What PyInstaller needs from the system besides Python: objdump on Linux."""
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        raise BuildError("PyInstaller needs objdump on Linux: install binutils "
                         "(sudo apt-get install -y binutils).")


def run_pyinstaller(clean: bool = False) -> Path:
    """PyInstaller with the spec into ``dist/`` (replacing the bundle there); returns the
    bundle's folder. ``clean`` empties PyInstaller's caches first (slower by about half)."""
    env = {**os.environ, "INCIDENT_DESK_GENERATED": str(GENERATED)}
    _run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
          *(["--clean"] if clean else []),
          "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller")],
         "PyInstaller", env)
    if not BUNDLE.is_dir():
        raise BuildError(f"PyInstaller finished but {BUNDLE} is not there.")
    return BUNDLE


def find_iscc() -> Path | None:
    """Inno Setup's compiler: on the PATH, or where its installer puts it."""
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return Path(found)
    roots = [os.environ.get(name) for name in ("ProgramFiles(x86)", "ProgramFiles")]
    local = os.environ.get("LOCALAPPDATA")
    candidates = [Path(root) / "Inno Setup 6" / "ISCC.exe" for root in roots if root]
    if local:
        candidates.append(Path(local) / "Programs" / "Inno Setup 6" / "ISCC.exe")
    return next((path for path in candidates if path.is_file()), None)


def build_installer(version: str) -> Path:
    """Compile the Inno Setup script over the bundle; returns the installer."""
    iscc = find_iscc()
    if iscc is None:
        raise BuildError("Inno Setup 6 is not installed (no iscc on the PATH or in Program "
                         "Files): install it (choco install innosetup) or pass "
                         "--skip-installer.")
    numeric = ".".join(str(n) for n in version_numbers(version))
    _run([str(iscc), f"/DAppVersion={version}", f"/DNumericVersion={numeric}",
          f"/DSourceDir={BUNDLE}",
          f"/DIconFile={GENERATED / ICON_NAME}", f"/DOutputDir={INSTALLER_OUT}",
          str(ISS)], "Inno Setup")
    setup = INSTALLER_OUT / f"IncidentDesk-{version}-setup.exe"
    if not setup.is_file():
        raise BuildError(f"Inno Setup finished but {setup} is not there.")
    return setup


def folder_size(folder: Path) -> int:
    """Bytes in the files under ``folder``, links not counted twice."""
    return sum(p.lstat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink())


def _has_build_tools() -> bool:
    """Whether this Python has what the build imports (the project's environment)."""
    try:
        import PIL  # noqa: F401
        import PyInstaller  # noqa: F401
        import PySide6  # noqa: F401
    except ImportError:
        return False
    return True


def _rerun_in_project_environment(argv: list[str]) -> int:
    """Run this script again under ``uv run`` (a plain ``python`` has no PySide6)."""
    print("  (not the project's environment: running again with uv run)", flush=True)
    env = {**os.environ, REEXEC_VARIABLE: "1"}
    command = [*uv_command(), "run", "--no-sync", "python", str(Path(__file__).resolve()),
               "--no-sync", *argv]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="installer/build.py", description="Build the one-folder bundle of Incident "
        "Desk with PyInstaller and, on Windows, its installer with Inno Setup.")
    parser.add_argument("--skip-installer", action="store_true",
                        help="stop after the bundle (no Inno Setup)")
    parser.add_argument("--no-sync", action="store_true",
                        help="do not run 'uv sync --group bundle' first")
    parser.add_argument("--clean", action="store_true",
                        help="empty PyInstaller's caches first")
    args = parser.parse_args(argv)
    forwarded = [flag for flag, given in (("--skip-installer", args.skip_installer),
                                          ("--clean", args.clean)) if given]
    started = time.monotonic()

    def step(name: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {name}", flush=True)

    try:
        version = app_version()
        if not args.no_sync:
            step("Syncing the bundle dependency group")
            sync_bundle_group()
        if not _has_build_tools():
            if os.environ.get(REEXEC_VARIABLE):
                raise BuildError("PySide6, Pillow or PyInstaller cannot be imported even "
                                 "under uv run: run 'uv sync --group bundle'.")
            return _rerun_in_project_environment(forwarded)
        step(f"Writing the icon and version information for {version}")
        write_icon()
        write_version_files(version)
        step("Building the one-folder bundle with PyInstaller")
        check_system_tools()
        bundle = run_pyinstaller(args.clean)
        step(f"Bundle: {bundle} ({folder_size(bundle) / 1e6:.0f} MB)")
        if args.skip_installer:
            step("Installer skipped (--skip-installer)")
        elif sys.platform != "win32":
            step("Installer skipped: Inno Setup runs on Windows only")
        else:
            step("Compiling the installer with Inno Setup")
            step(f"Installer: {build_installer(version)}")
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 1
    step("Done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
