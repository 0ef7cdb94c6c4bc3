"""Photos that staff upload (a leaking tap, an event): checked, stored on disk, served back.

A plugin stores only the ``key`` that ``save`` returns; the file lives under the upload
folder (``BUTLER_UPLOAD_DIR``, or ``instance/uploads``), never under ``static/``, so it is
only ever served by a plugin's own view after that view has checked the permission and
the site. What a file is is read from its first bytes, not from its name or the type
the browser claims: a script renamed ``photo.jpg`` is refused.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import Response, abort, current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Content type -> (file extension, how its bytes start)
SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "image/jpeg": ("jpg", (b"\xff\xd8\xff",)),
    "image/png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    "image/webp": ("webp", ()),  # RIFF....WEBP, checked below
}
KEY_PATTERN = re.compile(r"^[a-z0-9_]+/[0-9a-f]{32}\.(jpg|png|webp)$")


class Refused(ValueError):
    """The file cannot be kept; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Stored:
    key: str
    content_type: str
    size: int
    original_name: str


def folder() -> Path:
    configured = current_app.config.get("BUTLER_UPLOAD_DIR") or os.environ.get("BUTLER_UPLOAD_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("BUTLER_UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def sniff(head: bytes) -> str | None:
    """The content type that ``head`` (a file's first bytes) shows, among the accepted ones."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for content_type, (_ext, starts) in SIGNATURES.items():
        if any(head.startswith(start) for start in starts):
            return content_type
    return None


def save(file: FileStorage | None, plugin: str) -> Stored:
    """Check ``file`` and keep it; raises ``Refused`` with a message for the form."""
    if file is None or not file.filename:
        raise Refused(_("Choose a photo to upload."))
    limit = max_bytes()
    data = file.stream.read(limit + 1)
    if not data:
        raise Refused(_("The file is empty."))
    if len(data) > limit:
        megabytes = f"{limit / 1024 / 1024:g}"
        raise Refused(_("The photo is larger than %(size)s MB.", size=megabytes))
    content_type = sniff(data[:16])
    if content_type is None:
        raise Refused(_("Only photos in JPEG, PNG or WebP can be uploaded."))
    ext = SIGNATURES[content_type][0]
    key = f"{plugin}/{uuid.uuid4().hex}.{ext}"
    path = folder() / key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path, "xb") as out:
        out.write(data)
    os.chmod(path, 0o600)
    name = os.path.basename(file.filename or "")[:200]
    return Stored(key=key, content_type=content_type, size=len(data), original_name=name)


def path_of(key: str) -> Path:
    """The file of ``key``; 404 for a key that is not one ``save`` could have made."""
    if not KEY_PATTERN.match(key or ""):
        abort(404)
    return folder() / key


def send(key: str) -> Response:
    """The stored file as a response; call it after checking permission and site."""
    path = path_of(key)
    if not path.is_file():
        abort(404)
    ext = path.suffix.lstrip(".")
    content_type = next(t for t, (e, _s) in SIGNATURES.items() if e == ext)
    # Photos are a few MB at most: read whole, so no file stays open after the answer.
    response = Response(path.read_bytes(), mimetype=content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


def delete(key: str) -> None:
    path = path_of(key)
    path.unlink(missing_ok=True)
