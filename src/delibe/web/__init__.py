"""The Django application around the engine: persistence, services, selectors, pages, API."""
