"""The core's models. Importing this package registers every core table."""

from core.models.audit import AuditLog, AuditRead
from core.models.base import Archivable, SiteOwned, Timestamps, UTCDateTime
from core.models.building import UNIT_STATUSES, Building, Unit
from core.models.day import DayTick, DayWeather, MorningNote, MorningNoteRead, WorkLogRemark
from core.models.handin import HandIn
from core.models.idempotency import SubmissionKey
from core.models.imports import IMPORT_KINDS, IMPORT_STATUSES, ImportBatch
from core.models.jobs import JOB_RUN_STATUSES, JobRun
from core.models.outbox import OUTBOX_STATUSES, OutboxMessage
from core.models.plugin import PluginEnablement
from core.models.resident import (
    CONTACT_KINDS,
    OCCUPANCY_ROLES,
    Contact,
    Occupancy,
    Pet,
    Resident,
    Vehicle,
)
from core.models.site import LOCALES, SITE_KINDS, Organization, Site
from core.models.staff import ButlerAssignment, Membership, RecoveryCode, User, UserSession

__all__ = [
    "CONTACT_KINDS",
    "IMPORT_KINDS",
    "IMPORT_STATUSES",
    "Contact",
    "ImportBatch",
    "JOB_RUN_STATUSES",
    "LOCALES",
    "OCCUPANCY_ROLES",
    "OUTBOX_STATUSES",
    "SITE_KINDS",
    "UNIT_STATUSES",
    "Archivable",
    "AuditLog",
    "AuditRead",
    "Building",
    "ButlerAssignment",
    "DayTick",
    "DayWeather",
    "HandIn",
    "MorningNote",
    "MorningNoteRead",
    "JobRun",
    "Membership",
    "Occupancy",
    "Organization",
    "OutboxMessage",
    "Pet",
    "RecoveryCode",
    "PluginEnablement",
    "Resident",
    "Site",
    "SiteOwned",
    "SubmissionKey",
    "Timestamps",
    "UTCDateTime",
    "Unit",
    "User",
    "UserSession",
    "Vehicle",
    "WorkLogRemark",
]
