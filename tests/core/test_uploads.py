"""Photos are kept only when their bytes are a photo, within the size and pixel limits;
what is kept is the pixels alone (no EXIF, no GPS), upright and at most 2048 px; they
are served back only by key, from whatever store the application uses."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from core import uploads

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
ROTATED_90 = 6  # "turn me 90° clockwise to show me upright"


def photo(size=(40, 20), pillow_format="JPEG", colour="red", exif=None) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if pillow_format == "PNG" else "RGB"
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, colour).save(buffer, pillow_format, **options)
    return buffer.getvalue()


def taken_at_home() -> bytes:
    """A phone's photo: landscape pixels marked to be turned upright, with the flat's GPS."""
    exif = Image.Exif()
    exif[MAKE] = "Harbour Phone"
    exif[ORIENTATION] = ROTATED_90
    exif[GPS_IFD] = {1: "N", 2: (22.0, 16.0, 30.0), 3: "E", 4: (114.0, 10.0, 20.0)}
    return photo((400, 200), exif=exif)


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return FileStorage(io.BytesIO(data), filename=name, content_type=content_type)


def kept_files() -> set:
    return set(uploads.folder().glob("*/*"))


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("pillow_format", "content_type", "ext"),
    [("PNG", "image/png", "png"), ("JPEG", "image/jpeg", "jpg"), ("WEBP", "image/webp", "webp")],
    ids=["png", "jpeg", "webp"],
)
def test_a_photo_is_kept_under_a_key_and_served_back(app, pillow_format, content_type, ext):
    with app.test_request_context():
        stored = uploads.save(upload(photo(pillow_format=pillow_format), "漏水 tap.jpg"), "events")

        assert stored.key.startswith("events/") and stored.key.endswith(f".{ext}")
        assert stored.content_type == content_type
        assert stored.original_name == "漏水 tap.jpg"
        kept = uploads.path_of(stored.key).read_bytes()
        assert stored.size == len(kept)
        assert (opened(kept).format, opened(kept).size) == (pillow_format, (40, 20))
        response = uploads.send(stored.key)
        assert response.mimetype == content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data() == kept
        uploads.delete(stored.key)
        assert not uploads.path_of(stored.key).exists()


def test_a_photo_taken_at_home_comes_back_without_where_it_was_taken(app, ctx):
    original = taken_at_home()
    assert opened(original).getexif().get_ifd(GPS_IFD)  # the phone did record the flat

    stored = uploads.save(upload(original), plugin="service_desk")

    kept = opened(uploads.path_of(stored.key).read_bytes())
    exif = kept.getexif()
    assert exif.get_ifd(GPS_IFD) == {}
    assert dict(exif) == {}  # no make, no orientation, no GPS pointer: nothing at all
    assert b"Harbour Phone" not in uploads.path_of(stored.key).read_bytes()
    assert kept.size == (200, 400)  # the turn it asked for is now in the pixels


def test_a_large_photo_is_scaled_down_to_its_longest_edge(app, ctx, monkeypatch):
    assert app.config["BUTLER_UPLOAD_MAX_EDGE"] == 2048  # unless the operator says otherwise
    monkeypatch.setitem(app.config, "BUTLER_UPLOAD_MAX_EDGE", 256)  # a smaller photo is quicker
    for pillow_format in ("PNG", "JPEG"):
        stored = uploads.save(upload(photo((768, 384), pillow_format)), plugin="events")
        assert opened(uploads.path_of(stored.key).read_bytes()).size == (256, 128)


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_kept(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "BUTLER_UPLOAD_MAX_PIXELS", 100_000)
    before = kept_files()
    with pytest.raises(uploads.Refused, match="too many pixels: at most 0.1 million"):
        uploads.save(upload(photo((400, 300))), plugin="events")
    assert kept_files() == before


def test_a_script_named_like_a_photo_is_refused(ctx):
    with pytest.raises(uploads.Refused, match="JPEG, PNG or WebP"):
        uploads.save(upload(b"<script>alert(1)</script>", "photo.jpg"), plugin="events")


def test_a_file_that_only_starts_like_a_photo_is_refused(ctx):
    pretend = b"\xff\xd8\xff\xe0" + b"<?php system($_GET['c']); ?>" * 4
    cut_off = photo((400, 300))[:300]
    before = kept_files()
    for data in (pretend, cut_off):
        with pytest.raises(uploads.Refused, match="could not be read as a photo"):
            uploads.save(upload(data), plugin="events")
    assert kept_files() == before


def test_an_empty_or_missing_file_is_refused(ctx):
    with pytest.raises(uploads.Refused, match="empty"):
        uploads.save(upload(b""), plugin="events")
    with pytest.raises(uploads.Refused, match="Choose a photo"):
        uploads.save(None, plugin="events")


def test_a_photo_over_the_limit_is_refused(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "BUTLER_UPLOAD_MAX_BYTES", 1024 * 1024)
    before = kept_files()
    with pytest.raises(uploads.Refused, match="larger than 1 MB"):
        uploads.save(upload(photo() + b"\x00" * 1024 * 1024), plugin="events")
    assert kept_files() == before


@pytest.mark.parametrize("key", ["../secret_key", "events/../../x.jpg", "events/abc.jpg", ""])
def test_a_key_that_save_could_not_have_made_is_not_found(app, key):
    with app.test_request_context(), pytest.raises(NotFound):
        uploads.send(key)


class Shelf:
    """A store shared by several servers, as far as the application can tell."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        assert key not in self.files
        self.files[key] = data

    def get(self, key: str) -> bytes | None:
        return self.files.get(key)

    def delete(self, key: str) -> None:
        self.files.pop(key, None)


def test_photos_go_to_the_configured_store_and_come_back_from_it(app, ctx, monkeypatch):
    shelf = Shelf()
    monkeypatch.setitem(app.config, "BUTLER_UPLOAD_STORAGE", shelf)

    stored = uploads.save(upload(photo()), plugin="maintenance")

    assert list(shelf.files) == [stored.key]
    assert not uploads.path_of(stored.key).exists()  # nothing in the local folder
    assert uploads.send(stored.key).get_data() == shelf.files[stored.key]
    uploads.delete(stored.key)
    assert shelf.files == {}
