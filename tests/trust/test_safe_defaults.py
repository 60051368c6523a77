"""Safe defaults (issue 19, finding 7): a Content-Security-Policy without inline script, a
Permissions-Policy, nothing personal kept in caches, `delibe serve` local-only in development, SQLite in
WAL mode with a busy timeout, proofs of absence recognised by their content."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.trust.conftest import grade_whole_year

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n%test\n"


def _pages(world) -> list[tuple[str, str]]:
    from delibe.web.models import Evaluation

    taught = Evaluation.objects.get(semester=world.s1, module_code="R1.01")
    return [
        ("enseignant", "/"),
        ("enseignant", reverse("delibe:saisie", args=[taught.pk])),
        ("enseignant", reverse("delibe:import", args=[taught.pk])),
        ("enseignant", reverse("delibe:evaluation_create", args=[world.s1.pk])),
        ("president", reverse("delibe:jury", args=[world.s1.pk])),
        ("scolarite", reverse("delibe:etudiant", args=[world.alice.pk])),
        ("scolarite", reverse("assiduite:appel", args=[world.s1.pk])),
        ("scolarite", reverse("assiduite:justificatifs")),
        ("etudiant", reverse("delibe:mes_resultats")),
        ("anonyme", reverse("delibe:login")),
    ]


def test_every_page_carries_a_csp_without_inline_script_and_holds_no_inline_script(world, client):
    from tests.trust.conftest import PASSWORD

    grade_whole_year(world, 12, 9)
    for user, url in _pages(world):
        client.logout()
        if user != "anonyme":
            assert client.login(username=user, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == 200, (user, url, response.status_code)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'", policy
        assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
        page = response.content.decode()
        inline = [s for s in re.findall(r"<script\b[^>]*>", page) if "src=" not in s and "application/json" not in s]
        assert inline == [], (url, inline)
        assert not re.search(r"\son[a-z]+\s*=", page.split("</head>", 1)[-1]), (url, "inline event handler")


def test_static_scripts_do_not_use_eval():
    for script in (ROOT / "src" / "delibe" / "web" / "static" / "delibe").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert "eval(" not in text and "new Function" not in text, script


def test_every_response_carries_a_permissions_policy(world, client, login):
    for response in (client.get(reverse("delibe:login")), login("scolarite").get("/"),
                     client.get("/api/v1/semestres")):
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_exports_and_api_answers_are_never_stored(world, login, client):
    teacher = login("enseignant")
    for url in ("/", reverse("delibe:saisie", args=[world.taught.pk]), reverse("delibe:feuille", args=[world.taught.pk])):
        response = teacher.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"]
    teacher.logout()
    assert "no-store" in client.get("/api/v1/semestres")["Cache-Control"]


def test_delibe_serve_refuses_a_network_address_in_development_mode_and_says_how_to_run_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIBE_", "DJANGO_", "DATABASE_URL"))}
    env |= {"DELIBE_VAR_DIR": str(tmp_path)}
    result = subprocess.run([str(Path(sys.executable).parent / "delibe"), "serve", "--host", "0.0.0.0", "--no-migrate"],
                            check=False, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode != 0
    assert "refus d'écouter sur « 0.0.0.0 »" in result.stderr
    assert "delibe.config.settings.prod" in result.stderr and "docs/deployment.md" in result.stderr
    assert not (tmp_path / "delibe.sqlite3").exists()  # refused before touching the database


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "delibe.iut.example.fr"])
def test_only_loopback_addresses_are_served_in_development(settings, host):
    import click

    from delibe.cli.web import check_host

    settings.DEBUG = True
    with pytest.raises(click.ClickException):
        check_host(host)
    for local in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"):
        check_host(local)
    settings.DEBUG = False
    check_host(host)  # production settings: the proxy in front decides


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 20000


@pytest.mark.parametrize(("name", "content"), [
    ("certificat.pdf", b"<html><script>alert(1)</script></html>"),  # a page named .pdf
    ("photo.jpg", b"MZ\x90\x00"),  # an executable named .jpg
    ("photo.png", JPEG),  # a JPEG named .png
    ("certificat.pdf", PNG),
    ("vide.pdf", b""),
])
def test_a_proof_is_refused_by_its_content_whatever_its_name(world, settings, tmp_path, name, content):
    from delibe.web.assiduite import services
    from delibe.web.assiduite.models import JustificationRecord

    settings.VAR_DIR = tmp_path
    day = dt.date(2023, 10, 2)
    with pytest.raises(ValidationError, match="justificatif"):
        services.submit_justification(world.users["etudiant"], world.alice, day, day, "Maladie",
                                      piece=SimpleUploadedFile(name, content))
    assert not JustificationRecord.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("certificat.pdf", PDF), ("photo.jpg", JPEG), ("scan.JPEG", JPEG),
                                               ("photo.png", PNG)])
def test_a_real_pdf_jpeg_or_png_proof_is_accepted(world, settings, tmp_path, name, content):
    from delibe.web.assiduite import services

    settings.VAR_DIR = tmp_path
    day = dt.date(2023, 10, 2)
    j = services.submit_justification(world.users["etudiant"], world.alice, day, day, "Maladie",
                                      piece=SimpleUploadedFile(name, content))
    assert j.piece and j.piece.read() == content


def test_the_justification_page_shows_the_content_error_in_french(world, login, settings, tmp_path):
    import html

    settings.VAR_DIR = tmp_path
    page = login("etudiant").post(reverse("assiduite:mon_justificatif"), {
        "debut": "2023-10-02", "fin": "2023-10-02", "motif": "Maladie",
        "piece": SimpleUploadedFile("certificat.pdf", b"GIF89a")})
    assert page.status_code == 200 and "ni un PDF, ni une photo" in html.unescape(page.content.decode())
