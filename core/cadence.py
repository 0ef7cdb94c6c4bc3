"""Cadences: how often routine work comes round, always on the site's wall clock.

The butler's duties run on cadences: rounds twice a day, visits twice a month, a report
"by the 25th", a survey each quarter. A ``Cadence`` cuts time into consecutive periods in
the site's time zone; each period has a start, an end, a key (``2026-11``, ``2026-Q4``,
``2026-11-25T09:00``...) and a due moment. Work done inside a period counts for it; the
work is overdue once the period's due moment has passed with nothing done.

Two kinds of cadence:
- *at* cadences happen at moments (twice a day at 09:00 and 15:00, daily at 08:00, weekly
  on Monday and Thursday, twice a month on the 1st and 16th, monthly on the 5th): a period
  runs from one moment to the next and is due at its start plus ``within`` (nothing by
  default: due at the moment itself).
- *by* cadences are a calendar span with a deadline in it (monthly by the 25th,
  quarterly, half-yearly, yearly): due at the end of the deadline day, or of the span.

Wall-clock times that a clock change skips or repeats are read as Python's ``zoneinfo``
does with ``fold=0``: 01:30 on the night London springs forward is 02:30 BST, and on the
night it falls back it is the first 01:30 (BST).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPANS = {"monthly_by": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Period:
    """One turn of a cadence: ``start`` <= moment < ``end``, due at ``due`` (aware, UTC)."""

    key: str
    start: datetime
    end: datetime
    due: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Cadence:
    """Build one with the class methods: ``Cadence.twice_a_day(time(9), time(15))``..."""

    kind: str
    times: tuple[time, ...] = (time(0),)
    weekdays: tuple[int, ...] = ()
    days: tuple[int, ...] = ()
    by_day: int | None = None
    first_month: int = 1
    within: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.kind not in ("times_a_day", "weekly", "days_of_month", *_SPANS):
            raise ValueError(f"unknown cadence {self.kind!r}")
        if not self.times or list(self.times) != sorted(set(self.times)):
            raise ValueError("times must be given once each, earliest first")
        if self.kind == "weekly" and not self.weekdays:
            raise ValueError("a weekly cadence needs its days (0 = Monday)")
        if any(not 0 <= d <= 6 for d in self.weekdays) or len(set(self.weekdays)) != len(
            self.weekdays
        ):
            raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday), once each")
        if self.kind == "days_of_month" and (
            not self.days or list(self.days) != sorted(set(self.days))
        ):
            raise ValueError("days of the month must be given once each, earliest first")
        if any(not 1 <= d <= 28 for d in self.days):
            raise ValueError("days of the month run from 1 to 28, so that every month has them")
        if self.by_day is not None and not 1 <= self.by_day <= 31:
            raise ValueError("'by day N' needs N from 1 to 31")
        if not 1 <= self.first_month <= 12:
            raise ValueError("the first month runs from 1 to 12")

    # --- The cadences people name ---------------------------------------------------------

    @classmethod
    def times_a_day(cls, *times: time, within: timedelta = timedelta(0)) -> Cadence:
        return cls("times_a_day", times=tuple(times), within=within)

    @classmethod
    def twice_a_day(cls, first: time, second: time, within: timedelta = timedelta(0)) -> Cadence:
        return cls.times_a_day(first, second, within=within)

    @classmethod
    def daily(cls, at: time = time(0), within: timedelta = timedelta(0)) -> Cadence:
        return cls.times_a_day(at, within=within)

    @classmethod
    def weekly(cls, *weekdays: int, at: time = time(0), within: timedelta = timedelta(0)):
        return cls("weekly", times=(at,), weekdays=tuple(sorted(weekdays)), within=within)

    @classmethod
    def twice_a_month(cls, first: int = 1, second: int = 16, at: time = time(0)) -> Cadence:
        return cls("days_of_month", times=(at,), days=(first, second))

    @classmethod
    def monthly(cls, day: int = 1, at: time = time(0), within: timedelta = timedelta(0)):
        """On day ``day`` of every month (1 to 28)."""
        return cls("days_of_month", times=(at,), days=(day,), within=within)

    @classmethod
    def monthly_by(cls, day: int) -> Cadence:
        """Once in each calendar month, due by the end of day ``day`` (the month's last day
        when the month is shorter)."""
        return cls("monthly_by", by_day=day)

    @classmethod
    def quarterly(cls, first_month: int = 1) -> Cadence:
        return cls("quarterly", first_month=first_month)

    @classmethod
    def half_yearly(cls, first_month: int = 1) -> Cadence:
        return cls("half_yearly", first_month=first_month)

    @classmethod
    def yearly(cls, first_month: int = 1) -> Cadence:
        return cls("yearly", first_month=first_month)

    # --- Questions ------------------------------------------------------------------------

    def period_at(self, at: datetime, zone: ZoneInfo | str) -> Period:
        """The period holding the moment ``at`` (aware)."""
        tz = _zone(zone)
        local = at.astimezone(tz)
        if self.kind in _SPANS:
            return self._span(_span_start(local.date(), _SPANS[self.kind], self.first_month), tz)
        start = self._last_start(local, tz)
        return self._make(start, self._next_start(start, tz), tz)

    def next_period(self, period: Period, zone: ZoneInfo | str) -> Period:
        return self.period_at(period.end, zone)

    def previous_period(self, period: Period, zone: ZoneInfo | str) -> Period:
        return self.period_at(period.start - timedelta(microseconds=1), zone)

    def periods(self, start: datetime, end: datetime, zone: ZoneInfo | str) -> Iterator[Period]:
        """Every period that overlaps ``start`` <= moment < ``end``, in order."""
        period = self.period_at(start, zone)
        while period.start < end:
            yield period
            period = self.next_period(period, zone)

    def next_due(self, after: datetime, zone: ZoneInfo | str) -> datetime:
        """The first due moment later than ``after``."""
        period = self.period_at(after, zone)
        while period.due <= after:
            period = self.next_period(period, zone)
        return period.due

    def is_overdue(
        self, now: datetime, zone: ZoneInfo | str, done_at: datetime | None = None
    ) -> bool:
        """Whether the work of the period holding ``now`` is past due and not yet done.

        ``done_at`` is when it was last done (None: never).
        """
        period = self.period_at(now, zone)
        done = done_at is not None and period.holds(done_at)
        return now >= period.due and not done

    def describe(self) -> str:
        """A plain English description, for logs and the jobs list (pages translate)."""
        at = ", ".join(t.strftime("%H:%M") for t in self.times)
        if self.kind == "times_a_day":
            return f"daily at {at}" if len(self.times) == 1 else f"{len(self.times)}× a day at {at}"
        if self.kind == "weekly":
            return f"weekly on {', '.join(WEEKDAYS[d] for d in self.weekdays)} at {at}"
        if self.kind == "days_of_month":
            return f"monthly on day {', '.join(map(str, self.days))} at {at}"
        if self.kind == "monthly_by":
            return f"monthly, by day {self.by_day}"
        return self.kind.replace("_", "-")

    # --- How the periods are cut ------------------------------------------------------------

    def _starts_on(self, day: date, tz: ZoneInfo) -> list[datetime]:
        """The period starts that fall on the local date ``day``, in order (aware, UTC)."""
        if self.kind == "weekly" and day.weekday() not in self.weekdays:
            return []
        if self.kind == "days_of_month" and day.day not in self.days:
            return []
        return [_moment(day, t, tz) for t in self.times]

    def _last_start(self, local: datetime, tz: ZoneInfo) -> datetime:
        at = local.astimezone(UTC)
        day = local.date()
        for _ in range(32 * 12):  # a month's start is never further back than this
            starts = [s for s in self._starts_on(day, tz) if s <= at]
            if starts:
                return starts[-1]
            day -= timedelta(days=1)
        raise AssertionError("no period start within a year")

    def _next_start(self, start: datetime, tz: ZoneInfo) -> datetime:
        day = start.astimezone(tz).date()
        for _ in range(32 * 12):
            later = [s for s in self._starts_on(day, tz) if s > start]
            if later:
                return later[0]
            day += timedelta(days=1)
        raise AssertionError("no next period within a year")

    def _make(self, start: datetime, end: datetime, tz: ZoneInfo) -> Period:
        local = start.astimezone(tz)
        if self.kind == "times_a_day" and len(self.times) == 1 and self.times[0] == time(0):
            key = local.date().isoformat()
        elif self.kind == "days_of_month" and self.times[0] == time(0):
            key = local.date().isoformat()
        else:
            key = local.strftime("%Y-%m-%dT%H:%M")
        return Period(key, start, end, min(start + self.within, end))

    def _span(self, first: date, tz: ZoneInfo) -> Period:
        months = _SPANS[self.kind]
        after = _add_months(first, months)
        start, end = _moment(first, time(0), tz), _moment(after, time(0), tz)
        if self.by_day is not None:
            last = (_add_months(first, 1) - timedelta(days=1)).day
            deadline = first.replace(day=min(self.by_day, last)) + timedelta(days=1)
            due = _moment(deadline, time(0), tz)
        else:
            due = end
        return Period(_span_key(first, months, self.first_month), start, end, due)


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    # A wall-clock time made aware, then normalised through UTC so that a time the clock
    # change skipped lands on the real moment after it.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _span_start(day: date, months: int, first_month: int) -> date:
    offset = (day.month - first_month) % months
    return _add_months(day.replace(day=1), -offset)


def _span_key(first: date, months: int, first_month: int) -> str:
    if months == 1:
        return first.strftime("%Y-%m")
    if first_month != 1:
        return first.strftime("%Y-%m") + f"+{months}m"
    if months == 3:
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if months == 6:
        return f"{first.year}-H{(first.month - 1) // 6 + 1}"
    return str(first.year)
