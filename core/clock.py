"""The one source of time: every module reads the moment here, so tests can stop and move it.

Nothing else in ``core/`` or ``plugins/`` calls ``datetime.now``, ``date.today`` or the
database's ``CURRENT_TIMESTAMP`` to learn what time it is (``tests/core/test_clock.py``
walks the tree to keep it so). A site's local date comes from ``today(site)``: the
database and the server keep UTC, and "today" is a question about a place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class HasTimezone(Protocol):
    timezone: str


_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, aware, in UTC (the frozen one while a test holds the clock)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def zone(site: HasTimezone) -> ZoneInfo:
    """The site's time zone."""
    return ZoneInfo(site.timezone)


def local_now(site: HasTimezone) -> datetime:
    """The current moment on the site's wall clock (aware, in the site's zone)."""
    return now().astimezone(zone(site))


def today(site: HasTimezone) -> date:
    """The date it is now at the site."""
    return local_now(site).date()


def day_bounds(site: HasTimezone, day: date) -> tuple[datetime, datetime]:
    """The UTC moments the site's ``day`` starts and ends (the end excluded): 23 or 25
    hours long on the days its clocks change."""
    tz = zone(site)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def this_month(site: HasTimezone) -> str:
    """The site's current month as ``YYYY-MM``."""
    return today(site).strftime("%Y-%m")


# --- Holding the clock (tests, the bench, demo data for a given day) ---------------------


def freeze(at: datetime) -> None:
    """Stop the clock at ``at`` (aware; kept in UTC) until ``release()``."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime: which zone is that?")
    _frozen = at.astimezone(UTC)


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock on by ``delta``; returns the new moment."""
    if _frozen is None:
        raise RuntimeError("advance() moves a frozen clock: freeze() it first")
    freeze(_frozen + delta)
    return now()


def release() -> None:
    """Let the clock run with the real time again."""
    global _frozen
    _frozen = None


def is_frozen() -> bool:
    return _frozen is not None
