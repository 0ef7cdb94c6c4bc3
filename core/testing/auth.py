"""Logging in as a user in tests: ``login(client, username)`` and the ``auth`` fixture."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from core.testing.factories import PASSWORD


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Log ``username`` in through the login form; returns the response."""
    return client.post("/login", data={"username": username, "password": password})


class Auth:
    """``auth.login(username)`` / ``auth.logout()`` on the test's ``client``."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        """Log in through the login form; a wrong password answers as the form does."""
        return login(self.client, username, password)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)
