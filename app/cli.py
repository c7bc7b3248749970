"""The command line: open the window, or work headless (demo data, backups, exports)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app import APP_NAME, __version__

if TYPE_CHECKING:
    from app.models.db import PostgresTarget


def _count(text: str) -> int:
    from app.models.demo_data import MAX_COUNT

    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_COUNT:,}, not {value:,}")
    return value


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 120:
        raise argparse.ArgumentTypeError(f"must be between 1 and 120, not {value}")
    return value


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date as YYYY-MM-DD") from None


def _references(text: str) -> list[str]:
    references = [r.strip() for r in text.split(",") if r.strip()]
    if not references:
        raise argparse.ArgumentTypeError("give at least one reference")
    return references


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS,
                        help="the database: a file's PATH (or sqlite:///PATH), or a "
                             "PostgreSQL URL postgresql://user@host:port/dbname, its "
                             "password from PGPASSWORD, the keyring or asked at the terminal "
                             "(default: the one chosen in File › Database…, else "
                             "incident-desk.sqlite in your data folder)")
    parser = argparse.ArgumentParser(
        prog="incident-desk", parents=[common],
        description=f"{APP_NAME}: log, prioritise and follow contact-centre incidents. "
                    "With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo-data", parents=[common], help="fill a database with realistic demo incidents",
        description="Add realistic, varied demo incidents (with their history) to a database.")
    demo.add_argument("--count", type=_count, required=True, metavar="N",
                      help="how many incidents to add")
    demo.add_argument("--seed", type=int, default=None, metavar="S",
                      help="random seed, for the same data every time")
    demo.add_argument("--months", type=_months, default=12, metavar="M",
                      help="spread incidents over the last M months (default 12)")
    backup = commands.add_parser(
        "backup", parents=[common], help="write a checked backup of the database",
        description="Copy the database (even while it is in use) to a new file with "
                    "SQLite's backup API, and check the copy's integrity.")
    backup.add_argument("--out", required=True, metavar="FILE",
                        help="the backup file to write (must not exist yet)")
    restore = commands.add_parser(
        "restore", parents=[common], help="replace the database with a backup",
        description="Replace the database with a backup; the database replaced is kept "
                    "aside beside it. Close Incident Desk first.")
    restore.add_argument("--from", dest="source", required=True, metavar="FILE",
                         help="the backup to restore")
    commands.add_parser(
        "verify", parents=[common], help="check the database and its history chain",
        description="Check the database's integrity and that no history row was altered, "
                    "removed or reordered outside Incident Desk, reading it only. Exit code "
                    "0 when all is well, 2 when a problem is found, 1 when it cannot be "
                    "checked.")
    export = commands.add_parser(
        "export-pdf", parents=[common], help="write one incident's report as a PDF",
        description="Write an incident's whole record as a PDF report, with the caller's "
                    "personal data masked unless --include-personal-data is given (team "
                    "leaders and administrators only). The export is written to the "
                    "incident's audit trail.")
    export.add_argument("--incident", required=True, metavar="REF",
                        help="the incident's reference, e.g. INC-2026-000123")
    export.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    export.add_argument("--include-personal-data", action="store_true",
                        help="print the caller's name, phone and email in full")
    report = commands.add_parser(
        "report-pdf", parents=[common], help="write a period report as a PDF",
        description="Write the period report (totals, service levels, escalations, volumes "
                    "and the incidents) for incidents received between two dates, "
                    "inclusive.")
    report.add_argument("--from", dest="start", type=_day, required=True,
                        metavar="YYYY-MM-DD", help="the first day")
    report.add_argument("--to", dest="end", type=_day, required=True, metavar="YYYY-MM-DD",
                        help="the last day")
    report.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    pack = commands.add_parser(
        "evidence-pack", parents=[common], help="write an assessor's evidence pack",
        description="Write chosen incidents as one PDF for an assessor: a cover, contents, "
                    "and for each incident an evidence checklist and its report, with the "
                    "caller's personal data masked.")
    pack.add_argument("--incidents", type=_references, required=True, metavar="REF[,REF...]",
                      help="the incidents' references, separated by commas")
    pack.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    check = commands.add_parser(
        "verify-export", parents=[common], help="check an exported PDF against the database",
        description="Say whether each incident in an exported PDF still matches the "
                    "database (same fingerprint) or has changed since. Exit code 0 when all "
                    "match, 2 when one has changed or is gone, 1 when the file cannot be "
                    "checked.")
    check.add_argument("file", metavar="FILE", help="the exported PDF")
    bring_in = commands.add_parser(
        "import", parents=[common], help="import incidents from a CSV or XLSX file",
        description="Import incidents from a CSV file or from an XLSX workbook's first sheet "
                    "(columns named as an export names them, in any order and case). Every "
                    "row is checked first: if any has a problem, nothing is imported and each "
                    "problem is listed by row and column (exit code 1). Team leaders and "
                    "administrators only: the import is made by whoever runs the command.")
    bring_in.add_argument("file", metavar="FILE", help="the CSV or XLSX file")
    send_out = commands.add_parser(
        "export", parents=[common], help="export incidents to a CSV or XLSX file",
        description="Write the incidents received in a period (all of them by default) to a "
                    "CSV or XLSX file, as chosen by the file name's ending: every column, "
                    "times in UTC, the callers' personal data included (team leaders and "
                    "administrators only; the export is recorded).")
    send_out.add_argument("--out", required=True, metavar="FILE",
                          help="the .csv or .xlsx file to write")
    send_out.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD",
                          help="the first day of receipt (default: the earliest)")
    send_out.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD",
                          help="the last day of receipt (default: the latest)")
    send_out.add_argument("--replace", action="store_true",
                          help="replace FILE if it exists (by default an existing file is "
                               "left alone)")
    return parser


def _open_existing(args: argparse.Namespace) -> Path | PostgresTarget:
    """Open the chosen database, which must exist (exports never create one)."""
    from app.models.db import DatabaseOpenError

    target, _ = _database_target(args)
    if isinstance(target, Path) and not target.is_file():
        raise DatabaseOpenError(f"There is no database at {target}.")
    _open(target)
    return target


def _open(target: Path | PostgresTarget, create_folder: bool = False) -> None:
    """Open ``target``; a PostgreSQL server's password is PGPASSWORD's or the keyring's,
    else typed at the terminal (three tries), never stored by the command line.

    Raises:
        DatabaseOpenError: as opening does; asked for a password when not at a terminal,
            it says to set PGPASSWORD.
    """
    import getpass

    from app.models.db import DatabaseOpenError, open_database

    try:
        open_database(target, create_folder=create_folder)
        return
    except DatabaseOpenError as exc:
        if not exc.needs_password:
            raise
        user = target.user or getpass.getuser()  # libpq's default user
        if not sys.stdin.isatty():
            raise DatabaseOpenError(
                f"{exc} Set PGPASSWORD to the password of the user {user} (this "
                "command is not run at a terminal, so it cannot ask for it).",
                needs_password=True) from exc
        print(exc, file=sys.stderr)
    for attempt in range(3):
        password = getpass.getpass(f"Password of {user} for {target}: ")
        try:
            open_database(target, password=password)
            return
        except DatabaseOpenError as exc:
            if not exc.needs_password or attempt == 2:
                raise
            print(exc, file=sys.stderr)


def _file_only(target: Path | PostgresTarget, command: str, why: str) -> Path:
    """``target`` when it is a database file; a PostgreSQL database is refused, saying why.

    Raises:
        DatabaseOpenError: ``target`` is a PostgreSQL database.
    """
    from app.models.db import DatabaseOpenError, PostgresTarget

    if isinstance(target, PostgresTarget):
        raise DatabaseOpenError(f"{command} works on a database file, and {target} is a "
                                f"PostgreSQL database: {why}")
    return target


def _cli_user():
    """Who a command writes or exports as: the computer's user; when passwords are
    required, signed in with the password from ``INCIDENT_DESK_PASSWORD`` or typed at the
    terminal (the username is the computer's, or ``INCIDENT_DESK_USER``).

    Raises:
        SignInError: a wrong password, or none to be had (not a terminal, no variable).
    """
    import getpass
    import os

    from app.models.accounts import passwords_required
    from app.models.sign_in import SignInError, sign_in
    from app.models.users import current_user, current_username

    if not passwords_required():
        user = current_user()
        if not user.active:  # as the window refuses them
            raise SignInError(f"{user.display_name} is no longer an active user of this "
                              "database: an administrator can reactivate them.")
        return user
    username = os.environ.get("INCIDENT_DESK_USER") or current_username()
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise SignInError(f"this database requires a password to sign in: set "
                              f"{PASSWORD_VARIABLE} or run the command in a terminal.")
        password = getpass.getpass(f"Password for {username}: ")
    return sign_in(username, password)


def _export_pdf(args: argparse.Namespace) -> int:
    from app.reports.exporting import export_incident

    _open_existing(args)
    export = export_incident(args.incident, Path(args.out), _cli_user(),
                             args.include_personal_data)
    print(f"Wrote {export.reference} to {args.out} "
          f"({'with' if export.personal_data else 'without'} the caller's personal data; "
          f"fingerprint {export.fingerprint}).")
    return 0


def _report_pdf(args: argparse.Namespace) -> int:
    from app.models.clock import now_utc
    from app.reports.period_report import write_period_report

    _open_existing(args)
    write_period_report(Path(args.out), args.start, args.end, _cli_user().display_name,
                        now_utc())
    print(f"Wrote the period report {args.start:%d %b %Y} – {args.end:%d %b %Y} "
          f"to {args.out}.")
    return 0


def _evidence_pack(args: argparse.Namespace) -> int:
    from app.reports.exporting import export_evidence_pack

    _open_existing(args)
    exports = export_evidence_pack(args.incidents, Path(args.out), _cli_user())
    print(f"Wrote an evidence pack of {len(exports)} incident"
          f"{'s' if len(exports) != 1 else ''} to {args.out}.")
    return 0


def _verify_export(args: argparse.Namespace) -> int:
    from app.reports.exporting import read_fingerprints, verify_export

    read_fingerprints(Path(args.file))  # not ours: say so before opening any database
    _open_existing(args)
    verdicts = verify_export(Path(args.file))
    for verdict in verdicts:
        print(verdict.text(), file=sys.stdout if verdict.matches else sys.stderr)
    return 0 if all(v.matches for v in verdicts) else 2


MAX_PROBLEM_LINES = 50  # problems listed by ``import``; the rest are counted
PASSWORD_VARIABLE = "INCIDENT_DESK_PASSWORD"  # the password, for commands run unattended


def _progress(what: str):
    """Progress on stderr for a large file: a line at each tenth."""
    shown = [0]

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if total >= 50_000 and tenth > shown[0]:
            shown[0] = tenth
            print(f"  {what} {done:,} / {total:,}", file=sys.stderr, flush=True)
    return progress


def _import(args: argparse.Namespace) -> int:
    from app.models.incident_transfer import check_rows, import_incidents, read_table
    from app.models.permissions import Permission, check_permission

    path = _open_existing(args)
    user = _cli_user()
    check_permission(user, Permission.IMPORT_INCIDENTS)
    source = Path(args.file)
    plan = check_rows(read_table(source, _progress("read")), progress=_progress("checked"))
    if plan.unused_columns:
        print(f"Not imported (columns Incident Desk does not have): "
              f"{', '.join(plan.unused_columns)}.", file=sys.stderr)
    if plan.problems:
        print(f"incident-desk: error: {plan.summary()}", file=sys.stderr)
        for problem in plan.problems[:MAX_PROBLEM_LINES]:
            print(f"  {problem.text()}", file=sys.stderr)
        more = len(plan.problems) - MAX_PROBLEM_LINES
        if more > 0:
            print(f"  … and {more:,} more problem{'s' if more != 1 else ''}.", file=sys.stderr)
        return 1
    result = import_incidents(plan, user, source.name, _progress("imported"))
    print(f"Imported {result.count:,} incident{'s' if result.count != 1 else ''} from "
          f"{source.name} into {path} ({result.new_references:,} given new references) in "
          f"{result.seconds:.1f} s.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.models.incident_transfer import export_incidents

    _open_existing(args)
    count = export_incidents(Path(args.out), args.start, args.end, by=_cli_user(),
                             progress=_progress("written"), replace=args.replace)
    print(f"Wrote {count:,} incident{'s' if count != 1 else ''} to {args.out}.")
    return 0


SERVER_BACKUPS = ("its backups are taken on the server, with pg_dump, by the server's "
                  "administrator.")


def _verify(args: argparse.Namespace) -> int:
    from app.models.history_chain import verify_file

    path = _database_target(args)[0]  # a file, or a PostgreSQL database (its chain only)
    result = verify_file(path)
    if result.ok:
        print(f"{path}: integrity check passed; {result.rows:,} history rows, chain intact.")
        return 0
    for problem in result.problems:
        print(f"{path}: {problem}", file=sys.stderr)
    return 2 if result.rows or "Integrity check" in result.problems[0] else 1


def _backup(args: argparse.Namespace) -> int:
    from app.models.backup import backup_database

    path = _file_only(_database_target(args)[0], "backup", SERVER_BACKUPS)
    out = backup_database(path, Path(args.out))
    print(f"Backed up {path} to {out} (integrity checked).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.models.backup import restore_database

    path = _file_only(_database_target(args)[0], "restore",
                      "its backups are restored on the server (pg_restore) by the server's "
                      "administrator.")
    aside = restore_database(path, Path(args.source))
    print(f"Restored {path} from {args.source}.")
    if aside is not None:
        print(f"The database it replaced is kept at {aside}.")
    return 0


def _database_target(args: argparse.Namespace) -> tuple[Path | PostgresTarget, bool]:
    """The chosen database (``--db``, else the one saved in File › Database…, else the
    default file), and whether its folder may be created (only for the default)."""
    from app.models.database_choice import start_database

    return start_database(getattr(args, "db", None))


def _demo_data(args: argparse.Namespace) -> int:
    from app.models.db import close_database
    from app.models.demo_data import generate

    path, create_folder = _database_target(args)
    _open(path, create_folder=create_folder)
    try:
        def progress(done: int) -> None:
            if args.count >= 100_000:
                print(f"  {done:,} / {args.count:,}", file=sys.stderr, flush=True)

        result = generate(args.count, seed=args.seed, months=args.months, progress=progress)
    finally:
        close_database()
    print(f"Added {result.incidents:,} incidents and {result.history_rows:,} history rows "
          f"to {path} in {result.seconds:.1f} s.")
    return 0


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors reported as one line and exit code 1 rather than a traceback."""
    # imported only when an error is reported: these modules bring in ReportLab and
    # argon2, which opening the window would otherwise wait for (issue 9, cold start)
    from app.models.backup import BackupError
    from app.models.db import DatabaseOpenError
    from app.models.incident_record import ExportError
    from app.models.permissions import RolePermissionError
    from app.models.sign_in import SignInError
    from app.reports.files import ReportError

    return (DatabaseOpenError, BackupError, ExportError, ReportError, RolePermissionError,
            SignInError)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    headless = {"export-pdf": _export_pdf, "report-pdf": _report_pdf,
                "evidence-pack": _evidence_pack, "verify-export": _verify_export,
                "import": _import, "export": _export}
    args = build_parser().parse_args(argv)
    try:
        if args.command in headless:
            return headless[args.command](args)
        if args.command == "demo-data":
            return _demo_data(args)
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        if args.command == "verify":
            return _verify(args)
        from app.views.application import run_gui

        target, create_folder = _database_target(args)
        return run_gui(target, create_folder=create_folder)
    except Exception as exc:
        if not isinstance(exc, _user_errors()):
            raise
        print(f"incident-desk: error: {exc}", file=sys.stderr)
        return 1
