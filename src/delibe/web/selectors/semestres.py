"""Reads for the semester pages: dashboard, grade grid, jury table. Computations go through
``services.calcul`` (the engine); this module only gathers rows for the templates."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from delibe.collation import by_name, student_key, text_key
from delibe.web.models import Enrolment, Evaluation, Grade, Groupe, JuryDecision, SemesterRun, Student
from delibe.web.selectors.groupes import in_groupe, read_groups
from delibe.web.services.calcul import compute_run, deliberate_students, evaluation_date, not_expected_counts
from delibe.web.services.formations import formation_model
from delibe.web.services.grades import display_of
from delibe.web.services.jury import odd, proposals_of, year_runs


def _count_of(model: Any) -> Any:
    """The number of ``model`` rows of the outer semester, as a subquery (two ``Count`` over two joins
    would count their cross product: enrolments × evaluations rows per semester, 18,000 for 600 students)."""
    return Coalesce(Subquery(
        model.objects.filter(semester=OuterRef("pk")).order_by().values("semester").annotate(n=Count("pk")).values("n"),
    ), 0)


def runs_for_home(department_ids: list[int]) -> list[SemesterRun]:
    return list(
        SemesterRun.objects.filter(formation__department_id__in=department_ids)
        .select_related("formation", "academic_year", "formation__department")
        .annotate(n_students=_count_of(Enrolment), n_evaluations=_count_of(Evaluation))
        .order_by("-academic_year__label", "formation__slug", "semestre")
    )


@dataclass
class EvaluationRow:
    evaluation: Evaluation
    module_titre: str
    filled: int
    total: int
    editable: bool = False

    @property
    def complete(self) -> bool:
        return self.filled >= self.total


def evaluation_rows(run: SemesterRun, modules: set[str] | None = None) -> list[EvaluationRow]:
    formation = formation_model(run.formation)
    total = run.enrolments.count()
    qs = run.evaluations.annotate(filled=Count("grades"))
    if modules is not None:
        qs = qs.filter(module_code__in=modules)
    rows = []
    exempt = not_expected_counts(run)  # late enrolments and exits owe no grade (docs/domain.md §2)
    for e in qs:
        module = formation.module(e.module_code, run.semestre)
        rows.append(EvaluationRow(e, module.titre if module else "", e.filled, total - exempt.get(e.pk, 0)))
    return rows


@dataclass
class AverageRow:
    student: Student
    enrolment: Enrolment
    ues: list[tuple[str, float | None]]
    provisional: bool


def semester_averages(run: SemesterRun) -> tuple[list[str], list[AverageRow]]:
    outcome = compute_run(run)
    formation = formation_model(run.formation)
    ue_codes = [u.code for u in formation.ues_of(run.semestre)]
    rows = []
    for enrolment in by_name(read_groups(run.enrolments.select_related("student"))):
        sid = enrolment.student_id
        rows.append(AverageRow(
            enrolment.student, enrolment,
            [(code, outcome.ue_average(sid, code)) for code in ue_codes], outcome.provisional(sid),
        ))
    return ue_codes, rows


@dataclass
class GridRow:
    student: Student
    groupe: str
    display: str
    version: int
    non_attendue: str = ""  # no grade expected from this student (late enrolment, exit): why


def _not_expected_text(enrolment: Enrolment, day: Any) -> str:
    from delibe.engine.inscription import AVANT_INSCRIPTION, ETATS_SORTIE, non_attendue

    sortie = enrolment.etat_le if enrolment.etat in ETATS_SORTIE else None
    why = non_attendue(day, enrolment.inscrit_le, sortie)
    if why is None:
        return ""
    if why == AVANT_INSCRIPTION:
        return f"note non attendue : inscrit le {enrolment.inscrit_le:%d/%m/%Y} (compte {enrolment.avant_inscription})"
    return f"note non attendue : {enrolment.etat} le {sortie:%d/%m/%Y}"


def grid_rows(evaluation: Evaluation, groupe: Groupe | None = None) -> list[GridRow]:
    """One row per enrolled student (of ``groupe`` only when given), by group then name."""
    grades = {
        sid: (value, special, version)
        for sid, value, special, version in Grade.objects.filter(evaluation=evaluation).values_list(
            "student_id", "value", "special", "version"
        )
    }
    rows = []
    day = evaluation_date(evaluation)
    enrolments = in_groupe(Enrolment.objects.filter(semester_id=evaluation.semester_id), groupe)
    for enrolment in sorted(read_groups(enrolments.select_related("student")),
                            key=lambda e: (text_key(e.groupe), student_key(e.student))):
        value, special, version = grades.get(enrolment.student_id, (None, "", 0))
        why = _not_expected_text(enrolment, day) if not version and (enrolment.inscrit_le or enrolment.etat_le) else ""
        rows.append(GridRow(enrolment.student, enrolment.groupe, display_of(value, special), version, why))
    rows.sort(key=lambda r: (r.groupe == "", r.groupe))  # by group (none last), then name (stable sort)
    return rows


# --- jury table ------------------------------------------------------------------------------------

@dataclass
class Cell:
    level: str
    key: str
    moyenne: float | None
    proposed: str | None
    decided: str | None  # recorded by the jury
    reasons: list[dict[str, Any]] = field(default_factory=list)
    departure_reason: str = ""
    provisional: bool = False
    incomplet: str = ""  # no proposal because an average is undefined: what is missing

    @property
    def shown(self) -> str | None:
        return self.decided or self.proposed

    @property
    def departs(self) -> bool:
        return bool(self.decided and self.proposed and self.decided != self.proposed)


@dataclass
class JuryRow:
    student: Student
    enrolment: Enrolment
    ues: list[Cell]
    rcues: list[Cell]
    annee: Cell | None
    error: str = ""

    @property
    def all_decided(self) -> bool:
        cells = self.ues + self.rcues + ([self.annee] if self.annee else [])
        return all(c.decided for c in cells)


@dataclass
class JuryTable:
    run: SemesterRun
    runs: list[SemesterRun]
    ue_headers: list[str]
    rcue_headers: list[str]
    rows: list[JuryRow]
    counts: list[tuple[str, int]]
    # presentation (the year table reads by competence): each UE's competence, semester and ECTS
    ue_info: dict[str, tuple[str, int, float]] = field(default_factory=dict)

    @property
    def year_jury(self) -> bool:
        return self.run.semestre % 2 == 0

    @property
    def groups(self) -> list[tuple[str, list[int], int | None]]:
        """Per competence: the indexes of its UEs in ``ue_headers`` (odd then even semester) and of its RCUE
        in ``rcue_headers`` — the year table shows « UE impaire | UE paire | RCUE » side by side. UEs of no
        RCUE (an odd-semester jury) each form their own group."""
        groups: list[tuple[str, list[int], int | None]] = []
        placed: set[int] = set()
        for r_index, nom in enumerate(self.rcue_headers):
            ues = sorted((i for i, code in enumerate(self.ue_headers) if self.ue_info.get(code, ("",))[0] == nom),
                         key=lambda i: self.ue_info[self.ue_headers[i]][1])
            placed.update(ues)
            groups.append((nom, ues, r_index))
        for i, code in enumerate(self.ue_headers):
            if i not in placed:
                groups.append((self.ue_info.get(code, (code,))[0] or code, [i], None))
        return groups

    @property
    def without_proposal(self) -> list[tuple[JuryRow, str]]:
        """The students the year summary cannot count under a code, each with why (in words)."""
        out = []
        for row in self.rows:
            if row.error:
                out.append((row, row.error))
            elif row.annee is None or not row.annee.shown:
                pending = sorted(c.key for c in row.ues if c is not None and c.provisional)
                out.append((row, "notes en attente (" + ", ".join(pending) + ")" if pending
                            else "aucune proposition d'année (résultats incomplets)"))
        return out

    def ects(self, row: JuryRow) -> float:
        """ECTS of this year's UEs the row's shown codes (decision, else proposal) acquire."""
        from delibe.engine.jury.codes import VALIDATING

        return sum(self.ue_info.get(c.key, ("", 0, 0.0))[2] for c in row.ues
                   if c is not None and c.shown in VALIDATING)

    @property
    def locked(self) -> bool:
        return any(r.locked for r in self.runs)


def jury_table(run: SemesterRun, student_ids: list[int] | None = None, *, with_reasons: bool = True) -> JuryTable:
    """One row per student of the jury: UE averages (both semesters at a year jury), RCUE averages, the
    proposed codes with their reasons, and the decisions already recorded."""
    runs = year_runs(run)
    formation = formation_model(run.formation)
    enrolled = Enrolment.objects.filter(semester=run)
    if student_ids is not None:  # one student's decisions: not the whole year's enrolments and groups
        enrolled = enrolled.filter(student_id__in=student_ids)
    enrolments = sorted(read_groups(enrolled.select_related("student__department")),
                        key=lambda e: student_key(e.student))
    ids = [e.student_id for e in enrolments]
    # The whole table takes the engine's vectorised path where it can (codes only); one student's
    # reasons are asked for on demand (``with_reasons``).
    cursus_of = deliberate_students(ids, up_to=run.academic_year.label, odd_semester=odd(run),
                                    cohort=not with_reasons)
    # (decided code, reason for departing from the proposal) per (student, level, key): read as values —
    # a 600-student year holds about 10,000 decisions, too many to build as models at each reload.
    decided: dict[tuple[int, str, str], tuple[str, str]] = {
        (sid, level, key): (code, departure)
        for sid, level, key, code, departure in JuryDecision.objects.filter(
            student_id__in=ids, academic_year=run.academic_year
        ).values_list("student_id", "level", "key", "decided_code", "departure_reason")
    }
    semestres = [r.semestre for r in runs]
    ue_headers = [u.code for s in semestres for u in formation.ues_of(s)]
    rcue_headers: list[str] = []
    rows: list[JuryRow] = []
    counts: Counter[str] = Counter()
    for enrolment in enrolments:
        sid = enrolment.student_id
        cursus = cursus_of.get(sid)
        if cursus is None or (cursus.result is None and cursus.semester_result is None and cursus.cohort is None):
            rows.append(JuryRow(enrolment.student, enrolment, [], [], None,
                                cursus.error if cursus else "aucune inscription"))
            continue
        proposals = proposals_of(cursus, run, with_reasons=with_reasons)
        year = cursus.year_result(run.academic_year.label)
        ue_results: Any = year.ues if year is not None else (
            cursus.semester_result.ues if cursus.semester_result is not None else {})

        def cell(level: str, key: str, proposals: Any = proposals, sid: int = sid, ue_results: Any = ue_results
                 ) -> Cell | None:
            p = proposals.get((level, key))
            if p is None:
                return None
            code, departure = decided.get((sid, level, key), (None, ""))
            provisional = bool(level == "ue" and key in ue_results and ue_results[key].provisional)
            return Cell(level, key, p.moyenne, p.code, code, p.reasons if with_reasons else [], departure,
                        provisional, p.incomplet)

        ues = [c for c in (cell("ue", k) for k in ue_headers)]
        rcues: list[Cell] = []
        if run.semestre % 2 == 0:
            for key in (p.key for p in proposals.values() if p.level == "rcue"):
                if key not in rcue_headers:
                    rcue_headers.append(key)
            rcues = [c for c in (cell("rcue", k) for k in rcue_headers) if c]
        annee = cell("annee", f"BUT{run.annee_but}")
        if annee and annee.shown:
            counts[annee.shown] += 1
        rows.append(JuryRow(enrolment.student, enrolment, ues, rcues, annee))  # type: ignore[arg-type]  # a UE header always has a cell
    # RCUE columns aligned on the header order for every row.
    for row in rows:
        by_key = {c.key: c for c in row.rcues}
        row.rcues = [by_key.get(k) for k in rcue_headers]  # type: ignore[misc]  # None leaves an empty aligned column
    ue_info = {u.code: (u.competence, u.semestre, float(u.ects)) for s in semestres for u in formation.ues_of(s)}
    return JuryTable(run, runs, ue_headers, rcue_headers, rows, sorted(counts.items()), ue_info)


def evaluations_completion(run: SemesterRun) -> tuple[int, int]:
    """(complete evaluations, all evaluations) of a run."""
    total = run.enrolments.count()
    exempt = not_expected_counts(run)
    stats = run.evaluations.annotate(filled=Count("grades", filter=Q(grades__isnull=False)))
    return sum(1 for e in stats if e.filled >= total - exempt.get(e.pk, 0)), len(stats)


def module_titles(run: SemesterRun) -> dict[str, str]:
    formation = formation_model(run.formation)
    return {m.code: m.titre for m in formation.modules_of(run.semestre)}


def group_counts(run: SemesterRun) -> dict[str, int]:
    """Students per group text (``Enrolment.groupe``: « A », « TD A, TP A1 »; « — » in none), from two
    value queries: no model per enrolment and membership (a 600-student semester)."""
    from delibe.web.models import GroupMembership

    groups: dict[int, list[tuple[tuple[int, str, int], str]]] = defaultdict(list)
    for enrolment_id, order, partition, partition_id, name in GroupMembership.objects.filter(
        enrolment__semester=run
    ).values_list("enrolment_id", "groupe__partition__order", "groupe__partition__name", "groupe__partition_id",
                  "groupe__name"):
        groups[enrolment_id].append(((order, partition, partition_id), name))
    counts: dict[str, int] = defaultdict(int)
    for enrolment_id in run.enrolments.values_list("pk", flat=True):  # type: ignore[attr-defined]  # reverse relation
        text = ", ".join(name for _, name in sorted(groups.get(enrolment_id, []), key=lambda g: g[0]))
        counts[text or "—"] += 1
    return dict(sorted(counts.items()))
