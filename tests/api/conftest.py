"""Fixtures of the API tests: the web tests' world (one department with a BUT1, one account per role, a
second department that must stay invisible) and a client that sends a bearer token of a given user."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, World, grade_whole_year, world  # noqa: F401 (fixtures reused)

__all__ = ["PASSWORD", "World", "grade_whole_year"]


class ApiClient:
    """The Django test client with ``Authorization: Bearer <token>`` on every request."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **self.headers, **kw)

    def _send(self, method: str, url: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(url, data=data, content_type="application/json", **self.headers)

    def put(self, url: str, body: Any) -> Any:
        return self._send("put", url, body)

    def post(self, url: str, body: Any = None) -> Any:
        return self._send("post", url, {} if body is None else body)


@pytest.fixture
def api(client, world):  # noqa: F811 (the fixture imported above, by name)
    """``api("scolarite")``: a client authenticated with a fresh token of that user of the world."""
    from delibe.api.tokens import create_token

    def as_(username: str) -> ApiClient:
        if username == "anonyme":
            return ApiClient(client, None)
        _, token = create_token(username=username, name="tests")
        return ApiClient(client, token)

    return as_
