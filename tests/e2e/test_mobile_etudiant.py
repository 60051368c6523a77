"""Every page a student opens, on a phone (320 px), a tablet (768 px) and a laptop (1,366 px): no
horizontal scrolling of the page (a wide table scrolls inside its own frame), axe-core clean at each width,
a screenshot of each kept for review (DELIBE_SCREENSHOTS=dir keeps them; otherwise pytest's tmp_path)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.web.conftest import close_jury, grade_whole_year, move_to_group

WIDTHS = (320, 768, 1366)

# Each student page: its name, its path in the world (tests/web/conftest.py).
STUDENT_PAGES = (
    ("accueil", lambda w: "/"),
    ("mes-resultats", lambda w: "/mes-resultats/"),
    ("glossaire", lambda w: "/glossaire/"),
    ("choix-de-delibe", lambda w: "/aide/choix/"),
    ("mes-documents", lambda w: f"/documents/etudiants/{w.alice.pk}/"),
    ("bulletin-s1", lambda w: f"/documents/semestres/{w.s1.pk}/etudiants/{w.alice.pk}/bulletin/"),
    ("bulletin-s2", lambda w: f"/documents/semestres/{w.s2.pk}/etudiants/{w.alice.pk}/bulletin/"),
    ("mon-justificatif", lambda w: "/assiduite/mon-justificatif/"),
)

# The page scrolls sideways when the document is wider than the window. The elements that stick out
# are named in the failure, skipping those inside a frame that scrolls on its own (a wide table's frame).
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p); if (['auto', 'scroll', 'hidden'].includes(s.overflowX) && p !== document.body
      && p !== document.documentElement) return true; } return false; };
  const out = [document.documentElement.scrollWidth + ' > ' + width];
  for (const el of document.querySelectorAll('main *, header *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && !scrolls(el)) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')
        + ' ' + Math.round(r.right));
    if (out.length > 8) break;
  }
  return out;
}"""


def overflow(page) -> list[str]:
    return page.evaluate(OVERFLOW)


def shots_dir(tmp_path: Path) -> Path:
    where = Path(os.environ.get("DELIBE_SCREENSHOTS", tmp_path))
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.fixture
def student_world(world):
    """A year graded, absences recorded, the jury closed: every part of the student pages has content."""
    from delibe.web.assiduite.services import record_group

    grade_whole_year(world, alice_average=11.5, bruno_average=9)
    record_group(world.users["enseignant"], world.s1, move_to_group(world.s1, world.alice, "A"),
                 dt.date(2023, 10, 10), "matin", "R1.01",
                 absents=[world.alice.pk], retards=[])
    close_jury(world, world.s2)
    return world


def check_widths(page, path: str, name: str, axe, where: Path) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
        page.screenshot(path=str(where / f"{name}-{width}.png"), full_page=True)
        if sticking := overflow(page):
            problems.append(f"{name} at {width} px overflows: {sticking}")
        if violations := axe(page):
            problems.append(f"{name} at {width} px, axe: {violations}")
    return problems


@pytest.mark.parametrize("name, path", STUDENT_PAGES, ids=[p[0] for p in STUDENT_PAGES])
def test_every_student_page_fits_a_phone_a_tablet_and_a_laptop_and_passes_axe(
        student_world, open_as, axe, tmp_path, name, path):
    page = open_as("etudiant")
    problems = check_widths(page, path(student_world), name, axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)


def test_the_student_home_before_the_jury_fits_a_phone_and_passes_axe(world, open_as, axe, tmp_path):
    grade_whole_year(world, alice_average=9, bruno_average=12)
    page = open_as("etudiant")
    problems = check_widths(page, "/", "accueil-avant-jury", axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/")
    assert page.get_by_text("Pas encore atteinte").count() == 5
