"""The inline SVG charts draw what they are given, and stay valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from delibe.reports import svg

NS = "{http://www.w3.org/2000/svg}"


def test_radar_is_valid_svg_with_one_label_per_competence_and_undefined_shown_as_dash() -> None:
    root = ET.fromstring(svg.radar([("Comprendre", 12.0), ("Concevoir", None), ("Exprimer", 8.5)]))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["Comprendre", "12,00", "Concevoir", "—", "Exprimer", "8,50"]
    assert root.find(f"{NS}title").text == "Moyennes par compétence"


def test_two_competences_are_drawn_as_bars_since_a_polygon_needs_three() -> None:
    root = ET.fromstring(svg.radar([("Exprimer", 14.0), ("Entreprendre", 9.0)]))
    assert len(root.findall(f"{NS}rect")) == 2
    assert root.findall(f"{NS}polygon") == []


def test_distribution_draws_one_bar_per_non_empty_class_and_marks_the_student() -> None:
    root = ET.fromstring(svg.distribution([1.0, 1.5, 11.0, 19.9, 20.0], student=11.0))
    cohort = root.find(f"{NS}path[@class='cohorte']").get("d")
    own = root.find(f"{NS}path[@class='etudiant']").get("d")
    assert cohort.count("M") == 2  # classes [0,2) and [18,20], two students each
    assert own.count("M") == 1  # the student's class [10,12), one student
    heights = [float(bar.split("v")[1].split("h")[0]) for bar in (cohort + own).split("M")[1:]]
    assert heights[0] == heights[1] == 2 * heights[2]


def test_two_students_of_one_module_share_the_cohort_bars_and_each_has_their_own_mark() -> None:
    cohort = [1.0, 1.5, 11.0, 19.9, 20.0, float("nan")]  # counted once for the module, then remembered
    first, second = svg.distribution(cohort, student=1.5), svg.distribution(list(cohort), student=19.9)
    assert first != second
    for chart, own_class in ((first, "M1.0 "), (second, "M109.0 ")):
        root = ET.fromstring(chart)
        assert root.find(f"{NS}path[@class='etudiant']").get("d").startswith(own_class)
    bars = [ET.fromstring(c).find(f"{NS}path[@class='cohorte']").get("d") + ET.fromstring(c).find(
        f"{NS}path[@class='etudiant']").get("d") for c in (first, second)]
    assert sorted(bars[0].split("M")) == sorted(bars[1].split("M"))  # the same three bars, coloured apart


def test_an_empty_cohort_draws_no_bar() -> None:
    root = ET.fromstring(svg.distribution([], student=None))
    assert root.find(f"{NS}path[@class='cohorte']") is None and root.find(f"{NS}path[@class='etudiant']") is None


def test_labels_are_escaped() -> None:
    root = ET.fromstring(svg.radar([("<b>A&B</b>", 10.0), ("B", 10.0), ("C", 10.0)]))
    assert root.find(f"{NS}text").text == "<b>A&B</b>"


def test_as_image_embeds_the_same_svg_with_its_title_as_alt() -> None:
    import base64
    import re

    chart = svg.distribution([1.0, 11.0, 19.0], student=11.0)
    img = svg.as_image(chart)
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img).group(1)
    assert base64.b64decode(data).decode("utf-8") == chart
    assert 'alt="Répartition des moyennes du module dans la promotion"' in img and 'class="distribution"' in img
    assert svg.as_image("") == ""
