"""The rounds' rules: when rounds are due, what a round lists, marks and findings, the
closing rule, permits and passes, and the work log's lines.

Usable outside a request (jobs, hooks): every function takes the site or a row of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core import clock, tenancy
from core.cadence import Cadence, Period
from core.day import weather_of
from core.extensions import db
from core.models import Building, ButlerAssignment, Membership, Site, Unit, User
from plugins.inspections.models import (
    InspectionsCheckpoint,
    InspectionsFinding,
    InspectionsItem,
    InspectionsMark,
    InspectionsPass,
    InspectionsPermit,
    InspectionsRound,
    InspectionsSetting,
)

# A round started this long before its time counts for it (the butler sets off early).
EARLY = timedelta(minutes=30)
# Findings of a joint walk with the cleaning and greening leads are due within three days.
JOINT_DAYS = 3
# A finding's default time to put right.
DEFAULT_DUE_DAYS = 7

F = InspectionsFinding
R = InspectionsRound


class Refused(ValueError):
    """A rule said no; the message is for the person, next to the field named."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


# --- The site's settings and cadence ---------------------------------------------------


def settings_of(site: Site) -> InspectionsSetting:
    """The site's settings row (made with the defaults the first time)."""
    row = db.session.scalar(tenancy.select(InspectionsSetting, site=site))
    if row is None:
        row = InspectionsSetting(
            site_id=site.id,
            first_round=time(9, 0),
            second_round=time(15, 0),
            late_minutes=120,
            photo_to_close=False,
        )
        db.session.add(row)
        db.session.flush()
    return row


def cadence_of(settings: InspectionsSetting) -> Cadence:
    """Twice a day at the site's times, each due within the lateness allowed."""
    first, second = sorted({settings.first_round, settings.second_round})
    return Cadence.twice_a_day(first, second, within=timedelta(minutes=settings.late_minutes))


def periods_of_day(site: Site, day: date, settings: InspectionsSetting | None = None):
    """The day's round periods (the morning's and the afternoon's), earliest first."""
    settings = settings or settings_of(site)
    start, end = clock.day_bounds(site, day)
    return [
        p for p in cadence_of(settings).periods(start, end, site.timezone) if start <= p.start < end
    ]


def period_for_start(site: Site, at: datetime) -> Period:
    """The period a round started at ``at`` counts for."""
    return cadence_of(settings_of(site)).period_at(at + EARLY, site.timezone)


def is_evening(site: Site, period: Period) -> bool:
    """The day's later round is the one that checks the rubbish was taken away."""
    settings = settings_of(site)
    last = max(settings.first_round, settings.second_round)
    return period.start.astimezone(clock.zone(site)).time() >= last


# --- Routes ----------------------------------------------------------------------------

# The job description's A①②③ items as a building's default route, with the rainy-day
# checks (roof and lobby waterproofing, warning signs) and the evening rubbish check.
DEFAULT_ROUTE = (
    (
        "lobby",
        _l("Lobby"),
        (
            (_l("Floor, walls and entrance clean"), "cleaning", "always"),
            (_l("Notices, furniture and doors in order"), "public_area", "always"),
            (_l("Lobby floor dry, mats and wet-floor signs out"), "waterproofing", "rain"),
            (_l("Entrance doors and windows shut against the rain"), "waterproofing", "rain"),
        ),
    ),
    (
        "corridor",
        _l("Corridors of every floor"),
        (
            (_l("Floors, walls and handrails clean"), "cleaning", "always"),
            (_l("Nothing stored or blocking the way"), "safety", "always"),
            (_l("Household and renovation rubbish taken away"), "cleaning", "evening"),
        ),
    ),
    (
        "fire_doors",
        _l("Fire doors and fire equipment"),
        (
            (_l("Fire doors shut and unblocked"), "safety", "always"),
            (_l("Extinguishers and hose reels in place"), "safety", "always"),
        ),
    ),
    (
        "lighting",
        _l("Public lighting"),
        ((_l("Lamps lit in corridors and stairs"), "public_area", "always"),),
    ),
    (
        "roof",
        _l("Roof and podium"),
        (
            (_l("Roof door locked, roof clear"), "safety", "always"),
            (_l("Roof drains flowing, no ponding or leaks"), "waterproofing", "rain"),
            (_l("Loose objects tied down, warning signs out"), "waterproofing", "rain"),
        ),
    ),
    (
        "pipe_shaft",
        _l("Pipe shafts"),
        ((_l("No leaks, doors locked, nothing stored"), "safety", "always"),),
    ),
    ("greenery", _l("Greenery"), ((_l("Plants tended, no litter"), "public_area", "always"),)),
    (
        "water_feature",
        _l("Water feature"),
        ((_l("Water clean, pump running"), "public_area", "always"),),
    ),
    ("lift", _l("Lifts"), ((_l("Car clean, alarm and light work"), "public_area", "always"),)),
    (
        "garage",
        _l("Garage"),
        (
            (_l("Lights work, exits clear, no leaks"), "safety", "always"),
            (_l("Entrance drains clear, flood boards ready"), "waterproofing", "rain"),
        ),
    ),
)


def checkpoints_of(site: Site, building_id: int, active_only: bool = True):
    query = tenancy.select(InspectionsCheckpoint, site=site).where(
        InspectionsCheckpoint.building_id == building_id
    )
    if active_only:
        query = query.where(InspectionsCheckpoint.active.is_(True))
    return list(
        db.session.scalars(query.order_by(InspectionsCheckpoint.position, InspectionsCheckpoint.id))
    )


def seed_route(site: Site, building: Building) -> list[InspectionsCheckpoint]:
    """Give ``building`` the default route when it has none (idempotent)."""
    existing = checkpoints_of(site, building.id, active_only=False)
    if existing:
        return existing
    made = []
    with force_locale(site.default_locale or "en"):
        route = [
            (area, str(name), [(str(text), kind, when) for text, kind, when in items])
            for area, name, items in DEFAULT_ROUTE
        ]
    for position, (area, name, items) in enumerate(route, start=1):
        checkpoint = InspectionsCheckpoint(
            site_id=site.id, building_id=building.id, position=position, name=name, area=area
        )
        db.session.add(checkpoint)
        db.session.flush()
        for index, (text, kind, condition) in enumerate(items, start=1):
            db.session.add(
                InspectionsItem(
                    site_id=site.id,
                    checkpoint_id=checkpoint.id,
                    position=index,
                    text=text,
                    kind=kind,
                    condition=condition,
                )
            )
        made.append(checkpoint)
    db.session.flush()
    return made


def items_for(
    site: Site, round_: InspectionsRound, checkpoint_ids: list[int], weather: str | None = ""
):
    """The items of the checkpoints on this round: rainy-day items only on a rainy or
    typhoon day, the evening items only on the later round. ``weather`` is the day's, when
    the caller has read it already."""
    conditions = ["always"]
    if weather == "":
        weather = weather_of(site, round_.day)
    if weather is not None:
        conditions.append("rain")
    if round_.evening:
        conditions.append("evening")
    if not checkpoint_ids:
        return []
    return list(
        db.session.scalars(
            tenancy.select(InspectionsItem, site=site)
            .where(
                InspectionsItem.checkpoint_id.in_(checkpoint_ids),
                InspectionsItem.active.is_(True),
                InspectionsItem.condition.in_(conditions),
            )
            .order_by(InspectionsItem.checkpoint_id, InspectionsItem.position, InspectionsItem.id)
        )
    )


# --- Rounds ----------------------------------------------------------------------------


def butler_of(site: Site, building_id: int) -> User | None:
    return db.session.scalar(
        select(User)
        .join(ButlerAssignment, ButlerAssignment.user_id == User.id)
        .where(
            ButlerAssignment.site_id == site.id,
            ButlerAssignment.building_id == building_id,
            ButlerAssignment.ends_on.is_(None),
        )
        .limit(1)
    )


def buildings_of(site: Site, user: User) -> list[Building]:
    """The current buildings ``user`` looks after on ``site``, by code."""
    return list(
        db.session.scalars(
            select(Building)
            .join(ButlerAssignment, ButlerAssignment.building_id == Building.id)
            .where(
                Building.site_id == site.id,
                Building.archived_at.is_(None),
                ButlerAssignment.site_id == site.id,
                ButlerAssignment.user_id == user.id,
                ButlerAssignment.ends_on.is_(None),
            )
            .order_by(Building.code)
        )
    )


def start_round(
    site: Site,
    building: Building,
    butler: User,
    at: datetime,
    kind: str = "routine",
    participants: str = "",
) -> InspectionsRound:
    """Start (or, for a routine round already started this period, reopen) a round."""
    seed_route(site, building)
    if kind == "joint":
        round_ = R(
            site_id=site.id,
            building_id=building.id,
            butler_id=butler.id,
            kind="joint",
            period_key=None,
            day=at.astimezone(clock.zone(site)).date(),
            evening=False,
            participants=participants,
            started_at=at,
        )
        db.session.add(round_)
        db.session.flush()
        return round_
    period = period_for_start(site, at)
    existing = db.session.scalar(
        tenancy.select(R, site=site).where(R.building_id == building.id, R.period_key == period.key)
    )
    if existing is not None:
        return existing
    round_ = R(
        site_id=site.id,
        building_id=building.id,
        butler_id=butler.id,
        kind="routine",
        period_key=period.key,
        day=period.start.astimezone(clock.zone(site)).date(),
        evening=is_evening(site, period),
        started_at=at,
    )
    db.session.add(round_)
    db.session.flush()
    return round_


def current_round(site: Site, building_id: int, at: datetime) -> InspectionsRound | None:
    """The round of this period for the building (routine), or an open joint walk of today."""
    period = period_for_start(site, at)
    found = db.session.scalar(
        tenancy.select(R, site=site).where(R.building_id == building_id, R.period_key == period.key)
    )
    if found is not None:
        return found
    return db.session.scalar(
        tenancy.select(R, site=site)
        .where(
            R.building_id == building_id,
            R.kind == "joint",
            R.completed_at.is_(None),
            R.day == at.astimezone(clock.zone(site)).date(),
        )
        .order_by(R.id.desc())
        .limit(1)
    )


def marks_of(site: Site, round_id: int) -> list[InspectionsMark]:
    return list(
        db.session.scalars(
            tenancy.select(InspectionsMark, site=site).where(InspectionsMark.round_id == round_id)
        )
    )


def _recount(round_: InspectionsRound) -> None:
    rows = db.session.execute(
        select(InspectionsMark.result, func.count())
        .where(InspectionsMark.site_id == round_.site_id, InspectionsMark.round_id == round_.id)
        .group_by(InspectionsMark.result)
    ).all()
    counts = dict(rows)
    round_.ok_count = counts.get("ok", 0)
    round_.finding_count = counts.get("finding", 0)


@dataclass
class FindingInput:
    note: str
    owner_kind: str = "butler"
    owner_name: str = ""
    due_on: date | None = None
    photo_key: str | None = None


def check_finding(site: Site, round_: InspectionsRound, given: FindingInput) -> date:
    """The finding's due date, or ``Refused`` naming the field."""
    if not (given.note or "").strip():
        raise Refused("note", _("Write what is wrong."))
    if given.owner_kind == "contractor" and not given.owner_name.strip():
        raise Refused("owner_name", _("Name the contractor."))
    today = round_.day
    due = given.due_on or today + timedelta(
        days=JOINT_DAYS if round_.kind == "joint" else DEFAULT_DUE_DAYS
    )
    if due < today:
        raise Refused("due_on", _("The due date cannot be before the round."))
    if round_.kind == "joint" and due > today + timedelta(days=JOINT_DAYS):
        raise Refused(
            "due_on", _("A joint walk's findings are due within %(days)s days.", days=JOINT_DAYS)
        )
    return due


def mark(
    site: Site,
    round_: InspectionsRound,
    user: User,
    at: datetime,
    result: str,
    item: InspectionsItem | None = None,
    unit: Unit | None = None,
    unit_check: str | None = None,
    finding: FindingInput | None = None,
    area: str | None = None,
) -> tuple[InspectionsMark, InspectionsFinding | None]:
    """Mark an item (or a unit's check) ok or finding; a finding is raised with it."""
    due = check_finding(site, round_, finding) if result == "finding" else None
    query = tenancy.select(InspectionsMark, site=site).where(InspectionsMark.round_id == round_.id)
    if item is not None:
        query = query.where(InspectionsMark.item_id == item.id)
    else:
        query = query.where(
            InspectionsMark.unit_id == unit.id, InspectionsMark.unit_check == unit_check
        )
    row = db.session.scalar(query)
    if row is None:
        row = InspectionsMark(
            site_id=site.id,
            round_id=round_.id,
            checkpoint_id=item.checkpoint_id if item is not None else None,
            item_id=item.id if item is not None else None,
            unit_id=unit.id if unit is not None else None,
            unit_check=unit_check if unit is not None else None,
            result=result,
            at=at,
        )
        db.session.add(row)
    else:
        row.result, row.at = result, at
    raised = None
    if result == "finding":
        checkpoint = db.session.get(InspectionsCheckpoint, item.checkpoint_id) if item else None
        raised = F(
            site_id=site.id,
            building_id=round_.building_id,
            checkpoint_id=checkpoint.id if checkpoint else None,
            item_id=item.id if item else None,
            unit_id=unit.id if unit else None,
            round_id=round_.id,
            area=checkpoint.area if checkpoint else (area or "corridor"),
            kind=item.kind if item else ("renovation" if unit_check else "safety"),
            note=finding.note.strip(),
            photo_key=finding.photo_key,
            owner_kind=finding.owner_kind,
            owner_name=finding.owner_name.strip(),
            due_on=due,
            raised_by_id=user.id,
            raised_at=at,
        )
        db.session.add(raised)
    db.session.flush()
    _recount(round_)
    return row, raised


def complete_round(round_: InspectionsRound, at: datetime) -> None:
    if round_.completed_at is None:
        round_.completed_at = at
    _recount(round_)


# --- Findings --------------------------------------------------------------------------


def open_findings(site: Site, building_id: int) -> list[InspectionsFinding]:
    """The building's findings not closed yet, oldest first: carried onto every round."""
    return list(
        db.session.scalars(
            tenancy.select(F, site=site)
            .where(F.building_id == building_id, F.closed_at.is_(None))
            .order_by(F.raised_at, F.id)
        )
    )


def close_finding(
    site: Site,
    finding: InspectionsFinding,
    user: User,
    at: datetime,
    note: str,
    photo_key: str | None = None,
) -> None:
    """Close a finding: a note always, a photo where the site asks for one."""
    if finding.closed_at is not None:
        raise Refused("note", _("This finding is already closed."))
    if not (note or "").strip():
        raise Refused("note", _("Write how it was put right before closing."))
    if settings_of(site).photo_to_close and not photo_key:
        raise Refused("photo", _("This site asks for a photo to close a finding."))
    finding.close_note = note.strip()
    finding.close_photo_key = photo_key
    finding.closed_at = at
    finding.closed_by_id = user.id
    db.session.flush()


def is_overdue(finding: InspectionsFinding, today: date) -> bool:
    return finding.closed_at is None and finding.due_on < today


# --- Renovations and vacant units ------------------------------------------------------


def pass_expired(worker_pass: InspectionsPass, today: date) -> bool:
    return worker_pass.expires_on < today


@dataclass
class Renovation:
    permit: InspectionsPermit
    unit: Unit
    expired: list[InspectionsPass] = field(default_factory=list)


def renovations_of(site: Site, building_id: int, day: date) -> list[Renovation]:
    """The building's units under a permit on ``day``, with their expired passes."""
    rows = db.session.execute(
        tenancy.select(InspectionsPermit, InspectionsPermit, Unit, site=site)
        .join(Unit, Unit.id == InspectionsPermit.unit_id)
        .where(
            Unit.building_id == building_id,
            InspectionsPermit.starts_on <= day,
            InspectionsPermit.ends_on >= day,
        )
        .order_by(Unit.floor, Unit.number)
    ).all()
    if not rows:
        return []
    permit_ids = [p.id for p, _u in rows]
    expired = db.session.scalars(
        tenancy.select(InspectionsPass, site=site).where(
            InspectionsPass.permit_id.in_(permit_ids), InspectionsPass.expires_on < day
        )
    ).all()
    by_permit: dict[int, list[InspectionsPass]] = {}
    for worker_pass in expired:
        by_permit.setdefault(worker_pass.permit_id, []).append(worker_pass)
    return [Renovation(p, u, by_permit.get(p.id, [])) for p, u in rows]


def vacant_units(site: Site, building_id: int) -> list[Unit]:
    return list(
        db.session.scalars(
            tenancy.select(Unit, site=site)
            .where(
                Unit.building_id == building_id,
                Unit.status == "vacant",
                Unit.archived_at.is_(None),
            )
            .order_by(Unit.floor, Unit.number)
        )
    )


# --- The day: rounds due and missed ----------------------------------------------------


@dataclass
class Due:
    building: Building
    period: Period
    round: InspectionsRound | None
    evening: bool

    @property
    def done(self) -> bool:
        return self.round is not None and self.round.completed_at is not None

    @property
    def late(self) -> bool:
        return self.done and self.round.completed_at > self.period.due

    def overdue(self, now: datetime) -> bool:
        return not self.done and now >= self.period.due


def rounds_due(site: Site, buildings: list[Building], day: date) -> list[Due]:
    """Each building's two rounds of ``day``, with the round walked for each (if any)."""
    if not buildings:
        return []
    settings = settings_of(site)
    periods = periods_of_day(site, day, settings)
    keys = [p.key for p in periods]
    walked = {
        (r.building_id, r.period_key): r
        for r in db.session.scalars(
            tenancy.select(R, site=site).where(
                R.building_id.in_([b.id for b in buildings]), R.period_key.in_(keys)
            )
        )
    }
    last = max(settings.first_round, settings.second_round)
    zone = clock.zone(site)
    return [
        Due(b, p, walked.get((b.id, p.key)), p.start.astimezone(zone).time() >= last)
        for b in buildings
        for p in periods
    ]


def missed(site: Site, now: datetime) -> list[tuple[Building, Period, User]]:
    """Rounds whose time (with the lateness allowed) passed in the last day, not walked."""
    settings = settings_of(site)
    cadence = cadence_of(settings)
    assignments = db.session.execute(
        select(Building, User)
        .join(ButlerAssignment, ButlerAssignment.building_id == Building.id)
        .join(User, User.id == ButlerAssignment.user_id)
        .where(
            Building.site_id == site.id,
            Building.archived_at.is_(None),
            ButlerAssignment.site_id == site.id,
            ButlerAssignment.ends_on.is_(None),
        )
        .order_by(Building.code)
    ).all()
    if not assignments:
        return []
    since = now - timedelta(days=1)
    periods = [
        p
        for p in cadence.periods(since - cadence.within, now, site.timezone)
        if since < p.due <= now
    ]
    if not periods:
        return []
    done = {
        (building_id, key)
        for building_id, key in db.session.execute(
            tenancy.select(R, R.building_id, R.period_key, site=site).where(
                R.period_key.in_([p.key for p in periods]),
                R.completed_at.is_not(None),
            )
        ).all()
    }
    return [
        (building, period, butler)
        for building, butler in assignments
        for period in periods
        if (building.id, period.key) not in done
    ]


def assistants_of(site: Site) -> list[User]:
    ids = tenancy.select(Membership, Membership.user_id, site=site).where(
        Membership.role == "assistant"
    )
    return list(
        db.session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)
        )
    )


# --- The work log ----------------------------------------------------------------------


def rounds_walked(site: Site, butler: User, start: datetime, end: datetime):
    """The rounds ``butler`` completed from ``start`` to ``end``. A round is dated the day
    it started, at most a day before it was completed: the day narrows the index range
    to those days instead of the butler's whole year of rounds."""
    zone = clock.zone(site)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    return list(
        db.session.scalars(
            tenancy.select(R, site=site)
            .where(
                R.butler_id == butler.id,
                R.day >= first,
                R.day <= last,
                R.completed_at >= start,
                R.completed_at < end,
            )
            .order_by(R.completed_at)
        )
    )


def building_codes(site: Site, building_ids: set[int]) -> dict[int, str]:
    """The codes of these buildings of ``site``, in one query."""
    if not building_ids:
        return {}
    found = db.session.execute(
        tenancy.select(Building, Building.id, Building.code, site=site).where(
            Building.id.in_(building_ids)
        )
    )
    return dict(found.all())


def findings_raised(site: Site, butler: User, start: datetime, end: datetime):
    return list(
        db.session.scalars(
            tenancy.select(F, site=site)
            .where(F.raised_by_id == butler.id, F.raised_at >= start, F.raised_at < end)
            .order_by(F.raised_at)
        )
    )


def findings_closed(site: Site, butler: User, start: datetime, end: datetime):
    return list(
        db.session.scalars(
            tenancy.select(F, site=site)
            .where(F.closed_by_id == butler.id, F.closed_at >= start, F.closed_at < end)
            .order_by(F.closed_at)
        )
    )


def findings_due(site: Site, building_ids, day: date) -> list[InspectionsFinding]:
    """Open findings of these buildings due by ``day`` (the butler's to chase)."""
    return list(
        db.session.scalars(
            tenancy.select(F, site=site)
            .where(F.building_id.in_(building_ids), F.closed_at.is_(None), F.due_on <= day)
            .order_by(F.due_on, F.id)
        )
    )
