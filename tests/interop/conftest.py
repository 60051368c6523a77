"""Interop tests reuse the web world: one MMI department, a 2023-2024 BUT1 (S1, S2), two students."""

from tests.web.conftest import PASSWORD, World, grade_whole_year, login, world  # noqa: F401 (fixtures of the web tests, used by name)
