"""Statistics of an evaluation's grades for the grid page: count, mean, median, minimum, maximum, standard
deviation and a histogram over the evaluation's scale. They describe the grades as entered (on the
evaluation's scale); ABS, EXC and ATT are counted apart, not as numbers. Averages of modules and UEs are
not computed here: they come from ``services.calcul`` (the engine)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from delibe.engine.jury import codes as jury_codes
from delibe.reports.format import nombre
from delibe.reports.svg import histogram
from delibe.web.models import Enrolment, Evaluation, Grade, SemesterRun

BINS = 10


@dataclass
class EvaluationStats:
    note_max: float
    enrolled: int
    count: int  # numeric grades
    specials: dict[str, int] = field(default_factory=dict)  # ABS/EXC/ATT -> count
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    stdev: float | None = None
    classes: list[tuple[str, int]] = field(default_factory=list)
    groupe: str | None = None

    @property
    def missing(self) -> int:
        return self.enrolled - self.count - sum(self.specials.values())

    @property
    def svg(self) -> str:
        scope = f" (groupe {self.groupe})" if self.groupe else ""
        return histogram(
            self.classes,
            title=f"Répartition des notes{scope}",
            description=(f"{self.count} notes sur {nombre(self.note_max)}, réparties en {len(self.classes)} "
                         "classes ; les effectifs sont aussi dans le tableau."),
        )


def class_labels(note_max: float, bins: int = BINS) -> list[str]:
    step = note_max / bins
    return [f"{nombre(round(i * step, 2))}–{nombre(round((i + 1) * step, 2))}" for i in range(bins)]


def evaluation_stats(evaluation: Evaluation, groupe: str | None = None) -> EvaluationStats:
    """The statistics of the grades of ``evaluation`` (of one group's students when ``groupe`` is given)."""
    enrolled = Enrolment.objects.filter(semester_id=evaluation.semester_id)
    grades = Grade.objects.filter(evaluation=evaluation)
    if groupe is not None:
        enrolled = enrolled.filter(groupe=groupe)
        grades = grades.filter(student_id__in=enrolled.values("student_id"))
    values: list[float] = []
    specials: dict[str, int] = {}
    for value, special in grades.values_list("value", "special"):
        if special:
            specials[special] = specials.get(special, 0) + 1
        elif value is not None:
            values.append(float(value))
    note_max = float(evaluation.note_max)
    counts = [0] * BINS
    for v in values:
        counts[min(BINS - 1, max(0, int(v / note_max * BINS)))] += 1
    stats = EvaluationStats(note_max, enrolled.count(), len(values), dict(sorted(specials.items())),
                            classes=list(zip(class_labels(note_max), counts, strict=True)), groupe=groupe)
    if values:
        stats.mean = statistics.fmean(values)
        stats.median = statistics.median(values)
        stats.minimum, stats.maximum = min(values), max(values)
        stats.stdev = statistics.pstdev(values)
    return stats


# --- a semester's results (issue 14, item 5: pass rates, distribution of the UE averages) ------------------

@dataclass
class Rate:
    """How many students of a population have a code, and how many of those validate (UE) or pass (year)."""

    label: str
    effectif: int
    reussis: int

    @property
    def taux(self) -> float | None:
        return 100 * self.reussis / self.effectif if self.effectif else None


@dataclass
class UEDistribution:
    code: str
    count: int
    mean: float | None
    median: float | None
    classes: list[tuple[str, int]]

    @property
    def svg(self) -> str:
        return histogram(self.classes, title=f"Répartition des moyennes de {self.code}",
                         description=f"{self.count} moyennes sur 20 ; les effectifs sont aussi dans le tableau.")


@dataclass
class SemesterStats:
    ue_codes: list[str]
    populations: list[str]  # "Tous", "Parcours X", "Groupe A"…
    ue_rates: dict[str, list[Rate]]  # UE code -> one Rate per population
    year_rates: list[Rate]  # even semester: passage to the next year (ADM, ADJ, PASD, PAS1NCI)
    year_codes: dict[str, int]
    distributions: list[UEDistribution]


def semester_stats(run: SemesterRun) -> SemesterStats:
    """Pass rates of each UE of the run (the jury's code, else the proposal: validating codes ADM, CMP, ADSUP,
    ADJ, ADJR) and, at a year jury, of the year (passage codes), for everyone, each parcours and each group;
    the distribution of each UE average. Codes come from the jury table, averages from the engine."""
    from delibe.engine.jury.codes import PASSAGE, validates
    from delibe.web.selectors.semestres import jury_table
    from delibe.web.services.calcul import compute_run
    from delibe.web.services.formations import formation_model

    table = jury_table(run, with_reasons=False)
    formation = formation_model(run.formation)
    ue_codes = [u.code for u in formation.ues_of(run.semestre)]
    rows = [r for r in table.rows if not r.error]
    populations: list[tuple[str, list[Any]]] = [("Tous", rows)]
    for parcours in sorted({r.enrolment.parcours for r in rows}):
        populations.append((f"Parcours {parcours}", [r for r in rows if r.enrolment.parcours == parcours]))
    for groupe in sorted({r.enrolment.groupe for r in rows if r.enrolment.groupe}):
        populations.append((f"Groupe {groupe}", [r for r in rows if r.enrolment.groupe == groupe]))
    ue_rates: dict[str, list[Rate]] = {}
    for ue in ue_codes:
        ue_rates[ue] = []
        for label, members in populations:
            shown = [c.shown for r in members for c in r.ues if c is not None and c.key == ue and c.shown]
            ue_rates[ue].append(Rate(label, len(shown), sum(1 for code in shown if validates(code))))
    year_rates: list[Rate] = []
    year_codes: dict[str, int] = {}
    if table.year_jury:
        for label, members in populations:
            shown = [r.annee.shown for r in members if r.annee is not None and r.annee.shown]
            year_rates.append(Rate(label, len(shown), sum(1 for code in shown if code in PASSAGE)))
        year_codes = dict(table.counts)
    outcome = compute_run(run)
    distributions = []
    for ue in ue_codes:
        values = [v for r in rows if (v := outcome.ue_average(r.student.pk, ue)) is not None]
        counts = [0] * BINS
        for v in values:
            counts[min(BINS - 1, max(0, int(v / 20 * BINS)))] += 1
        distributions.append(UEDistribution(
            ue, len(values), statistics.fmean(values) if values else None,
            statistics.median(values) if values else None, list(zip(class_labels(20.0), counts, strict=True))))
    return SemesterStats(ue_codes, [label for label, _ in populations], ue_rates, year_rates, year_codes,
                         distributions)


# --- the cohort follow-up (issue 14, item 5) -------------------------------------------------------------

@dataclass
class Followup:
    entry: str  # academic year of entry in BUT1
    students: int
    years: list[str]  # the academic years after the entry that the database holds
    statuses: list[str]
    counts: dict[str, list[int]]  # status -> one count per year

    def chart(self, index: int) -> str:
        year = self.years[index]
        return histogram([(s, self.counts[s][index]) for s in self.statuses],
                         title=f"Cohorte {self.entry} en {year}",
                         description=f"{self.students} étudiants entrés en BUT1 en {self.entry} ; les effectifs "
                                     "sont aussi dans le tableau.", width=480)


def cohort_entries(department_id: int) -> list[str]:
    """The academic years in which students of the department entered BUT1 (first enrolment in BUT1)."""
    first = _first_years(department_id)
    return sorted({label for label, annee in first.values() if annee == 1})


def _first_years(department_id: int) -> dict[int, tuple[str, int]]:
    first: dict[int, tuple[str, int]] = {}
    for sid, label, semestre in (Enrolment.objects.filter(student__department_id=department_id)
                                 .order_by("semester__academic_year__label", "semester__semestre")
                                 .values_list("student_id", "semester__academic_year__label", "semester__semestre")):
        first.setdefault(sid, (label, (semestre + 1) // 2))
    return first


def cohort_followup(department_id: int, entry: str, horizon: int = 3) -> Followup:
    """Where the students who entered BUT1 in ``entry`` are one, two, three years later: in the next BUT
    year, repeating, graduated (the BUT3 year decided ADM or ADJ), or gone (no enrolment and no diploma).
    Read from the enrolments and the jury's recorded year decisions."""
    from delibe.web.models import AcademicYear, JuryDecision

    cohort = [sid for sid, (label, annee) in _first_years(department_id).items() if label == entry and annee == 1]
    labels = [y for y in AcademicYear.objects.order_by("label").values_list("label", flat=True) if y > entry]
    years = labels[:horizon]
    where: dict[tuple[int, str], int] = {}
    for sid, label, semestre in Enrolment.objects.filter(student_id__in=cohort).values_list(
            "student_id", "semester__academic_year__label", "semester__semestre"):
        where[(sid, label)] = max(where.get((sid, label), 0), (semestre + 1) // 2)
    graduated = dict(JuryDecision.objects.filter(
        student_id__in=cohort, level="annee", key="BUT3", decided_code__in=sorted(jury_codes.YEAR_VALIDATING))
        .values_list("student_id", "academic_year__label"))
    statuses = ["en BUT2", "en BUT3", "redouble", "diplômé", "a quitté la formation"]
    counts = {s: [0] * len(years) for s in statuses}
    for sid in cohort:
        previous = 1
        for k, label in enumerate(years):
            annee = where.get((sid, label))
            if annee is not None:
                status = "redouble" if annee <= previous else f"en BUT{annee}"
                previous = annee
            elif sid in graduated and graduated[sid] < label:
                status = "diplômé"
            else:
                status = "a quitté la formation"
            counts.setdefault(status, [0] * len(years))[k] += 1
            if status not in statuses:
                statuses.append(status)
    return Followup(entry, len(cohort), years, statuses, counts)
