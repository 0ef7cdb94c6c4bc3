"""The core's outbox channels: e-mail over SMTP, SMS to the log, notices.

The SMS channel only writes to the log, which is honest in development and tests only:
in production (``BUTLER_ENV=production``) it holds SMS messages in the queue, unsent, and
the outbox page says why, until an SMS gateway plugin (examples/sms_gateway) is installed
and turned on for the site. Start-up warns of it.

A channel's ``deliver(message)`` returns when the message is handed over and raises when
it is not; the outbox records either outcome. Plugins add channels (a real SMS gateway,
say) through ``butler_outbox_channels``; a plugin's channel named like one of these
replaces it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.models import OutboxMessage
from core.plugins.api import Channel
from core.plugins.host import CORE

sms_log = logging.getLogger("butler.sms")

SMTP_TIMEOUT_SECONDS = 30


def deliver_email(message: OutboxMessage) -> None:
    """Send ``message`` to its recipient through the configured SMTP server."""
    config = current_app.config
    recipient = message.recipient
    if "@" not in recipient:
        raise ValueError(f"{recipient!r} is not an e-mail address")
    sender = config.get("MAIL_FROM") or "butler@localhost"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(
        idstring=f"outbox-{message.id}", domain=sender.rpartition("@")[2] or "localhost"
    )
    mail.set_content(message.body)
    line = _current_line.get()
    if line is not None:
        line.send(mail)
        return
    smtp = _dial()
    try:
        smtp.send_message(mail)
    finally:
        _hang_up(smtp)


def _dial() -> smtplib.SMTP:
    """A new SMTP session with the configured server, logged in when so configured."""
    config = current_app.config
    host = config.get("SMTP_HOST") or "localhost"
    port = int(config.get("SMTP_PORT") or 25)
    smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        _hang_up(smtp)
        raise
    return smtp


class _SmtpLine:
    """One SMTP session kept open for a round of deliveries, dialled at the first message.

    After any failure the session is dropped and the next message dials again: a
    session in an unknown state never carries another message.
    """

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        if self.smtp is not None and not self._alive():
            self.close()
        if self.smtp is None:
            self.smtp = _dial()
        try:
            self.smtp.send_message(mail)
        except BaseException:
            self.close()
            raise

    def _alive(self) -> bool:
        # A server may drop a quiet session; asking first means a message is never sent
        # on a session that might have gone (its outcome would be unknown).
        try:
            return self.smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        if self.smtp is not None:
            _hang_up(self.smtp)
            self.smtp = None


_current_line: ContextVar[_SmtpLine | None] = ContextVar("butler_smtp_line", default=None)


@contextmanager
def email_batch() -> Iterator[None]:
    """Within this block ``deliver_email`` sends every message over one SMTP session."""
    line = _SmtpLine()
    token = _current_line.set(line)
    try:
        yield
    finally:
        _current_line.reset(token)
        line.close()


def _hang_up(smtp: smtplib.SMTP) -> None:
    """End the SMTP session; a failed goodbye is ignored."""
    # Once the server has accepted the message, raising here would have it sent again.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def deliver_sms(message: OutboxMessage) -> None:
    """Write the SMS to the log ``butler.sms``: the default until a gateway plugin is added."""
    body = "".join(ch if ch.isprintable() else " " for ch in message.body)
    sms_log.info("SMS to %s: %s", message.recipient, body)


def sms_held(_site_id: int) -> str | None:
    """Why the core's SMS channel does not send: in production it has no gateway."""
    if current_app.config.get("BUTLER_ENV") != "production":
        return None
    return _(
        "No SMS gateway is installed or turned on for this site, so SMS messages wait here "
        "unsent. They go out once an SMS gateway plugin is turned on."
    )


def warn_of_held_sms(app: Flask) -> None:
    """Log at start-up that SMS will wait when production has no SMS gateway plugin."""
    providers = app.extensions["butler.plugins"].channel_providers.get("sms", [])
    if app.config.get("BUTLER_ENV") == "production" and all(p == CORE for p, _c in providers):
        sms_log.warning(
            "BUTLER_ENV=production and no SMS gateway plugin is installed: SMS messages "
            "will wait in the outbox, unsent, until one is installed and turned on for "
            "the site (docs/plugins.md, 'An out-of-tree plugin')."
        )


def deliver_notice(message: OutboxMessage) -> None:
    """Nothing to send: plugins show sent notices on their noticeboards."""


def default_channels() -> list[Channel]:
    """The core's channels: ``email``, ``sms`` and ``notice``."""
    return [
        Channel("email", deliver_email, _l("E-mail"), batch=email_batch),
        Channel("sms", deliver_sms, _l("SMS"), holds=sms_held),
        Channel("notice", deliver_notice, _l("Notice")),
    ]
