"""Every write operation of the model layer, tried by each role: exactly the roles allowed
succeed, the others get RolePermissionError (an assessor changes nothing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.models.accounts import add_user, change_role, set_active, set_passwords_required
from app.models.backup import set_keep_days
from app.models.clock import now_utc
from app.models.communications import CommunicationDraft, record_communication
from app.models.entities import ConfigChange, History, Incident
from app.models.escalating import EscalationRequest, escalate
from app.models.escalation_matrix import load_escalation_matrix, save_escalation_matrix
from app.models.handover import HandoverDraft, ItemDraft, offer
from app.models.incident_record import check_export
from app.models.incident_transfer import check_rows, export_incidents, import_incidents, read_table
from app.models.incidents import (
    change_status,
    create_incident,
    draft_from_incident,
    update_incident,
)
from app.models.lifecycle import Status
from app.models.organisation import save_organisation
from app.models.permissions import Role, RolePermissionError
from app.models.personal_data import set_retention_months
from app.models.problems import ProblemDraft, create_problem
from app.models.reviews import set_required_priorities, start_review
from app.models.satisfaction import record_satisfaction
from app.models.service_levels import load_service_levels, save_service_levels
from app.models.support import SupportDraft, record_support
from app.models.teams import create_team
from app.models.users import ensure_user
from tests.conftest import make_draft
from tests.models.test_incident_transfer import GOOD, write_csv

EVERYONE_BUT_ASSESSORS = {Role.ADVISOR, Role.TEAM_LEADER, Role.ADMINISTRATOR}
LEADERS = {Role.TEAM_LEADER, Role.ADMINISTRATOR}
ADMINISTRATORS = {Role.ADMINISTRATOR}


def _incident(by, **changes) -> Incident:
    now = now_utc()
    return create_incident(make_draft(received_at=now - timedelta(hours=1), owner_id=by.id,
                                      **changes), ensure_user("sam.advisor"), now=now)


def _resolved(by) -> Incident:
    incident = _incident(by)
    change_status(incident.id, Status.RESOLVED, ensure_user("sam.advisor"), note="Fixed")
    return Incident.get_by_id(incident.id)


def _prioritised(by) -> None:
    incident = _incident(by)
    draft = replace(draft_from_incident(incident), priority_override=1,
                    priority_override_reason="Whole site down")
    update_incident(incident.id, draft, by, incident.version)


def _import(by, tmp_path) -> None:
    path = write_csv(tmp_path / "in.csv", [{**GOOD, "reference": ""}])
    plan = check_rows(read_table(path))
    assert plan.problems == []
    import_incidents(plan, by, path.name)


OPERATIONS = {
    "create incident": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: create_incident(
        make_draft(received_at=now_utc() - timedelta(hours=1)), by)),
    "update incident": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: update_incident(
        (i := _incident(by)).id, replace(draft_from_incident(i), summary="Changed"), by,
        i.version)),
    "change status": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: change_status(
        _incident(by).id, Status.IN_PROGRESS, by)),
    "prioritise": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: _prioritised(by)),
    "escalate": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: escalate(
        _incident(by).id, EscalationRequest("hierarchical", "L2", "phone", "Needs authority",
                                            "The script", now_utc()), by)),
    "record update": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: record_communication(
        _incident(by).id, CommunicationDraft("caller", "phone", "We are on it", now_utc(),
                                             recipient="Olivia Taylor"), by)),
    "hand over": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: offer(HandoverDraft(
        ensure_user("alex.colleague", "Alex").id, "phone",
        (ItemDraft(_incident(by).id, "Call back"),)), by)),
    "record support": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: record_support(SupportDraft(
        ensure_user("alex.colleague", "Alex").id, "guidance", "chat", "Calmed the caller",
        now_utc()), by)),
    "raise problem": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: create_problem(
        ProblemDraft("Billing keeps failing"), by)),
    "start review": (LEADERS, lambda by, tmp: start_review(_resolved(by).id, by)),
    "review priorities": (LEADERS, lambda by, tmp: set_required_priorities([1], by)),
    "record satisfaction": (EVERYONE_BUT_ASSESSORS, lambda by, tmp: record_satisfaction(
        (i := _resolved(by)).id, 5, "", "phone", i.resolved_at, by)),
    "import": (LEADERS, _import),
    "export with personal data": (LEADERS, lambda by, tmp: (
        _incident(by), export_incidents(tmp / "out.csv", by=by))),
    "export redacted": (set(Role), lambda by, tmp: check_export(by, personal_data=False)),
    "service levels": (LEADERS, lambda by, tmp: save_service_levels(load_service_levels(), by)),
    "escalation matrix": (LEADERS, lambda by, tmp: save_escalation_matrix(
        load_escalation_matrix(), by)),
    "teams": (LEADERS, lambda by, tmp: create_team("Billing", by)),
    "organisation": (LEADERS, lambda by, tmp: save_organisation("Acme Support", None, by)),
    "add user": (ADMINISTRATORS, lambda by, tmp: add_user("new.one", "New One", Role.ADVISOR,
                                                          by)),
    "change role": (ADMINISTRATORS, lambda by, tmp: change_role(
        ensure_user("alex.colleague", "Alex").id, Role.TEAM_LEADER, by)),
    "deactivate user": (ADMINISTRATORS, lambda by, tmp: set_active(
        ensure_user("alex.colleague", "Alex").id, False, by)),
    "require passwords": (ADMINISTRATORS, lambda by, tmp: set_passwords_required(False, by)),
    "backups": (LEADERS, lambda by, tmp: set_keep_days(14, by)),
    "data protection": (LEADERS, lambda by, tmp: set_retention_months(24, by)),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_only_the_roles_allowed_can_write(db, tmp_path, role, operation):
    ensure_user("ada.admin", "Ada Admin", Role.ADMINISTRATOR)  # never the last one
    ensure_user("sam.advisor", "Sam Advisor")
    by = ensure_user("someone", "Someone", role)
    allowed, work = OPERATIONS[operation]
    if role in allowed:
        work(by, tmp_path)
        return
    changes_before = ConfigChange.select().count(), History.select().count()
    with pytest.raises(RolePermissionError):
        work(by, tmp_path)
    logged_first = {"update incident", "change status", "prioritise", "escalate",
                    "record update", "hand over", "start review", "record satisfaction",
                    "export with personal data"}  # these logged their incident first
    if operation not in logged_first:
        assert (ConfigChange.select().count(), History.select().count()) == changes_before


def test_an_assessor_is_told_who_can(db):
    assessor = ensure_user("ann.assessor", "Ann Assessor", Role.ASSESSOR)
    with pytest.raises(RolePermissionError) as caught:
        create_incident(make_draft(), assessor)
    assert str(caught.value) == ("Ann Assessor is assessor; only an administrator or an "
                                 "advisor or a team leader can do this.")
