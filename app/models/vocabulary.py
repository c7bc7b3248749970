"""The fixed vocabularies of an incident record: channels, caller types, impact and urgency."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How the incident reached the contact centre."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    RADIO = "radio"
    WALK_IN = "walk_in"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


_CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.CHAT: "Chat",
    Channel.SOCIAL: "Social media",
    Channel.RADIO: "Radio",
    Channel.WALK_IN: "Walk-in",
}


class CallerType(StrEnum):
    """Who is reporting the incident."""

    CUSTOMER = "customer"
    COLLEAGUE = "colleague"
    THIRD_PARTY = "third_party"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return _CALLER_TYPE_LABELS[self]


_CALLER_TYPE_LABELS = {
    CallerType.CUSTOMER: "Customer",
    CallerType.COLLEAGUE: "Colleague",
    CallerType.THIRD_PARTY: "Third party",
    CallerType.PUBLIC: "Member of the public",
}


class Level(StrEnum):
    """A three-step scale, used for both impact and urgency."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


PRIORITY_NAMES = {1: "Critical", 2: "High", 3: "Moderate", 4: "Low", 5: "Planning"}


def priority_label(priority: int) -> str:
    """``P1 Critical`` for 1, and so on."""
    return f"P{priority} {PRIORITY_NAMES[priority]}"


class ContactMethod(StrEnum):
    """How someone is contacted: an escalation, or an update to a stakeholder."""

    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    CHAT = "chat"
    RADIO = "radio"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    ContactMethod.PHONE: "Phone",
    ContactMethod.EMAIL: "Email",
    ContactMethod.SMS: "SMS",
    ContactMethod.CHAT: "Chat",
    ContactMethod.RADIO: "Radio",
    ContactMethod.IN_PERSON: "In person",
}


class HandoverMethod(StrEnum):
    """How colleagues talk to each other: a handover given, or support to a colleague."""

    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return _HANDOVER_METHOD_LABELS[self]


_HANDOVER_METHOD_LABELS = {
    HandoverMethod.FACE_TO_FACE: "Face to face",
    HandoverMethod.PHONE: "Phone",
    HandoverMethod.CHAT: "Chat",
    HandoverMethod.EMAIL: "Email",
}


class SupportKind(StrEnum):
    """What kind of help a colleague was given."""

    GUIDANCE = "guidance"
    TOOK_OVER_CALL = "took_over_call"
    SECOND_OPINION = "second_opinion"
    ESCALATION_HELP = "escalation_help"
    WELLBEING_CHECK = "wellbeing_check"

    @property
    def label(self) -> str:
        return _SUPPORT_KIND_LABELS[self]


_SUPPORT_KIND_LABELS = {
    SupportKind.GUIDANCE: "Guidance",
    SupportKind.TOOK_OVER_CALL: "Taking over a call",
    SupportKind.SECOND_OPINION: "Second opinion",
    SupportKind.ESCALATION_HELP: "Escalation help",
    SupportKind.WELLBEING_CHECK: "Wellbeing check after a difficult call",
}
