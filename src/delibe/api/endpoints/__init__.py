"""The routers of ``/api/v1``: thin like the web's views — a permission of ``delibe.web.permissions``, a
selector or a service of ``delibe.web``, a schema of ``delibe.api.schemas``."""
