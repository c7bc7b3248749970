"""The main window: the incident log with its filters, and the selected incident beside it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import peewee
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.models import handover
from app.models.accounts import passwords_required
from app.models.clock import format_local, now_utc
from app.models.db import ConnectionLostError
from app.models.drafts import DraftError, DraftStore
from app.models.edit_conflicts import history_mark
from app.models.incident_log import IncidentLog, LogFilter
from app.models.incidents import (
    Change,
    IncidentNotFoundError,
    StaleIncidentError,
    draft_from_incident,
    get_incident,
    incident_pauses,
)
from app.models.permissions import Permission, can
from app.models.personal_data import retention_months
from app.models.prioritisation import apply_outcome
from app.models.sign_in import forget
from app.models.sla import ClockState
from app.models.validation import IncidentDraft, ValidationError
from app.views.data_actions import DataActions
from app.views.detail_pane import DetailPane
from app.views.dialogs import Dialogs
from app.views.filter_bar import FilterBar
from app.views.incident_table_model import IncidentTableModel
from app.views.live_refresh import LiveRefresh, kept_as_left
from app.views.operations import IncidentOperations
from app.views.report_actions import ReportActions
from app.views.report_runner import ReportJob
from app.views.text import clock_text
from app.views.theme import note_html, set_note
from app.views.transfer_actions import TransferActions
from app.views.widgets import make_action

if TYPE_CHECKING:
    from app.models.backup import Restored
    from app.views.backups_dialog import BackupsDialog
    from app.views.communication_dialog import CommunicationDialog
    from app.views.data_protection_dialog import DataProtectionDialog
    from app.views.email_settings_dialog import EmailSettingsDialog
    from app.views.escalate_dialog import EscalateDialog
    from app.views.escalation_dialog import EscalationMatrixDialog
    from app.views.handover_panel import HandoverPanel
    from app.views.incident_form import IncidentForm
    from app.views.password_dialog import ChangePasswordDialog
    from app.views.prioritisation_wizard import PrioritisationWizard
    from app.views.service_levels_dialog import ServiceLevelsDialog
    from app.views.users_dialog import UsersDialog

# Each column wide enough for a typical value in the table's own font; nature gets the rest.
COLUMN_SAMPLES = ("INC-2026-000000", "00/00/0000 00:00", "Agnieszka Robinson", "",
                  "Security or data breach", "P3 Moderate", "Resolve: breached 23h 59m ago",
                  "On hold: awaiting customer", "Kwame Mensah")
CLOCK_TICK_MS = 30_000  # the SLA column moves on twice a minute
NATURE_WIDTH = 300
BACKUP_CHECK_MS = 3_600_000  # whether today's backup is due, looked at hourly
NOTIFY_LIMIT = 50  # my at-risk incidents looked at per clock tick
NOTIFY_MAX = 3  # notifications at most per tick; the banner counts the rest


class MainWindow(QMainWindow):
    """The log on the left, the selected incident on the right."""

    def __init__(self, operations: IncidentOperations, dialogs: Dialogs, settings: QSettings,
                 database_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self._operations = operations
        self._dialogs = dialogs
        self._settings = settings
        self._database_path = database_path
        # set when the user signs out: the start-up loop asks the next person to sign in
        self.signed_out = False
        self.form: IncidentForm | None = None
        self.drafts = DraftStore(database_path, operations.user.username)
        self.setWindowTitle(f"{APP_NAME} — {database_path.name}")

        self.filter_bar = FilterBar(operations.user.id)
        self.banner = QLabel()
        self.banner.setObjectName("slaBanner")
        self.banner.setWordWrap(True)
        set_note(self.banner, "banner", margin=6, bold=True)
        self.banner.linkActivated.connect(self.on_banner_link)
        self.banner.hide()
        self.model = IncidentTableModel(self)
        self.model.set_filter(self.filter_bar.current_filter())
        self.table = QTableView()
        self.table.setObjectName("incidentLog")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows may be chosen, for one PDF of their reports (Ctrl or Shift + click)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed heights: with a million rows the view must not measure each one.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(COLUMN_SAMPLES):
            width = metrics.horizontalAdvance(sample) + 20 if sample else NATURE_WIDTH
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self._pane_fills = 0  # times the pane was read for a row made current (select_incident)
        self.table.selectionModel().currentRowChanged.connect(self.on_current_row_changed)
        self.table.doubleClicked.connect(self.on_edit)

        self.detail = DetailPane(operations)
        self.detail.edit_requested.connect(self.open_form)
        self.detail.prioritise_requested.connect(self.open_wizard)
        self.detail.escalate_requested.connect(self.open_escalate)
        self.detail.update_requested.connect(self.open_update)
        self.reports = ReportActions(self, operations.user, dialogs, self.selected_references)
        self.data = DataActions(self, operations.user, dialogs, database_path,
                                lambda: self.detail.incident_id)
        self.data.incidents_changed.connect(self.on_refresh)
        self.data.incident_changed.connect(self.on_data_changed)
        self.data.show_incident.connect(self.on_show_incident)
        self.data.show_incidents.connect(self.on_show_incidents)
        self.transfer = TransferActions(self, operations.user, dialogs)
        self.transfer.incidents_changed.connect(self.on_refresh)
        self.transfer.status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.detail.problem_requested.connect(self.data.open_link_problem)
        self.detail.open_problem_requested.connect(self.data.open_problem)
        self.detail.satisfaction_requested.connect(self.data.open_satisfaction)
        self.reports.exported.connect(lambda _ids: self.detail.show_incident(
            self.detail.incident_id))
        self.reports.status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.detail.print_requested.connect(
            lambda incident_id: self.report_on(incident_id, self.reports.print_selection))
        self.detail.export_requested.connect(
            lambda incident_id: self.report_on(incident_id, self.reports.export_selection))
        self.escalate_dialog: EscalateDialog | None = None
        self.update_dialog: CommunicationDialog | None = None
        self.matrix_dialog: EscalationMatrixDialog | None = None
        self.wizard: PrioritisationWizard | None = None
        self.service_levels: ServiceLevelsDialog | None = None
        self.backups: BackupsDialog | None = None
        self.data_protection: DataProtectionDialog | None = None
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.banner)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(QLabel(str(database_path)))

        # handovers and support: hidden until asked for, or until a handover awaits me; the
        # panel (six tabs and their lists) is made when first shown (issue 9)
        self._handover_panel: HandoverPanel | None = None
        self.handover_dock = QDockWidget(self.tr("Handovers and support"), self)
        self.handover_dock.setObjectName("handoverDock")
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.handover_dock)
        self.handover_dock.setVisible(bool(handover.pending_for(operations.user)))
        self.handover_dock.visibilityChanged.connect(self.on_handover_dock_shown)

        self._make_actions()
        self._offer_what_the_role_may()
        self.filter_bar.filter_changed.connect(self.on_filter_changed)
        operations.changed.connect(self.on_incident_changed)
        self.model.modelReset.connect(self.on_model_reset)
        self.on_model_reset()
        self._restore_layout()
        self._warned: set[int] | None = None  # at risk when last looked: told already
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(CLOCK_TICK_MS)
        self.clock_timer.timeout.connect(self.on_clock_tick)
        self.clock_timer.start()
        self.backup_job: ReportJob | None = None  # the daily backup, while it runs
        self.live_refresh = LiveRefresh(parent=self)  # saves made at other workstations
        self.live_refresh.changed.connect(self.on_live_change)
        self.live_refresh.status.connect(self.statusBar().showMessage)
        self.update_banner()

    @property
    def handover_panel(self) -> HandoverPanel:
        """The handovers and support panel, made the first time it is shown or asked for."""
        if self._handover_panel is None:
            from app.views.handover_panel import HandoverPanel

            panel = HandoverPanel(self._operations, self._dialogs)
            panel.incidents_changed.connect(lambda _ids: self.reload_shown())
            self._handover_panel = panel
            self.handover_dock.setWidget(panel)
        return self._handover_panel

    @Slot(bool)
    def on_handover_dock_shown(self, shown: bool) -> None:
        if shown:
            fresh = self._handover_panel is None
            panel = self.handover_panel
            if not fresh:  # made just now: read already
                panel.refresh()

    def _make_actions(self) -> None:
        def action(text: str, shortcut, slot, tip: str = "") -> QAction:
            return make_action(self, text, shortcut, slot, tip)

        self.new_action = action(self.tr("&New incident…"), QKeySequence.StandardKey.New,
                                 self.on_new)
        self.edit_action = action(self.tr("&Edit incident…"), "Ctrl+E", self.on_edit)
        self.prioritise_action = action(self.tr("&Prioritise…"), "Ctrl+Shift+P",
                                        self.on_prioritise,
                                        self.tr("Prioritise the selected incident"))
        self.escalate_action = action(self.tr("Esc&alate…"), "Ctrl+Shift+E", self.on_escalate,
                                      self.tr("Escalate the selected incident"))
        self.update_action = action(self.tr("Record &update…"), "Ctrl+Shift+U", self.on_update,
                                    self.tr("Record or send an update to a stakeholder"))
        self.matrix_action = action(self.tr("Escalation &matrix…"), "Ctrl+Shift+M",
                                    self.open_matrix,
                                    self.tr("Who is told about which incidents, when and how"))
        self.refresh_action = action(self.tr("&Refresh"), QKeySequence.StandardKey.Refresh,
                                     self.on_refresh)
        self.find_action = action(self.tr("&Find"), QKeySequence.StandardKey.Find, self.on_find)
        self.service_levels_action = action(self.tr("&Service levels…"), "Ctrl+Shift+L",
                                            self.open_service_levels,
                                            self.tr("Priority matrix, SLA targets and "
                                                    "service calendar"))
        self.backups_action = action(self.tr("&Backups…"), "Ctrl+Shift+B", self.open_backups,
                                     self.tr("Back up, restore a backup, and how long "
                                             "backups are kept"))
        self.data_protection_action = action(
            self.tr("&Data protection…"), "Ctrl+Shift+D", self.open_data_protection,
            self.tr("Retention of personal data, subject access and erasure"))
        self.email_action = action(self.tr("&Email…"), "Ctrl+Shift+K", self.open_email_settings,
                                   self.tr("The mail server updates to stakeholders are sent "
                                           "through"))
        self.print_action = action(self.tr("&Print…"), QKeySequence.StandardKey.Print,
                                   self.reports.print_selection,
                                   self.tr("Preview and print the selected incidents' report"))
        self.export_pdf_action = action(self.tr("E&xport PDF…"), "Ctrl+Shift+S",
                                        self.reports.export_selection,
                                        self.tr("Save the selected incidents' report as a "
                                                "PDF"))
        self.period_report_action = action(self.tr("&Period report…"), "Ctrl+Shift+R",
                                           self.reports.period_report,
                                           self.tr("Totals, service levels, escalations and "
                                                   "volumes for a range of days"))
        self.evidence_pack_action = action(self.tr("&Evidence pack…"), "Ctrl+Shift+A",
                                           self.reports.evidence_pack,
                                           self.tr("Chosen incidents for an assessor, with a "
                                                   "checklist each"))
        self.quit_action = action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.users_action = action(self.tr("&Users…"), None, self.open_users,
                                   self.tr("Who may sign in, their roles and passwords"))
        self.users_action.setVisible(can(self._operations.user, Permission.MANAGE_USERS))
        self.password_action = action(self.tr("Change my pass&word…"), None,
                                      self.open_password,
                                      self.tr("Set or change the password you sign in with"))
        self.sign_out_action = action(self.tr("Sign &out…"), None, self.on_sign_out,
                                      self.tr("Forget this computer's remembered sign-in "
                                              "and close"))
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addActions([self.print_action, self.export_pdf_action])
        file_menu.addSeparator()
        file_menu.addActions([self.transfer.import_action, self.transfer.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.data.database_action, self.backups_action])
        file_menu.addSeparator()
        file_menu.addActions([self.password_action, self.sign_out_action, self.quit_action])
        incident_menu = self.menuBar().addMenu(self.tr("&Incident"))
        incident_menu.addActions([self.new_action, self.edit_action, self.prioritise_action,
                                  self.escalate_action, self.update_action])
        incident_menu.addSeparator()
        incident_menu.addActions([self.data.link_problem_action, self.data.review_action,
                                  self.data.satisfaction_action])
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.handover_action = self.handover_dock.toggleViewAction()
        self.handover_action.setText(self.tr("&Handovers and support"))
        self.handover_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        view_menu.addActions([self.find_action, self.refresh_action, self.matrix_action,
                              self.handover_action])
        view_menu.addSeparator()
        view_menu.addActions([self.data.problems_action, self.data.actions_action])
        reports_menu = self.menuBar().addMenu(self.tr("&Reports"))
        reports_menu.addActions([self.print_action, self.export_pdf_action])
        reports_menu.addSeparator()
        reports_menu.addActions([self.period_report_action, self.evidence_pack_action])
        reports_menu.addSeparator()
        reports_menu.addAction(self.data.dashboard_action)
        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        settings_menu.addActions([self.service_levels_action, self.matrix_action,
                                  self.email_action, self.data_protection_action])
        settings_menu.addSeparator()
        settings_menu.addActions([self.data.organisation_action, self.data.teams_action,
                                  self.users_action])
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.data.about_action)
        toolbar = self.addToolBar(self.tr("Incidents"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.new_action, self.edit_action, self.prioritise_action,
                            self.escalate_action, self.update_action, self.refresh_action])

    # --- layout kept between sessions ---------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self._settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 860)
        splitter = self._settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([1120, 560])

    def closeEvent(self, event) -> None:
        if self.form is not None and self.form.isVisible():
            self.form.reject()
            if self.form.isVisible():
                event.ignore()
                return
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/splitter", self.splitter.saveState())
        self.live_refresh.stop()  # closed: no more reading for a window not shown
        super().closeEvent(event)

    def _offer_what_the_role_may(self) -> None:
        """Actions the signed-in user's role may not take are neither shown nor reachable by
        their shortcut (an assessor reads and exports masked reports, changes nothing); the
        model refuses them all the same."""
        user = self._operations.user
        works = can(user, Permission.WORK_INCIDENTS)
        for act, allowed in (
                (self.new_action, works), (self.edit_action, works),
                (self.prioritise_action, works), (self.escalate_action, works),
                (self.update_action, works), (self.data.link_problem_action, works),
                (self.data.satisfaction_action, works),
                (self.transfer.import_action, can(user, Permission.IMPORT_INCIDENTS)),
                (self.transfer.export_action, can(user, Permission.EXPORT_PERSONAL_DATA))):
            act.setVisible(allowed)
            act.setEnabled(allowed)

    # --- selection -------------------------------------------------------------------------
    @Slot()
    def bring_to_front(self) -> None:
        """Shown, restored if minimised, raised and given the keyboard (a second start on
        the same database asks for this)."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        if self.form is not None and self.form.isVisible():  # the open form on top of it
            self.form.raise_()
            self.form.activateWindow()

    def select_incident(self, incident_id: int) -> None:
        """Select ``incident_id`` in the log if it is shown; show it in the pane either way."""
        row = self.model.row_of(incident_id)
        filled = self._pane_fills
        if row is not None:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(index)
        else:
            self.table.selectionModel().clearSelection()
        if self._pane_fills == filled or self.detail.incident_id != incident_id:
            self.detail.show_incident(incident_id)  # not read already as the row became current

    def selected_references(self) -> list[str]:
        """The references of the incidents chosen in the log, in its order; the incident
        shown in the pane when no row is chosen."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        references = [self.model.reference(row) for row in rows]
        references = [r for r in references if r]
        if not references and self.detail.incident_id is not None:
            references = [get_incident(self.detail.incident_id).reference]
        return references

    def report_on(self, incident_id: int, report):
        """Run ``report`` (print or export) on the one incident ``incident_id``."""
        self.select_incident(incident_id)
        return report()

    @Slot(QModelIndex, QModelIndex)
    def on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        incident_id = self.model.incident_id(current.row()) if current.isValid() else None
        if incident_id is not None:
            self.detail.show_incident(incident_id)
            self._pane_fills += 1
            if self.matrix_dialog is not None and self.matrix_dialog.isVisible():
                self.matrix_dialog.show_incident(incident_id)

    @Slot()
    def on_model_reset(self) -> None:
        count = self.model.rowCount()
        self.count_label.setText(self.tr("{count} incidents").format(count=f"{count:,}")
                                 if count != 1 else self.tr("1 incident"))

    # --- actions ---------------------------------------------------------------------------
    @Slot()
    def on_new(self) -> None:
        self.open_form(None)

    @Slot()
    def on_edit(self) -> None:
        incident_id = self.detail.incident_id
        if incident_id is not None and self.edit_action.isEnabled():  # a double-click too
            self.open_form(incident_id)

    @Slot(object)
    def open_form(self, incident_id: int | None,
                  recovered: IncidentDraft | None = None) -> IncidentForm:
        """Open the logging form (window-modal, so the log stays visible behind it)."""
        from app.views.incident_form import IncidentForm

        if self.form is not None and self.form.isVisible():
            self.form.raise_()
            self.form.activateWindow()
            return self.form
        self.form = IncidentForm(self._operations, self._dialogs, incident_id, self,
                                 drafts=self.drafts, recovered=recovered)
        self.form.open()
        return self.form

    def offer_recovered_draft(self) -> IncidentForm | None:
        """After a crash: offer back the incident that was being logged, if one was."""
        try:
            saved = self.drafts.load()
        except DraftError as exc:
            self._dialogs.error(self, self.tr("Unsaved incident"), str(exc))
            return None
        if saved is None:
            return None
        draft = saved.draft
        if self._dialogs.confirm(self, self.tr("Recover the unsaved incident?"), self.tr(
                "An incident you were logging was not saved when Incident Desk last closed "
                "(caller: {caller}; {summary}; last typed {when}).\n\nOpen it again to "
                "finish logging it? No deletes it.").format(
                caller=draft.caller_name.strip() or self.tr("no name yet"),
                summary=draft.summary.strip() or self.tr("no summary yet"),
                when=format_local(saved.saved_at, with_seconds=True))):
            return self.open_form(None, recovered=draft)
        self.drafts.discard()
        return None

    @Slot()
    def on_prioritise(self) -> None:
        if self.detail.incident_id is not None:
            self.open_wizard(self.detail.incident_id)

    @Slot(int)
    def open_wizard(self, incident_id: int) -> PrioritisationWizard:
        """Prioritise a logged incident again; the result is saved when the wizard finishes."""
        from app.views.prioritisation_wizard import PrioritisationWizard

        mark = history_mark(incident_id)  # a refusal lists what others did after it
        incident = get_incident(incident_id)
        self.wizard = PrioritisationWizard.for_draft(
            draft_from_incident(incident), incident_pauses(incident_id), self)
        self.wizard.setWindowTitle(self.tr("Prioritise {reference}").format(
            reference=incident.reference))
        version = incident.version
        self.wizard.accepted.connect(lambda: self.on_wizard_accepted(incident_id, version, mark))
        self.wizard.open()
        return self.wizard

    def on_wizard_accepted(self, incident_id: int, version: int, mark: int | None = None) -> None:
        wizard = self.wizard
        draft = replace(draft_from_incident(get_incident(incident_id)),
                        category_id=wizard.category_id(),
                        subcategory_id=wizard.subcategory_id())
        try:
            self._operations.update(incident_id, apply_outcome(draft, wizard.outcome()),
                                    version, seen_history=mark)
        except (ValidationError, StaleIncidentError) as exc:
            self._dialogs.error(self, self.tr("Priority not saved"), str(exc))

    # --- escalations and updates -------------------------------------------------------------
    @Slot()
    def on_escalate(self) -> None:
        if self.detail.incident_id is not None:
            self.open_escalate(self.detail.incident_id)

    @Slot(int)
    def open_escalate(self, incident_id: int) -> EscalateDialog:
        from app.views.escalate_dialog import EscalateDialog

        self.escalate_dialog = EscalateDialog(incident_id, self._operations.user, self)
        self.escalate_dialog.accepted.connect(
            lambda: self._operations.changed.emit(self.escalate_dialog.change))
        self.escalate_dialog.open()
        return self.escalate_dialog

    @Slot()
    def on_update(self) -> None:
        if self.detail.incident_id is not None:
            self.open_update(self.detail.incident_id)

    @Slot(int)
    def open_update(self, incident_id: int) -> CommunicationDialog:
        from app.views.communication_dialog import CommunicationDialog

        self.update_dialog = CommunicationDialog(incident_id, self._operations.user,
                                                 self._dialogs, self)
        self.update_dialog.recorded.connect(self._operations.changed.emit)
        self.update_dialog.open()
        return self.update_dialog

    @Slot()
    def open_matrix(self) -> EscalationMatrixDialog:
        """The matrix beside the log (not modal): it follows the incident selected."""
        from app.views.escalation_dialog import EscalationMatrixDialog

        if self.matrix_dialog is not None and self.matrix_dialog.isVisible():
            self.matrix_dialog.raise_()
            self.matrix_dialog.activateWindow()
            return self.matrix_dialog
        self.matrix_dialog = EscalationMatrixDialog(self._operations.user, self._dialogs, self)
        self.matrix_dialog.show_incident(self.detail.incident_id)
        self.matrix_dialog.show()
        return self.matrix_dialog

    @Slot()
    def open_users(self) -> UsersDialog:
        from app.views.users_dialog import UsersDialog

        self.users_dialog = UsersDialog(self._operations.user, self._dialogs, self)
        self.users_dialog.open()
        return self.users_dialog

    @Slot()
    def open_password(self) -> ChangePasswordDialog:
        from app.views.password_dialog import ChangePasswordDialog

        self.password_dialog = ChangePasswordDialog(self._operations.user, self._dialogs, self)
        self.password_dialog.open()
        return self.password_dialog

    @Slot()
    def on_sign_out(self) -> None:
        """Forget the remembered sign-in (keyring and database) and close: the next start
        asks for the password again."""
        question = (self.tr("Sign out? This computer will not remember you; the next "
                            "person signs in with their own name and password.")
                    if passwords_required() else
                    self.tr("Sign out and close Incident Desk? This computer will not "
                            "remember you."))
        if self._dialogs.confirm(self, self.tr("Sign out"), question):
            forget(str(self._database_path), self._operations.user)
            self.signed_out = True
            if not self.close():  # a form with changes kept open: still signed in
                self.signed_out = False

    @Slot()
    def open_email_settings(self) -> EmailSettingsDialog:
        from app.views.email_settings_dialog import EmailSettingsDialog

        self.email_settings = EmailSettingsDialog(self._operations.user, self._dialogs, self)
        self.email_settings.saved.connect(lambda changes: self.statusBar().showMessage(
            self.tr("Email settings saved: %n change(s).", "", len(changes)), 10_000))
        self.email_settings.open()
        return self.email_settings

    @Slot()
    def open_service_levels(self) -> ServiceLevelsDialog:
        from app.views.service_levels_dialog import ServiceLevelsDialog

        self.service_levels = ServiceLevelsDialog(self._operations.user, self)
        self.service_levels.accepted.connect(self.on_service_levels_saved)
        self.service_levels.open()
        return self.service_levels

    @Slot()
    def on_service_levels_saved(self) -> None:
        changes = self.service_levels.changes
        self.statusBar().showMessage(
            self.tr("Service levels saved: %n change(s).", "", len(changes)) if changes
            else self.tr("Service levels unchanged."), 10_000)

    # --- backups ---------------------------------------------------------------------------
    @Slot()
    def open_backups(self) -> BackupsDialog:
        from app.views.backups_dialog import BackupsDialog

        self.backups = BackupsDialog(self._database_path, self._operations.user, self._dialogs,
                                     self)
        self.backups.restored.connect(self.on_database_restored)
        self.backups.open()
        return self.backups

    @Slot(object)
    def on_database_restored(self, restored: Restored) -> None:
        """The database was replaced by a backup: everything shown is read again."""
        self._operations.user = restored.user
        self.filter_bar.reload_owners()
        self.reload_shown()
        self._warned = None  # incidents at risk in the backup were warned of before
        self.update_banner()
        self.statusBar().showMessage(self.tr("Backup restored; the database replaced is "
                                             "kept at {aside}").format(aside=restored.aside))

    def reload_shown(self) -> None:
        """Read the log and the selected incident again (many changed at once)."""
        selected = self.detail.incident_id
        self.model.refresh()
        if selected is not None:
            try:
                self.select_incident(selected)
            except IncidentNotFoundError:  # recorded after the backup: gone
                self.detail.show_incident(None)

    # --- data protection -------------------------------------------------------------------
    @Slot()
    def open_data_protection(self) -> DataProtectionDialog:
        from app.views.data_protection_dialog import DataProtectionDialog

        self.data_protection = DataProtectionDialog(self._operations.user, self._dialogs, self)
        self.data_protection.finished.connect(self.on_data_protection_closed)
        self.data_protection.open()
        return self.data_protection

    @Slot()
    def on_data_protection_closed(self) -> None:
        if self.data_protection.changed:
            self.reload_shown()

    def apply_retention_policy(self) -> int:
        """At start-up: erase the personal data past its retention period, whoever is signed
        in (it is the organisation's policy); returns how many incidents it anonymised."""
        from app.views.data_protection_dialog import run_retention

        try:
            count = run_retention(self._operations.user, on_demand=False)
        except peewee.DatabaseError as exc:  # busy or locked: the policy runs next start
            self.statusBar().showMessage(self.tr("The retention policy could not run: {why}")
                                         .format(why=exc))
            return 0
        if count:
            self.reload_shown()
            self.statusBar().showMessage(self.tr(
                "Retention policy: personal data erased from {count} incident(s) closed "
                "more than {months} months ago.").format(count=f"{count:,}",
                                                         months=retention_months()), 30_000)
        return count

    def start_automatic_backups(self) -> None:
        """Back up now if today's backup is missing, then look again every hour."""
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.on_backup_due)
        self.backup_timer.start()
        self.on_backup_due()

    @Slot()
    def on_backup_due(self) -> ReportJob | None:
        """Take today's backup if it is missing, on a worker thread: copying a large
        database takes a while (33 s at 3 GB), and the window stays in use meanwhile (the
        online backup copies a consistent state while others write). None while one runs."""
        from app.models.backup import BackupError, automatic_backup, keep_days

        if self.backup_job is not None:
            return None
        path, days = self._database_path, keep_days()
        job = self.backup_job = ReportJob(self.tr("Automatic backup"), self)
        job.finished.connect(self._on_backed_up)
        job.failed.connect(self._on_backup_failed)
        QThreadPool.globalInstance().start(lambda: job.run(
            lambda _progress, _cancelled: automatic_backup(path, days), (BackupError,)))
        return job

    def _backup_over(self) -> None:
        self.backup_job.deleteLater()
        self.backup_job = None

    @Slot(object)
    def _on_backed_up(self, outcome: tuple) -> None:
        self._backup_over()
        written, _removed = outcome
        if written is not None:
            self.statusBar().showMessage(
                self.tr("Backed up to {path}").format(path=written), 10_000)

    @Slot(str)
    def _on_backup_failed(self, message: str) -> None:
        self._backup_over()
        self._dialogs.notify(self.tr("Automatic backup failed"), message)
        self.statusBar().showMessage(self.tr("Automatic backup failed: ") + message)

    @Slot()
    def on_refresh(self) -> None:
        selected = self.detail.incident_id
        self.filter_bar.reload_owners()
        self.model.refresh()
        if selected is not None:
            try:
                self.select_incident(selected)
            except IncidentNotFoundError:  # gone: a backup restored at another workstation
                self.detail.show_incident(None)

    @Slot()
    def on_live_change(self) -> None:
        """Others saved: the log, the pane and the banner read again, as the user left them;
        an open form is left alone (its save is checked against their changes)."""
        try:
            with kept_as_left(self.table, self.model, self.detail):
                self.on_refresh()
            self.update_banner()
        except ConnectionLostError as exc:  # the server restarting: connected again later
            self.live_refresh.pending = True
            self.statusBar().showMessage(self.live_refresh.lost_message(exc.server), 5_000)
        except peewee.DatabaseError as exc:  # busy (an import writing) or gone a moment
            self.live_refresh.pending = True  # tried again at the next poll
            self.statusBar().showMessage(
                self.tr("Could not read others' changes yet ({reason}); trying again.")
                .format(reason=exc), 5_000)

    @Slot()
    def on_find(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    @Slot(object)
    def on_filter_changed(self, log_filter: LogFilter) -> None:
        selected = self.detail.incident_id
        self.model.set_filter(log_filter)
        if selected is not None and self.model.row_of(selected) is not None:
            self.select_incident(selected)

    @Slot(object)
    def on_incident_changed(self, change: Change) -> None:
        self.model.refresh()
        self.select_incident(change.incident_id)
        self.update_banner()

    @Slot(object)
    def on_data_changed(self, change: Change) -> None:
        """An incident changed in another window (its problem, review or score): the log
        and the pane show it, the log's selection left where the user put it."""
        self.model.refresh()
        if self.detail.incident_id == change.incident_id:
            self.detail.show_incident(change.incident_id)

    @Slot(int)
    def on_show_incident(self, incident_id: int) -> None:
        """Another window asks to see an incident: the log selects it if it shows it, the
        pane shows it either way, and the window comes forward."""
        self.select_incident(incident_id)
        self.bring_to_front()

    @Slot(object, str)
    def on_show_incidents(self, log_filter: LogFilter, description: str) -> None:
        """The dashboard asks for the incidents a bar counted: the log shows them, the
        filter bar names what it shows, and the window comes forward."""
        self.filter_bar.apply_filter(log_filter, description)
        self.bring_to_front()

    @Slot()
    def on_clock_tick(self) -> None:
        """Move the SLA clocks on: the column, the selection kept, the banner."""
        selected = self.detail.incident_id
        try:
            self.model.tick()
            if selected is not None and not self.table.selectionModel().hasSelection():
                self.select_incident(selected)
            self.update_banner()
        except ConnectionLostError as exc:  # the server restarting: the next tick tries again
            self.statusBar().showMessage(self.live_refresh.lost_message(exc.server), 5_000)

    def update_banner(self) -> None:
        """Warn when incidents I own are at risk of breaching, have breached, or wait for an
        escalation the matrix asks for; a desktop notification names each one as it comes
        to that while the window is open."""
        mine = self._operations.user.id
        now = now_utc()
        at_risk_log = IncidentLog(LogFilter(owner_id=mine, sla=ClockState.AT_RISK), now=now)
        at_risk = at_risk_log.count()
        rows = {row.id: row for row in at_risk_log.rows(0, NOTIFY_LIMIT)}
        escalate_log = IncidentLog(LogFilter(owner_id=mine, escalation_overdue=True), now=now)
        to_escalate = escalate_log.count()
        escalate_rows = {row.id: row for row in escalate_log.rows(0, NOTIFY_LIMIT)}
        if self._warned is not None:
            news = [(self.tr("{reference} is about to breach"), row,
                     f"{row.summary} — {clock_text(row.clock, now)}")
                    for i, row in rows.items() if i not in self._warned]
            news += [(self.tr("{reference} needs escalating"), row,
                      f"{row.summary} — " + self.tr("an escalation the matrix asks for is "
                                                    "due"))
                     for i, row in escalate_rows.items() if -i not in self._warned]
            for title, row, text in news[:NOTIFY_MAX]:
                self._dialogs.notify(title.format(reference=row.reference), text)
        # escalations are remembered by negative ids, beside the at-risk ones
        self._warned = set(rows) | {-i for i in escalate_rows}
        breached = IncidentLog(LogFilter(owner_id=mine, sla=ClockState.BREACHED),
                               now=now).count()
        parts = []
        if at_risk:
            parts.append(self.tr("%n of your incidents about to breach", "", at_risk))
        if breached:
            parts.append(self.tr("%n breached", "", breached))
        links = [self.tr("<a href='mine-at-risk'>Show them</a>")] if parts else []
        if to_escalate:
            parts.append(self.tr("%n need(s) escalating", "", to_escalate))
            links.append(self.tr("<a href='mine-to-escalate'>Show those to escalate</a>"))
        self.banner.setVisible(bool(parts))
        if parts:
            self.banner.setText(note_html("banner", "⚠ " + ", ".join(parts) + ". "
                                          + " · ".join(links)))

    @Slot(str)
    def on_banner_link(self, link: str) -> None:
        if link == "mine-to-escalate":
            self.filter_bar.show_mine_to_escalate()
        else:
            self.filter_bar.show_mine_at_risk()
