"""The secretariat's pages: students import (upload → preview → confirm) and the Apogée export."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Student

from .test_apogee import MAPPING, SAMPLE, but2  # noqa: F401 (but2 is a fixture, used by name)

CSV = "NIP;Nom;Prénom;Groupe;Parcours\n3001;Nouveau;Nina;A;Créa\n1001;Alpha;Test;B;Créa\n".encode()


def test_semester_page_links_the_import_for_the_secretariat_only(world, login):
    url = reverse("delibe:semestre", args=[world.s1.pk])
    assert b"lien-import-etudiants" in login("scolarite").get(url).content
    client = login("enseignant")
    assert b"lien-import-etudiants" not in client.get(url).content


def test_upload_preview_then_confirm_enrols_the_students(world, login):
    client = login("scolarite")
    url = reverse("interop:etudiants", args=[world.s1.pk])
    response = client.post(url, {"fichier": SimpleUploadedFile("liste.csv", CSV), "parcours": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 nouveau(x), 1 modifié(s), 0 inchangé(s)" in text and "NOUVEAU Nina" in text
    assert "« A » → <strong>« B »</strong>" in text
    assert not Student.objects.filter(nip="3001").exists()
    response = client.post(reverse("interop:etudiants_confirm", args=[world.s1.pk]))
    assert response.status_code == 302
    nina = Student.objects.get(nip="3001")
    assert nina.enrolments.get(semester=world.s1).groupe == "A"
    assert set(AuditEntry.objects.filter(student_id=nina.pk).values_list("channel", "username")) == {("import", "scolarite")}


def test_a_bad_file_shows_the_errors_and_offers_no_confirmation(world, login):
    client = login("scolarite")
    data = "NIP;Nom;Prénom;Date de naissance\n3001;Nouveau;Nina;31/02/2003\n".encode()
    response = client.post(reverse("interop:etudiants", args=[world.s1.pk]),
                           {"fichier": SimpleUploadedFile("liste.csv", data)})
    text = response.content.decode()
    assert "ligne 2, colonne « Date de naissance » : 31/02/2003 n&#x27;est pas une date" in text
    assert "confirmer-import" not in text
    assert client.post(reverse("interop:etudiants_confirm", args=[world.s1.pk])).status_code == 302
    assert not Student.objects.filter(nip="3001").exists()


def test_teacher_and_other_department_cannot_import(world, login):
    url = reverse("interop:etudiants", args=[world.s1.pk])
    assert login("enseignant").get(url).status_code == 403
    assert login("autre").get(url).status_code == 404


def test_apogee_page_reports_and_then_downloads_the_filled_file(world, login, but2):  # noqa: F811 (the fixture imported above, by name)
    client = login("scolarite")
    url = reverse("interop:apogee", args=[but2.pk])
    response = client.post(url, {"maquette": SimpleUploadedFile("m.txt", SAMPLE.read_bytes()),
                                 "correspondance": SimpleUploadedFile("c.yaml", MAPPING)})
    text = response.content.decode()
    assert "23 étudiants de la maquette inconnus de ce semestre" in text and "99999999" in text
    download = client.get(url + "?telecharger=1")
    assert download["Content-Type"] == "text/plain; charset=iso-8859-1"
    assert b"12,35\t20\t\tADM" in download.content and b"\r\n" in download.content
    assert b"lien-apogee" in client.get(reverse("delibe:jury", args=[but2.pk])).content
