"""Prove the one-folder bundle is whole: build it with the installer's PyInstaller spec, then
run the built programs, away from the source tree and its environment, as a user would.

    uv run python scripts/bundle_check.py [--no-build | --bundle DIR] [--keep]

Steps, each printed with its time and PASS or FAIL, then the bundle's size and a verdict:

1. build: ``installer/build.py --skip-installer`` (the same spec as the Windows build);
   with ``--no-build``, the bundle already in ``dist/IncidentDesk`` must be newer than every
   file it is built from;
2. contents: every file of ``app/resources`` and every migration script is in the bundle,
   with the Qt plugins the application needs (platforms, SVG and ICO images, printing) and
   the metadata of the packages the About box lists with their versions;
3. ``incident-desk --version`` prints ``Incident Desk <app.__version__>``;
4. ``incident-desk demo-data --count 200`` fills a new database in a temporary folder;
5. ``incident-desk export-pdf`` writes one incident's report, read back with pdftotext
   (pypdf where poppler is not installed, as on Windows);
6. the window, offscreen, on that database: still running after 3 s (or, sooner, painted
   its first rows and quit, through the application's startup probe); either way it must
   have taken the day's backup (which it does once the window is up) and written nothing
   unexpected on stderr.

The programs run in a temporary folder with ``PYTHON*`` variables removed and their own
settings, data and temporary folders, so a file missing from the bundle cannot be found in
the source tree or the development environment instead. Exit code 0 only if every step
passed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "IncidentDesk"
BUILD_SCRIPT = ROOT / "installer" / "build.py"
SPEC = ROOT / "installer" / "incident_desk.spec"
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
CONSOLE = f"incident-desk{EXE}"
WINDOWED = f"IncidentDesk{EXE}"
COMMAND_TIMEOUT = 120  # seconds for one command of the bundle
WINDOW_SECONDS = 3.0  # how long the window must keep running, unless its probe ends it
DEMO_COUNT = 200
# from app/views/startup_probe.py (not imported: the check runs the bundle, not the tree)
PROBE_VARIABLE = "INCIDENT_DESK_STARTUP_PROBE"
PROBE_PREFIX = "startup_ms="
# what Qt's offscreen platform says of every top-level window: not a fault of ours
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)
# Qt plugins the application loads: (folder, file name without prefix or suffix)
QT_PLUGINS = (("platforms", "qoffscreen"), ("platforms", "qwindows" if WINDOWS else "qxcb"),
              ("imageformats", "qsvg"), ("imageformats", "qico"), ("iconengines", "qsvgicon"),
              ("printsupport", "windowsprintersupport" if WINDOWS else "cupsprintersupport"))
QT_LIBRARIES = ("Pdf", "PdfWidgets", "Charts", "Svg", "PrintSupport")


@dataclass
class Outcome:
    name: str
    passed: bool
    seconds: float
    detail: str


class Check:
    """The steps run so far, printed as they finish."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def run(self, name: str, step) -> bool:
        print(f"--- {name}", flush=True)
        started = time.monotonic()
        try:
            detail = step()
            passed = True
        except StepFailedError as exc:
            detail, passed = str(exc), False
        outcome = Outcome(name, passed, time.monotonic() - started, detail)
        self.outcomes.append(outcome)
        print(f"{'PASS' if passed else 'FAIL'} {name} ({outcome.seconds:.1f} s): {detail}",
              flush=True)
        return passed

    @property
    def passed(self) -> bool:
        return bool(self.outcomes) and all(o.passed for o in self.outcomes)


class StepFailedError(Exception):
    """A step did not do what it must; the message says what happened instead."""


def app_version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise StepFailedError("app/__init__.py has no __version__.")
    return found.group(1)


def bundled_sources() -> list[Path]:
    """The files of the source tree the bundle must carry as files, relative to ROOT."""
    resources = [p for p in (ROOT / "app" / "resources").rglob("*")
                 if p.is_file() and p.suffix not in {".py", ".pyc", ".ts"}
                 and "__pycache__" not in p.parts]
    migrations = list((ROOT / "app" / "models" / "migrations").glob("[0-9]*.py"))
    return sorted(p.relative_to(ROOT) for p in resources + migrations)


def build_inputs() -> list[Path]:
    """What the bundle is built from: a newer one means the bundle is stale."""
    sources = [p for p in (ROOT / "app").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts]
    return [*sources, ROOT / "main.py", SPEC, ROOT / "uv.lock"]


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under ``folder``, links not counted twice."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.lstat().st_size for p in files), len(files)


def isolated_env(home: Path) -> dict[str, str]:
    """The environment the bundle runs in: offscreen, its own folders, no Python paths."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PYTHON") and key not in {"VIRTUAL_ENV", PROBE_VARIABLE}}
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_RUNTIME_DIR=str(runtime), TMPDIR=str(home), TEMP=str(home),
               TMP=str(home))
    if WINDOWS:
        env.update(LOCALAPPDATA=str(home / "local"), APPDATA=str(home / "roaming"))
    return env


def unexpected(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if line.strip() and not any(h in line for h in HARMLESS_STDERR)]


class BundleRun:
    """Runs the bundle's programs in a temporary folder of their own."""

    def __init__(self, bundle: Path, home: Path) -> None:
        self.bundle = bundle
        self.home = home
        self.env = isolated_env(home)
        self.database = home / "demo.sqlite"
        self.reference = ""

    def command(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bundle / CONSOLE), *args]
        print(f"  $ {' '.join(command)}", flush=True)
        try:
            done = subprocess.run(command, cwd=self.home, env=self.env, capture_output=True,
                                  text=True, errors="replace", timeout=COMMAND_TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise StepFailedError(f"no answer after {COMMAND_TIMEOUT} s") from exc
        except OSError as exc:
            raise StepFailedError(f"cannot run {command[0]}: {exc.strerror or exc}") from exc
        problems = unexpected(done.stderr)
        if done.returncode != 0 or problems:
            raise StepFailedError(f"exit code {done.returncode}; stderr: "
                             + ("\n".join(problems)[-3000:] or "(empty)"))
        return done

    def version(self) -> str:
        expected = f"Incident Desk {app_version()}"
        printed = self.command("--version").stdout.strip()
        if printed != expected:
            raise StepFailedError(f"printed {printed!r}, not {expected!r}")
        return printed

    def demo_data(self) -> str:
        done = self.command("demo-data", "--db", str(self.database),
                            "--count", str(DEMO_COUNT), "--seed", "7")
        if f"Added {DEMO_COUNT} incidents" not in done.stdout:
            raise StepFailedError(f"said {done.stdout.strip()!r}")
        conn = sqlite3.connect(f"{self.database.as_uri()}?mode=ro", uri=True)
        try:
            count = conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0]
            self.reference = conn.execute(
                "SELECT reference FROM incident ORDER BY id LIMIT 1").fetchone()[0]
        finally:
            conn.close()
        if count != DEMO_COUNT:
            raise StepFailedError(f"the database holds {count} incidents, not {DEMO_COUNT}")
        return done.stdout.strip()

    def export_pdf(self) -> str:
        if not self.reference:
            raise StepFailedError("no incident to export (demo-data failed)")
        pdf = self.home / f"{self.reference}.pdf"
        self.command("--db", str(self.database), "export-pdf", "--incident", self.reference,
                     "--out", str(pdf))
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            raise StepFailedError(f"{pdf.name} was not written as a PDF")
        text, reader = pdf_text(pdf)
        wanted = [f"Incident report {self.reference}", "Page 1 of"]
        missing = [w for w in wanted if w.lower() not in text.lower()]
        if missing:
            raise StepFailedError(f"the PDF's text ({reader}) lacks {missing}: {text[:300]!r}")
        return f"{pdf.name}, {pdf.stat().st_size:,} bytes, read back with {reader}"

    def window(self) -> str:
        if not self.database.is_file():
            raise StepFailedError("no database to open (demo-data failed)")
        # Windows gives a windowed program no stderr to read: the console twin runs there
        program = self.bundle / (CONSOLE if WINDOWS else WINDOWED)
        env = dict(self.env, **{PROBE_VARIABLE: repr(time.time())})
        command = [str(program), "--db", str(self.database)]
        print(f"  $ {PROBE_VARIABLE}=... {' '.join(command)}", flush=True)
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=self.home, env=env, text=True,
                                   errors="replace", stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(timeout=WINDOW_SECONDS)
            ran = time.monotonic() - started
            painted = [line for line in out.splitlines() if line.startswith(PROBE_PREFIX)]
            if process.returncode != 0 or not painted:
                raise StepFailedError(f"stopped after {ran:.1f} s with exit code "
                                 f"{process.returncode}; stderr: {err.strip()[-3000:]}")
            how = f"painted its first rows {painted[0][len(PROBE_PREFIX):]} ms after launch"
        except subprocess.TimeoutExpired:
            ran = time.monotonic() - started
            out, err = _stop(process)
            how = f"still running after {ran:.1f} s; stopped"
        problems = unexpected(err)
        if problems:
            raise StepFailedError(f"{how}, but stderr says: " + "\n".join(problems)[-3000:])
        backups = list((self.home / "backups").glob("demo-*"))
        if not backups:
            raise StepFailedError(f"{how}, but took no backup: did the main window open?")
        return f"{how}; the day's backup {backups[0].name} taken"


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    """Ask the window to stop (SIGTERM; TerminateProcess on Windows), then make it; its
    output so far."""
    process.terminate()
    try:
        return process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def pdf_text(pdf: Path) -> tuple[str, str]:
    """The PDF's text and what read it: pdftotext, else pypdf."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise StepFailedError(f"pdftotext cannot read it: {done.stderr.strip()}")
        return done.stdout, "pdftotext"
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages), "pypdf"


def build() -> str:
    command = [sys.executable, str(BUILD_SCRIPT), "--skip-installer"]
    print(f"  $ {' '.join(command)}", flush=True)
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise StepFailedError(f"installer/build.py failed with exit code {done.returncode}")
    return f"built {BUNDLE.relative_to(ROOT)}"


def check_fresh() -> str:
    program = BUNDLE / CONSOLE
    if not program.is_file():
        raise StepFailedError(f"there is no bundle at {program}: run without --no-build")
    built = program.stat().st_mtime
    newer = [p for p in build_inputs() if p.is_file() and p.stat().st_mtime > built]
    if newer:
        names = ", ".join(str(p.relative_to(ROOT)) for p in newer[:5])
        raise StepFailedError(f"the bundle is older than {names}"
                         f"{f' and {len(newer) - 5} more' if len(newer) > 5 else ''}: "
                         "run without --no-build")
    return f"reusing {BUNDLE.relative_to(ROOT)}, newer than its {len(build_inputs())} inputs"


def component_distributions() -> list[str]:
    """The packages the About box shows with their versions (app/models/components.py)."""
    sys.path.insert(0, str(ROOT))
    from app.models.components import COMPONENTS

    return [c.distribution for c in COMPONENTS if c.distribution]


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def check_present(bundle: Path) -> str:
    if not (bundle / CONSOLE).is_file():
        raise StepFailedError(f"there is no {CONSOLE} in {bundle}")
    return f"checking {bundle} as it is"


def check_contents(bundle: Path) -> str:
    internal = bundle / "_internal"
    missing = [str(p) for p in bundled_sources() if not (internal / p).is_file()]
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for folder, name in QT_PLUGINS:
        if not any(plugins.joinpath(folder).glob(f"*{name}.*")):
            missing.append(f"Qt plugin {folder}/{name}")
    for name in QT_LIBRARIES:
        if not any(internal.rglob(f"*Qt6{name}.*")) and not any(internal.rglob(f"Qt{name}.*")):
            missing.append(f"Qt library Qt6{name}")
    installed = {_normalised(p.name.split("-")[0]) for p in internal.glob("*.dist-info")}
    for distribution in component_distributions():
        if _normalised(distribution) not in installed:
            missing.append(f"{distribution}'s metadata (the About box's version)")
    for program in (CONSOLE, WINDOWED):
        if not (bundle / program).is_file():
            missing.append(program)
    if missing:
        raise StepFailedError("missing: " + ", ".join(missing))
    return (f"{len(bundled_sources())} resource and migration files, "
            f"{len(QT_PLUGINS)} Qt plugins, {len(QT_LIBRARIES)} Qt libraries, "
            f"{len(component_distributions())} packages' metadata, both programs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bundle_check.py", description=(
        "Build the one-folder bundle with installer/incident_desk.spec and prove it runs: "
        "--version, demo-data, export-pdf and the window offscreen."))
    parser.add_argument("--no-build", action="store_true",
                        help="check the bundle already in dist/ (it must be up to date)")
    parser.add_argument("--bundle", type=Path, metavar="DIR",
                        help="check the bundle in DIR instead, as it is (e.g. where the "
                             "installer put it); implies --no-build")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder the programs ran in")
    args = parser.parse_args(argv)
    started = time.monotonic()
    check = Check()
    bundle = args.bundle.absolute() if args.bundle else BUNDLE
    if args.bundle:
        ready = check.run("bundle there", lambda: check_present(bundle))
    else:
        ready = check.run("bundle up to date" if args.no_build else "build",
                          check_fresh if args.no_build else build)
    if ready:
        check.run("contents", lambda: check_contents(bundle))
        home = Path(tempfile.mkdtemp(prefix="incident-desk-bundle-check-"))
        try:
            run = BundleRun(bundle, home)
            check.run("--version", run.version)
            check.run(f"demo-data --count {DEMO_COUNT}", run.demo_data)
            check.run("export-pdf", run.export_pdf)
            check.run(f"window offscreen ({WINDOW_SECONDS:.0f} s)", run.window)
        finally:
            if args.keep:
                print(f"Kept {home}")
            else:
                shutil.rmtree(home, ignore_errors=True)
    if bundle.is_dir():
        size, files = folder_size(bundle)
        print(f"Bundle: {bundle}, {size / 1e6:.0f} MB in {files:,} files")
    verdict = "PASS" if check.passed else "FAIL"
    failed = [o.name for o in check.outcomes if not o.passed]
    print(f"{verdict} in {time.monotonic() - started:.1f} s"
          + (f" (failed: {', '.join(failed)})" if failed else ""), flush=True)
    return 0 if check.passed else 1


if __name__ == "__main__":
    sys.exit(main())
