"""Measuring server time of pages through the WSGI test client."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from flask.testing import FlaskClient


@dataclass
class Timing:
    label: str
    samples_ms: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)


def measure(
    client: FlaskClient,
    label: str,
    url: str,
    runs: int = 200,
    warmup: int = 10,
    headers: dict | None = None,
) -> Timing:
    """Time ``runs`` GETs of ``url`` (after ``warmup``); fail loudly on a non-200 answer."""
    for _ in range(warmup):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        response.get_data()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(label, samples)


def table(rows: list[tuple[str, Timing]]) -> str:
    lines = [
        "| database | page | p50 ms | p95 ms | p99 ms | runs |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for database, t in rows:
        lines.append(
            f"| {database} | {t.label} | {t.p50:.1f} | {t.p95:.1f} | {t.p99:.1f} "
            f"| {len(t.samples_ms)} |"
        )
    return "\n".join(lines)
