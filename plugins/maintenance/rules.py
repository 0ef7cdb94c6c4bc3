"""The maintenance plugin's rules: the plan's due dates, the due and overdue lists,
compliance with the required frequency from the log, and the monthly evaluation's window.

Due dates come from the core's cadences, on the site's wall clock: a task done ``times``
a month is cut by ``Cadence.monthly_by(31)`` (the calendar month), a quarterly one by
``Cadence.quarterly()`` and a yearly one by ``Cadence.yearly()``. Within a period the
visits are spread evenly: twice a month means the first by the 15th (the half of the
month) and the second by the month's last day. A visit logged after its slot's day is
late; a slot still empty when the period ends is missed. Both count against the contract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from core import clock
from core.extensions import db
from core.models import Building, Site, User
from core.plugins.api import Cadence
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceEvaluation,
    MaintenanceSettings,
    MaintenanceTask,
    MaintenanceWork,
)

# The job description's plan (管家每月、每季、每年工作安排): what the contracts require.
DEFAULT_PLAN = (
    ("road_washing", "cleaning", "month", 2),
    ("floor_washing", "cleaning", "month", 1),
    ("pest_control", "pest_control", "month", 1),
    ("drains", "cleaning", "month", 1),
    ("reservoir", "water_tanks", "quarter", 1),
    ("water_features", "cleaning", "quarter", 1),
    ("underground_shafts", "cleaning", "quarter", 1),
    ("septic_tank", "cleaning", "year", 1),
)
CADENCES = {
    "month": Cadence.monthly_by(31),
    "quarter": Cadence.quarterly(),
    "year": Cadence.yearly(),
}
SCORE_DAY = 25  # the month's evaluation is scored by the 25th of the month after
DEFAULT_THRESHOLD = 60


class Refused(ValueError):
    """A rule refused the change; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- Periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One period of a task's cadence, in the site's dates: ``first`` to ``last`` inclusive."""

    key: str
    first: date
    last: date

    def slots(self, times: int) -> list[date]:
        """The day by which each of ``times`` visits is due, spread evenly over the span."""
        days = (self.last - self.first).days + 1
        return [self.first + timedelta(days=-(-i * days // times) - 1) for i in range(1, times + 1)]


def period_of(site: Site, span: str, day: date) -> Span:
    """The period of cadence ``span`` (month, quarter, year) that holds the site's ``day``."""
    zone = clock.zone(site)
    period = CADENCES[span].period_at(datetime.combine(day, time(12), tzinfo=zone), zone)
    last = (period.end.astimezone(zone) - timedelta(microseconds=1)).date()
    return Span(period.key, period.start.astimezone(zone).date(), last)


def month_span(month: str) -> tuple[date, date]:
    """The first and last day of ``month`` (``YYYY-MM``); ValueError when it is not one."""
    if len(month) != 7 or month[4] != "-":
        raise ValueError(month)
    first = date(int(month[:4]), int(month[5:]), 1)
    if not 2000 <= first.year <= 2100:
        raise ValueError(month)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def previous_month(month: str) -> str:
    first, _last = month_span(month)
    return month_of(first - timedelta(days=1))


def next_month(month: str) -> str:
    _first, last = month_span(month)
    return month_of(last + timedelta(days=1))


# --- The plan --------------------------------------------------------------------------------


def default_tasks(services: Iterable[str]) -> list[tuple[str, str, str, int]]:
    """The default plan's lines for a contractor of these services."""
    wanted = set(services)
    return [line for line in DEFAULT_PLAN if line[1] in wanted]


def add_default_plan(site: Site, contract: MaintenanceContract, services: Iterable[str]) -> int:
    """Give ``contract`` the default plan's lines for ``services``; how many were added."""
    lines = default_tasks(services)
    for code, service, span, times in lines:
        db.session.add(
            MaintenanceTask(
                site_id=site.id,
                contract_id=contract.id,
                code=code,
                service=service,
                span=span,
                times=times,
            )
        )
    return len(lines)


def buildings(site: Site) -> list[Building]:
    return list(
        db.session.scalars(
            sa.select(Building)
            .where(Building.site_id == site.id, Building.archived_at.is_(None))
            .order_by(Building.code)
        )
    )


@dataclass(frozen=True)
class PlanLine:
    task: MaintenanceTask
    contract: MaintenanceContract
    contractor: MaintenanceContractor


def plan_on(site: Site, day: date, contractor_id: int | None = None) -> list[PlanLine]:
    """The plan's lines in force on ``day``: tasks of contracts running that day, of the
    contractors still in the register."""
    return plan_between(site, day, day, contractor_id, with_archived=False)


def _where(line: PlanLine, all_buildings: list[Building]) -> list[Building]:
    if line.task.building_id is None:
        return all_buildings
    return [b for b in all_buildings if b.id == line.task.building_id]


COUNTED = sa.or_(MaintenanceWork.check_result.is_(None), MaintenanceWork.check_result != "redo")


# --- The due and overdue lists ------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A task still owed in a building this period: ``done`` of ``required``, the next
    visit due by ``due_on``; ``overdue`` once that day has passed."""

    task: MaintenanceTask
    contractor: MaintenanceContractor
    building: Building
    span: Span
    required: int
    done: int
    due_on: date
    overdue: bool

    @property
    def key(self) -> str:
        return f"{self.task.id}-{self.building.id}"


def due_list(site: Site, today: date, building_ids: set[int] | None = None) -> list[Due]:
    """Every task still owed this period, per building: the overdue first, then by date.

    Three queries whatever the size of the plan and the log: the plan, the buildings, and
    the work of the current periods counted per task and building.
    """
    lines = plan_on(site, today)
    if not lines:
        return []
    every = [b for b in buildings(site) if building_ids is None or b.id in building_ids]
    spans = {span: period_of(site, span, today) for span in CADENCES}
    by_span: dict[str, list[int]] = defaultdict(list)
    for line in lines:
        by_span[line.task.span].append(line.task.id)
    counts = dict(
        ((task_id, building_id), n)
        for task_id, building_id, n in db.session.execute(
            sa.select(MaintenanceWork.task_id, MaintenanceWork.building_id, sa.func.count())
            .where(
                MaintenanceWork.site_id == site.id,
                COUNTED,
                sa.or_(
                    *(
                        sa.and_(
                            MaintenanceWork.task_id.in_(ids),
                            MaintenanceWork.done_on >= spans[span].first,
                            MaintenanceWork.done_on <= spans[span].last,
                        )
                        for span, ids in by_span.items()
                    )
                ),
            )
            .group_by(MaintenanceWork.task_id, MaintenanceWork.building_id)
        ).all()
    )
    owed = []
    for line in lines:
        span = spans[line.task.span]
        slots = span.slots(line.task.times)
        for building in _where(line, every):
            done = counts.get((line.task.id, building.id), 0)
            if done >= line.task.times:
                continue
            due_on = slots[done]
            owed.append(
                Due(
                    line.task,
                    line.contractor,
                    building,
                    span,
                    line.task.times,
                    done,
                    due_on,
                    due_on < today,
                )
            )
    owed.sort(key=lambda d: (not d.overdue, d.due_on, d.building.code, d.task.id))
    return owed


# --- Compliance from the log ------------------------------------------------------------------


@dataclass
class Tally:
    """What the log shows against what the plan required, over some periods."""

    required: int = 0
    done: int = 0
    late: int = 0
    rows: list = field(default_factory=list)

    @property
    def missed(self) -> int:
        return self.required - self.done

    @property
    def percent(self) -> int | None:
        return None if not self.required else self.done * 100 // self.required

    @property
    def flagged(self) -> bool:
        return bool(self.required) and self.done < self.required


@dataclass(frozen=True)
class TallyRow:
    task: MaintenanceTask
    building: Building
    span: Span
    required: int
    done: int
    late: int


def _work_dates(site: Site, task_ids: list[int], first: date, last: date) -> dict:
    """The days each task was done in each building between ``first`` and ``last``."""
    found: dict[tuple[int, int], list[date]] = defaultdict(list)
    if not task_ids:
        return found
    rows = db.session.execute(
        sa.select(MaintenanceWork.task_id, MaintenanceWork.building_id, MaintenanceWork.done_on)
        .where(
            MaintenanceWork.site_id == site.id,
            MaintenanceWork.task_id.in_(task_ids),
            MaintenanceWork.done_on >= first,
            MaintenanceWork.done_on <= last,
            COUNTED,
        )
        .order_by(MaintenanceWork.done_on)
    ).all()
    for task_id, building_id, done_on in rows:
        found[(task_id, building_id)].append(done_on)
    return found


def _count(tally: Tally, task, building, span: Span, dates: list[date]) -> None:
    slots = span.slots(task.times)
    done = dates[: task.times]
    late = sum(1 for i, day in enumerate(done) if day > slots[i])
    tally.required += task.times
    tally.done += len(done)
    tally.late += late
    tally.rows.append(TallyRow(task, building, span, task.times, len(done), late))


def compliance(site: Site, contractor_id: int, service: str | None, month: str) -> Tally:
    """The contractor's compliance with the required frequency for the periods that end in
    ``month`` (the month's tasks; a quarter's in its last month; a year's in December)."""
    first, last = month_span(month)
    every = buildings(site)
    lines = [
        line
        for line in plan_between(site, first, last, contractor_id)
        if (service is None or line.task.service == service)
        and period_of(site, line.task.span, last).last == last
    ]
    earliest = min((period_of(site, li.task.span, last).first for li in lines), default=first)
    dates = _work_dates(site, [li.task.id for li in lines], earliest, last)
    tally = Tally()
    for line in lines:
        span = period_of(site, line.task.span, last)
        for building in _where(line, every):
            _count(tally, line.task, building, span, dates.get((line.task.id, building.id), []))
    return tally


def plan_between(
    site: Site,
    first: date,
    last: date,
    contractor_id: int | None = None,
    with_archived: bool = True,
) -> list[PlanLine]:
    """The plan's lines of contracts running at some time between ``first`` and ``last``."""
    query = (
        sa.select(MaintenanceTask, MaintenanceContract, MaintenanceContractor)
        .join(MaintenanceContract, MaintenanceContract.id == MaintenanceTask.contract_id)
        .join(MaintenanceContractor, MaintenanceContractor.id == MaintenanceContract.contractor_id)
        .where(
            MaintenanceTask.site_id == site.id,
            MaintenanceTask.removed_at.is_(None),
            MaintenanceContract.starts_on <= last,
            MaintenanceContract.ends_on >= first,
        )
        .order_by(MaintenanceContractor.company, MaintenanceTask.id)
    )
    if not with_archived:
        query = query.where(MaintenanceContractor.archived_at.is_(None))
    if contractor_id is not None:
        query = query.where(MaintenanceContract.contractor_id == contractor_id)
    return [PlanLine(*row) for row in db.session.execute(query).all()]


def against_contract(site: Site, contract: MaintenanceContract, today: date) -> Tally:
    """Every period of the contract's plan that has ended by ``today``: what was missed and
    what was late, counted against the contract."""
    tasks = list(
        db.session.scalars(
            sa.select(MaintenanceTask).where(
                MaintenanceTask.site_id == site.id,
                MaintenanceTask.contract_id == contract.id,
                MaintenanceTask.removed_at.is_(None),
            )
        )
    )
    tally = Tally()
    end = min(contract.ends_on, today - timedelta(days=1))
    if not tasks or end < contract.starts_on:
        return tally
    every = buildings(site)
    dates = _work_dates(site, [t.id for t in tasks], contract.starts_on, end)
    for task in tasks:
        where = (
            every if task.building_id is None else [b for b in every if b.id == task.building_id]
        )
        span = period_of(site, task.span, contract.starts_on)
        while span.last <= end:
            for building in where:
                inside = [
                    d for d in dates.get((task.id, building.id), []) if span.first <= d <= span.last
                ]
                _count(tally, task, building, span, inside)
            span = period_of(site, task.span, span.last + timedelta(days=1))
    return tally


# --- The monthly evaluation ------------------------------------------------------------------


def threshold(site: Site) -> int:
    row = db.session.scalar(
        sa.select(MaintenanceSettings.threshold).where(MaintenanceSettings.site_id == site.id)
    )
    return row or DEFAULT_THRESHOLD


def window(site: Site, month: str) -> tuple[date, datetime]:
    """When the evaluation of ``month`` opens (the 1st of the month after, the site's day)
    and the moment it locks (the end of the 25th of that month, on the site's clock)."""
    opens = month_span(month)[1] + timedelta(days=1)
    zone = clock.zone(site)
    period = Cadence.monthly_by(SCORE_DAY).period_at(
        datetime.combine(opens, time(12), tzinfo=zone), zone
    )
    return opens, period.due


def state(site: Site, month: str, evaluation: MaintenanceEvaluation | None, now: datetime) -> str:
    """``not_open``, ``open``, ``reopened``, ``scored`` (and still open), ``locked`` or
    ``missed`` (the 25th passed without a score)."""
    opens, locks = window(site, month)
    if now.astimezone(clock.zone(site)).date() < opens:
        return "not_open"
    if evaluation is not None and evaluation.reopened_at is not None:
        return "reopened"
    if now < locks:
        return "scored" if evaluation is not None and evaluation.scored_at else "open"
    return "locked" if evaluation is not None and evaluation.scored_at else "missed"


def may_score(state_code: str) -> bool:
    return state_code in ("open", "reopened", "scored")


def find(site: Site, contractor_id: int, service: str, month: str) -> MaintenanceEvaluation | None:
    return db.session.scalar(
        sa.select(MaintenanceEvaluation).where(
            MaintenanceEvaluation.site_id == site.id,
            MaintenanceEvaluation.contractor_id == contractor_id,
            MaintenanceEvaluation.service == service,
            MaintenanceEvaluation.month == month,
        )
    )


def mean_score(*values: int | None) -> int:
    given = [v for v in values if v is not None]
    return round(sum(given) / len(given))


def score(
    site: Site,
    contractor: MaintenanceContractor,
    service: str,
    month: str,
    user: User,
    marks: dict,
    comments: str,
    now: datetime,
) -> MaintenanceEvaluation:
    """Keep the month's scores; compliance is filled from the log. Refused once locked."""
    evaluation = find(site, contractor.id, service, month)
    code = state(site, month, evaluation, now)
    if not may_score(code):
        raise Refused(
            "locked" if code in ("locked", "missed") else "not_open",
        )
    if evaluation is None:
        evaluation = MaintenanceEvaluation(
            site_id=site.id, contractor_id=contractor.id, service=service, month=month
        )
        db.session.add(evaluation)
    tally = compliance(site, contractor.id, service, month)
    evaluation.quality = marks["quality"]
    evaluation.punctuality = marks["punctuality"]
    evaluation.attitude = marks["attitude"]
    evaluation.compliance = tally.percent
    evaluation.score = mean_score(
        marks["quality"], marks["punctuality"], marks["attitude"], tally.percent
    )
    evaluation.comments = comments
    evaluation.scored_by_id = user.id
    evaluation.scored_at = now
    if code == "reopened":
        # Scored again after reopening: it locks again (the reason and who reopened it stay).
        evaluation.reopened_at = None
    return evaluation


def reopen(
    site: Site,
    contractor: MaintenanceContractor,
    service: str,
    month: str,
    user: User,
    reason: str,
    now: datetime,
) -> MaintenanceEvaluation:
    """Open a locked evaluation again, for the reason given; it locks when scored again."""
    reason = reason.strip()
    if len(reason) < 5:
        raise Refused("reason", field="reason")
    evaluation = find(site, contractor.id, service, month)
    if state(site, month, evaluation, now) not in ("locked", "missed"):
        raise Refused("not_locked", field="reason")
    if evaluation is None:
        evaluation = MaintenanceEvaluation(
            site_id=site.id, contractor_id=contractor.id, service=service, month=month
        )
        db.session.add(evaluation)
    evaluation.reopened_at = now
    evaluation.reopened_by_id = user.id
    evaluation.reopen_reason = reason
    return evaluation


@dataclass(frozen=True)
class ToEvaluate:
    contractor: MaintenanceContractor
    service: str
    evaluation: MaintenanceEvaluation | None


def to_evaluate(site: Site, month: str) -> list[ToEvaluate]:
    """Each contractor and service whose contract ran in ``month``, with its evaluation."""
    first, last = month_span(month)
    pairs: dict[tuple[int, str], MaintenanceContractor] = {}
    rows = db.session.execute(
        sa.select(MaintenanceContractor, MaintenanceTask.service)
        .join(MaintenanceContract, MaintenanceContract.contractor_id == MaintenanceContractor.id)
        .outerjoin(
            MaintenanceTask,
            sa.and_(
                MaintenanceTask.contract_id == MaintenanceContract.id,
                MaintenanceTask.removed_at.is_(None),
            ),
        )
        .where(
            MaintenanceContractor.site_id == site.id,
            MaintenanceContract.starts_on <= last,
            MaintenanceContract.ends_on >= first,
        )
        .order_by(MaintenanceContractor.company)
    ).all()
    for contractor, service in rows:
        for code in [service] if service else contractor.services or ["other"]:
            pairs.setdefault((contractor.id, code), contractor)
    found = {
        (e.contractor_id, e.service): e
        for e in db.session.scalars(
            sa.select(MaintenanceEvaluation).where(
                MaintenanceEvaluation.site_id == site.id, MaintenanceEvaluation.month == month
            )
        )
    }
    return [ToEvaluate(c, s, found.get((c.id, s))) for (_cid, s), c in pairs.items()]


def history(
    site: Site, contractor_id: int, service: str | None = None
) -> list[MaintenanceEvaluation]:
    """The contractor's scored evaluations, oldest first."""
    query = sa.select(MaintenanceEvaluation).where(
        MaintenanceEvaluation.site_id == site.id,
        MaintenanceEvaluation.contractor_id == contractor_id,
        MaintenanceEvaluation.score.is_not(None),
    )
    if service is not None:
        query = query.where(MaintenanceEvaluation.service == service)
    return list(db.session.scalars(query.order_by(MaintenanceEvaluation.month)))


def warnings(scored: list[MaintenanceEvaluation], limit: int) -> set[tuple[str, str]]:
    """The (service, month) whose score is below ``limit`` for the second month running."""
    by_key = {(e.service, e.month): e.score for e in scored}
    found = set()
    for e in scored:
        before = by_key.get((e.service, previous_month(e.month)))
        if e.score < limit and before is not None and before < limit:
            found.add((e.service, e.month))
    return found


def warned_in(site: Site, month: str) -> set[tuple[int, str]]:
    """The (contractor, service) scored below the site's threshold in ``month`` and in the
    month before: one query for the whole list."""
    limit = threshold(site)
    before = previous_month(month)
    rows = db.session.execute(
        sa.select(
            MaintenanceEvaluation.contractor_id,
            MaintenanceEvaluation.service,
            MaintenanceEvaluation.month,
        ).where(
            MaintenanceEvaluation.site_id == site.id,
            MaintenanceEvaluation.month.in_((month, before)),
            MaintenanceEvaluation.score < limit,
        )
    ).all()
    low = {(c, s, m) for c, s, m in rows}
    return {(c, s) for c, s, m in low if m == month and (c, s, before) in low}


# --- The year's end --------------------------------------------------------------------------


@dataclass
class YearRow:
    contractor: MaintenanceContractor
    scores: dict = field(default_factory=dict)  # month -> mean score of its services
    tally: Tally = field(default_factory=Tally)
    contracts: list = field(default_factory=list)

    @property
    def average(self) -> int | None:
        values = list(self.scores.values())
        return round(sum(values) / len(values)) if values else None


def year_summary(site: Site, year: int, today: date) -> list[YearRow]:
    """Per contractor: each month's score, the year's average, and the plan's periods of
    the year that have ended: required, done, late and missed."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows: dict[int, YearRow] = {}
    contracts = db.session.execute(
        sa.select(MaintenanceContract, MaintenanceContractor)
        .join(MaintenanceContractor, MaintenanceContractor.id == MaintenanceContract.contractor_id)
        .where(
            MaintenanceContract.site_id == site.id,
            MaintenanceContract.starts_on <= last,
            MaintenanceContract.ends_on >= first,
        )
        .order_by(MaintenanceContractor.company)
    ).all()
    for contract, contractor in contracts:
        row = rows.setdefault(contractor.id, YearRow(contractor))
        row.contracts.append(contract)
        counted = against_contract(site, contract, min(today, last + timedelta(days=1)))
        for r in counted.rows:
            if r.span.first.year == year:
                row.tally.required += r.required
                row.tally.done += r.done
                row.tally.late += r.late
    scores: dict[tuple[int, str], list[int]] = defaultdict(list)
    for e in db.session.scalars(
        sa.select(MaintenanceEvaluation).where(
            MaintenanceEvaluation.site_id == site.id,
            MaintenanceEvaluation.month.like(f"{year}-%"),
            MaintenanceEvaluation.score.is_not(None),
        )
    ):
        scores[(e.contractor_id, e.month)].append(e.score)
    for (contractor_id, month), values in scores.items():
        if contractor_id in rows:
            rows[contractor_id].scores[month] = round(sum(values) / len(values))
    return list(rows.values())


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def copy_for_next_year(site: Site, contract: MaintenanceContract) -> MaintenanceContract:
    """A contract for the year after, with the same plan, to be changed as agreed."""
    copy = MaintenanceContract(
        site_id=site.id,
        contractor_id=contract.contractor_id,
        title=contract.title,
        starts_on=_next_year(contract.starts_on),
        ends_on=_next_year(contract.ends_on),
        value_minor=contract.value_minor,
        copied_from_id=contract.id,
    )
    db.session.add(copy)
    db.session.flush()
    for task in db.session.scalars(
        sa.select(MaintenanceTask).where(
            MaintenanceTask.site_id == site.id,
            MaintenanceTask.contract_id == contract.id,
            MaintenanceTask.removed_at.is_(None),
        )
    ):
        db.session.add(
            MaintenanceTask(
                site_id=site.id,
                contract_id=copy.id,
                code=task.code,
                name=task.name,
                service=task.service,
                span=task.span,
                times=task.times,
                building_id=task.building_id,
            )
        )
    return copy


def copied_already(site: Site, contract: MaintenanceContract) -> MaintenanceContract | None:
    return db.session.scalar(
        sa.select(MaintenanceContract).where(
            MaintenanceContract.site_id == site.id,
            MaintenanceContract.copied_from_id == contract.id,
        )
    )


# --- For other plugins -------------------------------------------------------------------------


def contractor_names(site: Site) -> list[str]:
    """The companies of the register, for the service desk's assignment (when both are on)."""
    return list(
        db.session.scalars(
            sa.select(MaintenanceContractor.company)
            .where(
                MaintenanceContractor.site_id == site.id,
                MaintenanceContractor.archived_at.is_(None),
            )
            .order_by(MaintenanceContractor.company)
        )
    )
