"""The ``clock`` fixture: tests stop ``core.clock`` at a moment and move it on.

``BUTLER_TEST_NOW`` (an ISO 8601 moment with its offset, e.g. ``2026-12-31T23:30+08:00``)
freezes the clock at that moment at the start of every test; without it the clock runs
with the real time unless a test takes the ``clock`` fixture. ``make test-dates`` runs the
time-sensitive tests at month end, year end, 29 February and a clock change that way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import clock as core_clock

ENV = "BUTLER_TEST_NOW"


def suite_moment() -> datetime | None:
    """The moment ``BUTLER_TEST_NOW`` names, aware; None when it is not set."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"{ENV}={raw!r} is not an ISO 8601 moment") from None
    if at.tzinfo is None:
        raise pytest.UsageError(f"{ENV}={raw!r} needs its offset, e.g. +08:00 or Z")
    return at


class Clock:
    """A handle on the frozen clock: ``set``, ``advance``, ``now``, ``today``, ``at_local``."""

    def __init__(self, start: datetime) -> None:
        core_clock.freeze(start)

    def set(self, at: datetime) -> datetime:
        core_clock.freeze(at)
        return core_clock.now()

    def advance(self, **delta: float) -> datetime:
        """Move on by ``timedelta(**delta)``: ``clock.advance(hours=2)``."""
        return core_clock.advance(timedelta(**delta))

    def now(self) -> datetime:
        return core_clock.now()

    def today(self, site) -> date:
        return core_clock.today(site)

    def at_local(self, site_or_zone, day: date, at: time) -> datetime:
        """Freeze at ``day`` ``at`` on the wall clock of a site (or a zone name)."""
        name = getattr(site_or_zone, "timezone", site_or_zone)
        return self.set(datetime.combine(day, at, tzinfo=ZoneInfo(name)))


@pytest.fixture(autouse=True)
def _hold_the_suite_clock() -> Iterator[None]:
    moment = suite_moment()
    if moment is not None:
        core_clock.freeze(moment)
    yield
    core_clock.release()


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The frozen clock, starting at ``BUTLER_TEST_NOW`` or else the real now."""
    yield Clock(suite_moment() or core_clock.now())
    core_clock.release()
