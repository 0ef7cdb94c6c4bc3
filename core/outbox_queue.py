"""Optional: hand the outbox's delivery to RQ workers over Redis (``pip install
butler-crm[workers]``).

The outbox table stays the only record of what is to be sent and what was. A hand-off
puts the ids of due messages on an RQ queue, ten to a job, and claims nothing; a worker
then delivers those of them that are still due, claiming each as ``outbox.deliver_due``
does. So a job lost with Redis, or one handed off twice, changes nothing: a message not
sent is still ``queued`` and the next hand-off names it again, and a message already
taken is skipped by the second worker.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_app_context
from redis import Redis

from core import clock, create_app, outbox

QUEUE_NAME = "butler-outbox"
_worker_app: Flask | None = None


class QueueMissing(RuntimeError):
    """RQ or Redis is not there; the message says what to install or set."""


def _queue(name: str):
    try:
        from rq import Queue
    except ImportError as missing:
        raise QueueMissing(
            "Handing delivery to workers needs RQ: pip install 'butler-crm[workers]'."
        ) from missing
    url = current_app.config.get("RATELIMIT_STORAGE_URI", "")
    if not url.startswith("redis"):
        raise QueueMissing("Handing delivery to workers needs REDIS_URL.")
    return Queue(name, connection=Redis.from_url(url))


def hand_off(now: datetime | None = None, limit: int = outbox.DEFAULT_BATCH) -> int:
    """Put the due messages' ids on the queue for the workers; how many were named."""
    now = now or clock.now()
    outbox.mark_uncertain(now)
    ids = outbox.due_ids(now, limit)
    queue = _queue(current_app.config.get("BUTLER_OUTBOX_QUEUE") or QUEUE_NAME)
    for start in range(0, len(ids), outbox.CLAIM_BATCH):
        queue.enqueue(deliver, ids[start : start + outbox.CLAIM_BATCH])
    return len(ids)


def deliver(message_ids: list[int]) -> tuple[int, int]:
    """The worker's job: deliver those of ``message_ids`` still due; (sent, failed)."""
    if has_app_context():  # a worker started inside the application (tests)
        summary = outbox.deliver_messages(message_ids)
    else:
        with _application().app_context():
            summary = outbox.deliver_messages(message_ids)
    return summary.sent, summary.failed


def _application() -> Flask:
    """The worker process's application, built once from its environment."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    return _worker_app
