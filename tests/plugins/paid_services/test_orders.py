"""A butler sells a paid service: quote, acceptance, delivery, payment in parts, receipt."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditLog
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)
from tests.conftest import login
from tests.plugins.paid_services.conftest import add_service


def text(response) -> str:
    return response.get_data(as_text=True)


def new_quote(client, estate, service=None, quantity="2", **extra) -> int:
    """Ben's quote for Chan; the id of the new order."""
    service = service or estate.cleaning
    data = {"unit_id": str(estate.flat.id), "service_id": str(service.id), "quantity": quantity}
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new", data=data, **extra
    )
    assert response.status_code == 303, text(response)
    return int(re.search(r"/orders/(\d+)$", response.location).group(1))


def order_of(app, order_id) -> PaidServicesOrder:
    with app.app_context():
        order = db.session.get(PaidServicesOrder, order_id)
        order.lines  # noqa: B018  (loaded before the session closes)
        db.session.expunge_all()
        return order


def accepted(client, estate, **kwargs) -> int:
    order_id = new_quote(client, estate, **kwargs)
    url = f"{estate.base}/orders/{order_id}"
    assert (
        client.post(f"{url}/accept", data={"who": "Chan Tai Man", "how": "phone"}).status_code
        == 303
    )
    return order_id


# --- The journey ------------------------------------------------------------------------


def test_quote_accept_deliver_pay_in_two_parts_and_print_the_receipt(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate, quantity="2")
    url = f"{estate.base}/orders/{order_id}"
    page = text(client.get(url))
    assert "Quote" in page and "Home cleaning" in page and "HK$300.00" in page
    assert "Chan Tai Man" in page and "T1-12C" in page

    # A second line while it is still a quote.
    added = client.post(f"{url}/lines", data={"service_id": estate.tubes.id, "quantity": "1"})
    assert added.status_code == 303
    assert "HK$420.00" in text(client.get(url))

    response = client.post(f"{url}/accept", data={"who": "Mrs Chan", "how": "in_person"})
    assert response.status_code == 303
    page = text(client.get(url))
    assert "by Mrs Chan" in page and "In person, signed" in page

    scheduled = client.post(
        f"{url}/schedule", data={"scheduled_on": "2026-12-03", "contractor": "Sparkle Co."}
    )
    assert scheduled.status_code == 303
    assert "Sparkle Co." in text(client.get(url))

    delivered = client.post(
        f"{url}/deliver", data={"delivered_on": "2026-11-20", "note": "Kitchen and bathrooms"}
    )
    assert delivered.status_code == 303

    first = client.post(
        f"{url}/payments", data={"amount": "200", "method": "wechat_pay", "reference": "WX-1"}
    )
    assert first.status_code == 303
    assert "HK$220.00" in text(client.get(url))  # still due
    second = client.post(f"{url}/payments", data={"amount": "220.00", "method": "cash"})
    assert second.status_code == 303

    order = order_of(app, order_id)
    assert (order.status, order.total_minor, order.paid_minor) == ("delivered", 42000, 42000)
    receipt = text(client.get(f"{url}/receipt"))
    for seen in ("Receipt", "Home cleaning", "HK$420.00", "WeChat Pay", "WX-1", "Cash"):
        assert seen in receipt
    assert "Still due" in receipt and "HK$0.00" in receipt

    satisfied = client.post(
        f"{url}/satisfaction", data={"satisfaction-score": "5", "satisfaction-note": "Spotless"}
    )
    assert satisfied.status_code == 303
    assert "5/5" in text(client.get(url))
    with app.app_context():
        actions = set(
            db.session.scalars(
                select(AuditLog.action).where(
                    AuditLog.object_type == "PaidServicesOrder", AuditLog.object_id == order_id
                )
            )
        )
    assert {
        "paid_services.order_created",
        "paid_services.line_added",
        "paid_services.accepted",
        "paid_services.scheduled",
        "paid_services.delivered",
        "paid_services.paid",
        "paid_services.satisfaction",
    } <= actions


def test_an_htmx_action_swaps_only_the_order_section(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate)
    response = client.post(
        f"{estate.base}/orders/{order_id}/accept",
        data={"who": "Chan Tai Man", "how": "phone"},
        headers={"HX-Request": "true"},
    )
    html = text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="order">') and "<html" not in html
    assert "The quote is accepted." in html


def test_per_m2_service_takes_the_area_of_the_unit(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate, service=estate.deep_clean, quantity="")
    order = order_of(app, order_id)
    assert order.lines[0].quantity_hundredths == 8550
    assert order.total_minor == 153900  # 85.5 m² × HK$18.00


# --- The catalogue ------------------------------------------------------------------------


def test_a_price_change_leaves_existing_orders_alone(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate, quantity="3")
    client.get("/logout")
    client.post("/logout")
    login(client, "mia")
    response = client.post(
        f"{estate.base}/catalogue/{estate.cleaning.id}",
        data={"name": "Home cleaning", "unit_of_sale": "hour", "price": "180.00", "active": "y"},
    )
    assert response.status_code == 303
    order = order_of(app, order_id)
    assert order.lines[0].unit_price_minor == 15000 and order.total_minor == 45000
    assert "HK$450.00" in text(client.get(f"{estate.base}/orders/{order_id}"))
    newer = order_of(app, new_quote(client, estate, quantity="3"))
    assert newer.total_minor == 54000
    with app.app_context():
        change = db.session.scalar(
            select(AuditLog.detail).where(AuditLog.action == "paid_services.service_changed")
        )
    assert "15000" in change and "18000" in change


def test_manager_adds_a_service_with_a_price_typed_with_commas(app, client, estate):
    login(client, "mia")
    response = client.post(
        f"{estate.base}/catalogue/new",
        data={"name": "Air testing", "unit_of_sale": "visit", "price": "1,280.50", "active": "y"},
    )
    assert response.status_code == 303
    with app.app_context():
        price = db.session.scalar(
            select(PaidServicesService.price_minor).where(PaidServicesService.name == "Air testing")
        )
    assert price == 128050
    assert "HK$1,280.50" in text(client.get(f"{estate.base}/catalogue"))


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("12.345", "HKD amounts have at most 2 decimals."),
        ("abc", "Write the amount with digits only"),
        ("-3", "Write the amount with digits only"),
        ("", "Enter an amount."),
    ],
)
def test_a_bad_price_is_refused_next_to_the_field_and_nothing_is_written(
    app, client, estate, price, message
):
    login(client, "mia")
    with app.app_context():
        before = db.session.scalar(select(func.count(PaidServicesService.id)))
    response = client.post(
        f"{estate.base}/catalogue/new",
        data={"name": "Air testing", "unit_of_sale": "visit", "price": price},
    )
    assert response.status_code == 422
    assert message in text(response) and 'class="field-error"' in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(PaidServicesService.id))) == before


def test_an_inactive_service_cannot_be_quoted(app, client, estate):
    old = add_service(app, estate.site, "Old service", "visit", 100, active=False)
    login(client, "ben")
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new",
        data={"unit_id": estate.flat.id, "service_id": old.id, "quantity": "1"},
    )
    assert response.status_code == 422 and "Not a valid choice" in text(response)


# --- Payments and refunds ---------------------------------------------------------------------


def test_a_refund_larger_than_what_was_paid_is_refused_with_a_message(app, client, estate):
    login(client, "ben")
    order_id = accepted(client, estate)
    url = f"{estate.base}/orders/{order_id}"
    assert (
        client.post(f"{url}/payments", data={"amount": "100", "method": "cash"}).status_code == 303
    )
    client.post("/logout")
    login(client, "mia")
    refused = client.post(
        f"{url}/refunds",
        data={"refund-amount": "100.01", "refund-method": "cash", "refund-reason": "Too much"},
    )
    assert refused.status_code == 422
    assert "A refund cannot be more than what was paid." in text(refused)
    order = order_of(app, order_id)
    assert order.paid_minor == 10000
    with app.app_context():
        assert db.session.scalar(select(func.count(PaidServicesPayment.id))) == 1

    given = client.post(
        f"{url}/refunds",
        data={"refund-amount": "40", "refund-method": "cash", "refund-reason": "Half a job"},
    )
    assert given.status_code == 303
    assert order_of(app, order_id).paid_minor == 6000
    page = text(client.get(url))
    assert "Refund" in page and "Half a job" in page and "-HK$40.00" in page


def test_a_refund_needs_a_reason(app, client, estate):
    login(client, "ben")
    order_id = accepted(client, estate)
    client.post(
        f"{estate.base}/orders/{order_id}/payments", data={"amount": "10", "method": "cash"}
    )
    client.post("/logout")
    login(client, "mia")
    response = client.post(
        f"{estate.base}/orders/{order_id}/refunds",
        data={"refund-amount": "5", "refund-method": "cash"},
    )
    assert response.status_code == 422 and "Say why the money is given back." in text(response)


def test_paying_more_than_is_due_is_refused(app, client, estate):
    login(client, "ben")
    order_id = accepted(client, estate)  # HK$300.00
    response = client.post(
        f"{estate.base}/orders/{order_id}/payments", data={"amount": "300.01", "method": "card"}
    )
    assert response.status_code == 422 and "This is more than the amount due." in text(response)
    assert order_of(app, order_id).paid_minor == 0


def test_a_quote_takes_no_payment(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate)
    response = client.post(
        f"{estate.base}/orders/{order_id}/payments", data={"amount": "10", "method": "cash"}
    )
    assert response.status_code == 422
    assert "Payments are taken once the quote is accepted." in text(response)


def test_totals_never_go_negative_even_past_the_rules(app, estate, make):
    # The database itself refuses what the rules would: paid above total or below zero.
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        order = PaidServicesOrder(
            site_id=estate.site.id,
            resident_id=estate.chan.id,
            sold_by_id=1,
            total_minor=100,
            paid_minor=-1,
        )
        db.session.add(order)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_cancelling_needs_a_reason_and_stops_the_order(app, client, estate):
    login(client, "ben")
    order_id = accepted(client, estate)
    url = f"{estate.base}/orders/{order_id}"
    no_reason = client.post(f"{url}/cancel", data={"reason": "  "})
    assert no_reason.status_code == 422 and "Say why the order is cancelled." in text(no_reason)
    assert client.post(f"{url}/cancel", data={"reason": "Moved abroad"}).status_code == 303
    page = text(client.get(url))
    assert "Cancelled" in page and "Moved abroad" in page
    again = client.post(f"{url}/deliver", data={"delivered_on": "2026-11-01"})
    assert again.status_code == 422 and "Only an accepted order can be delivered." in text(again)


def test_delivery_cannot_be_recorded_in_the_future(app, client, estate, clock):
    clock.set(datetime(2026, 11, 28, 4, 0, tzinfo=UTC))
    login(client, "ben")
    order_id = accepted(client, estate)
    response = client.post(
        f"{estate.base}/orders/{order_id}/deliver", data={"delivered_on": "2026-11-29"}
    )
    assert response.status_code == 422 and "still to come" in text(response)


# --- Permissions and tenancy -------------------------------------------------------------------


def test_a_butler_sells_but_may_not_refund_or_change_prices(app, client, estate):
    login(client, "ben")
    order_id = accepted(client, estate)
    url = f"{estate.base}/orders/{order_id}"
    client.post(f"{url}/payments", data={"amount": "10", "method": "cash"})
    refund = client.post(
        f"{url}/refunds", data={"refund-amount": "5", "refund-method": "cash", "refund-reason": "x"}
    )
    assert refund.status_code == 403
    edit = client.post(
        f"{estate.base}/catalogue/{estate.cleaning.id}",
        data={"name": "Home cleaning", "unit_of_sale": "hour", "price": "1"},
    )
    assert edit.status_code == 403
    assert client.get(f"{estate.base}/catalogue/new").status_code == 403
    page = text(client.get(url))
    assert "Give money back" not in page
    assert "Add a service" not in text(client.get(f"{estate.base}/catalogue"))


def test_front_desk_sees_orders_but_does_not_sell(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate)
    client.post("/logout")
    login(client, "fay")
    assert client.get(f"{estate.base}/orders/{order_id}").status_code == 200
    response = client.post(
        f"{estate.base}/orders/{order_id}/accept", data={"who": "x", "how": "phone"}
    )
    assert response.status_code == 403


def test_another_sites_orders_and_services_answer_404(app, client, estate, make):
    other = make.site(name="Garden City")
    make.enable(other, "paid_services")
    make.user(role="butler", site=other, username="gus")
    login(client, "ben")
    order_id = new_quote(client, estate)
    client.post("/logout")
    login(client, "gus")
    base = f"/s/{other.slug}/paid_services"
    assert client.get(f"{base}/orders/{order_id}").status_code == 404
    assert client.get(f"{base}/orders/{order_id}/receipt").status_code == 404
    assert (
        client.post(f"{base}/orders/{order_id}/payments", data={"amount": "1"}).status_code == 404
    )
    assert client.get(f"{base}/residents/{estate.chan.id}/orders/new").status_code == 404
    assert client.get(f"{estate.base}/orders/{order_id}").status_code == 404


def test_plugin_off_answers_404_and_its_nav_widget_and_panel_vanish(app, client, estate, make):
    login(client, "ben")
    dashboard = text(client.get(f"/s/{estate.site.slug}/"))
    assert "Paid services" in dashboard
    resident = text(client.get(f"/s/{estate.site.slug}/residents/{estate.chan.id}"))
    assert "paid_services" in resident
    with app.app_context():
        from core.models import PluginEnablement

        row = db.session.scalar(
            select(PluginEnablement).where(PluginEnablement.site_id == estate.site.id)
        )
        row.enabled = False
        db.session.commit()
    assert client.get(f"{estate.base}/").status_code == 404
    assert client.get(f"{estate.base}/catalogue").status_code == 404
    assert "Paid services" not in text(client.get(f"/s/{estate.site.slug}/"))
    resident = text(client.get(f"/s/{estate.site.slug}/residents/{estate.chan.id}"))
    assert "paid_services" not in resident


# --- Lists, panel, widget ---------------------------------------------------------------------


def test_lists_of_open_this_week_and_unpaid_orders(app, client, estate, clock):
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # a Wed
    login(client, "ben")
    quote = new_quote(client, estate)
    this_week = accepted(client, estate)
    client.post(f"{estate.base}/orders/{this_week}/schedule", data={"scheduled_on": "2026-11-29"})
    next_week = accepted(client, estate)
    client.post(f"{estate.base}/orders/{next_week}/schedule", data={"scheduled_on": "2026-12-01"})

    def listed(which):
        html = text(client.get(f"{estate.base}/?show={which}"))
        return {int(n) for n in re.findall(r"/orders/(\d+)\"", html)}

    assert listed("open") == {quote, this_week, next_week}
    assert listed("week") == {this_week}
    assert listed("unpaid") == {this_week, next_week}
    client.post(
        f"{estate.base}/orders/{this_week}/payments", data={"amount": "300", "method": "cash"}
    )
    assert listed("unpaid") == {next_week}
    dashboard = text(client.get(f"/s/{estate.site.slug}/"))
    assert "to deliver this week" in dashboard and "HK$300.00" in dashboard


def test_the_resident_panel_lists_orders_and_what_is_owed(app, client, estate):
    login(client, "ben")
    accepted(client, estate)
    html = text(client.get(f"{estate.base}/residents/{estate.chan.id}/panel"))
    assert "Owes HK$300.00" in html and "New order" in html and "<html" not in html


def test_the_list_costs_the_same_queries_whatever_its_size(app, client, estate):
    from core.models import User
    from tests.core.test_residents import counted_statements

    login(client, "ben")
    with app.app_context():
        ben_id = db.session.scalar(select(User.id).where(User.username == "ben"))
    counts = {}
    for size in (10, 100):
        with app.app_context():
            for n in range(size - len(counts) * 10):
                db.session.add(
                    PaidServicesOrder(
                        site_id=estate.site.id,
                        resident_id=estate.chan.id,
                        unit_id=estate.flat.id,
                        status="accepted",
                        sold_by_id=ben_id,
                        total_minor=1000 + n,
                        paid_minor=0,
                    )
                )
            db.session.commit()
        client.get(f"{estate.base}/?show=all")  # a site's first page reads the site and its plugins
        with counted_statements(app) as statements:
            assert client.get(f"{estate.base}/?show=all").status_code == 200
        counts[size] = len(statements)
    assert counts[10] == counts[100], counts


# --- Links to the service desk ------------------------------------------------------------------


def test_an_order_from_a_service_request_keeps_its_number(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate)
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new?service_desk_request_id=77",
        data={"unit_id": estate.flat.id, "service_id": estate.tubes.id, "quantity": "1"},
    )
    order_id = int(response.location.rsplit("/", 1)[1])
    assert order_of(app, order_id).service_desk_request_id == 77
    page = text(client.get(f"{estate.base}/orders/{order_id}"))
    # service_desk is off for this site: the number shows, without a link.
    assert "#77" in page and "service_desk" not in page


# --- Rentals ---------------------------------------------------------------------------------


def test_a_rental_is_charged_each_month_once_until_ended(app, client, estate):
    from core.models import OutboxMessage, Site
    from plugins.paid_services.jobs import charge_rentals

    login(client, "ben")
    order_id = accepted(client, estate, service=estate.plants, quantity="3")  # HK$240 a month
    client.post(f"{estate.base}/orders/{order_id}/deliver", data={"delivered_on": "2026-10-15"})
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        december = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 1 December in Hong Kong
        assert charge_rentals(site, datetime(2026, 11, 1, 0, 0, tzinfo=UTC)) == 1
        assert charge_rentals(site, december) == 1
        assert charge_rentals(site, december) == 0  # a second run of the month: nothing
        db.session.commit()
        periods = sorted(
            db.session.scalars(
                select(PaidServicesLine.period).where(PaidServicesLine.period.is_not(None))
            )
        )
        notices = db.session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert periods == ["2026-11", "2026-12"]
    assert sorted(notices) == [
        f"paid_services-rental-{order_id}-2026-11",
        f"paid_services-rental-{order_id}-2026-12",
    ]
    assert order_of(app, order_id).total_minor == 24000 * 3
    ended = client.post(
        f"{estate.base}/orders/{order_id}/end-rental", data={"ended_on": "2026-12-20"}
    )
    assert ended.status_code == 303
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert charge_rentals(site, datetime(2027, 1, 1, 1, 0, tzinfo=UTC)) == 0
    assert "ended on" in text(client.get(f"{estate.base}/orders/{order_id}"))


def test_the_rental_job_is_declared_monthly():
    from plugins.paid_services import butler_jobs

    (job,) = butler_jobs()
    assert (job.name, job.schedule) == ("rental_charges", "monthly")


@pytest.mark.postgres_only
def test_ten_payments_at_once_never_take_more_than_is_due(app, client, estate):
    """Ten butlers record HK$100 on a HK$300 order at the same moment: three go through.

    Written for PostgreSQL, where the transactions really overlap and the guarded UPDATE
    decides; it also runs on SQLite, which lets one writer in at a time.
    """
    import threading

    login(client, "ben")
    order_id = accepted(client, estate)
    clients = []
    for n in range(10):
        other = app.test_client()
        assert login(other, "ben").status_code == 302, n
        clients.append(other)
    start = threading.Barrier(10)
    answers: list[int] = []
    errors: list[BaseException] = []

    def press(other) -> None:
        try:
            start.wait(timeout=20)
            response = other.post(
                f"{estate.base}/orders/{order_id}/payments",
                data={"amount": "100", "method": "cash"},
            )
            answers.append(response.status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(answers) == [303] * 3 + [422] * 7
    order = order_of(app, order_id)
    assert (order.paid_minor, order.due_minor) == (30000, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count(PaidServicesPayment.id))) == 3


def test_the_runner_charges_rentals_only_where_the_plugin_is_on(app, client, estate, make):
    from core import jobs
    from core.models import JobRun

    login(client, "ben")
    order_id = accepted(client, estate, service=estate.plants, quantity="1")
    client.post(f"{estate.base}/orders/{order_id}/deliver", data={"delivered_on": "2026-10-15"})
    make.site(name="Plugin off")  # no rental there, and the job must not even run
    first_of_december = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # 07:00 in Hong Kong
    with app.app_context():
        jobs.run_due(first_of_december)
        jobs.run_due(first_of_december)
        runs = db.session.scalars(
            select(JobRun.site_id).where(JobRun.job == "paid_services.rental_charges")
        ).all()
    assert runs == [estate.site.id]
    assert order_of(app, order_id).total_minor == 8000 * 2


def test_a_bad_quantity_is_refused_and_no_order_is_made(app, client, estate):
    login(client, "ben")
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new",
        data={"unit_id": estate.flat.id, "service_id": estate.cleaning.id, "quantity": "1.255"},
    )
    assert response.status_code == 422
    assert "A quantity has at most 2 decimals." in text(response)
    empty = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new",
        data={"unit_id": estate.flat.id, "service_id": estate.cleaning.id, "quantity": ""},
    )
    assert empty.status_code == 422 and "Enter a quantity." in text(empty)
    with app.app_context():
        assert db.session.scalar(select(func.count(PaidServicesOrder.id))) == 0


def test_the_site_search_finds_an_order_by_its_number(app, client, estate):
    login(client, "ben")
    order_id = new_quote(client, estate)
    html = text(client.get(f"/s/{estate.site.slug}/search?q=%23{order_id}"))
    assert f"/paid_services/orders/{order_id}" in html and "Home cleaning" in html
    assert "/paid_services/orders/" not in text(client.get(f"/s/{estate.site.slug}/search?q=9999"))


@pytest.mark.parametrize("odd", ["2147483648", "-1", "abc", "9" * 30, "１２"])
def test_an_odd_request_number_is_ignored(app, client, estate, odd):
    login(client, "ben")
    response = client.post(
        f"{estate.base}/residents/{estate.chan.id}/orders/new?service_desk_request_id={odd}",
        data={"unit_id": estate.flat.id, "service_id": estate.tubes.id, "quantity": "1"},
    )
    assert response.status_code == 303
    order_id = int(response.location.rsplit("/", 1)[1])
    assert order_of(app, order_id).service_desk_request_id is None
