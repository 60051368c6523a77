"""The year's set-up and the passage in the browser (issue 13, items 1 and 6): the scolarité opens the BUT2
semesters of 2023-2024 from the formation, copies the year into 2024-2025 (teachers, evaluation plan without
grades, groups), then — the year jury having decided — passes the students into it: the preview lists
each one with their decision and destination, the confirmation enrols them all. axe on each new page, and
the pages hold at 320 px."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.web.test_annees import decide_year


def test_the_scolarite_opens_a_year_copies_it_and_passes_the_students_into_it(world, open_as, axe):
    from delibe.web.models import Enrolment, Evaluation, SemesterRun, TeachingAssignment

    w = world
    started = time.perf_counter()
    page = open_as("scolarite")
    page.goto("/")
    page.locator(f"#annees-{w.department.pk}").click()
    expect(page.locator("h1")).to_contain_text("Années universitaires")
    assert axe(page) == []

    # open S3 and S4 of 2023-2024 (BUT2) from the formation
    page.locator("#ouvrir-annee").click()
    expect(page.locator("h1")).to_have_text("Ouvrir des semestres")
    assert axe(page) == []
    page.locator("#annee").fill("2023-2024")
    page.locator("#modalite").select_option("FA")
    page.get_by_label("Ouvrir le semestre 3").check()
    page.locator("#s3_debut").fill("2023-09-04")
    page.locator("#s3_fin").fill("2024-01-19")
    page.locator("#s3_etape").fill("VMMI21")
    page.get_by_label("Ouvrir le semestre 4").check()
    page.locator("#creer-semestres").click()
    expect(page.locator(".messages")).to_contain_text("2 semestre(s) ouvert(s) en 2023-2024")
    s3 = SemesterRun.objects.get(academic_year__label="2023-2024", semestre=3)
    assert (s3.modalite, s3.etape_apogee) == ("apprentissage", "VMMI21")

    # copy 2023-2024 into 2024-2025
    page.locator("#copier-2023-2024").click()
    expect(page.locator("h1")).to_have_text("Copier une année")
    assert axe(page) == []
    page.locator("#copier").click()
    expect(page.locator(".messages")).to_contain_text("2023-2024 copiée vers 2024-2025 : 4 semestre(s)")
    next_s1 = SemesterRun.objects.get(academic_year__label="2024-2025", semestre=1)
    assert Evaluation.objects.filter(semester=next_s1).count() == 2
    assert TeachingAssignment.objects.filter(semester=next_s1, user__username="enseignant").exists()
    assert axe(page) == []

    # the year jury decided: Alpha passes, Bravo repeats
    decide_year(w, w.alice, "PASD")
    decide_year(w, w.bruno, "RED")
    page.locator("#passage-2023-2024").click()
    expect(page.locator("h1")).to_have_text("Passage de 2023-2024 vers 2024-2025")
    table = page.locator("#apercu-passage")
    expect(table.locator("tr", has_text="ALPHA")).to_contain_text("S3 2024-2025")
    expect(table.locator("tr", has_text="BRAVO")).to_contain_text("Redouble en S1")
    assert axe(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#confirmer-passage").click()
    expect(page).to_have_url(re.compile(f"/departements/{w.department.pk}/annees/$"))
    expect(page.locator(".messages")).to_contain_text("2 étudiant(s) inscrit(s)")
    enrolled = dict(Enrolment.objects.filter(semester__academic_year__label="2024-2025")
                    .values_list("student__nom", "semester__semestre"))
    assert enrolled == {"Alpha": 3, "Bravo": 1}
    elapsed = time.perf_counter() - started

    # every new page holds at 320, 768 and 1366 px wide: nothing wider than the window
    base = f"/departements/{w.department.pk}/annees/"
    for width in (320, 768, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for path in (base, base + "nouvelle/", base + "copie/", base + "2024-2025/passage/"):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (width, path)
    print(f"\nannée ouverte, copiée et passage : {elapsed:.1f} s dans le navigateur")
