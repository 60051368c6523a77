"""Generate formations/but-mmi-dijon.yaml from data/mmi-national.yaml + the seed's BUT3 tables.

The committed YAML is the source of truth; this script only documents how its first version was produced
(and lets a maintainer regenerate it after a change of the national data). Usage:

    .venv/bin/python tools/gen_formation_mmi.py data/mmi-national.yaml > formations/but-mmi-dijon.yaml

Where national data is missing (S1–S4 coefficients, ECTS split, SAÉ hours, CM/TD split of ressources),
the defaults below are used and each is marked ``hypothese: true`` in the output and listed under
``hypotheses:``.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import yaml

COMPETENCES = ["Comprendre", "Concevoir", "Exprimer", "Développer", "Entreprendre"]
NUM = {name: i + 1 for i, name in enumerate(COMPETENCES)}

# Hypothesis: which competences a S3/S4 ressource feeds, by theme (no ressources_mobilisees in the data).
THEMES_S3 = {
    "R3.01": ["Concevoir", "Exprimer", "Entreprendre"],
    "R3.02": ["Concevoir", "Entreprendre"],
    "R3.03": ["Comprendre", "Concevoir"],
    "R3.04": ["Comprendre"],
    "R3.05": ["Comprendre", "Concevoir"],
    "R3.06": ["Concevoir", "Développer"],
    "R3.07": ["Exprimer", "Entreprendre"],
    "R3.08": ["Exprimer"],
    "R3.09": ["Exprimer", "Développer"],
    "R3.10": ["Exprimer"],
    "R3.11": ["Exprimer"],
    "R3.12": ["Développer"],
    "R3.13": ["Développer"],
    "R3.14": ["Développer"],
    "R3.15": ["Comprendre", "Développer"],
    "R3.16": ["Entreprendre"],
    "R3.17": ["Comprendre", "Entreprendre"],
    "R3.18": ["Entreprendre"],
}
THEMES_S4 = {
    "Crea": {
        "01": ["Concevoir", "Exprimer", "Entreprendre"],
        "02": ["Entreprendre"],
        "03": ["Comprendre", "Concevoir"],
        "04": ["Exprimer", "Entreprendre"],
        "05": ["Développer"],
        "06": ["Exprimer"],
        "07": ["Exprimer"],
        "08": ["Concevoir", "Exprimer"],
    },
    "DWeb-DI": {
        "01": ["Concevoir", "Exprimer", "Entreprendre"],
        "02": ["Entreprendre"],
        "03": ["Comprendre", "Concevoir"],
        "04": ["Exprimer", "Entreprendre"],
        "05": ["Exprimer", "Développer"],
        "06": ["Développer"],
        "07": ["Développer"],
        "08": ["Développer"],
    },
}
# Hypothesis: SAÉ hours (not fixed nationally): project hours only.
SAE_PROJET = 20
PORTFOLIO_H = {"cm": 0, "td": 4, "tp": 0, "projet": 6}

# The seed's BUT3 tables (Créa, apprentissage, IUT Dijon-Auxerre 2023-2024), entered by hand.
SEED_S5 = [
    ("R5-01", "Anglais", "ressource", (0, 20, 4, 0), {"UE5.3": 1, "UE5.5": 1}),
    ("R5-02", "Management et Assurance qualité", "ressource", (3, 12, 4, 0), {"UE5.5": 1}),
    ("R5-03", "Entrepreneuriat", "ressource", (3, 12, 4, 0), {"UE5.5": 1}),
    ("R5-04", "Projet personnel et professionnel", "ressource", (3, 16, 4, 0), {"UE5.3": 1, "UE5.5": 1}),
    ("R5-05", "Définir une direction artistique", "ressource", (0, 24, 24, 0), {"UE5.3": 2}),
    ("R5-06", "Création numérique", "ressource", (0, 48, 36, 0), {"UE5.3": 3}),
    ("R5-07", "Ecriture multimédia et Narration", "ressource", (0, 48, 36, 0), {"UE5.3": 3}),
    ("SAÉ 5.Crea.01", "Créer par/pour le numérique", "sae", (0, 36, 0, 20), {"UE5.3": 10, "UE5.5": 4}),
    ("Portfolio", "Portfolio", "portfolio", (0, 8, 4, 5), {"UE5.5": 0}),
    ("Stage", "Stage", "stage", (0, 0, 0, 0), {}),
]
SEED_S6 = [
    ("R6-01", "Entrepreneuriat", "ressource", (3, 12, 0, 0), {"UE6.5": 1}),
    ("R6-02", "Création numérique interactive", "ressource", (0, 44, 4, 0), {"UE6.3": 2, "UE6.5": 1}),
    ("Portfolio", "Portfolio", "portfolio", (0, 4, 4, 10), {"UE6.3": 1, "UE6.5": 1}),
    ("Stage", "Stage", "stage", (0, 0, 0, 0), {"UE6.3": 1, "UE6.5": 1}),
]


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def num(value: float | Fraction) -> str:
    value = float(value)
    return str(int(value)) if value == int(value) else f"{value:g}"


def flow(mapping: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}: {num(v)}" for k, v in mapping.items()) + "}"


def heures(cm: float, td: float, tp: float, projet: float) -> str:
    return f"{{cm: {num(cm)}, td: {num(td)}, tp: {num(tp)}, projet: {num(projet)}}}"


def balance(sem: int, res_links: dict[str, list[str]], sae_links: dict[str, list[str]]) -> tuple[
    dict[str, dict[str, float]], dict[str, dict[str, float]]
]:
    """Coefficient 1 per ressource on each UE it feeds; the SAÉ pole of each UE gets the same total
    (so 50 %), the portfolio 1 and the other SAÉ an equal share (rounded to 0.5)."""
    res_coefs: dict[str, dict[str, float]] = {code: {} for code in res_links}
    sae_coefs: dict[str, dict[str, float]] = {code: {} for code in sae_links}
    for comp in COMPETENCES:
        ue = f"UE{sem}.{NUM[comp]}"
        res = [c for c, comps in res_links.items() if comp in comps]
        saes = [c for c, comps in sae_links.items() if comp in comps and c != "Portfolio" and c != "Stage"]
        extra = [c for c in ("Portfolio", "Stage") if c in sae_links and comp in sae_links[c]]
        # each ressource weighs at least 1; more when the SAÉ pole would otherwise outweigh it
        per_res = max(1, -(-(len(extra) + len(saes)) // len(res))) if res else 0
        for c in res:
            res_coefs[c][ue] = per_res
        total = per_res * len(res)
        for c in extra:
            sae_coefs[c][ue] = 1
        rest = total - len(extra)
        share = round(rest / len(saes) * 2) / 2 if saes else 0
        for c in saes:
            sae_coefs[c][ue] = max(share, 1)
    return res_coefs, sae_coefs


def main(path: str) -> None:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out: list[str] = []
    w = out.append
    w("# Formation BUT MMI — IUT Dijon-Auxerre, département MMI (format docs/formation-format.md).")
    w("# Provenance of each block is given in comments:")
    w("#  [REF]  référentiel de compétences, Orébut 2021-12-11 via ScoDoc (data/mmi-national.yaml)")
    w("#  [PN-LOCAL] S1–S4 ressources and national hours (mmi-national.yaml, SECONDARY)")
    w("#  [SEED] fiche formation BUT3 MMI CN apprentissage, IUT Dijon-Auxerre 2023-2024 (exact target)")
    w("#  [HYP]  local assumption where national data is missing: marked `hypothese: true`, listed below")
    w("# First produced by tools/gen_formation_mmi.py; this file is the source of truth.")
    w("format: delibe-formation/1")
    w("id: but-mmi-dijon")
    w("version: 1")
    w(q("BUT Métiers du Multimédia et de l'Internet — IUT Dijon-Auxerre").join(["titre: ", ""]))
    w('etablissement: "IUT Dijon-Auxerre"')
    w('departement: "MMI"')
    w('annee_universitaire: "2023-2024"')
    w("modalite: apprentissage")
    w("")
    w("# [REF] référentiel de compétences (CERTAIN)")
    w("referentiel:")
    spec = data["specialite"]
    w(f"  specialite: {spec['code']}")
    w(f"  specialite_long: {q(spec['libelle'])}")
    w(f"  version: {q(str(spec['version_orebut']).split()[0])}")
    w('  source: "Orébut 2021-12-11 via ScoDoc (Scodoc_Notes mmi.json), recopié dans mmi-national.yaml"')
    w("  competences:")
    for comp in data["competences"]:
        w(f"    - nom_court: {comp['nom_court']}")
        w(f"      numero: {comp['numero']}")
        w(f"      libelle_long: {q(comp['libelle_long'])}")
        w(f"      id_orebut: {q(comp['id_orebut'])}")
        w(f"      couleur: {comp['couleur']}")
        w("      composantes_essentielles:")
        for item in comp["composantes_essentielles"]:
            w(f"        - {q(item)}")
        w("      situations_professionnelles:")
        for item in comp["situations_professionnelles"]:
            w(f"        - {q(item)}")
        w("      niveaux:")
        for niv in comp["niveaux"]:
            w(f"        - ordre: {niv['ordre']}")
            w(f"          annee: {int(str(niv['annee']).replace('BUT', ''))}")
            w(f"          libelle: {q(niv['libelle'])}")
            w("          apprentissages_critiques:")
            for code, text in niv["apprentissages_critiques"].items():
                w(f"            {code}: {q(text)}")
    w("  parcours:")
    for par in data["parcours"]:
        w(f"    - code: {par['code']}")
        libelle = "Création numérique" if par["code"] == "Créa" else par["libelle"]
        w(f"      libelle: {q(libelle)}")
        w("      annees:")
        for year, levels in par["annees"].items():
            w(f"        {year}: {flow(levels)}")
    w("")
    w("# Semesters delivered by this file, per parcours. The seed covers BUT3 Créa (apprentissage) only;")
    w("# S1–S3 are common; S4 exists for Créa and DWeb-DI in the national data, not for Strat-UX; S5–S6 of")
    w("# Strat-UX and DWeb-DI have no coefficients in the sources, so they are not delivered here.")
    w("offre:")
    w("  Créa: [1, 2, 3, 4, 5, 6]")
    w("  DWeb-DI: [1, 2, 3, 4]")
    w("  Strat-UX: [1, 2, 3]")
    w("")
    w("hypotheses:")
    hyps = [
        ("S1–S4, ECTS", "Répartition des 30 ECTS de S1–S4 absente des sources: 6 ECTS par UE (5 UE)."),
        ("S1–S4, coefficients",
         ("Coefficients des modules de S1–S4 absents des sources (tables du BO non disponibles): chaque "
         "ressource a le coefficient 1 dans chaque UE qu'elle nourrit (davantage quand l'UE a peu de "
         "ressources, pour que le pôle ressources ne tombe pas sous 40 %); le pôle SAÉ de chaque UE reçoit le même "
         "total (50 %): portfolio (et stage en S4) 1, le reste partagé entre les SAÉ de l'UE (arrondi à 0,5).")),
        ("S1–S2, rattachement des ressources",
         ("Une ressource nourrit l'UE d'une compétence quand une SAÉ de cette compétence la mobilise "
         "(ressources_mobilisees des données nationales).")),
        ("S3–S4, rattachement des ressources",
         ("Pas de liste « ressources mobilisées » pour S3–S4: rattachement thématique des ressources aux "
         "compétences (ex. Développement Back → Développer).")),
        ("S1–S4, heures des ressources",
         ("Les données donnent les heures nationales (CM+TD+TP) et la part de TP: le reste est compté en TD "
         "(répartition CM/TD inconnue). R2.02 (heures manquantes) reprend les heures de R1.02 (10 h dont 5 TP).")),
        ("S1–S4, heures des SAÉ",
         (f"Heures des SAÉ non fixées nationalement: {SAE_PROJET} h de projet par SAÉ; portfolio 4 h TD + 6 h "
         "projet; stage de S4 sans heures encadrées.")),
        ("modalite", ("Modalité « apprentissage » : celle de la fiche formation (BUT3 Créa); S1–S4 sont décrits "
                      "d'après le programme national, sans distinction de modalité.")),
        ("S4, parcours", "Strat-UX: ressources et SAÉ de S4 introuvables dans les sources; S4 non délivré."),
        ("S5–S6", ("Seul le parcours Créa par apprentissage est décrit (fiche formation Dijon 2023-2024); "
         "codes des modules tels que la fiche les imprime (R5-01…).")),
    ]
    for place, text in hyps:
        w(f"  - place: {q(place)}")
        w(f"    text: {q(text)}")
    w("")
    w("semestres:")
    prog = data["programme"]
    for sem in (1, 2, 3, 4):
        block = prog[f"S{sem}"]
        w(f"  # ---- S{sem}: ressources [PN-LOCAL], SAÉ titles [PN-LOCAL], coefficients/ECTS/SAÉ hours [HYP]")
        w(f"  - numero: {sem}")
        w("    ues:")
        for comp in COMPETENCES:
            w(f"      - code: UE{sem}.{NUM[comp]}")
            w(f"        competence: {comp}")
            w(f"        niveau: {1 if sem <= 2 else 2}")
            w("        ects: 6")
            w("        hypothese: true")
        w("    modules:")
        if sem in (1, 2, 3):
            variants = [(None, block["ressources"], block["saes"])]
        else:
            variants = [("Créa", block["Créa"]["ressources"], block["Créa"]["saes"]),
                        ("DWeb-DI", block["DWeb-DI"]["ressources"], block["DWeb-DI"]["saes"])]
        for parcours, ressources, saes in variants:
            if parcours:
                w(f"      # S4 parcours {parcours}")
            sae_links: dict[str, list[str]] = {}
            for s in saes:
                comps = s.get("competences") or list(COMPETENCES)
                sae_links[s["code"]] = comps
            res_links: dict[str, list[str]] = {}
            for r in ressources:
                if sem in (1, 2):
                    comps = sorted({c for s in saes for c in (s.get("competences") or [])
                                    if r["code"] in s.get("ressources_mobilisees", [])}, key=NUM.get)
                elif sem == 3:
                    comps = THEMES_S3[r["code"]]
                else:
                    comps = THEMES_S4["Crea" if parcours == "Créa" else parcours][r["code"][-2:]]
                res_links[r["code"]] = comps
            res_coefs, sae_coefs = balance(sem, res_links, sae_links)
            for r in ressources:
                total, tp = r["heures_pn"], r["tp"]
                note = ""
                if total is None:
                    total, tp, note = 10, 5, "  # hours MISSING nationally: R1.02's hours [HYP]"
                if sem in (1, 2):
                    by = [s["code"] for s in saes if r["code"] in s.get("ressources_mobilisees", [])]
                    why = f"mobilisée par {', '.join(by)}"
                else:
                    why = "rattachement thématique"
                w(f"      - code: {r['code']}   # {why} → {', '.join(res_links[r['code']])} [HYP]")
                w(f"        titre: {q(r['titre'])}")
                w("        type: ressource")
                w(f"        heures: {heures(0, total - tp, tp, 0)}{note}")
                w(f"        coefficients: {flow(res_coefs[r['code']])}")
                if parcours:
                    w(f"        parcours: [{parcours}]")
                w("        hypothese: true")
            for s in saes:
                code = s["code"]
                kind = "portfolio" if code == "Portfolio" else "stage" if code == "Stage" else "sae"
                h = (PORTFOLIO_H["cm"], PORTFOLIO_H["td"], PORTFOLIO_H["tp"], PORTFOLIO_H["projet"]) \
                    if kind == "portfolio" else (0, 0, 0, 0) if kind == "stage" else (0, 0, 0, SAE_PROJET)
                w(f"      - code: {q(code)}")
                w(f"        titre: {q(s['titre'])}")
                w(f"        type: {kind}")
                w(f"        heures: {heures(*h)}")
                w(f"        coefficients: {flow(sae_coefs[code])}")
                if parcours:
                    w(f"        parcours: [{parcours}]")
                w("        hypothese: true")
    for sem, rows, ects in ((5, SEED_S5, {3: 20, 5: 10}), (6, SEED_S6, {3: 20, 5: 10})):
        w(f"  # ---- S{sem}, parcours Créa: exactly the seed's tables [SEED]")
        w(f"  - numero: {sem}")
        w("    ues:")
        for n, e in ects.items():
            comp = COMPETENCES[n - 1]
            libelle = next(c["libelle_long"] for c in data["competences"] if c["numero"] == n)
            w(f"      - code: UE{sem}.{n}")
            w(f"        titre: {q(libelle)}")
            w(f"        competence: {comp}")
            w("        niveau: 3")
            w(f"        ects: {e}")
            w("        coef_rcue: 1")
            w("        parcours: [Créa]")
        w("    modules:")
        for code, titre, kind, (cm, td, tp, projet), coefs in rows:
            w(f"      - code: {q(code)}")
            w(f"        titre: {q(titre)}")
            w(f"        type: {kind}")
            w(f"        heures: {heures(cm, td, tp, projet)}")
            w(f"        coefficients: {flow(coefs)}")
            w("        parcours: [Créa]")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1] / "data" / "mmi-national.yaml"))
