"""Drawn signatures: the PNG a signature pad sends (``static/js/signature.js``), checked
before it is kept, and a small one for demo rows and tests.

The pad fills a hidden field with a PNG data URL; the canvas stays transparent where
nothing was drawn, so a signature is a PNG with at least one pixel that is not
transparent black."""

from __future__ import annotations

import base64
import binascii
import struct
import zlib

PREFIX = "data:image/png;base64,"
MAX_BYTES = 200_000


class Unsigned(ValueError):
    """No signature, or one that cannot be read: ``unreadable`` tells which."""

    def __init__(self, unreadable: bool) -> None:
        super().__init__("unreadable signature" if unreadable else "no signature")
        self.unreadable = unreadable


def png_of(data_url: str) -> bytes:
    """The PNG bytes of ``data_url``; raises :class:`Unsigned` without ink or when unreadable."""
    if not data_url or not data_url.startswith(PREFIX):
        raise Unsigned(False)
    try:
        data = base64.b64decode(data_url[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise Unsigned(True) from None
    if len(data) > MAX_BYTES:
        raise Unsigned(True)
    if not has_ink(data):
        raise Unsigned(False)
    return data


def has_ink(data: bytes) -> bool:
    """True for an 8-bit RGBA PNG (what a canvas gives) with a pixel that is not fully
    transparent black. Filtered rows of an all-zero image are all zero, so the raw stream
    tells without unfiltering."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 33 or data[12:16] != b"IHDR":
        return False
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    if depth != 8 or colour != 6 or not (20 <= width <= 4000 and 10 <= height <= 4000):
        return False
    chunks, at = [], 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    try:
        raw = zlib.decompressobj().decompress(b"".join(chunks), (width * 4 + 1) * height + 1)
    except zlib.error:
        return False
    stride = width * 4 + 1
    if len(raw) < stride * height:
        return False
    return any(raw[row * stride + 1 : (row + 1) * stride].strip(b"\x00") for row in range(height))


def sample_png(width: int = 120, height: int = 40) -> bytes:
    """A small RGBA PNG with one black stroke across it: a signature for demos and tests."""
    rows = []
    for y in range(height):
        row = bytearray(width * 4)
        if y == height // 2:
            row[40 : (width - 10) * 4] = b"\x00\x00\x00\xff" * (width - 20)
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def data_url(png: bytes) -> str:
    """``png`` as the data URL a signature pad sends."""
    return PREFIX + base64.b64encode(png).decode()
