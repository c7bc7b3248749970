"""The benchmark of Incident Desk at 10,000, 100,000 or 1,000,000 incidents (issue 9).

    python bench/run.py --size 1000000 --json bench/results.json

Prints a table of medians, floors, ratios and targets, and writes them as JSON. It is
not a test: a missed target is reported, never an exit code (errors are)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.databases import SIZES, BenchDatabase, default_data_dir, prepare  # noqa: E402
from bench.metrics import (  # noqa: E402
    IN_PROCESS,
    SEARCH_TEXT,
    STALL_TARGET,
    TARGETS,
    Context,
    Result,
)
from bench.timing import Timing  # noqa: E402

CHILD_METRICS = ("cold_start", "memory", "stalls")
METRICS = (*IN_PROCESS, *CHILD_METRICS)
CHILD_TIMEOUT = 1800  # seconds: scrolling a million rows end to end takes minutes
STALL_RUNS = 3  # windows watched (a minute and a half at a million incidents)


def _child_env(home: Path) -> dict[str, str]:
    """The children's settings, drafts and temporary files kept apart from the user's.

    Their bytecode is cached (under ``home``, not in the tree), as an installed application
    has it, even where PYTHONDONTWRITEBYTECODE is set: otherwise every start, and the first
    use of a package (holidays compiles 280 modules), would time Python compiling source."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               TMPDIR=str(home), PYTHONPYCACHEPREFIX=str(home / "pycache"))
    env.pop("INCIDENT_DESK_STARTUP_PROBE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _started_ms(command: list[str], env: dict[str, str]) -> float:
    """Milliseconds from launching ``command`` to its startup probe's report."""
    from app.views.startup_probe import PROBE_PREFIX, PROBE_VARIABLE

    env = dict(env, **{PROBE_VARIABLE: repr(time.time())})
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT)
    for line in done.stdout.splitlines():
        if line.startswith(PROBE_PREFIX):
            return float(line[len(PROBE_PREFIX):])
    raise RuntimeError(f"{' '.join(command[1:3])} never reported its start "
                       f"(exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def cold_start(bench_db: BenchDatabase, repeat: int, home: Path) -> Result:
    """``python main.py`` until the log's first rows are painted, against a bare
    QMainWindow started the same way. The first start of a day also takes the day's
    automatic backup: the warm-up's time says how long that keeps the window away."""
    env = _child_env(home)
    app = [sys.executable, str(ROOT / "main.py"), "--db", str(bench_db.db_path)]
    bare = [sys.executable, str(ROOT / "bench" / "children.py"), "floor-window"]
    first = _started_ms(app, env)
    timing = Timing([_started_ms(app, env) for _ in range(repeat)])
    _started_ms(bare, env)
    floor = Timing([_started_ms(bare, env) for _ in range(repeat)])
    return Result("cold_start", TARGETS["cold_start"], timing.median, floor.median,
                  timing.runs, floor.runs,
                  note=f"first start (with the day's backup): {first / 1000:.1f} s")


def _child_json(args: list[str], home: Path) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "children.py"), *args],
                          env=_child_env(home), cwd=ROOT, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"children.py {args[0]} failed (exit {done.returncode}): "
                           f"{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(bench_db: BenchDatabase, home: Path) -> Result:
    found = _child_json(["memory", str(bench_db.db_path)], home)
    return Result("memory", TARGETS["memory"], found["peak_mb"], runs=[found["peak_mb"]],
                  unit="MB", note=f"{found['rows']:,} rows scrolled in "
                                  f"{found['seconds']:.0f} s")


def stalls(bench_db: BenchDatabase, repeat: int, home: Path) -> list[Result]:
    """Each stall as the median of up to STALL_RUNS windows, each a process of its own
    (one window's stalls moved by up to 2x between runs)."""
    runs = [_child_json(["stalls", str(bench_db.db_path), SEARCH_TEXT,
                         str(bench_db.detail_incident), bench_db.period_start,
                         bench_db.period_end, bench_db.latest_day], home)
            for _ in range(min(repeat, STALL_RUNS))]
    results = []
    for name in runs[0]:
        if name.endswith("_seconds"):
            continue
        values = [found[name] for found in runs]
        seconds = [found[f"{name}_seconds"] for found in runs if f"{name}_seconds" in found]
        results.append(Result(name, STALL_TARGET, statistics.median(values), runs=values,
                              note=_stall_note(statistics.median(seconds) if seconds
                                               else None)))
    return results


def _stall_note(seconds: float | None) -> str:
    if seconds is None:
        return "longest event-loop gap"
    return f"longest event-loop gap over the {seconds:.2f} s the work took"


def run(size: int, data_dir: Path, repeat: int, only: list[str], rebuild: bool
        ) -> tuple[BenchDatabase, list[Result]]:
    from PySide6.QtWidgets import QApplication

    from app.models.db import close_database, open_database
    from bench.metrics import workdir

    bench_db = prepare(size, data_dir, rebuild)
    results: list[Result] = []
    app = QApplication.instance() or QApplication([])  # noqa: F841 (the Qt models need it)
    with workdir() as folder, tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        open_database(bench_db.db_path)
        try:
            for name, measure in IN_PROCESS.items():
                if name in only:
                    results.append(_safely(name, lambda m=measure: m(
                        Context(bench_db, repeat, Path(folder)))))
        finally:
            close_database()
        if set(only) & set(CHILD_METRICS):
            _compile(Path(home))
        if "cold_start" in only:
            results.append(_safely("cold_start", lambda: cold_start(bench_db, repeat,
                                                                    Path(home))))
            _remove_backups(bench_db)
        if "memory" in only:
            results.append(_safely("memory", lambda: memory(bench_db, Path(home))))
        if "stalls" in only:
            try:
                results += stalls(bench_db, repeat, Path(home))
            except Exception as exc:
                results.append(Result("stalls", STALL_TARGET, error=_error(exc)))
    return bench_db, results


def _compile(home: Path) -> None:
    """Compile the application and its packages into the children's bytecode cache, as
    installing them does (pip, the bundle), so that no child times Python compiling."""
    import sysconfig

    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(ROOT / "app"),
                    sysconfig.get_paths()["purelib"]], env=_child_env(home), cwd=ROOT,
                   capture_output=True, timeout=CHILD_TIMEOUT)


def _remove_backups(bench_db: BenchDatabase) -> None:
    """The cold start's automatic backup: gigabytes at a million incidents, not kept."""
    from app.models.backup import automatic_backups

    for _, path in automatic_backups(bench_db.db_path):
        path.unlink(missing_ok=True)


def _error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(exc)).strip()


def _safely(name: str, measure) -> Result:
    print(f"  {name}…", file=sys.stderr, flush=True)
    try:
        return measure()
    except Exception as exc:
        traceback.print_exc()
        return Result(name, TARGETS.get(name, STALL_TARGET), error=_error(exc))


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"
    return f"{text} {unit}".strip()


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = ["| metric | median | floor | ratio | target | result |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    for r in results:
        verdict = ("error: " + r.error if r.error else
                   {True: "pass", False: "**miss**", None: "—"}[r.passed])
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        lines.append(f"| {r.name} | {_number(r.median, r.unit)} | {_number(r.floor, 'ms')} "
                     f"| {ratio} | {r.target.text()} | {verdict} |")
    return "\n".join(lines)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    import sqlite3

    from PySide6 import __version__ as pyside

    return {"cpu": cpu, "cores": os.cpu_count(), "load_average": os.getloadavg(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "pyside6": pyside, "platform": platform.platform()}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, choices=SIZES, default=SIZES[0],
                        help="incidents in the database (default %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results here")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(),
                        help="where the databases are kept and reused (default %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="make the database afresh")
    parser.add_argument("--merge", action="store_true",
                        help="with --json: replace only the metrics measured in that file, "
                             "keeping the others")
    parser.add_argument("--repeat", type=int, default=7, metavar="N",
                        help="timed runs per metric, after a warm-up (default %(default)s)")
    parser.add_argument("--only", type=lambda text: [m.strip() for m in text.split(",")],
                        default=list(METRICS), metavar="METRIC[,METRIC]",
                        help=f"measure only these, of: {', '.join(METRICS)}")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(METRICS))
    if unknown:
        parser.error(f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRICS)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def merged(earlier: dict, report: dict) -> dict:
    """``earlier`` results with the metrics measured in ``report`` put in their place, each
    marked with when it was measured and the load then; the others are kept as they were.

    Raises:
        ValueError: the two are of different sizes.
    """
    if earlier.get("size") != report["size"]:
        raise ValueError(f"cannot merge results at {report['size']:,} incidents into "
                         f"results at {earlier.get('size')} incidents")
    out = dict(earlier, metrics=dict(earlier.get("metrics", {})))
    for name, metric in report["metrics"].items():
        out["metrics"][name] = dict(metric, when=report["when"],
                                    load_average=report["machine"]["load_average"])
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    bench_db, results = run(args.size, args.data_dir, args.repeat, args.only, args.rebuild)
    print(f"\nIncident Desk benchmark: {args.size:,} incidents, median of {args.repeat} "
          f"runs\n")
    print(table(results))
    errors = [r for r in results if r.error]
    report = {"size": args.size, "repeat": args.repeat,
              "when": datetime.now(UTC).isoformat(timespec="seconds"),
              "seconds": round(time.perf_counter() - started, 1), "machine": machine(),
              "database": {"path": str(bench_db.db_path), "period": [bench_db.period_start,
                                                                     bench_db.period_end]},
              "metrics": {r.name: r.as_json() for r in results}}
    if args.json:
        if args.merge and args.json.is_file():
            report = merged(json.loads(args.json.read_text()), report)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        part = args.json.with_name(f".{args.json.name}.part")
        part.write_text(json.dumps(report, indent=2) + "\n")
        part.replace(args.json)
        print(f"\nWrote {args.json}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
