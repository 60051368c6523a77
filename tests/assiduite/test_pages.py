"""Attendance pages: permissions over HTTP, roll call saved at once, downloads."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord, ReglementConfig


def test_teacher_saves_the_roll_call_of_their_module_in_one_post(world, login):
    client = login("enseignant")
    url = reverse("assiduite:appel", args=[world.s1.pk])
    page = client.get(url, {"groupe": "A", "module": "R1.01", "date": "2023-10-02", "creneau": "matin"})
    assert page.status_code == 200 and f'for="absent-{world.alice.pk}"' in page.content.decode()
    client.post(url, {"groupe": "A", "module": "R1.01", "date": "2023-10-02", "creneau": "matin",
                      "absent": [world.alice.pk, world.bruno.pk]})
    assert AbsenceRecord.objects.filter(module_code="R1.01").count() == 2


def test_teacher_cannot_post_a_roll_call_for_a_module_they_do_not_teach(world, login):
    response = login("enseignant").post(reverse("assiduite:appel", args=[world.s1.pk]), {
        "groupe": "A", "module": "R1.02", "date": "2023-10-02", "creneau": "matin", "absent": [world.alice.pk]})
    assert response.status_code == 403 and not AbsenceRecord.objects.exists()


def test_another_department_cannot_see_the_roll_call(world, login):
    assert login("autre").get(reverse("assiduite:appel", args=[world.s1.pk])).status_code == 404


def test_student_submits_and_secretariat_validates_over_http(world, login):
    client = login("etudiant")
    client.post(reverse("assiduite:mon_justificatif"), {"debut": "2023-10-02", "fin": "2023-10-03", "motif": "Maladie"})
    j = JustificationRecord.objects.get()
    assert j.student == world.alice and j.statut == "soumise"
    assert login("enseignant").post(reverse("assiduite:justificatifs"),
                                    {"justification": j.pk, "decision": "valider"}).status_code == 403
    login("scolarite").post(reverse("assiduite:justificatifs"), {"justification": j.pk, "decision": "valider"})
    j.refresh_from_db()
    assert j.statut == "validee"


def test_student_page_shows_justified_and_unjustified_absences(world, login):
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=dt.date(2023, 10, 2), creneau="matin",
                                 module_code="R1.01")
    page = login("etudiant").get(reverse("assiduite:mon_justificatif")).content.decode()
    assert "0 demi-journée(s) justifiée(s), 1 non justifiée(s)" in page


def test_import_page_reports_errors_and_writes_nothing(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("a.csv", b"nip;date;creneau;module;nature\n1001;2023-10-02;soir;R1.01;absence\n")
    page = login("scolarite").post(reverse("assiduite:import", args=[world.s1.pk]), {"fichier": f})
    assert "ligne 2" in page.content.decode() and not AbsenceRecord.objects.exists()


def test_secretariat_downloads_the_monthly_csv_of_an_employer(world, login):
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.create(student=world.alice, employeur="Studio Éclat", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2025, 8, 31))
    client = login("scolarite")
    url = reverse("assiduite:rapports", args=[world.department.pk])
    assert "Studio Éclat" in client.get(url, {"mois": "2023-10"}).content.decode()
    csv = client.get(url, {"mois": "2023-10", "employeur": "Studio Éclat", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "1001" in csv.content.decode("utf-8-sig")
    assert login("enseignant").get(url, {"mois": "2023-10"}).status_code == 403


def test_jury_include_shows_the_rule_and_its_source_only_when_switched_on(world):
    from delibe.web.assiduite.templatetags.assiduite import assiduite_jury

    for day in range(4):
        AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=dt.date(2023, 10, 2 + day),
                                     creneau="matin", module_code="R1.01")
    assert assiduite_jury(world.s1)["propositions"] == []
    ReglementConfig.objects.create(department=world.department, reference="RI de l'IUT, art. 12",
                                   seuil_atj_actif=True, seuil_atj=3)
    props = assiduite_jury(world.s1)["propositions"]
    assert props and props[0].effet == "ATJ proposé" and props[0].source == "RI de l'IUT, art. 12"


def test_the_students_own_results_page_and_the_staff_student_page_show_absences(world, login):
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=dt.date(2023, 10, 2), creneau="matin",
                                 module_code="R1.01")
    JustificationRecord.objects.create(student=world.alice, debut=dt.date(2023, 10, 2), fin=dt.date(2023, 10, 2),
                                       motif="Maladie", statut="validee")
    expected = "1 demi-journée(s) justifiée(s), 0 non justifiée(s)"
    assert expected in login("etudiant").get(reverse("delibe:mes_resultats")).content.decode()
    assert expected in login("scolarite").get(reverse("delibe:etudiant", args=[world.alice.pk])).content.decode()


def test_a_proof_is_served_only_to_its_student_and_the_secretariat(world, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    login("etudiant").post(reverse("assiduite:mon_justificatif"), {
        "debut": "2023-10-02", "fin": "2023-10-02", "motif": "Maladie",
        "piece": SimpleUploadedFile("certificat.pdf", b"%PDF-1.4 test", content_type="application/pdf")})
    j = JustificationRecord.objects.get()
    url = reverse("assiduite:piece", args=[j.pk])
    assert b"".join(login("etudiant").get(url).streaming_content) == b"%PDF-1.4 test"
    assert login("scolarite").get(url).status_code == 200
    assert login("enseignant").get(url).status_code == 404
    assert login("autre").get(url).status_code == 404


def test_a_student_cannot_open_the_secretariat_pages(world, login):
    client = login("etudiant")
    assert client.get(reverse("assiduite:justificatifs")).status_code == 403
    assert client.get(reverse("assiduite:rapports", args=[world.department.pk])).status_code == 404
    assert client.get(reverse("assiduite:appel", args=[world.s1.pk])).status_code == 404


def test_the_semester_page_links_to_the_roll_call_and_the_secretariat_sees_its_tools(world, login):
    client = login("scolarite")
    assert reverse("assiduite:appel", args=[world.s1.pk]) in client.get(
        reverse("delibe:semestre", args=[world.s1.pk])).content.decode()
    page = client.get(reverse("assiduite:appel", args=[world.s1.pk])).content.decode()
    assert reverse("assiduite:import", args=[world.s1.pk]) in page
    assert reverse("assiduite:import", args=[world.s1.pk]) not in login("enseignant").get(
        reverse("assiduite:appel", args=[world.s1.pk])).content.decode()


def test_secretariat_enters_a_justification_validated_at_once_but_not_for_another_department(world, login):
    client = login("scolarite")
    url = reverse("assiduite:justificatifs")
    client.post(url, {"nip": "1001", "debut": "2023-10-02", "fin": "2023-10-06", "motif": "Maladie"})
    assert JustificationRecord.objects.get().statut == "validee"
    page = client.post(url, {"nip": "2001", "debut": "2023-10-02", "fin": "2023-10-06", "motif": "Maladie"})
    assert "NIP inconnu" in page.content.decode() and JustificationRecord.objects.count() == 1


def _dated(world):
    world.s1.debut, world.s1.fin = dt.date(2023, 9, 4), dt.date(2024, 1, 19)
    world.s1.save()
    return world.s1


def test_the_roll_call_of_a_past_semester_opens_on_a_date_of_that_semester_with_module_titles(world, login):
    run = _dated(world)
    page = login("scolarite").get(reverse("assiduite:appel", args=[run.pk])).content.decode()
    assert 'value="2024-01-19"' in page and 'min="2023-09-04"' in page and 'max="2024-01-19"' in page
    assert "R1.01 — Anglais" in page
    assert "vendredi 19 janvier 2024, matin" in page  # the caption, in French with the slot's label
    assert "Test Alpha absent(e)" in page  # each checkbox names the student in full


def test_a_roll_call_outside_the_semester_is_refused_and_says_why(world, login):
    run = _dated(world)
    client = login("enseignant")
    url = reverse("assiduite:appel", args=[run.pk])
    page = client.get(url, {"groupe": "A", "module": "R1.01", "date": "2026-11-29"}).content.decode()
    assert "hors du semestre (du 04/09/2023 au 19/01/2024)" in page
    response = client.post(url, {"groupe": "A", "module": "R1.01", "date": "2026-11-29", "creneau": "matin",
                                 "absent": [world.alice.pk]}, follow=True)
    assert "hors du semestre" in response.content.decode() and not AbsenceRecord.objects.exists()


def test_the_roll_call_warns_when_the_alternance_calendar_puts_the_group_at_the_employer(world, login):
    from delibe.web.assiduite.models import AlternanceWeek

    run = _dated(world)
    AlternanceWeek.objects.create(semester=run, lundi=dt.date(2023, 10, 2), lieu="entreprise")
    AlternanceWeek.objects.create(semester=run, groupe="A", lundi=dt.date(2023, 10, 9), lieu="entreprise")
    client = login("scolarite")
    url = reverse("assiduite:appel", args=[run.pk])
    for day in ("2023-10-04", "2023-10-12"):
        assert "est en entreprise cette semaine" in client.get(url, {"groupe": "A", "date": day}).content.decode()
    assert "en entreprise" not in client.get(url, {"groupe": "A", "date": "2023-10-17"}).content.decode()


def test_secretariat_home_page_links_to_justifications_and_monthly_reports_and_teachers_do_not_see_them(world, login):
    home = login("scolarite").get(reverse("delibe:home")).content.decode()
    assert reverse("assiduite:justificatifs") in home
    assert reverse("assiduite:rapports", args=[world.s1.formation.department_id]) in home
    assert reverse("assiduite:justificatifs") not in login("enseignant").get(reverse("delibe:home")).content.decode()
