"""The command line, run as a user runs it: a separate process, real files."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app import __version__

ROOT = Path(__file__).parent.parent


def run(*args, cwd=ROOT, env: dict[str, str] | None = None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Incident Desk {__version__}"


def test_demo_data_fills_a_new_database(tmp_path):
    path = tmp_path / "demo.sqlite"
    result = run("demo-data", "--db", str(path), "--count", "250", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "Added 250 incidents" in result.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 250
    assert conn.execute("SELECT COUNT(DISTINCT reference) FROM incident").fetchone()[0] == 250
    conn.close()


def test_db_may_come_before_the_command(tmp_path):
    path = tmp_path / "demo.sqlite"
    result = run("--db", str(path), "demo-data", "--count", "3")
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_bad_count_is_named(tmp_path):
    for bad, why in (("lots", "'lots' is not a whole number"),
                     ("0", "must be between 1 and 10,000,000, not 0")):
        result = run("demo-data", "--db", str(tmp_path / "x.sqlite"), "--count", bad)
        assert result.returncode == 2
        assert f"argument --count: {why}" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    result = run("demo-data", "--db", str(path), "--count", "5")
    assert result.returncode == 1
    assert "is not an Incident Desk database" in result.stderr
    assert str(path) in result.stderr
    assert path.read_text() == "keep me"


def test_backup_and_restore_from_the_command_line(tmp_path):
    path = tmp_path / "desk.sqlite"
    assert run("demo-data", "--db", str(path), "--count", "20", "--seed", "1").returncode == 0
    out = tmp_path / "backup.sqlite"
    result = run("backup", "--db", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"Backed up {path} to {out} (integrity checked)." in result.stdout

    again = run("backup", "--db", str(path), "--out", str(out))
    assert again.returncode == 1
    assert "already exists: a backup never overwrites a file" in again.stderr

    assert run("demo-data", "--db", str(path), "--count", "5").returncode == 0
    result = run("restore", "--db", str(path), "--from", str(out))
    assert result.returncode == 0, result.stderr
    assert "The database it replaced is kept at" in result.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 20
    conn.close()
    [aside] = tmp_path.glob("desk.replaced-*.sqlite")
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 25
    conn.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "desk.sqlite"
    assert run("demo-data", "--db", str(path), "--count", "3").returncode == 0
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database")
    result = run("restore", "--db", str(path), "--from", str(bogus))
    assert result.returncode == 1
    assert "is not an Incident Desk database" in result.stderr


def test_verify_passes_an_untouched_database_and_names_an_edited_row(tmp_path):
    path = tmp_path / "desk.sqlite"
    assert run("demo-data", "--db", str(path), "--count", "30", "--seed", "3").returncode == 0
    result = run("verify", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "integrity check passed;" in result.stdout and "chain intact" in result.stdout

    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER history_no_update")
    conn.execute("UPDATE history SET new_value = 'Someone Else' WHERE id = 10")
    conn.commit()
    conn.close()
    result = run("verify", "--db", str(path))
    assert result.returncode == 2
    assert "history row 10 " in result.stderr and "was altered" in result.stderr


def test_verify_of_a_missing_file_says_so(tmp_path):
    result = run("verify", "--db", str(tmp_path / "nothing.sqlite"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
