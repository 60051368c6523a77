"""Documents from the web, from the database: each download is a real document (PDF text, XLSX, JSON
schema), shows what the web pages show, and only to those allowed to see it; the batch builds a zip in
the background with a progress that reaches 100 %."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import subprocess
import time
import zipfile

import pytest

from delibe.web.jobs.worker import run_pending
from delibe.web.models import JuryDecision
from delibe.web.services import jury as jury_service


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:200]
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, *args):
    from django.urls import reverse

    return reverse(f"delibe:{name}", args=args)


def get(client, name, *args, **params):
    return client.get(url(name, *args), params)


# --- bulletin ----------------------------------------------------------------------------------------

def test_the_bulletin_pdf_shows_the_student_the_ue_averages_of_the_web_page_and_the_proposed_codes(graded, login):
    client = login("scolarite")
    page = get(client, "documents_bulletin", graded.s2.pk, graded.bruno.pk)
    assert page.status_code == 200
    shown = page.content.decode()
    assert shown.count("9,00") >= 5 and "UE2.3" in shown  # the report's own HTML, in the page
    assert 'srcdoc="&lt;!DOCTYPE html' in shown  # escaped in its frame, not spilled into the page
    averages_page = get(client, "semestre", graded.s2.pk).content.decode()
    assert "9,00" in averages_page  # what the semester page shows for Bravo
    response = get(client, "documents_bulletin_pdf", graded.s2.pk, graded.bruno.pk)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "BRAVO Test" in text and "UE2.1" in text and "9,00" in text
    assert "RED" in text and "AJ" in text  # proposals (marked provisional) to the staff
    assert "pas encore décidée par le jury" in text


def test_the_bulletin_json_validates_against_the_bulletin_schema(graded, login):
    import jsonschema

    from delibe.reports import bulletin

    response = get(login("president"), "documents_bulletin_json", graded.s1.pk, graded.alice.pk)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    jsonschema.Draft202012Validator(bulletin.schema()).validate(data)
    assert data["etudiant"]["numero"] == "1001" and data["semestre"]["numero"] == 1
    assert {u["moyenne"] for u in data["ues"].values()} == {12.0}
    assert all(u["decision"]["code"] == "ADM" and u["decision"]["provisoire"] for u in data["ues"].values())
    assert data["semestre"]["absences"] is not None


def test_a_recorded_decision_replaces_the_proposal_on_the_bulletin(graded, login):
    jury_service.record_decision(user=graded.users["president"], run=graded.s2, student=graded.bruno,
                                 level="annee", key="BUT1", code="PAS1NCI", reason="Progrès nets au S2")
    data = json.loads(get(login("scolarite"), "documents_bulletin_json", graded.s2.pk, graded.bruno.pk).content)
    assert data["annee"]["code"] == "PAS1NCI" and data["annee"]["provisoire"] is False
    assert any("Progrès nets au S2" in m for m in data["annee"]["motifs"])
    assert data["semestre"]["date_jury"] is not None


def test_a_student_sees_their_own_bulletin_and_the_decisions_only_once_the_jury_is_closed(graded, login):
    client = login("etudiant")  # Alice's account
    before = get(client, "documents_bulletin_json", graded.s2.pk, graded.alice.pk)
    assert before.status_code == 200
    data = json.loads(before.content)
    assert {u["moyenne"] for u in data["ues"].values()} == {12.0}
    assert all(u["decision"] is None for u in data["ues"].values()) and data["annee"] is None
    assert "ADM" not in pdf_text(get(client, "documents_bulletin_pdf", graded.s2.pk, graded.alice.pk).content)
    jury_service.lock_jury(user=graded.users["president"], run=graded.s2)
    text = pdf_text(get(client, "documents_bulletin_pdf", graded.s2.pk, graded.alice.pk).content)
    assert "ALPHA Test" in text and "ADM" in text and "12,00" in text
    assert get(client, "documents_lettre", graded.s2.pk, graded.alice.pk).content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["documents_bulletin", "documents_bulletin_pdf", "documents_bulletin_json",
                                  "documents_lettre"])
def test_a_student_cannot_get_another_students_documents(graded, login, name):
    assert get(login("etudiant"), name, graded.s2.pk, graded.bruno.pk).status_code == 404


def test_a_student_cannot_see_another_students_document_page_nor_the_semester_documents(graded, login):
    client = login("etudiant")
    assert get(client, "documents_etudiant", graded.bruno.pk).status_code == 404
    assert get(client, "documents_etudiant", graded.alice.pk).status_code == 200
    assert get(client, "documents_semestre", graded.s2.pk).status_code == 404
    assert get(client, "documents_pv", graded.s2.pk, "pdf").status_code == 404


def test_an_enseignant_gets_neither_the_pv_nor_a_bulletin_and_another_department_sees_nothing(graded, login):
    teacher = login("enseignant")
    assert get(teacher, "documents_pv", graded.s1.pk, "pdf").status_code == 403
    assert get(teacher, "documents_bulletin_pdf", graded.s1.pk, graded.alice.pk).status_code == 403
    assert get(teacher, "documents_semestre", graded.s1.pk).status_code == 403
    client = login("autre")
    assert get(client, "documents_pv", graded.s1.pk, "xlsx").status_code == 404
    assert get(client, "documents_bulletin_pdf", graded.s1.pk, graded.alice.pk).status_code == 404


# --- PV, lettre --------------------------------------------------------------------------------------

def test_the_year_jury_pv_in_pdf_and_xlsx_has_one_row_per_student_with_codes_and_the_president(graded, login):
    import openpyxl

    client = login("president")
    params = {"president": "Mme Directrice", "membres": "M. Un\nMme Deux", "date": "2024-06-20"}
    text = pdf_text(get(client, "documents_pv", graded.s2.pk, "pdf", **params).content)
    assert "ALPHA Test" in text and "BRAVO Test" in text and "Mme Directrice" in text and "Mme Deux" in text
    assert "RED" in text and "ADM" in text and "20 juin 2024" in text
    response = get(client, "documents_pv", graded.s2.pk, "xlsx", **params)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"RED", "ADM"} <= cells and any("Bravo" in c or "BRAVO" in c for c in cells)


def test_a_wrong_jury_date_is_refused_with_a_message(graded, login):
    response = get(login("president"), "documents_pv", graded.s2.pk, "pdf", date="20/06/2024")
    assert response.status_code == 409 and "AAAA-MM-JJ" in page_text(response)


def test_the_odd_semester_pv_has_the_ue_codes_of_that_semester_only(graded, login):
    text = pdf_text(get(login("scolarite"), "documents_pv", graded.s1.pk, "pdf").content)
    assert "UE1.1" in text and "UE2.1" not in text and "AJ" in text


def test_the_letter_needs_the_recorded_year_decision(graded, login):
    client = login("scolarite")
    refused = get(client, "documents_lettre", graded.s2.pk, graded.bruno.pk)
    assert refused.status_code == 409 and "décision d'année" in page_text(refused)
    jury_service.record_proposals(user=graded.users["president"], run=graded.s2)
    text = pdf_text(get(client, "documents_lettre", graded.s2.pk, graded.bruno.pk).content)
    assert "BRAVO" in text and "RED" in text


def test_the_letter_addresses_the_student_with_the_stored_civilite(graded, login):
    client = login("scolarite")
    jury_service.record_proposals(user=graded.users["president"], run=graded.s2)
    text = pdf_text(get(client, "documents_lettre", graded.s2.pk, graded.bruno.pk).content)
    assert "Madame, Monsieur," in text  # no civilité stored
    graded.bruno.civilite = "M."
    graded.bruno.save()
    text = pdf_text(get(client, "documents_lettre", graded.s2.pk, graded.bruno.pk).content)
    assert "M. Test BRAVO" in text and "Monsieur," in text and "Madame, Monsieur" not in text


# --- diplomas, fiche ---------------------------------------------------------------------------------

def graded_second_year(world, average: float, *, close_but2: bool = True):
    """BUT2 in 2024-2025 for Alice, every module of S3 and S4 graded ``average``; the BUT1 jury closed, and
    the BUT2 jury too unless ``close_but2`` is false."""
    from decimal import Decimal

    from delibe.web.models import AcademicYear, Enrolment, Evaluation, Grade, SemesterRun
    from delibe.web.services.formations import formation_model

    formation = formation_model(world.version)
    year = AcademicYear.objects.create(label="2024-2025", debut=dt.date(2024, 9, 1), fin=dt.date(2025, 7, 15))
    runs = [SemesterRun.objects.create(formation=world.version, semestre=s, academic_year=year) for s in (3, 4)]
    grades = []
    for run in runs:
        Enrolment.objects.create(student=world.alice, semester=run, parcours="Créa")
        for module in formation.modules_of(run.semestre, "Créa"):
            e = Evaluation.objects.create(semester=run, module_code=module.code, titre="Unique", note_max=20)
            grades.append(Grade(evaluation=e, student=world.alice, value=Decimal(str(average))))
    Grade.objects.bulk_create(grades)
    jury_service.lock_jury(user=world.users["president"], run=world.s2)
    if close_but2:
        jury_service.lock_jury(user=world.users["president"], run=runs[1])
    return runs


def test_the_dut_transcript_and_attestation_once_the_jury_awarded_it(graded, login):
    graded_second_year(graded, 13)
    client = login("scolarite")
    page = get(client, "documents_etudiant", graded.alice.pk).content.decode()
    assert "DUT" in page and url("documents_diplome", graded.alice.pk, "DUT", "releve") in page
    releve = pdf_text(get(client, "documents_diplome", graded.alice.pk, "DUT", "releve").content)
    assert "ALPHA Test" in releve and "UE4.1" in releve and "120" in releve
    attestation = pdf_text(get(client, "documents_diplome", graded.alice.pk, "DUT", "attestation").content)
    assert "ALPHA Test" in attestation and "Diplôme universitaire de technologie" in attestation
    assert get(client, "documents_diplome", graded.alice.pk, "BUT", "releve").status_code == 409
    own = login("etudiant")  # Alice herself, both juries closed
    assert get(own, "documents_diplome", graded.alice.pk, "DUT", "attestation").content.startswith(b"%PDF")


def test_no_diploma_document_without_the_diploma(graded, login):
    response = get(login("scolarite"), "documents_diplome", graded.bruno.pk, "DUT", "attestation")
    assert response.status_code == 409 and "n'est pas attribué" in page_text(response)


def test_the_fiche_formation_pdf_from_the_formation_page(world, login):
    client = login("responsable")
    assert url("documents_fiche", world.version.pk) in get(client, "formation", world.version.pk).content.decode()
    text = pdf_text(get(client, "documents_fiche", world.version.pk, parcours="Créa").content)
    assert "R1.01" in text and "ECTS" in text
    assert get(client, "documents_fiche", world.version.pk, parcours="Inconnu").status_code == 409


def test_the_department_settings_set_the_establishment_and_the_jury(graded, login, documents_dir):
    from delibe.web.services.department_settings import save_settings

    save_settings(actor=graded.users["scolarite"], department=graded.department, applies_from=dt.date(2020, 1, 1),
                  values={"etablissement": "IUT de Dijon-Auxerre", "president": "M. Le Directeur",
                          "membres": "Mme A\nM. B"})
    client = login("scolarite")
    page = get(client, "documents_semestre", graded.s2.pk).content.decode()
    assert "M. Le Directeur" in page
    assert str(documents_dir) not in page and ".yaml" not in page, "no server path is shown to a user"
    text = pdf_text(get(client, "documents_pv", graded.s2.pk, "pdf").content)
    assert "IUT de Dijon-Auxerre" in text and "M. Le Directeur" in text and "Mme A" in text


def test_a_closed_jury_keeps_the_settings_in_force_at_its_date(graded, login, documents_dir):
    from delibe.web.services.department_settings import save_settings

    from .conftest import close_jury

    scolarite = graded.users["scolarite"]
    save_settings(actor=scolarite, department=graded.department, applies_from=dt.date(2020, 1, 1),
                  values={"president": "Mme Ancienne Présidente"})
    close_jury(graded, graded.s1)
    save_settings(actor=scolarite, department=graded.department,
                  applies_from=dt.date.today() + dt.timedelta(days=1), values={"president": "M. Nouveau"})
    text = pdf_text(get(login("scolarite"), "documents_pv", graded.s1.pk, "pdf").content)
    assert "Mme Ancienne Présidente" in text and "M. Nouveau" not in text


def test_every_page_links_to_its_documents(graded, login):
    staff = login("scolarite")
    assert url("documents_semestre", graded.s2.pk) in get(staff, "semestre", graded.s2.pk).content.decode()
    assert url("documents_semestre", graded.s2.pk) in get(staff, "jury", graded.s2.pk).content.decode()
    assert url("documents_etudiant", graded.bruno.pk) in get(staff, "etudiant", graded.bruno.pk).content.decode()
    own = login("etudiant")
    assert url("documents_etudiant", graded.alice.pk) in get(own, "mes_resultats").content.decode()


# --- batch -------------------------------------------------------------------------------------------

def wait_for(client, status_url, limit_s=180):
    """Polls the status until the batch ends (the limit only guards against a hung test)."""
    deadline = time.monotonic() + limit_s
    seen = []
    while time.monotonic() < deadline:
        status = client.get(status_url).json()
        seen.append(status["percent"])
        if status["state"] in ("done", "error"):
            return status, seen
        time.sleep(0.3)
    raise AssertionError(f"le lot n'a pas fini: {seen[-5:]}")


def test_the_batch_zip_of_the_year_holds_pv_bulletins_and_letters_and_its_progress_reaches_100(
        graded, login, documents_dir, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, run by a worker
    jury_service.record_proposals(user=graded.users["president"], run=graded.s2)
    client = login("scolarite")
    start = client.post(url("documents_lot_start", graded.s2.pk), {"president": "Mme Directrice", "membres": ""})
    assert start.status_code == 302
    job_id = re.search(r"/documents/lots/([0-9a-f]{32})/", start["Location"]).group(1)
    page = client.get(start["Location"]).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page  # works without JavaScript
    assert client.get(url("documents_lot_etat", job_id)).json()["state"] == "queued"
    assert run_pending() == 1  # a `delibe worker` takes the task from the database and renders the zip
    status, seen = wait_for(client, url("documents_lot_etat", job_id))
    assert status["state"] == "done", status
    assert status["percent"] == 100 and status["done"] == status["total"] == 8
    assert seen == sorted(seen)
    done_page = client.get(start["Location"]).content.decode()
    assert url("documents_lot_zip", job_id) in done_page and 'http-equiv="refresh"' not in done_page
    response = client.get(url("documents_lot_zip", job_id))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted([
        "pv/PV-jury-S1-S2.pdf", "pv/PV-jury-S1-S2.xlsx",
        "bulletins/S2/1001-ALPHA-Test-S2.pdf", "bulletins/S2/1001-ALPHA-Test-S2.json",
        "bulletins/S2/1002-BRAVO-Test-S2.pdf", "bulletins/S2/1002-BRAVO-Test-S2.json",
        "lettres/1001-ALPHA-Test-decision-BUT1.pdf", "lettres/1002-BRAVO-Test-decision-BUT1.pdf",
    ])
    assert "Mme Directrice" in pdf_text(archive.read("pv/PV-jury-S1-S2.pdf"))
    assert "BRAVO Test" in pdf_text(archive.read("bulletins/S2/1002-BRAVO-Test-S2.pdf"))
    assert JuryDecision.objects.filter(level="annee").count() == 2
    # Someone without the right to the semester's documents gets neither the status nor the zip.
    other = login("enseignant")
    assert other.get(url("documents_lot_etat", job_id)).status_code == 403
    assert other.get(url("documents_lot_zip", job_id)).status_code == 403


def test_an_unknown_batch_is_not_found(world, login, documents_dir):
    client = login("scolarite")
    assert client.get(url("documents_lot_etat", "0" * 32)).status_code == 404
    assert client.get(url("documents_lot", "not-an-id")).status_code == 404


def test_a_diploma_only_proposed_by_the_rules_gives_no_transcript_until_the_year_jury_decides(graded, login):
    _, s4 = graded_second_year(graded, 13, close_but2=False)
    client = login("scolarite")
    assert get(client, "documents_diplome", graded.alice.pk, "DUT", "releve").status_code == 409
    jury_service.record_proposals(user=graded.users["president"], run=s4)
    assert get(client, "documents_diplome", graded.alice.pk, "DUT", "releve").status_code == 200
    # Recorded but the jury not closed: the student does not see it yet.
    assert get(login("etudiant"), "documents_diplome", graded.alice.pk, "DUT", "releve").status_code == 409


def test_the_batch_can_hold_short_bulletins(graded, login, documents_dir):
    from delibe.web.services.documents import run_documents

    documents = {d.name: d for d in run_documents(graded.s1, court=True)}
    bulletin = documents["bulletins/S1/1001-ALPHA-Test-S1.pdf"].data
    assert bulletin.config.details_evaluations is False and bulletin.ues[0].moyenne == 12
    assert "pv/PV-jury-S1.pdf" in documents


def test_a_batch_that_cannot_be_written_says_where_and_why(graded, login, settings, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    settings.DELIBE_DOCUMENTS_DIR = blocker / "documents"
    client = login("scolarite")
    response = client.post(url("documents_lot_start", graded.s1.pk), follow=True)
    assert response.status_code == 200 and "Impossible d'écrire le lot" in page_text(response)


def test_the_department_settings_hide_the_ranks_on_the_bulletins(graded, login):
    from delibe.web.services.department_settings import save_settings

    client = login("scolarite")
    shown = json.loads(get(client, "documents_bulletin_json", graded.s1.pk, graded.alice.pk).content)
    assert any(u["rang"] is not None for u in shown["ues"].values())
    save_settings(actor=graded.users["scolarite"], department=graded.department, applies_from=dt.date(2020, 1, 1),
                  values={"afficher_rangs": False})
    hidden = json.loads(get(client, "documents_bulletin_json", graded.s1.pk, graded.alice.pk).content)
    assert all(u["rang"] is None for u in hidden["ues"].values())
    assert ">Rang<" not in get(client, "documents_bulletin", graded.s1.pk, graded.alice.pk).content.decode()
