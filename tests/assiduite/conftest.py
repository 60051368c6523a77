from tests.web.conftest import World, login, world  # noqa: F401  (shared fixtures of the web tests)
