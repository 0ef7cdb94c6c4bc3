"""No jobs of its own: the core's `butler outbox deliver` run calls the channel."""

from __future__ import annotations

JOBS: tuple = ()
