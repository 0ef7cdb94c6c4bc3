"""Posts are HTML forms of text: what a form cannot read is refused before a view sees it.

Flask-WTF gives a form the request's uploaded files and its JSON body as if they were
fields. A file sent under a text field's name, or a JSON number, list or null where the
form expects text, then reaches validators and views that expect a string, and fails
with a server error. And PostgreSQL refuses text holding NUL, which no keyboard types.
Butler's pages only ever post forms, so these are refused with 400:

- a JSON body;
- files, unless the view is marked ``@takes_files`` (as the import is);
- a NUL character in a field or in the query string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, abort, current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # those Flask-WTF reads


def takes_files(view: Callable) -> Callable:
    """Mark ``view`` as one whose form has a file field (put it above ``@requires``)."""
    view.butler_takes_files = True  # type: ignore[attr-defined]
    return view


def csrf_field() -> Markup:
    """The hidden CSRF input every hand-written POST form carries: ``{{ csrf_field() }}``."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def init_app(app: Flask) -> None:
    app.before_request(_refuse_what_forms_cannot_read)
    app.jinja_env.globals["csrf_field"] = csrf_field


def _holds_nul(pairs: Iterable[tuple[str | None, str | None]]) -> bool:
    # A multipart part can come without a name (Werkzeug gives None).
    return any("\x00" in (name or "") or "\x00" in (value or "") for name, value in pairs)


def _refuse_what_forms_cannot_read() -> None:
    if _holds_nul(request.args.items(multi=True)):
        abort(400)
    if request.method not in SUBMIT_METHODS:
        return
    if request.is_json:
        abort(400)
    if request.files:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "butler_takes_files", False):
            abort(400)
    if _holds_nul(request.form.items(multi=True)):
        abort(400)
