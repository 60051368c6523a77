"""Every page a staff member uses daily, on a phone (320 px), a tablet (768 px) and a laptop (1,366 px): no
horizontal scrolling of the page (a wide table scrolls inside its own frame with its first column in place,
forms stack), axe-core clean at each width, a screenshot of each kept for review (DELIBE_SCREENSHOTS=dir
keeps them; otherwise pytest's tmp_path). The check is the students' one (test_mobile_etudiant.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.test_mobile_etudiant import check_widths, shots_dir
from tests.web.conftest import grade_whole_year, move_to_group


def taught(world):
    """The evaluation of R1.01 in S1 (taught by « enseignant »), as grade_whole_year made it."""
    return world.s1.evaluations.filter(module_code="R1.01").first()


# Each page: its name, the role that uses it, its path in the world (tests/web/conftest.py).
STAFF_PAGES = (
    ("accueil", "scolarite", lambda w: "/"),
    ("accueil-enseignant", "enseignant", lambda w: "/"),
    ("liste-etudiants", "scolarite", lambda w: "/etudiants/?q=a"),
    ("fiche-etudiant", "scolarite", lambda w: f"/etudiants/{w.alice.pk}/"),
    ("gerer-etudiant", "scolarite", lambda w: f"/etudiants/{w.bruno.pk}/gerer/"),
    ("tableau-de-bord-semestre", "scolarite", lambda w: f"/semestres/{w.s1.pk}/"),
    ("grille-de-saisie", "enseignant", lambda w: f"/evaluations/{taught(w).pk}/saisie/"),
    ("nouvelle-evaluation", "enseignant", lambda w: f"/semestres/{w.s1.pk}/evaluations/nouvelle/"),
    ("modifier-evaluation", "enseignant", lambda w: f"/evaluations/{taught(w).pk}/modifier/"),
    ("import-feuille", "enseignant", lambda w: f"/evaluations/{taught(w).pk}/import/"),
    ("jury-annee", "president", lambda w: f"/semestres/{w.s2.pk}/jury/"),
    ("decisions-etudiant", "president", lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/"),
    ("cloture-jury", "president", lambda w: f"/semestres/{w.s2.pk}/jury/cloture/"),
    ("recapitulatif", "president", lambda w: f"/semestres/{w.s2.pk}/recapitulatif/"),
    ("appel", "enseignant", lambda w: f"/assiduite/semestres/{w.s1.pk}/appel/?groupe=A&module=R1.01"
                                      "&date=2023-10-10&creneau=matin"),
    ("justificatifs", "scolarite", lambda w: "/assiduite/justificatifs/"),
    ("documents-semestre", "scolarite", lambda w: f"/documents/semestres/{w.s2.pk}/"),
    ("groupes", "scolarite", lambda w: f"/semestres/{w.s1.pk}/groupes/"),
    ("personnes", "admin", lambda w: "/personnes/"),
    ("une-personne", "scolarite", lambda w: f"/personnes/{w.users['enseignant'].pk}/"),
    ("enseignements", "responsable", lambda w: f"/semestres/{w.s1.pk}/enseignements/"),
    ("reglages", "scolarite", lambda w: f"/departements/{w.department.pk}/reglages/"),
    # used less often, checked the same way
    ("statistiques", "president", lambda w: f"/semestres/{w.s2.pk}/statistiques/"),
    ("cohortes", "president", lambda w: f"/departements/{w.department.pk}/cohortes/"),
    ("publication", "responsable", lambda w: f"/semestres/{w.s1.pk}/publication/"),
    ("journal-semestre", "president", lambda w: f"/journal/semestres/{w.s1.pk}/"),
    ("journal-etudiant", "scolarite", lambda w: f"/journal/etudiants/{w.alice.pk}/"),
    ("import-absences", "scolarite", lambda w: f"/assiduite/semestres/{w.s1.pk}/import/"),
    ("import-etudiants", "scolarite", lambda w: f"/semestres/{w.s1.pk}/etudiants/import/"),
    ("annees", "scolarite", lambda w: f"/departements/{w.department.pk}/annees/"),
    ("demissions", "scolarite", lambda w: f"/semestres/{w.s1.pk}/demissions/"),
)


@pytest.fixture
def staff_world(world):
    """A year graded and an absence recorded: the tables have rows, the dashboards have numbers."""
    from delibe.web.assiduite.services import record_group

    grade_whole_year(world, alice_average=11.5, bruno_average=9)
    record_group(world.users["enseignant"], world.s1, move_to_group(world.s1, world.alice, "A"),
                 dt.date(2023, 10, 10), "matin", "R1.01", absents=[world.alice.pk], retards=[])
    return world


@pytest.mark.parametrize("name, role, path", STAFF_PAGES, ids=[p[0] for p in STAFF_PAGES])
def test_every_staff_page_fits_a_phone_a_tablet_and_a_laptop_and_passes_axe(
        staff_world, open_as, axe, tmp_path, name, role, path):
    page = open_as(role)
    problems = check_widths(page, path(staff_world), name, axe, shots_dir(tmp_path))
    assert not problems, "\n".join(problems)


STICKY = """() => {
  const th = document.querySelector('main table tbody th:first-child');
  let frame = th.parentElement;
  while (frame && !['auto', 'scroll'].includes(getComputedStyle(frame).overflowX)) frame = frame.parentElement;
  const before = th.getBoundingClientRect().left;
  frame.scrollLeft = 300;
  return {scrolled: frame.scrollLeft, before: before, after: th.getBoundingClientRect().left};
}"""


def test_on_a_phone_a_wide_staff_table_scrolls_in_its_frame_and_keeps_the_names_in_place(staff_world, open_as):
    page = open_as("president")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"/semestres/{staff_world.s2.pk}/recapitulatif/")
    moved = page.evaluate(STICKY)
    assert moved["scrolled"] > 0, moved  # the table is wider than the phone: its frame scrolls
    assert abs(moved["after"] - moved["before"]) < 2, moved  # and the names stay where they were


def test_on_a_phone_the_jury_decisions_of_a_student_are_cards_with_every_field_in_view(staff_world, open_as):
    page = open_as("president")
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(f"/semestres/{staff_world.s2.pk}/jury/etudiants/{staff_world.bruno.pk}/")
    for field in ("code-annee-", "motif-annee-"):
        control = page.locator(f"[id^='{field}']").first
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (field, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
