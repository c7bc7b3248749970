"""Incident Desk: log, prioritise, escalate and report contact-centre incidents."""

APP_NAME = "Incident Desk"
ORGANISATION = "Incident Desk"
__version__ = "0.1.0"
