"""The folded add-forms ("Add a pet", "Block the room"...) come from one call-macro."""

from __future__ import annotations

import re
from pathlib import Path

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

ROOT = Path(__file__).resolve().parents[2]

PAGE = """{% from "_macros.html" import field, disclosure_form %}
{% call disclosure_form("Add a pet", "/pets", form, "Add", open=opened, button_class="small",
                        attrs={"data-offline": "pet", "class": "record-form"}) %}
  {{ field(form.species) }}
{% endcall %}"""


class PetForm(FlaskForm):
    species = StringField("Species", validators=[DataRequired(message="Say which animal.")])


def render(app, data=None, opened=False):
    with app.test_request_context(method="POST" if data is not None else "GET", data=data or {}):
        form = PetForm(meta={"csrf": False})
        if data is not None:
            form.validate()
        return app.jinja_env.from_string(PAGE).render(form=form, opened=opened)


def test_a_form_with_nothing_to_say_stays_folded(app):
    html = render(app)
    assert "<details>" in html and "<summary>Add a pet</summary>" in html
    assert 'data-offline="pet"' in html and 'class="record-form"' in html
    assert 'name="csrf_token"' in html
    assert '<button type="submit" class="small">Add</button>' in html


def test_a_refused_form_opens_with_its_message_next_to_the_field(app):
    html = render(app, data={"species": ""})
    assert "<details open>" in html
    assert 'id="species-error"' in html and "Say which animal." in html


def test_the_page_can_ask_for_it_open(app):
    assert "<details open>" in render(app, opened=True)


def test_no_template_folds_an_add_form_by_hand():
    by_hand = re.compile(r"<details[^>]*\{% if [\w.]+\.errors")
    found = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]
        if by_hand.search(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use {% call disclosure_form(...) %} in: " + ", ".join(found)
