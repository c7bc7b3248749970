"""The benchmark runs and writes its results (a smoke of bench/run.py, not a benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.metrics import Result, Target
from bench.run import parse, table

ROOT = Path(__file__).resolve().parent.parent


def test_a_result_passes_only_within_its_time_and_its_ratio():
    target = Target(ms=50, ratio=2)
    assert Result("m", target, median=40, floor=30).passed
    assert Result("m", target, median=60, floor=40).passed is False  # over 50 ms
    assert Result("m", target, median=40, floor=10).passed is False  # 4x its floor
    assert Result("m", target).passed is None  # not measured
    assert Result("memory", Target(mb=250), median=300, unit="MB").passed is False


def test_the_table_shows_median_floor_ratio_target_and_verdict():
    text = table([Result("search", Target(ms=50, ratio=2), median=120, floor=100),
                  Result("pdf", Target(ms=300), error="ValueError: no rows")])
    assert "| search | 120 ms | 100 ms | 1.20 | ≤ 50 ms, ≤ 2x floor | **miss** |" in text
    assert "error: ValueError: no rows" in text


def test_an_unknown_metric_is_refused_by_name(capsys):
    with pytest.raises(SystemExit):
        parse(["--only", "search,speed"])
    assert "unknown metric(s) speed" in capsys.readouterr().err


@pytest.mark.slow
def test_a_smoke_run_makes_its_database_and_writes_valid_json(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "10000", "--repeat", "2",
         "--only", "save_incident,log_first_page", "--data-dir", str(tmp_path / "data"),
         "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "| save_incident |" in done.stdout
    results = json.loads(out.read_text())
    assert results["size"] == 10_000
    for name in ("save_incident", "log_first_page"):
        metric = results["metrics"][name]
        assert metric["median_ms"] > 0 and metric["floor_ms"] > 0
        assert metric["ratio"] == pytest.approx(metric["median_ms"] / metric["floor_ms"],
                                                rel=0.05)  # both rounded
        assert len(metric["runs"]) == 2
    # made once, then reused
    assert (tmp_path / "data" / "incidents-10000.json").is_file()


def test_a_childs_peak_memory_is_its_own_not_its_parents():
    """ru_maxrss survives execve on Linux: a child started by a process that had held
    200 MB would report 200 MB. The memory child reads its own high-water mark."""
    held = bytearray(200 * 2**20)
    try:
        code = ("import sys; sys.path.insert(0, 'bench'); import children; "
                "print(children.peak_kb())")
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, check=True)
    finally:
        del held
    assert int(done.stdout) < 100 * 1024  # KiB: a bare Python, not the 200 MB held here


def test_the_children_cache_their_bytecode_outside_the_tree(tmp_path, monkeypatch):
    from bench.run import _child_env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = _child_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")


def _described(tmp_path: Path, migrations: list[str]) -> Path:
    """The release-1 test database (3 incidents) as a bench database of that schema."""
    import shutil
    from dataclasses import asdict

    from bench.databases import BenchDatabase

    path = tmp_path / "incidents-3.sqlite"
    shutil.copy(ROOT / "tests" / "data" / "schema_v1.sqlite", path)
    described = BenchDatabase(str(path), 3, 1, 2, "2026-11-01", "2026-11-30", "2026-12-01",
                              tuple(migrations))
    path.with_suffix(".json").write_text(json.dumps(asdict(described)))
    return path


def test_a_database_of_an_older_schema_is_upgraded_in_place_not_made_again(tmp_path,
                                                                           monkeypatch):
    from app.models.schema import known_migrations
    from bench import databases

    monkeypatch.setattr(databases, "FIXTURE_INCIDENTS", 0)
    path = _described(tmp_path, ["0001_initial"])
    found = databases._reusable(path, 3)
    assert found is not None and found.migrations == tuple(known_migrations())
    assert json.loads(path.with_suffix(".json").read_text())["migrations"] == list(
        known_migrations())
    assert databases._incident_count(path) == 3
    # a schema this version does not know is not reused
    path = _described(tmp_path, ["0001_initial", "0002_someone_elses"])
    assert databases._reusable(path, 3) is None


def test_merged_results_replace_only_the_metrics_measured():
    from bench.run import merged

    earlier = {"size": 10, "when": "then", "metrics": {"search": {"median_ms": 9},
                                                       "dashboard": {"median_ms": 900}}}
    report = {"size": 10, "when": "now", "machine": {"load_average": [1, 2, 3]},
              "metrics": {"dashboard": {"median_ms": 300}}}
    out = merged(earlier, report)
    assert out["metrics"] == {"search": {"median_ms": 9},
                              "dashboard": {"median_ms": 300, "when": "now",
                                            "load_average": [1, 2, 3]}}
    assert earlier["metrics"]["dashboard"] == {"median_ms": 900}  # not changed in place
    with pytest.raises(ValueError):
        merged(earlier, dict(report, size=100))
