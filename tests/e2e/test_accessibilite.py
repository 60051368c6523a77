"""Accessibility of every main page, in the state a user sees it (errors shown, preview open, reasons
expanded): axe-core finds no serious or critical violation of the WCAG 2.1 A/AA rules; every page is in
French, starts with a skip link to the main content, and shows where the keyboard focus is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.test_import_xlsx import download_sheet, fill
from tests.web.conftest import grade_whole_year


@pytest.fixture
def full_world(world):
    """The world with something on every page: a whole graded year, grades entered by the teacher (the
    journal), absences, a justification waiting for the secretariat."""
    from delibe.web.assiduite.services import record_group, submit_justification
    from delibe.web.services.grades import save_grade

    grade_whole_year(world, alice_average=12, bruno_average=9)
    world.taught = world.s1.evaluations.get(module_code="R1.01")
    teacher = world.users["enseignant"]
    save_grade(user=teacher, evaluation=world.taught, student_id=world.alice.pk, raw="13", expected_version=1)
    save_grade(user=teacher, evaluation=world.taught, student_id=world.bruno.pk, raw="ABS", expected_version=1)
    record_group(teacher, world.s1, "A", dt.date(2023, 10, 10), "matin", "R1.01", absents=[world.alice.pk],
                 retards=[world.bruno.pk])
    submit_justification(world.users["etudiant"], world.alice, dt.date(2023, 10, 10), dt.date(2023, 10, 10),
                         "Rendez-vous médical")
    return world


def lock(world) -> None:
    from tests.web.conftest import close_jury

    close_jury(world, world.s2)


def grid_with_error(page, world, tmp_path) -> None:
    page.locator(f"#note-{world.alice.pk}").fill("25")
    page.keyboard.press("Enter")
    expect(page.locator(f"#etat-{world.alice.pk}")).to_contain_text("hors de l'échelle")


def grid_in_conflict(page, world, tmp_path) -> None:
    """A colleague changed Alice's grade after the page was loaded: the cell shows the choice."""
    from delibe.web.models import Grade
    from delibe.web.services.grades import save_grade

    version = Grade.objects.get(evaluation=world.taught, student=world.alice).version
    save_grade(user=world.users["responsable"], evaluation=world.taught, student_id=world.alice.pk, raw="17",
               expected_version=version)
    page.locator(f"#note-{world.alice.pk}").fill("9")
    page.keyboard.press("Enter")
    expect(page.locator(f"#remplacer-{world.alice.pk}")).to_be_visible()


def import_preview(page, world, tmp_path) -> None:
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    upload_filled(page, fill(download_sheet(page, tmp_path), {str(world.alice.pk): "15,5"}))
    expect(page.locator("#confirmer-import")).to_be_visible()


def import_errors(page, world, tmp_path) -> None:
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    upload_filled(page, fill(download_sheet(page, tmp_path), {str(world.alice.pk): 25}))
    expect(page.locator("#erreurs-import")).to_be_visible()


def upload_filled(page, path) -> None:
    page.goto(page.url.replace("/saisie/", "/import/"))
    page.locator("#form-import input[type=file]").set_input_files(path)
    page.locator("#form-import button[type=submit]").click()


def evaluation_errors(page, world, tmp_path) -> None:
    page.get_by_label("Note maximale").fill("0")
    page.get_by_label("Coefficient").fill("beaucoup")
    page.locator("#form-evaluation button[type=submit]").click()
    expect(page.locator("#form-evaluation .error").first).to_be_visible()


def reasons_open(page, world, tmp_path) -> None:
    page.locator(f"#jury-{world.bruno.pk} details.row-reasons summary").click()
    expect(page.locator(f"#jury-{world.bruno.pk} dl.reasons-list")).to_be_visible()


def decision_refused(page, world, tmp_path) -> None:
    page.locator("select[id^='code-annee-']").select_option("ADJ")
    page.locator("#enregistrer-decisions").click()
    expect(page.locator("#erreurs-jury")).to_be_visible()


def wrong_password(page, world, tmp_path) -> None:
    page.get_by_label("Identifiant").fill("scolarite")
    page.get_by_label("Mot de passe").fill("faux")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()


def year_refused(page, world, tmp_path) -> None:
    page.locator("#annee").fill("2023-2024")  # S1 2023-2024 exists: refused, the form shown again
    page.get_by_label("Ouvrir le semestre 1").check()
    page.locator("#creer-semestres").click()
    expect(page.locator("#erreur-creation")).to_be_visible()


@dataclass(frozen=True)
class Screen:
    name: str
    role: str
    path: Callable[[object], str]
    then: Callable | None = None
    locked: bool = False


SCREENS = [
    Screen("connexion", "anonyme", lambda w: "/connexion/"),
    Screen("connexion refusée", "anonyme", lambda w: "/connexion/", wrong_password),
    Screen("accueil administrateur", "admin", lambda w: "/"),
    Screen("accueil scolarité", "scolarite", lambda w: "/"),
    Screen("accueil responsable", "responsable", lambda w: "/"),
    Screen("accueil enseignant", "enseignant", lambda w: "/"),
    Screen("accueil président", "president", lambda w: "/"),
    Screen("formation", "responsable", lambda w: f"/formations/{w.version.pk}/"),
    Screen("tableau de bord du semestre", "scolarite", lambda w: f"/semestres/{w.s1.pk}/"),
    Screen("tableau de bord enseignant", "enseignant", lambda w: f"/semestres/{w.s1.pk}/"),
    Screen("création d'évaluation", "enseignant", lambda w: f"/semestres/{w.s1.pk}/evaluations/nouvelle/"),
    Screen("création d'évaluation refusée", "enseignant", lambda w: f"/semestres/{w.s1.pk}/evaluations/nouvelle/",
           evaluation_errors),
    Screen("grille de saisie", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/saisie/"),
    Screen("modification d'évaluation", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/modifier/"),
    Screen("suppression d'évaluation", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/supprimer/"),
    Screen("grille avec une erreur", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/saisie/", grid_with_error),
    Screen("grille avec un conflit", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/saisie/",
           grid_in_conflict),
    Screen("grille verrouillée", "scolarite", lambda w: f"/evaluations/{w.s2.evaluations.first().pk}/saisie/",
           locked=True),
    Screen("import de feuille", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/import/"),
    Screen("aperçu d'import", "enseignant", lambda w: "/", import_preview),
    Screen("import refusé", "enseignant", lambda w: "/", import_errors),
    Screen("jury d'année", "president", lambda w: f"/semestres/{w.s2.pk}/jury/"),
    Screen("jury avec motifs ouverts", "president", lambda w: f"/semestres/{w.s2.pk}/jury/", reasons_open),
    Screen("publication aux étudiants", "responsable", lambda w: f"/semestres/{w.s1.pk}/publication/"),
    Screen("statistiques du semestre", "president", lambda w: f"/semestres/{w.s2.pk}/statistiques/"),
    Screen("suivi de cohorte", "president", lambda w: f"/departements/{w.department.pk}/cohortes/"),
    Screen("tableau récapitulatif", "president", lambda w: f"/semestres/{w.s2.pk}/recapitulatif/"),
    Screen("jury de semestre", "president", lambda w: f"/semestres/{w.s1.pk}/jury/"),
    Screen("clôture du jury (liste de contrôle)", "president", lambda w: f"/semestres/{w.s2.pk}/jury/cloture/"),
    Screen("jury clos", "president", lambda w: f"/semestres/{w.s2.pk}/jury/", locked=True),
    Screen("décisions d'un étudiant", "president", lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/"),
    Screen("décision refusée sans motif", "president",
           lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/", decision_refused),
    Screen("liste des étudiants", "scolarite", lambda w: "/etudiants/?q=a"),
    Screen("page d'un étudiant", "scolarite", lambda w: f"/etudiants/{w.alice.pk}/"),
    Screen("mes résultats", "etudiant", lambda w: "/mes-resultats/"),
    Screen("mes résultats après le jury", "etudiant", lambda w: "/mes-resultats/", locked=True),
    Screen("journal d'un étudiant", "scolarite", lambda w: f"/journal/etudiants/{w.alice.pk}/"),
    Screen("journal d'une évaluation", "enseignant", lambda w: f"/journal/evaluations/{w.taught.pk}/"),
    Screen("journal du semestre", "president", lambda w: f"/journal/semestres/{w.s2.pk}/", locked=True),
    Screen("réouverture du semestre", "president", lambda w: f"/journal/semestres/{w.s2.pk}/reouvrir/", locked=True),
    Screen("appel", "enseignant", lambda w: f"/assiduite/semestres/{w.s1.pk}/appel/?groupe=A&module=R1.01"
                                            "&date=2023-10-10&creneau=matin"),
    Screen("import d'absences", "scolarite", lambda w: f"/assiduite/semestres/{w.s1.pk}/import/"),
    Screen("justificatifs à valider", "scolarite", lambda w: "/assiduite/justificatifs/"),
    Screen("mon justificatif", "etudiant", lambda w: "/assiduite/mon-justificatif/"),
    # pages added by the documents and interop work: audited the same way
    Screen("documents du semestre", "scolarite", lambda w: f"/documents/semestres/{w.s2.pk}/"),
    Screen("bulletin d'un étudiant", "scolarite", lambda w: f"/documents/semestres/{w.s2.pk}/etudiants/{w.alice.pk}/bulletin/"),
    Screen("documents d'un étudiant", "scolarite", lambda w: f"/documents/etudiants/{w.alice.pk}/"),
    Screen("import d'étudiants", "scolarite", lambda w: f"/semestres/{w.s1.pk}/etudiants/import/"),
    Screen("export Apogée", "president", lambda w: f"/semestres/{w.s2.pk}/apogee/"),
    Screen("mes documents", "etudiant", lambda w: f"/documents/etudiants/{w.alice.pk}/", locked=True),
    # the academic year (issue 13): set-up, copy, archiving, passage
    Screen("années universitaires", "scolarite", lambda w: f"/departements/{w.department.pk}/annees/"),
    Screen("années universitaires, jurys clos", "responsable", lambda w: f"/departements/{w.department.pk}/annees/",
           locked=True),
    Screen("ouverture de semestres", "responsable", lambda w: f"/departements/{w.department.pk}/annees/nouvelle/"),
    Screen("ouverture refusée", "scolarite", lambda w: f"/departements/{w.department.pk}/annees/nouvelle/",
           year_refused),
    Screen("copie d'une année", "scolarite", lambda w: f"/departements/{w.department.pk}/annees/copie/"),
    Screen("aperçu du passage", "responsable", lambda w: f"/departements/{w.department.pk}/annees/2023-2024/passage/",
           locked=True),
    Screen("relevés des apprentis", "scolarite", lambda w: f"/assiduite/departements/{w.department.pk}/rapports/"
                                                          "?mois=2023-10"),
]


GROUPS = {
    "anonyme": [s for s in SCREENS if s.role == "anonyme"],
    **{role: [s for s in SCREENS if s.role == role and not s.locked]
       for role in ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant")},
    "jury clos": [s for s in SCREENS if s.locked],
}


def audit(page, screen: Screen, world, axe, tmp_path) -> list[dict] | str:
    response = page.goto(screen.path(world))
    if not response.ok:
        return f"HTTP {response.status}"
    if screen.then is not None:
        screen.then(page, world, tmp_path)
    title = page.title()
    if page.locator("html").get_attribute("lang") != "fr" or not title.endswith("— Délibé") or "<" in title:
        return f"lang={page.locator('html').get_attribute('lang')!r}, title={title!r}"
    return axe(page) or broken_references(page)


BROKEN_REFERENCES = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')) {
    const ids = el.tagName === 'LABEL' ? [el.htmlFor]
      : ((el.getAttribute('aria-describedby') || '') + ' ' + (el.getAttribute('aria-labelledby') || '')).split(/\\s+/);
    for (const id of ids.filter(Boolean)) if (!document.getElementById(id)) out.push(el.outerHTML.slice(0, 120));
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (id && !document.getElementById(id)) out.push(a.outerHTML.slice(0, 120));
  }
  return out;
}"""


def broken_references(page) -> list[str]:
    """Elements whose label or description points at an id absent from the page (axe only lists these as
    « needs review »: the help text or label is then never read out), and in-page links leading nowhere
    (the skip link, the links from an error summary to its fields)."""
    return page.evaluate(BROKEN_REFERENCES)


@pytest.mark.parametrize("group", list(GROUPS))
def test_no_page_of_the_group_has_a_serious_accessibility_violation(full_world, open_as, axe, group, tmp_path):
    """One world per group of pages (one per role, and the pages after the jury closed): each page is
    audited in turn, and the failure lists every page with its violations."""
    if group == "jury clos":
        lock(full_world)
    pages: dict[str, object] = {}
    found = {}
    for screen in GROUPS[group]:
        if screen.role not in pages:
            pages[screen.role] = open_as(screen.role)
        result = audit(pages[screen.role], screen, full_world, axe, tmp_path)
        if result:
            found[screen.name] = result
    assert found == {}


def test_every_screen_belongs_to_an_audited_group():
    assert sorted(s.name for g in GROUPS.values() for s in g) == sorted(s.name for s in SCREENS)


def test_the_first_tab_reaches_a_skip_link_that_moves_the_focus_to_the_content(world, open_as):
    page = open_as("enseignant")
    page.goto(f"/evaluations/{world.taught.pk}/saisie/")
    skip = page.locator("a.skip-link")
    expect(skip).not_to_be_in_viewport()  # hidden until used
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, not the header's links
    assert page.evaluate("document.activeElement.closest('main') !== null")


FOCUS_STYLE = """el => { const s = getComputedStyle(el);
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? s.outlineWidth : '',
          shadow: s.boxShadow !== 'none' ? s.boxShadow : ''}; }"""


@pytest.mark.parametrize("kind, path, selector", [
    ("lien", lambda w: "/", "main a"),
    ("bouton", lambda w: "/", "header button"),
    ("case de la grille", lambda w: f"/evaluations/{w.taught.pk}/saisie/", "#grille input.note"),
    ("liste de choix", lambda w: f"/assiduite/semestres/{w.s1.pk}/appel/", "main select"),
    ("case à cocher", lambda w: f"/assiduite/semestres/{w.s1.pk}/appel/?groupe=A", "main input[type=checkbox]"),
], ids=["lien", "bouton", "case de la grille", "liste de choix", "case à cocher"])
def test_the_keyboard_focus_is_visible_on_every_kind_of_control(world, open_as, kind, path, selector):
    page = open_as("enseignant")
    page.goto(path(world))
    target = page.locator(selector).first
    target_id = target.evaluate("el => { el.dataset.cible = '1'; return true; }")
    assert target_id
    for _ in range(60):  # with the keyboard, so that :focus-visible applies
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.cible === '1'"):
            break
    else:
        raise AssertionError(f"{kind} not reachable with Tab")
    style = target.evaluate(FOCUS_STYLE)
    assert style["outline"] or style["shadow"], f"{kind}: no visible focus indicator ({style})"


def test_every_form_control_of_the_main_forms_has_a_label(world, open_as):
    """axe checks the label rule too; this says it in the project's words for the forms users fill most."""
    page = open_as("enseignant")
    for path in (f"/semestres/{world.s1.pk}/evaluations/nouvelle/", f"/evaluations/{world.taught.pk}/saisie/",
                 f"/evaluations/{world.taught.pk}/import/"):
        page.goto(path)
        controls = page.locator("main input:not([type=hidden]), main select, main textarea")
        assert controls.count() > 0, path
        for i in range(controls.count()):
            name = controls.nth(i).evaluate("el => el.labels.length ? el.labels[0].innerText :"
                                            " (el.getAttribute('aria-labelledby') || '')")
            assert name.strip(), f"{path}: unlabelled {controls.nth(i).evaluate('el => el.outerHTML')}"


def test_the_reference_check_finds_descriptions_labels_and_links_pointing_nowhere(page):
    page.set_content('<html lang="fr"><body><a href="#contenu">aller</a><main id="contenu">'
                     '<input aria-describedby="contenu aide"><label for="absent">x</label>'
                     '<a href="#ailleurs">lien</a></main></body></html>')
    assert broken_references(page) == ['<input aria-describedby="contenu aide">', '<label for="absent">x</label>',
                                       '<a href="#ailleurs">lien</a>']
