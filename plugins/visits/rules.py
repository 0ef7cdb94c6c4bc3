"""The quota of home visits: who counts as a household, who was visited, what to do next.

The rules (duty D, 1.6D and 1.7G): each butler visits at least a third of the households
of their buildings every month and 98% every quarter (both configurable per site).

- A **household** is a unit's primary contact living there on the period's day of
  reckoning (today for the running period, its last day for a past one); a unit whose
  occupants name no primary contact is one household, headed by the occupant recorded
  first. A unit with two primary contacts (an owner's family and a lodger's) holds two.
- Vacant units, archived units and archived residents are left out.
- A household counts once per period however many visits it had; a visit counts only
  from the day the household moved in, so a family that moved in mid-month is counted
  from then, and a visit to the family who lived there before does not count for it.
- Months and quarters are cut on the site's clock (``core.cadence``), by the visit's
  local date.

Every count is one grouped query whatever the number of residents.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from core import clock
from core.buildings import looked_after
from core.cadence import Cadence
from core.extensions import db
from core.models import Building, ButlerAssignment, Occupancy, Resident, Site, Unit, User
from plugins.visits.models import VisitsPlan, VisitsTarget, VisitsVisit

MONTH = Cadence.monthly_by(31)
QUARTER = Cadence.quarterly()
LIST_LIMIT = 50


# --- Periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A month or a quarter as local dates: ``first`` to ``last`` inclusive."""

    key: str
    first: date
    last: date

    def as_of(self, today: date) -> date:
        """The day households are reckoned on: today while the span runs, else its last day."""
        return min(max(today, self.first), self.last)

    def days_left(self, today: date) -> int:
        """Days left in the span, today included (0 once it is over)."""
        return max(0, (self.last - max(today, self.first)).days + 1) if today <= self.last else 0

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def span_of(site: Site, cadence: Cadence, day: date) -> Span:
    """The month (``MONTH``) or quarter (``QUARTER``) holding the site's local ``day``."""
    zone = clock.zone(site)
    period = cadence.period_at(datetime.combine(day, time(12), tzinfo=zone), zone)
    first = period.start.astimezone(zone).date()
    last = period.end.astimezone(zone).date() - timedelta(days=1)
    return Span(period.key, first, last)


def month_span(site: Site, period: str) -> Span:
    """The month ``YYYY-MM``."""
    year, month = int(period[:4]), int(period[5:7])
    return span_of(site, MONTH, date(year, month, 1))


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# --- Targets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    month: int = 333  # tenths of a percent
    quarter: int = 980


def targets(site: Site) -> Targets:
    row = db.session.scalar(sa.select(VisitsTarget).where(VisitsTarget.site_id == site.id))
    return Targets(row.month_permille, row.quarter_permille) if row else Targets()


def needed(households: int, permille: int) -> int:
    """How many households must be visited to reach the target."""
    return math.ceil(households * permille / 1000)


# --- Households ------------------------------------------------------------------------

Occ = Occupancy


def _living(occupancy, site_id: int, as_of: date):
    return sa.and_(
        occupancy.site_id == site_id,
        occupancy.moved_in <= as_of,
        sa.or_(occupancy.moved_out.is_(None), occupancy.moved_out > as_of),
    )


def _units_living(site_id: int, as_of: date):
    """Per unit lived in on ``as_of``: whether it has a primary contact, and its first
    occupant (the head when it has none). One grouped pass over the site's occupancies."""
    other = aliased(Occupancy)
    primary = sa.case((other.is_primary_contact.is_(True), 1), else_=0)
    return (
        sa.select(
            other.unit_id.label("unit_id"),
            sa.func.max(primary).label("has_primary"),
            sa.func.min(other.id).label("first_id"),
        )
        .where(_living(other, site_id, as_of))
        .group_by(other.unit_id)
        .subquery("units_living")
    )


def _heads_select(site_id: int, as_of: date, *columns):
    """A select of ``columns`` over each household's head occupancy (``Occupancy``) on
    ``as_of``, joined to its ``Unit`` and ``Resident``."""
    units = _units_living(site_id, as_of)
    return (
        sa.select(*columns)
        .select_from(Occ)
        .join(units, units.c.unit_id == Occ.unit_id)
        .join(Unit, Unit.id == Occ.unit_id)
        .join(Resident, Resident.id == Occ.resident_id)
        .where(
            _living(Occ, site_id, as_of),
            Unit.site_id == site_id,
            Unit.archived_at.is_(None),
            Unit.status != "vacant",
            Resident.site_id == site_id,
            Resident.archived_at.is_(None),
            sa.or_(
                Occ.is_primary_contact.is_(True),
                sa.and_(units.c.has_primary == 0, Occ.id == units.c.first_id),
            ),
        )
    )


def _visited_in(site_id: int, span: Span):
    """EXISTS: the head occupancy's household had a visit in ``span`` since moving in."""
    return (
        sa.select(VisitsVisit.id)
        .where(
            VisitsVisit.site_id == site_id,
            VisitsVisit.unit_id == Occ.unit_id,
            VisitsVisit.resident_id == Occ.resident_id,
            VisitsVisit.visited_on >= span.first,
            VisitsVisit.visited_on <= span.last,
            VisitsVisit.visited_on >= Occ.moved_in,
        )
        .exists()
    )


def _last_visit(site_id: int):
    return (
        sa.select(sa.func.max(VisitsVisit.visited_on))
        .where(
            VisitsVisit.site_id == site_id,
            VisitsVisit.unit_id == Occ.unit_id,
            VisitsVisit.resident_id == Occ.resident_id,
            VisitsVisit.visited_on >= Occ.moved_in,
        )
        .scalar_subquery()
    )


@dataclass
class Count:
    households: int = 0
    visited: int = 0

    def add(self, other: Count) -> None:
        self.households += other.households
        self.visited += other.visited

    @property
    def percent(self) -> float | None:
        return round(100 * self.visited / self.households, 1) if self.households else None

    def meets(self, permille: int) -> bool:
        return self.visited >= needed(self.households, permille)


def counts_by_building(
    site: Site, spans: list[Span], today: date, building_ids=None
) -> list[dict[int, Count]]:
    """Households and households visited in each of ``spans``, per building: one query
    for the spans reckoned on the same day (a running month and quarter), else one each."""
    days = {span.as_of(today) for span in spans}
    if len(days) > 1:
        return [counts_by_building(site, [span], today, building_ids)[0] for span in spans]
    visited = [sa.func.sum(sa.case((_visited_in(site.id, span), 1), else_=0)) for span in spans]
    stmt = _heads_select(site.id, days.pop(), Unit.building_id, sa.func.count(), *visited).group_by(
        Unit.building_id
    )
    if building_ids is not None:
        stmt = stmt.where(Unit.building_id.in_(building_ids))
    found: list[dict[int, Count]] = [{} for _ in spans]
    for building_id, households, *counts in db.session.execute(stmt):
        for n, count in enumerate(counts):
            found[n][building_id] = Count(int(households), int(count or 0))
    return found


def my_buildings(site: Site, user: User):
    """The buildings ``user`` looks after now, as a select of ids (the core's one query)."""
    return looked_after(site.id, user.id)


@dataclass
class ButlerQuota:
    butler_id: int
    name: str
    month: Count = field(default_factory=Count)
    quarter: Count = field(default_factory=Count)
    buildings: list[tuple[Building, Count, Count]] = field(default_factory=list)


def quota(site: Site, month: Span, quarter: Span, today: date, butler: User | None = None):
    """Each butler's quota over their buildings (only ``butler``'s when given), ranked by
    the month's share then the quarter's: two queries (three for a past month)."""
    stmt = (
        sa.select(ButlerAssignment.user_id, User.display_name, Building)
        .join(User, User.id == ButlerAssignment.user_id)
        .join(Building, Building.id == ButlerAssignment.building_id)
        .where(
            ButlerAssignment.site_id == site.id,
            ButlerAssignment.ends_on.is_(None),
            Building.archived_at.is_(None),
        )
        .order_by(User.display_name, Building.code)
    )
    if butler is not None:
        stmt = stmt.where(ButlerAssignment.user_id == butler.id)
    assignments = db.session.execute(stmt).all()
    ids = [b.id for _, _, b in assignments]
    by_month, by_quarter = (
        counts_by_building(site, [month, quarter], today, ids) if ids else ({}, {})
    )
    butlers: dict[int, ButlerQuota] = {}
    for user_id, name, building in assignments:
        row = butlers.setdefault(user_id, ButlerQuota(user_id, name))
        m, q = by_month.get(building.id, Count()), by_quarter.get(building.id, Count())
        row.month.add(m)
        row.quarter.add(q)
        row.buildings.append((building, m, q))
    return sorted(
        butlers.values(),
        key=lambda r: (-(r.month.percent or 0), -(r.quarter.percent or 0), r.name),
    )


# --- Lists of households ------------------------------------------------------------


@dataclass(frozen=True)
class Household:
    unit_id: int
    resident_id: int
    name: str
    building_id: int
    building_code: str
    floor: int
    number: str
    moved_in: date
    last_visit: date | None = None

    @property
    def label(self) -> str:
        return f"{self.building_code}-{self.number}"

    @property
    def key(self) -> str:
        return f"{self.unit_id}-{self.resident_id}"


def _household_columns(site_id: int):
    return (
        Occ.unit_id,
        Occ.resident_id,
        Resident.name,
        Unit.building_id,
        Building.code,
        Unit.floor,
        Unit.number,
        Occ.moved_in,
        _last_visit(site_id).label("last_visit"),
    )


def _households_subquery(site: Site, today: date, building_ids=None, not_visited_in=None):
    """Households living there today with their last visit, as a subquery: the last visit
    is worked out once per household, however the outer query filters and sorts."""
    stmt = _heads_select(
        site.id, today, *_household_columns(site.id), Occ.id.label("occupancy_id")
    ).join(Building, Building.id == Unit.building_id)
    if building_ids is not None:
        stmt = stmt.where(Unit.building_id.in_(building_ids))
    if not_visited_in is not None:
        stmt = stmt.where(~_visited_in(site.id, not_visited_in))
    return stmt.subquery("households")


HOUSEHOLD_FIELDS = (
    "unit_id",
    "resident_id",
    "name",
    "building_id",
    "code",
    "floor",
    "number",
    "moved_in",
    "last_visit",
)


def _oldest_first(h):
    return (
        h.c.last_visit.is_not(None),
        h.c.last_visit,
        h.c.code,
        h.c.floor,
        h.c.number,
        h.c.occupancy_id,
    )


def households(
    site: Site,
    today: date,
    building_ids=None,
    never: bool | None = None,
    not_visited_in: Span | None = None,
    limit: int | None = LIST_LIMIT,
) -> list[Household]:
    """Households living there today, the longest since their last visit first (never
    visited first of all); ``never`` keeps only those never visited (True) or only those
    visited before (False); ``not_visited_in`` leaves out those visited in that span."""
    h = _households_subquery(site, today, building_ids, not_visited_in)
    stmt = sa.select(*(h.c[name] for name in HOUSEHOLD_FIELDS)).order_by(*_oldest_first(h))
    if never is True:
        stmt = stmt.where(h.c.last_visit.is_(None))
    elif never is False:
        stmt = stmt.where(h.c.last_visit.is_not(None))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [Household(*row) for row in db.session.execute(stmt)]


def never_and_longest(
    site: Site, today: date, building_ids=None, limit: int = LIST_LIMIT
) -> tuple[list[Household], list[Household]]:
    """The first ``limit`` households never visited, and the first ``limit`` visited
    longest ago: one query (a row number within each of the two groups)."""
    h = _households_subquery(site, today, building_ids)
    place = (
        sa.func.row_number()
        .over(partition_by=h.c.last_visit.is_(None), order_by=_oldest_first(h))
        .label("place")
    )
    ranked = sa.select(h, place).subquery("ranked")
    rows = db.session.execute(
        sa.select(*(ranked.c[name] for name in HOUSEHOLD_FIELDS))
        .where(ranked.c.place <= limit)
        .order_by(*_oldest_first(ranked))
    ).all()
    found = [Household(*row) for row in rows]
    return [x for x in found if x.last_visit is None], [x for x in found if x.last_visit]


def household_of(site: Site, unit: Unit, resident: Resident, today: date) -> Household | None:
    """The household headed by ``resident`` in ``unit`` today, or None."""
    row = db.session.execute(
        _heads_select(site.id, today, *_household_columns(site.id))
        .join(Building, Building.id == Unit.building_id)
        .where(Occ.unit_id == unit.id, Occ.resident_id == resident.id)
    ).first()
    return Household(*row) if row else None


def head_of(site: Site, resident: Resident, today: date) -> Household | None:
    """The household ``resident`` belongs to today (theirs if they head one): the head of
    the first unit they live in."""
    mine = aliased(Occupancy)
    units = sa.select(mine.unit_id).where(
        _living(mine, site.id, today), mine.resident_id == resident.id
    )
    rows = db.session.execute(
        _heads_select(site.id, today, *_household_columns(site.id))
        .join(Building, Building.id == Unit.building_id)
        .where(Occ.unit_id.in_(units))
        .order_by(Occ.resident_id != resident.id, Occ.id)
    ).all()
    return Household(*rows[0]) if rows else None


# --- The floor grid ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    unit: Unit
    state: str  # visited, due, not_visited, vacant
    households: tuple[Household, ...]


def floor_grid(
    site: Site, building: Building, quarter: Span, today: date
) -> list[tuple[int, list[Cell]]]:
    """The building's units by floor (top floor first), each coloured: every household
    visited this quarter, due (planned this week), not visited, or vacant."""
    units = db.session.scalars(
        sa.select(Unit)
        .where(Unit.site_id == site.id, Unit.building_id == building.id)
        .where(Unit.archived_at.is_(None))
        .order_by(Unit.floor.desc(), Unit.number)
    ).all()
    rows = db.session.execute(
        _heads_select(site.id, today, *_household_columns(site.id), _visited_in(site.id, quarter))
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.building_id == building.id)
    ).all()
    monday, sunday = week_of(today)
    planned = set(
        db.session.execute(
            sa.select(VisitsPlan.unit_id, VisitsPlan.resident_id).where(
                VisitsPlan.site_id == site.id,
                VisitsPlan.removed_at.is_(None),
                VisitsPlan.planned_on >= monday,
                VisitsPlan.planned_on <= sunday,
            )
        ).all()
    )
    of_unit: dict[int, list[tuple[Household, bool]]] = defaultdict(list)
    for *values, visited in rows:
        of_unit[values[0]].append((Household(*values), bool(visited)))
    floors: dict[int, list[Cell]] = defaultdict(list)
    for unit in units:
        found = of_unit.get(unit.id, [])
        if not found:
            state = "vacant"
        elif all(visited for _, visited in found):
            state = "visited"
        elif any((h.unit_id, h.resident_id) in planned for h, v in found if not v):
            state = "due"
        else:
            state = "not_visited"
        floors[unit.floor].append(Cell(unit, state, tuple(h for h, _ in found)))
    return sorted(floors.items(), reverse=True)


# --- Planning the week ---------------------------------------------------------------


def weekly_need(count: Count, permille: int, span: Span, today: date) -> int:
    """How many visits this week keep a span on target: what is still needed, shared
    evenly over the weeks left (a week begun counts as one)."""
    remaining = max(0, needed(count.households, permille) - count.visited)
    weeks_left = max(1, math.ceil(span.days_left(today) / 7))
    return math.ceil(remaining / weeks_left)


def planned(site: Site, butler: User, first: date, last: date) -> list[VisitsPlan]:
    return list(
        db.session.scalars(
            sa.select(VisitsPlan)
            .where(
                VisitsPlan.site_id == site.id,
                VisitsPlan.butler_id == butler.id,
                VisitsPlan.removed_at.is_(None),
                VisitsPlan.planned_on >= first,
                VisitsPlan.planned_on <= last,
            )
            .options(
                selectinload(VisitsPlan.unit).selectinload(Unit.building),
                selectinload(VisitsPlan.resident),
            )
            .order_by(VisitsPlan.planned_on, VisitsPlan.id)
        )
    )


def proposal(site: Site, butler: User, today: date) -> list[Household]:
    """This week's proposed visits for ``butler``: enough households to stay on target
    for the month and the quarter, those not visited the longest first, leaving out
    households visited this quarter or planned this week."""
    month, quarter = span_of(site, MONTH, today), span_of(site, QUARTER, today)
    goals = targets(site)
    [mine] = quota(site, month, quarter, today, butler) or [ButlerQuota(butler.id, "")]
    monday, sunday = week_of(today)
    already = planned(site, butler, monday, sunday)
    done = visited_households(
        site, [(p.unit_id, p.resident_id) for p in already], quarter.first, quarter.last
    )
    open_plans = [p for p in already if (p.unit_id, p.resident_id) not in done]
    need = max(
        weekly_need(mine.month, goals.month, month, today),
        weekly_need(mine.quarter, goals.quarter, quarter, today),
    )
    need = max(0, need - len(open_plans))
    if need == 0:
        return []
    taken = {(p.unit_id, p.resident_id) for p in already}
    found = households(
        site, today, my_buildings(site, butler), not_visited_in=quarter, limit=need + len(taken)
    )
    return [h for h in found if (h.unit_id, h.resident_id) not in taken][:need]


def grouped(found: list[Household]) -> list[tuple[str, int, list[Household]]]:
    """Households grouped by building and floor, in the order first met."""
    groups: dict[tuple[str, int], list[Household]] = {}
    for h in found:
        groups.setdefault((h.building_code, h.floor), []).append(h)
    return [(code, floor, rows) for (code, floor), rows in groups.items()]


def spread(found: list[Household], today: date) -> list[tuple[date, Household]]:
    """Give each household a day from today to Sunday, neighbours on the same day."""
    days = [today + timedelta(days=n) for n in range((week_of(today)[1] - today).days + 1)]
    ordered = sorted(found, key=lambda h: (h.building_code, h.floor, h.number, h.resident_id))
    per_day = math.ceil(len(ordered) / len(days)) if ordered else 1
    return [(days[i // per_day], h) for i, h in enumerate(ordered)]


def plan(site: Site, butler: User, chosen: list[Household], today: date) -> list[VisitsPlan]:
    """Plan ``chosen`` over the rest of the week (the caller commits)."""
    rows = [
        VisitsPlan(
            site_id=site.id,
            butler_id=butler.id,
            unit_id=h.unit_id,
            resident_id=h.resident_id,
            planned_on=day,
        )
        for day, h in spread(chosen, today)
    ]
    db.session.add_all(rows)
    return rows


# --- Visits -----------------------------------------------------------------------


def visits_between(site: Site, first: date, last: date, butler_id: int | None = None):
    stmt = (
        sa.select(VisitsVisit)
        .where(
            VisitsVisit.site_id == site.id,
            VisitsVisit.visited_on >= first,
            VisitsVisit.visited_on <= last,
        )
        .options(
            selectinload(VisitsVisit.unit).selectinload(Unit.building),
            selectinload(VisitsVisit.resident),
            selectinload(VisitsVisit.butler),
        )
        .order_by(VisitsVisit.visited_at, VisitsVisit.id)
    )
    if butler_id is not None:
        stmt = stmt.where(VisitsVisit.butler_id == butler_id)
    return list(db.session.scalars(stmt))


def visited_households(site: Site, pairs: list[tuple[int, int]], first: date, last: date):
    """Which of the ``(unit_id, resident_id)`` pairs had a visit between the two dates."""
    if not pairs:
        return set()
    units = {u for u, _ in pairs}
    rows = db.session.execute(
        sa.select(VisitsVisit.unit_id, VisitsVisit.resident_id).where(
            VisitsVisit.site_id == site.id,
            VisitsVisit.unit_id.in_(units),
            VisitsVisit.visited_on >= first,
            VisitsVisit.visited_on <= last,
        )
    ).all()
    return {tuple(r) for r in rows} & set(pairs)


def behind(count: Count, permille: int, span: Span, today: date) -> bool:
    """Behind the pace: fewer households visited than the target's share of the days gone."""
    gone = span.days - span.days_left(today)
    return count.visited < math.floor(needed(count.households, permille) * gone / span.days)
