"""The API's reasons cite their source in words (issue 18): the Arrêté's article, or « choix de Délibé »
with the address of the page of the application that explains it — the same mapping as the pages
(``web.selectors.sources``) — and no response of the API names a file of the documentation."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import grade_whole_year
from tests.web.conftest import close_jury

pytestmark = pytest.mark.django_db

FILE_PATH = re.compile(r"docs/|\.md\b")


@pytest.fixture
def graded(world):
    grade_whole_year(world, alice_average=12, bruno_average=8)
    close_jury(world, world.s2)
    return world


def _ids(world) -> dict[str, int]:
    return {"id": world.s2.pk, "semestre": world.s2.pk, "etudiant": world.alice.pk, "departement": world.department.pk}


def test_no_get_of_the_api_names_a_file_of_the_documentation(api, graded, client):
    document = client.get("/api/openapi.json").json()
    assert not FILE_PATH.search(str(document)), "the OpenAPI document names a file of the docs"
    scolarite = api("scolarite")
    ids = _ids(graded)
    seen = 0
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(n not in ids for n in names):
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)
        response = scolarite.get(url)
        assert response.status_code < 500, url
        body = response.content.decode("utf-8", errors="replace")
        assert not FILE_PATH.search(body), f"{url} names a file: {FILE_PATH.search(body).group(0)}"
        seen += 1
    assert seen >= 5


def test_a_choice_of_delibe_in_a_reason_comes_with_the_page_that_explains_it(api, graded):
    from delibe.web.selectors.sources import citation

    body = api("president").get(f"/api/v1/semestres/{graded.s2.pk}/jury").json()
    reasons = [m for line in body["lignes"] for cell in [*line["ues"], *line["rcues"], line["annee"]] if cell
               for m in cell["motifs"]]
    assert reasons
    for m in reasons:
        assert not FILE_PATH.search(m["source"])
        if m["source_type"] == "delibe":
            assert m["source"].endswith("choix de Délibé")
            assert m["source_url"].startswith("http://testserver/aide/choix/#delibe-")
        elif m["source_type"] == "texte":
            assert m["source_url"].startswith("http://testserver/aide/choix/#")
    arrete = [m for m in reasons if m["source"].startswith("Arrêté du 15 avril 2022")]
    assert arrete and all(m["source_type"] == "texte" for m in arrete)
    # the same mapping as the pages: a reference recorded with the old wording is read the same way
    old = citation("Décision Délibé (docs/domain.md §2): tolérance d'arrondi")
    assert (old.texte, old.chemin()) == ("tolérance d'arrondi : choix de Délibé", "/aide/choix/#delibe-seuil")
    local = citation("Règlement des études de l'IUT (règle locale, domain.md §2)")
    assert local.texte == "règle du département (Règlement des études de l'IUT)" and local.chemin() == ""


def test_every_choice_of_delibe_cited_by_the_engine_has_its_anchor_on_the_page(client, world):
    from delibe.web.selectors.sources import all_sources, citation

    client.force_login(world.users["etudiant"])
    html = client.get("/aide/choix/").content.decode()
    assert "Les choix de Délibé" in html
    assert not FILE_PATH.search(html)
    for source in all_sources():
        c = citation(source.reference)
        assert not FILE_PATH.search(c.texte), source.key
        if c.chemin():
            assert f'id="{c.chemin().split("#")[1]}"' in html, source.key


def test_an_attendance_rule_cites_the_department_whatever_the_title_of_its_reglement():
    from delibe.web.selectors.sources import citation
    from delibe.web.templatetags.delibe import source_html

    c = citation("RI de l'IUT, art. 12 (adopté le 06/07/2023)", "assiduite.seuil_atj")
    assert c.texte == "règle du département (RI de l'IUT, art. 12 (adopté le 06/07/2023))" and c.chemin() == ""
    assert source_html("RI de l'IUT, art. 12", "assiduite.penalite").startswith("règle du département (RI")
    # without the rule, a title the engine does not know is quoted as it is
    assert citation("RI de l'IUT, art. 12").texte == "RI de l'IUT, art. 12"
