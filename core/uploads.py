"""Photos that staff upload (a leaking tap, an event): checked, cleaned, stored, served back.

A plugin stores only the ``key`` that ``save`` returns. What a file is is read from its
bytes, not from its name or the type the browser claims: a script renamed ``photo.jpg``
is refused. Every photo is decoded and encoded again with Pillow, so what is kept is
only its pixels: the EXIF block (the phone's make, the time, the GPS position of the
resident's flat) is dropped, the orientation it asked for is applied to the pixels, a
photo of too many pixels is refused before it is decoded, and a large one is scaled down
to ``BUTLER_UPLOAD_MAX_EDGE`` pixels on its longer side.

The bytes are kept by a ``Storage``: a folder on this server (``BUTLER_UPLOAD_DIR``, or
``instance/uploads``) unless ``BUTLER_UPLOAD_STORAGE`` names another, which is what
several servers sharing one store provide (see docs/deployment.md). Files are never
under ``static/``: they are served only by a plugin's own view after that view has
checked the permission and the site.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Response, abort, current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from werkzeug.datastructures import FileStorage

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # a 40-megapixel camera; phones take 12 to 50
DEFAULT_MAX_EDGE = 2048  # enough to read a meter or a crack on any screen
ENCODE_QUALITY = 85
# Content type -> (file extension, how its bytes start)
SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "image/jpeg": ("jpg", (b"\xff\xd8\xff",)),
    "image/png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    "image/webp": ("webp", ()),  # RIFF....WEBP, checked below
}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
ENCODABLE_MODES = {
    "JPEG": ("RGB", "L"),
    "PNG": ("1", "L", "LA", "P", "RGB", "RGBA"),
    "WEBP": ("RGB", "RGBA"),
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
    return _setting("BUTLER_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


def sniff(head: bytes) -> str | None:
    """The content type that ``head`` (a file's first bytes) shows, among the accepted ones."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for content_type, (_ext, starts) in SIGNATURES.items():
        if any(head.startswith(start) for start in starts):
            return content_type
    return None


def save(file: FileStorage | None, plugin: str) -> Stored:
    """Check ``file``, clean it and keep it; raises ``Refused`` with a message for the form."""
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
    cleaned = reencode(data, content_type)
    key = f"{plugin}/{uuid.uuid4().hex}.{SIGNATURES[content_type][0]}"
    storage().put(key, cleaned)
    name = os.path.basename(file.filename or "")[:200]
    return Stored(key=key, content_type=content_type, size=len(cleaned), original_name=name)


def reencode(data: bytes, content_type: str) -> bytes:
    """The photo in ``data`` encoded again: upright, no metadata, at most the largest
    edge; raises ``Refused`` for too many pixels or a file that is not a readable photo."""
    pillow_format = PILLOW_FORMATS[content_type]
    edge = _setting("BUTLER_UPLOAD_MAX_EDGE", DEFAULT_MAX_EDGE)
    try:
        with warnings.catch_warnings():
            # Pillow warns of a "decompression bomb" past its own limit: refuse it too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[pillow_format])
            _check_pixels(image.width * image.height)
            if pillow_format == "JPEG":
                image.draft("RGB", (edge, edge))  # decode at a fraction when it is large
            image.load()
    except Refused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise _too_many_pixels() from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # UnidentifiedImageError is an OSError; a cut-off file raises one of these.
        raise Refused(_("The file could not be read as a photo: it may be damaged.")) from error
    image = ImageOps.exif_transpose(image)
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return _encode(image, pillow_format)


def _check_pixels(pixels: int) -> None:
    if pixels > _setting("BUTLER_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS):
        raise _too_many_pixels()


def _too_many_pixels() -> Refused:
    megapixels = f"{_setting('BUTLER_UPLOAD_MAX_PIXELS', DEFAULT_MAX_PIXELS) / 1e6:g}"
    return Refused(_("The photo has too many pixels: at most %(count)s million.", count=megapixels))


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    """``image`` in ``pillow_format`` with nothing but its pixels (and colour profile)."""
    keep = {"icc_profile": image.info.get("icc_profile")}
    if pillow_format == "PNG" and "transparency" in image.info:
        keep["transparency"] = image.info["transparency"]
    image.info = {}
    if image.mode not in ENCODABLE_MODES[pillow_format]:
        has_alpha = "A" in image.mode or "transparency" in keep
        image = image.convert("RGBA" if has_alpha and pillow_format != "JPEG" else "RGB")
        keep = {}  # a profile of the old mode (CMYK, say) would now describe it wrongly
    out = io.BytesIO()
    options = {k: v for k, v in keep.items() if v is not None}
    if pillow_format in ("JPEG", "WEBP"):
        options["quality"] = ENCODE_QUALITY
    image.save(out, pillow_format, **options)
    return out.getvalue()


def path_of(key: str) -> Path:
    """The file of ``key`` in the local folder; 404 for a key ``save`` could not have made."""
    if not KEY_PATTERN.match(key or ""):
        abort(404)
    return folder() / key


def send(key: str) -> Response:
    """The stored file as a response; call it after checking permission and site."""
    if not KEY_PATTERN.match(key or ""):
        abort(404)
    data = storage().get(key)
    if data is None:
        abort(404)
    ext = key.rpartition(".")[2]
    content_type = next(t for t, (e, _s) in SIGNATURES.items() if e == ext)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


def delete(key: str) -> None:
    if not KEY_PATTERN.match(key or ""):
        abort(404)
    storage().delete(key)


# --- Where the bytes are kept ----------------------------------------------------------


class Storage(Protocol):
    """A place that keeps uploaded files under their keys (``plugin/<hex>.<ext>``).

    Several application servers need one they all reach: an object store, or a folder
    every server mounts. ``put`` never replaces a file (keys are new each time).
    """

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


class LocalFolder:
    """Files in a folder of this server, readable by the service user only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(path, "xb") as out:
            out.write(data)
        os.chmod(path, 0o600)

    def get(self, key: str) -> bytes | None:
        path = self.root / key
        # Photos are a few MB at most: read whole, so no file stays open after the answer.
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)


def storage() -> Storage:
    """The application's store: ``BUTLER_UPLOAD_STORAGE`` (a ``Storage``, or
    ``"module:factory"`` called with the application once), else the local folder."""
    configured = current_app.config.get("BUTLER_UPLOAD_STORAGE")
    if not configured:
        return LocalFolder(folder())
    if not isinstance(configured, str):
        return configured
    made = current_app.extensions.get("butler.upload_storage")
    if made is None:
        module, _colon, attribute = configured.partition(":")
        factory = getattr(importlib.import_module(module), attribute)
        made = current_app.extensions["butler.upload_storage"] = factory(current_app)
    return made
