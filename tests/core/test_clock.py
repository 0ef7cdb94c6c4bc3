"""One clock: every module reads time through core.clock, and tests can stop and move it."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from core import clock as core_clock
from core.testing.clock import suite_moment
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
# Calls that read the machine's or the database's clock instead of core.clock.
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("func", "now"),
    ("func", "current_timestamp"),
    ("func", "current_date"),
    ("func", "current_time"),
    ("func", "localtimestamp"),
}
FORBIDDEN_NAMES = {"utcnow", "formatdate"}
FORBIDDEN_SQL = ("CURRENT_TIMESTAMP", "CURRENT_DATE", "NOW()", "'now'", "LOCALTIMESTAMP")


def clock_reads(source: str, filename: str = "<source>") -> list[str]:
    """Every place in ``source`` that asks the machine or the database what time it is."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute):
                owner = target.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if (name, target.attr) in FORBIDDEN_CALLS:
                    found.append(f"{where}: {name}.{target.attr}()")
            elif isinstance(target, ast.Name) and target.id in FORBIDDEN_NAMES:
                found.append(f"{where}: {target.id}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            upper = node.value.upper()
            for word in FORBIDDEN_SQL:
                if word.upper() in upper:
                    found.append(f"{where}: SQL reads the database's clock ({word})")
    return found


def sources() -> list[Path]:
    files = [*ROOT.glob("core/**/*.py"), *ROOT.glob("plugins/**/*.py")]
    return sorted(p for p in files if p != ROOT / "core" / "clock.py")


def test_no_module_reads_the_time_except_through_core_clock():
    found = []
    for path in sources():
        found += clock_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "read the time through core.clock instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        "from datetime import datetime, UTC\nstamp = datetime.now(UTC)",
        "import datetime\nstamp = datetime.datetime.now()",
        "from datetime import date\nday = date.today()",
        "import time\nseconds = time.time()",
        "from sqlalchemy import func\nq = func.now()",
        "sql = 'SELECT * FROM job_run WHERE started_at < CURRENT_TIMESTAMP'",
        "from core.models import utcnow\nstamp = utcnow()",
    ],
)
def test_the_guard_names_a_new_direct_read_with_its_file_and_line(line):
    assert clock_reads(line, "plugins/new/rules.py") != []
    assert clock_reads(line, "plugins/new/rules.py")[0].startswith("plugins/new/rules.py:")


def test_the_guard_lets_the_one_clock_through():
    assert clock_reads("from core import clock\nstamp = clock.now()\nday = clock.today(site)") == []


# --- The clock itself --------------------------------------------------------------------


class Place:
    def __init__(self, timezone: str) -> None:
        self.timezone = timezone


def test_today_is_the_date_at_the_site_not_in_utc(clock):
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert clock.today(Place("Europe/London")) == date(2026, 12, 31)
    assert clock.today(Place("Asia/Hong_Kong")) == date(2027, 1, 1)
    assert core_clock.this_month(Place("Asia/Hong_Kong")) == "2027-01"
    assert core_clock.this_month(Place("America/New_York")) == "2026-12"


def test_the_clock_moves_on_from_where_a_test_set_it(clock):
    start = clock.at_local("Asia/Hong_Kong", date(2028, 2, 28), time(23, 30))
    assert start == datetime(2028, 2, 28, 15, 30, tzinfo=UTC)
    assert clock.advance(hours=1) == start + timedelta(hours=1)
    assert clock.today(Place("Asia/Hong_Kong")) == date(2028, 2, 29)
    assert core_clock.now().tzinfo is UTC


def test_freezing_needs_a_zone():
    with pytest.raises(ValueError, match="aware"):
        core_clock.freeze(datetime(2026, 1, 1, 12, 0))


def test_the_suite_moment_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BUTLER_TEST_NOW", "2028-02-29T12:00:00+08:00")
    assert suite_moment() == datetime(2028, 2, 29, 4, 0, tzinfo=UTC)
    monkeypatch.setenv("BUTLER_TEST_NOW", "2028-02-29T12:00")
    with pytest.raises(pytest.UsageError, match="offset"):
        suite_moment()
    monkeypatch.setenv("BUTLER_TEST_NOW", "the end of the month")
    with pytest.raises(pytest.UsageError, match="ISO 8601"):
        suite_moment()
    monkeypatch.delenv("BUTLER_TEST_NOW")
    assert suite_moment() is None


def test_a_page_shows_the_sites_month_from_the_one_clock(app, client, make, clock):
    site = make.site(timezone="Asia/Hong_Kong")
    make.user(site=site, role="manager", username="mia")
    clock.set(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 00:30 on 1 January in Hong Kong
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/reports").get_data(as_text=True)
    assert 'value="2027-01"' in page


def test_a_session_idle_past_its_limit_ends_on_the_clock(app, client, make, clock):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    assert client.get(f"/s/{site.slug}/").status_code == 200
    clock.advance(minutes=app.config["BUTLER_SESSION_IDLE_MINUTES"] - 1)
    assert client.get(f"/s/{site.slug}/").status_code == 200
    clock.advance(minutes=app.config["BUTLER_SESSION_IDLE_MINUTES"] + 1)
    assert client.get(f"/s/{site.slug}/").status_code == 302
