"""core.forms.text_field: the one way a form asks for a line or a box of text."""

from __future__ import annotations

from flask_wtf import FlaskForm

from core.forms import text_field


class NoteForm(FlaskForm):
    title = text_field("Title", max=10, required="Give it a title.")
    note = text_field("Note", max=20, rows=3)


def submit(app, **data):
    with app.test_request_context(method="POST", data=data):
        form = NoteForm(meta={"csrf": False})
        return form, form.validate()


def test_a_required_line_left_blank_says_so_next_to_it(app):
    form, valid = submit(app, title="   ", note="")
    assert not valid
    assert form.title.errors == ["Give it a title."]
    assert form.note.errors == []


def test_too_long_a_text_is_refused_with_its_limit(app):
    form, valid = submit(app, title="x" * 11, note="y" * 21)
    assert not valid
    assert form.title.errors == ["Use at most 10 characters."]
    assert form.note.errors == ["Use at most 20 characters."]


def test_spaces_around_the_text_are_dropped(app):
    form, valid = submit(app, title="  Lift  ", note="  slow  ")
    assert valid
    assert (form.title.data, form.note.data) == ("Lift", "slow")


def test_a_line_is_an_input_with_its_limit_and_a_box_a_textarea(app):
    with app.test_request_context():
        form = NoteForm(meta={"csrf": False})
        line, box = str(form.title()), str(form.note())
    assert line.startswith("<input") and 'maxlength="10"' in line and "required" in line
    assert box.startswith("<textarea") and 'rows="3"' in box
