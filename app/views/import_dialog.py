"""Import incidents from a CSV file or an Excel workbook, a step at a time: choose the file,
say which of its columns holds each of ours, check every row (the problems by row and
column, or a preview of the incidents as they will be stored), then import all or none.

Reading, checking and importing run off the GUI thread behind a progress bar with Cancel
(:func:`~app.views.report_runner.run_in_background`); the import is one transaction, so a
refusal or a cancellation leaves the database as it was.
"""

from __future__ import annotations

import csv
import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.db import database
from app.models.entities import User
from app.models.incident_transfer import (
    COLUMNS,
    REQUIRED,
    ColumnMapping,
    ImportPlan,
    ImportResult,
    Table,
    TransferError,
    check_rows,
    import_incidents,
    neutralised,
    read_table,
)
from app.models.incident_transfer_check import cell_text
from app.models.permissions import Permission, RolePermissionError, check_permission
from app.reports.files import write_atomically
from app.reports.progress import Progress
from app.views.accessibility import name_inputs
from app.views.dialogs import Dialogs
from app.views.report_runner import ReportJob, run_in_background
from app.views.theme import set_tone
from app.views.transfer_table_models import (
    COLUMN,
    FILE_COLUMN,
    PROBLEM_HEADERS,
    REASON,
    ROW,
    VALUE,
    ImportPreviewModel,
    ImportProblemsModel,
    column_label,
    read_only_table,
)
from app.views.widgets import action_button

# (tone, bold) of app.views.theme: coloured to keep their contrast, light or dark
ERROR_STYLE = ("error", True)
NOTE_STYLE = ("muted", False)
OK_STYLE = ("success", True)
OPEN_FILTER = "Spreadsheets (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
REPORT_FILTER = "CSV files (*.csv)"
SAMPLE_LENGTH = 40  # characters of the first row's cell shown beside each column
NOT_READ = -1  # the combo's data for "(none)": our column is not read from the file
FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, DONE_PAGE = range(4)
MESSAGES = (TransferError, RolePermissionError)  # their text is written for the user


def off_the_gui_thread(work: Callable[[Callable[[int, int], None]], Any]
                       ) -> Callable[[Callable[[int, int], None], Callable[[], bool]], Any]:
    """``work(progress)`` as the runner calls it: ``progress(done, total)`` raises
    :class:`~app.reports.progress.ReportCancelled` once the user has cancelled, and the
    database connection the worker thread opened is closed when it is done."""
    def run(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
        try:
            return work(Progress(report, cancelled).step)
        finally:
            database.close()  # this thread's connection only
    return run


# Taken to freeze and to unfreeze: a dialog closed while its work finishes is not frozen
# again after it unfroze (which would hide everything from the collector until the next
# import dialog closes).
FREEZING = threading.Lock()


def out_of_the_collectors_sight(work: Callable[[Callable[[int, int], None]], Any],
                               freeze: Callable[[], bool] | None = None
                               ) -> Callable[[Callable[[int, int], None]], Any]:
    """``work`` done with the garbage collector's automatic runs paused, and (while
    ``freeze()`` says the dialog is open) its result (a file's table, a checked plan) and
    all else alive then moved out of the collector's sight once made (:func:`gc.freeze`),
    until the dialog closes (:func:`gc.unfreeze`).

    WORKAROUND: a full collection walks every object the collector tracks while holding
    the GIL. With a 100,000-row file's rows and plan alive, one took 110 to 300 ms on
    whichever thread set it off, the worker's included, and the window stood still that
    long. Paused, then frozen, they are not walked; reference counting frees them as ever
    when the dialog lets them go (none of them is part of a reference cycle)."""
    def run(progress: Callable[[int, int], None]) -> Any:
        gc.disable()
        try:
            result = work(progress)
            with FREEZING:
                if freeze is not None and freeze():
                    gc.freeze()
            return result
        finally:
            gc.enable()
    return run


def message_label(text: str, style: tuple[str, bool] | None = None, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a file's headings are shown as typed
    if style:
        set_tone(label, *style)
    if name:
        label.setObjectName(name)
    return label


class ImportDialog(QDialog):
    """The steps of an import. ``imported`` follows a successful import (the log is read
    again); ``table_read`` and ``checked`` follow each step done off the GUI thread."""

    table_read = Signal(object)  # the Table read from the file
    checked = Signal(object)  # the ImportPlan
    imported = Signal(object)  # the ImportResult

    def __init__(self, user: User, dialogs: Dialogs, parent: QWidget | None = None,
                 folder: Path | None = None):
        super().__init__(parent)
        self.open = True  # until done(): work finishing after it freezes nothing
        self.user = user
        self.dialogs = dialogs
        self.folder = folder or Path.home()
        self.path: Path | None = None
        self.table: Table | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.job: ReportJob | None = None  # the work running, or the last (tests wait on it)
        self.combos: dict[str, QComboBox] = {}
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import incidents"))
        layout = QVBoxLayout(self)
        self.step = QLabel()
        self.step.setObjectName("importStep")
        self.step.setStyleSheet("font-size: 15px; font-weight: 600;")
        layout.addWidget(self.step)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._done_page())
        layout.addWidget(self.pages)
        buttons = QHBoxLayout()
        self.back_button = action_button(self.tr("< &Back"), "importBack", self.on_back)
        self.next_button = QPushButton(self.tr("&Next >"))
        self.next_button.setObjectName("importNext")
        self.next_button.clicked.connect(self.on_next)
        self.close_button = action_button(self.tr("Cancel"), "importClose", self.reject)
        buttons.addStretch()
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(940, 640)
        self._show_page(FILE_PAGE)
        name_inputs(self)

    # --- the pages -----------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the dialog's own margins, as the heading
        layout.addWidget(message_label(self.tr(
            "Incidents from a CSV file or an Excel workbook (.xlsx), one incident a row under "
            "a row of column headings. Every row is checked first: nothing is imported "
            "unless every row is right.")))
        row = QHBoxLayout()
        file_label = QLabel(self.tr("&File:"))
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("importFile")
        self.file_edit.setReadOnly(True)
        self.file_edit.setAccessibleName(self.tr("File to import"))
        self.file_edit.setPlaceholderText(self.tr("No file chosen yet"))
        file_label.setBuddy(self.file_edit)
        self.choose_button = action_button(self.tr("&Choose file…"), "importChoose",
                                           self.choose_file)
        row.addWidget(file_label)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        self.file_state = message_label("", name="importFileState")
        self.file_problem = message_label("", ERROR_STYLE, "importFileProblem")
        self.file_problem.hide()
        layout.addWidget(self.file_state)
        layout.addWidget(self.file_problem)
        layout.addStretch()
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the dialog's own margins, as the heading
        self.mapping_intro = message_label("")
        layout.addWidget(self.mapping_intro)
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setColumnStretch(2, 2)
        self.samples: dict[str, QLabel] = {}
        grid.setColumnStretch(3, 1)
        for header, column in ((self.tr("Incident Desk column"), 0),
                               (self.tr("Name in an export"), 1),
                               (self.tr("Read from the file's column"), 2),
                               (self.tr("Its first row"), 3)):
            heading = QLabel(header)
            heading.setStyleSheet("font-weight: 600;")
            grid.addWidget(heading, 0, column)
        for number, column in enumerate(COLUMNS, start=1):
            required = column in REQUIRED
            text = column_label(column) + (" *" if required else "")
            label = QLabel(text)
            name = QLabel(column)
            set_tone(name, *NOTE_STYLE)
            combo = QComboBox()
            combo.setObjectName(f"map_{column}")
            combo.setAccessibleName(
                self.tr("{column} (required)").format(column=column_label(column))
                if required else column_label(column))
            combo.setAccessibleDescription(self.tr("The file's column that holds {column}")
                                           .format(column=column_label(column)))
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self.on_mapping_changed)
            label.setBuddy(combo)
            self.combos[column] = combo
            grid.addWidget(label, number, 0)
            grid.addWidget(name, number, 1)
            grid.addWidget(combo, number, 2)
            sample = QLabel()
            sample.setObjectName(f"sample_{column}")
            sample.setTextFormat(Qt.TextFormat.PlainText)
            set_tone(sample, *NOTE_STYLE)
            self.samples[column] = sample
            grid.addWidget(sample, number, 3)
        scroll = QScrollArea()
        scroll.setObjectName("mappingScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos inside take the keys
        layout.addWidget(scroll, 1)
        layout.addWidget(message_label(self.tr("* required"), NOTE_STYLE))
        self.missing = message_label("", ERROR_STYLE, "mappingMissing")
        self.unused = message_label("", name="mappingUnused")
        layout.addWidget(self.missing)
        layout.addWidget(self.unused)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the dialog's own margins, as the heading
        self.summary = message_label("", name="checkSummary")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("checkTabs")
        self.problems_model = ImportProblemsModel(self)
        self.problems_view = read_only_table(
            self.problems_model, "importProblems", self.tr("Problems found, by row"),
            {ROW: 60, COLUMN: 120, FILE_COLUMN: 120, VALUE: 150}, stretch=REASON)
        self.problems_view.selectionModel().currentRowChanged.connect(self.on_problem_chosen)
        problems_page = QWidget()
        problems_layout = QVBoxLayout(problems_page)
        problems_layout.addWidget(self.problems_view)
        self.problem_detail = message_label("", name="problemDetail")
        problems_layout.addWidget(self.problem_detail)
        save_row = QHBoxLayout()
        save_row.addWidget(message_label(self.tr("Correct these rows in the file, save it, then "
                                          "import it again."), NOTE_STYLE), 1)
        self.save_report_button = action_button(
            self.tr("&Save report…"), "saveProblemReport", self.save_report,
            self.tr("Save every problem as a CSV file, to work through in a spreadsheet"))
        save_row.addWidget(self.save_report_button)
        problems_layout.addLayout(save_row)
        self.problems_tab = self.tabs.addTab(problems_page, "")
        self.preview_model = ImportPreviewModel(self)
        self.preview_view = read_only_table(
            self.preview_model, "importPreview", self.tr("Preview of the incidents"),
            {n: 150 for n in range(len(COLUMNS))})
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        self.preview_note = message_label("", NOTE_STYLE, "previewNote")
        preview_layout.addWidget(self.preview_note)
        preview_layout.addWidget(self.preview_view)
        self.preview_tab = self.tabs.addTab(preview_page, self.tr("Pre&view"))
        layout.addWidget(self.tabs, 1)
        self.unused_after_check = message_label("", NOTE_STYLE, "checkUnused")
        layout.addWidget(self.unused_after_check)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)  # the dialog's own margins, as the heading
        self.done_text = message_label("", OK_STYLE, "importDone")
        self.done_detail = message_label("", name="importDoneDetail")
        layout.addWidget(self.done_text)
        layout.addWidget(self.done_detail)
        layout.addStretch()
        return page

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.step.setText(self.tr("Step {n} of 4: {what}").format(n=page + 1, what=(
            self.tr("the file"), self.tr("match the file's columns to Incident Desk's"),
            self.tr("check every row"), self.tr("imported"))[page]))
        self.back_button.setVisible(page in (MAPPING_PAGE, CHECK_PAGE))
        self.next_button.setVisible(page != DONE_PAGE)
        self.close_button.setText(self.tr("Close") if page == DONE_PAGE else self.tr("Cancel"))
        if page == FILE_PAGE:
            self.next_button.setText(self.tr("&Next >"))
        elif page == MAPPING_PAGE:
            self.next_button.setText(self.tr("C&heck >"))
        elif page == CHECK_PAGE:
            ready = self.plan is not None and self.plan.ok
            self.next_button.setText(
                self.tr("&Import {count:,} incidents").format(count=len(self.plan.incidents))
                if ready and self.plan is not None else self.tr("&Import"))
        self._update_buttons()
        first = {FILE_PAGE: self.choose_button, MAPPING_PAGE: self.combos[COLUMNS[0]],
                 CHECK_PAGE: self.tabs, DONE_PAGE: self.close_button}[page]
        first.setFocus()

    def _update_buttons(self) -> None:
        busy = self.job is not None and not self.job.done
        page = self.pages.currentIndex()
        ready = {FILE_PAGE: self.table is not None,
                 MAPPING_PAGE: not self.missing_required(),
                 CHECK_PAGE: self.plan is not None and self.plan.ok}.get(page, False)
        self.next_button.setEnabled(ready and not busy)
        self.next_button.setDefault(ready and not busy)
        self.back_button.setEnabled(not busy)
        self.choose_button.setEnabled(not busy)

    # --- moving between the pages ------------------------------------------------------------
    @Slot()
    def on_next(self) -> None:
        page = self.pages.currentIndex()
        if page == FILE_PAGE and self.table is not None:
            self._show_page(MAPPING_PAGE)
        elif page == MAPPING_PAGE:
            self.check()
        elif page == CHECK_PAGE:
            self.start_import()

    @Slot()
    def on_back(self) -> None:
        page = self.pages.currentIndex()
        if page in (MAPPING_PAGE, CHECK_PAGE):
            self._show_page(page - 1)

    def reject(self) -> None:
        """Closing stops the work under way; an import stopped so keeps nothing."""
        if self.job is not None and not self.job.done:
            self.job.cancel()
        super().reject()

    def is_open(self) -> bool:
        return self.open

    def done(self, result: int) -> None:
        """Closed: the file's rows and plan let go, the collector's view restored."""
        self.table = self.plan = None
        self.problems_model.set_problems([], [], ColumnMapping())
        self.preview_model.set_rows([])
        with FREEZING:
            self.open = False
            gc.unfreeze()
        super().done(result)

    def _run(self, work: Callable[[Callable[[int, int], None]], Any], title: str,
             label: str, finished: Callable[[Any], None],
             stopped: Callable[[str], None]) -> ReportJob:
        """``work(progress)`` off the GUI thread; ``finished(result)`` or ``stopped(why)``
        on it (a failure's message has already been shown by the runner)."""
        job = run_in_background(self, off_the_gui_thread(work), title, label, self.dialogs,
                                MESSAGES)
        self.job = job
        job.finished.connect(lambda result: self._after(job, finished, result))
        job.failed.connect(lambda message: self._after(job, stopped, message))
        job.cancelled.connect(lambda: self._after(job, stopped, ""))
        self._update_buttons()
        return job

    def _after(self, job: ReportJob, then: Callable[[Any], None], value: Any) -> None:
        then(value)
        self._update_buttons()

    # --- 1. the file ---------------------------------------------------------------------------
    @Slot()
    def choose_file(self) -> ReportJob | None:
        """Ask for the file, then read it off the GUI thread; ``table_read`` follows."""
        path = self.dialogs.open_file(self, self.tr("Import incidents"), self.folder,
                                      OPEN_FILTER)
        if path is None:
            return None
        return self.read_file(path)

    def read_file(self, path: Path) -> ReportJob:
        self.path, self.table, self.plan = path, None, None
        self.folder = path.parent
        self.file_edit.setText(str(path))
        self.file_state.setText(self.tr("Reading {name}…").format(name=path.name))
        self.file_problem.hide()
        return self._run(out_of_the_collectors_sight(
                             lambda progress: read_table(path, progress), self.is_open),
                         self.tr("Import incidents"),
                         self.tr("Reading {name}…").format(name=path.name),
                         self.on_read, self.on_not_read)

    def on_read(self, table: Table) -> None:
        self.table = table
        self.file_state.setText(table.describe() + ".")
        self.show_mapping(ColumnMapping.guess(table.headers))
        self.table_read.emit(table)
        self._show_page(MAPPING_PAGE)

    def on_not_read(self, message: str) -> None:
        self.file_state.setText("")
        if message:
            self.file_problem.setText(message)
        else:
            self.file_problem.setText(self.tr("Reading was cancelled: choose the file again."))
        self.file_problem.show()

    # --- 2. which column holds which -------------------------------------------------------------
    def show_mapping(self, mapping: ColumnMapping) -> None:
        """Fill each combo with the file's columns, set to the column ``mapping`` reads."""
        assert self.table is not None
        headers = self.table.headers
        shown = []
        for index, header in enumerate(headers):
            text = header or self.tr("(column {n}, no heading)").format(n=index + 1)
            if header and sum(h.lower() == header.lower() for h in headers) > 1:
                text = self.tr("{header} (column {n})").format(header=header, n=index + 1)
            shown.append(text)
        for column, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(none)"), NOT_READ)
            for index, text in enumerate(shown):
                combo.addItem(text, index)
            chosen = mapping.index(column)
            combo.setCurrentIndex(0 if chosen is None else chosen + 1)
            combo.blockSignals(False)
        self.mapping_intro.setText(self.tr(
            "Which column of {name} holds each of Incident Desk's? Those whose headings match "
            "are chosen already; a column left at (none) is not imported.").format(
            name=self.table.name))
        self.on_mapping_changed()

    def mapping(self) -> ColumnMapping:
        """The columns as chosen."""
        return ColumnMapping({column: combo.currentData() for column, combo
                              in self.combos.items() if combo.currentData() != NOT_READ})

    def missing_required(self) -> list[str]:
        """The required columns no file column has been chosen for."""
        return [c for c in REQUIRED if self.combos[c].currentData() in (None, NOT_READ)]

    @Slot()
    def on_mapping_changed(self) -> None:
        if self.table is None:
            return
        first = self.table.rows[0] if self.table.rows else []
        for column, combo in self.combos.items():
            index = combo.currentData()
            value = first[index] if index not in (None, NOT_READ) and index < len(first) else ""
            text = cell_text(value).replace("\n", " ")
            self.samples[column].setText(text if len(text) <= SAMPLE_LENGTH
                                         else text[:SAMPLE_LENGTH - 1] + "…")
        missing = self.missing_required()
        if missing:
            self.missing.setText(self.tr(
                "Choose the file's column for {columns}: required, so the check cannot start "
                "without it.").format(columns=", ".join(column_label(c) for c in missing)))
            self.missing.show()
        else:
            self.missing.hide()
        unused = self.mapping().unused(self.table.headers)
        self.unused.setText(
            self.tr("Not imported (no Incident Desk column is read from them): {columns}.")
            .format(columns=", ".join(unused)) if unused
            else self.tr("Every column of the file is read."))
        self._update_buttons()

    # --- 3. the check ---------------------------------------------------------------------------
    def check(self) -> ReportJob | None:
        """Check every row with the columns as chosen, off the GUI thread; ``checked``
        follows."""
        if self.table is None or self.missing_required():
            return None
        table, mapping = self.table, self.mapping()
        self.plan = None
        return self._run(out_of_the_collectors_sight(
                             lambda progress: check_rows(table, mapping, progress=progress),
                             self.is_open),
                         self.tr("Import incidents"),
                         self.tr("Checking {name}…").format(name=table.name),
                         self.on_checked, self.on_not_checked)

    def on_checked(self, plan: ImportPlan) -> None:
        self.plan = plan
        count = len(plan.problems)
        self.summary.setText(plan.summary())
        set_tone(self.summary, *(OK_STYLE if plan.ok else ERROR_STYLE))
        self.problems_model.set_problems(plan.problems, plan.table.headers, plan.mapping)
        self.tabs.setTabText(self.problems_tab, self.tr("&Problems ({count})").format(
            count=f"{count:,}"))
        self.tabs.setTabVisible(self.problems_tab, bool(plan.problems))
        if plan.problems:
            self.problems_view.setCurrentIndex(self.problems_model.index(0, 0))
        preview = plan.preview()
        self.preview_model.set_rows(preview)
        ready = len(plan.incidents)
        if plan.ok:
            note = self.tr("The first {shown:,} of {count:,} incidents as they will be stored: "
                           "the priority from the matrix unless the file gives one, due "
                           "times from the service levels, and (new) where a reference will "
                           "be given on import. Times are local.")
        else:
            note = self.tr("The first {shown:,} of the {count:,} rows without a problem, as "
                           "they would be stored. Times are local.")
        self.preview_note.setText(note.format(shown=len(preview), count=ready))
        self.tabs.setTabVisible(self.preview_tab, bool(preview))
        self.tabs.setCurrentIndex(self.preview_tab if plan.ok else self.problems_tab)
        self.unused_after_check.setText(
            self.tr("Not imported: {columns}.").format(columns=", ".join(plan.unused_columns))
            if plan.unused_columns else "")
        self.checked.emit(plan)
        self._show_page(CHECK_PAGE)

    def on_problem_chosen(self, current) -> None:
        """The chosen problem in full, its reason wrapped: the table cuts long ones short."""
        problems = self.plan.problems if self.plan is not None else []
        row = current.row() if current.isValid() else -1
        self.problem_detail.setText(problems[row].text() if 0 <= row < len(problems) else "")

    def on_not_checked(self, message: str) -> None:
        self.missing.setText(message or self.tr("The check was cancelled; nothing was "
                                                "imported."))
        self.missing.show()

    @Slot()
    def save_report(self) -> ReportJob | None:
        """Save every problem as a CSV file: row, column, file column, value, reason."""
        if self.plan is None or not self.plan.problems:
            return None
        suggested = self.folder / f"{Path(self.plan.table.name).stem} problems.csv"
        path = self.dialogs.save_file(self, self.tr("Save the problems"), suggested,
                                      REPORT_FILTER)
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".csv")
        model, problems = self.problems_model, list(self.plan.problems)

        def write(progress: Callable[[int, int], None]) -> Path:
            def rows(part: Path) -> None:
                with part.open("w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow([h.lower().replace(" ", "_") for h in PROBLEM_HEADERS])
                    for done, problem in enumerate(problems, start=1):
                        cells = list(model.cells(problem))
                        cells[0] = str(problem.row)
                        writer.writerow([neutralised(c) for c in cells])
                        if done % 5_000 == 0:
                            progress(done, len(problems))
            return write_atomically(path, rows, "the problems", TransferError)

        return self._run(write, self.tr("Save the problems"),
                         self.tr("Writing {name}…").format(name=path.name),
                         self.on_report_saved, lambda _message: None)

    def on_report_saved(self, path: Path) -> None:
        self.summary.setText(self.tr("{summary} The problems were saved to {path}.").format(
            summary=self.plan.summary() if self.plan else "", path=path))

    # --- 4. the import ------------------------------------------------------------------------
    def start_import(self) -> ReportJob | None:
        """Import every incident of the checked file, off the GUI thread, all or none;
        ``imported`` follows."""
        plan = self.plan
        if plan is None or not plan.ok:
            return None
        try:
            check_permission(self.user, Permission.IMPORT_INCIDENTS)
        except RolePermissionError as exc:
            self.dialogs.error(self, self.tr("Not imported"), str(exc))
            return None
        user, name = self.user, plan.table.name
        return self._run(out_of_the_collectors_sight(
                             lambda progress: import_incidents(plan, user, name, progress)),
                         self.tr("Import incidents"),
                         self.tr("Importing {count:,} incidents from {name}…").format(
                             count=len(plan.incidents), name=name),
                         self.on_imported, self.on_not_imported)

    def on_imported(self, result: ImportResult) -> None:
        self.result = result
        self.done_text.setText(self.tr("{count:,} incidents imported from {name}.").format(
            count=result.count, name=result.source_name) if result.count != 1 else
            self.tr("1 incident imported from {name}.").format(name=result.source_name))
        if result.new_references == result.count:
            references = self.tr("Each was given a new reference.")
        elif result.new_references == 0:
            references = self.tr("Each kept the reference the file gave it.")
        else:
            references = self.tr("{new:,} were given new references; the others kept the "
                                 "file's.").format(new=result.new_references)
        self.done_detail.setText(references + " " + self.tr(
            "Each incident's history says which file and row it came from."))
        self.imported.emit(result)
        self._show_page(DONE_PAGE)

    def on_not_imported(self, message: str) -> None:
        if message:  # refused (a reference taken since the check, say): check again first
            self.plan = None
        self.summary.setText(message or self.tr("The import was cancelled: nothing was "
                                                "imported."))
        set_tone(self.summary, *ERROR_STYLE)
