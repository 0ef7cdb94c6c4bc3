"""Small value types that plugins return from their hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from core.cadence import Cadence, Period
from core.roles import Permission

__all__ = [
    "Cadence",
    "Channel",
    "DayItem",
    "DeliveryRefused",
    "Erased",
    "ImportKind",
    "Job",
    "NavItem",
    "Panel",
    "Permission",
    "Period",
    "PluginInfo",
    "Report",
    "ResidentRows",
    "SearchResult",
    "Sheet",
    "Widget",
    "WorkLogEntry",
]

SITE_KINDS = frozenset({"residential", "hotel"})

# The plugin API this Butler offers, and the versions of it whose plugins it still runs.
# A change that breaks plugins (a hook's arguments, a value type's fields) raises
# API_VERSION; OLDEST_API_VERSION rises when the older plugins no longer work.
API_VERSION = 1
OLDEST_API_VERSION = 1


@dataclass(frozen=True)
class PluginInfo:
    """Who a plugin is: its name (a Python identifier, also its URL part and table prefix),
    label and description for the admin page, version, the site kinds it serves, the
    plugins it requires, and the plugin API version it was written for (``api_version``,
    checked at start-up against ``API_VERSION`` and ``OLDEST_API_VERSION``)."""

    name: str
    label: object
    description: object = ""
    version: str = "0.1.0"
    kinds: frozenset[str] = SITE_KINDS
    requires: tuple[str, ...] = ()
    api_version: int = 1

    def serves(self, kind: str) -> bool:
        return kind in self.kinds


@dataclass(frozen=True)
class NavItem:
    """An entry in a site's navigation bar; ``endpoint`` lives under ``/s/<site_slug>/``.

    ``permission`` hides the item from users who may not open it; smaller ``order`` first.
    ``phone`` asks for a place in the phone's bottom bar (smaller first; the bar holds four
    and the rest go under "More"). ``home_for`` names the roles that land on this page
    after logging in (a butler on the day page, a room attendant on their rooms).
    """

    label: object
    endpoint: str
    permission: str
    order: int = 100
    phone: int | None = None
    home_for: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Widget:
    """A box on the dashboard: ``template`` rendered with ``context``."""

    key: str
    title: object
    template: str
    permission: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A section of a resident's or unit's page, fetched lazily from ``endpoint``.

    The endpoint is one of the plugin's own views; it is called with ``url_args`` and
    answers with a fragment of HTML.
    """

    key: str
    title: object
    endpoint: str
    permission: str
    url_args: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class Sheet:
    """A report's figures as one table of plain values, the same for the page, the
    workbook and the hand-in snapshot.

    ``columns`` are the headings; each row of ``rows`` holds one value per column: text,
    an ``int`` or ``float`` (a percentage is a number 0 to 100, its heading says "(%)"),
    a ``Decimal`` amount of money in major units, a ``date``, or None for an empty cell.
    ``keys`` names each row with something that does not change with the language (a
    code, an id); without them a row is known by its first cell. The hand-in's "changes
    since hand-in" match rows by these keys and columns by their place.
    """

    title: object
    columns: tuple[object, ...]
    rows: tuple[tuple[Any, ...], ...] = ()
    keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"sheet {self.title!s}: every row needs one value per column")
        if self.keys and len(self.keys) != len(self.rows):
            raise ValueError(f"sheet {self.title!s}: give one key per row, or none")

    def row_keys(self) -> list[str]:
        """Each row's key: the one given, else the text of its first cell."""
        if self.keys:
            return [str(k) for k in self.keys]
        return ["" if not row or row[0] is None else str(row[0]) for row in self.rows]


@dataclass(frozen=True)
class Report:
    """A report on the reports page; ``endpoint`` shows it (and offers its exports).

    ``sheet(site, period, butler)``, when given, returns the report's figures as a
    ``Sheet`` cut to one butler (a ``User``): such a report can go into that butler's
    hand-in pack. A report without one is left out of the pack.
    """

    key: str
    title: object
    endpoint: str
    permission: str
    description: object = ""
    url_args: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100
    sheet: Callable[..., Sheet] | None = None


@dataclass(frozen=True)
class DayItem:
    """One thing on a person's day page: a round due, a request overdue, an event at three.

    ``key`` names it for the day (``events.event.42``); ``time`` is when (aware), None for
    "some time today"; ``done`` is what the plugin knows of it; ``overdue`` puts it first.
    ``tickable`` lets the person tick it done on the page when the plugin does not track it
    itself (the core keeps the tick for that person and day). ``permission``, when given,
    hides the item from people who do not hold it.
    """

    key: str
    title: str
    url: str
    kind: object
    time: Any = None
    detail: str = ""
    done: bool = False
    overdue: bool = False
    tickable: bool = False
    permission: str | None = None


@dataclass(frozen=True)
class WorkLogEntry:
    """One line of a butler's work log (《管家工作日志》): a round walked, a request closed,
    a visit made. ``time`` is when it happened (aware); ``kind`` says what sort of work
    (a lazy string shown as the line's tag); ``detail`` and ``outcome`` are short plain
    text. ``key`` names it uniquely for the day (``inspections.round.42``)."""

    key: str
    time: Any
    kind: object
    title: str
    url: str = ""
    detail: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class SearchResult:
    """One hit of the site search."""

    title: str
    url: str
    kind: object
    detail: str = ""


SCHEDULES = ("hourly", "daily", "weekly", "monthly")
DEFAULT_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    """Work done on a schedule for each site where the plugin is on.

    ``run(site, now)`` gets the site and the current time (UTC, timezone-aware). Periods
    are counted in the site's time zone. ``schedule`` is one of ``SCHEDULES`` (a daily job
    with ``hour=9`` runs once a day, at the first run of the runner at or after 09:00
    local time) or a ``Cadence`` (``Cadence.twice_a_day(time(9), time(15))``,
    ``Cadence.quarterly()``...): then the job runs once per period of the cadence, from
    the period's start, and ``hour`` stays 0.

    A run holds a lease of ``lease``: a run still "running" when its lease has run out is
    taken for dead (its process stopped) and the period is tried again.
    """

    name: str
    schedule: str | Cadence
    run: Callable[..., Any]
    description: object = ""
    hour: int = 0
    lease: timedelta = DEFAULT_LEASE

    def __post_init__(self) -> None:
        if isinstance(self.schedule, Cadence):
            if self.hour:
                raise ValueError(
                    f"job {self.name!r}: a cadence carries its own times; leave hour at 0"
                )
        elif self.schedule not in SCHEDULES:
            raise ValueError(f"job {self.name!r}: schedule must be one of {SCHEDULES} or a Cadence")
        if not 0 <= self.hour <= 23:
            raise ValueError(f"job {self.name!r}: hour must be 0 to 23")
        if self.lease <= timedelta(0):
            raise ValueError(f"job {self.name!r}: the lease must be longer than nothing")

    @property
    def cadence(self) -> Cadence | None:
        return self.schedule if isinstance(self.schedule, Cadence) else None


@dataclass(frozen=True)
class Channel:
    """A way of delivering outbox messages. ``deliver(message)`` raises on failure
    (``DeliveryRefused`` when trying again cannot help).

    ``batch``, when given, makes a context manager that the outbox enters once around a
    round of deliveries on this channel (before its first message), so that the channel
    can keep one connection open for the round.

    ``holds(site_id)``, when given, says why the channel cannot deliver for that site at
    the moment (a sentence for the outbox page), or None when it can: a held message
    waits in the queue, no attempt counted, and goes once the reason is gone.
    """

    name: str
    deliver: Callable[..., None]
    label: object = ""
    batch: Callable[[], AbstractContextManager] | None = None
    holds: Callable[[int], Any] | None = None


class DeliveryRefused(Exception):
    """The far end refused the message for good (a wrong number, a bad request): the
    outbox records it as failed and does not try again by itself."""


@dataclass(frozen=True)
class ImportKind:
    """A kind of file the core's import steps read for a plugin (CSV or XLSX, every row
    checked before anything is written). ``columns`` are ``core.imports.Column``; ``rows``
    is a class built like ``core.imports.UnitRows``: ``rows(site, table, writing=False)``
    with ``check(start, end) -> (problems, records)`` and
    ``write(records, batch, user) -> (created, updated)``. The kind's code is prefixed
    with the plugin's name (``fees.bills``); ``permission`` is one of the plugin's."""

    code: str
    label: object
    columns: tuple
    rows: type
    permission: str


@dataclass(frozen=True)
class ResidentRows:
    """One table's rows about one resident, for an access request: a sheet of the export.

    ``table`` is the table's name; each row maps a column to a plain value (text, a number,
    a date or time, True/False or None). ``core.privacy.rows_of`` builds one from a query.
    """

    table: str
    rows: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Erased:
    """What erasing one resident did to one table: counts only, never the values.

    ``deleted`` rows are gone; ``anonymised`` rows stay (the estate's figures count them)
    with the resident's personal data blanked. ``core.privacy`` builds them.
    """

    table: str
    deleted: int = 0
    anonymised: int = 0
