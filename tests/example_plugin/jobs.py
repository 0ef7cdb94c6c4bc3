"""The example plugin's job: a daily tick that tests count."""

from __future__ import annotations

from core.plugins.api import Job
from tests import example_plugin  # its CALLS, read when the job runs


def tick(site, now) -> None:
    example_plugin.CALLS.append(("job", site.id))


JOBS = [Job("tick", "daily", tick, description="Counts days")]
