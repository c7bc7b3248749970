"""Reading a file of incidents: a CSV file in whatever encoding and separator a spreadsheet
saved it with, or the first sheet of an XLSX workbook, into a plain table of cells.

Also the one rule for cells that a spreadsheet would run as formulas: neutralised on export
by a leading apostrophe, which an import takes off again.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path

from app.reports.files import ReportError

# Every column of a file of incidents, in the order an export writes them.
COLUMNS = (
    "reference", "received_at", "channel", "caller_name", "caller_phone", "caller_email",
    "caller_type", "account_ref", "location", "category", "subcategory", "summary",
    "description", "impact", "urgency", "priority", "status", "owner", "response_due",
    "resolution_due", "responded_at", "resolved_at", "closed_at",
)
REQUIRED = ("received_at", "channel", "caller_name", "category", "summary", "impact",
            "urgency")
TIME_COLUMNS = ("received_at", "response_due", "resolution_due", "responded_at",
                "resolved_at", "closed_at")

# A cell as read: text, or a date and time an XLSX cell holds as such (naive: local time).
Cell = str | datetime
ProgressCallback = Callable[[int, int], None]

MAX_ROWS = 500_000  # more than this in one file: split it (all or nothing holds them all)
PROGRESS_EVERY = 2_000  # rows read between progress reports
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and other Office 97 files)

# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
# A workbook's text writes what XML cannot hold as it is (a carriage return, which XML
# reads as a line feed; control characters; U+FFFE and U+FFFF) as _xHHHH_, as Excel does;
# and so text that looks like such an escape has its underscore escaped (_x005F_).
_XLSX_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_XLSX_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class TransferError(ReportError):
    """A file of incidents cannot be read, written or imported; the message names the file
    and says why."""


def neutralised(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: an apostrophe before a leading ``= + -
    @`` (or tab, carriage return), and before a leading apostrophe that :func:`restored`
    would take off, so that ``restored(neutralised(t)) == t`` for every text."""
    if text.startswith(FORMULA_STARTS) or (text.startswith(_QUOTE) and _guarded(text)):
        return _QUOTE + text
    return text


def restored(text: str) -> str:
    """A cell as read back: the apostrophe :func:`neutralised` put in front taken off."""
    return text[1:] if text.startswith(_QUOTE) and _guarded(text) else text


def _guarded(text: str) -> bool:
    """Whether ``text`` (starting with an apostrophe) is an apostrophe put before a
    formula's first character or before another such apostrophe."""
    return text[1:2] != "" and text[1] in (*FORMULA_STARTS, _QUOTE)


def xlsx_escaped(text: str) -> str:
    """Text as a workbook cell holds it (see :data:`_XLSX_ESCAPE`)."""
    return _XLSX_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def xlsx_unescaped(text: str) -> str:
    """A workbook cell's text as written: its ``_xHHHH_`` escapes undone, as Excel does."""
    if "_x" not in text:
        return text
    return _XLSX_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


@dataclass
class Table:
    """The cells of a file: its header and its rows (blank rows left out), each row with
    the number a spreadsheet shows it under (the header is row 1)."""

    name: str
    kind: str  # "CSV" or "XLSX"
    detail: str  # how it was read: "UTF-8, separated by semicolons", "sheet Incidents"
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    blank_rows: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    def describe(self) -> str:
        """``1,234 rows in incidents.csv (CSV, UTF-8, separated by semicolons)``."""
        rows = f"{len(self.rows):,} row{'s' if len(self.rows) != 1 else ''}"
        return f"{rows} in {self.name} ({self.kind}, {self.detail})"


def read_table(path: Path | str, progress: ProgressCallback | None = None) -> Table:
    """The header and rows of a CSV file or of an XLSX workbook's first sheet.

    A CSV file may be UTF-8 (with or without a byte order mark), UTF-16 with one, or
    Windows-1252, separated by commas, semicolons, tabs or vertical bars (found from the
    header line, or from Excel's ``sep=`` line); blank lines are skipped. What the file
    is, is told from its first bytes, not from its name.

    Args:
        progress: called with (rows read, rows expected) now and then; it may raise
            :class:`~app.reports.progress.ReportCancelled` to stop.

    Raises:
        TransferError: the file cannot be read, is not text or a workbook, has no header,
            no rows, or more than ``MAX_ROWS`` rows; the message names the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TransferError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise TransferError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise TransferError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(path, data, progress)
    elif data.startswith(OLE_MAGIC):
        raise TransferError(f"{path.name} is an old Excel (.xls) workbook or another Office "
                            "97 file: save it as .xlsx or as CSV, then import that.")
    else:
        table = _read_csv(path.name, data, progress)
    if not table.rows:
        raise TransferError(f"{path.name} has a header but no incidents below it.")
    return table


# --- CSV -------------------------------------------------------------------------------------
# Bytes decoded and split into lines at a time: each a few milliseconds holding the GIL, so
# that a worker thread reading a large file lets the window have it between. Decoding a 37
# MB file at once held it 60 ms, and splitting its text into lines 128 ms more, and the
# window stood still that long.
CSV_CHUNK = 1 << 20


def _chunks(data: bytes, start: int = 0, utf8: bool = False) -> Iterator[tuple[int, bytes]]:
    """``data`` from ``start`` in pieces of about CSV_CHUNK bytes, each with its offset;
    with ``utf8``, a piece never ends inside a character: it ends before the character
    (continuation bytes are 10xxxxxx, at most 3 of them), or after it when the piece would
    otherwise be empty."""
    while start < len(data):
        end = min(start + CSV_CHUNK, len(data))
        if utf8:
            cut = end
            for _ in range(3):
                if start < cut < len(data) and data[cut] & 0xC0 == 0x80:
                    cut -= 1
            if cut > start and (cut == len(data) or data[cut] & 0xC0 != 0x80):
                end = cut
            else:
                while end < len(data) and data[end] & 0xC0 == 0x80:
                    end += 1
        yield start, data[start:end]
        start = end


def _first_bad_byte(data: bytes, start: int, codec: str) -> UnicodeDecodeError | None:
    """Where ``data`` from ``start`` stops being ``codec`` text (the error's ``start`` made
    an offset in ``data``); None when it all is."""
    for offset, piece in _chunks(data, start, utf8=codec == "utf-8"):
        try:
            piece.decode(codec)
        except UnicodeDecodeError as exc:
            exc.start += offset
            return exc
    return None


def _encoding(name: str, data: bytes) -> tuple[str, int, str]:
    """How a CSV file's text is written: the codec, the bytes of its byte order mark, and
    the encoding's name as told to the user."""
    if data.startswith(codecs.BOM_UTF8):
        label = "UTF-8 with a byte order mark"
        bad = _first_bad_byte(data, len(codecs.BOM_UTF8), "utf-8")
        if bad is not None:
            raise TransferError(f"{name} says it is {label} but byte {bad.start + 1:,} is "
                                "not: save it again as CSV UTF-8.")
        return "utf-8", len(codecs.BOM_UTF8), label
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TransferError(f"{name} says it is UTF-16 but byte {exc.start + 1:,} is "
                                "not: save it again as CSV UTF-8.") from exc
        return "utf-16", 0, "UTF-16"
    if b"\x00" in data:
        raise TransferError(f"{name} is not a CSV file (it holds binary data): save the "
                            "spreadsheet as CSV UTF-8 or as .xlsx, then import that.")
    if _first_bad_byte(data, 0, "utf-8") is None:
        return "utf-8", 0, "UTF-8"
    bad = _first_bad_byte(data, 0, "cp1252")
    if bad is not None:
        raise TransferError(
            f"{name} is neither UTF-8 nor Windows-1252 text (byte {bad.start + 1:,} is "
            f"0x{data[bad.start]:02X}): save it as CSV UTF-8, then import that.")
    return "cp1252", 0, "Windows-1252"


def _lines(data: bytes, codec: str, start: int) -> Iterator[str]:
    """The lines of the text, each with its ending (``\\n``, ``\\r\\n`` or ``\\r``, as a
    file opened with ``newline=""`` gives them), decoded a chunk at a time. UTF-16 files
    (rare; marked by their byte order mark) are decoded whole."""
    if codec == "utf-16":
        texts: Iterator[str] = iter([data.decode(codec)])
    else:
        texts = (piece.decode(codec) for _, piece in _chunks(data, start, codec == "utf-8"))
    pending = ""
    for text in texts:
        lines = io.StringIO(pending + text, newline="").readlines()
        # the last line may go on in the next chunk (a CR there may be half a CR LF)
        pending = lines.pop() if lines else ""
        yield from lines
    if pending:
        yield pending


def _separator(header: str) -> str:
    """Whichever separator splits the header line into the most cells."""
    best, most = ",", 1
    for candidate in SEPARATORS:
        try:
            cells = next(csv.reader([header], delimiter=candidate), [])
        except csv.Error:
            continue
        if len(cells) > most:
            best, most = candidate, len(cells)
    return best


def _read_csv(name: str, data: bytes, progress: ProgressCallback | None) -> Table:
    codec, bom, encoding = _encoding(name, data)
    lines = _lines(data, codec, bom)
    # up to the first line that is not blank: Excel's "sep=;" line, or the header
    head: list[str] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    first = head[0].rstrip("\r\n") if head else ""
    skipped_lines = 0
    if first.lower().startswith("sep=") and len(first) == 5:
        separator, head, skipped_lines = first[4], head[1:], 1
    else:
        separator = _separator(head[-1] if head else "")
    expected = max(data.count(b"\n"), 1)
    reader = csv.reader(chain(head, lines), delimiter=separator)
    table: Table | None = None
    number = skipped_lines
    try:
        for cells in reader:
            number += 1
            if table is None:
                if not any(c.strip() for c in cells):
                    continue  # blank lines before the header
                table = Table(name, "CSV", f"{encoding}, separated by {SEPARATORS[separator]}",
                              _header(cells))
                continue
            _add_row(table, cells, number, progress, expected)
    except csv.Error as exc:
        raise TransferError(f"{name} cannot be read as CSV at row {number + 1:,}: {exc}."
                            ) from exc
    if table is None:
        raise TransferError(f"{name} is empty: it has no header row.")
    return table


# --- XLSX ------------------------------------------------------------------------------------
def _read_xlsx(path: Path, data: bytes, progress: ProgressCallback | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise TransferError(f"{path.name} cannot be read as an XLSX workbook ({exc}): save it "
                            "again from the spreadsheet as .xlsx or as CSV.") from exc
    try:
        if not workbook.worksheets:
            raise TransferError(f"{path.name} has no sheets.")
        sheet = workbook.worksheets[0]
        expected = sheet.max_row or 0
        sheet.reset_dimensions()  # files from some tools state the size wrongly
        table: Table | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            if table is None:
                if not any(isinstance(c, datetime) or c.strip() for c in cells):
                    continue
                table = Table(path.name, "XLSX", f"sheet {sheet.title}", _header(cells))
                continue
            # A sheet is a grid: the empty cells a workbook leaves out at a row's end are
            # there all the same (every row as wide as the header).
            cells.extend([""] * (len(table.headers) - len(cells)))
            _add_row(table, cells, number, progress, expected)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TransferError(f"{path.name} cannot be read as an XLSX workbook ({exc}).") from exc
    finally:
        workbook.close()
    if table is None:
        raise TransferError(f"{path.name} is empty: its first sheet has no header row.")
    return table


def _xlsx_cell(value) -> Cell:
    """A workbook cell as text, or as the naive date and time it holds."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return xlsx_unescaped(value) if isinstance(value, str) else str(value)


# --- both ------------------------------------------------------------------------------------
def _header(cells: list[Cell]) -> list[str]:
    headers = [c.strip() if isinstance(c, str) else str(c) for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _add_row(table: Table, cells: list[Cell], number: int,
             progress: ProgressCallback | None, expected: int) -> None:
    if not any(isinstance(c, datetime) or c.strip() for c in cells):
        table.blank_rows += 1
        return
    if len(table.rows) >= MAX_ROWS:
        raise TransferError(f"{table.name} has more than {MAX_ROWS:,} incidents: split it "
                            "into smaller files and import them one after another.")
    table.rows.append(cells)
    table.row_numbers.append(number)
    if progress is not None and len(table.rows) % PROGRESS_EVERY == 0:
        progress(len(table.rows), max(expected, len(table.rows)))
