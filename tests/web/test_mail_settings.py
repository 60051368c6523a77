"""Where the e-mails come from and go to (issue 15): the department's sender, reply-to and footer, set on
« Réglages du département » and used by every mail (results, reports, alerts, invitations); the tutor's
and the CFA's addresses imported with the students."""

from __future__ import annotations

import datetime as dt

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import ApprenticeContract, DepartmentSettings
from delibe.web.services import etudiants_import

from .test_department_settings import form_data
from .test_documents import page_text

SENDER = "Scolarité MMI Dijon <mmi@iut-dijon.example.fr>"


def test_the_settings_page_saves_the_mail_settings_and_journals_them(world, login):
    client = login("scolarite")
    url = f"/departements/{world.department.pk}/reglages/"
    assert "Courriels (résultats, relevés d'assiduité, alertes)" in page_text(client.get(url))
    response = client.post(url, form_data(courriel_expediteur=SENDER, courriel_reponse="rf@iut-dijon.example.fr",
                                          courriel_pied="Bureau 12, du lundi au vendredi.", seuils_alerte="3, 6"))
    assert response.status_code == 302
    row = DepartmentSettings.objects.get(department=world.department)
    assert (row.courriel_expediteur, row.seuils_alerte) == (SENDER, "3, 6")
    entry = AuditEntry.objects.filter(object_type="settings").latest("id")
    assert entry.new["courriel_expediteur"] == SENDER


@pytest.mark.parametrize(("field", "value", "message"), [
    ("courriel_expediteur", "Scolarité sans adresse", "Expéditeur des courriels : « Scolarité sans adresse » n'est pas une adresse"),
    ("courriel_reponse", "pas-une-adresse", "Saisissez une adresse de courriel valide"),
    ("seuils_alerte", "3, beaucoup", "Seuils d'alerte d'absences : « beaucoup » n'est pas un nombre"),
])
def test_a_wrong_mail_setting_is_refused_with_the_field_named(world, login, field, value, message):
    response = login("scolarite").post(f"/departements/{world.department.pk}/reglages/", form_data(**{field: value}))
    assert response.status_code == 400 and message in page_text(response)
    assert not DepartmentSettings.objects.exists()


def test_the_results_mail_comes_from_the_departments_sender_with_its_footer(graded, login, smtp, documents_dir):
    from delibe.web.jobs.worker import run_pending
    from delibe.web.services import jury as jury_service
    from delibe.web.services.department_settings import save_settings

    from .conftest import close_jury

    save_settings(actor=graded.users["scolarite"], department=graded.department, applies_from=dt.date(2023, 9, 1),
                  values={"courriel_expediteur": SENDER, "courriel_pied": "Bureau 12."})
    jury_service.record_proposals(user=graded.users["president"], run=graded.s1)
    close_jury(graded, graded.s1)
    graded.alice.email = "alice@etu.example.org"
    graded.alice.save()
    login("scolarite").post(f"/courriels/semestres/{graded.s1.pk}/envoyer/")
    run_pending()
    [message] = smtp.to("alice@etu.example.org")
    assert "mmi@iut-dijon.example.fr" in message["From"]
    assert message["Reply-To"] == "scolarite-mmi@iut.example.org"  # none set by the department: the installation's
    assert message.get_body(("plain",)).get_content().rstrip().endswith("Bureau 12.")


def test_an_invitation_comes_from_the_sender_of_the_persons_department(world, smtp):
    from delibe.web.services.accounts import send_invitation
    from delibe.web.services.department_settings import save_settings

    save_settings(actor=world.users["scolarite"], department=world.department, applies_from=dt.date(2023, 9, 1),
                  values={"courriel_expediteur": SENDER})
    teacher = world.users["enseignant"]
    teacher.email = "prof@iut.example.org"
    teacher.save()
    send_invitation(teacher, None)
    [message] = smtp.to("prof@iut.example.org")
    assert "mmi@iut-dijon.example.fr" in message["From"]


def test_the_tutors_and_cfas_addresses_are_imported_with_the_students(world):
    data = ("NIP;Nom;Prénom;Employeur;Tuteur;Courriel tuteur;CFA;Courriel CFA;Parcours\n"
            "3001;Nouveau;Nina;ACME;M. Maître;maitre@acme.example.org;CFA Sup;cfa@sup.example.org;Créa\n").encode()
    preview, _counts = etudiants_import.import_file(user=None, run=world.s1, data=data, filename="liste.csv")
    assert preview.ok, preview.errors
    contract = ApprenticeContract.objects.get(student__nip="3001")
    assert (contract.tuteur_email, contract.cfa, contract.cfa_email) == ("maitre@acme.example.org", "CFA Sup",
                                                                        "cfa@sup.example.org")


def test_an_existing_apprentice_gets_the_addresses_from_a_file_of_addresses_only(world):
    ApprenticeContract.objects.create(student=world.alice, employeur="Studio", debut=dt.date(2023, 9, 1),
                                      fin=dt.date(2025, 8, 31))
    data = "NIP;Nom;Prénom;tuteur_email;cfa_email\n1001;Alpha;Test;t@studio.example.org;c@cfa.example.org\n".encode()
    preview = etudiants_import.preview_file(world.s1, data, "liste.csv")
    assert preview.updated[0].changes["tuteur_email"] == ("", "t@studio.example.org")
    etudiants_import.commit(user=None, run=world.s1, preview=preview)
    contract = ApprenticeContract.objects.get(student=world.alice)
    assert (contract.employeur, contract.tuteur_email, contract.cfa_email) == ("Studio", "t@studio.example.org",
                                                                               "c@cfa.example.org")


def test_a_wrong_tutor_address_in_the_file_is_named_with_its_line_and_column(world):
    data = "NIP;Nom;Prénom;Employeur;Courriel tuteur\n3001;Nouveau;Nina;ACME;pas-une-adresse\n".encode()
    preview = etudiants_import.preview_file(world.s1, data, "liste.csv")
    assert not preview.ok
    assert "ligne 2, colonne « Courriel tuteur »" in str(preview.errors[0])
    assert "n'est pas une adresse électronique" in str(preview.errors[0])
