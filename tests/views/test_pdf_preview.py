"""The PDF preview: a real ReportLab PDF shown, paged through, zoomed, printed to a PDF file
(read back with pdfinfo and pdftoppm), saved as a copy and opened in the system viewer."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton, QToolButton

from app.reports.progress import Progress, ReportCancelled
from app.views import report_runner
from app.views.pdf_preview import PdfPreviewDialog, preview_report, print_pdf
from tests.views.sample_pdf import BANDS, page_bands, pdf_pages, pdf_text, write_sample_pdf

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
A4 = (595.0, 842.0)  # points, as pdfinfo rounds them
A4_LANDSCAPE = (842.0, 595.0)


@pytest.fixture
def sample(tmp_path) -> Path:
    """Five pages, the fourth landscape, each with a band of its own colour."""
    folder = tmp_path / "report"
    folder.mkdir()
    return write_sample_pdf(folder / "INC-000123.pdf")


class PrintDialogAnswers:
    """The print dialog's seam: prints to a PDF file, with the pages chosen as a user
    would choose them in the dialog."""

    def __init__(self, output: Path, pages: tuple[int, int] | None = None,
                 current_page: bool = False, accept: bool = True):
        self.output, self.pages, self.current_page, self.accept = (output, pages,
                                                                    current_page, accept)
        self.asked: list[int] = []  # the page count each dialog was given

    def __call__(self, printer: QPrinter, parent, page_count: int) -> bool:
        self.asked.append(page_count)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.output))
        if self.pages:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*self.pages)
        elif self.current_page:
            printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
        return self.accept


class Opener:
    def __init__(self, works: bool = True):
        self.urls: list[QUrl] = []
        self.works = works

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url)
        return self.works


@pytest.fixture
def open_preview(qtbot, dialogs):
    def opener(path: Path, **seams) -> PdfPreviewDialog:
        dialog = PdfPreviewDialog(path, "Incident report", dialogs, **seams)
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitActive(dialog):
            dialog.activateWindow()
        return dialog
    return opener


def tool_button(dialog: PdfPreviewDialog, name: str) -> QToolButton:
    action = dialog.findChild(type(dialog.print_action), name)
    button = dialog.toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton) and button.isVisible(), name
    return button


def click(qtbot, dialog: PdfPreviewDialog, name: str) -> None:
    qtbot.mouseClick(tool_button(dialog, name), Qt.MouseButton.LeftButton)


def go_to_page(qtbot, dialog: PdfPreviewDialog, page: int) -> None:
    """Type the page number into the page box and press Enter."""
    box = dialog.page_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(box, str(page))
    qtbot.keyClick(box, Qt.Key.Key_Return)


def print_and_wait(qtbot, dialog: PdfPreviewDialog) -> int:
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_P, CTRL)
    return printed.args[0]


# --- showing and paging -------------------------------------------------------------------
def test_the_pages_are_counted_and_the_page_box_goes_to_a_page_and_follows_the_scroll(
        qtbot, open_preview, sample):
    dialog = open_preview(sample)

    assert dialog.page_count_label.text() == "of 5"
    assert dialog.page_box.value() == 1
    assert dialog.view.pageMode() == QPdfView.PageMode.MultiPage
    assert "Incident report" in dialog.windowTitle()
    assert dialog.status.text() == str(sample)

    scroll = dialog.view.verticalScrollBar()
    go_to_page(qtbot, dialog, 3)
    qtbot.waitUntil(lambda: dialog.current_page == 3)
    at_page_3 = scroll.value()
    assert at_page_3 > 0
    assert dialog.page_box.value() == 3

    scroll.setValue(scroll.maximum())  # dragged to the end, as a user would
    qtbot.waitUntil(lambda: dialog.page_box.value() == 5)
    scroll.setValue(0)
    qtbot.waitUntil(lambda: dialog.page_box.value() == 1)
    assert dialog.page_box.maximum() == 5  # no page past the last to type


def test_zoom_in_and_out_from_fit_width_then_fit_the_page(qtbot, open_preview, sample):
    dialog = open_preview(sample)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    fitted = dialog.zoom()
    shown = dialog.zoom_label.text()
    assert shown == f"{round(fitted * 100)}%"

    click(qtbot, dialog, "zoomIn")
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert dialog.view.zoomFactor() == pytest.approx(fitted * 2 ** 0.5)
    assert dialog.zoom_label.text() != shown

    qtbot.keyClick(dialog, Qt.Key.Key_Minus, CTRL)  # zoom out, from the keyboard
    qtbot.keyClick(dialog, Qt.Key.Key_Minus, CTRL)
    assert dialog.view.zoomFactor() == pytest.approx(fitted / 2 ** 0.5)

    click(qtbot, dialog, "fitPage")
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert dialog.zoom() < fitted  # a whole A4 page is less wide than the window
    qtbot.keyClick(dialog, Qt.Key.Key_2, CTRL)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_the_tooltips_name_the_shortcuts(open_preview, sample):
    dialog = open_preview(sample)
    tips = {name: dialog.findChild(type(dialog.print_action), name).toolTip()
            for name in ("printPdf", "savePdfAs", "zoomIn", "zoomOut", "fitWidth",
                         "fitPage", "openInViewer")}
    assert "(Ctrl+P)" in tips["printPdf"]
    assert "(Ctrl+S)" in tips["savePdfAs"]
    assert "(Ctrl++)" in tips["zoomIn"]
    assert "(Ctrl+-)" in tips["zoomOut"]
    assert "(Ctrl+2)" in tips["fitWidth"]
    assert "(Ctrl+0)" in tips["fitPage"]
    assert "(Ctrl+Shift+O)" in tips["openInViewer"]
    assert tool_button(dialog, "printPdf").text() == "Print…"


@pytest.mark.parametrize(("content", "reason"), [
    (b"Name,Phone\nOlivia Taylor,0161 496 0123\n", "it is not a PDF file, or it is damaged"),
    (b"%PDF-1.4\n1 0 obj", "it is not a PDF file, or it is damaged"),  # cut short
    (None, "the file is not there"),
])
def test_a_file_that_is_no_pdf_is_named_with_the_reason(qtbot, open_preview, tmp_path,
                                                         content, reason):
    path = tmp_path / "report.pdf"
    if content is not None:
        path.write_bytes(content)

    dialog = open_preview(path)

    assert dialog.message.isVisible()
    assert not dialog.view.isVisible()
    assert dialog.message.text().startswith(f"Cannot show {path}: {reason}")
    for name in ("printPdf", "savePdfAs", "zoomIn", "openInViewer"):
        action = dialog.findChild(type(dialog.print_action), name)
        assert not action.isEnabled() and not action.isVisible()
    assert not dialog.page_box.isVisible()
    assert tool_button(dialog, "closePreview").isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


# --- printing -----------------------------------------------------------------------------
def test_print_sends_every_page_the_landscape_one_on_landscape_paper(
        qtbot, open_preview, sample, tmp_path):
    answers = PrintDialogAnswers(tmp_path / "printed.pdf")
    dialog = open_preview(sample, ask_printer=answers)

    assert print_and_wait(qtbot, dialog) == 5

    assert answers.asked == [5]
    assert pdf_pages(answers.output) == [A4, A4, A4, A4_LANDSCAPE, A4]
    assert page_bands(answers.output, tmp_path) == BANDS[:5]  # each page, in order
    # the pages go to the printer as pictures: there is no text in them to read
    assert pdf_text(answers.output).strip() == ""
    assert "Sample incident report — page 3" in pdf_text(sample)
    assert dialog.status.text() == "Sent 5 page(s) to the printer."


def test_print_a_range_of_pages(qtbot, open_preview, sample, tmp_path):
    answers = PrintDialogAnswers(tmp_path / "printed.pdf", pages=(3, 4))
    dialog = open_preview(sample, ask_printer=answers)

    assert print_and_wait(qtbot, dialog) == 2

    assert pdf_pages(answers.output) == [A4, A4_LANDSCAPE]
    assert page_bands(answers.output, tmp_path) == [BANDS[2], BANDS[3]]


def test_print_the_current_page(qtbot, open_preview, sample, tmp_path):
    answers = PrintDialogAnswers(tmp_path / "printed.pdf", current_page=True)
    dialog = open_preview(sample, ask_printer=answers)
    go_to_page(qtbot, dialog, 2)
    qtbot.waitUntil(lambda: dialog.current_page == 2)

    assert print_and_wait(qtbot, dialog) == 1

    assert page_bands(answers.output, tmp_path) == [BANDS[1]]


def test_a_print_dialog_cancelled_prints_nothing(qtbot, open_preview, sample, tmp_path):
    answers = PrintDialogAnswers(tmp_path / "printed.pdf", accept=False)
    dialog = open_preview(sample, ask_printer=answers)
    with qtbot.assertNotEmitted(dialog.printed, wait=300):
        click(qtbot, dialog, "printPdf")
    assert answers.asked == [5]
    assert dialog.print_job is None
    assert not answers.output.exists()


def test_cancel_while_printing_stops_and_leaves_no_file(qtbot, open_preview, dialogs, sample,
                                                        tmp_path, monkeypatch):
    monkeypatch.setattr(report_runner, "SHOW_AFTER_MS", 0)  # the progress shown at once
    answers = PrintDialogAnswers(tmp_path / "printed.pdf")
    dialog = open_preview(sample, ask_printer=answers)

    click(qtbot, dialog, "printPdf")
    progress = dialog.print_job.progress_dialog
    qtbot.waitUntil(lambda: progress.isVisible() and progress.value() >= 1, timeout=20_000)
    assert progress.maximum() == 5
    assert progress.labelText() == "Printing Incident report…"
    with qtbot.waitSignal(dialog.print_job.cancelled, timeout=10_000):
        qtbot.mouseClick(progress.findChild(QPushButton, "cancelWork"),
                         Qt.MouseButton.LeftButton)

    assert not answers.output.exists()
    assert dialog.status.text() == "Printing cancelled."
    assert dialogs.calls == []


def test_print_pdf_keeps_to_the_pages_there_are(qapp, sample, tmp_path):
    document = QPdfDocument()
    assert document.load(str(sample)) == QPdfDocument.Error.None_
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    assert print_pdf(document, printer, from_page=4, to_page=12) == 2

    assert pdf_pages(tmp_path / "printed.pdf") == [A4_LANDSCAPE, A4]
    assert print_pdf(document, printer, from_page=7) == 0


def test_a_print_cancelled_midway_leaves_the_file_printed_to_as_it_was(qapp, sample,
                                                                       tmp_path):
    output = tmp_path / "printed.pdf"
    output.write_text("an earlier print")
    document = QPdfDocument()
    document.load(str(sample))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(output))
    done: list[int] = []

    with pytest.raises(ReportCancelled):
        print_pdf(document, printer, progress=Progress(lambda page, _: done.append(page),
                                                       lambda: done[-1] >= 2))

    assert done == [0, 1, 2]  # pages printed, told as each is done
    assert output.read_text() == "an earlier print"
    assert sorted(os.listdir(tmp_path)) == ["printed.pdf", "report"]  # no partial file
    assert printer.outputFileName() == str(output)


def test_printing_to_a_folder_that_is_not_there_says_so(qtbot, open_preview, dialogs, sample,
                                                        tmp_path):
    output = tmp_path / "gone" / "printed.pdf"
    dialog = open_preview(sample, ask_printer=PrintDialogAnswers(output))

    click(qtbot, dialog, "printPdf")
    qtbot.waitUntil(lambda: dialog.print_job.done, timeout=20_000)

    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "Print")
    assert text.startswith(f"Cannot write the printed PDF to {output}: ")
    assert dialog.status.text() == "Not printed."


# --- save as, open in viewer --------------------------------------------------------------
def test_save_as_copies_the_pdf_where_the_user_says(qtbot, open_preview, dialogs, sample,
                                                    tmp_path):
    target = tmp_path / "kept" / "incident.pdf"
    target.parent.mkdir()
    dialogs.save_files.append(target)
    dialog = open_preview(sample)

    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)

    assert saved.args == [target]
    assert dialogs.calls[0][:2] == ("save_file", "Save the PDF as")
    assert dialogs.calls[0][2].endswith("INC-000123.pdf")  # the file's own name offered
    assert target.read_bytes() == sample.read_bytes()
    assert os.listdir(target.parent) == ["incident.pdf"]  # no temporary file left
    assert dialog.status.text() == f"Saved as {target}."


def test_save_as_without_pdf_at_the_end_asks_before_replacing_that_file(
        open_preview, dialogs, sample, tmp_path):
    (tmp_path / "notes.pdf").write_text("the user's own file")
    dialogs.save_files.append(tmp_path / "notes")  # typed without ".pdf"
    dialogs.answers.append(False)  # do not replace notes.pdf
    dialog = open_preview(sample)

    assert dialog.on_save_as() is None

    assert dialogs.kinds() == ["save_file", "confirm"]
    assert (tmp_path / "notes.pdf").read_text() == "the user's own file"


@pytest.mark.parametrize("where", ["missing folder", "file for a folder", "read-only folder"])
def test_save_as_where_it_cannot_be_written_says_so_and_leaves_nothing(
        open_preview, dialogs, sample, tmp_path, where):
    folder = tmp_path / "out"
    if where == "file for a folder":
        folder.write_text("not a folder")
    elif where == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder.mkdir()
        folder.chmod(0o500)
    target = folder / "incident.pdf"
    dialogs.save_files.append(target)
    before = sorted(os.listdir(tmp_path))
    dialog = open_preview(sample)

    assert dialog.on_save_as() is None

    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "PDF not saved")
    assert text.startswith(f"Cannot write the PDF to {target}: ")
    assert sorted(os.listdir(tmp_path)) == before
    if folder.is_dir():
        assert os.listdir(folder) == []
    assert dialog.status.text() == str(sample)  # the file shown, as before


def test_open_in_viewer_hands_the_file_to_the_desktop(qtbot, open_preview, dialogs, sample):
    opener = Opener()
    dialog = open_preview(sample, open_url=opener)

    click(qtbot, dialog, "openInViewer")

    assert opener.urls == [QUrl.fromLocalFile(str(sample))]
    assert dialogs.calls == []


def test_no_program_to_open_pdfs_is_said(qtbot, open_preview, dialogs, sample):
    dialog = open_preview(sample, open_url=Opener(works=False))

    qtbot.keyClick(dialog, Qt.Key.Key_O, CTRL | Qt.KeyboardModifier.ShiftModifier)

    kind, title, text = dialogs.calls[-1]
    assert (kind, title) == ("error", "PDF not opened")
    assert str(sample) in text


# --- a report written, then previewed -------------------------------------------------------
def test_preview_report_writes_the_pdf_then_shows_it(qtbot, dialogs):
    def write(path: Path, progress, cancelled) -> Path:
        return write_sample_pdf(path, pages=3)

    job = preview_report(None, write, "INC-000123.pdf", "Incident report", dialogs)
    with qtbot.waitSignal(job.finished, timeout=20_000) as finished:
        pass
    dialog = job.preview
    path = finished.args[0]
    try:
        assert path.name == "INC-000123.pdf"
        assert oct(path.parent.stat().st_mode & 0o777) == "0o700"  # the user's own folder
        assert dialog.isVisible()
        assert dialog.page_count_label.text() == "of 3"
        assert dialog.path == path
    finally:
        dialog.close()  # and deleted: it was shown to be closed and forgotten
        shutil.rmtree(path.parent)
