"""Department settings (issue 13, item 7): stored in the database, dated, audited, edited on a page by the
department's scolarité; the documents read them through one selector; the logo is a bounded image kept
out of any public folder; no server path is ever shown."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from delibe.web.audit.models import AuditEntry, ObjectType
from delibe.web.models import DepartmentSettings, GradePublication
from delibe.web.selectors import department_settings as selector
from delibe.web.services import department_settings as service
from delibe.web.services.publication import rules_of

ROLES = ("admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "anonyme")


def png(width: int = 40, height: int = 20) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def form_data(**extra):
    data = {"applies_from": "2023-09-01", "etablissement": "IUT de Dijon-Auxerre", "departement": "MMI",
            "signataire_titre": "Le directeur", "publication_notes": "toutes", "afficher_rangs": "on"}
    data.update(extra)
    return data


ACTIONS = {
    "voir les réglages": ("get", {"admin": 200, "scolarite": 200, "responsable": 200, "president": 200,
                                  "enseignant": 403, "etudiant": 404, "autre": 404}),
    "modifier les réglages": ("post", {"admin": 302, "scolarite": 302, "responsable": 403, "president": 403,
                                       "enseignant": 403, "etudiant": 404, "autre": 404}),
    "modifier les règles d'assiduité": ("post-assiduite", {"admin": 302, "scolarite": 302, "responsable": 403,
                                                          "president": 403, "enseignant": 403, "etudiant": 404,
                                                          "autre": 404}),
}


def attendance_data(**extra):
    data = {"formulaire": "assiduite", "assiduite-applies_from": "2024-09-01", "assiduite-reference": "Règlement des études, art. 12 (CA du 3/07/2023)",
            "assiduite-seuil_atj_actif": "on", "assiduite-seuil_atj": "6", "assiduite-penalite_points": "0.1",
            "assiduite-penalite_franchise": "0", "assiduite-penalite_plafond": "2"}
    data.update(extra)
    return data


@pytest.mark.parametrize("action, role, status", [
    pytest.param(a, r, expected.get(r, 302), id=f"{r}-{a}") for a, (_, expected) in ACTIONS.items() for r in ROLES])
def test_permission_matrix_of_the_department_settings(world, login, action, role, status):
    method, _ = ACTIONS[action]
    client = login(role)
    url = f"/departements/{world.department.pk}/reglages/"
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, form_data() if method == "post" else attendance_data())
    assert response.status_code == status, response.content[:400]


def test_the_settings_page_saves_a_dated_row_with_its_logo_and_journals_it(world, login):
    client = login("scolarite")
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = client.post(f"/departements/{world.department.pk}/reglages/",
                           {**form_data(president="Mme Présidente"), "logo_file": logo})
    assert response.status_code == 302
    row = DepartmentSettings.objects.get(department=world.department)
    assert row.applies_from == dt.date(2023, 9, 1) and row.logo_type == "image/png" and row.president == "Mme Présidente"
    entry = AuditEntry.objects.get(object_type=ObjectType.SETTINGS)
    assert entry.new["president"] == "Mme Présidente" and entry.new["logo"] and entry.department_id == world.department.pk
    page = client.get(f"/departements/{world.department.pk}/reglages/").content.decode()
    assert 'src="data:image/png;base64,' in page and "/var/" not in page


def test_the_settings_in_force_depend_on_the_date(world):
    scolarite = world.users["scolarite"]
    service.save_settings(actor=scolarite, department=world.department, applies_from=dt.date(2023, 9, 1),
                          values={"president": "A"})
    service.save_settings(actor=scolarite, department=world.department, applies_from=dt.date(2024, 9, 1),
                          values={"ville": "Dijon"})
    assert selector.document_settings(world.department, on=dt.date(2024, 1, 1)).president == "A"
    later = selector.document_settings(world.department, on=dt.date(2025, 1, 1))
    assert later.president == "A" and later.config.ville == "Dijon", "a new row starts from the one in force"
    assert later.config.signataire_nom == "A", "the signatory defaults to the jury's president"
    assert selector.document_settings(world.department, on=dt.date(2020, 1, 1)).president == "A", \
        "before the first row, the first row applies"


def test_a_row_dated_before_a_closed_jury_is_refused(world):
    from .conftest import close_jury

    scolarite = world.users["scolarite"]
    service.save_settings(actor=scolarite, department=world.department, applies_from=dt.date(2023, 9, 1),
                          values={"president": "A"})
    close_jury(world, world.s1)
    with pytest.raises(service.SettingsError, match="clos"):
        service.save_settings(actor=scolarite, department=world.department, applies_from=dt.date(2024, 1, 1),
                              values={"president": "B"})
    with pytest.raises(service.SettingsError, match="clos"):
        service.save_settings(actor=scolarite, department=world.department, applies_from=dt.date(2023, 9, 1),
                              values={"president": "B"})


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4 pas une image", "PNG ou JPEG"),
    (b"\x89PNG" + b"0" * (service.LOGO_MAX_BYTES + 1), "Ko"),
])
def test_a_logo_that_is_not_a_small_image_is_refused(world, data, message):
    with pytest.raises(service.SettingsError, match=message):
        service.save_settings(actor=world.users["scolarite"], department=world.department,
                              applies_from=dt.date(2023, 9, 1), values={}, logo=data)
    assert not DepartmentSettings.objects.exists()


def test_a_logo_too_large_in_pixels_is_refused_on_the_page_with_the_field_named(world, login):
    big = SimpleUploadedFile("logo.png", png(3000, 10), content_type="image/png")
    response = login("scolarite").post(f"/departements/{world.department.pk}/reglages/",
                                       {**form_data(), "logo_file": big})
    assert response.status_code == 400 and "3000 × 10 pixels" in response.content.decode()


def test_the_documents_carry_the_logo_as_data_not_as_a_path(world):
    service.save_settings(actor=world.users["scolarite"], department=world.department,
                          applies_from=dt.date(2023, 9, 1), values={}, logo=png())
    config = selector.run_document_settings(world.s1).config
    assert config.logo is not None and config.logo.startswith("data:image/png;base64,")


def test_the_publication_defaults_of_the_department_apply_to_a_semester_without_its_own(world):
    assert rules_of(world.s1).everything
    service.save_settings(actor=world.users["scolarite"], department=world.department,
                          applies_from=dt.date(2020, 1, 1),
                          values={"publication_notes": GradePublication.AUCUNE, "publication_rangs": False})
    rules = rules_of(world.s1)
    assert rules.notes == GradePublication.AUCUNE and not rules.rangs and rules.moyennes


def test_only_the_scolarite_of_the_department_saves_its_settings(world):
    for user in ("responsable", "autre", "enseignant"):
        with pytest.raises(PermissionDenied):
            service.save_settings(actor=world.users[user], department=world.department,
                                  applies_from=dt.date(2023, 9, 1), values={})


def test_the_former_yaml_file_imports_as_a_dated_row(world, tmp_path):
    (tmp_path / "logo.png").write_bytes(png())
    path = tmp_path / "mmi.yaml"
    path.write_text("etablissement: IUT de Dijon-Auxerre\npresident: M. Le Directeur\nmembres: [Mme A, M. B]\n"
                    "logo: logo.png\nafficher_rangs: false\n", encoding="utf-8")
    row = service.import_yaml(actor=world.users["admin"], department=world.department, path=path,
                              applies_from=dt.date(2023, 9, 1))
    assert row.etablissement == "IUT de Dijon-Auxerre" and row.membres == "Mme A\nM. B" and row.logo
    assert row.afficher_rangs is False
    path.write_text("presidente: x\n", encoding="utf-8")
    with pytest.raises(service.SettingsError, match="presidente"):
        service.import_yaml(actor=world.users["admin"], department=world.department, path=path,
                            applies_from=dt.date(2024, 9, 1))


def test_the_command_line_imports_the_former_yaml_file(world, tmp_path):
    from click.testing import CliRunner
    from django.contrib.auth import get_user_model

    from delibe.cli.documents import documents

    get_user_model().objects.create_superuser("root", password="x-long-password-1")
    path = tmp_path / "mmi.yaml"
    path.write_text("president: M. Le Directeur\n", encoding="utf-8")
    result = CliRunner().invoke(documents, ["importer-reglages", str(path), "--departement", "mmi",
                                            "--a-partir-du", "2023-09-01"])
    assert result.exit_code == 0, result.output
    assert DepartmentSettings.objects.get(department=world.department).president == "M. Le Directeur"
    assert AuditEntry.objects.get(object_type=ObjectType.SETTINGS).channel == "cli"
    bad = CliRunner().invoke(documents, ["importer-reglages", str(path), "--departement", "nope",
                                         "--a-partir-du", "2023-09-01"])
    assert bad.exit_code == 2 and "inconnu" in bad.output


def test_the_attendance_rules_are_set_on_the_settings_page_and_journalled(world, login):
    from delibe.web.assiduite.models import ReglementConfig
    from delibe.web.assiduite.services import reglement_for

    client = login("scolarite")
    url = f"/departements/{world.department.pk}/reglages/"
    refused = client.post(url, attendance_data(**{"assiduite-reference": ""}))
    assert refused.status_code == 400 and "citer le règlement" in refused.content.decode()
    assert not ReglementConfig.objects.exists()
    assert client.post(url, attendance_data()).status_code == 302
    assert reglement_for(world.department.pk).regles[0].seuil == 6
    entry = AuditEntry.objects.get(object_type=ObjectType.SETTINGS, object_id=f"assiduite:{world.department.pk}")
    assert entry.old is None and entry.new["seuil_atj"] == 6


def test_a_logo_declaring_a_huge_size_is_refused_before_being_decoded(world):
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    def declared(width: int, height: int) -> bytes:
        header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")

    with pytest.raises(service.SettingsError, match="5000 × 10 pixels"):
        service.checked_logo(declared(5000, 10))
    with pytest.raises(service.SettingsError, match="Logo"):  # Pillow's own bomb guard, also refused
        service.checked_logo(declared(100_000, 100_000))
    gif = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(service.SettingsError, match="PNG ou JPEG"):
        service.checked_logo(gif.getvalue())


def test_the_attendance_rules_are_dated_and_a_closed_jury_keeps_those_of_its_date(world):
    from delibe.web.assiduite.services import reglement_for, reglement_for_run, save_attendance_rules

    from .conftest import close_jury

    scolarite = world.users["scolarite"]
    rule = {"reference": "RI art. 12", "seuil_atj_actif": True, "seuil_atj": 6}
    save_attendance_rules(actor=scolarite, department_id=world.department.pk, values=rule,
                          applies_from=dt.date(2023, 9, 1))
    assert reglement_for(world.department.pk, dt.date(2023, 8, 31)).regles == (), "no rule before the first row"
    close_jury(world, world.s1)
    with pytest.raises(ValidationError, match="clos"):
        save_attendance_rules(actor=scolarite, department_id=world.department.pk, values={"seuil_atj": 3},
                              applies_from=dt.date(2024, 1, 1))
    later = dt.date.today() + dt.timedelta(days=1)
    save_attendance_rules(actor=scolarite, department_id=world.department.pk, values={"seuil_atj": 3},
                          applies_from=later)
    assert reglement_for_run(world.s1).regles[0].seuil == 6, "the closed jury keeps the rules of its date"
    assert reglement_for(world.department.pk, later).regles[0].seuil == 3
    assert reglement_for(world.department.pk, later).reference.startswith("RI art. 12"), "a new row starts from the one in force"
