"""Reports from the main window, driven as a user drives them: the selected incidents
exported or printed through the preview, the period report, the evidence pack."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from app.models.entities import History
from app.models.incidents import create_incident
from app.models.permissions import Role
from app.models.users import current_username, ensure_user
from app.views.report_actions import EvidencePackDialog, ExportOptionsDialog, PeriodDialog
from tests.conftest import make_draft
from tests.views.conftest import RECEIVED_AT
from tests.views.helpers import click, history_rows, log_row_of_reference, select_incident

pytestmark = pytest.mark.gui


def pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())


@pytest.fixture
def three(db):
    me = ensure_user(current_username())
    return [create_incident(make_draft(received_at=RECEIVED_AT + timedelta(minutes=n),
                                       caller_name=name, owner_id=me.id), me)
            for n, name in enumerate(["Olivia Taylor", "Zoë Ørsted", "Łukasz Wójcik"])]


def answer_options(qtbot, personal_data: bool = False, open_after: bool = False,
                   seen: list | None = None):
    """The options dialog, answered by clicking its boxes; OK."""
    def ask(dialog: ExportOptionsDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.show()
        if seen is not None:
            seen.append(dialog.personal_data.isEnabled())
        if personal_data:
            click(qtbot, dialog.personal_data)
        if open_after:
            click(qtbot, dialog.open_after)
        return True
    return ask


def wait_for(qtbot, job):
    with qtbot.waitSignal(job.finished, timeout=20_000):
        pass
    return job


def test_export_pdf_of_the_shown_incident(qtbot, open_window, dialogs, three, tmp_path):
    window = open_window()
    select_incident(qtbot, window, three[0])
    out = tmp_path / "olivia"
    dialogs.save_files.append(out)  # no extension typed: .pdf is added
    opened = []
    window.reports.ask_options = answer_options(qtbot, open_after=True)
    window.reports.open_url = lambda url: opened.append(url.toLocalFile()) or True
    window.detail.export_report_action.trigger()
    wait_for(qtbot, window.reports.job)
    written = tmp_path / "olivia.pdf"
    text = pdf_text(written)
    assert f"Incident report {three[0].reference}" in text
    assert "Caller O. T." in text and "Olivia Taylor" not in text
    assert opened == [str(written)]
    assert window.statusBar().currentMessage() == f"Wrote {written}"
    assert History.select().where(History.action == "exported",
                                  History.incident == three[0].id).count() == 1
    # the pane shows the export in the audit trail at once
    assert ("Exported", "", "Incident report PDF, personal data masked") in [
        row[-3:] for row in history_rows(window)]


def test_several_rows_make_one_pdf_of_their_reports(qtbot, open_window, dialogs, three,
                                                    tmp_path):
    window = open_window()
    rows = [log_row_of_reference(window, i.reference) for i in three]
    table = window.table
    for n, row in enumerate(rows):
        rect = table.visualRect(window.model.index(row, 2))
        modifier = Qt.KeyboardModifier.ControlModifier if n else Qt.KeyboardModifier(0)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert len(window.selected_references()) == 3
    dialogs.save_files.append(tmp_path / "three.pdf")
    window.reports.ask_options = answer_options(qtbot)
    window.export_pdf_action.trigger()
    wait_for(qtbot, window.reports.job)
    text = pdf_text(tmp_path / "three.pdf")
    assert "Incident reports" in text and "3 incidents" in text
    for incident in three:
        assert f"Incident reports · {incident.reference}" in text
    assert "Evidence checklist" not in text


def test_print_shows_the_preview_and_records_the_export(qtbot, open_window, three):
    window = open_window()
    select_incident(qtbot, window, three[1])
    window.reports.ask_options = answer_options(qtbot)
    window.print_action.trigger()
    job = wait_for(qtbot, window.reports.job)
    preview = job.preview
    qtbot.addWidget(preview)
    assert preview.isVisible() and preview.page_count >= 2
    assert preview.windowTitle().startswith("Incident report")
    assert History.select().where(History.action == "exported").count() == 1


def test_only_a_team_leader_may_tick_personal_data(qtbot, open_window, dialogs, db,
                                                   tmp_path):
    ensure_user(current_username(), role=Role.TEAM_LEADER)
    incident = create_incident(make_draft(received_at=RECEIVED_AT), ensure_user("sam"))
    window = open_window()
    select_incident(qtbot, window, incident)
    seen = []
    dialogs.save_files.append(tmp_path / "internal.pdf")
    window.reports.ask_options = answer_options(qtbot, personal_data=True, seen=seen)
    window.export_pdf_action.trigger()
    wait_for(qtbot, window.reports.job)
    assert seen == [True]
    assert "Olivia Taylor" in pdf_text(tmp_path / "internal.pdf")
    row = History.select().where(History.action == "exported").get()
    assert row.new_value == "Incident report PDF, with the caller's personal data"


def test_an_advisor_sees_the_personal_data_box_disabled(qtbot, db, three):
    advisor = ensure_user(current_username())
    dialog = ExportOptionsDialog("Export PDF", "Incident report", advisor, True)
    qtbot.addWidget(dialog)
    assert not dialog.personal_data.isEnabled()
    assert "Only team leaders" in dialog.personal_data.toolTip()


def test_a_period_ending_before_it_starts_is_named_and_the_dialog_stays(qtbot, db):
    dialog = PeriodDialog(QDate(2026, 11, 24).toPython())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_period(QDate(2026, 11, 20).toPython(), QDate(2026, 11, 10).toPython())
    click(qtbot, dialog.preview_button)
    assert dialog.problem.isVisible()
    assert "ends" in dialog.problem.text() and "before it starts" in dialog.problem.text()
    assert dialog.result() == 0


def test_the_period_report_is_previewed(qtbot, open_window, three):
    window = open_window()

    def ask(dialog: PeriodDialog) -> bool:
        qtbot.addWidget(dialog)
        day = RECEIVED_AT.astimezone().date()
        dialog.set_period(day - timedelta(days=1), day + timedelta(days=1))
        click(qtbot, dialog.preview_button)
        return dialog.result() == 1
    window.reports.ask_period = ask
    window.period_report_action.trigger()
    job = wait_for(qtbot, window.reports.job)
    qtbot.addWidget(job.preview)
    assert job.preview.page_count >= 1


def test_the_evidence_pack_names_unknown_references_then_exports(qtbot, open_window,
                                                                 dialogs, three, tmp_path):
    window = open_window()
    select_incident(qtbot, window, three[0])

    def ask(dialog: EvidencePackDialog) -> bool:
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.chosen() == [three[0].reference]
        dialog.references.setPlainText(f"{three[0].reference}, INC-1999-000001")
        click(qtbot, dialog.export_button)
        assert dialog.problem.text() == ("There is no incident INC-1999-000001 in this "
                                         "database.")
        dialog.references.setPlainText(f"{three[0].reference}\n{three[2].reference}")
        click(qtbot, dialog.export_button)
        return dialog.result() == 1
    window.reports.ask_pack = ask
    dialogs.save_files.append(tmp_path / "pack.pdf")
    window.evidence_pack_action.trigger()
    wait_for(qtbot, window.reports.job)
    text = pdf_text(tmp_path / "pack.pdf")
    assert "Evidence pack" in text and "Evidence checklist" in text
    assert three[2].reference in text and three[1].reference not in text
