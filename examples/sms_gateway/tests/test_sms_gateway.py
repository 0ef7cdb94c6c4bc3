"""A property manager turns the SMS gateway on for one estate: its residents' SMS go to
the company's gateway, once, retried when the gateway is busy, marked failed with the
gateway's reason when it refuses a number; the other estate keeps the core's channel."""

from __future__ import annotations

from importlib.metadata import entry_points

from conftest import API_KEY

from core.extensions import db
from core.models import OutboxMessage, Site
from core.outbox import deliver_due, queue
from core.plugins.host import host
from core.testing.auth import login

TEXT = "The water tanks of Tower 1 are cleaned on Friday, 10:00 to 14:00."


def turn_on(app, site) -> None:
    with app.test_request_context():
        host().set_enabled(db.session.get(Site, site.id), "sms_gateway", True)
        db.session.commit()


def queue_sms(app, site, key: str = "tanks-1") -> int:
    with app.app_context():
        message = queue(db.session.get(Site, site.id), "sms", "+852 9123 4567", "", TEXT, key)
        db.session.commit()
        return message.id


def deliver(app):
    with app.app_context():
        return deliver_due()


def message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        found = db.session.get(OutboxMessage, message_id)
        db.session.expunge(found)
        return found


def test_butler_finds_the_installed_package_through_its_entry_point(app):
    found = {ep.name: ep.value for ep in entry_points(group="butler.plugins")}
    assert found.get("sms_gateway") == "sms_gateway"
    with app.app_context():
        assert host().plugins["sms_gateway"].info.label == "SMS gateway"


def test_the_estate_that_turned_it_on_sends_through_the_gateway_and_the_other_does_not(
    app, make, gateway
):
    harbour, garden = make.site(), make.site()
    turn_on(app, harbour)
    through_gateway = queue_sms(app, harbour)
    elsewhere = queue_sms(app, garden)

    assert deliver(app).sent == 2

    assert len(gateway.received) == 1
    posted = gateway.received[0]
    assert posted["json"]["to"] == "+852 9123 4567"
    assert posted["json"]["text"] == TEXT and posted["json"]["from"] == "Harbour"
    assert posted["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert posted["headers"]["Idempotency-Key"] == f"butler-outbox-{through_gateway}"
    assert message(app, through_gateway).status == "sent"
    assert message(app, elsewhere).status == "sent"  # the core's log channel in tests


def test_a_busy_gateway_is_tried_again_and_the_message_goes_once(app, make, gateway):
    site = make.site()
    turn_on(app, site)
    gateway.script.append((503, {"error": "busy"}, 0.0))
    message_id = queue_sms(app, site)

    assert deliver(app).sent == 1
    assert deliver(app).sent == 0

    keys = [r["headers"]["Idempotency-Key"] for r in gateway.received]
    assert keys == [f"butler-outbox-{message_id}"] * 2
    assert message(app, message_id).status == "sent"


def test_a_gateway_that_does_not_answer_leaves_the_message_to_the_outbox_retries(
    app, make, gateway
):
    site = make.site()
    turn_on(app, site)
    gateway.script.extend([(200, {}, 1.0), (200, {}, 1.0)])
    message_id = queue_sms(app, site)

    assert deliver(app).failed == 1

    failed = message(app, message_id)
    assert failed.status == "failed" and failed.next_attempt_at is not None
    assert "no answer within 0.5 s" in failed.last_error
    assert len(gateway.received) == 2


def test_a_refused_number_is_failed_with_the_gateways_reason_and_not_retried(
    app, make, gateway, client
):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    turn_on(app, site)
    gateway.script.append((422, {"error": "+852 9123 4567 is not a mobile number"}, 0.0))
    message_id = queue_sms(app, site)

    assert deliver(app).failed == 1

    refused = message(app, message_id)
    assert refused.status == "failed" and refused.next_attempt_at is None
    assert "refused the message (HTTP 422)" in refused.last_error
    assert len(gateway.received) == 1
    login(client, "mia")
    outbox = client.get(f"/s/{site.slug}/outbox/?status=failed").get_data(as_text=True)
    assert "is not a mobile number" in outbox


def test_without_an_address_sms_wait_and_both_pages_say_why(
    app, make, gateway, client, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "")
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    turn_on(app, site)
    message_id = queue_sms(app, site)

    assert deliver(app).held == 1

    assert message(app, message_id).status == "queued" and not gateway.received
    login(client, "mia")
    status = client.get(f"/s/{site.slug}/sms_gateway/").get_data(as_text=True)
    outbox = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)
    for page in (status, outbox):
        assert "SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY are set" in page


def test_a_plain_http_gateway_elsewhere_is_refused_and_sms_wait(app, make, gateway, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "http://sms.example.com/v1/messages")
    site = make.site()
    turn_on(app, site)
    message_id = queue_sms(app, site)

    assert deliver(app).held == 1

    assert message(app, message_id).status == "queued" and not gateway.received
    with app.app_context():
        assert "must be an https:// address" in host().hold_reason(site.id, "sms")


def test_the_status_page_speaks_the_managers_language_and_is_404_where_it_is_off(
    app, make, gateway, client
):
    site, other = make.site(), make.site()
    make.user(role="manager", site=site, username="mia")
    make.user(role="manager", site=other, username="otto")
    turn_on(app, site)
    queue_sms(app, site)
    deliver(app)

    login(client, "mia")
    client.post("/language", data={"locale": "zh_Hant"})
    page = client.get(f"/s/{site.slug}/sms_gateway/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "短訊閘道" in html and "127.0.0.1" in html
    dashboard = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    widget = dashboard[dashboard.index('id="widget-sms_gateway-sms"') :]
    assert '已發送</td><td class="num">1</td>' in widget
    login(client, "otto")
    assert client.get(f"/s/{other.slug}/sms_gateway/").status_code == 404
