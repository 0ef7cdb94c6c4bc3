"""The outbox: queue messages to residents once, deliver them through channels, retry.

Nothing is sent twice. ``queue`` keeps one message per site and dedupe key, and
``deliver_due`` marks a message ``sending`` (and commits) before it hands it to a
channel. A runner that dies half-way leaves the message ``sending``; after
``UNCERTAIN_AFTER`` it is marked ``uncertain`` and only a person may send it again.
"""

from __future__ import annotations

import logging
import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core import clock, tenancy
from core.extensions import db
from core.jobs import describe_error
from core.models import OutboxMessage, Resident, Site
from core.plugins.api import Channel, DeliveryRefused
from core.plugins.host import host

log = logging.getLogger("butler.outbox")

# Waits after the 1st, 2nd, … failed attempt; after MAX_ATTEMPTS it is left failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
UNCERTAIN_AFTER = timedelta(minutes=15)
DEFAULT_BATCH = 200
# Messages taken at once: if a runner is killed, these are the ones left "uncertain".
CLAIM_BATCH = 10
RETRYABLE = ("queued", "failed")
RESENDABLE = ("failed", "uncertain")
# How long a message whose channel is held waits before it is looked at again.
HOLD_RECHECK = timedelta(minutes=5)


def queue(
    site: Site,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    dedupe_key: str,
    resident: Resident | None = None,
    source: str = "core",
) -> OutboxMessage | None:
    """The new queued message, or None when ``dedupe_key`` was queued for ``site`` before.

    The message joins the caller's transaction (the caller commits). A duplicate key is
    not an error and leaves the caller's transaction usable: the insert is tried inside a
    savepoint.
    """
    if channel not in host().channels:
        raise ValueError(f"no outbox channel called {channel!r} is installed")
    if not dedupe_key:
        raise ValueError("a message needs a dedupe key")
    if resident is not None and resident.site_id != site.id:
        raise ValueError("the resident lives on another site")
    if _exists(site.id, dedupe_key):
        return None
    message = OutboxMessage(
        site_id=site.id,
        channel=channel,
        recipient=recipient.strip(),
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        resident_id=resident.id if resident is not None else None,
        status="queued",
        attempts=0,
        next_attempt_at=clock.now(),
        created_by=source,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # Someone queued the same key since we looked; anything else is a real error.
        if _exists(site.id, dedupe_key):
            return None
        raise
    return message


def _exists(site_id: int, dedupe_key: str) -> bool:
    return (
        db.session.execute(
            tenancy.select(OutboxMessage, OutboxMessage.id, site=site_id).where(
                OutboxMessage.dedupe_key == dedupe_key
            )
        ).first()
        is not None
    )


@dataclass
class DeliverySummary:
    """What one delivery round did."""

    sent: int = 0
    failed: int = 0
    uncertain: int = 0
    held: int = 0


def deliver_due(now: datetime | None = None, limit: int = DEFAULT_BATCH) -> DeliverySummary:
    """Deliver up to ``limit`` messages that are due; return the counts of what happened.

    Messages left ``sending`` by a runner that died are first marked ``uncertain``. The
    rest are taken ``CLAIM_BATCH`` at a time; a channel that keeps a connection open (the
    e-mail channel's SMTP session) keeps it for the whole call.
    """
    now = now or clock.now()
    summary = DeliverySummary(uncertain=mark_uncertain(now))
    _deliver_rounds(summary, now, limit)
    return summary


def deliver_messages(message_ids: list[int], now: datetime | None = None) -> DeliverySummary:
    """Deliver those of ``message_ids`` that are still due (a queue worker's share).

    A message sent, taken by another runner or not yet due in the meantime is left
    alone: the table, not the queue that named it, says what is to be sent.
    """
    now = now or clock.now()
    summary = DeliverySummary()
    _deliver_rounds(summary, now, len(message_ids), only=message_ids)
    return summary


def due_ids(now: datetime, limit: int = DEFAULT_BATCH) -> list[int]:
    """The ids of up to ``limit`` messages due at ``now``, oldest first (nothing claimed)."""
    ids = db.session.scalars(_due(now, limit)).all()
    db.session.commit()
    return list(ids)


def _due(now: datetime, size: int) -> sa.Select:
    """The ids of the ``size`` messages due longest, as a query."""
    return (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(RETRYABLE), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
    )


def _deliver_rounds(
    summary: DeliverySummary, now: datetime, limit: int, only: list[int] | None = None
) -> None:
    with ExitStack() as sessions:
        opened: set[int] = set()
        # The channel delivering each (site, channel name): looked up once a round, since
        # a plugin's channel depends on whether the plugin is on for the site.
        channels: dict[tuple[int, str], Channel | None] = {}
        while (handled := summary.sent + summary.failed + summary.held) < limit:
            size = min(CLAIM_BATCH, limit - handled)
            batch = _claim(now, size, only)
            if not batch:
                break
            for position, message in enumerate(batch):
                key = (message.site_id, message.channel)
                try:
                    if key not in channels:
                        channels[key] = host().channel_for(*key)
                    channel = channels[key]
                    if _held(message, channel, now):
                        summary.held += 1
                        continue
                    _open_session(channel, opened, sessions)
                    delivered = _deliver(message, channel, now)
                except BaseException:
                    # Stopped (Ctrl-C, a crash in the runner): the messages not yet
                    # handed to a channel go back to the queue, not to "uncertain".
                    _unclaim([m.id for m in batch[position + 1 :]])
                    raise
                if delivered:
                    summary.sent += 1
                else:
                    summary.failed += 1


def _open_session(channel: Channel | None, opened: set[int], sessions: ExitStack) -> None:
    """Enter the channel's ``batch`` the first time one of its messages is delivered in
    this round."""
    if channel is None or id(channel) in opened:
        return
    opened.add(id(channel))
    if channel.batch is not None:
        sessions.enter_context(channel.batch())


def mark_uncertain(now: datetime) -> int:
    """Mark messages stuck in ``sending`` for too long as ``uncertain``; how many."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_at < now - UNCERTAIN_AFTER,
        )
        .values(status="uncertain", attempts=OutboxMessage.attempts + 1, next_attempt_at=None)
    )
    db.session.commit()
    if result.rowcount:
        log.warning("%d outbox message(s) were interrupted while sending", result.rowcount)
    return result.rowcount


def _claim(now: datetime, size: int, only: list[int] | None = None) -> list[OutboxMessage]:
    """Mark up to ``size`` due messages (of ``only``, if given) ``sending`` and commit;
    them, detached.

    One ``UPDATE … WHERE status IN (…)`` takes the batch, so two runners never take the
    same message. On PostgreSQL the due rows are picked with ``FOR UPDATE SKIP LOCKED``:
    a second runner takes the next messages instead of waiting for the first one's. On
    SQLite the write lock (``BEGIN IMMEDIATE``) lets one runner in at a time.
    """
    due = _due(now, size)
    if only is not None:
        due = due.where(OutboxMessage.id.in_(only))
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .where(OutboxMessage.status.in_(RETRYABLE))
        .values(status="sending", claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed:
        db.session.commit()
        return []
    messages = list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )
    # Detached with their columns loaded: a channel reads them outside any transaction,
    # so no lock is held while a slow mail server answers.
    for message in messages:
        db.session.expunge(message)
    db.session.commit()
    return messages


def _unclaim(message_ids: list[int]) -> None:
    """Put messages taken but never handed to a channel back in the queue."""
    if not message_ids:
        return
    db.session.rollback()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == "sending")
        .values(status="queued", claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _held(message: OutboxMessage, channel: Channel | None, now: datetime) -> bool:
    """Put a claimed message back in the queue, no attempt counted, when its channel cannot
    deliver for the site (``Channel.holds``: an SMS in production without a gateway)."""
    if channel is None or channel.holds is None or channel.holds(message.site_id) is None:
        return False
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(status="queued", claimed_at=None, next_attempt_at=now + HOLD_RECHECK)
    )
    db.session.commit()
    return True


def _deliver(message: OutboxMessage, channel: Channel | None, now: datetime) -> bool:
    """Hand ``message`` to ``channel`` (the one delivering for its site) and record the
    outcome; True when it was sent."""
    try:
        if channel is None:
            raise LookupError(f"no outbox channel called {message.channel!r} is installed")
        channel.deliver(message)
    except Exception as error:  # any channel failure is recorded and retried later
        db.session.rollback()
        _record_failure(message, error, now)
        return False
    # Whatever the channel wrote (a notice row, say) commits with the "sent" mark.
    _update(message.id, status="sent", sent_at=now, next_attempt_at=None, last_error="")
    return True


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    retry = attempts < MAX_ATTEMPTS and not isinstance(error, DeliveryRefused)
    retry_at = now + BACKOFF[attempts - 1] if retry else None
    text = describe_error(error)
    log.warning(
        "outbox message %s (%s) failed, attempt %d: %s", message.id, message.channel, attempts, text
    )
    _update(message.id, status="failed", last_error=text, next_attempt_at=retry_at)


def _update(message_id: int, **values: Any) -> None:
    """Record the end of an attempt (one more counted) and commit."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(attempts=OutboxMessage.attempts + 1, **values)
    )
    db.session.commit()


def resend(message: OutboxMessage) -> bool:
    """Put a failed or uncertain message back in the queue; False if it is neither.

    The counter of attempts starts again, so the message gets its full series of
    retries. The caller commits (and records who asked).
    """
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status.in_(RESENDABLE))
        .values(status="queued", attempts=0, next_attempt_at=clock.now(), claimed_at=None)
    )
    db.session.refresh(message)
    return result.rowcount == 1


# --- Showing recipients ----------------------------------------------------------------

_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
MASK = "•"


def mask_recipient(recipient: str) -> str:
    """The recipient with the middle hidden: ``c•••n@example.com``, ``91••••67``.

    E-mail addresses keep the first and last letter of the local part; phone numbers
    keep their first two and last two digits. Anything else is shown as it is.
    """
    if "@" in recipient:
        local, _, domain = recipient.rpartition("@")
        if len(local) <= 2:
            hidden = local[:1] + MASK * max(len(local) - 1, 1)
        else:
            hidden = local[0] + MASK * (len(local) - 2) + local[-1]
        return f"{hidden}@{domain}"
    if _PHONE.match(recipient):
        digits = sum(ch.isdigit() for ch in recipient)
        seen, shown = 0, []
        for ch in recipient:
            if ch.isdigit():
                seen += 1
                shown.append(ch if seen <= 2 or seen > digits - 2 else MASK)
            else:
                shown.append(ch)
        return "".join(shown)
    return recipient
