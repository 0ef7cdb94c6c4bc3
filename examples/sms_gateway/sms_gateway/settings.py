"""The gateway's settings: the application's config first, else the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    url: str
    api_key: str
    sender: str
    timeout: float
    tries: int
    backoff: float

    @property
    def complete(self) -> bool:
        return bool(self.url and self.api_key)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def _value(name: str, default: str = "") -> str:
    configured = current_app.config.get(name)
    if configured not in (None, ""):
        return str(configured).strip()
    return os.environ.get(name, default).strip()


def _number(name: str, default: float, kind: type = float):
    text = _value(name)
    try:
        number = kind(text) if text else default
    except ValueError as error:
        raise ValueError(f"{name} must be a number, not {text!r}") from error
    if number <= 0:
        raise ValueError(f"{name} must be above zero")
    return number


def current() -> Settings:
    """The settings in force; a plain-HTTP address other than this machine is refused."""
    url = _value("SMS_GATEWAY_URL")
    parts = urlsplit(url)
    if url and (
        parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS)
    ):
        raise ValueError("SMS_GATEWAY_URL must be an https:// address (http:// only locally)")
    return Settings(
        url=url,
        api_key=_value("SMS_GATEWAY_API_KEY"),
        sender=_value("SMS_GATEWAY_SENDER"),
        timeout=_number("SMS_GATEWAY_TIMEOUT", 10.0),
        tries=_number("SMS_GATEWAY_TRIES", 3, int),
        backoff=_number("SMS_GATEWAY_BACKOFF", 1.0),
    )
