"""The example plugin's report: its page (on the plugin's blueprint) and its entry."""

from __future__ import annotations

from flask import render_template

from core.plugins.api import Report
from core.security import requires
from tests.example_plugin import labels
from tests.example_plugin.views import bp


@bp.route("/report")
@requires("example.view")
def report():
    return render_template("example/index.html", notes=[])


def entries() -> list[Report]:
    return [
        Report(
            key="example.notes",
            title=labels.REPORT,
            endpoint="example.report",
            permission="example.view",
            description=labels.REPORT_DESCRIPTION,
        )
    ]
