"""The one place where the web application calls the engine (averages and jury proposals).

Everything here reads the database in a few bulk queries, builds the engine's frozen inputs, calls the
engine once per semester run and parcours (averages) and once per student cursus (jury), and hands back
the engine's results. Views and templates never compute an average or a code: they show these.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, F, Max, Q, Sum

from delibe.engine.assiduite import Effet, Penalite, ProposeATJ
from delibe.engine.inscription import ETATS_SORTIE, non_attendue, valeur_manquante
from delibe.engine.model import Formation
from delibe.engine.moyennes.penalites import ResultsWithPenalties, with_penalties
from delibe.engine.parameters import Regles, regles_at
from delibe.web.models import Enrolment, Evaluation, Grade, JuryDecision, SemesterRun
from delibe.web.services.formations import formation_model


@functools.lru_cache(maxsize=64)
def _regles_at(date: str) -> Regles:
    return regles_at(date)


def regles_of(run: SemesterRun) -> Regles:
    """The rules in force at the end of the run's academic year (when its jury sits)."""
    return _regles_at(run.academic_year.fin.isoformat())


def engine_evaluation(evaluation: Evaluation) -> Any:
    from delibe.engine.moyennes import Evaluation as EngineEvaluation
    from delibe.engine.moyennes import EvaluationType

    return EngineEvaluation(
        id=str(evaluation.pk), module=evaluation.module_code, coefficient=float(evaluation.coefficient),
        note_max=float(evaluation.note_max), poids=dict(evaluation.poids) or None,
        type=EvaluationType(evaluation.type), immediate=evaluation.immediate,
    )


@dataclass
class SemesterOutcome:
    """The averages of one semester run: one engine result per parcours present in the run."""

    run: SemesterRun
    formation: Formation
    parcours_of: dict[int, str]  # student id -> parcours
    results: dict[str, Any]  # parcours -> SemesterResults (ResultsWithPenalties when a penalty applies)
    evaluations: list[Evaluation] = field(default_factory=list)
    # student id -> effects of the department's local attendance rules in this run (empty: none on)
    attendance: dict[int, list[Effet]] = field(default_factory=dict)

    def attendance_penalty(self, student_id: int, ue_code: str) -> Penalite | None:
        """The attendance penalty included in this UE average, if any (with its reason and source)."""
        result = self._result(student_id)
        if isinstance(result, ResultsWithPenalties):
            return result.penalty(str(student_id), ue_code)
        return None

    def _result(self, student_id: int) -> Any | None:
        parcours = self.parcours_of.get(student_id)
        return self.results.get(parcours) if parcours is not None else None

    def ue_codes(self, parcours: str | None = None) -> tuple[str, ...]:
        return tuple(u.code for u in self.formation.ues_of(self.run.semestre, parcours))

    def ue_average(self, student_id: int, ue_code: str) -> float | None:
        result = self._result(student_id)
        if result is None or ue_code not in result.ue_codes:
            return None
        return result.ue_average(str(student_id), ue_code)

    def ue_average_exact(self, student_id: int, ue_code: str) -> Fraction | None:
        """The exact UE average (the engine computes it for this student when the jury needs it)."""
        result = self._result(student_id)
        if result is None or ue_code not in result.ue_codes:
            return None
        return result.ue_average_exact(str(student_id), ue_code)

    def ue_averages(self, student_id: int) -> dict[str, float | None]:
        result = self._result(student_id)
        return dict(result.ue_averages_of(str(student_id))) if result is not None else {}

    def module_average(self, student_id: int, module_code: str, ue_code: str | None = None) -> float | None:
        result = self._result(student_id)
        if result is None or module_code not in result.module_codes:
            return None
        return result.module_average(str(student_id), module_code, ue_code)

    def module_means(self, student_id: int) -> dict[str, float | None]:
        """Each module's own average for one student, {} when the student has no results here."""
        result = self._result(student_id)
        return {} if result is None else result.module_means_of(str(student_id))

    def provisional(self, student_id: int) -> bool:
        result = self._result(student_id)
        return bool(result is not None and result.provisional(str(student_id)))

    def explain_ue(self, student_id: int, ue_code: str) -> Any | None:
        result = self._result(student_id)
        if result is None or ue_code not in result.ue_codes:
            return None
        return result.explain_ue(str(student_id), ue_code)

    def incomplete_evaluations(self) -> set[int]:
        ids: set[int] = set()
        for result in self.results.values():
            ids |= {int(e) for e in result.incomplete_evaluations}
        return ids


# --- attendance (local rules, domain.md §7: declared by the department, off by default) ----------------

def _apply_attendance(outcomes: dict[int, SemesterOutcome], runs: list[SemesterRun]) -> None:
    """Adds the effects of the departments' attendance rules to the outcomes: penalties in the averages
    (for every student of the run, so that ranks compare like with like), ATJ proposals for the jury."""
    from delibe.web.assiduite.services import attendance_effects

    for run_id, effects in attendance_effects(runs).items():
        outcome = outcomes.get(run_id)
        if outcome is None:
            continue
        outcome.attendance = effects
        outcome.results = {parcours: with_penalties(result, effects) for parcours, result in outcome.results.items()}


OUTCOME_CACHE_SIZE = 64
_outcome_cache: OrderedDict[int, tuple[Any, dict[str, Any]]] = OrderedDict()


def raw_rows(queryset: Any) -> list[tuple[Any, ...]]:
    """Rows of a ``values_list`` queryset without Django's per-value converters (tens of thousands of
    grades: the Decimal conversion alone would cost more than the whole computation)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def compute_runs(runs: Iterable[SemesterRun], student_ids: Iterable[int] | None = None) -> dict[int, SemesterOutcome]:
    """Averages of several runs at once: three queries in all, one engine call per run and parcours.
    The grade matrix goes to the engine as a dense ``GradeTable`` (students × evaluations). With
    ``student_ids``, only those students are shown (the averages and ranks stay the whole run's)."""
    runs = list(runs)
    wanted = set(student_ids) if student_ids is not None else None
    read = reading("outcomes")
    if read is None:
        outcomes = _compute_runs(runs)
    else:
        missing = [r for r in runs if r.pk not in read]
        if missing:
            read.update(_compute_runs(missing))
        outcomes = {r.pk: read[r.pk] for r in runs}
    return {pk: _shown_to(outcome, wanted) for pk, outcome in outcomes.items()}


def _compute_runs(runs: list[SemesterRun]) -> dict[int, SemesterOutcome]:
    from delibe.engine.moyennes import GradeTable, SemesterSpec, StudentGrades, compute_semester
    from delibe.engine.moyennes.grades import SPECIAL_CODES, Special

    run_ids = [r.pk for r in runs]
    evaluations: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in Evaluation.objects.filter(semester_id__in=run_ids).order_by("id"):
        evaluations[evaluation.semester_id].append(evaluation)
    enrolled: dict[int, dict[int, str]] = defaultdict(dict)
    # Late enrolments and exits (issue 13): who owes no grade for which evaluation (engine/inscription.py)
    dates: dict[int, dict[int, tuple[Any, str, Any]]] = defaultdict(dict)
    for run_id, student_id, parcours, inscrit_le, politique, etat, etat_le in Enrolment.objects.filter(
        semester_id__in=run_ids
    ).values_list("semester_id", "student_id", "parcours", "inscrit_le", "avant_inscription", "etat", "etat_le"):
        enrolled[run_id][student_id] = parcours
        sortie_le = etat_le if etat in ETATS_SORTIE else None
        if inscrit_le is not None or sortie_le is not None:
            dates[run_id][student_id] = (inscrit_le, politique, sortie_le)
    # A run whose grades, evaluations and enrolments have not changed reuses its last results: the jury
    # table is reloaded after every decision, and recomputing a year of grades each time is wasted work.
    grade_stamps = {
        run_id: (count, total_version, total_id, str(last))
        for run_id, count, total_version, total_id, last in raw_rows(
            Grade.objects.filter(evaluation__semester_id__in=run_ids).values("evaluation__semester_id")
            .annotate(n=Count("id"), v=Sum("version"), i=Sum("id"), u=Max("updated_at"))
            .values_list("evaluation__semester_id", "n", "v", "i", "u")
        )
    }
    stamps = {
        run.pk: (
            run.formation.sha256, run.academic_year.fin.isoformat(), grade_stamps.get(run.pk),
            tuple((e.pk, e.module_code, e.coefficient, e.note_max, json.dumps(e.poids, sort_keys=True), e.type,
                   e.immediate) for e in evaluations[run.pk]),
            tuple(sorted(enrolled[run.pk].items())), tuple(sorted(dates[run.pk].items())),
            tuple((e.pk, evaluation_date(e)) for e in evaluations[run.pk]) if dates[run.pk] else (),
        )
        for run in runs
    }
    stale = [r for r in run_ids if _outcome_cache.get(r, (None,))[0] != stamps[r]]
    grades_of: dict[int, list[tuple[int, int, Any, str]]] = defaultdict(list)
    if stale:
        for run_id, student_id, evaluation_id, value, special in raw_rows(
            Grade.objects.filter(evaluation__semester_id__in=stale).values_list(
                "evaluation__semester_id", "student_id", "evaluation_id", "value", "special"
            )
        ):
            grades_of[run_id].append((student_id, evaluation_id, value, special))
    special_code = {str(k): v for k, v in SPECIAL_CODES.items()}
    special_code.update({k.value: v for k, v in SPECIAL_CODES.items() if isinstance(k, Special)})

    outcomes: dict[int, SemesterOutcome] = {}
    for run in runs:
        formation = formation_model(run.formation)
        regles = regles_of(run)
        cached = _outcome_cache.get(run.pk)
        if cached is not None and cached[0] == stamps[run.pk]:
            _outcome_cache.move_to_end(run.pk)
            outcomes[run.pk] = SemesterOutcome(run, formation, dict(enrolled[run.pk]), cached[1], evaluations[run.pk])
            continue
        by_parcours: dict[str, list[int]] = defaultdict(list)
        for student_id, parcours in enrolled[run.pk].items():
            by_parcours[parcours].append(student_id)
        results: dict[str, Any] = {}
        for parcours, members in sorted(by_parcours.items()):
            spec_modules = {m.code for m in formation.modules_of(run.semestre, parcours)}
            kept = [e for e in evaluations[run.pk] if e.module_code in spec_modules]
            spec = SemesterSpec.from_formation(formation, run.semestre, parcours, [engine_evaluation(e) for e in kept])
            members.sort()
            row = {sid: i for i, sid in enumerate(members)}
            column = {e.pk: j for j, e in enumerate(kept)}
            # Every enrolled student counts for completeness, even when only some are shown.
            values = np.full((len(members), len(kept)), np.nan)
            for student_id, evaluation_id, value, special in grades_of[run.pk]:
                i, j = row.get(student_id), column.get(evaluation_id)
                if i is None or j is None:
                    continue
                values[i, j] = special_code[special] if special else float(value)
            _fill_not_expected(values, members, kept, dates[run.pk], special_code)
            if kept:
                table = GradeTable(student_ids=tuple(str(sid) for sid in members), values=values)
                results[parcours] = compute_semester(spec, table, regles)
            else:  # nothing to lay out in a matrix yet
                results[parcours] = compute_semester(spec, [StudentGrades(str(sid)) for sid in members], regles)
        _outcome_cache[run.pk] = (stamps[run.pk], results)
        while len(_outcome_cache) > OUTCOME_CACHE_SIZE:
            _outcome_cache.popitem(last=False)
        outcomes[run.pk] = SemesterOutcome(run, formation, dict(enrolled[run.pk]), results, evaluations[run.pk])
    _apply_attendance(outcomes, runs)
    return outcomes


def _shown_to(outcome: SemesterOutcome, wanted: set[int] | None) -> SemesterOutcome:
    """The outcome with only the ``wanted`` students visible (the averages stay those of the whole run)."""
    if wanted is None:
        return outcome
    return dataclasses.replace(outcome, parcours_of={s: p for s, p in outcome.parcours_of.items() if s in wanted})


# --- one reading: a page's averages read once ---------------------------------------------------------
# A page may compute the same runs' averages twice (the recap: its module averages, then the jury table;
# the checklist: its evaluations, then the jury table): within ``one_reading`` the second computation
# takes the first's outcomes instead of reading the grades, evaluations and enrolments again. For reading
# only: a write within the block would not be seen by a later computation in it (the web wraps its GET
# requests, which write nothing the averages read).
_reading: ContextVar[dict[str, dict[int, Any]] | None] = ContextVar("delibe_one_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    token = _reading.set(defaultdict(dict))
    try:
        yield
    finally:
        _reading.reset(token)


def reading(what: str) -> dict[int, Any] | None:
    """Within ``one_reading``, what it has read so far of ``what`` (``outcomes`` of runs, ``attendance``
    effects of runs), by run id; None outside."""
    read = _reading.get()
    return None if read is None else read[what]


def evaluation_date(evaluation: Evaluation) -> Any:
    """The day an evaluation took place: its date, else the day it was created."""
    return evaluation.date or evaluation.created_at.date()


def _fill_not_expected(values: Any, members: list[int], kept: list[Evaluation],
                       dates: Mapping[int, tuple[Any, str, Any]], special_code: Mapping[str, float]) -> None:
    """A student enrolled late, or gone (DEM/DEF), owes no grade for the evaluations before their enrolment
    or after their exit: a missing value there counts as EXC (or ATT, the enrolment's policy for earlier
    evaluations), so that the evaluation stays complete and the others' averages never change."""
    if not dates:
        return
    days = [evaluation_date(e) for e in kept]
    for i, student_id in enumerate(members):
        if student_id not in dates:
            continue
        inscrit_le, politique, sortie_le = dates[student_id]
        for j, day in enumerate(days):
            if not math.isnan(values[i, j]):
                continue  # a grade entered always counts
            raison = non_attendue(day, inscrit_le, sortie_le)
            if raison is not None:
                values[i, j] = special_code[valeur_manquante(raison, politique)]


def not_expected_counts(run: SemesterRun) -> dict[int, int]:
    """Per evaluation of ``run``, how many enrolled students owe no grade for it and have none (enrolled
    after it, or gone before it): the pages that count « notes saisies / attendues » leave them out."""
    rows = [(sid, inscrit_le, etat_le if etat in ETATS_SORTIE else None) for sid, inscrit_le, etat, etat_le in
            Enrolment.objects.filter(semester=run).exclude(inscrit_le__isnull=True, etat_le__isnull=True)
            .values_list("student_id", "inscrit_le", "etat", "etat_le")]
    if not rows:
        return {}
    graded = set(Grade.objects.filter(evaluation__semester=run, student_id__in=[r[0] for r in rows])
                 .values_list("evaluation_id", "student_id"))
    counts: dict[int, int] = {}
    for evaluation in Evaluation.objects.filter(semester=run):
        day = evaluation_date(evaluation)
        n = sum(1 for sid, debut, fin in rows
                if (evaluation.pk, sid) not in graded and non_attendue(day, debut, fin) is not None)
        if n:
            counts[evaluation.pk] = n
    return counts


def compute_run(run: SemesterRun) -> SemesterOutcome:
    return compute_runs([run])[run.pk]


# --- jury ------------------------------------------------------------------------------------------

@dataclass
class StudentCursus:
    """One student's cursus as the jury engine sees it, and its result."""

    student_id: int
    parcours: str
    attempts: list[tuple[str, int, list[SemesterRun]]]  # (academic year label, annee_but, runs)
    result: Any | None  # CursusResult
    error: str = ""
    semester_result: Any | None = None  # SemesterResult of an odd-semester jury
    # codes only, from the vectorised cohort path: {"ues": {code: (moyenne, code)}, "rcues": {nom:
    # (moyenne, code)}, "annee": code}; the reasons come from ``deliberate`` when someone asks for them
    cohort: dict[str, Any] | None = None
    # (DEM or DEF, date) when the student left during the year being deliberated (odd-semester jury: the
    # year code is then proposed at this jury, the student having no even semester)
    sortie: tuple[str, str] | None = None

    def year_result(self, academic_year: str) -> Any | None:
        if self.result is None:
            return None
        for (label, _, _), year in zip(self.attempts, self.result.years, strict=False):
            if label == academic_year:
                return year
        return None


def _jury_inputs(decisions: Iterable[tuple[Any, ...]]) -> dict[tuple[int, str], Mapping[str, Any]]:
    """The jury's own decisions, by (student, academic year): only where it departs from the proposal.
    ``decisions``: rows (student id, year label, level, key, proposed code, decided code, reason)."""
    grouped: dict[tuple[int, str], dict[str, Any]] = defaultdict(lambda: {"ue": {}, "rcue": {}, "annee": None,
                                                                          "raison": []})
    for student_id, label, level, key, proposed, decided, departure_reason in decisions:
        if proposed and proposed == decided:  # the proposal confirmed: nothing of the jury's own
            continue
        entry = grouped[(student_id, label)]
        if level == "annee":
            entry["annee"] = decided
        else:
            entry[level][key] = decided
        if departure_reason:
            entry["raison"].append(departure_reason)
    return grouped


def deliberate_students(
    student_ids: Iterable[int], *, up_to: str, formation_slug: str | None = None, odd_semester: int | None = None,
    cohort: bool = False,
) -> dict[int, StudentCursus]:
    """Jury proposals for each student's cursus up to the academic year ``up_to`` (inclusive). Averages
    are computed once per run for the whole cohort; the jury engine is called once per student.

    With ``odd_semester`` (1, 3, 5), the year ``up_to`` is judged at its odd-semester jury (UE codes of
    that semester only, ``deliberate_semestre``) after the earlier years.

    With ``cohort``, the students the year jury meets without history (a first year, no grade pending,
    no jury decision of their own) are deliberated together by the engine's vectorised path, which gives
    the same codes as ``deliberate`` without the reasons; the others go through ``deliberate``."""
    from delibe.engine.jury import (
        Cursus,
        CursusError,
        JuryDecisions,
        YearAttempt,
        deliberate_semestre,
    )

    student_ids = list(student_ids)
    rows = list(
        Enrolment.objects.filter(student_id__in=student_ids, semester__academic_year__label__lte=up_to)
        .values_list("student_id", "semester_id", "parcours")
    )
    exits = {
        (student_id, run_id): (etat, etat_le)
        for student_id, run_id, etat, etat_le in Enrolment.objects.filter(
            student_id__in=student_ids, semester__academic_year__label__lte=up_to, etat__in=ETATS_SORTIE
        ).values_list("student_id", "semester_id", "etat", "etat_le")
    }
    runs = {
        r.pk: r for r in SemesterRun.objects.filter(pk__in={run_id for _, run_id, _ in rows})
        .select_related("formation", "academic_year")
    }
    if formation_slug is not None:
        rows = [r for r in rows if runs[r[1]].formation.slug == formation_slug]
    rows.sort(key=lambda r: (runs[r[1]].academic_year.label, runs[r[1]].semestre))
    outcomes = compute_runs(runs.values(), student_ids)
    decisions = _jury_inputs(
        # Only the departures from a proposal are read, as values: a confirmed proposal (most of a
        # university's 16 decisions per student and year) tells the engine nothing.
        JuryDecision.objects.filter(student_id__in=student_ids, academic_year__label__lte=up_to)
        .exclude(~Q(proposed_code=""), proposed_code=F("decided_code"))
        .values_list("student_id", "academic_year__label", "level", "key", "proposed_code", "decided_code",
                     "departure_reason")
    )
    by_student: dict[int, list[tuple[SemesterRun, str]]] = defaultdict(list)
    for student_id, run_id, parcours in rows:
        by_student[student_id].append((runs[run_id], parcours))

    cursus_of: dict[int, StudentCursus] = {}
    pending_cohort: dict[tuple[int, str, int, Regles], list[tuple[int, Any, list[Any]]]] = {}
    formations: dict[int, Formation] = {}
    for student_id in student_ids:
        mine = by_student.get(student_id, [])
        if not mine:
            continue
        parcours = mine[-1][1]
        formation = formation_model(mine[-1][0].formation)
        attempts: dict[tuple[str, int], list[SemesterRun]] = {}
        for run, _ in mine:
            attempts.setdefault((run.academic_year.label, run.annee_but), []).append(run)
        years = []
        attempt_list = []
        for (label, annee), year_runs in attempts.items():
            moyennes: dict[str, float | None] = {}
            provisional: set[str] = set()
            for run in year_runs:
                outcome = outcomes[run.pk]
                averages = outcome.ue_averages(student_id)
                moyennes.update(averages)
                if outcome.provisional(student_id):
                    provisional |= set(averages)
            jury = decisions.get((student_id, label))
            effets = _attendance_of(student_id, [outcomes[r.pk] for r in year_runs])
            years.append(YearAttempt(
                annee=annee, ue_moyennes=moyennes, provisional_ues=frozenset(provisional),
                exact_ue_moyenne=_exact_resolver(student_id, [outcomes[r.pk] for r in year_runs]),
                jury=JuryDecisions(annee=jury["annee"], ue=jury["ue"], rcue=jury["rcue"],
                                   raison=" ; ".join(jury["raison"])) if jury else None,
                sortie=_sortie_of(student_id, year_runs, exits),
                assiduite=effets,
            ))
            attempt_list.append((label, annee, year_runs))
        regles = regles_of(mine[-1][0])
        if (cohort and odd_semester is None and len(years) == 1 and attempt_list[0][0] == up_to
                and years[0].jury is None and not years[0].assiduite and not years[0].provisional_ues
                and years[0].sortie is None
                and None not in years[0].ue_moyennes.values()):  # « incomplet » needs its reasons
            formations[student_id] = formation
            pending_cohort.setdefault((id(formation), parcours, years[0].annee, regles), []).append(
                (student_id, years[0], attempt_list))
            continue
        try:
            if odd_semester is not None and attempt_list and attempt_list[-1][0] == up_to:
                odd_runs = [r for r in attempt_list[-1][2] if r.semestre == odd_semester]
                earlier = Cursus(parcours, tuple(years[:-1]))
                semester_result = None
                if odd_runs:
                    outcome = outcomes[odd_runs[0].pk]
                    averages = outcome.ue_averages(student_id)
                    provisional = frozenset(averages) if outcome.provisional(student_id) else frozenset()
                    semester_result = _explain_incomplete(deliberate_semestre(
                        formation, earlier, odd_semester, averages, provisional, regles, years[-1].assiduite
                    ), student_id, outcomes.values())
                result = _deliberate_remembered(formation, parcours, years[:-1], regles) if earlier.years else None
                cursus_of[student_id] = StudentCursus(student_id, parcours, attempt_list, result,
                                                      semester_result=semester_result, sortie=years[-1].sortie)
            else:
                result = _deliberate_remembered(formation, parcours, years, regles)
                result = dataclasses.replace(result, years=tuple(
                    _explain_incomplete(y, student_id, outcomes.values()) for y in result.years))
                cursus_of[student_id] = StudentCursus(student_id, parcours, attempt_list, result)
        except CursusError as error:
            place = f" (année {error.year_index + 1}, {error.place})" if error.year_index is not None else ""
            cursus_of[student_id] = StudentCursus(student_id, parcours, attempt_list, None, error.message + place)
    for (_, parcours, annee, regles), members in pending_cohort.items():
        cursus_of.update(_cohort(formations[members[0][0]], parcours, annee, regles, members))
    return cursus_of


# --- the engine's deliberation of one cursus, remembered ---------------------------------------------
# ``deliberate`` is a pure function of its inputs: the formation (one object per stored version), the
# parcours, each year's UE averages, pending UEs, jury decisions and exit, and the rules in force. The
# jury pages deliberate the same cursus at every reload (a 600-student year: the students the vectorised
# path does not take — a grade pending, a history — about 200 calls, a third of the page), so its result
# is kept under a key made of those inputs themselves: any change of a grade, a decision, an enrolment, a
# setting or the formation changes the key, and a stale result cannot be found. Not remembered: a cursus
# with attendance effects (their values are not hashable), and any deliberation that asked for an exact
# UE average (an RCUE within 1e-9 of a bar: the exact value is not in the key).

DELIBERATION_CACHE_SIZE = 1024  # about 30 KB each (the reasons' texts): 30 MB at most per process
_deliberation_cache: OrderedDict[Any, tuple[Formation, Any]] = OrderedDict()
_deliberation_lock = threading.Lock()  # a threaded server: the LRU's moves and evictions one at a time


def _deliberation_key(formation: Formation, parcours: str, years: list[Any], regles: Regles) -> Any | None:
    """Every input of ``deliberate`` as a hashable value: each field of each year and of its jury decisions,
    read from the dataclasses themselves, so that a field added to the engine's inputs is in the key
    without anyone remembering to add it (``exact_ue_moyenne``, a function, is ``compare=False``: a
    deliberation that calls it is not kept)."""
    if any(year.assiduite for year in years):
        return None
    return (id(formation), parcours, regles, tuple(_frozen(year) for year in years))


def _frozen(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, _frozen(getattr(value, f.name)))
                                            for f in dataclasses.fields(value) if f.compare))
    if isinstance(value, Mapping):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, frozenset):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, tuple | list):
        return tuple(_frozen(v) for v in value)
    return value


def _deliberate_remembered(formation: Formation, parcours: str, years: list[Any], regles: Regles) -> Any:
    """``deliberate(formation, Cursus(parcours, years), regles)``, from ``_deliberation_cache`` when the
    same inputs were deliberated before (raises ``CursusError`` as it does; an error is not kept)."""
    from delibe.engine.jury import Cursus, deliberate

    try:
        key = _deliberation_key(formation, parcours, years, regles)
        hash(key)
    except TypeError:  # a value that cannot be compared as a key: deliberated every time
        key = None
    if key is not None:
        with _deliberation_lock:
            hit = _deliberation_cache.get(key)
            if hit is not None and hit[0] is formation:
                _deliberation_cache.move_to_end(key)
                return hit[1]
    asked = False

    def tracked(resolver: Any) -> Any:
        def exact_average(ue_code: str) -> Fraction | None:
            nonlocal asked
            asked = True
            return resolver(ue_code)
        return exact_average

    tracked_years = tuple(dataclasses.replace(y, exact_ue_moyenne=tracked(y.exact_ue_moyenne))
                          if y.exact_ue_moyenne is not None else y for y in years)
    result = deliberate(formation, Cursus(parcours, tracked_years), regles)
    if key is not None and not asked:
        # The formation is kept with the result: its id cannot be reused while the entry lives.
        with _deliberation_lock:
            _deliberation_cache[key] = (formation, result)
            while len(_deliberation_cache) > DELIBERATION_CACHE_SIZE:
                _deliberation_cache.popitem(last=False)
    return result


def _sortie_of(student_id: int, year_runs: list[SemesterRun], exits: Mapping[tuple[int, int], tuple[str, Any]]
               ) -> tuple[str, str] | None:
    """(DEM or DEF, its date) when the student left during the year: the engine proposes that code."""
    for run in year_runs:
        found = exits.get((student_id, run.pk))
        if found is not None:
            etat, day = found
            return etat, day.strftime("%d/%m/%Y") if day else "date non renseignée"
    return None


INCOMPLETE_RULES = frozenset({"ue.moyenne_indefinie", "rcue.incomplet", "annee.incomplet"})


def missing_of(outcomes: Iterable[SemesterOutcome], student_id: int, ue_code: str) -> str:
    """What a UE without average is missing, in French: the evaluations not complete yet in the modules
    that feed it, or that no module has an evaluation (the « incomplet » proposal says it)."""
    for outcome in outcomes:
        if student_id not in outcome.parcours_of or ue_code not in outcome.ue_codes(outcome.parcours_of[student_id]):
            continue
        parcours = outcome.parcours_of[student_id]
        modules = [m for m in outcome.formation.modules_of(outcome.run.semestre, parcours)
                   if m.coefficients.get(ue_code)]
        codes = {m.code for m in modules}
        evaluations = [e for e in outcome.evaluations if e.module_code in codes]
        if not evaluations:
            return f"aucune évaluation encore dans les modules de {ue_code} ({', '.join(sorted(codes)) or 'aucun'})"
        incomplete = outcome.incomplete_evaluations()
        waiting = [e for e in evaluations if e.pk in incomplete]
        if waiting:
            listed = ", ".join(f"{e.module_code} « {e.titre} »" for e in waiting[:6])
            more = f" et {len(waiting) - 6} autre(s)" if len(waiting) > 6 else ""
            return f"évaluation(s) incomplète(s) à saisir: {listed}{more}"
        return "aucune note prise en compte pour l'étudiant (évaluations neutralisées ou non attendues)"
    return "aucune inscription au semestre de cette UE"


def _explain_incomplete(year: Any, student_id: int, outcomes: Iterable[SemesterOutcome]) -> Any:
    """The engine says a UE is « incomplet »; the database knows what is missing: added to its reason."""
    outcomes = list(outcomes)
    ues = dict(year.ues)
    changed = False
    for code, ue in ues.items():
        if ue.proposed is not None or not any(r.rule == "ue.moyenne_indefinie" for r in ue.reasons):
            continue
        missing = missing_of(outcomes, student_id, code)
        reasons = tuple(dataclasses.replace(r, text=f"{r.text} — manque: {missing}")
                        if r.rule == "ue.moyenne_indefinie" else r for r in ue.reasons)
        ues[code] = dataclasses.replace(ue, reasons=reasons)
        changed = True
    return dataclasses.replace(year, ues=MappingProxyType(ues)) if changed else year


def _attendance_of(student_id: int, outcomes: list[SemesterOutcome]) -> tuple[Effet, ...]:
    """The attendance rules' effects on one student's year, for the jury engine: every ATJ proposal,
    and the penalties the averages include (a penalty on an undefined average is not applied)."""
    return tuple(
        effet for outcome in outcomes for effet in outcome.attendance.get(student_id, ())
        if isinstance(effet, ProposeATJ)
        or (isinstance(effet, Penalite) and outcome.attendance_penalty(student_id, effet.ue) is not None)
    )


def _cohort(formation: Formation, parcours: str, annee: int, regles: Regles,
            members: list[tuple[int, Any, list[Any]]]) -> dict[int, StudentCursus]:
    from delibe.engine.jury.cohort import deliberate_cohort, year_ue_order

    order = year_ue_order(formation, parcours, annee)
    moyennes = np.array([
        [m if (m := attempt.ue_moyennes.get(code)) is not None else math.nan for code in order]
        for _, attempt, _ in members
    ], dtype=np.float64).reshape(len(members), len(order))
    decisions = deliberate_cohort(formation, parcours, annee, moyennes, regles, ue_order=order,
                                  exact_ue_moyenne=lambda i, code: _exact_of(members[i][1], code))
    result: dict[int, StudentCursus] = {}
    for i, (student_id, _, attempt_list) in enumerate(members):
        ues = {code: (_finite(moyennes[i, j]), decisions.ue_code(i, code)) for j, code in enumerate(order)}
        rcues = {nom: (_finite(decisions.rcue_moyennes[i, k]), decisions.rcue_code(i, nom))
                 for k, nom in enumerate(decisions.competences)}
        result[student_id] = StudentCursus(
            student_id, parcours, attempt_list, None,
            cohort={"ues": ues, "rcues": rcues, "annee": decisions.annee_code(i), "formation": formation},
        )
    return result


def _exact_resolver(student_id: int, outcomes: list[SemesterOutcome]) -> Any:
    """The exact average of one of the year's UEs for one student, asked by the engine near a bar."""
    def exact_average(ue_code: str) -> Fraction | None:
        for outcome in outcomes:
            value = outcome.ue_average_exact(student_id, ue_code)
            if value is not None:
                return value
        return None
    return exact_average


def _exact_of(attempt: Any, ue_code: str) -> Fraction | None:
    return attempt.exact_ue_moyenne(ue_code) if attempt.exact_ue_moyenne is not None else None


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
