"""The pages at a real department's size: the demo database (three years of apprentices, closed juries,
repeaters, ABS/EXC/ATT) audited with axe-core, so that long tables and every decision code are checked,
not only the two students of the test world."""

from __future__ import annotations

from playwright.sync_api import expect


def demo_paths() -> list[tuple[str, str, str]]:
    from delibe.web.models import Enrolment, Evaluation, SemesterRun, TeachingAssignment

    def run(label: str, semestre: int) -> SemesterRun:
        return SemesterRun.objects.get(academic_year__label=label, semestre=semestre)

    current_s2, current_s4, past_s2 = run("2023-2024", 2), run("2023-2024", 4), run("2022-2023", 2)
    repeater = Enrolment.objects.filter(redoublant=True).select_related("student").first()
    assert repeater is not None, "the demo has no repeater any more: choose another rich student page"
    taught = TeachingAssignment.objects.filter(user__username="enseignant", semester__semestre=1,
                                               semester__academic_year__label="2023-2024").first()
    evaluation = Evaluation.objects.filter(semester=taught.semester, module_code=taught.module_code).first()
    return [
        ("jury de BUT1 en cours", "president", f"/semestres/{current_s2.pk}/jury/"),
        ("jury clos de l'an passé", "president", f"/semestres/{past_s2.pk}/jury/"),
        ("tableau de bord de S4", "scolarite", f"/semestres/{current_s4.pk}/"),
        ("liste des étudiants", "scolarite", "/etudiants/"),
        ("cursus d'un redoublant", "scolarite", f"/etudiants/{repeater.student_id}/"),
        ("grille de l'enseignant", "enseignant", f"/evaluations/{evaluation.pk}/saisie/"),
        ("mes résultats sur deux ans", "etudiant", "/mes-resultats/"),
    ]


def test_the_demo_pages_at_a_department_size_have_no_serious_accessibility_violation(open_demo_as, axe):
    """Only the pages whose size or variety the world lacks (the others are audited in
    test_accessibilite.py): an axe run costs about a second on a 2,000-element page."""
    pages: dict[str, object] = {}
    found = {}
    for name, role, path in demo_paths():
        if role not in pages:
            pages[role] = open_demo_as(role)
        page = pages[role]
        response = page.goto(path)
        if not response.ok:
            found[name] = f"HTTP {response.status}"
            continue
        violations = axe(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_the_demo_jury_table_lists_every_student_of_the_year(open_demo_as):
    from delibe.web.models import Enrolment, SemesterRun

    run = SemesterRun.objects.get(academic_year__label="2023-2024", semestre=2)
    enrolled = Enrolment.objects.filter(semester=run).count()
    assert enrolled > 20
    page = open_demo_as("president")
    page.goto(f"/semestres/{run.pk}/jury/")
    expect(page.locator("#table-jury tbody tr[id^=jury-]")).to_have_count(enrolled)
    expect(page.locator("#table-jury caption")).to_have_text(f"{enrolled} étudiants")
