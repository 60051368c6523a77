"""The student's home says, in plain French, which competences are validated and what remains."""

from __future__ import annotations

import re
from html import unescape

from tests.web.conftest import grade_whole_year


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_student_lands_on_a_home_that_lists_their_competences_before_any_grade(world, login):
    html = login("etudiant").get("/").content.decode()
    text = text_of(html)
    assert "Mon parcours" in text and "Le jury n'a pas encore délibéré" in text
    assert "En cours Les moyennes ne sont pas encore publiées." in text
    assert "Il vous faut encore valider" in text and "/glossaire/" in html


def test_with_published_averages_the_home_counts_the_competences_on_track_and_what_remains(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    text = text_of(login("etudiant").get("/").content.decode())
    assert re.search(r"(\d) compétence\(s\) sur \1 atteignent 10/20", text), text
    assert "En bonne voie La moyenne de la compétence est de 12,00/20, au-dessus de 10/20" in text
    assert "Toutes les compétences de l'année sont en bonne voie." in text


def test_below_the_bar_the_home_says_how_many_competences_are_still_needed_to_pass(world, login):
    grade_whole_year(world, alice_average=9, bruno_average=12)
    text = text_of(login("etudiant").get("/").content.decode())
    assert "Pas encore atteinte La moyenne de la compétence est de 9,00/20 ; il faut 10/20 pour la valider." in text
    match = re.search(r"Il vous faut encore valider (\d) compétence\(s\) \(RCUE\) sur (\d)", text)
    assert match and int(match.group(1)) == int(match.group(2)) // 2 + 1
    assert "plus de la moitié des compétences de l'année" in text and "sous 8/20" in text


def test_after_the_jury_the_home_says_which_competences_the_jury_validated(world, login):
    from delibe.web.services.jury import lock_jury

    grade_whole_year(world, alice_average=12, bruno_average=9)
    lock_jury(user=world.users["president"], run=world.s2)
    text = text_of(login("etudiant").get("/").content.decode())
    assert re.search(r"Le jury a validé (\d) compétence\(s\) sur \1 cette année\.", text), text
    assert "Validée par le jury (ADM : admis)." in text and "niveau 1 validé" in text
    assert "Rien ne manque" in text and "Décision du jury pour l'année : ADM" in text


def test_the_home_shows_nothing_of_another_student_and_no_json_link(world, login):
    grade_whole_year(world, alice_average=12, bruno_average=9)
    html = login("etudiant").get("/").content.decode()
    assert "Bravo" not in html and "9,00" not in html and ".json" not in html


def test_the_glossary_explains_every_decision_code_once(world, login):
    from delibe.reports.codes import CODES

    html = login("etudiant").get("/glossaire/").content.decode()
    for code in CODES:
        assert html.count(f'id="code-{code}"') == 1
    assert 'id="rcue"' in html and "docs/" not in html


def test_a_competence_under_the_floor_is_named_as_blocking_the_passage(world, login):
    grade_whole_year(world, alice_average=7, bruno_average=12)
    text = text_of(login("etudiant").get("/").content.decode())
    assert "Attention : les compétences Comprendre, Concevoir, Exprimer, Développer, Entreprendre ont une moyenne sous 8/20" in text
