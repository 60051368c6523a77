"""``delibe simulate`` never crashes and never guesses: every malformed scenario exits 2 with a French
message naming the file, the line and the key, and nothing on stdout. A few forms that look odd but say
one thing only are accepted, as docs/scenario-format.md documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from delibe.cli import cli
from delibe.engine.jury import CursusError
from delibe.simulate import cursus_error, read_scenario

HEAD = "formation: but-mmi-dijon\nparcours: Créa\nyears:\n"
BUT1 = (
    "- year: BUT1\n"
    "  ue:\n"
    "    S1: {C1: 12, C2: 12, C3: 12, C4: 12, C5: 12}\n"
    "    S2: {C1: 12, C2: 12, C3: 12, C4: 12, C5: 12}\n"
)  # lines 4-7
S1_BLOCK = "    S1: {C1: 12, C2: 12, C3: 12, C4: 12, C5: 12}\n"


def with_s1(c1: str) -> str:
    """The BUT1 year with S1.C1 written on its own line (line 7) as ``C1: <c1>``."""
    return HEAD + BUT1.replace(S1_BLOCK, f"    S1:\n      C1:{c1}\n      C2: 12\n")


def simulate(tmp_path: Path, text: str, name: str = "cas.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, CliRunner().invoke(cli, ["simulate", str(path)])


@pytest.mark.parametrize(("text", "line", "place", "fragment"), [
    (HEAD + BUT1 + "  attente: 5\n", 8, "years[0].attente", "attente doit être une liste d'UE"),
    (HEAD + "- year: BUT1\n  ue:\n", 5, "years[0].ue", "clé « ue » donnée sans valeur"),
    (with_s1(" '12'"), 7, "years[0].ue.S1.C1", "la valeur est entre guillemets : écrivez 12 sans guillemets"),
    (with_s1(' "9.5"'), 7, "years[0].ue.S1.C1", "la valeur est entre guillemets : écrivez 9.5 sans guillemets"),
    (with_s1(" 12,5"), 7, "years[0].ue.S1.C1", "virgule décimale : écrivez 12.5 (point décimal)"),
    (with_s1(""), 7, "years[0].ue.S1.C1", "clé « C1 » donnée sans valeur"),
    (with_s1(" true"), 7, "years[0].ue.S1.C1", "un booléen (true)"),
    (with_s1(" [12]"), 7, "years[0].ue.S1.C1", "une liste"),
    (with_s1(" .nan"), 7, "years[0].ue.S1.C1", "« .nan » invalide : ce n'est pas un nombre fini"),
    (with_s1(" .inf"), 7, "years[0].ue.S1.C1", "« .inf » invalide : ce n'est pas un nombre fini"),
    (with_s1(" 1" + "0" * 400), 7, "years[0].ue.S1.C1", "hors de [0, 20]"),
    (with_s1(" 010"), 7, "years[0].ue.S1.C1", "YAML la lit comme 8"),
    (with_s1(" 1:30"), 7, "years[0].ue.S1.C1", "YAML la lit comme 90"),
    (with_s1(" 2024-01-01"), 7, "years[0].ue.S1.C1", "une date"),
    (HEAD + BUT1.replace("year: BUT1", "year:"), 4, "years[0].year", "clé « year » donnée sans valeur"),
    (HEAD + BUT1.replace("year: BUT1", "year: [1]"), 4, "years[0].year", "année « [1] » invalide"),
    (HEAD + BUT1 + "  1: 2\n", 8, "years[0].1", "clé inconnue « 1 »"),
    (HEAD + BUT1 + "  jury:\n", 8, "years[0].jury", "clé « jury » donnée sans valeur"),
    (HEAD + BUT1 + "  jury: PAS1NCI\n", 8, "years[0].jury", "jury doit être un dictionnaire (clé: valeur), pas un texte"),
    (HEAD + BUT1 + "  jury: {annee: [ADM], raison: vu}\n", 8, "years[0].jury.annee", "code invalide pour l'année BUT1 : une liste"),
    (HEAD + BUT1 + "  jury: {annee: adm, raison: vu}\n", 8, "years[0].jury.annee", "(écrivez ADM)"),
    (HEAD + BUT1 + "  jury: {ue: {S1.C1: 12}, raison: vu}\n", 8, "years[0].jury.ue.S1.C1", "code invalide pour l'UE S1.C1 : un nombre (12)"),
    (HEAD + BUT1 + "  jury: {rcue: {C1: ~}, raison: vu}\n", 8, "years[0].jury.rcue.C1", "clé « C1 » donnée sans valeur"),
    (HEAD + BUT1 + "  jury: {annee: ADJ, raison: [a]}\n", 8, "years[0].jury.raison", "raison invalide : une liste"),
    (HEAD + BUT1 + "  jury: {ue: [S1.C1]}\n", 8, "years[0].jury.ue", "jury.ue doit être un dictionnaire"),
    (HEAD + BUT1 + "  attente: [5]\n", 8, "years[0].attente[0]", "UE en attente invalide : un nombre (5)"),
    (HEAD + BUT1 + "  attente: [S1.C9]\n", 8, "years[0].attente[0]", "compétence « C9 » inconnue"),
    (HEAD + BUT1 + "  attente:\n", 8, "years[0].attente", "clé « attente » donnée sans valeur"),
    (HEAD + BUT1 + "  jury: {annee: ADM, raison: vu}\n- year: BUT2\n  ue: {S3: {C1: 12}}\n  attente: S1.C1\n", 11,
     "years[1].attente", "une note en attente se déclare dans l'année de l'UE (BUT2 ici, S3 ou S4)"),
    (HEAD + BUT1 + "  jury: {annee: ADM, raison: vu}\n- year: BUT2\n  ue: {S3: {C1: 12}}\n"
     "  jury: {annee: ADM, raison: vu}\n- year: BUT3\n  ue: {S5: {C3: 12}}\n  jury: {annee: PASD, raison: vu}\n",
     14, "years[2].jury.annee", "code « PASD » impossible pour l'année BUT3"),
    (HEAD + BUT1 + "derogations: 1.5\n", 8, "derogations", "attendu un entier de 0 à 1"),
    (HEAD + BUT1 + "derogations: true\n", 8, "derogations", "nombre de dérogations invalide : un booléen (true)"),
    (HEAD + BUT1 + "derogations: 3\n", 8, "derogations", "attendu un entier de 0 à 1"),
    (HEAD + BUT1 + "derogations:\n", 8, "derogations", "clé « derogations » donnée sans valeur"),
    (HEAD + BUT1 + "ue_acquises_avant: [S1.C1]\n", 8, "ue_acquises_avant", "doit être un dictionnaire"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1:\n", 9, "ue_acquises_avant.S1.C1", "clé « S1.C1 » donnée sans valeur"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: ADM\n", 9, "ue_acquises_avant.S1.C1", "S1.C1: {code: ADM}"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: {code: AJ}\n", 9, "ue_acquises_avant.S1.C1.code", "code « AJ » impossible"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: {code: ADM, note: 3}\n", 9, "ue_acquises_avant.S1.C1.note", "clé inconnue « note »"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: {moyenne: '14'}\n", 9, "ue_acquises_avant.S1.C1.moyenne", "entre guillemets"),
    (HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: 12\n  UE1.1: 13\n", 10, "ue_acquises_avant.UE1.1", "donnée deux fois"),
    (HEAD.replace("formation: but-mmi-dijon", "formation: [a]") + BUT1, 1, "formation", "formation invalide : une liste"),
    (HEAD.replace("parcours: Créa", "parcours:") + BUT1, 2, "parcours", "clé « parcours » donnée sans valeur"),
    ("description:\n" + HEAD + BUT1, 1, "description", "clé « description » donnée sans valeur"),
    (HEAD.replace("years:\n", "years: []\n"), 3, "years", "years doit être une liste non vide"),
    (HEAD + "- BUT1\n", 4, "years[0]", "une année doit être un dictionnaire (clé: valeur), pas un texte"),
    (HEAD + "-\n", 4, "years[0]", "élément vide de la liste"),
    (HEAD + "- year: BUT1\n  modules:\n    S1:\n      R1.01:\n", 7, "years[0].modules.S1.R1.01", "clé « R1.01 » donnée sans valeur"),
    (HEAD + "- year: BUT1\n  ue:\n    S1: {1: 12, C1: 13}\n", 6, "years[0].ue.S1.C1", "UE S1.C1 donnée deux fois"),
], ids=lambda v: None)
def test_a_malformed_scenario_exits_2_naming_the_file_the_line_and_the_key(
    tmp_path: Path, text: str, line: int, place: str, fragment: str
) -> None:
    path, result = simulate(tmp_path, text)
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == ""
    assert f"Erreur: {path}, ligne {line}, {place} : " in result.stderr, result.stderr
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("", None, "fichier vide: un scénario donne formation, parcours et years"),
    ("# rien ici\n", 1, "le fichier est vide : il doit contenir un scénario"),
    ("---\n", 1, "le fichier est vide : il doit contenir un scénario"),
    ("- formation: but-mmi-dijon\n", 1, ("la racine du fichier doit être un dictionnaire (description, formation, "
                                        "parcours, years…) décrivant un scénario, pas une liste")),
    ("juste du texte\n", 1, "décrivant un scénario, pas un texte seul"),
    ("formation: a\nformation: b\n", 2, "clé « formation » en double (déjà ligne 1)"),
    ("formation: x\nyears: " + "[" * 100 + "]" * 100 + "\n", 2, "imbrication trop profonde"),
    ("formation: &f x\ndescription: *f\n", 2, "alias YAML « *f » refusé"),
    ("formation: x\nyears:\n- year: BUT1\n\tue: {}\n", 4, "tabulation dans l'indentation"),
], ids=["empty", "comment-only", "empty-document", "list-root", "text-root", "duplicate-key", "deeply-nested",
        "alias", "tab"])
def test_a_file_that_is_not_a_scenario_is_described_as_a_scenario_not_a_formation(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    path, result = simulate(tmp_path, text)
    assert result.exit_code == 2 and result.stdout == ""
    where = f"Erreur: {path}, ligne {line} : " if line else f"Erreur: {path} : "
    assert result.stderr.startswith(where) and fragment in result.stderr, result.stderr
    assert "formation (format" not in result.stderr


def decisions(tmp_path: Path, text: str, name: str) -> dict[str, Any]:
    _, result = simulate(tmp_path, text, name)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_attente_given_as_one_string_is_a_one_item_list(tmp_path: Path) -> None:
    one = decisions(tmp_path, HEAD + BUT1 + "  attente: S1.C2\n", "un.yaml")
    listed = decisions(tmp_path, HEAD + BUT1 + "  attente: [S1.C2]\n", "liste.yaml")
    assert one["years"] == listed["years"]
    assert one["years"][0]["ue"]["S1.C2"]["propose"] is None  # pending: no automatic proposal
    assert one["years"][0]["ue"]["S1.C1"]["propose"] == "ADM"


def test_an_explicit_null_average_is_an_undefined_average_with_no_proposal(tmp_path: Path) -> None:
    year = decisions(tmp_path, with_s1(" null"), "null.yaml")["years"][0]
    assert year["ue"]["S1.C1"]["moyenne"] is None and year["ue"]["S1.C1"]["code"] is None


def test_a_ue_acquired_by_equivalence_is_given_by_its_code_without_an_average(tmp_path: Path) -> None:
    text = HEAD + BUT1 + "ue_acquises_avant:\n  S1.C1: {code: ADM}\n"
    cursus = decisions(tmp_path, text, "equivalence.yaml")["cursus"]
    assert cursus["ue"]["S1.C1"]["code"] == "ADM"


def test_a_year_given_as_a_number_is_read_as_that_but_year(tmp_path: Path) -> None:
    assert decisions(tmp_path, HEAD + BUT1.replace("year: BUT1", "year: 1"), "un.yaml")["years"][0]["year"] == "BUT1"


def test_an_engine_error_about_a_scenario_can_name_its_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "ordre.yaml"
    path.write_text(HEAD + BUT1 + "  jury: {annee: ADM, raison: vu}\n- year: BUT3\n  ue: {S5: {C3: 12}}\n",
                    encoding="utf-8")
    scenario = read_scenario(path)
    error = cursus_error(scenario, CursusError("années dans le désordre", 1, "year"))
    assert str(error) == f"{path}, ligne 9, years[1] (BUT3).year : années dans le désordre"
    error = cursus_error(scenario, CursusError("code impossible", 0, "jury.annee"))
    assert error.line == 8 and error.place == "years[0] (BUT1).jury.annee"
