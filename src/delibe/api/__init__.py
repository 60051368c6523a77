"""The REST API of Délibé (django-ninja), mounted at ``/api/``: OpenAPI at ``/api/openapi.json``, its
pages at ``/api/docs``, resources under ``/api/v1/``. See docs/api.md.

Same permissions as the web (``delibe.web.permissions``), same services for every write (the audit trail
records the channel « api »), every error a JSON ``{"detail": "<message en français>"}``.
"""
