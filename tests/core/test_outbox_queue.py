"""Delivery handed to RQ workers over Redis: the outbox table still says what is sent."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock as core_clock
from core import outbox_queue
from core.extensions import db
from core.models import OutboxMessage
from tests.core.test_outbox_runners import Pager, page

rq = pytest.importorskip("rq")
redis = pytest.importorskip("redis")
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def workers(app, make_app):
    """An application whose outbox goes to an RQ queue of this test's own, and the queue."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.RedisError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    pager = Pager()
    queue = rq.Queue(f"butler-outbox-test-{uuid.uuid4().hex}", connection=connection)
    extra = make_app(
        {
            **app.config,
            "BUTLER_EXTRA_PLUGINS": [pager],
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "BUTLER_OUTBOX_WORKERS": "rq",
            "BUTLER_OUTBOX_QUEUE": queue.name,
        }
    )
    try:
        yield extra, pager, queue
    finally:
        queue.delete(delete_jobs=True)
        connection.close()


def work(extra, queue) -> None:
    """One worker, in this process, until the queue is empty."""
    with extra.app_context():
        rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)


def later():
    """A moment just after the messages were queued: they are due."""
    return core_clock.now() + timedelta(seconds=1)


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_workers_deliver_what_was_handed_off_once_even_if_handed_off_twice(app, make, workers):
    extra, pager, queue = workers
    site = make.site()
    make.enable(site, "pager")  # a plugin's channel delivers where the plugin is on
    ids = [page(app, site) for _ in range(12)]

    with extra.app_context():
        first = outbox_queue.hand_off(later())
        again = outbox_queue.hand_off(later())  # a second host's cron
    assert (first, again) == (12, 12)
    assert queue.count == 4  # ten to a job
    assert statuses(app) == ["queued"] * 12  # nothing is claimed until a worker takes it

    work(extra, queue)

    assert sorted(pager.handed) == ids
    assert set(pager.handed.values()) == {1}
    assert statuses(app) == ["sent"] * 12


def test_a_hand_off_lost_with_redis_is_named_again_by_the_next(app, make, workers):
    extra, pager, queue = workers
    site = make.site()
    make.enable(site, "pager")  # a plugin's channel delivers where the plugin is on
    ids = [page(app, site) for _ in range(3)]
    with extra.app_context():
        outbox_queue.hand_off(later())
    queue.empty()  # Redis restarted without its data

    with extra.app_context():
        assert outbox_queue.hand_off(later()) == 3
    work(extra, queue)

    assert sorted(pager.handed) == ids
    assert statuses(app) == ["sent"] * 3


def test_jobs_run_hands_the_outbox_to_the_workers_when_so_configured(app, make, workers):
    extra, pager, queue = workers
    site = make.site()
    make.enable(site, "pager")  # a plugin's channel delivers where the plugin is on
    page(app, site)

    result = extra.test_cli_runner().invoke(args=["butler", "jobs", "run"])

    assert "Outbox: 1 message(s) handed to the delivery workers." in result.output, result.output
    assert pager.handed == {}  # the workers, not the runner, deliver it
    assert queue.count == 1
