"""The trust tests reuse the web tests' world (one department with two students, a second department
whose objects must stay invisible, one account per role)."""

from tests.web.conftest import PASSWORD, World, grade_whole_year, login, world  # noqa: F401 (fixtures of the web tests, used by name)
