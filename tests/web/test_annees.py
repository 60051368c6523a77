"""The academic year (issue 13, items 1 and 6): opening semesters from a formation version, copying last
year's (teachers, evaluation plan without grades, groups), archiving a closed year (read-only), a formation
version never changed under a locked year, and the passage into next year from the year decisions, all or
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.web.conftest import FORMATION_TEXT


def ensure_groupe(run, partition, name):
    from delibe.web.services.groupes import ensure_groupe as ensure

    return ensure(run, partition, name)[0]


def group_names(run):
    from delibe.web.models import Groupe

    return sorted(Groupe.objects.filter(partition__semester=run).values_list("partition__name", "name"))

pytestmark = pytest.mark.django_db


def decide_year(world, student, code, annee=1, label="2023-2024"):
    from delibe.web.models import AcademicYear, JuryDecision

    return JuryDecision.objects.create(
        student=student, academic_year=AcademicYear.objects.get(label=label), formation=world.version,
        annee_but=annee, level="annee", key=f"BUT{annee}", decided_code=code)


def open_s1_next_year(world):
    from delibe.web.services.annees import SemesterSpec, create_semesters

    return create_semesters(user=world.users["scolarite"], version=world.version, label="2024-2025",
                            specs=[SemesterSpec(1), SemesterSpec(3)])


def lock(*runs):
    for run in runs:
        run.locked = True
        run.save(update_fields=["locked"])


# --- opening semesters -----------------------------------------------------------------------------

def test_semesters_are_opened_with_dates_parcours_modality_and_apogee_step(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.services.annees import SemesterSpec, create_semesters

    runs = create_semesters(user=world.users["scolarite"], version=world.version, label="2024-2025", specs=[
        SemesterSpec(1, dt.date(2024, 9, 2), dt.date(2025, 1, 20), ("Créa",), "FA", "VMMI11"),
        SemesterSpec(2, dt.date(2025, 1, 21), dt.date(2025, 7, 4), ("Créa",), "FA", "VMMI12"),
    ])
    s1 = runs[0]
    assert (s1.semestre, s1.academic_year.label, s1.modalite, s1.etape_apogee) == (1, "2024-2025", "apprentissage", "VMMI11")
    assert s1.parcours_offerts == ["Créa"] and s1.debut == dt.date(2024, 9, 2)
    assert AuditEntry.objects.filter(object_type="semester", action="create").count() == 2


def test_an_existing_semester_is_refused_and_nothing_is_created(world):
    from delibe.web.models import SemesterRun
    from delibe.web.services.annees import SemesterSpec, YearSetupError, create_semesters

    with pytest.raises(YearSetupError, match="S1 2023-2024 de but-mmi-dijon existe déjà"):
        create_semesters(user=None, version=world.version, label="2023-2024", specs=[SemesterSpec(3), SemesterSpec(1)])
    assert not SemesterRun.objects.filter(semestre=3).exists()


@pytest.mark.parametrize("spec, message", [
    ({"semestre": 7}, "pas de semestre 7"),
    ({"semestre": 1, "parcours": ("Inconnu",)}, "parcours : « Inconnu » inconnu"),
    ({"semestre": 1, "modalite": "XX"}, "Modalité « XX » inconnue"),
    ({"semestre": 5, "parcours": ("Strat-UX",)}, "ne décrit pas le semestre 5 de « Strat-UX »"),
    ({"semestre": 1, "debut": dt.date(2025, 1, 1), "fin": dt.date(2024, 9, 1)}, "doit suivre la date de début"),
])
def test_bad_input_is_refused_with_a_french_message_naming_the_field(world, spec, message):
    from delibe.web.services.annees import SemesterSpec, YearSetupError, create_semesters

    with pytest.raises(YearSetupError, match=message):
        create_semesters(user=None, version=world.version, label="2024-2025", specs=[SemesterSpec(**spec)])


def test_a_badly_written_year_is_refused(world):
    from delibe.web.services.annees import SemesterSpec, YearSetupError, create_semesters

    with pytest.raises(YearSetupError, match="AAAA-AAAA"):
        create_semesters(user=None, version=world.version, label="2024-2026", specs=[SemesterSpec(1)])


# --- copying last year's -------------------------------------------------------------------------

def test_copying_a_year_carries_semesters_teachers_evaluation_plan_and_groups_without_grades(world):
    from delibe.web.models import Evaluation, Grade, SemesterRun, TeachingAssignment
    from delibe.web.services.annees import copy_year

    world.s1.debut, world.s1.fin, world.s1.etape_apogee = dt.date(2023, 9, 4), dt.date(2024, 1, 19), "VMMI11"
    world.s1.save()
    for name in ("A", "B"):
        ensure_groupe(world.s1, "TD", name)
    world.taught.date, world.taught.poids, world.taught.coefficient = dt.date(2023, 10, 12), {"UE1.1": 2.0}, 3.0
    world.taught.publiee = True
    world.taught.save()
    Grade.objects.create(evaluation=world.taught, student=world.alice, value=Decimal(12))
    result = copy_year(user=world.users["scolarite"], department=world.department, source_label="2023-2024")
    assert result.target == "2024-2025" and len(result.runs) == 2
    s1 = SemesterRun.objects.get(academic_year__label="2024-2025", semestre=1)
    assert (s1.debut, s1.fin, s1.etape_apogee) == (dt.date(2024, 9, 4), dt.date(2025, 1, 19), "VMMI11")
    assert group_names(s1) == group_names(world.s1) and ("TD", "B") in group_names(s1)
    assert list(TeachingAssignment.objects.filter(semester=s1).values_list("user__username", "module_code")) == [
        ("enseignant", "R1.01")]
    copied = Evaluation.objects.get(semester=s1, module_code="R1.01")
    assert copied.date == dt.date(2024, 10, 12) and copied.titre == "Contrôle"
    assert (copied.poids, copied.coefficient, copied.publiee) == ({"UE1.1": 2.0}, 3.0, False)
    assert not Grade.objects.filter(evaluation__semester=s1).exists()
    assert not s1.enrolments.exists()
    # the source year is untouched
    assert Grade.objects.filter(evaluation=world.taught).count() == 1


def test_a_29_february_becomes_the_28th_one_year_later():
    from delibe.web.services.annees import shift_one_year

    assert shift_one_year(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_copying_into_a_year_that_already_has_the_semester_writes_nothing(world):
    from delibe.web.models import Evaluation, SemesterRun
    from delibe.web.services.annees import SemesterSpec, YearSetupError, copy_year, create_semesters

    create_semesters(user=None, version=world.version, label="2024-2025", specs=[SemesterSpec(2)])
    with pytest.raises(YearSetupError, match="S2 2024-2025 de but-mmi-dijon existe déjà"):
        copy_year(user=None, department=world.department, source_label="2023-2024")
    assert SemesterRun.objects.filter(academic_year__label="2024-2025").count() == 1
    assert not Evaluation.objects.filter(semester__academic_year__label="2024-2025").exists()


def test_the_partitions_and_group_names_are_copied_without_members(world):
    from delibe.web.models import SemesterRun
    from delibe.web.services.groupes import copy_groups

    for name in ("TD1", "TD2"):
        ensure_groupe(world.s1, "TD", name)
    target = SemesterRun.objects.create(formation=world.version, semestre=1, academic_year=world.year.__class__.objects.create(
        label="2030-2031", debut=dt.date(2030, 9, 1), fin=dt.date(2031, 8, 31)))
    assert copy_groups(world.s1, target) == len(group_names(world.s1))
    assert group_names(target) == group_names(world.s1) and ("TD", "TD2") in group_names(target)
    assert not target.enrolments.exists()


# --- formation versions under a locked year -------------------------------------------------------

def test_editing_a_formation_used_by_a_locked_semester_creates_a_new_version(world):
    from delibe.web.models import FormationVersion
    from delibe.web.services.formations import formation_model, store_formation_text

    lock(world.s1)
    before = world.version.yaml_text
    edited = FORMATION_TEXT.replace("titre:", "titre: (révisée)", 1)
    stored = store_formation_text(world.department, "but-mmi-dijon", edited)
    world.version.refresh_from_db()
    world.s1.refresh_from_db()
    assert stored.pk != world.version.pk and stored.version == 2
    assert world.version.yaml_text == before and world.s1.formation_id == world.version.pk
    assert formation_model(stored).version == 2  # the stored text says which version it is
    assert FormationVersion.objects.filter(slug="but-mmi-dijon").count() == 2


def test_the_copy_of_a_year_opens_the_new_version_and_the_locked_year_keeps_its_own(world):
    from delibe.web.models import SemesterRun
    from delibe.web.services.annees import copy_year
    from delibe.web.services.formations import store_formation_text

    lock(world.s1, world.s2)
    new = store_formation_text(world.department, "but-mmi-dijon", FORMATION_TEXT.replace("titre:", "titre: (v2)", 1))
    copy_year(user=None, department=world.department, source_label="2023-2024")
    assert set(SemesterRun.objects.filter(academic_year__label="2024-2025").values_list("formation_id", flat=True)) == {new.pk}
    assert SemesterRun.objects.get(pk=world.s1.pk).formation_id == world.version.pk


def test_editing_a_formation_no_locked_semester_uses_still_asks_for_a_new_number(world):
    from delibe.web.services.formations import FormationLoadError, store_formation_text

    with pytest.raises(FormationLoadError, match="augmentez le numéro de version"):
        store_formation_text(world.department, "but-mmi-dijon", FORMATION_TEXT.replace("titre:", "titre: (v2)", 1))


# --- archiving ----------------------------------------------------------------------------------

def test_a_year_with_an_open_jury_is_not_archived(world):
    from delibe.web.services.annees import YearSetupError, archive_year

    lock(world.s1)
    with pytest.raises(YearSetupError, match="Clôturez d'abord le jury de : S2"):
        archive_year(user=None, department=world.department, label="2023-2024")
    world.s1.refresh_from_db()
    assert not world.s1.archived


def test_an_archived_year_is_read_only_audited_and_never_reopened(world):
    from delibe.web import permissions as perm
    from delibe.web.audit.locking import AuditError, reopen_semester
    from delibe.web.audit.models import AuditEntry
    from delibe.web.services.annees import archive_year

    lock(world.s1, world.s2)
    archived = archive_year(user=world.users["scolarite"], department=world.department, label="2023-2024")
    assert {r.pk for r in archived} == {world.s1.pk, world.s2.pk}
    assert AuditEntry.objects.filter(object_type="semester", action="lock", new__archived=True).count() == 2
    world.s1.refresh_from_db()
    assert not perm.can_edit_grades(world.users["scolarite"], world.taught.__class__.objects.get(pk=world.taught.pk))
    with pytest.raises(AuditError, match="année archivée"):
        reopen_semester(user=world.users["president"], run=world.s1, reason="Erreur de saisie")
    # the other department's year is not touched
    world.other_run.refresh_from_db()
    assert not world.other_run.archived


# --- passage ------------------------------------------------------------------------------------

def test_the_preview_lists_each_student_their_decision_and_where_they_go(world):
    from delibe.web.services.annees import passage_preview

    decide_year(world, world.alice, "PASD")
    decide_year(world, world.bruno, "RED")
    s1, s3 = open_s1_next_year(world)
    preview = passage_preview(world.department, "2023-2024")
    rows = {line.student.nom: (line.code, line.kind, line.destination) for line in preview.lines}
    assert rows == {"Alpha": ("PASD", "passage", s3), "Bravo": ("RED", "redoublement", s1)}
    assert not preview.blocking
    assert preview.warnings == ["Le jury de S2 2023-2024 (but-mmi-dijon) n'est pas clos : ses décisions "
                                + "peuvent encore changer."]


def test_a_student_without_a_decision_blocks_the_passage_and_nothing_is_enrolled(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Enrolment
    from delibe.web.services.annees import YearSetupError, confirm_passage, passage_preview

    decide_year(world, world.alice, "ADM")
    open_s1_next_year(world)
    preview = passage_preview(world.department, "2023-2024")
    assert [line.student.nom for line in preview.blocking] == ["Bravo"]
    assert "Aucune décision d'année (BUT1)" in preview.blocking[0].message
    with pytest.raises(YearSetupError, match="rien n'a été inscrit.*BRAVO Test : Aucune décision"):
        confirm_passage(user=world.users["scolarite"], department=world.department, source_label="2023-2024")
    assert not Enrolment.objects.filter(semester__academic_year__label="2024-2025").exists()
    assert not AuditEntry.objects.filter(object_type="enrolment").exists()


def test_a_missing_next_semester_blocks_the_passage(world):
    from delibe.web.services.annees import passage_preview

    decide_year(world, world.alice, "PAS1NCI")
    decide_year(world, world.bruno, "NAR")
    preview = passage_preview(world.department, "2023-2024")
    assert [line.student.nom for line in preview.blocking] == ["Alpha"]
    assert "Aucun semestre S3" in preview.blocking[0].message


def test_confirming_enrols_passers_and_repeaters_with_their_capitalised_ues_audited(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import AcademicYear, Enrolment, JuryDecision
    from delibe.web.services.annees import confirm_passage

    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, "RED")
    JuryDecision.objects.create(student=world.bruno, academic_year=AcademicYear.objects.get(label="2023-2024"),
                                formation=world.version, annee_but=1, semestre=1, level="ue", key="UE1.1",
                                decided_code="ADM", moyenne=12.0)
    s1, s3 = open_s1_next_year(world)
    preview = confirm_passage(user=world.users["scolarite"], department=world.department, source_label="2023-2024")
    alice = Enrolment.objects.get(student=world.alice, semester__academic_year__label="2024-2025")
    bruno = Enrolment.objects.get(student=world.bruno, semester__academic_year__label="2024-2025")
    assert (alice.semester_id, alice.redoublant, alice.parcours) == (s3.pk, False, "Créa")
    assert (bruno.semester_id, bruno.redoublant) == (s1.pk, True)
    assert next(line for line in preview.lines if line.student == world.bruno).capitalisees == ["UE1.1"]
    assert AuditEntry.objects.filter(object_type="enrolment", action="create").count() == 2
    assert AuditEntry.objects.filter(object_type="department", summary__startswith="Passage 2023-2024").exists()


@pytest.mark.parametrize("code", ["NAR", "DEM", "DEF"])
def test_a_student_who_leaves_is_enrolled_nowhere(world, code):
    from delibe.web.models import Enrolment
    from delibe.web.services.annees import confirm_passage

    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, code)
    open_s1_next_year(world)
    preview = confirm_passage(user=None, department=world.department, source_label="2023-2024")
    assert next(line for line in preview.lines if line.student == world.bruno).kind == "sortie"
    assert not Enrolment.objects.filter(student=world.bruno, semester__academic_year__label="2024-2025").exists()


def test_a_second_passage_finds_everyone_already_enrolled(world):
    from delibe.web.services.annees import YearSetupError, confirm_passage, passage_preview

    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, "PASD")
    open_s1_next_year(world)
    confirm_passage(user=None, department=world.department, source_label="2023-2024")
    assert {line.kind for line in passage_preview(world.department, "2023-2024").lines} == {"deja"}
    with pytest.raises(YearSetupError, match="Personne à inscrire"):
        confirm_passage(user=None, department=world.department, source_label="2023-2024")


def test_the_repeaters_capitalised_ues_are_shown_on_their_page(world, login):
    from delibe.web.models import AcademicYear, JuryDecision
    from delibe.web.services.annees import confirm_passage

    decide_year(world, world.alice, "ADM")
    decide_year(world, world.bruno, "RED")
    JuryDecision.objects.create(student=world.bruno, academic_year=AcademicYear.objects.get(label="2023-2024"),
                                formation=world.version, annee_but=1, semestre=1, level="ue", key="UE1.1",
                                decided_code="ADM", moyenne=12.0)
    open_s1_next_year(world)
    confirm_passage(user=None, department=world.department, source_label="2023-2024")
    html = login("scolarite").get(f"/etudiants/{world.bruno.pk}/").content.decode()
    assert 'id="capitalisees-' in html and "UE1.1" in html


# --- the command line ---------------------------------------------------------------------------

def test_the_command_line_opens_copies_and_passes_with_the_same_services(world):
    from click.testing import CliRunner

    from delibe.cli.annee import annee
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Enrolment, SemesterRun

    opened = CliRunner().invoke(annee, ["ouvrir", "--departement", "mmi", "--annee", "2024-2025", "--formation",
                                        str(world.version.pk), "--semestre", "3", "--modalite", "FA",
                                        "--etape", "3=VMMI21", "--dates", "3=2024-09-02:2025-01-20"])
    assert opened.exit_code == 0, opened.output
    s3 = SemesterRun.objects.get(academic_year__label="2024-2025", semestre=3)
    assert (s3.etape_apogee, s3.debut) == ("VMMI21", dt.date(2024, 9, 2))
    assert AuditEntry.objects.filter(semester_id=s3.pk, channel="cli").exists()
    copied = CliRunner().invoke(annee, ["copier", "--departement", "mmi", "--annee", "2023-2024"])
    assert copied.exit_code == 0, copied.output
    blocked = CliRunner().invoke(annee, ["passage", "--departement", "mmi", "--annee", "2023-2024", "--confirmer"])
    assert blocked.exit_code == 1 and "BLOQUANT" in blocked.output
    decide_year(world, world.alice, "PASD")
    decide_year(world, world.bruno, "RED")
    preview = CliRunner().invoke(annee, ["passage", "--departement", "mmi", "--annee", "2023-2024", "--json"])
    assert preview.exit_code == 0 and '"passage": 1' in preview.output
    assert not Enrolment.objects.filter(semester__academic_year__label="2024-2025").exists()
    done = CliRunner().invoke(annee, ["passage", "--departement", "mmi", "--annee", "2023-2024", "--confirmer"])
    assert done.exit_code == 0, done.output
    assert Enrolment.objects.filter(semester__academic_year__label="2024-2025").count() == 2


def test_the_command_line_names_an_unknown_department(world):
    from click.testing import CliRunner

    from delibe.cli.annee import annee

    result = CliRunner().invoke(annee, ["copier", "--departement", "xyz", "--annee", "2023-2024"])
    assert result.exit_code == 2 and "aucun département de code « xyz »" in result.output


# --- pages --------------------------------------------------------------------------------------

def test_the_year_form_says_what_is_wrong_without_writing(world, login):
    from delibe.web.models import SemesterRun

    response = login("scolarite").post(f"/departements/{world.department.pk}/annees/nouvelle/", {
        "formation": world.version.pk, "annee": "2024-2025", "s1": "on", "s1_debut": "2024-13-01"})
    html = response.content.decode()
    assert response.status_code == 400 and "S1, début : date « 2024-13-01 » illisible" in html
    assert 'id="s1" checked' in html and 'value="2024-13-01"' in html  # what was typed comes back
    assert not SemesterRun.objects.filter(academic_year__label="2024-2025").exists()


def test_the_passage_page_lists_each_student_with_decision_and_destination(world, login):
    decide_year(world, world.alice, "ADM")
    open_s1_next_year(world)
    html = login("responsable").get(f"/departements/{world.department.pk}/annees/2023-2024/passage/").content.decode()
    assert "S3 2024-2025" in html and "Aucune décision d&#x27;année" in html and "bloque le passage" in html


def test_an_archived_semester_offers_no_reopening_and_its_reopen_page_is_refused(world, login):
    from delibe.web.services.annees import archive_year

    lock(world.s1, world.s2)
    archive_year(user=None, department=world.department, label="2023-2024")
    client = login("president")
    jury = client.get(f"/semestres/{world.s2.pk}/jury/").content.decode()
    assert 'id="rouvrir-jury"' not in jury
    assert client.get(f"/journal/semestres/{world.s2.pk}/reouvrir/").status_code == 403
    assert 'id="semestre-archive"' in client.get(f"/semestres/{world.s2.pk}/").content.decode()


def test_an_archived_year_receives_no_new_semester(world):
    from delibe.web.services.annees import SemesterSpec, YearSetupError, archive_year, create_semesters

    lock(world.s1, world.s2)
    archive_year(user=None, department=world.department, label="2023-2024")
    with pytest.raises(YearSetupError, match="L'année 2023-2024 est archivée"):
        create_semesters(user=None, version=world.version, label="2023-2024", specs=[SemesterSpec(3)])


def test_a_student_recorded_as_dem_without_a_year_decision_leaves_without_blocking(world):
    from delibe.web.services.annees import passage_preview

    world.bruno.status = "DEM"
    world.bruno.save()
    decide_year(world, world.alice, "ADM")
    open_s1_next_year(world)
    preview = passage_preview(world.department, "2023-2024")
    bruno = next(line for line in preview.lines if line.student == world.bruno)
    assert (bruno.kind, bruno.code) == ("sortie", None) and "DEM" in bruno.message
    assert not preview.blocking


def test_the_scolarite_archives_a_closed_year_from_the_page(world, login):
    lock(world.s1, world.s2)
    client = login("scolarite")
    response = client.post(f"/departements/{world.department.pk}/annees/2023-2024/archivage/", follow=True)
    html = response.content.decode()
    assert "Année 2023-2024 archivée : 2 semestre(s) en lecture seule." in html and "archivée (lecture seule)" in html
    assert 'id="archiver-2023-2024"' not in html


def test_archiving_an_open_year_from_the_page_says_which_jury_to_close(world, login):
    response = login("responsable").post(f"/departements/{world.department.pk}/annees/2023-2024/archivage/")
    assert response.status_code == 400 and "Clôturez d&#x27;abord le jury de : S1" in response.content.decode()


def test_a_pending_year_code_blocks_and_names_the_codes_the_jury_may_give(world):
    from delibe.engine.jury import codes as C
    from delibe.web.services.annees import passage_preview

    decide_year(world, world.alice, C.RAT)
    decide_year(world, world.bruno, C.ADM)
    open_s1_next_year(world)
    [blocking] = passage_preview(world.department, "2023-2024").blocking
    assert blocking.student == world.alice
    assert all(code in blocking.message for code in C.PASSAGE | C.TERMINAL | {C.RED})


def test_a_semester_run_by_two_versions_is_copied_once_from_the_newest(world):
    from delibe.web.models import SemesterRun
    from delibe.web.services.annees import copy_year
    from delibe.web.services.formations import store_formation_text

    lock(world.s1)
    new = store_formation_text(world.department, "but-mmi-dijon", FORMATION_TEXT.replace("titre:", "titre: (v2)", 1))
    ensure_groupe(SemesterRun.objects.create(formation=new, semestre=1, academic_year=world.year), "Groupes", "N")
    result = copy_year(user=None, department=world.department, source_label="2023-2024")
    copied = SemesterRun.objects.filter(academic_year__label="2024-2025").order_by("semestre")
    assert [(r.semestre, r.formation_id) for r in copied] == [(1, new.pk), (2, new.pk)] and len(result.runs) == 2
    assert group_names(copied[0]) == [("Groupes", "N")]
