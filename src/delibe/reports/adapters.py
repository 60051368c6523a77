"""From the engine's results to the documents' inputs (:mod:`delibe.reports.data`).

These functions copy what the engine computed and the jury decided; they decide nothing. They serve
``delibe documents`` on ``delibe simulate`` scenario files (no database) and can serve the web app's
services, which may also fill the dataclasses themselves from the database.

- :func:`bulletin_from_semester` — a bulletin from ``delibe.engine.moyennes.SemesterResults`` (averages,
  evaluations, cohort distribution) and, when the jury has met, its ``SemesterResult``/``YearResult``;
- :func:`bulletins_from_cursus`, :func:`pv_from_cursus`, :func:`lettre_from_cursus`,
  :func:`releve_from_cursus`, :func:`attestation_from_cursus` — from ``delibe.engine.jury.CursusResult``
  (UE averages and decisions only: a scenario has no evaluations);
- :func:`pv_stats` — the PV's summary (counts and cohort means of the rows it is given).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from delibe.engine.jury.codes import VALIDATING
from delibe.engine.jury.model import YearResult
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
    PVStats,
    RCUELine,
    ReleveDiplomeData,
    ReleveSemestre,
    ReportConfig,
    UELine,
    UEModule,
)

if TYPE_CHECKING:
    from delibe.engine.jury import CursusResult, SemesterResult
    from delibe.engine.jury.model import UEState
    from delibe.engine.model import Formation
    from delibe.engine.moyennes import SemesterResults
    from delibe.engine.trace import Reason


def pv_stats(rows: Sequence[PVRow], columns: Iterable[PVColumn] = ()) -> PVStats:
    """Counts of the year codes, UE codes and diplomas of ``rows``, and the cohort mean of each
    column's defined averages (undefined averages are left out, as everywhere)."""
    codes_annee = Counter(r.code_annee for r in rows if r.code_annee)
    codes_ue = Counter(c.code for r in rows for c in r.ues.values() if c.code)
    diplomes = Counter(d for r in rows for d in r.diplomes)
    moyennes: dict[str, float | None] = {}
    for col in columns:
        values = [c.moyenne for r in rows for c in (r.ues.get(col.key), r.rcues.get(col.key))
                  if c is not None and c.moyenne is not None]
        moyennes[col.key] = sum(values) / len(values) if values else None
    return PVStats(effectif=len(rows), codes_annee=dict(codes_annee), codes_ue=dict(codes_ue),
                   diplomes=dict(diplomes), moyennes_ue=moyennes)


def _texts(reasons: Iterable[Reason]) -> tuple[str, ...]:
    return tuple(r.text for r in reasons)


def _decision(code: str | None, reasons: Iterable[Reason] = (), *, provisoire: bool = False) -> Decision | None:
    return Decision(code, _texts(reasons), provisoire) if code else None


def _competence_title(formation: Formation, nom_court: str) -> str:
    competence = formation.referentiel.competence(nom_court)
    return competence.nom_court if competence else nom_court


def _annee_universitaire(start: int) -> str:
    return f"{start}-{start + 1}"


def _year_of(result: CursusResult, annee_but: int | None) -> YearResult:
    """The last jury of BUT year ``annee_but`` (a repeater's last attempt), or the last jury."""
    years = [y for y in result.years if annee_but is None or y.annee_but == annee_but]
    if not years:
        taken = ", ".join(f"BUT{y.annee_but}" for y in result.years) or "aucune"
        raise ValueError(f"aucun jury de BUT{annee_but} dans ce cursus (années passées: {taken}); "
                         "choisissez une de ces années")
    return years[-1]


def bulletins_from_cursus(
    config: ReportConfig, formation: Formation, result: CursusResult, etudiant: Identite, *,
    annee_but: int | None = None, annee_universitaire: str = "", date_jury: str | None = None,
    parcours: str = "",
) -> tuple[BulletinData, BulletinData]:
    """The two semester bulletins of one year jury (UE averages, codes, ECTS; RCUEs and the year code
    on the even semester's). The odd semester's UE codes are those of the year jury."""
    year = _year_of(result, annee_but)
    out = []
    for semestre in (2 * year.annee_but - 1, 2 * year.annee_but):
        ues = tuple(
            UELine(
                code=r.ue.code, competence=_competence_title(formation, r.ue.competence), titre=r.ue.titre,
                moyenne=r.moyenne, ects=r.ue.ects, ects_acquis=r.ects if r.acquise else 0,
                decision=_decision(r.decided, r.reasons, provisoire=r.provisional),
                capitalisee=r.capitalisee,
            )
            for r in sorted(year.ues.values(), key=lambda r: r.ue.code)
            if r.ue.semestre == semestre
        )
        even = semestre % 2 == 0
        rcues = tuple(
            RCUELine(_competence_title(formation, r.competence), r.ues, r.moyenne,
                       _decision(r.decided, r.reasons))
            for r in year.rcues.values()
        ) if even else ()
        out.append(BulletinData(
            config=config, formation=formation.titre, etudiant=etudiant, semestre=semestre,
            annee_universitaire=annee_universitaire or formation.annee_universitaire, ues=ues,
            parcours=parcours, rcues=rcues,
            decision_annee=_decision(year.annee.decided, year.annee.reasons) if even else None,
            date_jury=date_jury, jury_annuel=True, provisoire=any(r.provisional for r in year.ues.values()),
        ))
    return out[0], out[1]


def pv_row(year: YearResult | SemesterResult, etudiant: Identite, *,
           recorded: Mapping[tuple[str, str], str | None] | None = None, code_annee: str | None = None,
           ects_cumul: float | None = None, parcours: str = "", observations: str = "") -> PVRow:
    """The PV row of one student from the engine's result of the jury judged (a year jury, or an
    odd-semester jury: UEs only). ``recorded`` holds the codes the jury recorded, by (level, key) —
    « ue », « rcue », « annee » (key BUT<n>) — which the row shows instead of the engine's where given
    (the database path; a scenario has none). The year's ECTS count the UEs whose shown code validates,
    so the row never says a UE is acquired without its credits or the other way round."""
    recorded = recorded or {}

    def shown(level: str, key: str, engine_code: str | None) -> str | None:
        return recorded.get((level, key), engine_code)

    ues = {code: PVCell(r.moyenne, shown("ue", code, r.decided)) for code, r in year.ues.items()}
    rcues: dict[str, PVCell] = {}
    diplomes: tuple[str, ...] = ()
    if isinstance(year, YearResult):
        rcues = {r.competence: PVCell(r.moyenne, shown("rcue", r.competence, r.decided)) for r in year.rcues.values()}
        code_annee = shown("annee", f"BUT{year.annee_but}", year.annee.decided)
        diplomes = tuple(d for d, awarded in (("DUT", year.diplomes.dut), ("BUT", year.diplomes.but)) if awarded)
    else:
        semestre_key = f"BUT{(year.semestre + 1) // 2}"
        code_annee = recorded.get(("annee", semestre_key), code_annee)
    return PVRow(
        etudiant=etudiant, ues=ues, rcues=rcues, code_annee=code_annee,
        ects_annee=sum(r.ue.ects for code, r in year.ues.items() if ues[code].code in VALIDATING),
        ects_cumul=ects_cumul, diplomes=diplomes, observations=observations, parcours=parcours,
    )


def pv_row_from_cursus(formation: Formation, result: CursusResult, etudiant: Identite, *,
                       annee_but: int | None = None, parcours: str = "", observations: str = "") -> PVRow:
    year = _year_of(result, annee_but)
    return pv_row(year, etudiant, ects_cumul=_ects_until(result, year), parcours=parcours, observations=observations)


def _ects_until(result: CursusResult, year: YearResult) -> float | None:
    if year is result.years[-1]:
        return result.final.ects
    return None


def pv_columns(formation: Formation, years: Iterable[YearResult]) -> tuple[tuple[PVColumn, ...], tuple[PVColumn, ...]]:
    """UE columns grouped by competence (odd then even UE of each RCUE), then one column per RCUE."""
    ue_cols: dict[str, PVColumn] = {}
    rcue_cols: dict[str, PVColumn] = {}
    for year in years:
        for r in sorted(year.rcues.values(), key=lambda r: _numero(formation, r.competence)):
            for code in r.ues:
                ue_cols.setdefault(code, PVColumn(code, code))
            rcue_cols.setdefault(r.competence, PVColumn(r.competence, _short(r.competence)))
        for code in sorted(year.ues):
            ue_cols.setdefault(code, PVColumn(code, code))
    return tuple(ue_cols.values()), tuple(rcue_cols.values())


def _numero(formation: Formation, nom_court: str) -> int:
    competence = formation.referentiel.competence(nom_court)
    return competence.numero if competence else 99


def _short(title: str) -> str:
    return title if len(title) <= 8 else title[:7] + "."


def pv_from_cursus(
    config: ReportConfig, formation: Formation, students: Sequence[tuple[Identite, CursusResult]], *,
    annee_but: int, date_jury: str, president: str, membres: Sequence[str] = (),
    annee_universitaire: str = "", parcours: str = "", lieu: str = "",
    observations: Mapping[str, str] | None = None,
) -> PVData:
    """The PV of the BUT ``annee_but`` year jury for ``students`` (one row each)."""
    years = [_year_of(result, annee_but) for _, result in students]
    ue_cols, rcue_cols = pv_columns(formation, years)
    rows = tuple(
        pv_row_from_cursus(formation, result, etudiant, annee_but=annee_but,
                           observations=(observations or {}).get(etudiant.numero, ""))
        for etudiant, result in students
    )
    return PVData(
        config=config, formation=formation.titre,
        annee_universitaire=annee_universitaire or formation.annee_universitaire,
        semestres=(2 * annee_but - 1, 2 * annee_but), date_jury=date_jury, president=president,
        membres=tuple(membres), ue_columns=ue_cols, rows=rows, rcue_columns=rcue_cols,
        stats=pv_stats(rows, ue_cols + rcue_cols), parcours=parcours, lieu=lieu,
    )


def lettre_from_cursus(
    config: ReportConfig, formation: Formation, result: CursusResult, etudiant: Identite, *,
    date_jury: str, annee_but: int | None = None, annee_universitaire: str = "", date_lettre: str | None = None,
) -> LettreData:
    year = _year_of(result, annee_but)
    b_impair, b_pair = bulletins_from_cursus(config, formation, result, etudiant, annee_but=year.annee_but)
    diplomes = tuple(d for d, awarded in (("DUT", year.diplomes.dut), ("BUT", year.diplomes.but)) if awarded)
    return LettreData(
        config=config, formation=formation.titre, etudiant=etudiant,
        annee_universitaire=annee_universitaire or formation.annee_universitaire, annee_but=year.annee_but,
        date_jury=date_jury, decision_annee=_decision(year.annee.decided, year.annee.reasons),
        semestres=(b_impair.semestre, b_pair.semestre), ues=b_impair.ues + b_pair.ues, rcues=b_pair.rcues,
        diplomes=diplomes, ects_acquis=_ects_until(result, year), date_lettre=date_lettre or date_jury,
    )


def _semestres_from_states(formation: Formation, states: Iterable[UEState], last: int,
                           annees: Mapping[int, str]) -> tuple[ReleveSemestre, ...]:
    by_semestre: dict[int, list[UELine]] = {}
    for s in sorted(states, key=lambda s: s.ue.code):
        if s.ue.semestre <= last:
            by_semestre.setdefault(s.ue.semestre, []).append(UELine(
                code=s.ue.code, competence=_competence_title(formation, s.ue.competence), titre=s.ue.titre,
                moyenne=s.moyenne, ects=s.ue.ects, ects_acquis=s.ects, decision=_decision(s.code, s.reasons),
            ))
    return tuple(ReleveSemestre(n, annees.get(n, ""), tuple(ues)) for n, ues in sorted(by_semestre.items()))


def releve_from_cursus(
    config: ReportConfig, formation: Formation, result: CursusResult, etudiant: Identite, *, diplome: str,
    date_jury: str, parcours: str = "", annees: Mapping[int, str] | None = None,
) -> ReleveDiplomeData:
    """The transcript of the DUT (S1–S4) or the BUT (S1–S6), from the cursus' final state. Refuses a
    diploma the engine did not award: a report renders a decision, it never makes one."""
    _require_diploma(result, diplome)
    last = 4 if diplome == "DUT" else 6
    semestres = _semestres_from_states(formation, result.final.ues.values(), last, annees or {})
    ects = sum(u.ects_acquis for s in semestres for u in s.ues)
    return ReleveDiplomeData(
        config=config, diplome=diplome, specialite=formation.referentiel.specialite_long, etudiant=etudiant,
        semestres=semestres, date_jury=date_jury, parcours=parcours, ects_total=ects,
    )


def attestation_from_cursus(
    config: ReportConfig, formation: Formation, result: CursusResult, etudiant: Identite, *, diplome: str,
    date_jury: str, annee_universitaire: str = "", parcours: str = "",
) -> AttestationData:
    _require_diploma(result, diplome)
    last = 4 if diplome == "DUT" else 6
    ects = sum(s.ects for s in result.final.ues.values() if s.ue.semestre <= last)
    return AttestationData(
        config=config, diplome=diplome, specialite=formation.referentiel.specialite_long, etudiant=etudiant,
        date_jury=date_jury, ects=ects, annee_universitaire=annee_universitaire or formation.annee_universitaire,
        parcours=parcours,
    )


def _require_diploma(result: CursusResult, diplome: str) -> None:
    if diplome not in ("DUT", "BUT"):
        raise ValueError(f"diplôme « {diplome} » inconnu: DUT ou BUT")
    awarded = result.final.dut if diplome == "DUT" else result.final.but
    if not awarded:
        raise ValueError(f"le {diplome} n'est pas attribué dans ce cursus (décision du jury): pas de relevé "
                         "ni d'attestation de réussite à produire")


def _finite(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _rank(column: Sequence[float], value: float | None) -> tuple[int | None, int]:
    """Rank of ``value`` among the defined averages of ``column`` (1 = best; ties share a rank)."""
    defined = [v for v in column if not math.isnan(v)]
    if value is None:
        return None, len(defined)
    return 1 + sum(1 for v in defined if v > value), len(defined)


def bulletin_from_semester(
    config: ReportConfig,
    formation: Formation,
    results: SemesterResults,
    student_id: str,
    etudiant: Identite,
    *,
    annee_universitaire: str = "",
    parcours: str = "",
    jury: SemesterResult | YearResult | None = None,
    date_jury: str | None = None,
    absences: Absences | None = None,
    evaluations: Mapping[str, tuple[str, str | None]] | None = None,
    rangs: bool = True,
    date_edition: str | None = None,
) -> BulletinData:
    """The bulletin of ``student_id`` from the grade engine's ``SemesterResults`` (module and UE
    averages, the student's grades, the cohort's module averages and ranks) and, once the jury has
    met, its decisions (``SemesterResult`` of an odd-semester jury, ``YearResult`` of the year jury:
    then the RCUEs and the year code too).

    ``evaluations`` maps an evaluation id to its (description, ISO date); without it the id is shown.
    """
    from delibe.engine.moyennes import GradeTable, Special

    spec = results.spec
    row = results.row(student_id)
    grades = results.grades.student(spec, row) if isinstance(results.grades, GradeTable) else results.grades[row]
    semestre = spec.ues[0].semestre if spec.ues else 0
    info = evaluations or {}

    modules = []
    for k, module in enumerate(spec.modules):
        if not grades.enrolled_in(module.code):
            continue
        evals = []
        for e in spec.evaluations_of(module.code):
            value = grades.values.get(e.id)
            special = value.value if isinstance(value, Special) else None
            note = 0.0 if value is Special.ABS else (float(value) if isinstance(value, (int, float)) else None)
            description, date = info.get(e.id, (e.id, None))
            evals.append(EvaluationLine(
                description=description, date=date, coefficient=e.coefficient, note=note, note_max=e.note_max,
                valeur=special, poids={ue: w for ue, w in spec.weights(e).items() if w},
            ))
        column = results.module_means[:, k]
        modules.append(ModuleResult(
            code=module.code, titre=module.titre, kind=module.kind.value,
            moyenne=results.module_average(student_id, module.code), evaluations=tuple(evals),
            distribution=tuple(float(v) for v in column if not math.isnan(v)),
        ))

    decided = dict(jury.ues) if jury is not None else {}
    ues = []
    for j, ue in enumerate(spec.ues):
        moyenne = results.ue_average(student_id, ue.code)
        rang, effectif = _rank(results.ue_averages[:, j], moyenne) if rangs else (None, None)
        contributions = tuple(
            UEModule(m.code, m.titre, spec.coefficient(m.code, ue.code),
                     results.module_average(student_id, m.code, ue.code), m.kind.value)
            for m in spec.modules if spec.coefficient(m.code, ue.code) and grades.enrolled_in(m.code)
        )
        r = decided.get(ue.code)
        ues.append(UELine(
            code=ue.code, competence=_competence_title(formation, ue.competence), titre=ue.titre, moyenne=moyenne,
            rang=rang, effectif=effectif, ects=ue.ects, ects_acquis=r.ects if r is not None and r.acquise else 0,
            ressources=tuple(c for c in contributions if c.kind == "ressource"),
            saes=tuple(c for c in contributions if c.kind != "ressource"),
            decision=_decision(r.decided, r.reasons, provisoire=r.provisional) if r is not None else None,
            capitalisee=ue.code in grades.capitalised,
        ))

    rcues: tuple[RCUELine, ...] = ()
    decision_annee = None
    if jury is not None and hasattr(jury, "rcues") and semestre % 2 == 0:
        rcues = tuple(RCUELine(_competence_title(formation, r.competence), r.ues, r.moyenne,
                                 _decision(r.decided, r.reasons)) for r in jury.rcues.values())
        decision_annee = _decision(jury.annee.decided, jury.annee.reasons)
    return BulletinData(
        config=config, formation=formation.titre, etudiant=etudiant, semestre=semestre,
        annee_universitaire=annee_universitaire or formation.annee_universitaire, ues=tuple(ues),
        modules=tuple(modules), parcours=parcours, absences=absences, rcues=rcues, decision_annee=decision_annee,
        date_jury=date_jury if jury is not None else None, jury_annuel=hasattr(jury, "rcues"),
        provisoire=results.provisional(student_id), date_edition=date_edition,
    )
