"""Rounds at scale: a year of rounds, twice a day, in each of an estate's buildings.

Each building has the default route (10 checkpoints, 13 items on a fair-weather morning);
every round marks each item, about one item in thirty is a finding, and nine findings in
ten are closed within a few days. The measured round is yesterday's afternoon round of
the first building, with that building's open findings carried onto it; the work log is
the same butler's yesterday. Every one of the 50 estates carries its year of rounds
(``SITES``), not only the first few as for the other plugins.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.seed import _bulk
from core.extensions import db
from core.models import Site
from plugins.inspections.models import (
    InspectionsCheckpoint,
    InspectionsFinding,
    InspectionsItem,
    InspectionsRound,
)
from plugins.inspections.rules import DEFAULT_ROUTE

KIND = "residential"
SITES = 50  # a year of rounds in every estate of the company (P6's figure)
DAYS = 365
TIMES = (time(9), time(15))
FINDING_SHARE = 30  # one item in this many is a finding

MEASURED: dict[str, object] = {}


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    zone = ZoneInfo(db.session.get(Site, site_id).timezone)
    butler = ctx["staff_ids"][0]
    checkpoints, items, rounds, findings, walk = [], [], [], [], []
    marks = 0
    today = now.astimezone(zone).date()
    for building_id in ctx["building_ids"]:
        route = []
        for position, (area, name, texts) in enumerate(DEFAULT_ROUTE, start=1):
            [point_id] = ids.take(InspectionsCheckpoint, 1)
            checkpoints.append(
                {
                    "id": point_id,
                    "site_id": site_id,
                    "building_id": building_id,
                    "position": position,
                    "name": str(name),
                    "area": area,
                    "active": True,
                }
            )
            for index, (text, kind, condition) in enumerate(texts, start=1):
                [item_id] = ids.take(InspectionsItem, 1)
                items.append(
                    {
                        "id": item_id,
                        "site_id": site_id,
                        "checkpoint_id": point_id,
                        "position": index,
                        "text": str(text),
                        "kind": kind,
                        "condition": condition,
                        "active": True,
                    }
                )
                route.append((item_id, point_id, area, kind, condition))
        # What a morning and an evening round walk past, in order (n: minutes in).
        walks = {
            evening: [r for r in route if r[4] == "always" or (evening and r[4] == "evening")]
            for evening in (False, True)
        }
        for evening, walked in walks.items():
            walk += [
                (building_id, evening, n, item_id, point_id)
                for n, (item_id, point_id, *_rest) in enumerate(walked)
            ]
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            for at in TIMES:
                start = datetime.combine(day, at, tzinfo=zone)
                evening = at == TIMES[-1]
                [round_id] = ids.take(InspectionsRound, 1)
                ok = found = 0
                walked = walks[evening]
                for n, (item_id, point_id, area, kind, _c) in enumerate(walked):
                    if rng.randrange(FINDING_SHARE):
                        ok += 1
                        continue
                    found += 1
                    marked = start + timedelta(minutes=n)
                    closed = back > 5 and rng.random() < 0.9
                    closed_at = marked + timedelta(hours=rng.randrange(2, 96)) if closed else None
                    findings.append(
                        {
                            "site_id": site_id,
                            "building_id": building_id,
                            "checkpoint_id": point_id,
                            "item_id": item_id,
                            "unit_id": None,
                            "round_id": round_id,
                            "area": area,
                            "kind": kind,
                            "note": rng.choice(
                                ("地面有污漬", "燈泡損壞", "防火門未關", "雜物堆放")
                            ),
                            "photo_key": None,
                            "owner_kind": rng.choice(("butler", "contractor", "front_desk")),
                            "owner_name": "",
                            "due_on": day + timedelta(days=7),
                            "raised_by_id": butler,
                            "raised_at": marked,
                            "closed_at": closed_at,
                            "closed_by_id": butler if closed else None,
                            "close_note": "已處理" if closed else "",
                            "close_photo_key": None,
                        }
                    )
                marks += len(walked)
                rounds.append(
                    {
                        "id": round_id,
                        "site_id": site_id,
                        "building_id": building_id,
                        "butler_id": butler,
                        "kind": "routine",
                        "period_key": f"{day.isoformat()}T{at.strftime('%H:%M')}",
                        "day": day,
                        "evening": evening,
                        "participants": "",
                        "started_at": start,
                        "completed_at": start + timedelta(minutes=40),
                        "ok_count": ok,
                        "finding_count": found,
                    }
                )
                if ctx["measured"] and building_id == ctx["building_ids"][0] and back == 1:
                    MEASURED.update(round_id=round_id, checkpoint_id=route[0][1], day=day)
    for row, finding_id in zip(findings, ids.take(InspectionsFinding, len(findings)), strict=True):
        row["id"] = finding_id
    _bulk(InspectionsCheckpoint, checkpoints)
    _bulk(InspectionsItem, items)
    _bulk(InspectionsRound, rounds)
    _bulk(InspectionsFinding, findings)
    _marks(site_id, walk, findings)
    if ctx["measured"]:
        MEASURED["butler_id"] = butler
    return {
        "checkpoints": len(checkpoints),
        "rounds": len(rounds),
        "marks": marks,
        "findings": len(findings),
    }


def _marks(site_id: int, walk: list[tuple], found: list[dict]) -> None:
    """Every round's marks, written by the database from the rounds, the route each
    walks and the findings (about two million rows at 50 estates: building them in Python
    took most of the seeding). A mark is a finding where the round raised one on its item;
    it is made ``n`` minutes into the round, ``n`` its place on the walk."""
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE IF NOT EXISTS bench_walk (building_id integer, "
        f"evening {'boolean' if postgres else 'integer'}, n integer, item_id integer, "
        "checkpoint_id integer)"
    )
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE IF NOT EXISTS bench_found (round_id integer, item_id integer, "
        "PRIMARY KEY (round_id, item_id))"
    )
    connection.exec_driver_sql("DELETE FROM bench_walk")
    connection.exec_driver_sql("DELETE FROM bench_found")
    connection.execute(
        sa.text("INSERT INTO bench_walk VALUES (:b, :e, :n, :i, :p)"),
        [{"b": b, "e": e, "n": n, "i": i, "p": p} for b, e, n, i, p in walk],
    )
    if found:
        connection.execute(
            sa.text("INSERT INTO bench_found VALUES (:r, :i)"),
            [{"r": f["round_id"], "i": f["item_id"]} for f in found],
        )
    at = (
        "r.started_at + w.n * interval '1 minute'"
        if postgres
        else "datetime(r.started_at, '+' || w.n || ' minutes') || '.000000'"
    )
    connection.execute(
        sa.text(
            "INSERT INTO inspections_mark "
            "(site_id, round_id, checkpoint_id, item_id, result, at) "
            "SELECT r.site_id, r.id, w.checkpoint_id, w.item_id, "
            f"CASE WHEN f.round_id IS NULL THEN 'ok' ELSE 'finding' END, {at} "
            "FROM inspections_round r "
            "JOIN bench_walk w ON w.building_id = r.building_id AND w.evening = r.evening "
            "LEFT JOIN bench_found f ON f.round_id = r.id AND f.item_id = w.item_id "
            "WHERE r.site_id = :site ORDER BY r.id, w.n"
        ),
        {"site": site_id},
    )


def pages(base: str) -> list[tuple[str, str]]:
    s = f"{base}/inspections"
    round_id = MEASURED.get("round_id", 1)
    day = MEASURED.get("day")
    log_day = day.isoformat() if day else ""
    return [
        ("inspections: today's rounds", f"{s}/"),
        ("inspections: a round with its carried findings", f"{s}/rounds/{round_id}"),
        (
            "inspections: a checkpoint of a round",
            f"{s}/rounds/{round_id}/checkpoints/{MEASURED.get('checkpoint_id', 1)}",
        ),
        ("inspections: open findings", f"{s}/findings"),
        (
            "inspections: a butler's work log",
            f"{base}/log/{log_day}?butler={MEASURED.get('butler_id', 1)}",
        ),
        ("inspections: the month's report", f"{s}/reports/monthly"),
    ]
