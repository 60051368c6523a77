"""Fictitious document inputs: the golden tests, the benchmark and ``delibe documents exemple`` use
them to show every document without a database.

The people are invented; the MMI competences, UE codes and ECTS are the national ones (BUT1: five
competences at level 1, 6 ECTS each). Numbers and codes are typed in as a jury would have recorded
them (they are consistent with docs/domain.md, e.g. UE 1.2 below 10 in January is CMP in June because
its RCUE reaches 10); nothing here applies a rule. :func:`cohort` draws grades at random (seeded) for the benchmark
and gives every UE the code an engine would; it is a load generator, not a rule.
"""

from __future__ import annotations

import random
from dataclasses import replace

from delibe.engine.jury import codes as jury_codes
from delibe.engine.parameters import DEFAULT_REGLES
from delibe.reports.data import (
    Absences,
    AttestationData,
    BulletinData,
    Decision,
    EvaluationLine,
    Identite,
    LettreData,
    ModuleResult,
    PVCell,
    PVColumn,
    PVData,
    PVRow,
    RCUELine,
    ReleveDiplomeData,
    ReleveSemestre,
    ReportConfig,
    UELine,
    UEModule,
)
from delibe.reports.format import note

CONFIG = ReportConfig(
    etablissement="IUT de Bourgogne-Sud (exemple)",
    departement="Métiers du multimédia et de l'internet",
    universite="Université d'exemple",
    adresse="12 rue des Exemples, 21000 Dijon",
    ville="Dijon",
    signataire_nom="Claire Martin",
)
FORMATION = "BUT Métiers du multimédia et de l'internet"
COMPETENCES = ("Comprendre", "Concevoir", "Exprimer", "Développer", "Entreprendre")

# code, titre, kind, coefficient per UE of S1 (competences 1..5)
MODULES_S1: tuple[tuple[str, str, str, tuple[float, ...]], ...] = (
    ("R1.01", "Anglais", "ressource", (3, 3, 3, 0, 0)),
    ("R1.02", "Ergonomie et accessibilité", "ressource", (6, 0, 0, 0, 0)),
    ("R1.03", "Culture numérique", "ressource", (4, 0, 0, 0, 4)),
    ("R1.04", "Stratégies de communication", "ressource", (0, 8, 0, 0, 0)),
    ("R1.05", "Expression, communication et rhétorique", "ressource", (0, 5, 5, 0, 0)),
    ("R1.06", "Écriture multimédia et narration", "ressource", (0, 0, 6, 0, 0)),
    ("R1.10", "Développement web", "ressource", (0, 0, 0, 12, 0)),
    ("R1.13", "Gestion de projet", "ressource", (0, 0, 0, 0, 8)),
    ("SAÉ1.01", "Audit de communication numérique", "sae", (15, 10, 0, 0, 0)),
    ("SAÉ1.03", "Produire un contenu audio et vidéo", "sae", (0, 0, 14, 0, 0)),
    ("SAÉ1.04", "Produire un site web", "sae", (0, 0, 0, 14, 0)),
    ("SAÉ1.05", "Gérer un projet de communication", "sae", (0, 0, 0, 0, 10)),
    ("SAÉ1.06", "Portfolio", "portfolio", (1, 1, 1, 1, 1)),
)
EVALUATIONS = (("Contrôle écrit", 2.0, "2024-10-14"), ("Travaux pratiques", 1.0, "2024-11-18"),
               ("Projet", 1.5, "2024-12-09"))


def _etudiant(i: int, rng: random.Random | None = None) -> Identite:
    noms = ("Durand", "Lefèvre", "Moreau", "Nguyen", "Benali", "Rousseau", "Garnier", "Faure", "Mercier",
            "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Chevalier")
    prenoms = (("Léa", "Mme"), ("Hugo", "M."), ("Inès", "Mme"), ("Mathis", "M."), ("Chloé", "Mme"),
               ("Yanis", "M."), ("Zoé", "Mme"), ("Noah", "M."), ("Manon", "Mme"), ("Lucas", "M."),
               ("Aïcha", "Mme"), ("Théo", "M."), ("Camille", "Mme"), ("Enzo", "M."), ("Jade", "Mme"),
               ("Élodie", "Mme"))
    prenom, civilite = prenoms[(i * 7) % len(prenoms)]
    return Identite(
        nom=noms[i % len(noms)] + ("" if i < len(noms) else f"-{i // len(noms)}"),
        prenom=prenom,
        numero=f"2024{i:05d}",
        ine=f"0{i:09d}AB",
        date_naissance=f"2005-{1 + i % 12:02d}-{1 + i % 28:02d}",
        civilite=civilite,
    )


def _mean(pairs: list[tuple[float, float | None]]) -> float | None:
    used = [(w, v) for w, v in pairs if v is not None and w > 0]
    total = sum(w for w, _ in used)
    return sum(w * v for w, v in used) / total if total else None


def _semester(grades: dict[str, tuple[float | None, ...]], cohort: dict[str, list[float]],
              semestre: int = 1) -> tuple[tuple[ModuleResult, ...], list[list[UEModule]]]:
    """Module results and per-UE contributions from the evaluation grades (a fixture helper)."""
    modules = []
    per_ue: list[list[UEModule]] = [[] for _ in COMPETENCES]
    for code_s1, titre, kind, coefs in MODULES_S1:
        notes = grades[code_s1]
        code = code_s1.replace("1.", f"{semestre}.", 1)
        evaluations = tuple(
            EvaluationLine(
                description=desc, coefficient=coef, note=note, date=date,
                valeur="ABS" if note == 0 else None,
                poids={f"UE{semestre}.{k + 1}": 1.0 for k, c in enumerate(coefs) if c},
            )
            for (desc, coef, date), note in zip(EVALUATIONS, notes)
        )
        moyenne = _mean([(e.coefficient, e.note) for e in evaluations])
        modules.append(ModuleResult(code, titre, kind, moyenne, evaluations, tuple(cohort.get(code_s1, ()))))
        for k, c in enumerate(coefs):
            if c:
                per_ue[k].append(UEModule(code, titre, c, moyenne, kind))
    return tuple(modules), per_ue


# One student's evaluation grades (S1), chosen so that UE 1.2 is below 10 (8,69) and compensated.
GRADES_LEA: dict[str, tuple[float | None, ...]] = {
    "R1.01": (12.5, 14.0, 13.0), "R1.02": (11.0, 13.5, 12.0), "R1.03": (14.0, 12.0, 15.5),
    "R1.04": (5.0, 6.0, 6.0), "R1.05": (9.0, 8.5, 10.0), "R1.06": (11.5, 10.0, 12.5),
    "R1.10": (12.0, 13.0, 11.0), "R1.13": (15.0, 14.0, 13.5), "SAÉ1.01": (9.0, 10.5, 8.0),
    "SAÉ1.03": (10.0, 11.5, 9.0), "SAÉ1.04": (13.5, 12.0, None), "SAÉ1.05": (14.0, 15.0, 16.0),
    "SAÉ1.06": (15.0, None, None),
}


def _cohort_distribution(rng: random.Random, n: int = 28) -> dict[str, list[float]]:
    return {code: [round(min(20.0, max(0.0, rng.gauss(11, 3.2))), 2) for _ in range(n)]
            for code, *_ in MODULES_S1}


def bulletin(*, jury: bool = True) -> BulletinData:
    """Léa Durand's S1 bulletin; with ``jury=False`` the odd-semester jury has not met yet."""
    rng = random.Random(2024)
    modules, per_ue = _semester(GRADES_LEA, _cohort_distribution(rng))
    # The averages and codes as the engine and the jury of January recorded them.
    recorded = (("ADM", 6), ("AJ", 14), ("ADM", 8), ("ADM", 7), ("ADM", 3))
    ues = tuple(
        UELine(
            code=f"UE1.{k + 1}", competence=COMPETENCES[k], rang=rang,
            moyenne=_mean([(m.coefficient, m.moyenne) for m in per_ue[k]]), effectif=28, ects=6,
            ects_acquis=6 if code != "AJ" and jury else 0,
            ressources=tuple(m for m in per_ue[k] if m.kind == "ressource"),
            saes=tuple(m for m in per_ue[k] if m.kind != "ressource"),
            decision=Decision(code, provisoire=not jury) if jury else None,
        )
        for k, (code, rang) in enumerate(recorded)
    )
    return BulletinData(
        config=CONFIG, formation=FORMATION, etudiant=_etudiant(0), semestre=1,
        annee_universitaire="2024-2025", parcours="Création numérique", ues=ues, modules=modules,
        absences=Absences(justifiees=3, injustifiees=1), date_jury="2025-01-23" if jury else None,
        date_edition="2025-01-24",
    )


def bulletin_s2() -> BulletinData:
    """Léa's S2 bulletin after the year jury: RCUE codes and the year code, UE 1.2 now CMP."""
    s1 = bulletin()
    grades = {code: tuple(None if v is None else min(20.0, v + 3) for v in values)
              for code, values in GRADES_LEA.items()}
    modules, per_ue = _semester(grades, _cohort_distribution(random.Random(2025)), semestre=2)
    ues = tuple(
        replace(u, code=f"UE2.{k + 1}", moyenne=_mean([(m.coefficient, m.moyenne) for m in per_ue[k]]), rang=None,
                ects_acquis=6, decision=Decision("ADM"),
                ressources=tuple(m for m in per_ue[k] if m.kind == "ressource"),
                saes=tuple(m for m in per_ue[k] if m.kind != "ressource"))
        for k, u in enumerate(s1.ues)
    )
    rcues = tuple(
        RCUELine(c, (u1.code, u2.code), (u1.moyenne + u2.moyenne) / 2, Decision(code))  # type: ignore[operator]  # the example UEs all have an average
        for c, u1, u2, code in zip(COMPETENCES, s1.ues, ues, ("ADM", "CMP", "ADM", "ADM", "ADM"))
    )
    annee = Decision("ADM", motifs=("5 RCUE validés sur 5: année validée.",))
    return replace(s1, semestre=2, ues=ues, modules=modules, rcues=rcues, decision_annee=annee,
                   date_jury="2025-06-26", date_edition="2025-06-27",
                   messages=((f"L'UE 1.2 ({note(s1.ues[1].moyenne)} en janvier) est acquise par compensation: son RCUE "
                             f"atteint {note(rcues[1].moyenne)}."),))


def pv() -> PVData:
    """The BUT1 year jury of a small group: ADM, ADM with compensation, PASD, RED, DEM."""
    ue_cols = tuple(PVColumn(f"UE{s}.{k + 1}", f"UE{s}.{k + 1}") for k in range(5) for s in (1, 2))
    rcue_cols = tuple(PVColumn(c, c[:6] + ".") for c in COMPETENCES)
    table = (
        # UE averages S1/S2 per competence, UE codes, RCUE codes, year code, ECTS
        ((13.02, 12.0, 8.6, 12.2, 11.1, 10.4, 12.3, 12.0, 14.35, 15.0),
         ("ADM", "ADM", "CMP", "ADM", "ADM", "ADM", "ADM", "ADM", "ADM", "ADM"),
         ("ADM", "CMP", "ADM", "ADM", "ADM"), "ADM", 60, ""),
        ((13.0, 12.0, 9.2, 9.0, 11.0, 10.4, 12.0, 12.0, 14.0, 15.0),
         ("ADM", "ADM", "AJ", "AJ", "ADM", "ADM", "ADM", "ADM", "ADM", "ADM"),
         ("ADM", "AJ", "ADM", "ADM", "ADM"), "PASD", 48, "Compétence Concevoir à repasser en BUT2."),
        ((8.0, 9.0, 7.5, 8.0, 11.0, 9.5, 6.0, 7.0, 10.5, 9.0),
         ("AJ", "AJ", "AJ", "AJ", "ADM", "CMP", "AJ", "AJ", "ADM", "AJ"),
         ("AJ", "AJ", "CMP", "AJ", "AJ"), "RED", 18, ""),
        ((15.5, 16.0, 14.0, 13.5, 12.0, 12.5, 17.0, 16.5, 13.0, 14.0),
         ("ADM",) * 10, ("ADM",) * 5, "ADM", 60, ""),
        ((None, None, None, None, None, None, None, None, None, None),
         (None,) * 10, (None,) * 5, "DEM", 0, "Démission reçue le 12 mars 2025."),
    )
    rows = []
    for i, (moys, ue_codes, rcue_codes, annee, ects, obs) in enumerate(table):
        rcue_moys = [None if moys[2 * k] is None else round((moys[2 * k] + moys[2 * k + 1]) / 2, 2)
                     for k in range(5)]
        rows.append(PVRow(
            etudiant=_etudiant(i),
            ues={c.key: PVCell(m, code) for c, m, code in zip(ue_cols, moys, ue_codes)},
            rcues={c.key: PVCell(m, code) for c, m, code in zip(rcue_cols, rcue_moys, rcue_codes)},
            code_annee=annee, ects_annee=ects, ects_cumul=ects, observations=obs, parcours="Créa",
        ))
    from delibe.reports.adapters import pv_stats

    stats = pv_stats(rows, ue_cols + rcue_cols)
    return PVData(
        config=CONFIG, formation=FORMATION, annee_universitaire="2024-2025", semestres=(1, 2),
        date_jury="2025-06-26", president="Claire Martin, directrice de l'IUT",
        membres=("Paul Girard, chef du département", "Sophie Leroy, directrice des études BUT1",
                 "Karim Haddad, enseignant", "Anne Petit, professionnelle associée"),
        ue_columns=ue_cols, rcue_columns=rcue_cols, rows=tuple(rows), stats=stats, lieu="Dijon",
    )


def lettre() -> LettreData:
    """The letter of the PV's second student (Noah Lefèvre, PASD), with the same averages and codes."""
    row = pv().rows[1]
    ues = tuple(
        UELine(code=key, competence=COMPETENCES[int(key[-1]) - 1], moyenne=cell.moyenne, ects=6,
                 ects_acquis=6 if jury_codes.validates(cell.code) else 0, decision=Decision(cell.code or ""))
        for key, cell in sorted(row.ues.items())
    )
    rcues = tuple(
        RCUELine(c, (f"UE1.{k + 1}", f"UE2.{k + 1}"), row.rcues[c].moyenne, Decision(row.rcues[c].code or ""))
        for k, c in enumerate(COMPETENCES)
    )
    return LettreData(
        config=CONFIG, formation=FORMATION, etudiant=row.etudiant, annee_universitaire="2024-2025",
        annee_but=1, date_jury="2025-06-26",
        decision_annee=Decision("PASD", motifs=(
            "4 RCUE validés sur 5 (il en faut plus de la moitié), aucun sous 8: passage de droit.",)),
        semestres=(1, 2), ues=ues, rcues=rcues, ects_acquis=row.ects_cumul,
        adresse_etudiant=("8 allée des Tilleuls", "21000 Dijon"), date_lettre="2025-06-30",
    )


def releve_diplome(diplome: str = "DUT") -> ReleveDiplomeData:
    semestres = []
    last = 4 if diplome == "DUT" else 6
    for s in range(1, last + 1):
        annee = 2022 + (s - 1) // 2
        n = 5 if s <= 4 else 2
        comps = COMPETENCES if s <= 4 else ("Exprimer", "Entreprendre")
        ects = 6 if s <= 4 else 15
        ues = tuple(
            UELine(code=f"UE{s}.{k + 1 if s <= 4 else (3, 5)[k]}", competence=comps[k],
                     moyenne=11 + ((s * 3 + k * 5) % 7) * 0.75, ects=ects, ects_acquis=ects, decision=Decision("ADM"))
            for k in range(n)
        )
        semestres.append(ReleveSemestre(s, f"{annee}-{annee + 1}", ues))
    return ReleveDiplomeData(
        config=CONFIG, diplome=diplome, specialite="Métiers du multimédia et de l'internet", etudiant=_etudiant(3),
        semestres=tuple(semestres), date_jury="2024-06-27" if diplome == "DUT" else "2025-06-26",
        parcours="Création numérique", date_edition="2025-07-01",
    )


def attestation(diplome: str = "BUT") -> AttestationData:
    return AttestationData(
        config=CONFIG, diplome=diplome, specialite="Métiers du multimédia et de l'internet", etudiant=_etudiant(3),
        date_jury="2025-06-26" if diplome == "BUT" else "2024-06-27", ects=180 if diplome == "BUT" else 120,
        annee_universitaire="2024-2025" if diplome == "BUT" else "2023-2024", parcours="Création numérique",
        date_edition="2025-07-01",
    )


def cohort(n: int, seed: int = 1) -> list[BulletinData]:
    """``n`` S1 bulletins with random grades (benchmark load). The UE codes are the provisional
    odd-semester ones (ADM at 10, else AJ), marked provisional: this is load, not a rule."""
    rng = random.Random(seed)
    dist = _cohort_distribution(rng, n=min(n, 200))
    out = []
    for i in range(n):
        level = rng.uniform(6, 16)
        grades = {code: tuple(round(min(20.0, max(0.0, rng.gauss(level, 3))), 1) for _ in EVALUATIONS)
                  for code, *_ in MODULES_S1}
        modules, per_ue = _semester(grades, dist)
        ues = []
        for k in range(5):
            moy = _mean([(m.coefficient, m.moyenne) for m in per_ue[k]])
            code = "ADM" if DEFAULT_REGLES.reaches(moy, DEFAULT_REGLES.barre_ue) else "AJ"
            ues.append(UELine(
                code=f"UE1.{k + 1}", competence=COMPETENCES[k], moyenne=moy, effectif=n, ects=6,
                ects_acquis=6 if code == "ADM" else 0,
                ressources=tuple(m for m in per_ue[k] if m.kind == "ressource"),
                saes=tuple(m for m in per_ue[k] if m.kind != "ressource"),
                decision=Decision(code, provisoire=True),
            ))
        out.append(BulletinData(
            config=CONFIG, formation=FORMATION, etudiant=_etudiant(i, rng), semestre=1,
            annee_universitaire="2024-2025", parcours="Création numérique", ues=tuple(ues), modules=modules,
            absences=Absences(rng.randint(0, 6), rng.randint(0, 3)), date_edition="2025-01-24",
        ))
    return out
