"""The web application raises the garbage collector's first threshold (``delibe.web.apps``): a big page's
short-lived objects are freed by reference counting instead of triggering a full collection per request
(issue 19, item 7)."""

from __future__ import annotations

import gc


def test_the_collectors_first_threshold_is_raised_once_django_is_set_up(db):
    from delibe.web.apps import GC_THRESHOLD_0

    assert gc.isenabled()
    assert gc.get_threshold()[0] >= GC_THRESHOLD_0
