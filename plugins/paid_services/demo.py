"""Demo rows: a catalogue with Hong Kong prices and a few orders at every stage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock, tenancy
from core.extensions import db
from core.models import Membership, Occupancy, Resident, Site, User
from core.roles import DEMO_STAFF
from plugins.paid_services import rules
from plugins.paid_services.models import PaidServicesOrder, PaidServicesService

# name, description, unit of sale, price in minor units
CATALOGUE = (
    (
        "Post-renovation cleaning 裝修後開荒保潔",
        "Dust, glass, floors and kitchen after works.",
        "m2",
        1800,
    ),
    ("Home cleaning 家居清潔", "A cleaner for routine housework.", "hour", 15000),
    (
        "Indoor plant rental 室內綠植租擺",
        "Plants placed and cared for every fortnight.",
        "month",
        8000,
    ),
    ("Fluorescent tube replacement 更換光管", "Tube supplied and fitted.", "visit", 12000),
    ("Switch or socket repair 開關插座維修", "", "visit", 18000),
    ("Tap repair 水龍頭維修", "", "visit", 20000),
    ("Floor drain unblocking 地漏疏通", "", "visit", 25000),
    (
        "Indoor air testing 室內空氣檢測",
        "Formaldehyde and TVOC, with a written report.",
        "visit",
        80000,
    ),
)


def add_demo_data(site: Site) -> None:
    exists = db.session.scalar(
        tenancy.select(PaidServicesService, PaidServicesService.id, site=site).limit(1)
    )
    if exists is not None:
        return
    services = []
    for name, description, unit, price in CATALOGUE:
        service = PaidServicesService(
            site_id=site.id,
            name=name,
            description=description,
            unit_of_sale=unit,
            price_minor=price,
            active=True,
        )
        db.session.add(service)
        services.append(service)
    db.session.flush()
    seller = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(DEMO_STAFF))
        .order_by(User.id)
        .limit(1)
    )
    rows = db.session.execute(
        select(Resident, Occupancy)
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .where(Resident.site_id == site.id, Occupancy.moved_out.is_(None))
        .order_by(Resident.id)
        .limit(5)
    ).all()
    if seller is None or len(rows) < 4:
        return
    today = clock.now().date()

    def order(index: int, service: PaidServicesService, hundredths: int) -> PaidServicesOrder:
        resident, occupancy = rows[index]
        made = rules.create_order(site, resident=resident, unit=occupancy.unit, seller=seller)
        rules.add_line(made, service, hundredths, seller)
        return made

    cleaning = order(0, services[1], 300)
    rules.accept(cleaning, who=rows[0][0].name, how="phone", user=seller)
    rules.schedule(cleaning, on=today + timedelta(days=2), staff=seller, contractor="", user=seller)
    tap = order(1, services[5], 100)
    rules.accept(tap, who=rows[1][0].name, how="in_person", user=seller)
    rules.deliver(tap, on=today, note="Cartridge replaced.", user=seller)
    rules.pay(tap, amount_minor=10000, method="wechat_pay", reference="", user=seller)
    plants = order(2, services[2], 400)
    rules.accept(plants, who=rows[2][0].name, how="message", user=seller)
    rules.deliver(
        plants, on=today - timedelta(days=40), note="Four plants in the lobby.", user=seller
    )
    rules.pay(plants, amount_minor=plants.total_minor, method="transfer", reference="", user=seller)
    order(3, services[7], 100)
