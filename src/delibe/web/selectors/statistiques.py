"""Statistics of an evaluation's grades for the grid page: count, mean, median, minimum, maximum, standard
deviation and a histogram over the evaluation's scale. They describe the grades as entered (on the
evaluation's scale); ABS, EXC and ATT are counted apart, not as numbers. Averages of modules and UEs are
not computed here: they come from ``services.calcul`` (the engine)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from delibe.reports.format import nombre
from delibe.reports.svg import histogram
from delibe.web.models import Enrolment, Evaluation, Grade

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
