"""User actions as operations: each calls the model layer once and announces what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.models import incidents
from app.models.entities import Incident, User
from app.models.incidents import Change
from app.models.lifecycle import Status
from app.models.validation import IncidentDraft


class IncidentOperations(QObject):
    """The actions a user takes on incidents, as the signed-in ``user``."""

    changed = Signal(object)  # a Change

    def __init__(self, user: User, parent: QObject | None = None):
        super().__init__(parent)
        self.user = user

    def create(self, draft: IncidentDraft) -> Incident:
        incident = incidents.create_incident(draft, self.user)
        self.changed.emit(Change(incident.id, created=True))
        return incident

    def update(self, incident_id: int, draft: IncidentDraft, expected_version: int,
               seen_history: int | None = None) -> Change:
        change = incidents.update_incident(incident_id, draft, self.user, expected_version,
                                           seen_history=seen_history)
        if change.fields:
            self.changed.emit(change)
        return change

    def change_status(self, incident_id: int, target: Status, note: str = "") -> Change:
        change = incidents.change_status(incident_id, target, self.user, note)
        self.changed.emit(change)
        return change
