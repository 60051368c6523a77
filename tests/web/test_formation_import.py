"""Creating a department and importing a formation on the web (issue 13): the administrator creates a
department; the department's scolarité or responsable (or the administrator) uploads a formation file or
picks a shipped one, sees a preview (title, parcours, semesters, UEs, errors naming their place), then
confirms: all or nothing, audited, a new version when the declared one is used by a locked semester."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.conftest import FORMATION_TEXT
from tests.web.test_permissions import ROLES

pytestmark = pytest.mark.django_db

OTHER_TEXT = FORMATION_TEXT.replace("id: but-mmi-dijon", "id: but-mmi-nevers", 1)


def upload(text: str, name: str = "formation.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


# --- services ------------------------------------------------------------------------------------------

def test_an_administrator_creates_a_department_and_the_journal_says_so(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.services.departements import create_department

    department = create_department(user=world.users["admin"], code="info-dijon", nom="Informatique")
    assert department.nom == "Informatique"
    entry = AuditEntry.objects.get(object_type="department", object_id=str(department.pk))
    assert entry.username == "admin" and entry.new == {"code": "info-dijon", "nom": "Informatique"}


@pytest.mark.parametrize("code, nom, field", [("MMI Dijon", "x", "Code"), ("", "x", "Code"), ("ok", " ", "Nom"),
                                              ("mmi", "Doublon", "Code")])
def test_a_bad_or_taken_department_code_is_refused_naming_the_field(world, code, nom, field):
    from delibe.web.models import Department
    from delibe.web.services.departements import DepartmentError, create_department

    before = Department.objects.count()
    with pytest.raises(DepartmentError, match=f"^{field} :"):
        create_department(user=world.users["admin"], code=code, nom=nom)
    assert Department.objects.count() == before


def test_the_preview_of_a_new_formation_gives_its_title_parcours_semesters_and_ues(world):
    from delibe.web.services.formations import preview_formation

    preview = preview_formation(world.other_department, OTHER_TEXT, "nevers.yaml")
    assert preview.ok and preview.slug == "but-mmi-nevers" and preview.version == 1
    assert "Multimédia" in preview.titre
    assert {code for code, _ in preview.parcours} >= {"Créa"}
    assert [s.numero for s in preview.semestres] == [1, 2, 3, 4, 5, 6]
    assert preview.ues == sum(s.ues for s in preview.semestres) > 0
    assert preview.outcome.startswith("Nouvelle formation but-mmi-nevers v1")


def test_a_broken_formation_file_is_refused_with_the_line_and_field_named(world):
    from delibe.web.services.formations import preview_formation

    broken = OTHER_TEXT.replace("version: 1", "version: un", 1)
    preview = preview_formation(world.department, broken, "nevers.yaml")
    assert not preview.ok
    assert any(e.startswith("nevers.yaml, ligne 10, version") for e in preview.errors), preview.errors


def test_yaml_aliases_are_refused_before_anything_expands(world):
    from delibe.web.services.formations import preview_formation

    preview = preview_formation(world.department, "a: &x [1]\nb: *x\n", "bombe.yaml")
    assert not preview.ok and "alias" in preview.errors[0]


def test_an_identifier_of_another_departments_formation_is_refused(world):
    from delibe.web.services.formations import preview_formation

    preview = preview_formation(world.department, FORMATION_TEXT.replace("id: but-mmi-dijon", "id: but-mmi-auxerre", 1)
                                .replace("version: 1", "version: 2", 1), "x.yaml")
    assert not preview.ok and "GEII" in preview.errors[0]


def test_the_same_text_again_changes_nothing(world):
    from delibe.web.models import FormationVersion
    from delibe.web.services.formations import import_formation, preview_formation

    preview = preview_formation(world.department, FORMATION_TEXT, "but-mmi-dijon.yaml")
    assert preview.ok and "rien ne changera" in preview.outcome
    assert import_formation(user=world.users["admin"], department=world.department, text=FORMATION_TEXT,
                            filename="but-mmi-dijon.yaml") == world.version
    assert FormationVersion.objects.filter(slug="but-mmi-dijon").count() == 1


def test_a_changed_file_keeping_its_version_number_is_refused_while_no_jury_is_closed(world):
    from delibe.web.services.formations import preview_formation

    changed = FORMATION_TEXT.replace('annee_universitaire: "2023-2024"', 'annee_universitaire: "2024-2025"', 1)
    preview = preview_formation(world.department, changed, "but-mmi-dijon.yaml")
    assert not preview.ok and "augmentez le numéro de version" in preview.errors[0]


def test_a_version_used_by_a_locked_semester_is_kept_and_the_file_becomes_a_new_version(world):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.services.formations import import_formation, preview_formation

    world.s1.locked = True
    world.s1.save()
    changed = FORMATION_TEXT.replace('annee_universitaire: "2023-2024"', 'annee_universitaire: "2024-2025"', 1)
    preview = preview_formation(world.department, changed, "but-mmi-dijon.yaml")
    assert preview.ok and "nouvelle version v2" in preview.outcome
    stored = import_formation(user=world.users["scolarite"], department=world.department, text=changed,
                              filename="but-mmi-dijon.yaml")
    assert stored.version == 2 and world.version.yaml_text == FORMATION_TEXT
    world.version.refresh_from_db()
    assert world.version.yaml_text == FORMATION_TEXT
    assert AuditEntry.objects.filter(object_type="formation", object_id=str(stored.pk), username="scolarite").exists()


def test_the_shipped_formations_are_offered_by_identifier_never_by_path(world):
    from delibe.web.services.formations import FormationLoadError, bundled_formations, bundled_text

    assert "but-mmi-dijon" in dict(bundled_formations())
    name, text = bundled_text("but-mmi-dijon")
    assert name == "but-mmi-dijon.yaml" and text == FORMATION_TEXT
    with pytest.raises(FormationLoadError):
        bundled_text("../../etc/passwd")


# --- pages ---------------------------------------------------------------------------------------------

def test_the_administrator_creates_a_department_from_the_page(world, login):
    from delibe.web.models import Department

    client = login("admin")
    assert "Créer un département" in client.get("/").content.decode()
    response = client.post("/departements/nouveau/", {"code": "info", "nom": "Informatique"})
    department = Department.objects.get(code="info")
    assert response["Location"] == f"/departements/{department.pk}/formations/import/"
    refused = client.post("/departements/nouveau/", {"code": "info", "nom": "Encore"})
    assert refused.status_code == 400 and "existe déjà" in refused.content.decode()


def test_an_uploaded_formation_is_previewed_then_stored_on_confirmation(world, login):
    from delibe.web.models import FormationVersion

    client = login("responsable")
    url = f"/departements/{world.department.pk}/formations/import/"
    page = client.post(url, {"fichier": upload(OTHER_TEXT)})
    assert page.status_code == 200 and "Aperçu" in page.content.decode()
    assert not FormationVersion.objects.filter(slug="but-mmi-nevers").exists()  # nothing before confirming
    done = client.post(url + "confirmer/")
    stored = FormationVersion.objects.get(slug="but-mmi-nevers")
    assert stored.department == world.department and done["Location"] == f"/formations/{stored.pk}/"
    again = client.post(url + "confirmer/")  # the pending import is used once
    assert again["Location"] == url


def test_a_shipped_formation_can_be_chosen_instead_of_a_file(world, login):
    client = login("admin")
    department = client.post("/departements/nouveau/", {"code": "neuf", "nom": "Neuf"})
    url = department["Location"]
    page = client.post(url, {"fournie": "but-mmi-dijon"})
    # but-mmi-dijon already belongs to the world's department: refused, naming the other department
    assert page.status_code == 400 and "MMI" in page.content.decode()
    assert client.post(url, {"fournie": "nexiste-pas"}).status_code == 400
    assert "déposez un fichier" in client.post(url, {}).content.decode()


def test_a_broken_upload_shows_its_errors_and_stores_nothing(world, login):
    from delibe.web.models import FormationVersion

    client = login("scolarite")
    url = f"/departements/{world.department.pk}/formations/import/"
    before = FormationVersion.objects.count()
    page = client.post(url, {"fichier": upload("format: delibe-formation/1\nid: x\n", "x.yaml")})
    assert page.status_code == 400 and "Formation refusée" in page.content.decode()
    assert client.post(url + "confirmer/")["Location"] == url
    assert FormationVersion.objects.count() == before


def test_a_file_over_the_upload_limit_is_refused(world, login, monkeypatch):
    from delibe.web.views import formations_import

    monkeypatch.setattr(formations_import, "MAX_UPLOAD_BYTES", 100)
    client = login("scolarite")
    page = client.post(f"/departements/{world.department.pk}/formations/import/", {"fichier": upload(OTHER_TEXT)})
    assert page.status_code == 400 and "trop volumineux" in page.content.decode()


@pytest.mark.parametrize("role, shown", [("admin", True), ("scolarite", True), ("responsable", True),
                                         ("enseignant", False), ("president", False)])
def test_the_home_page_links_the_formation_import_for_those_who_may_import(world, login, role, shown):
    assert ("Importer une formation" in login(role).get("/").content.decode()) is shown


# --- permissions -----------------------------------------------------------------------------------------

def expect(allowed: int) -> dict[str, int]:
    return {"admin": allowed, "scolarite": allowed, "responsable": allowed, "enseignant": 403, "president": 403,
            "etudiant": 404, "autre": 404}


ACTIONS = {
    "voir la création d'un département": ("get", lambda w: "/departements/nouveau/", None,
                                          {"admin": 200, **{r: 403 for r in ROLES if r not in ("admin", "anonyme")}}),
    "créer un département": ("post", lambda w: "/departements/nouveau/", lambda w: {"code": "neuf", "nom": "Neuf"},
                             {"admin": 302, **{r: 403 for r in ROLES if r not in ("admin", "anonyme")}}),
    "voir l'import de formation": ("get", lambda w: f"/departements/{w.department.pk}/formations/import/", None,
                                   expect(200)),
    "prévisualiser une formation": ("post", lambda w: f"/departements/{w.department.pk}/formations/import/",
                                    lambda w: {"fichier": upload(OTHER_TEXT)}, expect(200)),
    "confirmer une formation": ("post", lambda w: f"/departements/{w.department.pk}/formations/import/confirmer/",
                                lambda w: {}, expect(302)),
    "importer dans un autre département": (
        "post", lambda w: f"/departements/{w.other_department.pk}/formations/import/",
        lambda w: {"fichier": upload(OTHER_TEXT)},
        {"admin": 200, "scolarite": 404, "responsable": 404, "enseignant": 404, "president": 404, "etudiant": 404,
         "autre": 200}),
}

CASES = [pytest.param(action, role, expected.get(role, 302), id=f"{role}-{action}")
         for action, (_, _, _, expected) in ACTIONS.items() for role in ROLES]


@pytest.mark.parametrize("action, role, status", CASES)
def test_department_and_formation_import_permission_matrix(world, login, action, role, status):
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Department, FormationVersion

    method, url, post, _ = ACTIONS[action]
    before = (Department.objects.count(), FormationVersion.objects.count(), AuditEntry.objects.count())
    client = login(role)
    response = client.get(url(world)) if method == "get" else client.post(url(world), post(world))
    assert response.status_code == status, response.content[:300]
    if role == "anonyme":
        assert response["Location"].startswith("/connexion/")
    if status in (403, 404) or role == "anonyme":
        after = (Department.objects.count(), FormationVersion.objects.count(), AuditEntry.objects.count())
        assert after == before  # a refused request writes nothing


def test_a_teacher_cannot_confirm_an_import_prepared_in_the_session_of_someone_else(world, login, client):
    from delibe.web.models import FormationVersion

    login("enseignant")
    session = client.session
    session[f"delibe-import-formation-{world.department.pk}"] = {"text": OTHER_TEXT, "filename": "x.yaml"}
    session.save()
    assert client.post(f"/departements/{world.department.pk}/formations/import/confirmer/").status_code == 403
    assert not FormationVersion.objects.filter(slug="but-mmi-nevers").exists()


# --- a ScoDoc export -----------------------------------------------------------------------------------------

def test_a_scodoc_export_and_its_referentiel_are_converted_previewed_then_stored(world, login):
    import json

    from delibe.web.models import FormationVersion
    from tests.interop.test_formation_scodoc import REFERENTIEL, export

    client = login("scolarite")
    url = f"/departements/{world.department.pk}/formations/import/"
    page = client.post(url, {
        "scodoc": SimpleUploadedFile("export.json", json.dumps(export()).encode()),
        "referentiel": SimpleUploadedFile(REFERENTIEL.name, REFERENTIEL.read_bytes()),
        "identifiant": "but-mmi-scodoc"})
    text = page.content.decode()
    assert page.status_code == 200, text[-2000:]
    assert "but-mmi-scodoc v3" in text and "Sport" in text  # the bonus UE is named in the warnings
    client.post(url + "confirmer/")
    assert FormationVersion.objects.get(slug="but-mmi-scodoc").department == world.department


def test_a_scodoc_export_without_its_referentiel_or_unreadable_is_refused(world, login):
    from tests.interop.test_formation_scodoc import REFERENTIEL

    client = login("scolarite")
    url = f"/departements/{world.department.pk}/formations/import/"
    alone = client.post(url, {"scodoc": SimpleUploadedFile("export.json", b"{}"), "identifiant": "x"})
    assert alone.status_code == 400 and "référentiel" in alone.content.decode()
    broken = client.post(url, {"scodoc": SimpleUploadedFile("export.json", b"{pas du json"),
                               "referentiel": SimpleUploadedFile(REFERENTIEL.name, REFERENTIEL.read_bytes()),
                               "identifiant": "but-x"})
    assert broken.status_code == 400 and "export.json" in broken.content.decode()
    bad_id = client.post(url, {"scodoc": SimpleUploadedFile("export.json", b"{}"),
                               "referentiel": SimpleUploadedFile(REFERENTIEL.name, REFERENTIEL.read_bytes()),
                               "identifiant": "Pas Bon"})
    assert bad_id.status_code == 400 and "Identifiant" in bad_id.content.decode()


# --- the command line -------------------------------------------------------------------------------------------

def test_the_command_line_creates_a_department_and_imports_a_formation_with_the_same_services(world, tmp_path):
    from click.testing import CliRunner

    from delibe.cli.interop import departement
    from delibe.web.audit.models import AuditEntry
    from delibe.web.models import Department, FormationVersion

    created = CliRunner().invoke(departement, ["creer", "info", "--nom", "Informatique"])
    assert created.exit_code == 0, created.output
    info = Department.objects.get(code="info")
    assert AuditEntry.objects.filter(object_type="department", object_id=str(info.pk), channel="cli").exists()
    assert CliRunner().invoke(departement, ["creer", "info", "--nom", "Encore"]).exit_code == 2

    source = tmp_path / "nevers.yaml"
    source.write_text(OTHER_TEXT, encoding="utf-8")
    preview = CliRunner().invoke(departement, ["formation", "info", str(source)])
    assert preview.exit_code == 0 and "Nouvelle formation but-mmi-nevers v1" in preview.output
    assert not FormationVersion.objects.filter(slug="but-mmi-nevers").exists()
    stored = CliRunner().invoke(departement, ["formation", "info", str(source), "--confirmer"])
    assert stored.exit_code == 0, stored.output
    assert FormationVersion.objects.get(slug="but-mmi-nevers").department == info

    source.write_text(OTHER_TEXT.replace("version: 1", "version: x", 1), encoding="utf-8")
    refused = CliRunner().invoke(departement, ["formation", "info", str(source), "--confirmer"])
    assert refused.exit_code == 2 and "nevers.yaml, ligne 10, version" in refused.output
