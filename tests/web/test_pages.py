"""Every main page renders for the role it is made for, in French, with its landmarks."""

from __future__ import annotations

import pytest

from .conftest import grade_whole_year

PAGES = [
    ("login", "anonyme", lambda w: "/connexion/", "Connexion"),
    ("accueil scolarité", "scolarite", lambda w: "/", "Semestres"),
    ("accueil enseignant", "enseignant", lambda w: "/", "Mes enseignements"),
    ("accueil président", "president", lambda w: "/", "Semestres"),
    ("accueil administrateur", "admin", lambda w: "/", "Formations"),
    ("formation et contrôle", "responsable", lambda w: f"/formations/{w.version.pk}/", "Contrôle de la formation"),
    ("tableau de bord du semestre", "scolarite", lambda w: f"/semestres/{w.s1.pk}/", 'id="moyennes"'),
    ("création d'évaluation", "enseignant", lambda w: f"/semestres/{w.s1.pk}/evaluations/nouvelle/",
     "Nouvelle évaluation"),
    ("grille de saisie", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/saisie/", 'id="grille"'),
    ("import de feuille", "enseignant", lambda w: f"/evaluations/{w.taught.pk}/import/", "Importer les notes"),
    ("jury d'année", "president", lambda w: f"/semestres/{w.s2.pk}/jury/", "Jury de BUT1"),
    ("jury de semestre", "president", lambda w: f"/semestres/{w.s1.pk}/jury/", "Jury du semestre 1"),
    ("décisions d'un étudiant", "president", lambda w: f"/semestres/{w.s2.pk}/jury/etudiants/{w.bruno.pk}/",
     "Décisions de jury"),
    ("cursus d'un étudiant", "scolarite", lambda w: f"/etudiants/{w.bruno.pk}/", "Cursus"),
    ("liste des étudiants", "scolarite", lambda w: "/etudiants/", "Rechercher"),
    ("mes résultats", "etudiant", lambda w: "/mes-resultats/", "Mes résultats"),
]


@pytest.mark.parametrize("name, role, url, expected", PAGES, ids=[p[0] for p in PAGES])
def test_main_page_renders_for_its_role(world, login, name, role, url, expected):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    world.taught = world.s1.evaluations.get(module_code="R1.01")
    response = login(role).get(url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert '<html lang="fr">' in html and 'href="#contenu"' in html and '<main id="contenu"' in html


def test_the_jury_table_explains_each_proposal_on_demand(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    client = login("president")
    html = client.get(f"/semestres/{world.s2.pk}/jury/").content.decode()
    reasons_url = f"/semestres/{world.s2.pk}/jury/etudiants/{world.bruno.pk}/motifs/"
    assert "RED" in html and f'data-url="{reasons_url}"' in html
    fragment = client.get(reasons_url).content.decode()
    assert fragment.count("<dt>") == 16 and "RED" in fragment and "Arrêté du 15 avril 2022" in fragment


def test_a_student_sees_decisions_explained_once_the_jury_is_closed(world, login):
    from delibe.web.services.jury import lock_jury

    grade_whole_year(world, alice_average=12, bruno_average=9)
    lock_jury(user=world.users["president"], run=world.s2)
    html = login("etudiant").get("/mes-resultats/").content.decode()
    assert "Décisions du jury" in html and "ADM" in html and "12,00" in html


def test_the_grid_carries_the_version_and_labels_every_cell(world, login):
    from delibe.web.services.grades import save_grade

    save_grade(user=None, evaluation=world.taught, student_id=world.alice.pk, raw="12,5", expected_version=0)
    html = login("enseignant").get(f"/evaluations/{world.taught.pk}/saisie/").content.decode()
    assert f'id="note-{world.alice.pk}"' in html and 'data-version="1"' in html and 'value="12,5"' in html
    assert f'aria-labelledby="etu-{world.alice.pk} col-note"' in html


def test_the_student_page_shows_the_civilite_or_a_dash(world, login):
    import html

    client = login("scolarite")
    assert '<dd id="civilite">—</dd>' in client.get(f"/etudiants/{world.alice.pk}/").content.decode()
    world.alice.civilite = "Mme"
    world.alice.save()
    page = html.unescape(client.get(f"/etudiants/{world.alice.pk}/").content.decode())
    assert "<dt>Civilité</dt><dd id=\"civilite\">Mme</dd>" in page
