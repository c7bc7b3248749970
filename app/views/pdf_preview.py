"""A PDF shown inside the application before it is printed, saved or opened elsewhere: the
pages scrolling in a ``QPdfView``, zoom, going to a page, printing through ``QPrinter``,
saving a copy, and opening the file in the system's PDF viewer.

Any PDF file will do; a report still to be written goes through :func:`preview_report`,
which writes it off the GUI thread into a private temporary folder and then shows it::

    preview_report(window, lambda path, progress, cancelled: write_incident_report(
                       export, exports, path, organisation, user.display_name, now_utc(),
                       Progress(progress, cancelled)),
                   f"{export.reference}.pdf", window.tr("Incident report"), dialogs)

Printing draws each page as a picture (QtPdf renders pages, it cannot hand them on as
text), a slice at a time on the GUI thread: QtPdf's documents cannot be drawn from two
threads at once.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Generator
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QImage,
    QKeySequence,
    QPageLayout,
    QPainter,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.reports.files import ReportError, write_atomically
from app.reports.progress import NO_PROGRESS, CancelledCheck, Progress, ProgressCallback
from app.views.dialogs import Dialogs
from app.views.report_runner import ReportJob, run_report, run_steps
from app.views.text import tr
from app.views.theme import set_tone

ZOOM_STEP = math.sqrt(2.0)  # two steps double the size, as Qt's own viewer example does
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
# Pages are drawn on the printer as images; 300 dpi prints text crisply while an A4 page
# stays near 35 MB in memory (the printer's own 1,200 dpi would be 16 times that).
PRINT_DPI = 300
STRIP_ROWS = 400  # of a page's picture drawn on the printer at a time (about 3.4 cm)
PDF_FILTER = QT_TRANSLATE_NOOP("PdfPreviewDialog", "PDF files (*.pdf)")

# (printer, parent, number of pages) -> whether to print; tests answer without a dialog
PrinterAsker = Callable[[QPrinter, QWidget | None, int], bool]
UrlOpener = Callable[[QUrl], bool]
# (path to write, progress, cancelled) -> the path written
PdfWriter = Callable[[Path, ProgressCallback, CancelledCheck], Path]

_LOAD_ERRORS = {
    QPdfDocument.Error.FileNotFound: QT_TRANSLATE_NOOP("PdfPreview", "the file is not there"),
    QPdfDocument.Error.InvalidFileFormat: QT_TRANSLATE_NOOP(
        "PdfPreview", "it is not a PDF file, or it is damaged"),
    QPdfDocument.Error.IncorrectPassword: QT_TRANSLATE_NOOP(
        "PdfPreview", "it is protected by a password"),
    QPdfDocument.Error.UnsupportedSecurityScheme: QT_TRANSLATE_NOOP(
        "PdfPreview", "it is protected in a way that cannot be read here"),
    QPdfDocument.Error.DataNotYetAvailable: QT_TRANSLATE_NOOP(
        "PdfPreview", "it has not been read in full"),
    QPdfDocument.Error.Unknown: QT_TRANSLATE_NOOP("PdfPreview", "an unknown error"),
}


class PrintError(ReportError):
    """The PDF cannot be printed; the message says why (and names the file, when printing
    to one)."""


def load_error_text(path: Path, error: QPdfDocument.Error) -> str:
    """What to tell the user when ``path`` cannot be shown: the file and QtPdf's reason."""
    reason = tr("PdfPreview", _LOAD_ERRORS.get(error, _LOAD_ERRORS[QPdfDocument.Error.Unknown]))
    return tr("PdfPreview", "Cannot show {path}: {reason} ({error}).").format(
        path=path, reason=reason, error=error.name)


# --- printing -------------------------------------------------------------------------------
def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 1
                   ) -> tuple[int, int]:
    """The first and last page (counted from 1) the print dialog asked for: all of them, a
    range (kept within the document) or the current page."""
    match printer.printRange():
        case QPrinter.PrintRange.PageRange if printer.fromPage() > 0:
            first, last = printer.fromPage(), printer.toPage() or page_count
        case QPrinter.PrintRange.CurrentPage:
            first = last = current_page
        case _:
            first, last = 1, page_count
    return max(1, first), min(page_count, last)


def _orientation(size: QSizeF) -> QPageLayout.Orientation:
    if size.width() > size.height():
        return QPageLayout.Orientation.Landscape
    return QPageLayout.Orientation.Portrait


def _render(document: QPdfDocument, page: int, size: QSize) -> QImage:
    image = document.render(page, size)
    if image.isNull():
        raise PrintError(tr("PdfPreview", "Page {page} could not be drawn for the printer.")
                         .format(page=page + 1))
    return image


def _on_white(image: QImage, rows: QRect) -> QImage:
    """``rows`` of ``image`` laid on white paper: QtPdf leaves the paper transparent (black
    once the alpha is dropped), and an opaque picture sends no transparency mask."""
    strip = QImage(rows.size(), QImage.Format.Format_RGB32)
    strip.fill(Qt.GlobalColor.white)
    painter = QPainter(strip)
    painter.drawImage(QPoint(0, 0), image, rows)
    painter.end()
    return strip


def print_steps(document: QPdfDocument, printer: QPrinter, from_page: int | None = None,
                to_page: int | None = None) -> Generator[tuple[int, int], None, int]:
    """Print pages of ``document`` on ``printer`` a slice at a time (see :func:`print_pdf`):
    yields (pages printed, pages to print) after each slice, none taking long, and returns
    how many pages were printed. Closing it part way aborts the print run.

    QtPdf's documents cannot be drawn from two threads at once (a view showing one while
    another prints crashes), so printing stays on the GUI thread, in slices between events.
    """
    count = document.pageCount()
    chosen = pages_to_print(printer, count)
    first = max(1, from_page if from_page is not None else chosen[0])
    last = min(count, to_page if to_page is not None else chosen[1])
    pages = range(first - 1, last)
    if not pages:
        return 0
    output = printer.outputFileName()
    if printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not output:
        yield from _print_pages(document, printer, pages)
        return len(pages)
    # Printed to a file: into a scratch file first, so that a print cancelled or failed
    # part way leaves the file chosen as it was.
    target = Path(output)
    if not target.parent.is_dir():
        raise PrintError(tr("PdfPreview", "Cannot write the printed PDF to {path}: the "
                                          "folder {folder} is not there.").format(
            path=target, folder=target.parent))
    handle, scratch = tempfile.mkstemp(prefix="incident-desk-print-", suffix=".pdf")
    os.close(handle)
    try:
        printer.setOutputFileName(scratch)
        yield from _print_pages(document, printer, pages)
        write_atomically(target, lambda part: shutil.copyfile(scratch, part),
                         tr("PdfPreview", "the printed PDF"), PrintError)
    finally:
        printer.setOutputFileName(output)
        Path(scratch).unlink(missing_ok=True)
    return len(pages)


def print_pdf(document: QPdfDocument, printer: QPrinter, from_page: int | None = None,
              to_page: int | None = None, progress: Progress = NO_PROGRESS) -> int:
    """Print the pages of ``document`` on ``printer``, each page drawn at up to
    :data:`PRINT_DPI`, as large as fits the paper and centred on it; each page goes on
    paper turned its way (landscape pages on landscape paper), or is turned to fit where
    the printer cannot change between pages. Printed to a PDF file, the file is replaced
    whole, or (cancelled, failed) not at all.

    Args:
        from_page, to_page: the pages to print, counted from 1, both included; None for
            what the print dialog set on ``printer`` (:func:`pages_to_print`).
        progress: told after each page; a cancellation aborts the print run.

    Returns:
        How many pages were printed.

    Raises:
        PrintError: the printer cannot be started, a page cannot be drawn, or the file
            printed to cannot be written.
        ReportCancelled: the user cancelled (the print run is aborted).
    """
    steps = print_steps(document, printer, from_page, to_page)
    shown = -1
    try:
        while True:
            done, total = next(steps)
            if done != shown:
                progress.report(done, total)
                shown = done
            progress.check()
    except StopIteration as stop:
        return stop.value
    finally:
        steps.close()


def _print_pages(document: QPdfDocument, printer: QPrinter, pages: range
                 ) -> Generator[tuple[int, int], None, None]:
    dpi = printer.resolution()
    scale = min(dpi, PRINT_DPI) / dpi  # of the image, against the printer's pixels
    painter = QPainter()
    try:
        for n, page in enumerate(pages):
            size = document.pagePointSize(page)
            printer.setPageOrientation(_orientation(size))  # before the page it is for
            if n == 0:
                if not painter.begin(printer):
                    raise PrintError(tr("PdfPreview", "The printer could not be started{to}.")
                                     .format(to=_printer_target(printer)))
            elif not printer.newPage():
                raise PrintError(tr("PdfPreview", "The printer did not take page {page}.")
                                 .format(page=page + 1))
            for _ in _draw_page(painter, printer, document, page, size, scale):
                yield n, len(pages)
            yield n + 1, len(pages)
    except BaseException:  # GeneratorExit too: cancelled
        if painter.isActive():
            printer.abort()
            painter.end()
        raise
    painter.end()


def _printer_target(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return tr("PdfPreview", " (writing to {file})").format(file=printer.outputFileName())
    return tr("PdfPreview", " ({printer})").format(printer=printer.printerName())


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int,
               size: QSizeF, scale: float) -> Generator[None, None, None]:
    """Draw one page as large as fits the paper's printable area, centred on it; yields
    after drawing the page (some 25 ms at 300 dpi) and after each strip of it."""
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    paper = QRect(0, 0, area.width(), area.height())
    # the painter keeps the first page's size: give it this page's
    painter.setViewport(paper)
    painter.setWindow(paper)
    painter.resetTransform()
    turned = (size.width() > size.height()) != (paper.width() > paper.height())
    if turned:  # the paper could not be turned for this page: turn the page instead
        painter.translate(paper.width(), 0)
        painter.rotate(90)
        paper = QRect(0, 0, paper.height(), paper.width())
    fitted = size.scaled(QSizeF(paper.size()), Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF((paper.width() - fitted.width()) / 2,
                    (paper.height() - fitted.height()) / 2, fitted.width(), fitted.height())
    image = _render(document, page, QSize(max(1, round(fitted.width() * scale)),
                                          max(1, round(fitted.height() * scale))))
    yield
    # In strips: a whole A4 page at 300 dpi takes some 110 ms to draw (most of it
    # compressing), too long between two events. Each strip overlaps the next by a printer
    # pixel, so no hairline shows between them.
    step = target.height() / image.height()
    for top in range(0, image.height(), STRIP_ROWS):
        rows = QRect(0, top, image.width(), min(STRIP_ROWS, image.height() - top))
        painter.drawImage(QRectF(target.left(), target.top() + top * step, target.width(),
                                 rows.height() * step + 1), _on_white(image, rows))
        yield


def ask_printer(printer: QPrinter, parent: QWidget | None, page_count: int) -> bool:
    """Qt's print dialog, for all the pages, a range of them or the current one."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("PdfPreview", "Print"))
    dialog.setMinMax(1, page_count)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
    return dialog.exec() == QDialog.DialogCode.Accepted


# --- the dialog -----------------------------------------------------------------------------
class PdfPreviewDialog(QDialog):
    """A PDF file shown page after page, to zoom, print, save elsewhere or open in the
    system's viewer. A file that cannot be read is named, with the reason, in place of
    the pages."""

    printed = Signal(int)  # how many pages went to the printer
    saved = Signal(object)  # the path of the copy

    def __init__(self, path: Path, title: str, dialogs: Dialogs,
                 parent: QWidget | None = None, *, ask_printer: PrinterAsker = ask_printer,
                 open_url: UrlOpener = QDesktopServices.openUrl):
        super().__init__(parent)
        self.path = Path(path)
        self.title = title
        self._dialogs = dialogs
        self.ask_printer = ask_printer
        self.open_url = open_url
        self.print_job: ReportJob | None = None
        self.setObjectName("pdfPreview")
        self.setWindowTitle(self.tr("{title} — preview").format(title=title))
        self.setSizeGripEnabled(True)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.message = QLabel()
        self.message.setObjectName("pdfMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_tone(self.message, "error", bold=True)
        self.message.hide()
        self.status = QLabel()
        self.status.setObjectName("pdfStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.toolbar = self._toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message, 1)
        status_row = QVBoxLayout()
        status_row.setContentsMargins(9, 0, 9, 0)
        status_row.addWidget(self.status)
        layout.addLayout(status_row)

        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self.on_current_page_changed)
        self.view.zoomFactorChanged.connect(self.show_zoom)
        self.view.zoomModeChanged.connect(self.show_zoom)
        self.view.viewport().installEventFilter(self)
        self._load()
        self._fit_to_screen()

    # --- building -------------------------------------------------------------------------
    def _action(self, text: str, name: str, tip: str, slot: Callable[[], None],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
                ) -> QAction:
        """A toolbar action whose tooltip says what it does and its shortcut."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setIconText(text.replace("&", ""))  # the toolbar would drop the "…"
        if shortcut is not None:
            sequence = QKeySequence(shortcut)
            action.setShortcut(sequence)
            tip = f"{tip} ({sequence.toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _toolbar(self) -> QToolBar:
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("pdfToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.zoom_out_action = self._action(
            self.tr("Zoom &out"), "zoomOut", self.tr("Make the pages smaller"),
            self.on_zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("8888%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.toolbar.addWidget(self.zoom_label)
        self.zoom_in_action = self._action(
            self.tr("Zoom &in"), "zoomIn", self.tr("Make the pages larger"),
            self.on_zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.fit_width_action = self._action(
            self.tr("Fit &width"), "fitWidth", self.tr("Pages as wide as the window"),
            self.on_fit_width, "Ctrl+2")
        self.fit_page_action = self._action(
            self.tr("Fit &page"), "fitPage", self.tr("A whole page in the window"),
            self.on_fit_page, "Ctrl+0")
        self.toolbar.addSeparator()
        page_label = QLabel(self.tr("Page"))
        page_label.setContentsMargins(6, 0, 4, 0)
        self.toolbar.addWidget(page_label)
        self.page_box = QSpinBox()
        self.page_box.setObjectName("pageBox")
        self.page_box.setKeyboardTracking(False)  # go to the page on Enter, not per digit
        self.page_box.setAccessibleName(self.tr("Page"))
        self.page_box.setToolTip(self.tr("The page shown; type a page number and press "
                                         "Enter to go to it"))
        self.page_box.valueChanged.connect(self.on_page_chosen)
        page_label.setBuddy(self.page_box)
        self.toolbar.addWidget(self.page_box)
        self.page_count_label = QLabel()
        self.page_count_label.setObjectName("pageCount")
        self.page_count_label.setContentsMargins(4, 0, 6, 0)
        self.toolbar.addWidget(self.page_count_label)
        self.toolbar.addSeparator()
        self.print_action = self._action(
            self.tr("&Print…"), "printPdf", self.tr("Print the pages"), self.on_print,
            QKeySequence.StandardKey.Print)
        self.save_action = self._action(
            self.tr("&Save as…"), "savePdfAs", self.tr("Save a copy of the PDF"),
            self.on_save_as, QKeySequence.StandardKey.Save)
        self.open_action = self._action(
            self.tr("Open in &viewer"), "openInViewer",
            self.tr("Open the PDF in this computer's PDF viewer"), self.on_open_in_viewer,
            "Ctrl+Shift+O")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer = self.toolbar.addWidget(spacer)
        self.close_action = self._action(
            self.tr("&Close"), "closePreview", self.tr("Close the preview"), self.reject,
            QKeySequence.StandardKey.Close)
        return self.toolbar

    def _load(self) -> None:
        error = self.document.load(str(self.path))
        self.load_error = None if error == QPdfDocument.Error.None_ else error
        pages = self.document.pageCount() if self.load_error is None else 0
        # nothing to zoom, page through, print or save: only Close is left on the toolbar
        for action in self.toolbar.actions():
            if action not in (self.close_action, self._spacer):
                action.setEnabled(pages > 0)
                action.setVisible(pages > 0)
        self.page_box.setRange(1 if pages else 0, pages)
        self.page_count_label.setText(self.tr("of {pages}").format(pages=pages))
        self.status.setText(str(self.path) if pages else "")
        if self.load_error is not None:
            self.view.hide()
            self.message.setText(load_error_text(self.path, self.load_error))
            self.message.show()
        self.show_zoom()

    def _fit_to_screen(self) -> None:
        """A size to read an A4 page by, within the screen."""
        screen = self.screen().availableGeometry()
        self.resize(min(900, screen.width()), min(1000, int(screen.height() * 0.9)))

    # --- what is shown ------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.load_error is None else 0

    @property
    def current_page(self) -> int:
        """The page shown, counted from 1."""
        return self.view.pageNavigator().currentPage() + 1

    def zoom(self) -> float:
        """How large the current page is shown, 1.0 being its size on paper; worked out
        for the fit modes (QPdfView keeps its last custom factor meanwhile)."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.page_count:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(self.current_page - 1) * (
            self.view.logicalDpiX() / 72)
        margins = self.view.documentMargins()
        width = self.view.viewport().width() - margins.left() - margins.right()
        if mode == QPdfView.ZoomMode.FitToWidth:
            return width / page.width()
        height = self.view.viewport().height() - self.view.pageSpacing()
        return min(width / page.width(), height / page.height())

    @Slot()
    def show_zoom(self) -> None:
        self.zoom_label.setText(f"{round(self.zoom() * 100)}%" if self.page_count else "")

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.show_zoom()  # a fit mode's zoom follows the window
        return super().eventFilter(watched, event)

    @Slot(int)
    def on_current_page_changed(self, page: int) -> None:
        """The page box follows the scrolling."""
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.show_zoom()

    @Slot(int)
    def on_page_chosen(self, page: int) -> None:
        self.go_to_page(page)

    def go_to_page(self, page: int) -> None:
        """Scroll to the top of ``page`` (counted from 1)."""
        if 1 <= page <= self.page_count:
            navigator = self.view.pageNavigator()
            navigator.jump(page - 1, QPoint(), navigator.currentZoom())

    # --- zoom -----------------------------------------------------------------------------
    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(MAX_ZOOM, max(MIN_ZOOM, factor)))
        self.show_zoom()

    @Slot()
    def on_zoom_in(self) -> None:
        self._set_zoom(self.zoom() * ZOOM_STEP)

    @Slot()
    def on_zoom_out(self) -> None:
        self._set_zoom(self.zoom() / ZOOM_STEP)

    @Slot()
    def on_fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    @Slot()
    def on_fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    # --- print, save, open ------------------------------------------------------------------
    @Slot()
    def on_print(self) -> None:
        """Ask which printer and pages, then print them a slice at a time between events,
        behind a progress dialog with Cancel."""
        if not self.page_count or (self.print_job is not None and not self.print_job.done):
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setFromTo(1, self.page_count)
        if not self.ask_printer(printer, self, self.page_count):
            return
        first, last = pages_to_print(printer, self.page_count, self.current_page)
        self.status.setText(self.tr("Printing…"))
        self.print_job = run_steps(
            self, print_steps(self.document, printer, first, last), self.tr("Print"),
            self.tr("Printing {title}…").format(title=self.title), self._dialogs,
            messages=(PrintError,))
        self.print_job.finished.connect(self.on_printed)
        self.print_job.failed.connect(lambda _: self.status.setText(self.tr("Not printed.")))
        self.print_job.cancelled.connect(
            lambda: self.status.setText(self.tr("Printing cancelled.")))

    @Slot(object)
    def on_printed(self, pages: int) -> None:
        self.status.setText(self.tr("Sent {pages} page(s) to the printer.").format(pages=pages))
        self.printed.emit(pages)

    def _suggested_path(self) -> Path:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return Path(folder) / self.path.name

    @Slot()
    def on_save_as(self) -> Path | None:
        """Copy the PDF where the user says, whole or not at all.

        Returns:
            Where it was saved; None if cancelled or it could not be.
        """
        target = self._dialogs.save_file(self, self.tr("Save the PDF as"),
                                         self._suggested_path(), self.tr(PDF_FILTER))
        if target is None:
            return None
        if not target.suffix:
            target = target.with_name(f"{target.name}.pdf")
            # the picker asked about the name without ".pdf", not this one
            if target.exists() and not self._dialogs.confirm(
                    self, self.tr("Replace the file?"),
                    self.tr("{path} is already there. Replace it?").format(path=target)):
                return None
        if target.exists() and target.resolve() == self.path.resolve():
            self.status.setText(self.tr("The PDF is already saved as {path}.").format(
                path=target))
            return target
        try:
            write_atomically(target, lambda part: shutil.copyfile(self.path, part),
                             self.tr("the PDF"))
        except ReportError as exc:
            self._dialogs.error(self, self.tr("PDF not saved"), str(exc))
            return None
        self.status.setText(self.tr("Saved as {path}.").format(path=target))
        self.saved.emit(target)
        return target

    @Slot()
    def on_open_in_viewer(self) -> bool:
        """Open the file in the program this computer opens PDF files with."""
        if self.open_url(QUrl.fromLocalFile(str(self.path))):
            return True
        self._dialogs.error(
            self, self.tr("PDF not opened"),
            self.tr("No program on this computer opened {path}. Save a copy with Save "
                    "as… and open it from there.").format(path=self.path))
        return False


# --- a report written, then shown -------------------------------------------------------------
def preview_report(parent: QWidget | None, write: PdfWriter, file_name: str, title: str,
                   dialogs: Dialogs, label: str = "") -> ReportJob:
    """Write a report off the GUI thread into a temporary folder of the user's own, then
    show it in a :class:`PdfPreviewDialog`.

    Args:
        write: ``write(path, progress, cancelled)`` writes the PDF to ``path`` and returns
            it (raising ``ReportCancelled`` when ``cancelled()``).
        file_name: the file's name, offered again by Save as ("INC-000123.pdf").
        title: what the report is ("Incident report"): the progress and preview titles.
        label: the progress dialog's text ("Writing the incident report…").

    Returns:
        The job; once it has finished, ``job.preview`` is the dialog shown.
    """
    folder = Path(tempfile.mkdtemp(prefix="incident-desk-"))  # readable by the user only
    target = folder / file_name
    job = run_report(parent, lambda progress, cancelled: write(target, progress, cancelled),
                     title, label or tr("PdfPreview", "Writing the report…"), dialogs)
    job.preview = None

    def on_finished(path: Path) -> None:
        dialog = PdfPreviewDialog(Path(path), title, dialogs, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        job.preview = dialog
        dialog.show()

    def on_not_written(*_) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    job.finished.connect(on_finished)
    job.failed.connect(on_not_written)
    job.cancelled.connect(on_not_written)
    return job
