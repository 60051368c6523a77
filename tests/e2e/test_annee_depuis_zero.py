"""A department set up from an empty database in the browser alone (issue 13, « Done when »): the only
account is an administrator. They create the department, import its formation (one shipped with
Délibé), open the year's semesters, create a scolarité account and a teacher account and give roles,
import the students with their groups (« TD:A, TP:A1 »), assign the teacher to a module; then copy the
year into the next one, enter the year jury's decisions and pass the students into it. axe on every new
page and on the pages of the path; the elapsed time is printed (measured, not asserted: the machine is
shared)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import page_opener

STUDENTS_CSV = (
    "NIP;nom;prénom;groupe;parcours\n"
    "31001;Arnaud;Léa;TD:A, TP:A1;Créa\n"
    "31002;Bernard;Hugo;TD:A, TP:A2;Créa\n"
    "31003;Charpentier;Inès;TD:B, TP:B1;Créa\n"
).encode()


def create_account(page, axe, username: str, first: str, last: str, role: str, department_pk: int) -> None:
    page.goto("/")
    page.locator("#lien-personnes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes")
    assert axe(page) == []
    form = page.locator("#form-compte")
    form.get_by_label("Identifiant").fill(username)
    form.get_by_label("Prénom").fill(first)
    form.get_by_label("Nom", exact=True).fill(last)
    form.get_by_label("Courriel").fill(f"{username}@iut.example")
    form.get_by_label("Rôle").select_option(role)
    form.get_by_label("Département").select_option(str(department_pk))
    page.locator("#creer-compte").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Compte « {username} » créé")
    assert axe(page) == []


def import_students(page, axe, run_pk: int, preview: str, done: str) -> None:
    page.goto(f"/semestres/{run_pk}/")
    page.locator("#lien-import-etudiants").click()
    assert axe(page) == []
    page.locator("#id_fichier").set_input_files(
        {"name": "etudiants.csv", "mimeType": "text/csv", "buffer": STUDENTS_CSV})
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.locator("#apercu-import")).to_contain_text(preview)
    assert axe(page) == []
    page.locator("#confirmer-import").click()
    expect(page.get_by_role("status").first).to_contain_text(done)


def test_an_administrator_sets_up_a_department_from_an_empty_database_and_passes_its_students(
        browser, server, axe):
    from django.contrib.auth import get_user_model

    from delibe.web.models import (
        Department,
        Enrolment,
        FormationVersion,
        GroupMembership,
        JuryDecision,
        Membership,
        Role,
        SemesterRun,
        Student,
        TeachingAssignment,
    )

    assert not Department.objects.exists() and not FormationVersion.objects.exists()
    admin = get_user_model().objects.create_user("admin", password="motdepasse-admin-42")
    Membership.objects.create(user=admin, role=Role.ADMIN)
    open_as, contexts = page_opener(browser, server)
    try:
        started = time.perf_counter()
        page = open_as("admin")

        # 1. the department
        page.goto("/")
        assert axe(page) == []
        page.locator("#lien-departement-creer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Créer un département")
        assert axe(page) == []
        page.locator("#code").fill("mmi-dijon")
        page.locator("#nom").fill("MMI — IUT de Dijon")
        page.locator("#creer-departement").click()
        department = Department.objects.get(code="mmi-dijon")

        # 2. its formation: the one shipped with Délibé, previewed then confirmed
        expect(page.get_by_role("heading", level=1)).to_contain_text("Importer une formation")
        assert axe(page) == []
        page.get_by_label("Ou une formation fournie").select_option("but-mmi-dijon")
        page.locator("#apercu").click()
        expect(page.locator("#apercu-formation")).to_contain_text("Nouvelle formation but-mmi-dijon v1")
        expect(page.locator("#semestres-formation tbody tr")).to_have_count(6)
        assert axe(page) == []
        page.locator("#confirmer-formation").click()
        expect(page.get_by_role("status").first).to_contain_text("Formation « BUT Métiers du Multimédia")
        assert axe(page) == []
        version = FormationVersion.objects.get(department=department)

        # 3. the year's semesters: BUT1 and BUT2 of 2025-2026
        page.goto("/")
        page.locator(f"#annees-{department.pk}").click()
        assert axe(page) == []
        page.locator("#ouvrir-annee").click()
        assert axe(page) == []
        page.locator("#annee").fill("2025-2026")
        for s in (1, 2, 3, 4):
            page.get_by_label(f"Ouvrir le semestre {s}").check()
        page.locator("#s1_debut").fill("2025-09-01")
        page.locator("#s1_fin").fill("2026-01-16")
        page.locator("#creer-semestres").click()
        expect(page.locator(".messages")).to_contain_text("4 semestre(s) ouvert(s) en 2025-2026")
        s1, s2 = (SemesterRun.objects.get(academic_year__label="2025-2026", semestre=n) for n in (1, 2))
        assert s1.formation == version

        # 4. the people: a scolarité account (also président de jury) and a teacher
        create_account(page, axe, "secretariat", "Sophie", "Martin", "scolarite", department.pk)
        roles = page.locator("#form-roles")
        roles.get_by_label("Rôle").select_option("president")
        roles.get_by_label("MMI — IUT de Dijon").check()
        page.locator("#donner-role-bouton").click()
        expect(page.get_by_role("status").first).to_contain_text("1 rôle(s) ajouté(s).")
        create_account(page, axe, "prof", "Paul", "Durand", "enseignant", department.pk)
        secretariat = get_user_model().objects.get(username="secretariat")
        assert set(secretariat.memberships.values_list("role", flat=True)) == {"scolarite", "president"}

        # 5. the students, with their groups, into S1 and S2
        import_students(page, axe, s1.pk, "3 nouveau(x)", "3 étudiant(s) créé(s)")
        import_students(page, axe, s2.pk, "3 modifié(s)", "0 étudiant(s) créé(s), 3 modifié(s)")
        groups = {(m.groupe.partition.name, m.groupe.name) for m in GroupMembership.objects.filter(
            enrolment__semester=s1, enrolment__student__nip="31003").select_related("groupe__partition")}
        assert groups == {("TD", "B"), ("TP", "B1")}
        page.goto(f"/semestres/{s1.pk}/")
        page.locator("#lien-groupes").click()
        assert axe(page) == []

        # 6. the teacher of a module
        page.goto(f"/semestres/{s1.pk}/")
        page.locator("#lien-enseignements").click()
        assert axe(page) == []
        module = page.get_by_role("region", name="R1.01 —")
        module.get_by_label("Responsable").select_option(label="Paul Durand (prof)")
        module.get_by_role("button", name="Enregistrer R1.01").click()
        expect(page.get_by_role("status").first).to_contain_text("Module R1.01 enregistré.")
        assert TeachingAssignment.objects.filter(user__username="prof", semester=s1, module_code="R1.01").exists()

        # 7. the next year copied from this one
        page.goto(f"/departements/{department.pk}/annees/")
        page.locator("#copier-2025-2026").click()
        assert axe(page) == []
        page.locator("#copier").click()
        expect(page.locator(".messages")).to_contain_text("2025-2026 copiée vers 2026-2027 : 4 semestre(s)")
        next_s1 = SemesterRun.objects.get(academic_year__label="2026-2027", semestre=1)
        assert TeachingAssignment.objects.filter(user__username="prof", semester=next_s1,
                                                 module_code="R1.01").exists()

        # 8. the year jury's decisions on the jury pages (no grade was entered: each proposal is « incomplet »,
        # so each decision is written with its reason), then the passage
        lea, hugo, ines = (Student.objects.get(nip=n) for n in ("31001", "31002", "31003"))
        for student, code in ((lea, "ADM"), (hugo, "RED"), (ines, "NAR")):
            page.goto(f"/semestres/{s2.pk}/jury/etudiants/{student.pk}/")
            if code == "ADM":
                assert axe(page) == []
            page.locator("#code-annee-BUT1").select_option(code)
            page.locator("#motif-annee-BUT1").fill("Décision du jury de fin d'année")
            page.locator("#enregistrer-decisions").click()
            expect(page.get_by_role("status").first).to_be_visible()
        assert dict(JuryDecision.objects.filter(level="annee").values_list("student__nip", "decided_code")) == {
            "31001": "ADM", "31002": "RED", "31003": "NAR"}
        page.goto(f"/departements/{department.pk}/annees/")
        page.locator("#passage-2025-2026").click()
        expect(page.locator("h1")).to_have_text("Passage de 2025-2026 vers 2026-2027")
        table = page.locator("#apercu-passage")
        expect(table.locator("tr", has_text="ARNAUD")).to_contain_text("S3 2026-2027")
        expect(table.locator("tr", has_text="BERNARD")).to_contain_text("Redouble en S1")
        assert axe(page) == []
        page.locator("#confirmer-passage").click()
        expect(page).to_have_url(re.compile(f"/departements/{department.pk}/annees/$"))
        expect(page.locator(".messages")).to_contain_text("2 étudiant(s) inscrit(s)")
        elapsed = time.perf_counter() - started
        enrolled = dict(Enrolment.objects.filter(semester__academic_year__label="2026-2027")
                        .values_list("student__nip", "semester__semestre"))
        assert enrolled == {"31001": 3, "31002": 1}
        print(f"\n[e2e année depuis zéro] département → formation → année → comptes → étudiants → enseignant "
              f"→ copie → passage : {elapsed:.1f} s dans le navigateur")

        # the two new pages hold at 320, 768 and 1366 px wide: nothing wider than the window
        for width in (320, 768, 1366):
            page.set_viewport_size({"width": width, "height": 800})
            for path in ("/departements/nouveau/", f"/departements/{department.pk}/formations/import/"):
                page.goto(path)
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (width, path)
    finally:
        for context in contexts:
            context.close()
