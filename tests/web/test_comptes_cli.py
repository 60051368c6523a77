"""``delibe comptes``: accounts and roles from a script, through the page's services, journaled « cli »."""

from __future__ import annotations

import json

from click.testing import CliRunner
from django.contrib.auth import get_user_model

from delibe.cli import cli
from delibe.web.audit.models import AuditEntry


def _run(*args):
    return CliRunner().invoke(cli, ["comptes", *args])


def test_a_script_creates_an_account_invites_it_and_gives_it_roles_in_two_departments(world, mailoutbox):
    result = _run("creer", "jdupont", "--courriel", "jd@example.org", "--role", "enseignant", "--departement",
                  "mmi", "--prenom", "Jeanne", "--nom", "Dupont", "--inviter", "--adresse", "https://delibe.example.fr")
    assert result.exit_code == 0, result.output
    assert "https://delibe.example.fr/" in result.output and mailoutbox[-1].to == ["jd@example.org"]
    result = _run("donner-role", "jdupont", "--role", "responsable", "--departement", "mmi", "--departement", "geii")
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="jdupont")
    assert sorted((m.role, m.department.code) for m in user.memberships.select_related("department")) == [
        ("enseignant", "mmi"), ("responsable", "geii"), ("responsable", "mmi")]
    assert {"account", "membership"} <= set(AuditEntry.objects.filter(channel="cli").values_list("object_type", flat=True))


def test_a_script_lists_deactivates_and_removes_a_role(world):
    listed = json.loads(_run("lister", "--departement", "geii", "--json").output)
    assert [a["identifiant"] for a in listed] == ["autre"] and listed[0]["roles"] == ["scolarite@geii"]
    assert _run("desactiver", "enseignant", "--motif", "départ").exit_code == 0
    assert not get_user_model().objects.get(username="enseignant").is_active
    assert _run("reactiver", "enseignant").exit_code == 0
    assert _run("retirer-role", "enseignant", "--role", "enseignant", "--departement", "mmi").exit_code == 0
    assert not world.users["enseignant"].memberships.exists()


def test_bad_input_is_a_french_error_with_exit_code_2_and_nothing_written(world):
    before = AuditEntry.objects.count()
    for args, words in [
        (("creer", "x y", "--courriel", "a@example.org", "--role", "enseignant", "--departement", "mmi"), "sans espace"),
        (("creer", "zz", "--courriel", "a@example.org", "--role", "enseignant", "--departement", "nulle"),
         "aucun département"),
        (("creer", "zz", "--courriel", "a@example.org", "--role", "enseignant"), "Département"),
        (("desactiver", "personne"), "aucun compte"),
        (("retirer-role", "enseignant", "--role", "president", "--departement", "mmi"), "n'a pas le rôle"),
        (("inviter", "enseignant"), "pas de courriel"),
    ]:
        result = _run(*args)
        assert result.exit_code == 2 and words in result.output, (args, result.output)
    assert AuditEntry.objects.count() == before
