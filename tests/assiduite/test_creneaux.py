"""Time slots as the department declares them (issue 18): half-days by default, hours possible (8h-10h,
10h-12h…), in the roll call, the absences import, the justifications and the monthly reports; the local
rules keep counting half-days; the school holidays the department declares are skipped by the roll call's
default date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delibe.calendrier import dernier_jour_de_cours, lire_vacances
from delibe.engine import assiduite as engine
from delibe.web.assiduite import services
from delibe.web.assiduite.models import AbsenceRecord, JustificationRecord, ReglementConfig
from delibe.web.audit.models import AuditEntry
from tests.web.conftest import move_to_group

D = dt.date(2023, 10, 2)  # a Monday
HOURS = "8h-10h\n10h-12h\n13h30-15h30\n15h30-17h30"


def _declare(world, creneaux=HOURS, vacances="", applies_from=dt.date(2023, 9, 1), actor="scolarite"):
    return services.save_attendance_rules(actor=world.users[actor], department_id=world.department.pk,
                                          values={"creneaux": creneaux, "vacances": vacances},
                                          applies_from=applies_from)


# --- the engine: slots read, labelled, counted by half-day --------------------------------------------

@pytest.mark.parametrize("written", ["8h-10h", "8 h – 10 h", "08:00-10:00", "08h00-10h00", "8H-10H"])
def test_an_hour_slot_is_read_however_a_person_writes_it(written):
    assert engine.lire_plage(written) == engine.Plage(8 * 60, 10 * 60)
    assert engine.lire_plage(written).code == "08h00-10h00"


def test_a_slot_is_shown_in_words():
    assert engine.libelle_creneau("08h00-10h00") == "8 h – 10 h"
    assert engine.libelle_creneau("13h30-15h30") == "13 h 30 – 15 h 30"
    assert engine.libelle_creneau("apres-midi") == "après-midi"


@pytest.mark.parametrize("written", ["10h-8h", "8h70-9h", "25h-26h", "soir", ""])
def test_an_impossible_slot_is_not_read(written):
    assert engine.lire_plage(written) is None


def test_overlapping_or_unreadable_slots_are_refused_naming_them():
    _plages, errors = engine.lire_creneaux("8h-10h\n9h-11h\nmidi")
    assert any("« midi » illisible" in e for e in errors)
    assert any("8 h – 10 h et 9 h – 11 h se chevauchent" in e for e in errors)


def test_two_hour_slots_of_one_morning_count_as_one_half_day_and_an_afternoon_slot_as_another():
    absences = [engine.Absence("1", "2023-10-02", c, "R1.01") for c in ("08h00-10h00", "10h00-12h00", "13h30-15h30")]
    counted = engine.count_absences(absences, [])["1"]["R1.01"]
    assert counted.non_justifiees == 2


def test_a_justification_narrowed_to_a_slot_covers_that_slot_only():
    rdv = engine.Justification("1", "2023-10-02", "2023-10-02", "Rendez-vous médical",
                               creneau_debut="08h00-10h00", creneau_fin="08h00-10h00")
    covered = engine.Absence("1", "2023-10-02", "08h00-10h00")
    after = engine.Absence("1", "2023-10-02", "10h00-12h00")
    assert rdv.covers(covered) and not rdv.covers(after)
    # the morning is one half-day: justified only when every slot missed in it is
    assert engine.count_absences([covered, after], [rdv])["1"][None].non_justifiees == 1
    assert engine.count_absences([covered], [rdv])["1"][None].justifiees == 1


def test_a_justification_from_the_afternoon_leaves_the_morning_unjustified():
    j = engine.Justification("1", "2023-10-02", "2023-10-03", "Maladie", creneau_debut="apres-midi")
    assert not j.covers(engine.Absence("1", "2023-10-02", "matin"))
    assert j.covers(engine.Absence("1", "2023-10-02", "13h30-15h30"))
    assert j.covers(engine.Absence("1", "2023-10-03", "matin"))


# --- the department declares its slots ----------------------------------------------------------------

def test_without_a_declaration_the_slots_are_the_morning_and_the_afternoon(world):
    assert services.slots_at(world.department.pk, D) == (("matin", "matin"), ("apres-midi", "après-midi"))


def test_declared_hours_are_kept_in_one_written_form_and_journalled(world):
    config = _declare(world, "10h-12h ; 8h-10h")
    assert config.creneaux == "08h00-10h00\n10h00-12h00"
    assert services.slots_at(world.department.pk, D) == (("08h00-10h00", "8 h – 10 h"), ("10h00-12h00", "10 h – 12 h"))
    assert AuditEntry.objects.filter(object_id=f"assiduite:{world.department.pk}").exists()


def test_unreadable_hours_are_refused_on_the_field_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as error:
        _declare(world, "8h-10h\nmidi")
    assert "creneaux" in error.value.message_dict and not ReglementConfig.objects.exists()


@pytest.mark.parametrize("who", ["enseignant", "etudiant", "autre"])
def test_only_the_departments_secretariat_declares_its_slots(world, who):
    with pytest.raises(PermissionDenied):
        _declare(world, actor=who)
    assert not ReglementConfig.objects.exists()


def test_the_settings_page_saves_the_slots_and_refuses_a_teacher(world, login):
    url = reverse("delibe:reglages", args=[world.department.pk])
    data = {"formulaire": "assiduite", "assiduite-applies_from": "2030-01-01", "assiduite-creneaux": "8h-10h\n10h-12h",
            "assiduite-vacances": "", "assiduite-seuil_atj": "5", "assiduite-penalite_points": "0.1",
            "assiduite-penalite_franchise": "0", "assiduite-penalite_plafond": "2"}
    assert login("enseignant").post(url, data).status_code in (403, 404)
    response = login("scolarite").post(url, {**data, "assiduite-creneaux": "8h-10h\nmidi"})
    assert response.status_code == 400 and "« midi » illisible" in response.content.decode()
    login("scolarite").post(url, data)
    assert ReglementConfig.objects.get().creneaux == "08h00-10h00\n10h00-12h00"


# --- the roll call by the hour ------------------------------------------------------------------------

def test_the_roll_call_offers_the_declared_hours_and_saves_one_of_them(world, login):
    _declare(world)
    client = login("enseignant")
    url = reverse("assiduite:appel", args=[world.s1.pk])
    page = client.get(url, {"groupe": "A", "module": "R1.01", "date": D.isoformat()}).content.decode()
    assert '<option value="08h00-10h00" selected>8 h – 10 h</option>' in page
    assert '<option value="matin"' not in page
    client.post(url, {"groupe": "A", "module": "R1.01", "date": D.isoformat(), "creneau": "10h00-12h00",
                      "absent": [world.alice.pk]})
    assert list(AbsenceRecord.objects.values_list("creneau", flat=True)) == ["10h00-12h00"]
    entry = AuditEntry.objects.filter(object_type="absence").latest("pk")
    assert "(10 h – 12 h)" in entry.summary
    page = client.get(url, {"groupe": "A", "module": "R1.01", "date": D.isoformat(), "creneau": "10h00-12h00"})
    assert "lundi 2 octobre 2023, 10 h – 12 h" in page.content.decode()


def test_a_slot_the_department_does_not_declare_is_refused_in_french_without_a_500(world, login):
    _declare(world)
    response = login("enseignant").post(
        reverse("assiduite:appel", args=[world.s1.pk]),
        {"groupe": "A", "module": "R1.01", "date": D.isoformat(), "creneau": "matin", "absent": [world.alice.pk]},
        follow=True)
    assert response.status_code == 200 and "Créneau « matin » inconnu le 02/10/2023" in response.content.decode()
    assert not AbsenceRecord.objects.exists()


def test_half_day_absences_recorded_before_the_hours_still_count(world):
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=D, creneau="matin", module_code="R1.01")
    _declare(world, applies_from=dt.date(2023, 11, 1))
    services.record_group(world.users["enseignant"], world.s1, move_to_group(world.s1, world.alice, "A"),
                          dt.date(2023, 11, 6), "08h00-10h00", "R1.01", absents=[world.alice.pk])
    counted = services.decomptes([world.alice], semester=world.s1)[str(world.alice.pk)]["R1.01"]
    assert counted.non_justifiees == 2
    # before the date the hours apply from, the half-days are still the slots
    assert services.slots_at(world.department.pk, D)[0][0] == "matin"


# --- the import -----------------------------------------------------------------------------------------

def test_the_import_reads_hours_written_in_any_form_and_refuses_a_half_day_naming_the_line(world):
    _declare(world)
    text = "nip;date;creneau;module;nature\n1001;2023-10-02;8h-10h;R1.01;absence\n1002;2023-10-02;10:00-12:00;R1.01;retard\n"
    assert services.import_absences(world.users["scolarite"], world.s1, text) == 2
    assert set(AbsenceRecord.objects.values_list("creneau", flat=True)) == {"08h00-10h00", "10h00-12h00"}
    with pytest.raises(ValidationError) as error:
        services.import_absences(world.users["scolarite"], world.s1,
                                 "nip;date;creneau;module;nature\n1001;2023-10-03;matin;R1.01;absence\n")
    assert "ligne 2 : créneau « matin » inconnu le 03/10/2023 (attendu 08h00-10h00 ou" in error.value.messages[0]


def test_the_import_page_lists_the_departments_slots(world, login):
    _declare(world, applies_from=dt.date(2020, 1, 1))
    page = login("scolarite").get(reverse("assiduite:import", args=[world.s1.pk])).content.decode()
    assert "<code>08h00-10h00</code> (8 h – 10 h)" in page


# --- justifications and reports -------------------------------------------------------------------------

def test_a_student_justifies_one_slot_and_an_unknown_slot_is_refused(world, login):
    _declare(world, applies_from=dt.date(2020, 1, 1))
    client = login("etudiant")
    url = reverse("assiduite:mon_justificatif")
    assert '<option value="08h00-10h00">8 h – 10 h</option>' in client.get(url).content.decode()
    page = client.post(url, {"debut": "2023-10-02", "fin": "2023-10-02", "motif": "Rendez-vous",
                             "creneau_debut": "soir"}).content.decode()
    assert "Créneau « soir » inconnu" in page and not JustificationRecord.objects.exists()
    client.post(url, {"debut": "2023-10-02", "fin": "2023-10-02", "motif": "Rendez-vous",
                      "creneau_debut": "08h00-10h00", "creneau_fin": "08h00-10h00"})
    j = JustificationRecord.objects.get()
    assert (j.creneau_debut, j.creneau_fin, j.statut) == ("08h00-10h00", "08h00-10h00", "soumise")
    assert "02/10/2023 (8 h – 10 h)" in client.get(url).content.decode()


def test_a_justification_ending_before_it_starts_within_one_day_is_refused(world):
    with pytest.raises(ValidationError):
        services.submit_justification(world.users["scolarite"], world.alice, D, D, "Rendez-vous",
                                      creneau_debut="10h00-12h00", creneau_fin="08h00-10h00")


def test_the_monthly_report_names_the_slot_in_words(world):
    from delibe.web.models import ApprenticeContract

    ApprenticeContract.objects.create(student=world.alice, employeur="ACME", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2024, 8, 31))
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=D, creneau="08h00-10h00",
                                 module_code="R1.01")
    report = services.monthly_reports(world.department.pk, 2023, 10)[0]
    assert report.apprentis[0].lignes[0].creneau == "8 h – 10 h"


# --- school holidays ------------------------------------------------------------------------------------

def test_holidays_are_read_in_french_or_iso_and_a_bad_line_is_named():
    periods, errors = lire_vacances("du 21/10/2023 au 05/11/2023 Toussaint\n2023-12-23 2024-01-07 Noël\n12/12/2023")
    assert [(p.debut, p.fin, p.nom) for p in periods] == [
        (dt.date(2023, 10, 21), dt.date(2023, 11, 5), "Toussaint"), (dt.date(2023, 12, 23), dt.date(2024, 1, 7), "Noël")]
    assert errors and "ligne 3" in errors[0]


def test_the_last_teaching_day_skips_declared_holidays():
    toussaint, _ = lire_vacances("21/10/2023 05/11/2023 Toussaint")
    assert dernier_jour_de_cours(dt.date(2023, 11, 3), vacances=toussaint) == dt.date(2023, 10, 20)
    assert dernier_jour_de_cours(dt.date(2023, 11, 3)) == dt.date(2023, 11, 3)


def test_the_roll_call_of_a_semester_ending_in_the_holidays_opens_before_them(world, login):
    world.s1.debut, world.s1.fin = dt.date(2023, 9, 4), dt.date(2024, 1, 5)  # a Friday, during Christmas
    world.s1.save()
    _declare(world, creneaux="", vacances="23/12/2023 07/01/2024 Noël", applies_from=dt.date(2020, 1, 1))
    assert ReglementConfig.objects.get().vacances == "23/12/2023 07/01/2024 Noël"
    page = login("enseignant").get(reverse("assiduite:appel", args=[world.s1.pk]) + "?groupe=A&module=R1.01")
    assert 'value="2023-12-22"' in page.content.decode()


def test_unreadable_holidays_are_refused_on_their_field(world):
    with pytest.raises(ValidationError) as error:
        _declare(world, creneaux="", vacances="Toussaint")
    assert "vacances" in error.value.message_dict and not ReglementConfig.objects.exists()


def test_the_journal_shows_the_declared_slots_in_words(world):
    from delibe.web.audit.services import display

    _declare(world, "8h-10h\n10h-12h", vacances="23/12/2023 07/01/2024 Noël")
    entry = AuditEntry.objects.filter(object_id=f"assiduite:{world.department.pk}").latest("pk")
    shown = display(entry.new)
    assert "créneaux de l'appel : 8 h – 10 h, 10 h – 12 h" in shown
    assert "vacances scolaires : 23/12/2023 07/01/2024 Noël" in shown


def test_the_secretariat_enters_a_justification_from_a_slot_validated_at_once_and_journalled(world, login):
    _declare(world, applies_from=dt.date(2020, 1, 1))
    client = login("scolarite")
    url = reverse("assiduite:justificatifs")
    assert '<option value="13h30-15h30">13 h 30 – 15 h 30</option>' in client.get(url).content.decode()
    client.post(url, {"nip": "1001", "debut": "2023-10-02", "fin": "2023-10-03", "motif": "Maladie",
                      "creneau_debut": "13h30-15h30"})
    j = JustificationRecord.objects.get()
    assert (j.statut, j.creneau_debut, j.creneau_fin) == ("validee", "13h30-15h30", "")
    entry = AuditEntry.objects.filter(object_type="justificatif").latest("pk")
    assert entry.new["à partir du créneau"] == "13h30-15h30"
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=D, creneau="08h00-10h00",
                                 module_code="R1.01")
    AbsenceRecord.objects.create(student=world.alice, semester=world.s1, date=D, creneau="15h30-17h30",
                                 module_code="R1.01")
    counted = services.decomptes([world.alice], semester=world.s1)[str(world.alice.pk)]["R1.01"]
    assert (counted.justifiees, counted.non_justifiees) == (1, 1)  # the afternoon justified, not the morning
    # another department's secretariat cannot enter one for this student
    page = login("autre").post(url, {"nip": "1001", "debut": "2023-10-02", "fin": "2023-10-03", "motif": "Maladie",
                                     "creneau_debut": "13h30-15h30"}).content.decode()
    assert "NIP inconnu" in page and JustificationRecord.objects.count() == 1


def test_holidays_declared_over_every_day_leave_the_roll_call_on_the_day_itself_not_a_500():
    everything, _ = lire_vacances("01/01/0001 31/12/9999 Tout")
    assert dernier_jour_de_cours(dt.date(2024, 1, 19), vacances=everything) == dt.date(2024, 1, 19)
    assert dernier_jour_de_cours(dt.date(2024, 1, 19), dt.date(2023, 9, 4), everything) == dt.date(2024, 1, 19)


def test_too_many_slots_or_holiday_periods_are_refused_with_the_limit():
    _plages, errors = engine.lire_creneaux("\n".join(f"{h}h00-{h}h30" for h in range(24)) + "\n23h30-24h")
    assert errors == ["25 créneaux : 24 au plus dans une journée."]
    _periods, errors = lire_vacances("\n".join(f"01/01/{2000 + n} 02/01/{2000 + n}" for n in range(101)))
    assert errors and "100 au plus" in errors[0]


@pytest.mark.parametrize("who, module, refused", [("enseignant", "R1.02", 403), ("etudiant", "R1.01", (403, 404)),
                                                  ("autre", "R1.01", 404)])
def test_a_roll_call_by_the_hour_is_refused_to_who_may_not_take_it(world, login, who, module, refused):
    _declare(world, applies_from=dt.date(2020, 1, 1))
    response = login(who).post(reverse("assiduite:appel", args=[world.s1.pk]), {
        "groupe": "A", "module": module, "date": D.isoformat(), "creneau": "08h00-10h00", "absent": [world.alice.pk]})
    assert response.status_code in (refused if isinstance(refused, tuple) else (refused,))
    assert not AbsenceRecord.objects.exists()
