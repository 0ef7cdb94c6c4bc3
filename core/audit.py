"""Writing to the audit log. Rows are added to the current transaction and commit with it."""

from __future__ import annotations

import json
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from core.extensions import db
from core.models import AuditLog, AuditRead, Site

_MAX_DETAIL = 4000


def _clean(value: Any) -> Any:
    """Neutralise CR/LF and other control characters so a value cannot forge log lines."""
    if isinstance(value, str):
        return "".join(ch if ch.isprintable() else " " for ch in value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clean(str(value))


def record(
    action: str,
    obj: Any = None,
    *,
    detail: dict[str, Any] | None = None,
    site: Site | None = None,
    user: Any = None,
) -> AuditLog:
    """Add an audit row for ``action`` on ``obj``; the caller commits."""
    if site is None and has_request_context():
        site = g.get("site")
    site_id = site.id if site is not None else getattr(obj, "site_id", None)
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    text = json.dumps(_clean(detail), ensure_ascii=False, sort_keys=True) if detail else ""
    row = AuditLog(
        action=_clean(action),
        site_id=site_id,
        user_id=getattr(user, "id", None),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=text[:_MAX_DETAIL],
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(row)
    return row


def record_read(
    action: str,
    obj: Any = None,
    *,
    residents: Any = (),
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Audit one view of sensitive records (health values, special care) that showed
    ``residents`` (ids or residents); the caller commits.

    One ``audit_log`` row for the page view, and one ``audit_read`` row per resident it
    showed, so that each resident's page can list who read their records.
    """
    row = record(action, obj, detail=detail)
    ids = {getattr(r, "id", r) for r in residents}
    ids.discard(None)
    if ids:
        db.session.flush()  # the row's id, for the links
        db.session.add_all(
            AuditRead(site_id=row.site_id, audit_id=row.id, resident_id=rid) for rid in sorted(ids)
        )
    return row


def changes(obj: Any, fields: list[str], new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as ``{field: [old, new]}``, for an audit detail."""
    diff: dict[str, list[Any]] = {}
    for name in fields:
        old, new = getattr(obj, name), new_values.get(name)
        if old != new:
            diff[name] = [old, new]
    return diff
