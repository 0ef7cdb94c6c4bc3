"""The revenue report's month figures, kept up to date on every write.

Summing a year of orders, lines and payments on each view of the report read tens of
thousands of rows. Instead each order's *share* of the figures (per month, service and
seller: delivered lines and their value, payments less refunds, the quote sold) is
counted when the order, one of its lines or one of its payments is written, and the
difference from its previous share is added to ``paid_services_month_figure``. The
report then reads a year as a few hundred rows.

The rules are those of ``reports.py`` (revenue is delivered work, by the delivery date or
the rental's month; money counts in the site's month it came in; a quote is sold in the
month it was accepted unless cancelled). ``rebuild`` counts a site again from its rows:
for rows written around the ORM (bulk loads, the bench) and after a site changes its
time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import Site
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesMonthFigure,
    PaidServicesOrder,
    PaidServicesOrderShare,
    PaidServicesPayment,
)

FIGURES = (
    "delivered_lines",
    "delivered_minor",
    "payments",
    "collected_minor",
    "sold_orders",
    "sold_minor",
)
# (site_id, month, service_id, seller_id): a row of the figures; service 0 is "none".
Key = tuple[int, str, int, int]
_TOUCHED = "paid_services_touched_orders"
_CHUNK = 500


def _month(moment, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def shares(order_ids: Iterable[int], session=None) -> dict[int, dict[Key, list[int]]]:
    """Each order's share of the figures, counted from its rows (absent orders: none)."""
    session = session or db.session
    ids = list(order_ids)
    out: dict[int, dict[Key, list[int]]] = {}
    o, line, payment = PaidServicesOrder, PaidServicesLine, PaidServicesPayment
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        orders = session.execute(
            select(
                o.id,
                o.site_id,
                o.status,
                o.sold_by_id,
                o.delivered_on,
                o.accepted_at,
                o.total_minor,
                Site.timezone,
            )
            .join(Site, Site.id == o.site_id)
            .where(o.id.in_(chunk))
        ).all()
        lines = defaultdict(list)
        for row in session.execute(
            select(line.order_id, line.service_id, line.period, line.total_minor).where(
                line.order_id.in_(chunk)
            )
        ):
            lines[row.order_id].append(row)
        payments = defaultdict(list)
        for row in session.execute(
            select(payment.order_id, payment.kind, payment.amount_minor, payment.received_at).where(
                payment.order_id.in_(chunk)
            )
        ):
            payments[row.order_id].append(row)
        for order in orders:
            out[order.id] = _share(order, lines[order.id], payments[order.id])
    return out


def _share(order, lines, payments) -> dict[Key, list[int]]:
    zone = ZoneInfo(order.timezone)
    share: dict[Key, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    site, seller = order.site_id, order.sold_by_id
    if order.status == "delivered":
        for line in lines:
            if line.period is not None:
                month = line.period
            elif order.delivered_on is not None:
                month = order.delivered_on.strftime("%Y-%m")
            else:
                continue
            row = share[(site, month, line.service_id, seller)]
            row[0] += 1
            row[1] += line.total_minor
    for payment in payments:
        row = share[(site, _month(payment.received_at, zone), 0, seller)]
        row[2] += 1
        row[3] += payment.amount_minor if payment.kind == "payment" else -payment.amount_minor
    if order.accepted_at is not None and order.status != "cancelled":
        row = share[(site, _month(order.accepted_at, zone), 0, seller)]
        row[4] += 1
        row[5] += order.total_minor
    return dict(share)


def refresh(order_ids: Iterable[int], session=None) -> None:
    """Count ``order_ids`` again: take their old shares off the figures, add the new."""
    session = session or db.session
    ids = sorted(set(order_ids))
    if not ids:
        return
    s = PaidServicesOrderShare
    delta: dict[Key, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        old = select(
            s.site_id, s.month, s.service_id, s.seller_id, *map(s.__table__.c.get, FIGURES)
        )
        for site_id, month, service_id, seller_id, *values in session.execute(
            old.where(s.order_id.in_(chunk))
        ):
            for n, value in enumerate(values):
                delta[(site_id, month, service_id, seller_id)][n] -= value
        session.execute(delete(s).where(s.order_id.in_(chunk)))
    new_rows = []
    for order_id, share in shares(ids, session).items():
        for key, values in share.items():
            for n, value in enumerate(values):
                delta[key][n] += value
            new_rows.append(_row(key, values) | {"order_id": order_id})
    if new_rows:
        session.execute(insert(s), new_rows)
    _add(delta, session)


def _row(key: Key, values: list[int]) -> dict:
    site_id, month, service_id, seller_id = key
    return {
        "site_id": site_id,
        "month": month,
        "service_id": service_id,
        "seller_id": seller_id,
        **dict(zip(FIGURES, values, strict=True)),
    }


def _add(delta: dict[Key, list[int]], session) -> None:
    """Add ``delta`` to the figures in one upsert a row: two writers cannot lose a sum."""
    rows = [_row(key, values) for key, values in sorted(delta.items()) if any(values)]
    if not rows:
        return
    # (``session`` may be a Connection: the migration counts through Alembic's.)
    dialect = getattr(session, "dialect", None) or session.get_bind().dialect
    dialect = dialect.name
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(PaidServicesMonthFigure)
    table = PaidServicesMonthFigure.__table__
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=["site_id", "month", "service_id", "seller_id"],
            set_={name: table.c[name] + upsert.excluded[name] for name in FIGURES},
        ),
        rows,
    )


def rebuild(site_id: int, session=None) -> None:
    """Count every order of the site again from its rows (the figures start from zero)."""
    session = session or db.session
    for model in (PaidServicesOrderShare, PaidServicesMonthFigure):
        session.execute(delete(model).where(model.site_id == site_id))
    o = PaidServicesOrder
    refresh(session.scalars(select(o.id).where(o.site_id == site_id)).all(), session)


# --- Kept up to date on write -------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_touched_orders(session: Session, _context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PaidServicesOrder):
            touched.add(obj.id)
        elif isinstance(obj, PaidServicesLine | PaidServicesPayment) and obj.order_id:
            touched.add(obj.order_id)
    if not touched:
        session.info.pop(_TOUCHED, None)


@event.listens_for(Session, "before_commit")
def _count_touched_orders(session: Session) -> None:
    # The commit flushes only after this hook: flush now, so every change is counted.
    if session.new or session.dirty or session.deleted:
        session.flush()
    touched = session.info.pop(_TOUCHED, set())
    if touched:
        refresh(touched, session)


@event.listens_for(Session, "after_rollback")
def _forget_touched_orders(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
