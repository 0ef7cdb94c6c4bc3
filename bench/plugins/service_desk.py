"""The service desk at scale: a year of requests for a 2,000-household estate.

Every row gets an explicit id and every column a value (COPY on PostgreSQL fills no
defaults). The plugin is turned on by the seeder (bench/seed.py).
"""

from __future__ import annotations

from datetime import timedelta

from bench.seed import _bulk
from plugins.service_desk.models import (
    ServiceDeskCallback,
    ServiceDeskCategory,
    ServiceDeskEvent,
    ServiceDeskRequest,
)

KIND = "residential"
REQUESTS = 6_000  # a year of requests, three a household
OPEN_SHARE = 0.04  # the few still open at any time
CATEGORIES = (
    ("inquiry", "一般咨詢", 30, 24),
    ("repair", "水管", 30, 48),
    ("repair", "電力", 30, 48),
    ("repair", "電梯", 15, 24),
    ("complaint", "噪音", 30, 72),
    ("errand", "信件及包裹", 30, 24),
    ("feedback", "建議", 120, 168),
)


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    residents, units = ctx["resident_ids"], ctx["unit_ids"]
    buildings, staff = ctx["building_ids"], ctx["staff_ids"]
    category_rows = [
        {
            "id": category_id,
            "site_id": site_id,
            "type": type_,
            "name": name,
            "reply_minutes": reply,
            "complete_hours": complete,
            "active": True,
        }
        for category_id, (type_, name, reply, complete) in zip(
            ids.take(ServiceDeskCategory, len(CATEGORIES)), CATEGORIES, strict=True
        )
    ]
    _bulk(ServiceDeskCategory, category_rows)
    requests, events, callbacks = [], [], []
    event_ids = iter(ids.take(ServiceDeskEvent, REQUESTS * 4))
    callback_ids = iter(ids.take(ServiceDeskCallback, REQUESTS))
    for request_id in ids.take(ServiceDeskRequest, REQUESTS):
        category = rng.choice(category_rows)
        received = now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        who = rng.choice(staff)
        is_open = rng.random() < OPEN_SHARE or received > now - timedelta(days=2)
        replied = received + timedelta(minutes=rng.randrange(5, 2 * category["reply_minutes"]))
        done = None if is_open else replied + timedelta(hours=rng.randrange(1, 72))
        called = None if done is None else done + timedelta(hours=rng.randrange(1, 30))
        # Dissatisfied residents reopen a request; older ones were redone and closed since.
        recent = received > now - timedelta(days=10)
        moods = ("satisfied",) * 8 + ("neutral", "dissatisfied" if recent else "neutral")
        mood = None if called is None else rng.choice(moods)
        status = "in_progress" if is_open else "closed"
        if mood == "dissatisfied":  # reopened, being redone
            status, done = "in_progress", None
        unit_index = rng.randrange(len(units))
        requests.append(
            {
                "id": request_id,
                "site_id": site_id,
                "type": category["type"],
                "category_id": category["id"],
                "resident_id": residents[unit_index % len(residents)],
                "unit_id": units[unit_index],
                "building_id": buildings[unit_index % len(buildings)],
                "channel": rng.choice(("phone", "visit", "wechat", "app", "walk_in")),
                "description": "廚房水龍頭漏水",
                "status": status,
                "received_at": received,
                "logged_by_id": who,
                "reply_due_at": received + timedelta(minutes=category["reply_minutes"]),
                "complete_due_at": received + timedelta(hours=category["complete_hours"]),
                "acknowledged_at": replied,
                "reply": "已安排",
                "assignee_kind": "staff",
                "assignee_id": who,
                "contractor": "",
                "assigned_at": replied,
                "done_at": done,
                "callback_due_at": done + timedelta(hours=24) if done else None,
                "called_back_at": called,
                "satisfaction": mood,
                "closed_at": called if status == "closed" else None,
                "escalated_to": None,
                "escalated_at": None,
                "root_cause": "噪音" if category["type"] == "complaint" else "",
                "signed_off_by_id": who if category["type"] == "complaint" else None,
                "signed_off_at": called if category["type"] == "complaint" else None,
                "reopen_count": 1 if mood == "dissatisfied" else 0,
                "version_id": 5,
            }
        )
        steps = [("logged", received), ("acknowledged", replied)]
        if done:
            steps.append(("done", done))
        if called:
            steps.append((f"called_back_{mood}", called))
        for action, at in steps:
            events.append(
                {
                    "id": next(event_ids),
                    "site_id": site_id,
                    "request_id": request_id,
                    "at": at,
                    "user_id": who,
                    "action": action,
                    "note": "",
                }
            )
        if called:
            callbacks.append(
                {
                    "id": next(callback_ids),
                    "site_id": site_id,
                    "request_id": request_id,
                    "at": called,
                    "method": "call",
                    "satisfaction": mood,
                    "comment": "",
                    "by_id": who,
                }
            )
    _bulk(ServiceDeskRequest, requests)
    _bulk(ServiceDeskEvent, events)
    _bulk(ServiceDeskCallback, callbacks)
    return {
        "service desk categories": len(category_rows),
        "service requests": len(requests),
        "service request events": len(events),
        "callbacks": len(callbacks),
    }


def pages(base: str) -> list[tuple[str, str]]:
    desk = f"{base}/service_desk"
    return [
        ("service desk: my open requests", f"{desk}/"),
        ("service desk: all open", f"{desk}/?view=open"),
        ("service desk: overdue", f"{desk}/?view=overdue"),
        ("service desk: everything, page 20", f"{desk}/?view=all&page=20"),
        ("service desk: monthly report", f"{desk}/reports/monthly"),
        ("service desk: open items", f"{desk}/reports/open-items"),
    ]
