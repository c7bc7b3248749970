"""Every input of the main windows has a name a screen reader announces."""

from datetime import date

import pytest

from app.models.db import parse_target
from app.models.incidents import create_incident
from app.views.about_dialog import AboutDialog
from app.views.accessibility import unnamed_inputs
from app.views.backups_dialog import BackupsDialog
from app.views.communication_dialog import CommunicationDialog
from app.views.data_protection_dialog import DataProtectionDialog
from app.views.database_dialog import DatabaseDialog
from app.views.database_password_dialog import DatabasePasswordDialog
from app.views.email_settings_dialog import EmailSettingsDialog
from app.views.escalate_dialog import EscalateDialog
from app.views.escalation_dialog import EscalationMatrixDialog
from app.views.incident_form import IncidentForm
from app.views.operations import IncidentOperations
from app.views.organisation_editor import OrganisationDialog
from app.views.password_dialog import ChangePasswordDialog
from app.views.prioritisation_wizard import PrioritisationWizard
from app.views.report_actions import EvidencePackDialog, ExportOptionsDialog, PeriodDialog
from app.views.service_levels_dialog import ServiceLevelsDialog
from app.views.sign_in_dialog import SignInDialog
from app.views.teams_dialog import TeamsDialog
from app.views.users_dialog import UsersDialog
from app.views.welcome_dialog import WelcomeDialog
from tests.conftest import make_draft

pytestmark = pytest.mark.gui


@pytest.fixture
def incident(leader):
    return create_incident(make_draft(), leader)


DIALOGS = {
    "incident form": lambda c: IncidentForm(IncidentOperations(c.leader), c.dialogs),
    "prioritisation": lambda c: PrioritisationWizard(c.incident.category_id, None,
                                                     c.incident.received_at),
    "escalate": lambda c: EscalateDialog(c.incident.id, c.leader),
    "update": lambda c: CommunicationDialog(c.incident.id, c.leader, c.dialogs),
    "email settings": lambda c: EmailSettingsDialog(c.leader, c.dialogs),
    "backups": lambda c: BackupsDialog(c.db_target, c.leader, c.dialogs),
    "data protection": lambda c: DataProtectionDialog(c.leader, c.dialogs),
    "escalation matrix": lambda c: EscalationMatrixDialog(c.leader, c.dialogs),
    "service levels": lambda c: ServiceLevelsDialog(c.leader),
    "export options": lambda c: ExportOptionsDialog("Export PDF", "INC", c.leader, True),
    "period": lambda c: PeriodDialog(date(2026, 11, 24)),
    "evidence pack": lambda c: EvidencePackDialog([c.incident.reference]),
    "teams": lambda c: TeamsDialog(c.leader, c.dialogs),
    "organisation": lambda c: OrganisationDialog(c.leader, c.dialogs),
    "welcome": lambda c: WelcomeDialog(c.leader, c.dialogs),
    "about": lambda c: AboutDialog(c.db_target),
    "change my password": lambda c: ChangePasswordDialog(c.leader, c.dialogs),
    "users": lambda c: UsersDialog(c.leader, c.dialogs),
    "sign in": lambda c: SignInDialog(str(c.db_target), c.dialogs),
    "database": lambda c: DatabaseDialog(c.db_target, c.dialogs,
                                         choice_file=c.tmp_path / "database.json"),
    "database password": lambda c: DatabasePasswordDialog(
        parse_target("postgresql://sam@db.example.org/incidents"), "", None, True),
}


class Context:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_every_input_has_a_spoken_name(qtbot, name, leader, incident, dialogs, db_target,
                                       tmp_path):
    window = DIALOGS[name](Context(leader=leader, incident=incident, dialogs=dialogs,
                                   db_target=db_target, tmp_path=tmp_path))
    qtbot.addWidget(window)
    window.show()
    pages = [window.page(i) for i in window.pageIds()] if hasattr(window, "pageIds") else []
    assert unnamed_inputs(window) == [], name
    for page in pages:  # a wizard's other pages, as they will be shown
        assert unnamed_inputs(page) == [], page.title()
