"""A resident's personal data: everything held about them (an access request) and their
erasure once they have been archived long enough.

Both walk every plugin that is on for the site or ever was (a plugin turned off keeps its
rows), through the hooks ``butler_resident_data`` and ``butler_resident_erase``; the core
answers them too, for its own tables. The helpers below are what a plugin's hooks call:
``rows_of`` for the export, ``delete_rows``, ``blank_rows`` and ``scrub`` for the erasure.

An erasure keeps the resident's row, with every personal field blank and the name replaced
by ``#<id>``: the rows the estate's figures still count (a bill, a service request, an
event's places) keep pointing at it. The audit entry of the erasure holds counts only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from core import audit, audit_guard, clock, search_index, uploads
from core.extensions import db
from core.forms.residents import HomeVisitForm
from core.models import (
    AuditLog,
    Contact,
    HandIn,
    ImportBatch,
    MorningNote,
    Occupancy,
    OutboxMessage,
    Pet,
    Resident,
    Site,
    Vehicle,
    WorkLogRemark,
)
from core.plugins.api import Erased, ResidentRows
from core.plugins.host import CORE, host

# Personal fields of the resident's row and what an erasure leaves in them.
BLANKED = {
    "ref": None,
    "phone": "",
    "phone2": "",
    "email": "",
    "birth_date": None,
    "employer": "",
    "work_phone": "",
    "work_address": "",
    "hobbies": "",
    "emergency_contact_name": "",
    "emergency_contact_phone": "",
    "domestic_helper": "",
    "children_at_school": "",
    "elderly_at_home": "",
    "special_situations": "",
    "notes": "",
    "preferred_locale": "",
    "consent_sms": False,
    "consent_email": False,
}
# The fields whose values are looked for in free text (notes, snapshots, audit details).
IDENTIFYING = (
    "name",
    "ref",
    "phone",
    "phone2",
    "email",
    "work_phone",
    "emergency_contact_name",
    "emergency_contact_phone",
)
# The fields of other residents' records that may name them: the home-visit form's text.
OTHERS_NAMING = tuple(f for f in HomeVisitForm.FIELDS if f != "birth_date")
SHORTEST = 3  # shorter values ("Li") would match unrelated text
# What a signature's key becomes once its file is erased: a row that needs one keeps one,
# and no file can ever be found under it (``uploads.KEY_PATTERN`` refuses it).
ERASED_FILE = "erased"
_FILES_KEY = "butler_erased_files"


# --- Who may be erased, and when -------------------------------------------------------


def label_of(resident: Resident) -> str:
    """What an erased resident is called from then on: ``#<id>``, the same in any language."""
    return f"#{resident.id}"


def identifiers(resident: Resident) -> list[str]:
    """The resident's identifying values, longest first, as free text may hold them."""
    values = {str(getattr(resident, f) or "").strip() for f in IDENTIFYING}
    return sorted((v for v in values if len(v) >= SHORTEST), key=lambda v: (-len(v), v))


def _years_later(moment: datetime, years: int) -> date:
    day = moment.date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the first day after it
        return day.replace(year=day.year + years, month=3, day=1)


def erasable_on(site: Site, resident: Resident) -> date | None:
    """The first day (UTC) the archived ``resident`` may be erased, or None if not archived."""
    if resident.archived_at is None:
        return None
    return _years_later(resident.archived_at, site.erasure_after_years)


def refusal(site: Site, resident: Resident) -> str | None:
    """Why ``resident`` cannot be erased now (a sentence for the page), or None."""
    if resident.erased_at is not None:
        return _("This resident's personal data are already erased.")
    first = erasable_on(site, resident)
    if first is None:
        return _(
            "Only an archived resident can be erased: archive them first, then wait "
            "%(years)s years (the site's setting).",
            years=site.erasure_after_years,
        )
    if clock.now().date() < first:
        return _(
            "This resident was archived less than %(years)s years ago: they can be erased "
            "from %(day)s.",
            years=site.erasure_after_years,
            day=format_date(first, "long"),
        )
    return None


# --- Helpers for the hooks -------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    return value


def rows_of(site: Site, model: type, *where: Any, table: str | None = None) -> ResidentRows:
    """Every column of ``model``'s rows of ``site`` that match ``where``, for the export."""
    columns = model.__table__.columns
    stmt = sa.select(*columns).where(columns.site_id == site.id, *where).order_by(columns.id)
    found = db.session.execute(stmt).mappings().all()
    return ResidentRows(
        table=table or model.__tablename__,
        rows=tuple({key: _plain(value) for key, value in row.items()} for row in found),
    )


def _forget_files(table: Any, condition: Any, files: Iterable[str]) -> None:
    """Note the uploaded files named in the columns ``files`` of the rows of ``condition``:
    ``erase`` removes them once the erasure is committed."""
    for column in files:
        keys = db.session.scalars(sa.select(table.c[column]).where(condition))
        db.session.info.setdefault(_FILES_KEY, []).extend(k for k in keys if k)


def delete_rows(site: Site, model: type, *where: Any, files: Iterable[str] = ()) -> Erased:
    """Delete ``model``'s rows of ``site`` matching ``where``, and the uploaded files that
    the columns ``files`` name."""
    table = model.__table__
    condition = sa.and_(table.c.site_id == site.id, *where)
    _forget_files(table, condition, files)
    deleted = db.session.execute(sa.delete(table).where(condition)).rowcount
    return Erased(table.name, deleted=deleted)


def blank_rows(
    site: Site, model: type, *where: Any, values: Mapping[str, Any], files: Iterable[str] = ()
) -> Erased:
    """Set ``values`` (the personal columns, blanked) on ``model``'s rows of ``site`` that
    match ``where``; the rows stay for the figures that count them. The uploaded files
    that the columns ``files`` named are removed."""
    table = model.__table__
    condition = sa.and_(table.c.site_id == site.id, *where)
    _forget_files(table, condition, files)
    done = db.session.execute(sa.update(table).where(condition).values(**values)).rowcount
    return Erased(table.name, anonymised=done)


def forget_signatures(site: Site, model: type, *where: Any) -> Erased:
    """Delete the drawn signatures' files of ``model``'s rows matching ``where``; the rows
    keep ``ERASED_FILE`` in ``signature_key``, since a handed-over row must name one."""
    return blank_rows(
        site,
        model,
        model.__table__.c.signature_key != "",
        *where,
        values={"signature_key": ERASED_FILE},
        files=["signature_key"],
    )


def mentions(column: Any, texts: Iterable[str]) -> Any:
    """A condition: ``column`` contains one of ``texts`` (a false one when there are none)."""
    found = [column.contains(t, autoescape=True) for t in texts]
    return sa.or_(*found) if found else sa.false()


def naming(model: type, columns: Iterable[str], resident: Resident) -> Any:
    """A condition: one of ``columns`` of ``model`` holds one of the resident's identifiers."""
    texts = identifiers(resident)
    table = model.__table__
    return sa.or_(*(mentions(table.c[n], texts) for n in columns))


def scrub(
    site: Site, model: type, columns: Iterable[str], resident: Resident, *where: Any
) -> Erased:
    """Replace the resident's identifying values by ``#<id>`` wherever the free text of
    ``columns`` (of ``model``'s rows of ``site`` matching ``where``) holds them."""
    texts, label = identifiers(resident), label_of(resident)
    table, names = model.__table__, list(columns)
    found = db.session.execute(
        sa.select(table.c.id, *(table.c[n] for n in names)).where(
            table.c.site_id == site.id, naming(model, names, resident), *where
        )
    ).all()
    for row in found:
        values = {}
        for name, text in zip(names, row[1:], strict=True):
            for value in texts:
                text = text.replace(value, label) if text else text
            values[name] = text
        db.session.execute(sa.update(table).where(table.c.id == row.id).values(**values))
    return Erased(table.name, anonymised=len(found))


def unit_ids(site: Site, resident: Resident) -> list[int]:
    """The units ``resident`` has lived in (now or before): unit rows that copied their name."""
    return list(
        db.session.scalars(
            sa.select(Occupancy.unit_id)
            .where(Occupancy.site_id == site.id, Occupancy.resident_id == resident.id)
            .distinct()
        )
    )


# --- The export ------------------------------------------------------------------------


def _hook(name: str, hook: str):
    return host().hook_of(name, hook)


def collect(site: Site, resident: Resident) -> dict[str, list[ResidentRows]]:
    """Every plugin's rows about ``resident``, by plugin (the core first); empty tables left out."""
    found: dict[str, list[ResidentRows]] = {}
    for name in (CORE, *host().names_ever_enabled(site)):
        sheets = []
        for result in _hook(name, "butler_resident_data")(site=site, resident=resident):
            for part in result if isinstance(result, list | tuple) else [result]:
                if part is not None and part.rows:
                    sheets.append(part)
        if sheets:
            found[name] = sheets
    return found


def record_export(site: Site, resident: Resident, data: dict, fmt: str) -> None:
    """Audit that ``resident``'s data were exported: which format, how many rows; no values."""
    counts = {name: sum(len(part.rows) for part in parts) for name, parts in data.items()}
    audit.record(
        "resident.data_exported", resident, site=site, detail={"format": fmt, "rows": counts}
    )
    db.session.commit()


def document(site: Site, resident: Resident, data: dict[str, list[ResidentRows]]) -> dict:
    """The export as one JSON document: ``{"plugins": {plugin: {table: [row, ...]}}}``."""
    return {
        "site": site.slug,
        "resident_id": resident.id,
        "exported_at": clock.now().isoformat(),
        "plugins": {
            name: {part.table: list(part.rows) for part in parts} for name, parts in data.items()
        },
    }


def _cell(value: Any) -> Any:
    """A value a workbook cell holds: JSON (a visit's form) is written as its text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def sheets(data: dict[str, list[ResidentRows]]) -> list[tuple[str, list[str], list[list]]]:
    """One sheet per plugin: ``(title, header, rows)``, each row starting with its table."""
    out = []
    for name, parts in data.items():
        header: list[str] = []
        for part in parts:
            for row in part.rows:
                header.extend(k for k in row if k not in header)
        rows = [
            [part.table, *(_cell(row.get(k)) for k in header)]
            for part in parts
            for row in part.rows
        ]
        out.append((name, ["table", *header], rows))
    return out


# --- The erasure -----------------------------------------------------------------------


def erase(site: Site, resident: Resident, user: Any) -> list[Erased]:
    """Erase ``resident`` in every plugin and the core, audit it (counts only) and commit.

    The plugins go first, while the resident's row still holds the values they may look
    for; the core blanks that row last. Uploaded files go once the transaction is in.
    """
    done: list[Erased] = []
    for name in (*host().names_ever_enabled(site), CORE):
        for result in _hook(name, "butler_resident_erase")(site=site, resident=resident):
            done.extend(r for r in (result if isinstance(result, list | tuple) else [result]) if r)
    tables: dict[str, list[int]] = {}
    for part in done:
        counts = tables.setdefault(part.table, [0, 0])
        counts[0] += part.deleted
        counts[1] += part.anonymised
    audit.record(
        "resident.erased",
        resident,
        site=site,
        user=user,
        detail={"tables": {t: {"deleted": d, "anonymised": a} for t, (d, a) in tables.items()}},
    )
    db.session.commit()
    search_index.forget_erased_names(db.session.connection())
    db.session.commit()
    for key in db.session.info.pop(_FILES_KEY, []):
        if uploads.KEY_PATTERN.match(key):
            uploads.delete(key)
    return done


def core_rows(site: Site, resident: Resident) -> list[ResidentRows]:
    """The core's rows about ``resident``: their record, homes, contacts, messages, history."""
    return [
        rows_of(site, Resident, Resident.id == resident.id),
        *(
            rows_of(site, model, model.resident_id == resident.id)
            for model in (Occupancy, Contact, Vehicle, Pet, OutboxMessage)
        ),
        _without_staff_addresses(
            rows_of(
                site,
                AuditLog,
                AuditLog.object_type == "Resident",
                AuditLog.object_id == resident.id,
            )
        ),
    ]


def _without_staff_addresses(history: ResidentRows) -> ResidentRows:
    """The record's history without the address each change came from: the staff's, not
    the resident's."""
    rows = tuple({k: v for k, v in row.items() if k != "ip"} for row in history.rows)
    return ResidentRows(table=history.table, rows=rows)


def core_erase(site: Site, resident: Resident) -> list[Erased]:
    """Erase the core's rows about ``resident`` (see docs/security.md, "Erasure")."""
    texts = identifiers(resident)
    recipients = [v for v in (resident.phone, resident.phone2, resident.email) if v]
    done = [
        delete_rows(site, model, model.resident_id == resident.id)
        for model in (Contact, Vehicle, Pet)
    ]
    done.append(
        delete_rows(
            site,
            OutboxMessage,
            sa.or_(
                OutboxMessage.resident_id == resident.id,
                OutboxMessage.recipient.in_(recipients),
            ),
        )
    )
    about = sa.and_(AuditLog.object_type == "Resident", AuditLog.object_id == resident.id)
    done.append(
        blank_rows(
            site,
            AuditLog,
            AuditLog.detail != "",
            AuditLog.detail != audit_guard.REDACTED,
            sa.or_(about, mentions(AuditLog.detail, texts)),
            values={"detail": audit_guard.REDACTED},
        )
    )
    # Someone else's record may name them: a spouse's emergency contact, a note.
    done.append(scrub(site, Resident, OTHERS_NAMING, resident, Resident.id != resident.id))
    done.append(scrub(site, Contact, ["summary"], resident))
    done.append(scrub(site, ImportBatch, ["problems"], resident))
    done.append(scrub(site, HandIn, ["snapshot"], resident))
    done.append(scrub(site, MorningNote, ["body"], resident))
    done.append(scrub(site, WorkLogRemark, ["body"], resident))
    for field, value in BLANKED.items():
        setattr(resident, field, value)
    resident.name = label_of(resident)
    resident.erased_at = clock.now()
    db.session.flush()
    return [*done, Erased("resident", anonymised=1)]
