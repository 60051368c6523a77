"""Production settings pass Django's deployment checks; failed logins are throttled per account (the
username normalised) and per address (django-axes); no role reaches another department's or another student's data through the pages (404/403)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "delibe.config.settings.prod",
    "DELIBE_SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "DELIBE_ALLOWED_HOSTS": "delibe.iut.example.fr",
    "DATABASE_URL": "sqlite:////tmp/delibe-deploy-check-unused.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DELIBE_", "DJANGO_"))} | env
    return subprocess.run([sys.executable, "-m", "django", *args], check=False, env=full, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_manage_check_deploy_is_clean_on_the_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DELIBE_SECRET_KEY", "DELIBE_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secret_or_hosts(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"La variable d'environnement {missing} est obligatoire" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _manage("check", env=PROD_ENV | {"DELIBE_SECRET_KEY": "court"})
    assert result.returncode != 0 and "trop courte" in result.stderr


def test_production_validates_passwords():
    code = ("import django; django.setup(); from django.contrib.auth.password_validation import validate_password\n"
            "from django.core.exceptions import ValidationError\n"
            "for p in ('motdepasse', '12345678901234', 'azerty'):\n"
            "    try: validate_password(p); print('ACCEPTED', p)\n"
            "    except ValidationError: pass\n"
            "validate_password('Jury-de-BUT-2024-sans-faille'); print('OK')")
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DELIBE_", "DJANGO_"))} | PROD_ENV
    result = subprocess.run([sys.executable, "-c", code], check=False, env=full, capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.stdout.strip() == "OK", result.stdout + result.stderr


# --- login throttling (django-axes, web/audit/throttle.py) -----------------------------------------

def _login(client, username, password, ip="10.0.0.1"):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _refused(response) -> bool:
    import html

    return response.status_code == 429 and "Trop d'échecs de connexion" in html.unescape(response.content.decode())


def test_after_the_limit_an_account_is_refused_even_with_the_right_password_and_from_another_address(
        world, client, settings):
    from tests.trust.conftest import PASSWORD

    settings.AXES_FAILURE_LIMIT = 5
    for n in range(4):
        assert _login(client, "scolarite", "mauvais", ip=f"10.0.1.{n}").status_code == 200  # the form again
    assert _refused(_login(client, "scolarite", "mauvais", ip="10.0.1.9"))  # the 5th failure locks the account
    assert _refused(_login(client, "scolarite", PASSWORD, ip="10.0.2.1"))  # any address, right password
    assert _login(client, "president", PASSWORD, ip="10.0.2.2").status_code == 302  # another account


@pytest.mark.parametrize("variants", [
    ["ｒｅｓｐｏｎｓａｂｌｅ"] * 5,  # fullwidth letters, as in the issue
    ["Responsable", "RESPONSABLE", "ｒｅｓｐｏｎｓａｂｌｅ", "ＲＥＳＰＯＮＳＡＢＬＥ", "responsable"],
    ["responsable ", "ʳesponsable", "responſable", "ｒｅｓｐｏｎｓａｂｌｅ", "RESPONSABLE"],
])
def test_unicode_and_case_variants_of_a_username_count_against_the_same_account(world, client, settings, variants):
    from tests.trust.conftest import PASSWORD

    settings.AXES_FAILURE_LIMIT = 5
    for n, name in enumerate(variants):
        _login(client, name, "mauvais", ip=f"10.0.3.{n}")
    assert _refused(_login(client, "ｒｅｓｐｏｎｓａｂｌｅ", PASSWORD, ip="10.0.4.1"))
    assert _refused(_login(client, "responsable", PASSWORD, ip="10.0.4.2"))


def test_one_password_sprayed_over_many_accounts_locks_the_address(world, client, settings):
    from tests.trust.conftest import PASSWORD

    settings.AXES_FAILURE_LIMIT = 5
    accounts = ["admin", "scolarite", "responsable", "enseignant", "president", "etudiant", "autre", "inconnu"]
    answers = [_login(client, name, "Printemps2024!", ip="10.0.5.5") for name in accounts]
    assert sum(_refused(a) for a in answers) >= len(accounts) - 4  # locked from the 5th account on
    assert _refused(_login(client, "president", PASSWORD, ip="10.0.5.5"))  # even a right password
    assert _login(client, "president", PASSWORD, ip="10.0.5.6").status_code == 302  # other addresses unaffected


def test_a_few_mistakes_below_the_limit_do_not_stop_a_user(world, client, settings):
    from tests.trust.conftest import PASSWORD

    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(3):
        assert _login(client, "enseignant", "mauvais").status_code == 200
    assert _login(client, "enseignant", PASSWORD).status_code == 302


def test_the_lockout_page_is_french_and_says_when_to_retry(world, client, settings):
    import html

    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "scolarite", "x")
    page = html.unescape(_login(client, "scolarite", "x").content.decode())
    assert "Connexion suspendue" in page and "Réessayez dans 15 minute(s)" in page and 'lang="fr"' in page


def test_the_admin_login_is_throttled_too(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR="10.0.6.1")
    assert response.status_code == 429


# --- IDOR: other department, other student ---------------------------------------------------------

@pytest.fixture
def foreign(world):
    """Objects of the other department (and one of this department for the cross-department mixes)."""
    from delibe.web.models import Evaluation

    evaluation = Evaluation.objects.create(semester=world.other_run, module_code="R1.01", titre="Secret")
    return {"run": world.other_run.pk, "eval": evaluation.pk, "student": world.other_student.pk,
            "formation": world.other_run.formation_id, "own_run": world.s1.pk}


FOREIGN_URLS = [
    ("get", "/formations/{formation}/"),
    ("get", "/semestres/{run}/"),
    ("get", "/semestres/{run}/evaluations/nouvelle/"),
    ("get", "/evaluations/{eval}/saisie/"),
    ("post", "/evaluations/{eval}/note/"),
    ("get", "/evaluations/{eval}/feuille.xlsx"),
    ("get", "/evaluations/{eval}/import/"),
    ("post", "/evaluations/{eval}/import/confirmer/"),
    ("get", "/semestres/{run}/jury/"),
    ("get", "/semestres/{run}/jury/etudiants/{student}/"),
    ("get", "/semestres/{run}/jury/etudiants/{student}/motifs/"),
    ("post", "/semestres/{run}/jury/propositions/"),
    ("post", "/semestres/{run}/jury/cloture/"),
    ("get", "/semestres/{own_run}/jury/etudiants/{student}/"),  # own semester, foreign student
    ("get", "/etudiants/{student}/"),
    ("get", "/journal/etudiants/{student}/"),
    ("get", "/journal/etudiants/{student}/?format=csv"),
    ("get", "/journal/evaluations/{eval}/"),
    ("post", "/journal/evaluations/{eval}/annuler/"),
    ("get", "/journal/semestres/{run}/"),
    ("post", "/journal/semestres/{run}/reouvrir/"),
]


@pytest.mark.parametrize("role", ["scolarite", "responsable", "enseignant", "president", "etudiant"])
@pytest.mark.parametrize("method,url", FOREIGN_URLS)
def test_no_role_reaches_another_departments_objects(world, foreign, login, role, method, url):
    client = login(role)
    path = url.format(**foreign)
    response = client.post(path, data="{}", content_type="application/json") if method == "post" else client.get(path)
    assert response.status_code in (403, 404), (role, path, response.status_code)
    body = response.content.decode(errors="replace")
    assert "Autre" not in body and "Secret" not in body


OTHER_STUDENT_URLS = [
    "/etudiants/{bruno}/", "/journal/etudiants/{bruno}/", "/journal/etudiants/{bruno}/?format=csv",
    "/semestres/{s1}/jury/etudiants/{bruno}/", "/semestres/{s1}/jury/etudiants/{bruno}/motifs/",
    "/semestres/{s1}/", "/evaluations/{taught}/saisie/", "/journal/evaluations/{taught}/", "/etudiants/",
]


@pytest.mark.parametrize("url", OTHER_STUDENT_URLS)
def test_a_student_reaches_neither_a_classmate_nor_the_staff_pages(world, login, url):
    path = url.format(bruno=world.bruno.pk, s1=world.s1.pk, taught=world.taught.pk)
    response = login("etudiant").get(path)
    assert response.status_code in (403, 404), (path, response.status_code)
    assert "BRAVO" not in response.content.decode(errors="replace").upper()


@pytest.mark.parametrize("url", ["/journal/evaluations/{untaught}/", "/evaluations/{untaught}/feuille.xlsx",
                                 "/evaluations/{untaught}/saisie/"])
def test_a_teacher_does_not_read_the_grades_of_a_module_they_do_not_teach(world, login, url):
    response = login("enseignant").get(url.format(untaught=world.untaught.pk))
    assert response.status_code in (403, 404)


def test_the_anonymous_visitor_is_sent_to_the_login_page_everywhere(world, foreign, client):
    for _method, url in FOREIGN_URLS:
        response = client.get(url.format(**foreign))
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/connexion/")
