"""Posting one SMS to the gateway: JSON over HTTP(S), tried again on 5xx and timeouts.

A 2xx answer is delivery. A 4xx answer is the gateway refusing this message (a number it
does not know, a text it will not take): ``DeliveryRefused`` carries its reason to the
outbox, which marks the message failed and leaves it to a person. A 5xx answer, a timeout
or a refused connection is tried again after ``backoff`` seconds, doubled each time, up
to ``tries`` times; then ``GatewayUnavailable`` hands the message back to the outbox's
own retries. Every try carries the same ``Idempotency-Key``, so a gateway that had the
message already does not send it twice.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

from core.plugins.api import DeliveryRefused
from sms_gateway import labels, settings

ANSWER_SHOWN = 300  # characters of the gateway's answer kept with a refusal


class GatewayUnavailable(RuntimeError):
    """The gateway did not take the message after every try; the outbox tries later."""


def held(_site_id: int) -> str | None:
    """Why SMS wait on a site where the plugin is on: the gateway is not (well) configured."""
    try:
        config = settings.current()
    except ValueError as error:
        return str(error)
    return None if config.complete else str(labels.NOT_SET)


def payload(message) -> dict:
    """What the gateway is sent for ``message``."""
    return {
        "to": message.recipient,
        "text": message.body,
        "from": settings.current().sender,
        "reference": f"butler-{message.site_id}-{message.id}",
    }


def deliver(message) -> None:
    """Post ``message`` to the gateway; raise when it is not taken (see the module)."""
    config = settings.current()
    body = json.dumps(payload(message)).encode()
    problem = ""
    for attempt in range(config.tries):
        if attempt:
            time.sleep(config.backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(
            config.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {config.api_key}",
                "Idempotency-Key": f"butler-outbox-{message.id}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=config.timeout):
                return
        except urllib.error.HTTPError as error:
            answer = error.read(ANSWER_SHOWN).decode("utf-8", "replace").strip()
            error.close()
            if error.code < 500:
                raise DeliveryRefused(
                    f"the SMS gateway refused the message (HTTP {error.code}): {answer}"
                ) from None
            problem = f"HTTP {error.code}: {answer}"
        except TimeoutError:
            problem = f"no answer within {config.timeout:g} s"
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                problem = f"no answer within {config.timeout:g} s"
            else:
                problem = f"cannot reach {config.host}: {error.reason}"
    raise GatewayUnavailable(
        f"the SMS gateway did not take the message after {config.tries} tries ({problem})"
    )
