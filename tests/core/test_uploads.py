"""Photos are kept only when their bytes are a photo, within the size limit, and are
served back only by key."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from core import uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return FileStorage(io.BytesIO(data), filename=name, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "content_type", "ext"),
    [(PNG, "image/png", "png"), (JPEG, "image/jpeg", "jpg"), (WEBP, "image/webp", "webp")],
    ids=["png", "jpeg", "webp"],
)
def test_a_photo_is_kept_under_a_key_and_served_back(app, data, content_type, ext):
    with app.test_request_context():
        kept_and_served(data, content_type, ext)


def kept_and_served(data: bytes, content_type: str, ext: str) -> None:
    stored = uploads.save(upload(data, "漏水 tap.jpg"), plugin="service_desk")

    assert stored.key.startswith("service_desk/") and stored.key.endswith(f".{ext}")
    assert (stored.content_type, stored.size) == (content_type, len(data))
    assert stored.original_name == "漏水 tap.jpg"
    assert uploads.path_of(stored.key).read_bytes() == data
    response = uploads.send(stored.key)
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == data
    uploads.delete(stored.key)
    assert not uploads.path_of(stored.key).exists()


def test_a_script_named_like_a_photo_is_refused(ctx):
    with pytest.raises(uploads.Refused, match="JPEG, PNG or WebP"):
        uploads.save(upload(b"<script>alert(1)</script>", "photo.jpg"), plugin="events")


def test_an_empty_or_missing_file_is_refused(ctx):
    with pytest.raises(uploads.Refused, match="empty"):
        uploads.save(upload(b""), plugin="events")
    with pytest.raises(uploads.Refused, match="Choose a photo"):
        uploads.save(None, plugin="events")


def test_a_photo_over_the_limit_is_refused(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "BUTLER_UPLOAD_MAX_BYTES", 1024 * 1024)
    with pytest.raises(uploads.Refused, match="larger than 1 MB"):
        uploads.save(upload(JPEG + b"\x00" * 1024 * 1024), plugin="events")
    assert not list(uploads.folder().glob("events/*"))


@pytest.mark.parametrize("key", ["../secret_key", "events/../../x.jpg", "events/abc.jpg", ""])
def test_a_key_that_save_could_not_have_made_is_not_found(app, key):
    with app.test_request_context(), pytest.raises(NotFound):
        uploads.send(key)
