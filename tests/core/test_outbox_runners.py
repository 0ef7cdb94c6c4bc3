"""The outbox with several runners at once, and one SMTP session for a round of e-mails."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import OutboxMessage
from core.outbox import deliver_due
from core.plugins import hookimpl
from core.plugins.api import Channel, PluginInfo
from tests.core.test_jobs import at_once
from tests.core.test_outbox import Inbox, add_message, deliver, free_port, queue_one, reload


class Pager:
    """A plugin with a channel ``pager`` that counts every message handed to it."""

    def __init__(self) -> None:
        self.handed: Counter[int] = Counter()
        self.lock = threading.Lock()

    @hookimpl
    def butler_plugin_info(self):
        return PluginInfo(name="pager", label="Pager")

    @hookimpl
    def butler_outbox_channels(self):
        return [Channel("pager", self.deliver, "Pager")]

    def deliver(self, message: OutboxMessage) -> None:
        with self.lock:
            self.handed[message.id] += 1
        time.sleep(0.002)  # a gateway's round trip, so that the two runners overlap


def page(app: Flask, site) -> int:
    """A message queued on the pager channel, due now; its id."""
    message = add_message(
        app, site, channel="pager", status="queued", attempts=0, next_attempt_at=core_clock.now()
    )
    return message.id


def test_two_runners_at_once_deliver_every_message_exactly_once(app, make, make_app):
    pager = Pager()
    extra = make_app({**app.config, "BUTLER_EXTRA_PLUGINS": [pager]})
    site = make.site()
    make.enable(site, "pager")  # a plugin's channel delivers where the plugin is on
    ids = [page(app, site) for _ in range(60)]
    now = core_clock.now() + timedelta(seconds=1)

    summaries = at_once(extra, 2, lambda: deliver_due(now))

    assert sorted(pager.handed) == sorted(ids)
    assert set(pager.handed.values()) == {1}
    assert sum(s.sent for s in summaries) == 60
    assert sum(s.failed for s in summaries) == 0
    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * 60


class Switchboard(Inbox):
    """An SMTP server that notes which connection each message came over, and refuses
    one address."""

    def __init__(self, refuse: str) -> None:
        super().__init__()
        self.refuse = refuse
        self.peers: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def switchboard(app: Flask, monkeypatch: pytest.MonkeyPatch):
    board = Switchboard(refuse="gone@example.com")
    controller = Controller(board, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    try:
        yield board
    finally:
        controller.stop()


def test_a_round_of_emails_goes_over_one_smtp_session(app, make, switchboard):
    site = make.site()
    recipients = ["chan@example.com", "lee@example.com", "gone@example.com", "wong@example.com"]
    queued = [
        queue_one(app, site, channel="email", recipient=to, subject="Lift", dedupe_key=to)
        for to in recipients
    ]

    summary = deliver(app, core_clock.now() + timedelta(seconds=1))

    assert (summary.sent, summary.failed) == (3, 1)
    assert [e.rcpt_tos for e in switchboard.envelopes] == [
        ["chan@example.com"],
        ["lee@example.com"],
        ["wong@example.com"],
    ]
    # The first two share a session; after the refusal the last one dials again.
    first, second, third = switchboard.peers
    assert first == second != third
    refused = reload(app, queued[2])
    assert refused.status == "failed" and "No such mailbox" in refused.last_error


def test_a_runner_stopped_half_way_puts_back_what_it_had_not_handed_over(app, make, make_app):
    class Stops(Pager):
        def deliver(self, message: OutboxMessage) -> None:
            super().deliver(message)
            raise KeyboardInterrupt  # the operator pressed Ctrl-C during this message

    stops = Stops()
    extra = make_app({**app.config, "BUTLER_EXTRA_PLUGINS": [stops]})
    site = make.site()
    make.enable(site, "pager")  # a plugin's channel delivers where the plugin is on
    for _ in range(3):
        page(app, site)

    with extra.app_context(), pytest.raises(KeyboardInterrupt):
        deliver_due(core_clock.now() + timedelta(seconds=1))

    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))
        # The one in the channel's hands may have gone: it is left to become uncertain.
        assert list(statuses) == ["sending", "queued", "queued"]
