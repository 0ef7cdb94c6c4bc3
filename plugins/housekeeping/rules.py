"""The rules of the housekeeping day: how a room's status may change, shifts, the fair split.

Views call these; tests call them too. The time comes from ``core.clock``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core import clock
from core.models import Site

SHIFTS = {"morning": 15, "afternoon": 23, "night": 7}  # the hour each shift ends

# An attendant's tap: a dirty room is cleaned.
CLEANED = {"vacant_dirty": "vacant_clean", "occupied_dirty": "occupied"}
# What a supervisor may set with one tap; "inspected" comes only from an inspection and
# the blocks only with their reason and period.
SET_BY_HAND = ("vacant_dirty", "vacant_clean", "occupied", "occupied_dirty")
BLOCKED = ("out_of_order", "out_of_service")


def shift_end(site: Site, shift: str, at: datetime | None = None) -> datetime:
    """When ``shift`` ends: the next time its end hour strikes in the site's zone."""
    zone = clock.zone(site)
    local = (at or clock.now()).astimezone(zone)
    end = datetime.combine(local.date(), time(SHIFTS[shift]), tzinfo=zone)
    if end <= local:
        end += timedelta(days=1)
    return end


def next_action(status: str, released: bool) -> str | None:
    """The one-tap action a room's card offers: clean, inspect, release or service."""
    if status in CLEANED:
        return "clean"
    if status == "vacant_clean":
        return "inspect"
    if status == "inspected" and not released:
        return "release"
    if status == "occupied":
        return "service"
    return None


@dataclass(frozen=True)
class Load:
    """A room to share out: its id, floor and number (for order) and its credits."""

    id: int
    floor: int
    number: str
    credits: int


def fair_split(rooms: Sequence[Load], attendants: Sequence[int]) -> dict[int, int]:
    """``{room id: attendant id}``: rooms in floor order, cut into runs of even credits.

    Each attendant gets consecutive rooms (so a floor stays with as few people as
    possible) and about the same credits: a run ends when the next room would take the
    running total past the attendant's share by more than half of its own credits.
    """
    if not attendants:
        return {}
    ordered = sorted(rooms, key=lambda r: (r.floor, r.number))
    total = sum(r.credits for r in ordered)
    n = len(attendants)
    split: dict[int, int] = {}
    done, who = 0, 0
    for room in ordered:
        while who < n - 1 and done + room.credits / 2 > total * (who + 1) / n:
            who += 1
        split[room.id] = attendants[who]
        done += room.credits
    return split


def week_end(day: date) -> date:
    """The Sunday that ends ``day``'s week."""
    return day + timedelta(days=6 - day.weekday())


def next_due(last_done: date | None, starts_on: date, every_days: int) -> date:
    """When a room's next deep cleaning of a kind is due: a cycle after the last one, or
    the cycle's first day when the room has never had one."""
    return last_done + timedelta(days=every_days) if last_done else starts_on


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def to_order(par: int, in_stock: int, used_last_week: int) -> int:
    """What the week's requisition asks for: back up to par after a week like the last."""
    return max(0, par + used_last_week - in_stock)


# A guest is in: such a room is not taken out of order before the guest is moved.
OCCUPIED = ("occupied", "occupied_dirty")


def disposable_from(found_on: date, keep_days: int) -> date:
    """The first day lost property found on ``found_on`` may be disposed of: after it has
    been kept ``keep_days`` days."""
    return found_on + timedelta(days=keep_days)


# --- Labour ------------------------------------------------------------------------------

OCCUPIED_MOVEMENTS = ("stayover", "arrival")  # a guest sleeps in the room tonight


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up (both never negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def wage_cost(minutes: int, hourly_rate: int) -> int:
    """What ``minutes`` of work cost at ``hourly_rate`` (minor units), rounded half up."""
    return _half_up(minutes * hourly_rate, 60)


@dataclass(frozen=True)
class LabourMonth:
    """A month's labour figures: cost in minor units, hours, rooms."""

    cost: int
    minutes: int
    rooms_cleaned: int
    occupied: int
    standard_minutes: int

    @property
    def per_occupied_room(self) -> int | None:
        """The labour cost per occupied room-night, minor units; None with no room sold."""
        return _half_up(self.cost, self.occupied) if self.occupied else None

    @property
    def rooms_per_hour(self) -> float | None:
        return round(self.rooms_cleaned * 60 / self.minutes, 2) if self.minutes else None

    @property
    def productivity(self) -> int | None:
        """The standard minutes of the rooms cleaned, as a share (%) of the minutes worked."""
        return _half_up(self.standard_minutes * 100, self.minutes) if self.minutes else None


def labour_month(
    shifts: Sequence[tuple[int, int]],
    rooms_cleaned: int,
    occupied: int,
    standard_minutes: int = 0,
) -> LabourMonth:
    """The month's figures from its roster lines ``(minutes, hourly rate)``: each line is
    costed on its own (rounded), then summed."""
    return LabourMonth(
        cost=sum(wage_cost(minutes, rate) for minutes, rate in shifts),
        minutes=sum(minutes for minutes, _rate in shifts),
        rooms_cleaned=rooms_cleaned,
        occupied=occupied,
        standard_minutes=standard_minutes,
    )


# --- Public areas: the day's cleaning schedule ----------------------------------------------

SET_UP_MINUTES = 60  # an area is cleaned in the hour before its function
COVERS_PER_ATTENDANT = 100  # one public-area attendant per hundred covers clears down


@dataclass(frozen=True)
class Cleaning:
    """One cleaning on the day's schedule of public areas."""

    at: time
    area_id: int
    kind: str  # "before" a function, "after" it
    function: str
    attendants: int


def function_cleanings(
    area_id: int, name: str, starts_at: time, ends_at: time, covers: int
) -> list[Cleaning]:
    """A function's cleanings: its area made ready in the hour before it starts, and
    cleared down when it ends by one attendant per hundred covers (at least one)."""
    start = datetime.combine(date(2000, 1, 1), starts_at)
    before = max(start - timedelta(minutes=SET_UP_MINUTES), start.replace(hour=0, minute=0))
    crew = max(1, -(-covers // COVERS_PER_ATTENDANT))
    return [
        Cleaning(before.time(), area_id, "before", name, 1),
        Cleaning(ends_at, area_id, "after", name, crew),
    ]


def day_schedule(functions: Sequence[tuple[int, str, time, time, int]]) -> list[Cleaning]:
    """Every function's cleanings, in the order of the day."""
    cleanings = [c for f in functions for c in function_cleanings(*f)]
    return sorted(cleanings, key=lambda c: (c.at, c.area_id, c.kind))
