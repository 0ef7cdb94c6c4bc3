"""Community events at scale: two years of events on a 2,000-household estate.

About four events a week (weekly classes and occasional festivals), 25 households at
each, most of them come and give a score; the next two months are planned. One large
event (a festival with 300 households) is what the event page and the door list are
measured on.
"""

from __future__ import annotations

from datetime import timedelta

from bench.seed import _bulk
from plugins.events.models import Event, Registration

KIND = "residential"
PAST_DAYS = 2 * 365
FUTURE_DAYS = 60
EVENTS_PER_WEEK = 4
HOUSEHOLDS_PER_EVENT = 25
FESTIVAL_HOUSEHOLDS = 300
TITLES = ("太極班", "書法班", "親子手工", "長者健康講座", "瑜伽班", "中秋燈籠晚會", "電影之夜")
PLACES = ("平台花園", "會所多用途室", "會所宴會廳", "泳池旁空地")

# The large event the event page and the attendance list are measured on (set by seed).
MEASURED: dict[str, int] = {}


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    residents, staff = ctx["resident_ids"], ctx["staff_ids"]
    days = PAST_DAYS + FUTURE_DAYS
    count = days * EVENTS_PER_WEEK // 7
    starts = sorted(
        (
            now - timedelta(days=PAST_DAYS) + timedelta(minutes=rng.randrange(days * 24 * 60))
        ).replace(minute=0, second=0, microsecond=0)
        for _ in range(count)
    )
    events, registrations = [], []
    event_ids = ids.take(Event, count)
    # The first site seeded gets the festival the pages are measured on: an event soon.
    festival = event_ids[count - count * FUTURE_DAYS // days + 3] if ctx["measured"] else None
    for event_id, start in zip(event_ids, starts, strict=True):
        households = FESTIVAL_HOUSEHOLDS if event_id == festival else HOUSEHOLDS_PER_EVENT
        events.append(
            {
                "id": event_id,
                "site_id": site_id,
                "title": rng.choice(TITLES),
                "description": "",
                "place": rng.choice(PLACES),
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "capacity": households * 3,
                "audience": "site",
                "min_age": None,
                "max_age": None,
                "registration_opens_at": None,
                "registration_closes_at": None,
                "price": 0,
                "staff_id": rng.choice(staff),
                "series_key": None,
                "report": "" if start > now else "順利完成。",
                "cancelled_at": None,
                "version_id": 1,
                "created_at": start - timedelta(days=30),
                "updated_at": start - timedelta(days=30),
            }
        )
        over = start < now
        for resident_id in rng.sample(residents, min(households, len(residents))):
            came = over and rng.random() < 0.85
            registrations.append(
                {
                    "site_id": site_id,
                    "event_id": event_id,
                    "resident_id": resident_id,
                    "places": rng.choice((1, 1, 2, 2, 3)),
                    "status": rng.choice(("confirmed",) * 9 + ("cancelled",)),
                    "channel": rng.choice(("phone", "walk_in")),
                    "queued_at": start - timedelta(days=rng.randrange(1, 20)),
                    "registered_by_id": rng.choice(staff),
                    "attended": came,
                    "feedback_score": rng.choice((3, 4, 4, 5, 5)) if came else None,
                    "created_at": start - timedelta(days=20),
                    "updated_at": start - timedelta(days=20),
                }
            )
    for row, registration_id in zip(
        registrations, ids.take(Registration, len(registrations)), strict=True
    ):
        row["id"] = registration_id
    _bulk(Event, events)
    _bulk(Registration, registrations)
    if festival is not None:
        MEASURED["event_id"] = festival
        MEASURED["resident_id"] = residents[0]
    return {"events": len(events), "event registrations": len(registrations)}


def pages(base: str) -> list[tuple[str, str]]:
    events = f"{base}/events"
    event_id = MEASURED.get("event_id", 1)
    return [
        ("events: month view", f"{events}/"),
        ("events: a festival with 300 households", f"{events}/{event_id}"),
        ("events: attendance at the door, 300 households", f"{events}/{event_id}/attendance"),
        ("events: this month's figures", f"{events}/figures"),
        ("events: the site's calendar feed (.ics)", f"{events}/calendar.ics"),
        (
            "events: a resident's panel",
            f"{events}/residents/{MEASURED.get('resident_id', 1)}/panel",
        ),
    ]
