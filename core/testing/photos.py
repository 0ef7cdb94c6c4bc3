"""Real, small photos for tests that upload one (``core.uploads`` decodes every photo)."""

from __future__ import annotations

import io

from PIL import Image


def tiny_png(colour: tuple[int, int, int, int] = (200, 40, 40, 255)) -> bytes:
    """A PNG of 2 by 2 pixels of ``colour``: a photo of a leaking tap, as far as tests go."""
    buffer = io.BytesIO()
    Image.new("RGBA", (2, 2), colour).save(buffer, "PNG")
    return buffer.getvalue()


def same_picture(served: bytes, uploaded: bytes) -> bool:
    """Whether two image files show the same pixels (a kept photo is encoded again, so its
    bytes differ from what was uploaded)."""
    first, second = (Image.open(io.BytesIO(data)).convert("RGBA") for data in (served, uploaded))
    return first.size == second.size and first.tobytes() == second.tobytes()
