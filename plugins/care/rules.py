"""The rules of care: who has a birthday and may be greeted (once a year), who a notice
reaches and in which language, who reads special care, what a hand-over needs.

Usable outside a request (jobs, hooks): every function takes the site.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from core import clock, outbox, signatures, tenancy, uploads
from core.buildings import looked_after
from core.extensions import db
from core.models import Building, Occupancy, OutboxMessage, Resident, Site, Unit, User
from core.security import roles_on
from plugins.care import labels
from plugins.care.models import (
    LOCALES,
    CareAway,
    CareCase,
    CareGreeting,
    CareNotice,
    CareNoticeTarget,
    CareOptOut,
    CareParcel,
    CareSetting,
)

SOURCE = "care"
NAME = "care"
WEEK = 7
# Who reads every special-care record of the site; a butler reads their buildings' only.
SEES_ALL_CASES = frozenset({"manager", "assistant"})


class Refused(Exception):
    """Something that cannot be done; ``field`` names the form field the message is for."""

    def __init__(self, message: str, field: str = "", conflict: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict  # done already by someone: 409, not a bad form


# --- Settings and messages -------------------------------------------------------------


def settings_of(site: Site) -> CareSetting:
    """The site's care settings (the defaults, not yet saved, when it has none)."""
    found = db.session.scalar(tenancy.select(CareSetting, site=site))
    if found is None:
        found = CareSetting(site_id=site.id, elderly_age=70, parcel_days=7)
        for code in LOCALES:
            setattr(found, f"greeting_{code}", "")
    return found


def channel_for(resident: Resident) -> tuple[str, str] | None:
    """The channel and address a resident agreed to be told through, or None."""
    if resident.consent_sms and resident.phone:
        return "sms", resident.phone
    if resident.consent_email and resident.email:
        return "email", resident.email
    return None


def channels_of(resident: Resident) -> list[str]:
    """Every channel the resident agreed to and has an address for."""
    found = []
    if resident.consent_sms and resident.phone:
        found.append("sms")
    if resident.consent_email and resident.email:
        found.append("email")
    return found


def locale_of(site: Site, resident: Resident) -> str:
    return resident.preferred_locale or site.default_locale or "en"


def fill(template: str, **values: str) -> str:
    """``template`` with each ``{name}`` replaced; nothing else in it is read as a format."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


# --- Birthdays -------------------------------------------------------------------------


def occurrence(birth_date: date, year: int) -> date:
    """The resident's birthday in ``year`` (28 February for 29 February in a common year)."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def nearest_birthday(birth_date: date, day: date) -> date:
    """The birthday closest to ``day``: last year's, this year's or next year's."""
    options = [occurrence(birth_date, day.year + n) for n in (-1, 0, 1)]
    return min(options, key=lambda d: abs((d - day).days))


def _month_days(start: date, days: int) -> list[tuple[int, int]]:
    pairs = []
    for n in range(days):
        d = start + timedelta(days=n)
        pairs.append((d.month, d.day))
        if (d.month, d.day) == (2, 28) and occurrence(date(2000, 2, 29), d.year) == d:
            pairs.append((2, 29))
    return pairs


@dataclass(frozen=True)
class Birthday:
    """A resident's birthday in the window, with what can be done about it."""

    resident: Resident
    unit: str
    building_id: int
    day: date
    age: int
    elderly: bool
    greeting: CareGreeting | None
    channels: tuple[str, ...]


def scope_buildings(site: Site, user: User | None) -> sa.Select | None:
    """The buildings whose residents ``user`` starts from: their own when they look after
    any, else None (the whole site)."""
    if user is None:
        return None
    mine = looked_after(site.id, user.id)
    if db.session.scalar(sa.select(sa.exists(mine))):
        return mine
    return None


def birthdays(
    site: Site, start: date, days: int = WEEK, buildings: sa.Select | None = None
) -> list[Birthday]:
    """Residents living on the site whose birthday falls in the ``days`` from ``start``
    (in ``buildings`` when given), except those who opted out; soonest first."""
    pairs = _month_days(start, days)
    month = sa.extract("month", Resident.birth_date)
    day_of = sa.extract("day", Resident.birth_date)
    opted_out = tenancy.select(CareOptOut, CareOptOut.resident_id, site=site)
    query = (
        sa.select(Resident, Unit.number, Building.code, Building.id)
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            Resident.site_id == site.id,
            Occupancy.site_id == site.id,
            Occupancy.moved_out.is_(None),
            Resident.archived_at.is_(None),
            Resident.birth_date.is_not(None),
            Resident.id.not_in(opted_out),
            sa.or_(*[sa.and_(month == m, day_of == d) for m, d in pairs]),
        )
        .order_by(Resident.id, Occupancy.is_primary_contact.desc(), Occupancy.id)
    )
    if buildings is not None:
        query = query.where(Unit.building_id.in_(buildings))
    rows, seen = [], set()
    for resident, number, code, building_id in db.session.execute(query):
        if resident.id in seen:
            continue
        seen.add(resident.id)
        rows.append((resident, f"{code}-{number}", building_id))
    end = start + timedelta(days=days - 1)
    greeted = _greetings(site, [r.id for r, _u, _b in rows], {start.year, end.year})
    elderly_age = settings_of(site).elderly_age
    found = []
    for resident, unit, building_id in rows:
        day = nearest_birthday(resident.birth_date, start)
        if day < start:
            day = occurrence(resident.birth_date, start.year + 1)
        age = day.year - resident.birth_date.year
        found.append(
            Birthday(
                resident=resident,
                unit=unit,
                building_id=building_id,
                day=day,
                age=age,
                elderly=age >= elderly_age,
                greeting=greeted.get((resident.id, day.year)),
                channels=tuple(channels_of(resident)),
            )
        )
    return sorted(found, key=lambda b: (b.day, b.resident.name, b.resident.id))


def _greetings(site: Site, resident_ids: list[int], years: set[int]) -> dict:
    if not resident_ids:
        return {}
    rows = db.session.scalars(
        tenancy.select(CareGreeting, site=site).where(
            CareGreeting.resident_id.in_(resident_ids), CareGreeting.year.in_(years)
        )
    )
    return {(g.resident_id, g.year): g for g in rows}


def is_opted_out(site: Site, resident: Resident) -> bool:
    return (
        db.session.scalar(
            tenancy.select(CareOptOut, CareOptOut.id, site=site).where(
                CareOptOut.resident_id == resident.id
            )
        )
        is not None
    )


def set_opt_out(site: Site, resident: Resident, out: bool, user: User) -> None:
    existing = db.session.scalar(
        tenancy.select(CareOptOut, site=site).where(CareOptOut.resident_id == resident.id)
    )
    if out and existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    CareOptOut(
                        site_id=site.id,
                        resident_id=resident.id,
                        recorded_at=clock.now(),
                        recorded_by_id=user.id,
                    )
                )
        except IntegrityError:  # recorded from two places at once: once is kept
            pass
    elif not out and existing is not None:
        db.session.delete(existing)


def greeting_text(site: Site, resident: Resident) -> tuple[str, str]:
    """The subject and text of the resident's birthday message, in their language."""
    locale = locale_of(site, resident)
    template = getattr(settings_of(site), f"greeting_{locale}", "") or ""
    with force_locale(locale):
        subject = _("Happy birthday")
        body = fill(template.strip() or str(labels.DEFAULT_GREETING), name=resident.name)
    return str(subject), body


def greet(site: Site, resident: Resident, method: str, user: User, note: str = "") -> CareGreeting:
    """Record the resident's birthday greeting for this year and, for SMS or e-mail, queue
    the message; refused when they opted out, have not agreed to the channel, or were
    greeted this year already (by anyone, even a moment ago)."""
    if is_opted_out(site, resident):
        raise Refused(_("This resident asked not to be greeted on their birthday."), "method")
    if method in ("sms", "email") and method not in channels_of(resident):
        raise Refused(_("This resident has not agreed to be told through this channel."), "method")
    today = clock.today(site)
    # A birthday the office was told of but has not written down counts for this year.
    known = resident.birth_date
    year = nearest_birthday(known, today).year if known is not None else today.year
    greeting = CareGreeting(
        site_id=site.id,
        resident_id=resident.id,
        year=year,
        method=method,
        at=clock.now(),
        by_id=user.id,
        note=note,
    )
    try:
        with db.session.begin_nested():
            db.session.add(greeting)
    except IntegrityError:
        raise Refused(
            _("This resident has been greeted for this birthday already."), "method", True
        ) from None
    if method in ("sms", "email"):
        subject, body = greeting_text(site, resident)
        address = resident.phone if method == "sms" else resident.email
        message = outbox.queue(
            site,
            method,
            address,
            subject,
            body,
            dedupe_key=f"care:birthday:{resident.id}:{year}",
            resident=resident,
            source=SOURCE,
        )
        if message is not None:
            db.session.flush()
            greeting.outbox_id = message.id
    return greeting


# --- Notices ---------------------------------------------------------------------------


def template_text(template: str, locale: str, day: date) -> tuple[str, str]:
    """A ready-made notice's title and text in ``locale``, for ``day``."""
    from babel.dates import format_date

    title, body = labels.TEMPLATE_TEXTS[template]
    with force_locale(locale):
        when = format_date(day, "long", locale=locale)
        return str(title), fill(str(body), day=when)


def notice_residents(site: Site, notice: CareNotice) -> sa.Select:
    """The residents living now where the notice is for, not archived."""
    living = (
        sa.select(Occupancy.resident_id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Occupancy.site_id == site.id, Occupancy.moved_out.is_(None))
    )
    targets = tenancy.select(CareNoticeTarget, site=site).where(
        CareNoticeTarget.notice_id == notice.id
    )
    if notice.audience == "buildings":
        living = living.where(
            Unit.building_id.in_(targets.with_only_columns(CareNoticeTarget.building_id))
        )
    elif notice.audience == "units":
        living = living.where(Unit.id.in_(targets.with_only_columns(CareNoticeTarget.unit_id)))
    return (
        tenancy.select(Resident, site=site)
        .where(Resident.archived_at.is_(None), Resident.id.in_(living))
        .order_by(Resident.id)
    )


def text_for(site: Site, notice: CareNotice, resident: Resident) -> tuple[str, str]:
    """The notice's title and text in the resident's language, else the site's, else the
    first language it is written in."""
    wanted = [locale_of(site, resident), site.default_locale or "en", *LOCALES]
    for code in wanted:
        title, body = notice.text_in(code)
        if body.strip():
            return title.strip(), body.strip()
    return "", ""


def send_notice(site: Site, notice: CareNotice, user: User) -> int:
    """Queue the notice to every consenting resident of its audience, in their language,
    and mark it sent; how many messages were queued. Refused once it has been sent (the
    row is locked first, so two presses at once send it once)."""
    locked = db.session.scalar(
        tenancy.select(CareNotice, site=site)
        .where(CareNotice.id == notice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked.sent_at is not None:
        raise Refused(
            _("This notice has been sent already; write a new one to send again."), "", True
        )
    queued = 0
    for resident in db.session.scalars(notice_residents(site, locked)):
        address = channel_for(resident)
        if address is None:
            continue
        title, body = text_for(site, locked, resident)
        message = outbox.queue(
            site,
            address[0],
            address[1],
            title,
            body,
            dedupe_key=f"care:notice:{locked.id}:{resident.id}",
            resident=resident,
            source=SOURCE,
        )
        queued += message is not None
    locked.sent_at = clock.now()
    locked.sent_by_id = user.id
    locked.queued_count = queued
    weather = labels.WEATHER_OF_TEMPLATE.get(locked.template)
    if weather:
        from core.day import set_weather

        set_weather(site, locked.day, weather, by=user, source=SOURCE)
    return queued


def delivery_counts(site: Site, notice_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each notice's messages by outcome: queued (waiting or being sent), sent, failed.

    One query: each notice's messages are a range of the outbox's (site, dedupe key)
    index (``care:notice:<id>:`` up to the next character after ":"), counted by status.
    """
    counts = {i: {"queued": 0, "sent": 0, "failed": 0} for i in notice_ids}
    if not notice_ids:
        return counts
    key = OutboxMessage.dedupe_key
    ranges = [
        (i, sa.and_(key >= f"care:notice:{i}:", key < f"care:notice:{i};")) for i in notice_ids
    ]
    notice = sa.case(*[(in_range, i) for i, in_range in ranges], else_=0)
    rows = db.session.execute(
        tenancy.select(OutboxMessage, notice, OutboxMessage.status, sa.func.count(), site=site)
        .where(sa.or_(*[in_range for _i, in_range in ranges]))
        .group_by(notice, OutboxMessage.status)
    )
    for notice_id, status, number in rows:
        if notice_id not in counts:
            continue
        if status == "sent":
            bucket = "sent"
        elif status in ("failed", "uncertain"):
            bucket = "failed"
        else:
            bucket = "queued"
        counts[notice_id][bucket] += number
    return counts


# --- Special care ----------------------------------------------------------------------


def sees_all_cases(site: Site, user: User) -> bool:
    return bool(roles_on(user, site) & SEES_ALL_CASES)


def cases_query(site: Site, user: User) -> sa.Select:
    """The special-care cases ``user`` may read: all for a manager or an assistant; for a
    butler, those of their buildings and those tied to no building (the resident had no
    home on the site when it was written, so no butler answers for it)."""
    query = tenancy.select(CareCase, site=site)
    if not sees_all_cases(site, user):
        query = query.where(
            sa.or_(
                CareCase.building_id.in_(looked_after(site.id, user.id)),
                CareCase.building_id.is_(None),
            )
        )
    return query


def may_read_case(site: Site, user: User, case: CareCase) -> bool:
    if sees_all_cases(site, user):
        return True
    if case.building_id is None:
        return True
    return case.building_id in set(db.session.scalars(looked_after(site.id, user.id)))


def home_of(resident: Resident) -> Unit | None:
    """The unit the resident lives in now (their primary one first)."""
    return db.session.scalar(
        sa.select(Unit)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .where(
            Occupancy.site_id == resident.site_id,
            Occupancy.resident_id == resident.id,
            Occupancy.moved_out.is_(None),
        )
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id)
        .limit(1)
    )


# --- Away and parcels ------------------------------------------------------------------


def away_now(site: Site, unit_id: int, day: date) -> list[CareAway]:
    """The unit's away periods covering ``day`` or starting within a week of it."""
    return list(
        db.session.scalars(
            tenancy.select(CareAway, site=site)
            .where(
                CareAway.unit_id == unit_id,
                CareAway.ended_at.is_(None),
                CareAway.ends_on >= day,
                CareAway.starts_on <= day + timedelta(days=WEEK),
            )
            .order_by(CareAway.starts_on, CareAway.id)
        )
    )


def held_since(site: Site, now: datetime) -> datetime:
    """Parcels received before this moment have been held too long."""
    return now - timedelta(days=settings_of(site).parcel_days)


def tell(site: Site, parcel: CareParcel, how: str, user: User) -> bool:
    """Record that the resident was told of the parcel; for ``message``, queue it to them in
    their language (once). False when a message was asked for but cannot be sent."""
    if how == "message":
        resident = parcel.resident
        address = channel_for(resident) if resident is not None else None
        if address is None:
            raise Refused(
                _("This resident has not agreed to messages; tell them another way."), "how"
            )
        locale = locale_of(site, resident)
        with force_locale(locale):
            subject = _("A parcel is waiting for you")
            body = _(
                "A parcel from %(carrier)s is waiting for you at the management office "
                "(shelf %(shelf)s). Bring this message or your ID to collect it.",
                carrier=parcel.carrier,
                shelf=parcel.shelf or "—",
            )
        outbox.queue(
            site,
            address[0],
            address[1],
            str(subject),
            str(body),
            dedupe_key=f"care:parcel:{parcel.id}:told",
            resident=resident,
            source=SOURCE,
        )
    parcel.told_at = clock.now()
    parcel.told_how = how
    parcel.told_by_id = user.id
    return True


def signature_png(data_url: str) -> bytes:
    """The PNG a signature pad sent, checked: a PNG data URL, not too large, with ink on it."""
    try:
        return signatures.png_of(data_url)
    except signatures.Unsigned as unsigned:
        if unsigned.unreadable:
            message = _("The signature could not be read; ask for it again.")
            raise Refused(message, "signature") from None
        raise Refused(_("Ask the receiver to sign on the screen."), "signature") from None


def hand_over(site: Site, parcel: CareParcel, to: str, signature: str, user: User) -> None:
    """Hand the parcel over to ``to``, who signed; refused without both, or twice."""
    if parcel.handed_at is not None:
        raise Refused(_("This parcel has been handed over already."), "handed_to", True)
    name = (to or "").strip()
    if not name:
        raise Refused(_("Write the name of the person who takes the parcel."), "handed_to")
    png = signature_png(signature)
    stored = uploads.save(FileStorage(io.BytesIO(png), "signature.png"), plugin=NAME)
    parcel.handed_at = clock.now()
    parcel.handed_to = name[:120]
    parcel.handed_by_id = user.id
    parcel.signature_key = stored.key
