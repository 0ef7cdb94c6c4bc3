"""iCalendar (.ics) files: a site's feed and a single event, in the site's time zone."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from core import clock
from core.models import Site
from plugins.events.models import Event

# How far back the feed reaches: a month of past events stays in subscribed calendars.
FEED_PAST = timedelta(days=31)
PRODID = "-//Butler//events//EN"


@lru_cache(maxsize=32)
def vtimezone(name: str) -> Timezone:
    """The VTIMEZONE of the zone ``name``; built once per process (building it reads the
    zone's whole history, which costs more than a month of events)."""
    return Timezone.from_tzid(name)


def uid(site: Site, event: Event) -> str:
    return f"event-{event.id}@{site.slug}.butler"


def ics(site: Site, events: list[Event]) -> bytes:
    """An iCalendar file holding ``events``, their times on the site's clock."""
    zone = clock.zone(site)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", site.name)
    cal.add("x-wr-timezone", site.timezone)
    stamp = clock.now()
    for event in events:
        item = CalendarEvent()
        item.add("uid", uid(site, event))
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
        if event.place:
            item.add("location", event.place)
        if event.description:
            item.add("description", event.description)
        item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        item.add("last-modified", event.updated_at)
        cal.add_component(item)
    cal.add_component(vtimezone(site.timezone))
    return cal.to_ical()
