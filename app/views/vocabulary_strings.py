"""The words the windows take from the model layer, listed for pyside6-lupdate.

Written by ``scripts/update_translations.py`` from the enumerations and label tables
of ``app/models``: do not edit. The windows translate them with
``app.views.text.vocabulary``."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

STRINGS = (
    # app.models.communications.Audience
    QT_TRANSLATE_NOOP("Vocabulary", "Caller"),
    QT_TRANSLATE_NOOP("Vocabulary", "Customer group"),
    QT_TRANSLATE_NOOP("Vocabulary", "Department"),
    QT_TRANSLATE_NOOP("Vocabulary", "Manager"),
    QT_TRANSLATE_NOOP("Vocabulary", "Regulator (ICO)"),
    QT_TRANSLATE_NOOP("Vocabulary", "Other stakeholder"),
    # app.models.dashboard_stats.Preset
    QT_TRANSLATE_NOOP("Vocabulary", "Last 7 days"),
    QT_TRANSLATE_NOOP("Vocabulary", "Last 30 days"),
    QT_TRANSLATE_NOOP("Vocabulary", "This month"),
    QT_TRANSLATE_NOOP("Vocabulary", "Last month"),
    QT_TRANSLATE_NOOP("Vocabulary", "This year"),
    QT_TRANSLATE_NOOP("Vocabulary", "Custom"),
    # app.models.handover.HandoverState
    QT_TRANSLATE_NOOP("Vocabulary", "Offered"),
    QT_TRANSLATE_NOOP("Vocabulary", "Accepted"),
    QT_TRANSLATE_NOOP("Vocabulary", "Queried"),
    QT_TRANSLATE_NOOP("Vocabulary", "Withdrawn"),
    # app.models.lifecycle.Status
    QT_TRANSLATE_NOOP("Vocabulary", "New"),
    QT_TRANSLATE_NOOP("Vocabulary", "Assigned"),
    QT_TRANSLATE_NOOP("Vocabulary", "In progress"),
    QT_TRANSLATE_NOOP("Vocabulary", "On hold: awaiting customer"),
    QT_TRANSLATE_NOOP("Vocabulary", "On hold: awaiting third party"),
    QT_TRANSLATE_NOOP("Vocabulary", "Resolved"),
    QT_TRANSLATE_NOOP("Vocabulary", "Closed"),
    QT_TRANSLATE_NOOP("Vocabulary", "Reopened"),
    # app.models.permissions.Role
    QT_TRANSLATE_NOOP("Vocabulary", "Advisor"),
    QT_TRANSLATE_NOOP("Vocabulary", "Team leader"),
    QT_TRANSLATE_NOOP("Vocabulary", "Assessor"),
    QT_TRANSLATE_NOOP("Vocabulary", "Administrator"),
    # app.models.problems.ProblemStatus
    QT_TRANSLATE_NOOP("Vocabulary", "Open"),
    QT_TRANSLATE_NOOP("Vocabulary", "Investigating"),
    QT_TRANSLATE_NOOP("Vocabulary", "Known error"),
    # app.models.reviews.ReviewStatus
    QT_TRANSLATE_NOOP("Vocabulary", "Draft"),
    QT_TRANSLATE_NOOP("Vocabulary", "Completed"),
    # app.models.reviews.ActionStatus
    QT_TRANSLATE_NOOP("Vocabulary", "Done"),
    QT_TRANSLATE_NOOP("Vocabulary", "Cancelled"),
    # app.models.satisfaction.SatisfactionMethod
    QT_TRANSLATE_NOOP("Vocabulary", "Phone"),
    QT_TRANSLATE_NOOP("Vocabulary", "Email"),
    QT_TRANSLATE_NOOP("Vocabulary", "SMS"),
    QT_TRANSLATE_NOOP("Vocabulary", "Survey"),
    # app.models.vocabulary.Channel
    QT_TRANSLATE_NOOP("Vocabulary", "Chat"),
    QT_TRANSLATE_NOOP("Vocabulary", "Social media"),
    QT_TRANSLATE_NOOP("Vocabulary", "Radio"),
    QT_TRANSLATE_NOOP("Vocabulary", "Walk-in"),
    # app.models.vocabulary.CallerType
    QT_TRANSLATE_NOOP("Vocabulary", "Customer"),
    QT_TRANSLATE_NOOP("Vocabulary", "Colleague"),
    QT_TRANSLATE_NOOP("Vocabulary", "Third party"),
    QT_TRANSLATE_NOOP("Vocabulary", "Member of the public"),
    # app.models.vocabulary.Level
    QT_TRANSLATE_NOOP("Vocabulary", "High"),
    QT_TRANSLATE_NOOP("Vocabulary", "Medium"),
    QT_TRANSLATE_NOOP("Vocabulary", "Low"),
    # app.models.vocabulary.ContactMethod
    QT_TRANSLATE_NOOP("Vocabulary", "In person"),
    # app.models.vocabulary.HandoverMethod
    QT_TRANSLATE_NOOP("Vocabulary", "Face to face"),
    # app.models.vocabulary.SupportKind
    QT_TRANSLATE_NOOP("Vocabulary", "Guidance"),
    QT_TRANSLATE_NOOP("Vocabulary", "Taking over a call"),
    QT_TRANSLATE_NOOP("Vocabulary", "Second opinion"),
    QT_TRANSLATE_NOOP("Vocabulary", "Escalation help"),
    QT_TRANSLATE_NOOP("Vocabulary", "Wellbeing check after a difficult call"),
    # app.models.vocabulary.PRIORITY_NAMES
    QT_TRANSLATE_NOOP("Vocabulary", "Critical"),
    QT_TRANSLATE_NOOP("Vocabulary", "Moderate"),
    QT_TRANSLATE_NOOP("Vocabulary", "Planning"),
    # app.models.validation.FIELD_LABELS
    QT_TRANSLATE_NOOP("Vocabulary", "Received"),
    QT_TRANSLATE_NOOP("Vocabulary", "Channel"),
    QT_TRANSLATE_NOOP("Vocabulary", "Caller type"),
    QT_TRANSLATE_NOOP("Vocabulary", "Caller name"),
    QT_TRANSLATE_NOOP("Vocabulary", "Phone / caller ID"),
    QT_TRANSLATE_NOOP("Vocabulary", "Account or asset no."),
    QT_TRANSLATE_NOOP("Vocabulary", "Location"),
    QT_TRANSLATE_NOOP("Vocabulary", "Nature of incident"),
    QT_TRANSLATE_NOOP("Vocabulary", "Caller's description"),
    QT_TRANSLATE_NOOP("Vocabulary", "Category"),
    QT_TRANSLATE_NOOP("Vocabulary", "Subcategory"),
    QT_TRANSLATE_NOOP("Vocabulary", "Impact"),
    QT_TRANSLATE_NOOP("Vocabulary", "Urgency"),
    QT_TRANSLATE_NOOP("Vocabulary", "Owner"),
    QT_TRANSLATE_NOOP("Vocabulary", "Details confirmed back to caller"),
    QT_TRANSLATE_NOOP("Vocabulary", "Status"),
    QT_TRANSLATE_NOOP("Vocabulary", "Priority"),
    QT_TRANSLATE_NOOP("Vocabulary", "Resolution"),
    QT_TRANSLATE_NOOP("Vocabulary", "Prioritisation answers"),
    QT_TRANSLATE_NOOP("Vocabulary", "Priority rationale"),
    QT_TRANSLATE_NOOP("Vocabulary", "Priority override"),
    QT_TRANSLATE_NOOP("Vocabulary", "Reason for override"),
    QT_TRANSLATE_NOOP("Vocabulary", "Response due"),
    QT_TRANSLATE_NOOP("Vocabulary", "Resolution due"),
    QT_TRANSLATE_NOOP("Vocabulary", "Escalation level"),
    QT_TRANSLATE_NOOP("Vocabulary", "Problem"),
    QT_TRANSLATE_NOOP("Vocabulary", "Caller satisfaction"),
    # app.models.lifecycle.NOTE_REQUIRED
    QT_TRANSLATE_NOOP("Vocabulary", "the resolution"),
    QT_TRANSLATE_NOOP("Vocabulary", "why the incident is reopened"),
    QT_TRANSLATE_NOOP("Vocabulary", "what the customer has been asked for"),
    QT_TRANSLATE_NOOP("Vocabulary", "which third party, and what is awaited"),
    # app.models.prioritisation.SCOPE_ANSWERS
    QT_TRANSLATE_NOOP("Vocabulary", "One person"),
    QT_TRANSLATE_NOOP("Vocabulary", "Several people or one team"),
    QT_TRANSLATE_NOOP("Vocabulary", "A site, a department or a group of customers"),
    QT_TRANSLATE_NOOP("Vocabulary", "Many customers, or a whole service is down"),
    # app.models.prioritisation.HARM_ANSWERS
    QT_TRANSLATE_NOOP("Vocabulary", "Someone's safety is at risk"),
    QT_TRANSLATE_NOOP("Vocabulary", "Personal data may have been lost or exposed"),
    QT_TRANSLATE_NOOP("Vocabulary", "Regulatory or legal consequences"),
    QT_TRANSLATE_NOOP("Vocabulary", "Money is being lost or owed"),
    QT_TRANSLATE_NOOP("Vocabulary", "The organisation's reputation is at stake"),
    # app.models.prioritisation.TREND_ANSWERS
    QT_TRANSLATE_NOOP("Vocabulary", "It is getting worse or spreading"),
    QT_TRANSLATE_NOOP("Vocabulary", "It is steady"),
    QT_TRANSLATE_NOOP("Vocabulary", "It is contained"),
    # app.models.prioritisation.WORKAROUND_ANSWERS
    QT_TRANSLATE_NOOP("Vocabulary", "No workaround"),
    QT_TRANSLATE_NOOP("Vocabulary", "A partial or slow workaround"),
    QT_TRANSLATE_NOOP("Vocabulary", "A good workaround"),
    # app.models.prioritisation.DEADLINE_ANSWERS
    QT_TRANSLATE_NOOP("Vocabulary", "Within hours (today)"),
    QT_TRANSLATE_NOOP("Vocabulary", "Within days"),
    QT_TRANSLATE_NOOP("Vocabulary", "No deadline"),
    # app.models.communications.TEMPLATES
    QT_TRANSLATE_NOOP("Vocabulary", "Acknowledgement"),
    QT_TRANSLATE_NOOP("Vocabulary", "Progress update"),
    # app.models.satisfaction.SCORE_LABELS
    QT_TRANSLATE_NOOP("Vocabulary", "Very dissatisfied"),
    QT_TRANSLATE_NOOP("Vocabulary", "Dissatisfied"),
    QT_TRANSLATE_NOOP("Vocabulary", "Neither satisfied nor dissatisfied"),
    QT_TRANSLATE_NOOP("Vocabulary", "Satisfied"),
    QT_TRANSLATE_NOOP("Vocabulary", "Very satisfied"),
    # app.models.reviews.FIELD_LABELS
    QT_TRANSLATE_NOOP("Vocabulary", "Root cause"),
    QT_TRANSLATE_NOOP("Vocabulary", "Contributing factors"),
    QT_TRANSLATE_NOOP("Vocabulary", "What went well"),
    QT_TRANSLATE_NOOP("Vocabulary", "Lessons learned"),
    QT_TRANSLATE_NOOP("Vocabulary", "Improvement actions"),
    QT_TRANSLATE_NOOP("Vocabulary", "Incident"),
    QT_TRANSLATE_NOOP("Vocabulary", "Five whys"),
    QT_TRANSLATE_NOOP("Vocabulary", "Action"),
    QT_TRANSLATE_NOOP("Vocabulary", "Due date"),
    QT_TRANSLATE_NOOP("Vocabulary", "Priorities"),
    QT_TRANSLATE_NOOP("Vocabulary", "Why? 1"),
    QT_TRANSLATE_NOOP("Vocabulary", "Why? 2"),
    QT_TRANSLATE_NOOP("Vocabulary", "Why? 3"),
    QT_TRANSLATE_NOOP("Vocabulary", "Why? 4"),
    QT_TRANSLATE_NOOP("Vocabulary", "Why? 5"),
    # app.models.mail.FIELD_LABELS
    QT_TRANSLATE_NOOP("Vocabulary", "Server"),
    QT_TRANSLATE_NOOP("Vocabulary", "Port"),
    QT_TRANSLATE_NOOP("Vocabulary", "Security"),
    QT_TRANSLATE_NOOP("Vocabulary", "User name"),
    QT_TRANSLATE_NOOP("Vocabulary", "Password"),
    QT_TRANSLATE_NOOP("Vocabulary", "From address"),
    QT_TRANSLATE_NOOP("Vocabulary", "From name"),
    QT_TRANSLATE_NOOP("Vocabulary", "Timeout"),
    # app.models.mail.SECURITY_LABELS
    QT_TRANSLATE_NOOP("Vocabulary", "STARTTLS"),
    QT_TRANSLATE_NOOP("Vocabulary", "SSL/TLS"),
    QT_TRANSLATE_NOOP("Vocabulary", "None (unencrypted)"),
    # app.models.accounts.PASSWORD_RULE
    QT_TRANSLATE_NOOP("Vocabulary", "A password needs at least 10 characters."),
    # app.models.sla.WEEKDAYS
    QT_TRANSLATE_NOOP("Vocabulary", "Monday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Tuesday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Wednesday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Thursday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Friday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Saturday"),
    QT_TRANSLATE_NOOP("Vocabulary", "Sunday"),
    # app.models.service_levels.HOLIDAY_REGIONS
    QT_TRANSLATE_NOOP("Vocabulary", "England and Wales"),
    QT_TRANSLATE_NOOP("Vocabulary", "Scotland"),
    QT_TRANSLATE_NOOP("Vocabulary", "Northern Ireland"),
    QT_TRANSLATE_NOOP("Vocabulary", "None"),
    # app.reports.shift_rows.HANDOVER_HEADINGS
    QT_TRANSLATE_NOOP("Vocabulary", "From → to, how"),
    QT_TRANSLATE_NOOP("Vocabulary", "At handover"),
    QT_TRANSLATE_NOOP("Vocabulary", "Handed over"),
    QT_TRANSLATE_NOOP("Vocabulary", "Outcome"),
    # app.reports.shift_rows.SUPPORT_HEADINGS
    QT_TRANSLATE_NOOP("Vocabulary", "When"),
    QT_TRANSLATE_NOOP("Vocabulary", "Who helped whom, how"),
    QT_TRANSLATE_NOOP("Vocabulary", "Support"),
)
