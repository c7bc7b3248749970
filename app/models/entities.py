"""The peewee models: users, categories, incidents, their history and reference counters."""

from __future__ import annotations

import peewee as pw

from app.models.db import BaseModel, UtcDateTimeField


class AuditError(RuntimeError):
    """Something tried to change or remove a history row."""


class Team(BaseModel):
    """A team of advisors, which the dashboard can be limited to."""

    name = pw.CharField(max_length=80, unique=True)
    position = pw.IntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class User(BaseModel):
    """Somebody who logs, owns or changes incidents."""

    username = pw.CharField(max_length=64, unique=True)
    display_name = pw.CharField(max_length=100)
    role = pw.CharField(max_length=20, default="advisor")
    active = pw.BooleanField(default=True)
    created_at = UtcDateTimeField()
    team = pw.ForeignKeyField(Team, null=True, backref="members", on_delete="RESTRICT")
    password_hash = pw.CharField(max_length=255, default="")  # argon2; empty: none set
    remember_hash = pw.CharField(max_length=64, default="")  # SHA-256 of a remember-me token
    remember_until = UtcDateTimeField(null=True)

    def __str__(self) -> str:
        return self.display_name


class Category(BaseModel):
    """A category (``parent`` is None) or a subcategory of the organisation's list."""

    name = pw.CharField(max_length=80)
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)
    priority_hint = pw.TextField(default="")  # shown by the wizard when it is chosen
    implied_harm = pw.CharField(max_length=20, default="")  # an answer it pre-sets

    class Meta:
        indexes = ((("parent", "name"), True),)

    def __str__(self) -> str:
        return self.name


class Problem(BaseModel):
    """The cause behind one or more incidents, investigated apart from them: an incident
    restores the service, a problem removes the cause (see app.models.problems)."""

    reference = pw.CharField(max_length=20, unique=True)  # PRB-2026-0001
    title = pw.CharField(max_length=200)
    description = pw.TextField(default="")
    status = pw.CharField(max_length=20, index=True)
    root_cause = pw.TextField(default="")
    workaround = pw.TextField(default="")
    known_error_at = UtcDateTimeField(null=True)  # root cause and workaround known
    owner = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = UtcDateTimeField()
    created_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_at = UtcDateTimeField()
    resolved_at = UtcDateTimeField(null=True)
    closed_at = UtcDateTimeField(null=True)
    version = pw.IntegerField(default=1)


class Incident(BaseModel):
    """One incident, from the call that reported it to its closure."""

    reference = pw.CharField(max_length=20, unique=True)
    received_at = UtcDateTimeField(index=True)
    logged_at = UtcDateTimeField()
    logged_by = pw.ForeignKeyField(User, backref="logged", on_delete="RESTRICT")
    channel = pw.CharField(max_length=10)
    caller_name = pw.CharField(max_length=120, index=True)
    caller_phone = pw.CharField(max_length=30, default="")
    caller_email = pw.CharField(max_length=254, default="")
    caller_type = pw.CharField(max_length=12)
    account_ref = pw.CharField(max_length=60, default="")
    location = pw.CharField(max_length=200, default="")
    summary = pw.CharField(max_length=200)
    description = pw.TextField(default="")
    category = pw.ForeignKeyField(Category, backref="+", on_delete="RESTRICT", index=True)
    subcategory = pw.ForeignKeyField(Category, null=True, backref="+", on_delete="RESTRICT")
    impact = pw.CharField(max_length=6)
    urgency = pw.CharField(max_length=6)
    priority = pw.SmallIntegerField(index=True)
    status = pw.CharField(max_length=20, index=True)
    owner = pw.ForeignKeyField(User, null=True, backref="owned", on_delete="RESTRICT",
                               index=True)
    details_confirmed = pw.BooleanField(default=False)
    responded_at = UtcDateTimeField(null=True)
    resolved_at = UtcDateTimeField(null=True)
    closed_at = UtcDateTimeField(null=True)
    resolution = pw.TextField(default="")
    updated_at = UtcDateTimeField()
    version = pw.IntegerField(default=1)
    response_due = UtcDateTimeField(null=True)
    resolution_due = UtcDateTimeField(null=True, index=True)
    response_warn_at = UtcDateTimeField(null=True)  # 75% of the target passed: at risk
    resolution_warn_at = UtcDateTimeField(null=True)
    response_met = pw.BooleanField(null=True)
    resolution_met = pw.BooleanField(null=True)
    prioritisation = pw.TextField(default="")  # the wizard's answers, as JSON
    priority_rationale = pw.TextField(default="")
    priority_override = pw.SmallIntegerField(null=True)  # chosen over the matrix's
    priority_override_reason = pw.TextField(default="")
    anonymised_at = UtcDateTimeField(null=True)  # personal data erased (retention, request)
    escalation_level = pw.SmallIntegerField(default=1)  # highest level escalated to (L1-L4)
    # the earliest escalation the matrix asks for that nobody has made yet; flagged once past
    escalation_due_at = UtcDateTimeField(null=True, index=True)
    problem = pw.ForeignKeyField(Problem, null=True, backref="incidents", on_delete="RESTRICT",
                                 index=True)

    class Meta:
        # The log's usual filter (priority + status + received), answered by the index.
        indexes = ((("priority", "status", "received_at"), False),
                   (("owner", "status"), False))


class History(BaseModel):
    """One append-only line of an incident's audit trail: who changed what, and when.

    Rows are only ever inserted; the product refuses to update or delete them, and the
    database's triggers refuse it too.
    """

    incident = pw.ForeignKeyField(Incident, backref="history", on_delete="RESTRICT")
    at = UtcDateTimeField()
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    action = pw.CharField(max_length=20)
    field = pw.CharField(max_length=40, null=True)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    hash = pw.CharField(max_length=64, default="")  # see app.models.history_chain
    # the digest of a value erased for data protection, which the chain covers in its place
    old_digest = pw.CharField(max_length=64, null=True)
    new_digest = pw.CharField(max_length=64, null=True)

    def save(self, *args, **kwargs):
        if self.id is not None:
            raise AuditError("History rows cannot be changed.")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AuditError("History rows cannot be deleted.")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AuditError("History rows cannot be changed.")

    @classmethod
    def erase_values(cls, row_id: int, **values) -> None:
        """The one change a row allows: values erased for data protection, each with the
        digest of what it replaced (see app.models.personal_data)."""
        if not set(values) <= {"old_value", "new_value", "old_digest", "new_digest"}:
            raise AuditError("Only a history row's values can be erased.")
        super().update(**values).where(cls.id == row_id).execute()

    @classmethod
    def delete(cls):
        raise AuditError("History rows cannot be deleted.")


class HistoryChain(BaseModel):
    """The head of the history's hash chain: the last row's id and hash (one row, id 1)."""

    id = pw.IntegerField(primary_key=True)
    last_id = pw.IntegerField()
    last_hash = pw.CharField(max_length=64)


class ReferenceCounter(BaseModel):
    """The last reference number handed out in a year (``INC-2026-000123``)."""

    year = pw.IntegerField(primary_key=True)
    last = pw.IntegerField(default=0)


class PriorityRule(BaseModel):
    """One cell of the priority matrix: impact x urgency -> priority."""

    impact = pw.CharField(max_length=6)
    urgency = pw.CharField(max_length=6)
    priority = pw.SmallIntegerField()

    class Meta:
        indexes = ((("impact", "urgency"), True),)


class SlaTarget(BaseModel):
    """How soon a priority must be responded to and resolved, and on which clock."""

    priority = pw.SmallIntegerField(primary_key=True)
    respond_minutes = pw.IntegerField()
    resolve_minutes = pw.IntegerField()
    around_the_clock = pw.BooleanField(default=False)


class ServiceHours(BaseModel):
    """Opening hours of one weekday (0 = Monday); no times means closed all day."""

    weekday = pw.SmallIntegerField(primary_key=True)
    opens = pw.CharField(max_length=5, null=True)
    closes = pw.CharField(max_length=5, null=True)


class ClosedDay(BaseModel):
    """A day the organisation is closed besides weekends and bank holidays."""

    day = pw.DateField(primary_key=True)
    reason = pw.CharField(max_length=100, default="")


class Setting(BaseModel):
    """An organisation-wide setting kept with the data (shared by every workstation)."""

    key = pw.CharField(max_length=60, primary_key=True)
    value = pw.TextField()


class SlaPause(BaseModel):
    """A time an incident spent on hold, which its resolution clock does not count."""

    incident = pw.ForeignKeyField(Incident, backref="pauses", on_delete="RESTRICT",
                                  index=True)
    reason = pw.CharField(max_length=20)
    started_at = UtcDateTimeField()
    ended_at = UtcDateTimeField(null=True)


class ConfigChange(BaseModel):
    """A change to the organisation's service-level settings: who, when, what."""

    at = UtcDateTimeField()
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    area = pw.CharField(max_length=20)
    summary = pw.TextField()


class EscalationTarget(BaseModel):
    """A level of the management chain (``L2``) or a team with the skill (``IT``)."""

    code = pw.CharField(max_length=12, primary_key=True)
    kind = pw.CharField(max_length=5)  # "level" or "team"
    name = pw.CharField(max_length=80)
    rank = pw.SmallIntegerField(null=True)  # levels only: 1 (advisor) upwards
    position = pw.IntegerField(default=0)


class EscalationContact(BaseModel):
    """A named person to contact at a level or team."""

    target = pw.ForeignKeyField(EscalationTarget, backref="contacts", on_delete="RESTRICT",
                                column_name="target_code")
    name = pw.CharField(max_length=100)
    role = pw.CharField(max_length=100, default="")
    phone = pw.CharField(max_length=30, default="")
    email = pw.CharField(max_length=254, default="")
    hours = pw.CharField(max_length=100, default="")  # when they can be reached
    position = pw.IntegerField(default=0)


class EscalationRule(BaseModel):
    """For which incidents, after what share of the resolution target (None: at once), to
    which level or team, by which method (and to whom, when a contact is named)."""

    position = pw.IntegerField(default=0)
    priority = pw.SmallIntegerField(null=True)  # None: any priority
    category = pw.ForeignKeyField(Category, null=True, backref="+", on_delete="RESTRICT")
    breach = pw.BooleanField(default=False)  # only for personal data breaches
    share_percent = pw.SmallIntegerField(null=True)
    target = pw.ForeignKeyField(EscalationTarget, backref="+", on_delete="RESTRICT",
                                column_name="target_code")
    method = pw.CharField(max_length=10)
    contact_name = pw.CharField(max_length=100, default="")


class Escalation(BaseModel):
    """An escalation made: to whom, why, what was tried, how, when. The target's names are
    copied, so the record stays as it was if the matrix changes later."""

    incident = pw.ForeignKeyField(Incident, backref="escalations", on_delete="RESTRICT",
                                  index=True)
    at = UtcDateTimeField()  # when it was made
    recorded_at = UtcDateTimeField()
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    kind = pw.CharField(max_length=12)  # "hierarchical" or "functional"
    target_code = pw.CharField(max_length=12)
    target_name = pw.CharField(max_length=80)
    level = pw.SmallIntegerField(null=True)
    contact_name = pw.CharField(max_length=100, default="")
    contact_detail = pw.CharField(max_length=254, default="")
    method = pw.CharField(max_length=10)
    reason = pw.TextField()
    tried = pw.TextField()


class Communication(BaseModel):
    """An update given to a stakeholder: when, to whom, how, what was said, by whom."""

    incident = pw.ForeignKeyField(Incident, backref="communications", on_delete="RESTRICT",
                                  index=True)
    at = UtcDateTimeField()
    recorded_at = UtcDateTimeField()
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    audience = pw.CharField(max_length=12)
    recipient = pw.CharField(max_length=254, default="")  # a name, group or address
    channel = pw.CharField(max_length=10)
    subject = pw.CharField(max_length=200, default="")
    message = pw.TextField()
    reply_awaited = pw.BooleanField(default=False)
    reply_received_at = UtcDateTimeField(null=True)
    delivery = pw.CharField(max_length=8, default="recorded")  # recorded, sent or failed
    delivery_detail = pw.TextField(default="")  # the Message-ID, or why sending failed


class Handover(BaseModel):
    """Incidents offered by one colleague to another: how it was given, and where the offer
    stands (offered, accepted, queried or withdrawn; see app.models.handover)."""

    giver = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=True)
    receiver = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=True)
    offered_at = UtcDateTimeField(index=True)
    method = pw.CharField(max_length=12)  # HandoverMethod
    state = pw.CharField(max_length=10, index=True)
    decided_at = UtcDateTimeField(null=True)  # accepted, queried or withdrawn
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    query_reason = pw.TextField(default="")
    shift_note = pw.TextField(default="")


class HandoverItem(BaseModel):
    """One incident of a handover: the facts as they stood when it was offered, and what the
    giver added."""

    handover = pw.ForeignKeyField(Handover, backref="items", on_delete="RESTRICT", index=True)
    incident = pw.ForeignKeyField(Incident, backref="+", on_delete="RESTRICT", index=True)
    position = pw.IntegerField(default=0)
    status = pw.CharField(max_length=20)  # the incident's, when offered
    sla_left = pw.CharField(max_length=80, default="")
    last_update = pw.TextField(default="")
    next_action = pw.TextField(default="")
    outstanding_actions = pw.TextField(default="")
    risks = pw.TextField(default="")
    promised_to_caller = pw.TextField(default="")
    # who owned it when offered; ownership moves from them on acceptance
    previous_owner = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")


class SupportRecord(BaseModel):
    """Help given to a colleague: evidence for an assessor."""

    at = UtcDateTimeField(index=True)  # when the support was given
    recorded_at = UtcDateTimeField()
    supporter = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=True)
    supported = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    incident = pw.ForeignKeyField(Incident, null=True, backref="+", on_delete="RESTRICT",
                                  index=True)
    kind = pw.CharField(max_length=20)  # SupportKind
    method = pw.CharField(max_length=12)  # HandoverMethod
    outcome = pw.TextField()
    notes = pw.TextField(default="")


class ProblemEvent(BaseModel):
    """One line of a problem's audit trail: who changed what, and when."""

    problem = pw.ForeignKeyField(Problem, backref="events", on_delete="RESTRICT", index=True)
    at = UtcDateTimeField()
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    action = pw.CharField(max_length=20)
    field = pw.CharField(max_length=40, null=True)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)


class ProblemCounter(BaseModel):
    """The last problem reference number handed out in a year (``PRB-2026-0001``)."""

    year = pw.IntegerField(primary_key=True)
    last = pw.IntegerField(default=0)


class IncidentReview(BaseModel):
    """The post-incident review of an incident: a draft until it is completed."""

    incident = pw.ForeignKeyField(Incident, backref="+", on_delete="RESTRICT", unique=True)
    status = pw.CharField(max_length=10, index=True)  # draft or completed
    root_cause = pw.TextField(default="")
    five_whys = pw.TextField(default="[]")  # JSON list of the answers, in order
    contributing_factors = pw.TextField(default="")
    went_well = pw.TextField(default="")
    lessons_learned = pw.TextField(default="")
    started_at = UtcDateTimeField()
    started_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_at = UtcDateTimeField()
    updated_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    completed_at = UtcDateTimeField(null=True)
    completed_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    version = pw.IntegerField(default=1)


class ImprovementAction(BaseModel):
    """Something a review decided to improve: what, who owns it, by when, where it stands."""

    review = pw.ForeignKeyField(IncidentReview, backref="actions", on_delete="RESTRICT",
                                index=True)
    position = pw.IntegerField(default=0)
    description = pw.TextField()
    owner = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=True)
    due_on = pw.DateField()
    status = pw.CharField(max_length=12)  # open, in_progress, done, cancelled
    done_at = UtcDateTimeField(null=True)
    created_at = UtcDateTimeField()

    class Meta:
        indexes = ((("status", "due_on"), False),)


class Satisfaction(BaseModel):
    """The caller's satisfaction after the incident: a score from 1 to 5 and a comment."""

    incident = pw.ForeignKeyField(Incident, backref="+", on_delete="RESTRICT", unique=True)
    score = pw.SmallIntegerField()
    comment = pw.TextField(default="")
    method = pw.CharField(max_length=10)  # how it was given: phone, email, sms, survey
    given_at = UtcDateTimeField()
    recorded_at = UtcDateTimeField()
    recorded_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


ALL_MODELS = (Team, User, Category, Incident, History, ReferenceCounter, PriorityRule, SlaTarget,
              ServiceHours, ClosedDay, Setting, SlaPause, ConfigChange, HistoryChain,
              EscalationTarget, EscalationContact, EscalationRule, Escalation, Communication,
              Handover, HandoverItem, SupportRecord, Problem, ProblemEvent, ProblemCounter,
              IncidentReview, ImprovementAction, Satisfaction)
