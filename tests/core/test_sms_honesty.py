"""SMS in production without a gateway: held in the queue, never marked sent, and said so.

The core's SMS channel only writes to the log. In development and tests that is what it
should do; in production it would claim that residents were told when nobody was, so
there it holds every SMS in the queue (no attempt counted) until an SMS gateway plugin is
turned on for the site, the outbox page says why, and start-up warns of it. A gateway
plugin's channel delivers for the sites where it is on; elsewhere the core's rules hold.
"""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from core.extensions import db
from core.models import OutboxMessage, Site
from core.outbox import deliver_due, queue
from core.plugins import hookimpl
from core.plugins.api import Channel, DeliveryRefused, PluginInfo
from core.plugins.host import host
from tests.conftest import login


def queue_sms(app: Flask, site: Site, key: str = "lift-stop-1") -> int:
    with app.app_context():
        message = queue(
            db.session.get(Site, site.id),
            "sms",
            "+852 9123 4567",
            "",
            "The lift of Tower 2 stops for repairs on Monday.",
            key,
        )
        db.session.commit()
        return message.id


def state(app: Flask, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


@pytest.fixture
def production(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(app.config, "BUTLER_ENV", "production")
    return app


def test_in_production_an_sms_waits_unsent_and_the_outbox_says_why(
    production, make, client, caplog
):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    message_id = queue_sms(production, site)

    with production.app_context():
        summary = deliver_due()

    assert summary.held == 1 and summary.sent == 0
    held = state(production, message_id)
    assert held.status == "queued" and held.sent_at is None and held.attempts == 0
    assert not [r for r in caplog.records if r.name == "butler.sms" and "lift" in r.message]
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)
    assert "SMS held back:" in page
    assert "No SMS gateway is installed or turned on for this site" in page


def test_in_development_the_log_channel_still_sends(app, make, caplog, client):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    message_id = queue_sms(app, site)

    with app.app_context():
        assert deliver_due().sent == 1

    assert state(app, message_id).status == "sent"
    assert any("lift of Tower 2" in r.getMessage() for r in caplog.records)
    login(client, "mia")
    assert "held back" not in client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)


def test_production_start_up_warns_that_sms_will_wait(make_app, app, caplog):
    caplog.set_level(logging.WARNING, logger="butler.sms")
    make_app({**app.config, "BUTLER_ENV": "production"})
    warnings = [r.getMessage() for r in caplog.records if r.name == "butler.sms"]
    assert any("no SMS gateway plugin is installed" in w for w in warnings)


def gateway_plugin(sent: list, refuse: bool = False):
    """A plugin with its own SMS channel, as a gateway plugin has."""

    def deliver(message):
        if refuse:
            raise DeliveryRefused("the gateway says +852 9123 4567 is not a mobile number")
        sent.append(message.body)

    class Gateway:
        @hookimpl
        def butler_plugin_info(self):
            return PluginInfo(name="gateway", label="Gateway")

        @hookimpl
        def butler_outbox_channels(self):
            return [Channel("sms", deliver, "SMS")]

    return Gateway()


def test_a_gateway_delivers_where_it_is_on_and_sms_waits_elsewhere(make_app, app, make, caplog):
    sent: list[str] = []
    extra = make_app(
        {
            **app.config,
            "BUTLER_ENV": "production",
            "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", gateway_plugin(sent)],
        }
    )
    with_gateway, without = make.site(), make.site()
    with extra.test_request_context():
        host().set_enabled(db.session.get(Site, with_gateway.id), "gateway", True)
        db.session.commit()
    going = queue_sms(extra, with_gateway, "lift-a")
    waiting = queue_sms(extra, without, "lift-b")

    with extra.app_context():
        summary = deliver_due()

    assert (summary.sent, summary.held) == (1, 1)
    assert sent == ["The lift of Tower 2 stops for repairs on Monday."]
    assert state(extra, going).status == "sent"
    assert state(extra, waiting).status == "queued"


def test_a_refused_message_is_failed_for_good_with_the_reason(make_app, app, make):
    extra = make_app(
        {**app.config, "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", gateway_plugin([], True)]}
    )
    site = make.site()
    with extra.test_request_context():
        host().set_enabled(db.session.get(Site, site.id), "gateway", True)
        db.session.commit()
    message_id = queue_sms(extra, site)

    with extra.app_context():
        assert deliver_due().failed == 1

    failed = state(extra, message_id)
    assert failed.status == "failed" and failed.next_attempt_at is None
    assert "not a mobile number" in failed.last_error
