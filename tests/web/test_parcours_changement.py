"""Issue 13, item 5: changing a student's parcours — what changes is shown before confirming (UEs and
modules gained or lost, grades that stop counting, capitalised UEs), the change is journaled, refused over a
locked semester, and the averages and the jury then follow the new parcours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import AcademicYear, Enrolment, Evaluation, Grade, SemesterRun, Student
from delibe.web.services import parcours as service
from delibe.web.services.calcul import compute_run, deliberate_students
from delibe.web.services.etudiants import StudentError
from delibe.web.services.formations import formation_model


def _s4(world):
    """A 2024-2025 S4 where Alice and Bruno follow Créa: one evaluation in a Créa-only module (Bruno 6,
    Alice 14), one in a DWeb-DI-only module feeding the same UE (Bruno 16: a grade from an earlier
    parcours), one more DWeb-DI evaluation nobody took yet."""
    formation = formation_model(world.version)
    crea = next(m for m in formation.modules_of(4, "Créa") if m.parcours)
    dweb = next(m for m in formation.modules_of(4, "DWeb-DI")
                if m.parcours and set(m.coefficients) & set(crea.coefficients))
    ue = min(set(dweb.coefficients) & set(crea.coefficients))
    year = AcademicYear.objects.create(label="2024-2025", debut=dt.date(2024, 9, 1), fin=dt.date(2025, 7, 15))
    s4 = SemesterRun.objects.create(formation=world.version, semestre=4, academic_year=year)
    for s in (world.alice, world.bruno):
        Enrolment.objects.create(student=s, semester=s4, parcours="Créa")
    e_crea = Evaluation.objects.create(semester=s4, module_code=crea.code, titre="Créa", note_max=20,
                                       date=dt.date(2025, 2, 1))
    e_dweb = Evaluation.objects.create(semester=s4, module_code=dweb.code, titre="DWeb", note_max=20,
                                       date=dt.date(2025, 2, 1))
    e_new = Evaluation.objects.create(semester=s4, module_code=dweb.code, titre="DWeb 2", note_max=20,
                                      date=dt.date(2025, 3, 1))
    Grade.objects.create(evaluation=e_crea, student=world.bruno, value=Decimal(6))
    Grade.objects.create(evaluation=e_crea, student=world.alice, value=Decimal(14))
    Grade.objects.create(evaluation=e_dweb, student=world.bruno, value=Decimal(16))
    return s4, ue, crea, dweb, e_new


def test_the_preview_names_the_modules_gained_and_lost_and_the_grades_that_stop_counting(world):
    s4, _ue, crea, dweb, e_new = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    before = AuditEntry.objects.count()
    change = service.preview(enrolment, "DWeb-DI")
    [semester] = change.semestres
    assert crea.code in {c for c, _ in semester.modules_perdus}
    assert dweb.code in {c for c, _ in semester.modules_gagnes}
    assert [(g["module"], g["evaluation"]) for g in semester.notes_ignorees] == [(crea.code, "Créa")]
    assert [g["module"] for g in semester.notes_reprises] == [dweb.code]
    assert semester.evaluations_sans_note == [e_new]
    assert AuditEntry.objects.count() == before and Enrolment.objects.get(pk=enrolment.pk).parcours == "Créa"


def test_after_the_change_the_averages_and_the_jury_follow_the_new_parcours(world):
    s4, ue, crea, _dweb, e_new = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    assert compute_run(s4).ue_average(world.bruno.pk, ue) == pytest.approx(6)
    alice_before = compute_run(s4).ue_average(world.alice.pk, ue)
    service.change_parcours(user=world.users["scolarite"], enrolment=enrolment, nouveau="DWeb-DI")
    outcome = compute_run(s4)
    assert outcome.ue_average(world.bruno.pk, ue) == pytest.approx(16)  # the DWeb grade counts, not the Créa one
    assert outcome.ue_average(world.alice.pk, ue) == alice_before
    assert e_new.pk not in outcome.incomplete_evaluations()  # filled with EXC, nobody else's average moves
    assert Grade.objects.get(evaluation=e_new, student=world.bruno).special == "EXC"
    assert Grade.objects.filter(student=world.bruno, evaluation__module_code=crea.code).exists()  # kept
    assert deliberate_students([world.bruno.pk], up_to="2024-2025")[world.bruno.pk].parcours == "DWeb-DI"
    assert Student.objects.get(pk=world.bruno.pk).parcours == "DWeb-DI"


def test_the_change_is_journaled_with_old_and_new_parcours(world):
    s4, *_ = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    service.change_parcours(user=world.users["responsable"], enrolment=enrolment, nouveau="DWeb-DI",
                            reason="Réorientation demandée")
    entry = AuditEntry.objects.filter(object_type="enrolment", student_id=world.bruno.pk).latest("id")
    assert entry.old == {"parcours": "Créa"} and entry.new["parcours"] == "DWeb-DI"
    assert entry.username == "responsable" and entry.reason == "Réorientation demandée"
    assert "Créa → DWeb-DI" in entry.summary
    assert AuditEntry.objects.filter(object_type="grade", student_id=world.bruno.pk, session=entry.session).count() == 1


def test_leaving_the_missing_grades_empty_writes_no_grade(world):
    s4, _, _, _, e_new = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    service.change_parcours(user=None, enrolment=enrolment, nouveau="DWeb-DI", manquantes="")
    assert not Grade.objects.filter(evaluation=e_new).exists()


def test_the_change_covers_the_later_semesters_of_the_same_year(world):
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    change = service.change_parcours(user=None, enrolment=enrolment, nouveau="DWeb-DI")
    assert [s.enrolment.semester.semestre for s in change.semestres] == [1, 2]
    assert set(Enrolment.objects.filter(student=world.bruno).values_list("parcours", flat=True)) == {"DWeb-DI"}
    assert change.nothing_changes  # BUT1 is common to every MMI parcours


@pytest.mark.parametrize(("nouveau", "message"), [
    ("Inconnu", "inconnu"), ("Créa", "déjà"), ("Strat-UX", "pas délivré en S4"),
])
def test_an_impossible_parcours_is_refused_with_the_field_named_and_nothing_written(world, nouveau, message):
    s4, *_ = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    before = (AuditEntry.objects.count(), Grade.objects.count())
    with pytest.raises(StudentError, match=message) as caught:
        service.change_parcours(user=None, enrolment=enrolment, nouveau=nouveau)
    assert caught.value.field == "parcours"
    assert (AuditEntry.objects.count(), Grade.objects.count()) == before
    assert Enrolment.objects.get(pk=enrolment.pk).parcours == "Créa"


def test_a_locked_semester_refuses_the_change(world):
    SemesterRun.objects.filter(pk=world.s2.pk).update(locked=True)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    with pytest.raises(StudentError, match="verrouillé"):
        service.change_parcours(user=None, enrolment=enrolment, nouveau="DWeb-DI")
    assert set(Enrolment.objects.filter(student=world.bruno).values_list("parcours", flat=True)) == {"Créa"}


def test_capitalised_ues_are_kept_when_the_new_parcours_has_them(world):
    from delibe.web.models import JuryDecision

    repeat = AcademicYear.objects.create(label="2024-2025", debut=dt.date(2024, 9, 1), fin=dt.date(2025, 7, 15))
    s1b = SemesterRun.objects.create(formation=world.version, semestre=1, academic_year=repeat)
    enrolment = Enrolment.objects.create(student=world.bruno, semester=s1b, parcours="Créa", redoublant=True)
    JuryDecision.objects.create(student=world.bruno, academic_year=world.year, formation=world.version,
                                annee_but=1, semestre=1, level="ue", key="UE1.1", decided_code="ADM", moyenne=12)
    change = service.preview(enrolment, "DWeb-DI")
    assert change.capitalisees_gardees == [("UE1.1", "ADM")] and not change.capitalisees_hors_parcours


# --- the page and its permission matrix ----------------------------------------------------------------

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")
ALLOWED = {"admin", "scolarite", "responsable"}
DENIED = {"enseignant": 403, "president": 403, "etudiant": 404, "autre": 404}


def _url(world):
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    return f"/etudiants/{world.bruno.pk}/inscriptions/{enrolment.pk}/parcours/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "data", "ok"), [
    ("ouvrir", None, 200),
    ("aperçu", {"parcours": "DWeb-DI", "manquantes": "EXC", "apercu": ""}, 200),
    ("confirmer", {"parcours": "DWeb-DI", "manquantes": "EXC", "confirmer": ""}, 302),
])
def test_only_the_departments_scolarite_responsable_and_an_administrator_change_a_parcours(
        world, login, role, action, data, ok):
    client = login(role)
    before = AuditEntry.objects.count()
    response = client.post(_url(world), data) if data else client.get(_url(world))
    if role == "anonyme":
        assert response.status_code == 302 and "connexion" in response["Location"]
    elif role in ALLOWED:
        assert response.status_code == ok, response.content[:400]
    else:
        assert response.status_code == DENIED[role]
    changed = set(Enrolment.objects.filter(student=world.bruno).values_list("parcours", flat=True))
    assert changed == ({"DWeb-DI"} if role in ALLOWED and action == "confirmer" else {"Créa"})
    if not (role in ALLOWED and action == "confirmer"):
        assert AuditEntry.objects.count() == before


def test_the_page_previews_then_confirms(world, login):
    s4, _ue, crea, dweb, _ = _s4(world)
    enrolment = Enrolment.objects.get(student=world.bruno, semester=s4)
    client = login("scolarite")
    url = f"/etudiants/{world.bruno.pk}/inscriptions/{enrolment.pk}/parcours/"
    assert f'id="changer-parcours-{enrolment.pk}"'.encode() in client.get(f"/etudiants/{world.bruno.pk}/").content
    page = client.post(url, {"parcours": "DWeb-DI", "manquantes": "ATT", "apercu": ""}).content.decode()
    assert "Modules retirés" in page and crea.code in page and dweb.code in page and 'id="confirmer-parcours"' in page
    assert 'name="manquantes" value="ATT"' in page
    assert Enrolment.objects.get(pk=enrolment.pk).parcours == "Créa"
    response = client.post(url, {"parcours": "DWeb-DI", "manquantes": "ATT", "confirmer": ""}, follow=True)
    assert "suit désormais le parcours DWeb-DI" in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).parcours == "DWeb-DI"


@pytest.mark.parametrize("data", [
    {"parcours": "Inconnu", "apercu": ""}, {"parcours": "DWeb-DI", "manquantes": "ZZZ", "confirmer": ""}, {},
])
def test_bad_input_on_the_page_is_a_400_in_french_never_a_500(world, login, data):
    response = login("scolarite").post(_url(world), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_page_of_a_locked_semester_says_so_and_the_student_page_offers_no_link(world, login):
    SemesterRun.objects.filter(pk=world.s1.pk).update(locked=True)
    client = login("scolarite")
    assert 'id="parcours-verrouille"' in client.get(_url(world)).content.decode()
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    assert f'id="changer-parcours-{enrolment.pk}"' not in client.get(f"/etudiants/{world.bruno.pk}/").content.decode()


def test_a_parcours_the_semester_does_not_offer_is_refused(world):
    SemesterRun.objects.filter(pk=world.s2.pk).update(parcours_offerts=["Créa", "Strat-UX"])
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    with pytest.raises(StudentError, match="pas offert en S2"):
        service.preview(enrolment, "DWeb-DI")
    assert service.preview(enrolment, "Strat-UX").nouveau == "Strat-UX"


def test_a_script_previews_then_changes_a_parcours(world):
    from click.testing import CliRunner

    from delibe.cli import cli

    s4, _, crea, _dweb, _ = _s4(world)
    args = ["etudiant", "parcours", "1002", "--semestre", str(s4.pk), "--parcours", "DWeb-DI"]
    preview = CliRunner().invoke(cli, args)
    assert preview.exit_code == 0 and crea.code in preview.output and "Aperçu seulement" in preview.output
    assert Enrolment.objects.get(student=world.bruno, semester=s4).parcours == "Créa"
    done = CliRunner().invoke(cli, [*args, "--confirmer", "--manquantes", "ATT"])
    assert done.exit_code == 0, done.output
    assert Enrolment.objects.get(student=world.bruno, semester=s4).parcours == "DWeb-DI"
    assert AuditEntry.objects.filter(object_type="enrolment", channel="cli").exists()
    refused = CliRunner().invoke(cli, [*args[:-1], "Inconnu"])
    assert refused.exit_code == 2 and "inconnu" in refused.output


def test_a_later_semester_already_in_the_new_parcours_is_left_alone(world):
    Enrolment.objects.filter(student=world.bruno, semester=world.s2).update(parcours="DWeb-DI")
    enrolment = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    change = service.change_parcours(user=None, enrolment=enrolment, nouveau="DWeb-DI")
    assert [s.enrolment.semester.semestre for s in change.semestres] == [1]
    assert AuditEntry.objects.filter(object_type="enrolment", student_id=world.bruno.pk).count() == 1
