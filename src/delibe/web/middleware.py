"""Middleware of the web application's own (the security and audit ones are in ``web.audit.middleware``)."""

from __future__ import annotations

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
