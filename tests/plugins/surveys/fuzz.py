"""The surveys plugin's forms for tests/security/test_fuzz.py."""

from __future__ import annotations

from core.testing.walks import register_forms
from plugins.surveys.forms import QuestionForm, RecordForm, WaveForm

NAME = "surveys"


def forms(kit) -> dict:
    Form, fields_of, log_in_as = kit.Form, kit.fields_of, kit.log_in_as

    def answers(s) -> dict:
        return {f"q{s.id('question_id', plugin=NAME)}": "4"}

    answer_fields = {"q1": kit.INT, "q2": kit.TEXT}
    return {
        "surveys.new_wave": Form(
            fields_of(WaveForm),
            lambda s: {
                "template_id": _template_id(s),
                "opens_on": "2030-01-06",
                "closes_on": "2030-01-20",
                "target": "buildings",
                "building_ids": [s.id("building_id")],
                "anonymous": "y",
            },
            start=log_in_as("manager"),
        ),
        "surveys.add_question": Form(
            fields_of(QuestionForm),
            lambda s: {
                "kind": "single",
                "text_en": "Which day suits you? 哪天合適？",
                "options": "Saturday | 星期六\nSunday | 星期日",
            },
            start=_draft(kit),
        ),
        "surveys.launch": Form({}, start=log_in_as("manager")),
        "surveys.close": Form({}, start=log_in_as("manager")),
        "surveys.answer": Form(answer_fields, answers, start=kit._anonymous),
        "surveys.record": Form(
            fields_of(RecordForm) | answer_fields,
            lambda s: {"channel": "visit", **answers(s)},
            start=log_in_as("butler"),
        ),
    }


def _draft(kit):
    """Put the world's wave back to a draft (questions change only before launch), then
    log the manager in."""

    def start(s, client) -> None:
        from core.extensions import db
        from plugins.surveys.models import Survey

        with s.app.app_context():
            wave = db.session.get(Survey, int(s.id("survey_id", plugin=NAME)))
            wave.launched_at = None
            db.session.commit()
        kit.log_in_as("manager")(s, client)

    return start


def _template_id(s) -> str:
    from core.extensions import db
    from plugins.surveys.models import Survey

    with s.app.app_context():
        return str(
            db.session.scalar(
                db.select(Survey.id).where(
                    Survey.site_id == s.world.a.site.id, Survey.is_template.is_(True)
                )
            )
        )


register_forms(NAME, forms)
