"""The formation loader: the shipped file loads into the engine model; every bad input is refused with the
file, the line and the field, in French; hostile YAML gets a clean FormationError, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from delibe.engine.model import Formation, ModuleKind
from delibe.formations import FormationError, list_formations, load_formation, load_formation_text
from tests.formations.conftest import line_of

# the national MMI data the shipped formation was generated from (data/README.md)
NATIONAL = Path(__file__).resolve().parents[2] / "data" / "mmi-national.yaml"
FILE = "formations/x.yaml"


def errors_of(text: str | bytes, filename: str = FILE) -> list[str]:
    with pytest.raises(FormationError) as caught:
        load_formation_text(text, filename)
    return [str(p) for p in caught.value.problems]


def replace_once(text: str, old: str, new: str, after: str = "") -> str:
    start = text.index(after) if after else 0
    index = text.index(old, start)
    return text[:index] + new + text[index + len(old):]


# ---------------------------------------------------------------------------------------------- good file

def test_the_shipped_mmi_formation_loads_by_id_into_the_frozen_engine_model(mmi: Formation):
    assert isinstance(mmi, Formation)
    assert mmi.id == "but-mmi-dijon"
    assert [c.nom_court for c in mmi.referentiel.competences] == [
        "Comprendre", "Concevoir", "Exprimer", "Développer", "Entreprendre"]
    assert [c.numero for c in mmi.referentiel.competences] == [1, 2, 3, 4, 5]
    assert [p.code for p in mmi.parcours] == ["Créa", "Strat-UX", "DWeb-DI"]


def test_comprendre_has_two_levels_and_the_others_three(mmi: Formation):
    levels = {c.nom_court: [n.ordre for n in c.niveaux] for c in mmi.referentiel.competences}
    assert levels == {"Comprendre": [1, 2], "Concevoir": [1, 2, 3], "Exprimer": [1, 2, 3], "Développer": [1, 2, 3],
                      "Entreprendre": [1, 2, 3]}


def test_every_apprentissage_critique_of_the_national_data_is_in_the_formation(mmi: Formation):
    national = yaml.safe_load(NATIONAL.read_text(encoding="utf-8"))
    expected = {code: text for c in national["competences"] for n in c["niveaux"]
                for code, text in n["apprentissages_critiques"].items()}
    loaded = {ac.code: ac.libelle for c in mmi.referentiel.competences for n in c.niveaux
              for ac in n.apprentissages_critiques}
    assert loaded == expected
    composantes = {c["nom_court"]: c["composantes_essentielles"] for c in national["competences"]}
    assert {c.nom_court: list(c.composantes_essentielles) for c in mmi.referentiel.competences} == composantes


def test_each_parcours_requires_five_level_1_then_five_level_2_then_two_level_3(mmi: Formation):
    third = {p.code: dict(p.competences_of_year(3)) for p in mmi.parcours}
    assert third == {"Créa": {"Exprimer": 3, "Entreprendre": 3}, "Strat-UX": {"Concevoir": 3, "Entreprendre": 3},
                     "DWeb-DI": {"Développer": 3, "Entreprendre": 3}}
    for p in mmi.parcours:
        assert set(p.competences_of_year(1).values()) == {1} and len(p.competences_of_year(1)) == 5
        assert set(p.competences_of_year(2).values()) == {2} and len(p.competences_of_year(2)) == 5


def test_s1_to_s4_have_five_ues_named_by_semester_and_competence_number(mmi: Formation):
    for numero in (1, 2, 3, 4):
        assert [u.code for u in mmi.ues_of(numero)] == [f"UE{numero}.{k}" for k in range(1, 6)]


def test_the_offer_says_which_semesters_each_parcours_is_delivered_in(mmi: Formation):
    assert dict(mmi.semestres_offerts) == {"Créa": (1, 2, 3, 4, 5, 6), "DWeb-DI": (1, 2, 3, 4),
                                           "Strat-UX": (1, 2, 3)}


def test_s4_modules_belong_to_their_parcours(mmi: Formation):
    assert {m.parcours for m in mmi.modules_of(4)} == {("Créa",), ("DWeb-DI",)}
    assert all(m.kind is not ModuleKind.RESSOURCE or m.code.startswith("R4.") for m in mmi.modules_of(4))


def test_assumed_values_are_listed_as_assumptions(mmi: Formation):
    places = [a.place for a in mmi.assumptions]
    assert "S1–S4, ECTS" in places and "S1–S4, coefficients" in places
    assert {"S1", "S2", "S3", "S4"} <= set(places)  # the hypothese: true flags, grouped per semester
    assert not any(a.place in ("S5", "S6") for a in mmi.assumptions)  # the seed's tables are facts


def test_an_id_is_looked_up_in_the_directory_named_by_the_environment(tmp_path, monkeypatch, mmi_text):
    (tmp_path / "autre.yaml").write_text(mmi_text.replace("id: but-mmi-dijon", "id: autre"), encoding="utf-8")
    monkeypatch.setenv("DELIBE_FORMATIONS_DIR", str(tmp_path))
    assert list_formations() == ["autre"]
    assert load_formation("autre").id == "autre"


def test_a_path_is_read_directly(tmp_path, mmi_text):
    path = tmp_path / "but-mmi-dijon.yaml"
    path.write_text(mmi_text, encoding="utf-8")
    assert load_formation(path).id == "but-mmi-dijon"
    assert load_formation(str(path)).id == "but-mmi-dijon"


def test_an_unknown_id_names_the_formations_available(tmp_path, monkeypatch, mmi_text):
    monkeypatch.setenv("DELIBE_FORMATIONS_DIR", str(tmp_path))
    (tmp_path / "but-mmi-dijon.yaml").write_text(mmi_text, encoding="utf-8")
    with pytest.raises(FormationError, match="introuvable.*but-mmi-dijon"):
        load_formation("inconnue")


def test_the_id_must_be_the_file_name(tmp_path, mmi_text):
    path = tmp_path / "autre-nom.yaml"
    path.write_text(mmi_text, encoding="utf-8")
    with pytest.raises(FormationError, match=r"ligne 9, id : l'id « but-mmi-dijon » doit être le nom du fichier"):
        load_formation(path)


# ---------------------------------------------------------------------------------------------- bad input

def test_a_coefficient_on_a_ue_absent_from_the_semester_names_file_line_field_and_the_semester_ues(mmi_text):
    text = replace_once(mmi_text, "coefficients: {UE5.3: 1, UE5.5: 1}", "coefficients: {UE5.3: 1, UE5.9: 1}")
    line = line_of(text, "UE5.9")
    assert errors_of(text) == [
        (f"formations/x.yaml, ligne {line}, semestres[4].modules[0].coefficients.UE5.9 : l'UE « UE5.9 » n'existe "
        "pas au semestre 5 ; UE du semestre : UE5.3, UE5.5.")]


def test_a_coefficient_on_another_semesters_ue_says_which_semester_it_belongs_to(mmi_text):
    text = replace_once(mmi_text, "coefficients: {UE6.5: 1}", "coefficients: {UE5.5: 1}")
    [message] = errors_of(text)
    assert f"ligne {line_of(text, 'coefficients: {UE5.5: 1}', text.index('R6-01'))}" in message
    assert "semestres[5].modules[0].coefficients.UE5.5" in message
    assert "n'existe pas au semestre 6 (c'est une UE du semestre 5)" in message


def test_an_unknown_competence_is_refused_with_the_list_of_competences(mmi_text):
    text = replace_once(mmi_text, "competence: Exprimer", "competence: Exprimr", after="- numero: 5")
    [message] = errors_of(text)
    assert f"ligne {line_of(text, 'Exprimr')}, semestres[4].ues[0].competence" in message
    assert "compétence « Exprimr » inconnue" in message and "3 Exprimer" in message


def test_an_unknown_level_is_refused(mmi_text):
    text = replace_once(mmi_text, "niveau: 2", "niveau: 3", after="- numero: 3")  # UE3.1 Comprendre has 2 levels
    [message] = errors_of(text)
    assert f"ligne {line_of(text, 'niveau: 3', text.index('- numero: 3'))}, semestres[2].ues[0].niveau" in message
    assert "« Comprendre » n'a pas de niveau 3 ; niveaux : 1, 2" in message


def test_an_unknown_parcours_code_is_refused_in_a_module_a_ue_and_the_offer(mmi_text):
    text = replace_once(mmi_text, "parcours: [Créa]", "parcours: [Crea]", after="- numero: 6")
    text = replace_once(text, "  DWeb-DI: [1, 2, 3, 4]", "  DWeb: [1, 2, 3, 4]")
    messages = errors_of(text)
    assert any("semestres[5].ues[0].parcours[0] : parcours « Crea » inconnu ; parcours du référentiel : Créa, "
               "Strat-UX, DWeb-DI." in m for m in messages)
    assert any(f"ligne {line_of(text, '  DWeb:')}, offre.DWeb : parcours « DWeb » inconnu" in m for m in messages)


def test_a_ue_code_must_read_ue_semester_dot_competence_number(mmi_text):
    text = replace_once(mmi_text, "code: UE6.5", "code: UE6-5")
    messages = errors_of(text)
    assert f"formations/x.yaml, ligne {line_of(text, 'UE6-5')}, semestres[5].ues[1].code : code d'UE « UE6-5 » " \
           "mal formé" in messages[0]
    text = replace_once(mmi_text, "code: UE6.5", "code: UE6.4")
    assert any("l'UE « UE6.4 » porte le numéro 4 mais sa compétence « Entreprendre » a le numéro 5 : écrivez "
               "UE6.5" in m for m in errors_of(text))
    text = replace_once(mmi_text, "code: UE6.5", "code: UE5.5")
    assert any("déclarée au semestre 6 : son code doit commencer par UE6" in m for m in errors_of(text))


def test_duplicate_ue_and_module_codes_are_refused(mmi_text):
    text = replace_once(mmi_text, 'code: "R5-02"', 'code: "R5-01"')
    [message] = errors_of(text)
    needle = 'code: "R5-01"'
    line = line_of(text, needle, text.index(needle) + 1)
    assert f"ligne {line}, semestres[4].modules[1].code : module " \
           "« R5-01 » en double" in message
    text = replace_once(mmi_text, "code: UE1.2", "code: UE1.1")
    assert any("UE « UE1.1 » en double" in m for m in errors_of(text))


@pytest.mark.parametrize(("old", "new", "field"), [
    ("heures: {cm: 3, td: 12, tp: 4, projet: 0}", "heures: {cm: -3, td: 12, tp: 4, projet: 0}",
     "semestres[4].modules[1].heures.cm"),
    ("coefficients: {UE5.5: 1}", "coefficients: {UE5.5: -1}", "semestres[4].modules[1].coefficients.UE5.5"),
    ("ects: 20", "ects: -20", "semestres[4].ues[0].ects"),
])
def test_negative_hours_coefficients_and_ects_are_refused(mmi_text, old, new, field):
    text = replace_once(mmi_text, old, new, after="- numero: 5")
    [message] = errors_of(text)
    assert message.startswith(f"formations/x.yaml, ligne {line_of(text, new)}, {field} : valeur -")
    assert "elle doit être ≥ 0" in message


def test_unknown_fields_missing_fields_and_wrong_types_are_named(mmi_text):
    text = replace_once(mmi_text, "        type: ressource\n", "        typ: ressource\n", after="- numero: 5")
    text = replace_once(text, "ects: 10", 'ects: "dix"', after="- numero: 6")
    messages = errors_of(text)
    assert any("semestres[4].modules[0].typ : champ inconnu" in m for m in messages)
    assert any("semestres[4].modules[0].type : champ obligatoire manquant" in m for m in messages)
    assert any(f"ligne {line_of(text, 'dix')}, semestres[5].ues[1].ects : 'dix' n'est pas un nombre" in m
               for m in messages)


def test_every_problem_is_reported_not_only_the_first(mmi_text):
    text = replace_once(mmi_text, "competence: Exprimer", "competence: Exprimr", after="- numero: 5")
    text = replace_once(text, "code: UE6.5", "code: UE6-5")
    text = replace_once(text, "coefficients: {UE5.3: 1, UE5.5: 1}", "coefficients: {UE5.3: 1, UE5.9: 1}")
    assert len(errors_of(text)) >= 3


# ---------------------------------------------------------------------------------------------- hostile YAML

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + k)}: &{chr(99 + k)} [{', '.join([f'*{chr(98 + k)}'] * 9)}]\n" for k in range(7))


@pytest.mark.parametrize(("text", "expected"), [
    (BOMB, "ligne 2 : alias YAML « *a » refusé"),
    ("- format: delibe-formation/1\n- id: x\n", "ligne 1 : la racine du fichier doit être un dictionnaire"),
    ("juste du texte\n", "la racine du fichier doit être un dictionnaire"),
    ("format: delibe-formation/1\nid:\n\tx: 1\n", "ligne 3 : tabulation dans l'indentation"),
    ("format: a\nformat: b\n", "ligne 2 : clé « format » en double (déjà ligne 1)"),
    ("", "ligne 1 : le fichier est vide"),
    ("a: [1, 2\n", "YAML invalide"),
    ("a: !!python/object/apply:os.system [echo pwned]\n", "valeur YAML invalide"),
    ("a: 1\n<<: {b: 2}\n", "clé de fusion YAML « << » refusée"),
    (b"id: \xff\xfe\n", "ligne 1 : le fichier n'est pas en UTF-8"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "imbrication trop profonde"),
    ("a: 1\nb: \x00\n", "ligne 2 : caractère de contrôle interdit (U+0000)"),
    ("a: 2021-02-30\n", "valeur YAML invalide"),
], ids=["alias-bomb", "list-root", "scalar-root", "tabs", "duplicate-key", "empty", "syntax", "python-tag",
        "merge-key", "not-utf8", "deep", "control-char", "impossible-date"])
def test_hostile_yaml_gets_a_clean_formation_error(text, expected):
    messages = errors_of(text, "x.yaml")
    assert any(expected in m for m in messages), messages
    assert all(m.startswith("x.yaml") for m in messages)


def test_a_file_over_5_mb_is_refused_before_parsing(tmp_path):
    big = "a: " + "x" * (5 * 1024 * 1024 + 10) + "\n"
    assert any("fichier trop gros" in m and "5 Mo" in m for m in errors_of(big, "x.yaml"))
    path = tmp_path / "gros.yaml"
    path.write_text(big, encoding="utf-8")
    with pytest.raises(FormationError, match="trop gros"):
        load_formation(path)


def test_the_error_message_lists_every_problem_in_french(mmi_text):
    text = replace_once(mmi_text, "ects: 20", "ects: -20", after="- numero: 5")
    with pytest.raises(FormationError) as caught:
        load_formation_text(text, FILE)
    assert str(caught.value).startswith("1 problème dans la formation :\n  - formations/x.yaml, ligne ")


def test_a_list_where_a_value_is_expected_gets_one_message_per_field(mmi_text):
    text = replace_once(mmi_text, "competence: Exprimer", "competence: [3]", after="- numero: 5")
    text = replace_once(text, "ects: 20", "ects: [20]", after="- numero: 5")
    assert errors_of(text) == [
        (f"formations/x.yaml, ligne {line_of(text, '[3]')}, semestres[4].ues[0].competence : une valeur simple "
        "(texte) est attendue ici, pas une liste."),
        (f"formations/x.yaml, ligne {line_of(text, '[20]')}, semestres[4].ues[0].ects : un nombre est attendu ici, "
        "pas une liste."),
    ]


def test_a_file_edited_after_loading_is_read_again(tmp_path, mmi_text):
    import os

    path = tmp_path / "but-mmi-dijon.yaml"
    path.write_text(mmi_text, encoding="utf-8")
    first = load_formation(path)
    assert load_formation(path) is first  # unchanged file: the frozen formation is shared
    path.write_text(mmi_text.replace("version: 1\n", "version: 2\n", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert load_formation(path).version == 2
