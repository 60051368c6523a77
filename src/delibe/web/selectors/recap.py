"""The « tableau récapitulatif » of a semester: one row per enrolled student with every module average,
every UE average with its rank, the UE codes (the jury's decision, else the proposal), at a year jury the
RCUEs and the year's proposed and decided codes.

Averages come from ``services.calcul.compute_run`` (the engine), codes from ``jury_table`` (the engine's
proposals and the recorded decisions), ranks as the bulletins rank (``reports.adapters.rank``):
nothing is computed here."""

from __future__ import annotations

import bisect

from delibe.reports.recap import RecapCode, RecapData, RecapRow, RecapUE
from delibe.web.models import Groupe, SemesterRun
from delibe.web.selectors.groupes import member_ids
from delibe.web.selectors.semestres import jury_table
from delibe.web.services.calcul import compute_run
from delibe.web.services.formations import formation_model


def semester_recap(run: SemesterRun, *, parcours: str | None = None, groupe: Groupe | None = None) -> RecapData:
    """The recap of ``run``, of one parcours and/or one group when asked (ranks stay those of the whole
    semester: filtering shows fewer rows, it does not re-rank)."""
    formation = formation_model(run.formation)
    outcome = compute_run(run)
    table = jury_table(run, with_reasons=False)
    ue_codes = [u.code for u in formation.ues_of(run.semestre)]
    modules = [(m.code, m.titre) for m in formation.modules_of(run.semestre)]
    rows_all = table.rows
    averages = {row.student.pk: outcome.ue_averages(row.student.pk) for row in rows_all}
    # the bulletins' ranking (``reports.adapters.rank``: 1 + the number of higher averages, ties share a
    # rank), counted with a sorted column instead of a scan per student (300 students × 5 UEs)
    columns = {ue: sorted(v for sid in averages if (v := averages[sid].get(ue)) is not None) for ue in ue_codes}

    def rank(column: list[float], value: float | None) -> tuple[int | None, int]:
        if value is None:
            return None, len(column)
        return 1 + len(column) - bisect.bisect_right(column, value), len(column)

    year_jury = table.year_jury
    members = member_ids(groupe) if groupe is not None else None
    rows: list[RecapRow] = []
    for row in rows_all:
        enrolment = row.enrolment
        if parcours is not None and enrolment.parcours != parcours:
            continue
        if members is not None and enrolment.student_id not in members:
            continue
        sid = row.student.pk
        cells = {c.key: c for c in row.ues if c is not None}
        ues: dict[str, RecapUE] = {}
        for ue in ue_codes:
            if ue not in averages[sid] and ue not in cells:
                continue
            moyenne = averages[sid].get(ue)
            position, effectif = rank(columns[ue], moyenne)
            cell = cells.get(ue)
            ues[ue] = RecapUE(moyenne, position, effectif,
                              RecapCode(cell.proposed, cell.decided, bool(cell.incomplet)) if cell is not None else None)
        rcues = {c.key: (c.moyenne, RecapCode(c.proposed, c.decided, bool(c.incomplet))) for c in row.rcues
                 if c is not None}
        student = row.student
        means = outcome.module_means(sid)
        rows.append(RecapRow(
            student_id=sid, nip=student.nip, nom=student.nom.upper(), prenom=student.prenom,
            parcours=enrolment.parcours, groupe=enrolment.groupe, redoublant=enrolment.redoublant,
            modules={code: means.get(code) for code, _ in modules},
            ues=ues, rcues=rcues if year_jury else {},
            annee=RecapCode(row.annee.proposed, row.annee.decided, bool(row.annee.incomplet))
            if year_jury and row.annee else None,
            provisional=outcome.provisional(sid), error=row.error,
        ))
    titre = f"Récapitulatif S{run.semestre} {run.academic_year.label} — {run.formation.titre}"
    return RecapData(titre, modules, ue_codes, table.rcue_headers if year_jury else [], year_jury, rows)
