"""Exports as a user makes them: the permission checked, the PDF written whole, the export
written to each incident's audit trail; and the check that an exported PDF still matches
the database (``verify-export``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.models.clock import now_utc
from app.models.entities import Incident, User
from app.models.incident_record import (
    ExportError,
    IncidentExport,
    check_export,
    exports_of,
    find_incident,
    incident_record,
    record_export,
)
from app.models.organisation import Organisation, organisation
from app.reports.evidence_pack import write_evidence_pack
from app.reports.incident_report import KEYWORD_PREFIX, write_incident_report
from app.reports.progress import NO_PROGRESS, Progress

INCIDENT_REPORT = "Incident report PDF"
INCIDENT_REPORTS = "Incident reports PDF"
EVIDENCE_PACK = "Evidence pack PDF"
MAX_INCIDENTS = 500  # in one export: a pack of more is for nobody to read


@dataclass
class ExportJob:
    """An export prepared on the database's thread: the records read (and masked), ready
    to be written anywhere (no database needed, so on a worker thread), then recorded.

    One incident makes an incident report; several, one PDF of their reports with a cover
    and contents; ``evidence`` makes the assessor's pack, with a checklist per incident.
    """

    items: list[tuple[IncidentExport, list[dict]]]  # each record, with its earlier exports
    incidents: list[Incident]
    by: User
    personal_data: bool
    evidence: bool
    now: datetime
    organisation: Organisation

    @property
    def what(self) -> str:
        if self.evidence:
            return EVIDENCE_PACK
        return INCIDENT_REPORT if len(self.items) == 1 else INCIDENT_REPORTS

    @property
    def exports(self) -> list[IncidentExport]:
        return [export for export, _ in self.items]

    def suggested_name(self) -> str:
        first = self.items[0][0].reference
        if self.evidence:
            return f"Evidence pack {first}.pdf" if len(self.items) == 1 else (
                f"Evidence pack {first} and {len(self.items) - 1} more.pdf")
        return f"{first}.pdf" if len(self.items) == 1 else (
            f"Incident reports {first} and {len(self.items) - 1} more.pdf")

    def write(self, path: Path, progress: Progress = NO_PROGRESS) -> Path:
        """Write the PDF (through a temporary file renamed into place).

        Raises:
            ReportError: the file cannot be written; the message names it.
            ReportCancelled: ``progress`` was cancelled; no file is left.
        """
        name = self.by.display_name
        if len(self.items) == 1 and not self.evidence:
            export, earlier = self.items[0]
            return write_incident_report(export, earlier, Path(path), self.organisation,
                                         name, self.now, progress)
        return write_evidence_pack(self.items, Path(path), self.organisation, name, self.now,
                                   progress, checklists=self.evidence)

    def record(self) -> None:
        """Write the export to each incident's audit trail (once the file is written)."""
        record_export(self.incidents, self.by, self.what, self.personal_data, self.now)


def prepare_export(references: list[str], by: User, personal_data: bool = False,
                   evidence: bool = False, now: datetime | None = None) -> ExportJob:
    """Read the incidents ``references`` (in that order, each once) for an export.

    Raises:
        ExportError: no reference is given, too many are, or some are unknown (all named).
        RolePermissionError: ``by`` may not include personal data (an evidence pack never
            includes it).
    """
    check_export(by, personal_data)
    if evidence and personal_data:
        raise ExportError("An evidence pack never includes the callers' personal data.")
    wanted = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
    if not wanted:
        raise ExportError("Choose at least one incident to export.")
    if len(wanted) > MAX_INCIDENTS:
        raise ExportError(f"{len(wanted):,} incidents are too many for one PDF; choose at "
                          f"most {MAX_INCIDENTS}.")
    incidents, unknown = [], []
    for reference in wanted:
        try:
            incidents.append(find_incident(reference))
        except ExportError:
            unknown.append(reference)
    if unknown:
        raise ExportError(f"There is no incident {', '.join(unknown)} in this database.")
    items = [(incident_record(incident, personal_data), exports_of(incident))
             for incident in incidents]
    return ExportJob(items, incidents, by, personal_data, evidence, now or now_utc(),
                     organisation())


def export_incident(reference: str, path: Path, by: User, personal_data: bool = False,
                    now: datetime | None = None, progress: Progress = NO_PROGRESS
                    ) -> IncidentExport:
    """Write the incident report of ``reference`` to ``path`` and note the export in its
    audit trail; returns what was exported (its fingerprint, say).

    Raises:
        ExportError: no such incident.
        RolePermissionError: ``by`` may not include personal data.
        IncidentReportError: the file cannot be written (nothing is recorded then).
    """
    job = prepare_export([reference], by, personal_data, now=now)
    job.write(path, progress)
    job.record()
    return job.exports[0]


def export_evidence_pack(references: list[str], path: Path, by: User,
                         now: datetime | None = None, progress: Progress = NO_PROGRESS
                         ) -> list[IncidentExport]:
    """Write the incidents ``references`` as an evidence pack to ``path``, the callers'
    data masked, and note the export in each audit trail.

    Raises:
        ExportError: a reference is unknown (all are named), or none is given.
        EvidencePackError: the file cannot be written (nothing is recorded then).
    """
    job = prepare_export(references, by, evidence=True, now=now)
    job.write(path, progress)
    job.record()
    return job.exports


# --- verifying ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """One incident of an export, against the database now."""

    reference: str
    exported: str  # the fingerprint in the file
    current: str | None  # the database's now; None when the incident is no longer there

    @property
    def matches(self) -> bool:
        return self.exported == self.current

    def text(self) -> str:
        if self.current is None:
            return f"{self.reference}: no longer in this database."
        if self.matches:
            return f"{self.reference}: matches the database (fingerprint {self.exported})."
        return (f"{self.reference}: has changed since it was exported (fingerprint in the "
                f"file {self.exported}, in the database now {self.current}).")


def read_fingerprints(path: Path) -> list[tuple[str, str, bool]]:
    """(reference, fingerprint, with personal data) of each incident in an exported PDF.

    Raises:
        ExportError: the file cannot be read, is not a PDF, or is not one of our exports.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = Path(path)
    try:
        with path.open("rb") as file:
            if not file.read(1024).lstrip().startswith(b"%PDF-"):
                raise ExportError(f"{path} is not a PDF file.")
            file.seek(0)
            # pypdf logs what it repairs; the one message the user needs is ours
            logging.getLogger("pypdf").setLevel(logging.ERROR)
            metadata = PdfReader(file).metadata
            keywords = str(metadata.get("/Keywords", "")) if metadata else ""
    except OSError as exc:
        raise ExportError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except (PdfReadError, ValueError) as exc:
        raise ExportError(f"{path} is not a PDF file ({exc}).") from exc
    words = keywords.split()
    if not words or not words[0].startswith(f"{KEYWORD_PREFIX}/"):
        raise ExportError(f"{path} is not an Incident Desk export: it carries no "
                          "fingerprint.")
    found = []
    for word in words[1:]:
        reference, _, rest = word.partition("=")
        digest, _, mode = rest.partition(":")
        if len(digest) != 64 or mode not in ("full", "masked"):
            raise ExportError(f"{path}: the fingerprint of {reference or 'an incident'} in "
                              "its properties is damaged.")
        found.append((reference, digest, mode == "full"))
    if not found:
        raise ExportError(f"{path} is an Incident Desk export without any incident in it.")
    return found


def verify_export(path: Path) -> list[Verdict]:
    """Each incident in the exported PDF at ``path``, compared with the database.

    Raises:
        ExportError: the file is not one of our exports or cannot be read.
    """
    verdicts = []
    for reference, digest, personal_data in read_fingerprints(path):
        try:
            incident = find_incident(reference)
        except ExportError:
            verdicts.append(Verdict(reference, digest, None))
            continue
        verdicts.append(Verdict(reference, digest,
                                incident_record(incident, personal_data).fingerprint))
    return verdicts
