"""The student's cursus page shows the UEs a later jury validated by descending validation (ADSUP) as
such: in the year whose jury validated them (code and « acquise car le niveau supérieur est validé »), and
next to their row of the earlier year. Read on the demo: BONNET Sarah gets ADSUP on UE1.2, UE2.2 and
UE2.4 when her BUT2 levels are validated. The demo is built once for the module (about 8 s) and rolled
back at the end."""

from __future__ import annotations

import html
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sarah(demo):
    from delibe.web.models import Student

    return Student.objects.get(nom__iexact="Bonnet", prenom="Sarah")


@pytest.fixture
def page(sarah, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="scolarite"))
    response = client.get(reverse("delibe:etudiant", args=[sarah.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_cursus_view_lists_the_ues_validated_by_descending_validation_in_the_year_of_that_jury(sarah):
    from delibe.web.selectors.etudiants import cursus

    view = cursus(sarah)
    adsup = {d["key"]: (y.label, d["proposition"]) for y in view.years for d in y.autres if d["code"] == "ADSUP"}
    assert set(adsup) == {"UE1.2", "UE2.2", "UE2.4"}
    # BUT2 repeater: levels 2 of two competences validated at her first BUT2 jury (recorded), the third one
    # at the current year's jury, which has not met yet: a proposal
    assert adsup["UE1.2"] == adsup["UE2.2"] == ("2022-2023", False)
    assert adsup["UE2.4"] == ("2023-2024", True)
    for y in view.years:
        for d in y.autres:
            assert any(r["rule"] == "validation_descendante" for r in d["reasons"])
    earlier = {d["key"]: d["ensuite"] for y in view.years for d in y.ues if d.get("ensuite")}
    assert {k: (e["code"], e["label"]) for k, e in earlier.items()} == {k: ("ADSUP", v[0]) for k, v in adsup.items()}


def outside_reasons(fragment: str) -> str:
    return re.sub(r"<details.*?</details>", "", fragment, flags=re.DOTALL)


def test_the_student_page_shows_adsup_with_its_meaning_and_not_only_in_a_reason(page):
    tables = [t.split("</table>")[0] for t in page.split("UE d'années antérieures revues à ce jury")[1:]]
    assert len(tables) == 2  # the two juries that validated lower levels
    rows = {}
    for table in tables:
        for row in re.findall(r"<th scope=\"row\">(UE\d\.\d)\b(.*?)</tr>", table, re.DOTALL):
            rows[row[0]] = outside_reasons(row[1])
    assert set(rows) == {"UE1.2", "UE2.2", "UE2.4"}
    for cell in rows.values():
        assert "ADSUP" in cell and "acquise car le niveau supérieur est validé" in cell
    assert "(proposition)" in rows["UE2.4"] and "(proposition)" not in rows["UE1.2"]


def test_the_earlier_years_row_says_what_the_later_jury_made_of_the_ue(page):
    first_year = page[page.index("<section class=\"year\""):]
    first_year = first_year[:first_year.index("</section>")]
    row = re.search(r"<th scope=\"row\">UE1\.2\b.*?</tr>", first_year, re.DOTALL)
    assert row is not None
    assert "ADSUP</span> en 2022-2023 : acquise car le niveau supérieur est validé" in outside_reasons(row.group(0))


def test_the_rcue_of_the_lower_level_is_noted_adsup_on_its_row_too(sarah):
    from delibe.web.selectors.etudiants import cursus

    first = cursus(sarah).years[0]
    noted = {d["key"]: (d["decided"], d["ensuite"]["code"], d["ensuite"]["label"], d["ensuite"]["texte"])
             for d in first.rcues if d.get("ensuite")}
    # the RCUEs of UE1.2 + UE2.2 and UE1.4 + UE2.4, failed in BUT1; the others were validated then
    assert noted == {
        "Concevoir": ("AJ", "ADSUP", "2022-2023", "acquis car le niveau supérieur est validé"),
        "Développer": ("AJ", "ADSUP", "2023-2024", "acquis car le niveau supérieur est validé"),
    }
