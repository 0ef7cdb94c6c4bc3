"""The outbox: messages to residents are queued once, delivered once, retried, shown."""

from __future__ import annotations

import email
import itertools
import logging
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from core import clock as core_clock
from core.config import from_environment
from core.extensions import db
from core.models import AuditLog, OutboxMessage, Resident, Site
from core.outbox import MAX_ATTEMPTS, deliver_due, mask_recipient, queue
from tests.conftest import login


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the e-mail channel is pointed at."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "office@harbour.example")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def no_mail_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the e-mail channel at a port where nothing listens."""
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())


def queue_one(app: Flask, site: Site, **fields) -> OutboxMessage | None:
    fields.setdefault("channel", "sms")
    fields.setdefault("recipient", "+852 9123 4567")
    fields.setdefault("subject", "")
    fields.setdefault("body", "Fresh water is off tomorrow from 9 to 12.")
    fields.setdefault("dedupe_key", "water-off-2026-11-29")
    with app.app_context():
        message = queue(db.session.get(Site, site.id), **fields)
        db.session.commit()
        if message is not None:
            db.session.refresh(message)
            db.session.expunge(message)
        return message


_parcels = itertools.count(1)


def add_message(app: Flask, site: Site, **fields) -> OutboxMessage:
    """A message in whatever state the story needs, as an earlier run would have left it."""
    fields.setdefault("channel", "sms")
    fields.setdefault("recipient", "+852 9123 4567")
    fields.setdefault("body", "Your parcel is at the front desk.")
    fields.setdefault("dedupe_key", f"parcel-{next(_parcels)}")
    with app.app_context():
        message = OutboxMessage(site_id=site.id, **fields)
        db.session.add(message)
        db.session.commit()
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def reload(app: Flask, message: OutboxMessage) -> OutboxMessage:
    with app.app_context():
        fresh = db.session.get(OutboxMessage, message.id)
        db.session.expunge(fresh)
        return fresh


def deliver(app: Flask, now: datetime | None = None):
    with app.app_context():
        return deliver_due(now)


def sms_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "butler.sms"]


def manager_of(make, site: Site, username: str = "mia"):
    return make.user(role="manager", site=site, username=username)


# --- Once, and only once ---------------------------------------------------------------


def test_the_same_message_queued_twice_is_kept_and_sent_once(app, make, caplog):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()

    first = queue_one(app, site)
    second = queue_one(app, site, body="A second copy that must never go out.")
    deliver(app)
    deliver(app)

    assert first is not None and second is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert sms_lines(caplog) == ["SMS to +852 9123 4567: Fresh water is off tomorrow from 9 to 12."]
    assert reload(app, first).status == "sent"


def test_a_duplicate_leaves_the_callers_other_work_intact(app, make):
    site = make.site()
    queue_one(app, site)
    with app.app_context():
        db.session.add(Resident(site_id=site.id, name="Chan Tai Man"))
        assert (
            queue(
                db.session.get(Site, site.id), "sms", "91234567", "", "Hi", "water-off-2026-11-29"
            )
            is None
        )
        db.session.commit()
        assert db.session.scalar(select(Resident.name)) == "Chan Tai Man"


def test_the_same_key_on_another_site_is_another_message(app, make):
    assert queue_one(app, make.site()) is not None
    assert queue_one(app, make.site()) is not None


def test_a_message_for_a_channel_nobody_installed_is_refused(app, make):
    site = make.site()
    with app.app_context(), pytest.raises(ValueError, match="carrier_pigeon"):
        queue(db.session.get(Site, site.id), "carrier_pigeon", "roof", "", "Coo", "k1")


# --- Channels --------------------------------------------------------------------------


def test_an_email_reaches_the_smtp_server_with_its_chinese_text(app, make, mail_server):
    site = make.site()
    queue_one(
        app,
        site,
        channel="email",
        recipient="chan.taiman@example.com",
        subject="停水通知 Water supply suspension",
        body="明天上午九時至十二時暫停供應食水。\nFresh water is off tomorrow from 9 to 12.",
    )

    summary = deliver(app)

    assert summary.sent == 1
    [envelope] = mail_server.envelopes
    assert envelope.mail_from == "office@harbour.example"
    assert envelope.rcpt_tos == ["chan.taiman@example.com"]
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["To"] == "chan.taiman@example.com"
    assert received["From"] == "office@harbour.example"
    assert received["Subject"] == "停水通知 Water supply suspension"
    assert "明天上午九時至十二時暫停供應食水。" in received.get_content()
    assert "Fresh water is off tomorrow" in received.get_content()


def test_a_notice_is_marked_delivered_for_the_noticeboard(app, make):
    site = make.site()
    notice = queue_one(app, site, channel="notice", recipient="Tower 1 lobby", dedupe_key="n1")
    deliver(app)
    assert reload(app, notice).status == "sent"


def test_smtp_settings_come_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("SMTP_HOST", "mail.evergreen.example")
    monkeypatch.setenv("SMTP_PORT", "587")
    monkeypatch.setenv("SMTP_USERNAME", "butler")
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("SMTP_STARTTLS", "true")
    monkeypatch.setenv("MAIL_FROM", "Evergreen <office@evergreen.example>")
    settings = from_environment(tmp_path)
    assert settings["SMTP_HOST"] == "mail.evergreen.example"
    assert settings["SMTP_PORT"] == 587
    assert (settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"]) == ("butler", "s3cret")
    assert settings["SMTP_STARTTLS"] is True
    assert settings["MAIL_FROM"] == "Evergreen <office@evergreen.example>"


def test_smtp_defaults_suit_a_local_mail_server(monkeypatch, tmp_path: Path):
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    settings = from_environment(tmp_path)
    assert (settings["SMTP_HOST"], settings["SMTP_PORT"]) == ("localhost", 25)
    assert settings["SMTP_STARTTLS"] is False
    assert settings["MAIL_FROM"] == "butler@localhost"


# --- Failures and retries --------------------------------------------------------------


def test_a_failed_email_is_retried_later_and_then_given_up(app, make, no_mail_server):
    site = make.site()
    message = queue_one(app, site, channel="email", recipient="wong@example.com")
    now = core_clock.now()

    assert deliver(app, now).failed == 1
    failed = reload(app, message)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error.startswith("ConnectionRefusedError")
    assert failed.next_attempt_at == now + timedelta(minutes=1)
    assert deliver(app, now + timedelta(seconds=30)).failed == 0  # not yet

    waits = []
    clock = now
    while reload(app, message).next_attempt_at is not None:
        previous = clock
        clock = reload(app, message).next_attempt_at
        waits.append(clock - previous)
        deliver(app, clock)
    gave_up = reload(app, message)
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert (gave_up.status, gave_up.attempts) == ("failed", MAX_ATTEMPTS)
    assert deliver(app, clock + timedelta(days=30)).failed == 0  # no more automatic tries


def test_a_failed_email_goes_out_once_the_server_is_back(app, make, monkeypatch):
    site = make.site()
    message = queue_one(app, site, channel="email", recipient="wong@example.com")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    now = core_clock.now()
    deliver(app, now)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
        deliver(app, now + timedelta(minutes=1))
    finally:
        controller.stop()

    sent = reload(app, message)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, "")
    assert len(inbox.envelopes) == 1


def test_a_message_interrupted_while_sending_is_never_sent_again_by_itself(
    app, make, client, caplog
):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()
    manager_of(make, site)
    stuck = add_message(
        app,
        site,
        status="sending",
        claimed_at=core_clock.now() - timedelta(minutes=20),
        next_attempt_at=core_clock.now() - timedelta(minutes=20),
        subject="Lift maintenance",
    )
    add_message(app, site, status="sent", subject="Parcel waiting")

    summary = deliver(app)
    deliver(app, core_clock.now() + timedelta(days=1))

    assert summary.uncertain == 1
    assert reload(app, stuck).status == "uncertain"
    assert sms_lines(caplog) == []
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)
    assert page.index("Lift maintenance") < page.index("Parcel waiting")
    assert "Uncertain" in page
    assert "it may have arrived" in page


def test_a_message_being_sent_right_now_is_left_alone(app, make, caplog):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()
    busy = add_message(
        app, site, status="sending", claimed_at=core_clock.now(), next_attempt_at=None
    )
    deliver(app)
    assert reload(app, busy).status == "sending"
    assert sms_lines(caplog) == []


# --- The manager's page ----------------------------------------------------------------


def test_a_manager_sees_a_failed_message_first_with_its_error(app, make, client, no_mail_server):
    site = make.site()
    manager_of(make, site)
    add_message(app, site, status="sent", subject="Parcel waiting")
    queue_one(app, site, channel="email", recipient="wong@example.com", subject="Fees due")
    deliver(app)

    login(client, "mia")
    response = client.get(f"/s/{site.slug}/outbox/")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page.index("Fees due") < page.index("Parcel waiting")
    assert "Failed" in page
    assert "ConnectionRefusedError" in page
    assert "Next try" in page
    assert "Send again" in page


def test_the_outbox_is_in_a_managers_navigation_only(app, make, client):
    site = make.site()
    manager_of(make, site)
    make.user(role="butler", site=site, username="ben")

    login(client, "mia")
    assert ">Outbox<" in client.get(f"/s/{site.slug}/").get_data(as_text=True)
    client.post("/logout")
    login(client, "ben")
    assert ">Outbox<" not in client.get(f"/s/{site.slug}/").get_data(as_text=True)


def test_phone_numbers_and_email_addresses_are_shown_masked(app, make, client):
    site = make.site()
    manager_of(make, site)
    add_message(app, site, recipient="+852 9123 4567", dedupe_key="a")
    add_message(app, site, channel="email", recipient="chan.taiman@example.com", dedupe_key="b")

    login(client, "mia")
    page = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)

    assert "+85• •••• ••67" in page
    assert "9123 4567" not in page
    assert "c•••••••••n@example.com" in page
    assert "chan.taiman" not in page


@pytest.mark.parametrize(
    ("recipient", "shown"),
    [
        ("91234567", "91••••67"),
        ("+852 9123 4567", "+85• •••• ••67"),
        ("chan.taiman@example.com", "c•••••••••n@example.com"),
        ("wo@example.com", "w•@example.com"),
        ("Tower 1 lobby", "Tower 1 lobby"),
    ],
)
def test_what_a_masked_recipient_looks_like(recipient, shown):
    assert mask_recipient(recipient) == shown


def test_the_outbox_can_be_filtered_by_status_and_is_paged(app, make, client):
    site = make.site()
    manager_of(make, site)
    with app.app_context():
        for n in range(120):
            db.session.add(
                OutboxMessage(
                    site_id=site.id,
                    channel="sms",
                    recipient="91234567",
                    subject=f"Reminder {n:03d}",
                    body="",
                    dedupe_key=f"r{n}",
                    status="sent",
                )
            )
        db.session.commit()
    add_message(app, site, status="failed", subject="Fees due", attempts=6)

    login(client, "mia")
    first = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)
    last = client.get(f"/s/{site.slug}/outbox/?page=3").get_data(as_text=True)
    failed = client.get(f"/s/{site.slug}/outbox/?status=failed").get_data(as_text=True)

    assert first.count('<tr id="message-') == 50
    assert "Page 1 of 3" in first
    assert "Fees due" in first
    assert last.count('<tr id="message-') == 21
    assert "Failed (1)" in first and "Sent (120)" in first and "All (121)" in first
    assert failed.count('<tr id="message-') == 1
    assert "Fees due" in failed


def test_send_again_puts_a_failed_message_back_in_the_queue(app, make, client, caplog):
    caplog.set_level(logging.INFO, logger="butler.sms")
    site = make.site()
    manager_of(make, site)
    message = add_message(
        app,
        site,
        status="failed",
        attempts=MAX_ATTEMPTS,
        last_error="GatewayError: the SMS gateway refused the number",
        body="Your parcel is at the front desk.",
    )

    login(client, "mia")
    response = client.post(
        f"/s/{site.slug}/outbox/{message.id}/resend", headers={"HX-Request": "true"}
    )
    row = response.get_data(as_text=True)

    assert response.status_code == 200
    assert row.startswith(f'<tr id="message-{message.id}"')
    assert "Queued" in row
    assert "Back in the queue" in row
    assert "Send again" not in row
    deliver(app)
    assert reload(app, message).status == "sent"
    assert sms_lines(caplog) == ["SMS to +852 9123 4567: Your parcel is at the front desk."]
    with app.app_context():
        resent = db.session.scalars(select(AuditLog).where(AuditLog.action == "outbox.resent"))
        assert resent.one().object_id == message.id


def test_send_again_without_javascript_comes_back_to_the_outbox(app, make, client):
    site = make.site()
    manager_of(make, site)
    message = add_message(app, site, status="uncertain", attempts=1)

    login(client, "mia")
    response = client.post(f"/s/{site.slug}/outbox/{message.id}/resend", follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == f"/s/{site.slug}/outbox/"
    assert "Back in the queue" in response.get_data(as_text=True)
    assert reload(app, message).status == "queued"


def test_a_sent_message_cannot_be_sent_again(app, make, client):
    site = make.site()
    manager_of(make, site)
    message = add_message(app, site, status="sent")

    login(client, "mia")
    response = client.post(
        f"/s/{site.slug}/outbox/{message.id}/resend", headers={"HX-Request": "true"}
    )

    assert response.status_code == 409
    assert "Only a failed or uncertain message can be sent again." in response.get_data(
        as_text=True
    )
    assert reload(app, message).status == "sent"


def test_send_again_needs_the_csrf_token(app, make, client, csrf_on):
    site = make.site()
    manager_of(make, site)
    message = add_message(app, site, status="failed")
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"username": "mia", "password": "correct-horse-battery", "csrf_token": token},
    )

    refused = client.post(f"/s/{site.slug}/outbox/{message.id}/resend")
    page = client.get(f"/s/{site.slug}/outbox/").get_data(as_text=True)
    form_token = page.split('name="csrf_token" value="')[1].split('"')[0]
    accepted = client.post(
        f"/s/{site.slug}/outbox/{message.id}/resend", data={"csrf_token": form_token}
    )

    assert refused.status_code == 400
    assert accepted.status_code == 303
    assert reload(app, message).status == "queued"


# --- Who may see it --------------------------------------------------------------------


def test_a_butler_may_not_open_the_outbox(app, make, client):
    site = make.site()
    make.user(role="butler", site=site, username="ben")
    message = add_message(app, site, status="failed")

    login(client, "ben")
    assert client.get(f"/s/{site.slug}/outbox/").status_code == 403
    assert client.post(f"/s/{site.slug}/outbox/{message.id}/resend").status_code == 403
    assert reload(app, message).status == "failed"


def test_another_sites_manager_sees_nothing_of_this_outbox(app, make, client):
    site, other = make.site(), make.site()
    manager_of(make, other, username="otto")
    message = add_message(app, site, status="failed")

    login(client, "otto")
    assert client.get(f"/s/{site.slug}/outbox/").status_code == 404
    assert client.post(f"/s/{site.slug}/outbox/{message.id}/resend").status_code == 404
    assert client.post(f"/s/{other.slug}/outbox/{message.id}/resend").status_code == 404
    assert reload(app, message).status == "failed"


# --- The command line ------------------------------------------------------------------


def test_outbox_deliver_command_sends_what_is_due(app, make, runner, caplog):
    caplog.set_level(logging.INFO, logger="butler.sms")
    queue_one(app, make.site())

    result = runner.invoke(args=["butler", "outbox", "deliver"])

    assert result.exit_code == 0, result.output
    assert "Outbox: 1 sent, 0 failed, 0 uncertain." in result.output
    assert len(sms_lines(caplog)) == 1


def test_jobs_run_also_delivers_the_outbox(app, make, runner, caplog):
    caplog.set_level(logging.INFO, logger="butler.sms")
    queue_one(app, make.site())

    result = runner.invoke(args=["butler", "jobs", "run"])

    assert result.exit_code == 0, result.output
    assert "Outbox: 1 sent" in result.output
    assert len(sms_lines(caplog)) == 1


def test_a_long_outbox_is_paged_and_keeps_its_filter(app, client, make):
    from core.extensions import db as database
    from core.models import OutboxMessage
    from tests.conftest import login as log_in

    site = make.site()
    make.user(role="manager", site=site, username="pager")
    with app.app_context():
        database.session.add_all(
            OutboxMessage(
                site_id=site.id,
                channel="sms",
                recipient="91234567",
                subject="",
                body=f"Notice {n}",
                dedupe_key=f"page-{n}",
                status="failed",
                attempts=1,
                created_by="core",
            )
            for n in range(55)
        )
        database.session.commit()
    log_in(client, "pager")
    first = client.get(f"/s/{site.slug}/outbox/?status=failed").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert f'href="/s/{site.slug}/outbox/?page=2&amp;status=failed" rel="next"' in first
    second = client.get(f"/s/{site.slug}/outbox/?status=failed&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
