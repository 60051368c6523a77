"""Middleware of the web application's own (the security and audit ones are in ``web.audit.middleware``)."""

from __future__ import annotations

import gc
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from delibe.web.services.calcul import one_reading

READING_METHODS = frozenset({"GET", "HEAD"})


class OneReadingMiddleware:
    """A GET request reads each semester's averages once (``services.calcul.one_reading``): a page that
    shows the jury table and the recap's module averages, or the checklist, computes them once. Requests
    that write (POST…) are left alone: they must see what they wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READING_METHODS:
            return self.get_response(request)
        with one_reading():
            return self.get_response(request)


class CollectorPauseMiddleware:
    """No cyclic garbage collection while a request is served. A jury page allocates hundreds of
    thousands of objects; a collection falling in the middle of it scans those still alive (a
    second-generation one: 255 ms in one request of the 600-student jury, measured). Paused, the request's
    objects are freed by their reference counts when it ends, and the collector, enabled again, collects
    the cycles between requests (issue 19, item 7: 6 % of the CPU of the jury pages, docs/benchmarks.md).
    With several threads, the first request in pauses and the first one out enables again: the collector
    is never left off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self.get_response(request)
        finally:
            if was_enabled:
                gc.enable()
