"""docs/plugins.md says what the code does: each hook with its full signature, the layout of
its worked example, the walks' messages, and a link to the checklist.

How the guide was checked end to end (its plugin typed into a scratch copy, its tests and
both walks run) is in the note of issue 18; these tests keep the parts that can drift.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from core.plugins import hookspecs
from core.testing import walks

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "plugins.md"
HOOKS = {
    name: function
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("butler_")
}
HEADING = re.compile(r"^### `(butler_\w+)(\(.*\))`$", re.MULTILINE)
# The one plugin layout: where a plugin's files go.
LAYOUT = re.compile(
    r"^plugins/(?P<name>\w+)/(__init__|models|views|forms|rules|labels|demo|jobs|reports)\.py$"
    r"|^plugins/(?P<t>\w+)/templates/(?P=t)/[\w.]+\.html$"
    r"|^plugins/(?P<m>\w+)/migrations/(?P=m)_\d{4}_\w+\.py$"
    r"|^tests/plugins/\w+/\w+\.py$"
)


def documented() -> dict[str, str]:
    return dict(HEADING.findall(GUIDE.read_text()))


def test_every_hook_is_documented_with_its_full_signature():
    signatures = {name: str(inspect.signature(f)) for name, f in HOOKS.items()}
    headings = documented()
    wrong = {
        name: (headings.get(name), signature)
        for name, signature in signatures.items()
        if headings.get(name) != signature
    }
    assert wrong == {}, "### `name(parameters)` in docs/plugins.md (found, hookspecs.py)"


def test_the_guide_documents_no_hook_that_does_not_exist():
    assert sorted(set(documented()) - set(HOOKS)) == []


def test_the_worked_examples_files_follow_the_one_layout():
    text = GUIDE.read_text()
    paths = re.findall(r"^```\w*\n(?:# |\{# )(\w[\w.]*/[\w/.]+)", text, re.MULTILINE)
    assert len(paths) >= 10, paths
    assert [p for p in paths if not LAYOUT.match(p)] == []
    templates = {p.rpartition("/")[2] for p in paths if "/templates/" in p}
    assert {"_widget.html", "_panel.html"} <= templates


def test_the_guide_quotes_the_walks_messages_as_they_are():
    text = " ".join(GUIDE.read_text().split())
    for function in ("register_world", "register_forms"):
        assert walks.how_to_join(function, "keys") in text, function


def test_the_migration_step_names_the_revision_and_its_database():
    text = GUIDE.read_text()
    assert "--rev-id keys_0001" in text
    assert "DATABASE_URL=" in text and "db upgrade heads" in text


def test_the_checklist_is_linked_from_the_guide():
    assert (DOCS / "plugin-checklist.md").exists()
    assert "(plugin-checklist.md)" in GUIDE.read_text()


def test_the_example_plugins_form_refuses_next_to_its_field(app, client, auth, make):
    estate = make.estate(plugins=["example"], staff={"mia": "manager"})
    auth.login("mia")
    answer = client.post(estate.url("example/notes"), data={"text": "  "})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'aria-describedby="text-error"' in page and 'id="text-error"' in page
    assert "Write the note." in page
