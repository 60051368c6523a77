"""The Apogée export of a semester (or, from an even semester, of the year): the values of the maquette's
result columns, read from the database — the jury's recorded decisions (their code and frozen average),
and for a UE without a decision yet its current average — then written by ``delibe.reports.apogee``.

Reads only: nothing is written to the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from delibe.reports.apogee import (
    ApogeeError,
    Correspondance,
    fill,
    format_note,
    guess_elements,
    read_maquette,
)
from delibe.web.models import Enrolment, JuryDecision, SemesterRun
from delibe.web.services.calcul import compute_runs
from delibe.web.services.formations import formation_model
from delibe.web.services.jury import year_runs


@dataclass
class ApogeeExport:
    data: bytes
    filled: int
    columns: list[str]  # element code → Délibé object, as used
    unknown: list[str] = field(default_factory=list)  # NIPs of the file unknown to this semester, left as is
    absent: list[str] = field(default_factory=list)  # NIPs enrolled in Délibé, missing from the file
    warnings: list[str] = field(default_factory=list)


def _targets(run: SemesterRun, runs: list[SemesterRun], mapping: Correspondance, libelles: dict[str, str],
             warnings: list[str]) -> dict[str, tuple[str, str]]:
    """Apogée element code -> (kind, Délibé key) with kind ue | rcue | annee | semestre."""
    formation = formation_model(run.formation)
    semestres = [r.semestre for r in runs]
    ues = {u.code for u in formation.ues if u.semestre in semestres}
    competences = [c.nom_court for c in formation.referentiel.competences]
    annee = f"BUT{run.annee_but}"
    targets: dict[str, tuple[str, str]] = {}
    for key, code in mapping.elements.items():
        if key in ues:
            kind = "ue"
        elif key in competences:
            kind = "rcue"
        elif key == annee:
            kind = "annee"
        elif key in {f"S{s}" for s in semestres}:
            kind = "semestre"
        else:
            raise ApogeeError(
                f"correspondance : « {key} » n'est ni une UE de {', '.join(f'S{s}' for s in semestres)} "
                f"({', '.join(sorted(ues))}), ni une compétence ({', '.join(competences)}), ni « {annee} », ni un "
                "semestre de l'export : corrigez la clé.")
        if code not in libelles:
            warnings.append(f"correspondance : l'élément {code} (pour {key}) n'est pas dans la maquette ; ignoré.")
            continue
        targets[code] = (kind, key)
    if mapping.deviner:
        guessed = []
        for code, competence in guess_elements(
                {c: lib for c, lib in libelles.items() if c not in targets}, competences, semestres).items():
            semestre = next(s for s in semestres if f"S{s}" in libelles[code].upper().split())
            candidates = [u.code for u in formation.ues if u.semestre == semestre and u.competence == competence]
            if len(candidates) == 1:
                targets[code] = ("ue", candidates[0])
                guessed.append(f"{code} → {candidates[0]}")
        if guessed:
            warnings.append("associations déduites des libellés (à vérifier, ou à fixer dans un fichier de "
                            "correspondance) : " + ", ".join(guessed) + ".")
    missing = [c for c in libelles if c not in targets]
    if missing:
        warnings.append(f"élément(s) sans correspondance, laissés vides : {', '.join(missing)}.")
    return targets


def export_apogee(run: SemesterRun, maquette_data: bytes, mapping: Correspondance | None = None) -> ApogeeExport:
    mapping = mapping or Correspondance()
    maquette = read_maquette(maquette_data)
    warnings: list[str] = []
    if maquette.converted_from_utf8 >= 0:
        warnings.append("la maquette était en UTF-8 : convertie en ISO-8859-1"
                        + (f" ({maquette.converted_from_utf8} caractère(s) non représentable(s) remplacé(s) par « ? »)"
                           if maquette.converted_from_utf8 else "") + ".")
    expected_year = f"{run.academic_year.label[:4]}/{run.academic_year.label[5:]}"
    if maquette.annee and maquette.annee != expected_year:
        warnings.append(f"la maquette est celle de l'année {maquette.annee}, le semestre celle de {expected_year}.")
    runs = year_runs(run) if run.semestre % 2 == 0 else [run]
    targets = _targets(run, runs, mapping, maquette.libelles(), warnings)

    enrolled = {
        e.student.nip: e for e in Enrolment.objects.filter(semester=run).select_related("student")
    }
    ids = {e.student_id: nip for nip, e in enrolled.items()}
    decisions: dict[int, dict[tuple[str, str], JuryDecision]] = defaultdict(dict)
    for d in JuryDecision.objects.filter(student_id__in=list(ids), academic_year=run.academic_year):
        decisions[d.student_id][(d.level, d.key)] = d
    outcomes = compute_runs(runs, list(ids))
    formation = formation_model(run.formation)
    ects = {u.code: u.ects for u in formation.ues}
    semestre_of = {u.code: u.semestre for u in formation.ues}

    in_file = maquette.student_lines()
    values: dict[str, dict[tuple[str, str], str]] = {}
    bad_codes: dict[str, int] = defaultdict(int)
    undecided = 0
    for nip, enrolment in enrolled.items():
        if nip not in in_file:
            continue
        sid = enrolment.student_id
        cells: dict[tuple[str, str], str] = {}
        own = decisions.get(sid, {})
        any_code = False
        for code, (kind, key) in targets.items():
            note: float | None = None
            result: str | None = None
            if kind == "semestre":
                outcome = next((outcomes[r.pk] for r in runs if f"S{r.semestre}" == key), None)
                if outcome is not None:
                    averages = [(v, ects.get(u, 0)) for u, v in outcome.ue_averages(sid).items() if v is not None]
                    weight = sum(w for _, w in averages)
                    note = sum(v * w for v, w in averages) / weight if weight else None
            else:
                level = {"ue": "ue", "rcue": "rcue", "annee": "annee"}[kind]
                decision = own.get((level, key))
                if decision is not None:
                    note = decision.moyenne
                    result = decision.decided_code
                if kind == "ue" and note is None:
                    outcome = next((outcomes[r.pk] for r in runs if r.semestre == semestre_of.get(key)), None)
                    note = outcome.ue_average(sid, key) if outcome is not None else None
            if note is not None and kind != "annee":
                cells[(code, "N")] = format_note(note)
                cells[(code, "B")] = mapping.bareme
            if result:
                apogee_code = mapping.codes.get(result, result)
                cells[(code, "R")] = apogee_code
                any_code = True
                if maquette.result_codes and apogee_code not in maquette.result_codes:
                    bad_codes[apogee_code] += 1
        if not any_code:
            undecided += 1
        values[nip] = cells
    data, fill_warnings = fill(maquette, values)
    warnings.extend(fill_warnings)
    for apogee_code, count in sorted(bad_codes.items()):
        warnings.append(f"le code {apogee_code} ({count} fois) n'est pas dans les codes de résultat de la maquette "
                        f"(XX-APO_TYP_RES-XX) : ajoutez « {apogee_code}: <code Apogée> » sous « codes » dans la "
                        "correspondance.")
    if undecided:
        warnings.append(f"{undecided} étudiant(s) sans décision de jury enregistrée : seules leurs moyennes sont "
                        "écrites.")
    unknown = sorted(nip for nip in in_file if nip not in enrolled)
    absent = sorted(nip for nip in enrolled if nip not in in_file)
    columns = [f"{code} → {kind} {key}" for code, (kind, key) in targets.items()]
    return ApogeeExport(data, len(values), columns, unknown, absent, warnings)
