"""The queries behind the hooks: the dashboard's counts and an order found by its number."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core import clock, tenancy
from core.extensions import db
from core.models import Site
from plugins.paid_services.models import PaidServicesOrder as O  # noqa: N817


def widget_counts(site: Site) -> dict[str, int]:
    """Open orders, orders to deliver this week and the unpaid amount, in one query.

    Each figure is its own subquery so that each reads its own index; the unpaid sum
    reads only the orders that owe (a partial index).
    """
    today = clock.today(site)
    week_end = today + timedelta(days=6 - today.weekday())
    is_open = O.status.in_(("quoted", "accepted"))
    open_count = tenancy.select(O, func.count(O.id), site=site).where(is_open)
    week = open_count.where(O.scheduled_on <= week_end)
    unpaid = tenancy.select(
        O, func.coalesce(func.sum(O.total_minor - O.paid_minor), 0), site=site
    ).where(
        O.status.in_(("accepted", "delivered")),
        O.paid_minor < O.total_minor,
    )
    row = db.session.execute(
        select(open_count.scalar_subquery(), week.scalar_subquery(), unpaid.scalar_subquery())
    ).one()
    return {"open": row[0], "week": row[1], "unpaid_minor": int(row[2])}


def order_numbered(site: Site, query: str) -> O | None:
    """The site's order whose number is typed in ``query`` ("#123" or "123"), if any."""
    number = query.strip().lstrip("#")
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return db.session.scalar(tenancy.select(O, site=site).where(O.id == int(number)))
