"""Plain words (issue 18): the journal says what a person understands, the reasons cite the Arrêté or
« choix de Délibé, expliqué ici » with a link to a page the application serves — never a file path."""

from __future__ import annotations

from html import unescape

from tests.web.conftest import close_jury, grade_whole_year


def test_the_semester_journal_says_semester_locked_not_locked_false_true(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    close_jury(world, world.s2)
    html = unescape(login("president").get(f"/journal/semestres/{world.s2.pk}/").content.decode())
    assert "Semestre verrouillé" in html and "Semestre ouvert" in html
    assert "locked" not in html and "True" not in html and "False" not in html


def test_a_decision_in_the_journal_shows_a_dash_not_none():
    from delibe.web.audit.services import display

    assert display({"code": "ADM", "propose": None, "motif": "", "moyenne": None}) == \
        "code : ADM, proposé : —, motif : —, moyenne : —"
    assert display({"coefficient": 1.5, "date": "2023-10-10", "immediate": True}) == \
        "coefficient : 1,50, date : 10/10/2023, publication immédiate : oui"
    assert display({"locked": False}) == "Semestre ouvert"


def test_reasons_link_to_the_choices_page_and_never_cite_a_file(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    client = login("president")
    fragment = client.get(f"/semestres/{world.s2.pk}/jury/etudiants/{world.bruno.pk}/motifs/").content.decode()
    page = client.get(f"/etudiants/{world.bruno.pk}/").content.decode()
    for html in (fragment, page):
        assert "docs/" not in html and ".md" not in html
    assert "Arrêté du 15 avril 2022" in fragment


def test_the_choices_page_explains_each_choice_of_delibe_with_an_anchor(world, login):
    from delibe.engine import sources

    html = login("etudiant").get("/aide/choix/").content.decode()
    keys = {v.key for v in vars(sources).values() if isinstance(v, sources.Source) and v.key.startswith("delibe-")}
    assert keys and all(f'id="{key}"' in html for key in keys)
    assert "docs/" not in html


def test_a_delibe_source_becomes_a_link_to_its_explanation():
    from delibe.engine.sources import DELIBE_SEUIL
    from delibe.web.templatetags.delibe import source_html

    html = source_html(DELIBE_SEUIL.reference)
    assert 'href="/aide/choix/#delibe-seuil"' in html and "choix de Délibé, expliqué ici" in html
    assert "docs/" not in html
    assert source_html("Arrêté du 15 avril 2022, annexe 1, §4.4") == "Arrêté du 15 avril 2022, annexe 1, §4.4"
