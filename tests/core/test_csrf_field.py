"""Every hand-written POST form carries its CSRF token through one helper."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_csrf_field_gives_the_hidden_input_with_the_sessions_token(app):
    with app.test_request_context():
        html = str(app.jinja_env.from_string("{{ csrf_field() }}").render())
    assert html.startswith('<input type="hidden" name="csrf_token" value="')
    assert len(html) > len('<input type="hidden" name="csrf_token" value="">') + 20


def test_no_template_writes_the_csrf_input_by_hand():
    hand_written = '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
    found = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]
        if hand_written in path.read_text(encoding="utf-8")
    ]
    assert found == [], "use {{ csrf_field() }} in: " + ", ".join(found)
