"""Students' photos (issue 13): a zip and its mapping sheet, bounded and all or nothing, stored outside
the static files, served to the staff of the student's department only; the trombinoscope of a group."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from delibe.imports.photos import PhotoLimits, read_photos
from delibe.web.audit.models import AuditEntry
from delibe.web.models import StudentPhoto
from delibe.web.services import photos as service
from tests.web.conftest import move_to_group


@pytest.fixture(autouse=True)
def photos_dir(settings, tmp_path):
    settings.DELIBE_PHOTOS_DIR = tmp_path / "photos"
    return settings.DELIBE_PHOTOS_DIR


def image(fmt: str = "JPEG", size: tuple[int, int] = (300, 400), color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def mapping(*rows: str) -> bytes:
    return ("NIP;fichier\n" + "".join(r + "\n" for r in rows)).encode()


def test_photos_named_by_the_sheet_are_re_encoded_stored_outside_static_files_and_journaled(world, photos_dir):
    zip_data = archive({"photos/alpha.png": image("PNG"), "photos/bravo.jpg": image(size=(3000, 4000))})
    done = service.import_photos(user=world.users["scolarite"], department=world.department, zip_data=zip_data,
                                 zip_name="p.zip", mapping_data=mapping("1001;alpha.png", "1002;photos/bravo.jpg"),
                                 mapping_name="c.csv")
    assert (done.created, done.replaced) == (2, 0)
    stored = StudentPhoto.objects.get(student=world.bruno)
    path = photos_dir / stored.path
    assert path.is_file() and path.read_bytes()[:2] == b"\xff\xd8"  # a JPEG, whatever was sent
    assert Image.open(path).size == (480, 640)  # reduced
    assert "static" not in str(path)
    entries = AuditEntry.objects.filter(object_type="student", student_id__in=[world.alice.pk, world.bruno.pk])
    assert {e.new["fichier"] for e in entries} == {"photos/alpha.png", "photos/bravo.jpg"}


def test_without_a_sheet_files_named_after_the_nip_are_used_and_a_new_photo_replaces_the_old(
        world, photos_dir, django_capture_on_commit_callbacks):
    service.import_photos(user=None, department=world.department, zip_data=archive({"1001.jpg": image()}),
                          zip_name="p.zip")
    old = photos_dir / StudentPhoto.objects.get(student=world.alice).path
    with django_capture_on_commit_callbacks(execute=True):
        done = service.import_photos(user=None, department=world.department,
                                     zip_data=archive({"1001.jpg": image(color="red")}), zip_name="p.zip")
    assert (done.created, done.replaced) == (0, 1)
    assert not old.exists() and (photos_dir / StudentPhoto.objects.get(student=world.alice).path).exists()


@pytest.mark.parametrize(("files", "sheet", "message"), [
    ({"1001.jpg": image(), "9999.jpg": image()}, None, "NIP 9999 : aucun étudiant"),
    ({"1001.jpg": image(), "2001.jpg": image()}, None, "NIP 2001 : aucun étudiant de ce numéro dans le département mmi"),
    ({"1001.jpg": b"pas une image"}, None, "ce n'est pas une image lisible"),
    ({"1001.gif": image("GIF")}, mapping("1001;1001.gif"), "format GIF refusé"),
    ({"a.jpg": image()}, mapping("1001;b.jpg"), "b.jpg : fichier absent de l'archive (NIP 1001)"),
    ({"a.jpg": image()}, mapping("1001;a.jpg", "1002;a.jpg"), "ligne 3 : le fichier a.jpg est déjà celui de la ligne 2"),
    ({"a.jpg": image()}, b"nom;photo\nx;a.jpg\n", "colonne « NIP » absente"),
])
def test_one_bad_photo_or_row_refuses_everything_and_names_it(world, photos_dir, files, sheet, message):
    with pytest.raises(service.PhotoError) as failure:
        service.import_photos(user=None, department=world.department, zip_data=archive(files), zip_name="p.zip",
                              mapping_data=sheet, mapping_name="c.csv")
    assert any(message in str(i) for i in failure.value.issues), failure.value.issues
    assert not StudentPhoto.objects.exists() and not AuditEntry.objects.filter(object_type="student").exists()
    assert not list(photos_dir.rglob("*.jpg"))  # no file left behind


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding_it(world):
    big = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(big, "PNG")  # 100 Mpixels in a few kB
    result = read_photos(archive({"1001.png": big.getvalue()}), None)
    assert "image refusée : elle se déclare démesurée" in str(result.errors[0])  # Pillow's MAX_IMAGE_PIXELS
    large = io.BytesIO()
    Image.new("1", (6_000, 5_000)).save(large, "PNG")  # below Pillow's bound, above ours
    result = read_photos(archive({"1001.png": large.getvalue()}), None)
    assert "image de 6000 × 5000 pixels (24 millions au plus)" in str(result.errors[0])


def test_a_zip_bomb_and_too_many_files_are_refused_from_the_directory(world):
    bomb = archive({"1001.jpg": b"\0" * (2 * 1024 * 1024)})
    assert "bombe zip" in str(read_photos(bomb, None, limits=PhotoLimits(ratio=50)).errors[0])
    many = archive({f"{i}.jpg": b"x" for i in range(5)})
    assert "5 fichiers (4 au plus)" in str(read_photos(many, None, limits=PhotoLimits(members=4)).errors[0])
    assert "archive trop volumineuse" in str(read_photos(many, None, limits=PhotoLimits(zip_bytes=10)).errors[0])
    assert "pas une archive ZIP" in str(read_photos(b"PK\x03\x04 garbage", None).errors[0])


# --- pages and permissions ---------------------------------------------------------------------------

def test_the_import_page_stores_the_photos_and_the_student_page_shows_one(world, login):
    client = login("scolarite")
    upload = io.BytesIO(archive({"1001.jpg": image()}))
    upload.name = "photos.zip"
    response = client.post(f"/departements/{world.department.pk}/photos/", {"archive": upload})
    assert response.status_code == 302
    page = client.get(f"/etudiants/{world.alice.pk}/").content.decode()
    assert f'src="/etudiants/{world.alice.pk}/photo.jpg"' in page
    served = client.get(f"/etudiants/{world.alice.pk}/photo.jpg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"]


def test_a_refused_import_page_lists_the_problems_in_french(world, login):
    upload = io.BytesIO(b"not a zip")
    upload.name = "photos.zip"
    response = login("scolarite").post(f"/departements/{world.department.pk}/photos/", {"archive": upload})
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in response.content.decode() and "pas une archive ZIP" in response.content.decode()


@pytest.mark.parametrize(("username", "status"), [
    ("scolarite", 200), ("enseignant", 200), ("president", 200), ("admin", 200),
    ("etudiant", 404), ("autre", 404),
])
def test_a_photo_is_served_only_to_the_staff_of_the_students_department(world, login, username, status):
    service.import_photos(user=None, department=world.department, zip_data=archive({"1001.jpg": image()}),
                          zip_name="p.zip")
    # « etudiant » is Alice herself: not even her own photo (it is the staff's tool)
    assert login(username).get(f"/etudiants/{world.alice.pk}/photo.jpg").status_code == status


@pytest.mark.parametrize(("username", "status"), [
    ("scolarite", 200), ("responsable", 200), ("enseignant", 403), ("etudiant", 404), ("autre", 404),
])
def test_who_may_import_photos(world, login, username, status):
    assert login(username).get(f"/departements/{world.department.pk}/photos/").status_code == status


def test_a_teacher_without_the_import_right_writes_nothing(world, login):
    upload = io.BytesIO(archive({"1001.jpg": image()}))
    upload.name = "photos.zip"
    assert login("enseignant").post(f"/departements/{world.department.pk}/photos/", {"archive": upload}).status_code == 403
    assert not StudentPhoto.objects.exists()


@pytest.mark.parametrize(("username", "status"), [
    ("enseignant", 200), ("scolarite", 200), ("etudiant", 404), ("autre", 404),
])
def test_the_trombinoscope_of_a_group_is_for_the_staff_only(world, login, username, status):
    service.import_photos(user=None, department=world.department, zip_data=archive({"1002.jpg": image()}),
                          zip_name="p.zip")
    b = move_to_group(world.s1, world.bruno, "B")
    response = login(username).get(f"/semestres/{world.s1.pk}/trombinoscope.pdf", {"groupe": b.pk})
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"%PDF") and "trombinoscope-s1-2023-2024-b.pdf" in response["Content-Disposition"]


def test_the_trombinoscope_shows_the_photos_and_names_of_the_group(world):
    from delibe.reports import listes

    html = listes.trombinoscope_html(listes.ListeData("S1", "TD A", (
        listes.ListeRow("Alpha", "Test", "1001", "A", image()), listes.ListeRow("Bravo", "Test", "1002", "A"))))
    assert html.count('src="data:image/jpeg;base64,') == 1 and "pas de photo" in html and "BRAVO" in html


def test_the_command_line_imports_the_photos_or_lists_the_problems(world, tmp_path):
    from click.testing import CliRunner

    from delibe.cli import cli

    good, bad = tmp_path / "ok.zip", tmp_path / "ko.zip"
    good.write_bytes(archive({"1001.jpg": image()}))
    bad.write_bytes(archive({"1001.jpg": image(), "7777.jpg": image()}))
    refused = CliRunner().invoke(cli, ["import", "photos", str(bad), "--departement", "mmi"])
    assert refused.exit_code == 2 and "NIP 7777 : aucun étudiant" in refused.output
    assert not StudentPhoto.objects.exists()
    result = CliRunner().invoke(cli, ["import", "photos", str(good), "--departement", "mmi"])
    assert result.exit_code == 0 and "1 photo(s) ajoutée(s)" in result.output, result.output
    assert AuditEntry.objects.filter(object_type="student", channel="import").count() == 1


def test_the_grade_grid_shows_the_photos_to_the_teacher(world, login):
    service.import_photos(user=None, department=world.department, zip_data=archive({"1001.jpg": image()}),
                          zip_name="p.zip")
    html = login("enseignant").get(f"/evaluations/{world.taught.pk}/saisie/").content.decode()
    assert html.count('class="photo-mini"') == 1 and f'src="/etudiants/{world.alice.pk}/photo.jpg"' in html
