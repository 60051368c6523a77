"""Where a change comes from: the channel (web, API, import, CLI, demo) and the grade-entry session.

Set per request by ``AuditContextMiddleware``, per command by the CLI, or explicitly with ``using(...)``
(a spreadsheet import is its own session). Outside any of them a change is a command-line one."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    channel: str = "cli"
    session: str = ""


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("delibe_audit", default=AuditContext())  # noqa: B039 (the default is a frozen dataclass: sharing it is safe)


def current() -> AuditContext:
    return _current.get()


def new_session(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def using(channel: str | None = None, session: str | None = None) -> Iterator[AuditContext]:
    before = _current.get()
    context = AuditContext(channel or before.channel, before.session if session is None else session)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
