"""The year decision's letter, and the relevé and attestation of a DUT or BUT awarded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from delibe.reports import adapters
from delibe.reports.data import (
    AttestationData,
    LettreData,
    ReleveDiplomeData,
)
from delibe.web.models import Enrolment, JuryDecision, SemesterRun, Student
from delibe.web.selectors.department_settings import (
    DocumentSettings,
    document_settings,
    run_document_settings,
)
from delibe.web.services.calcul import StudentCursus, deliberate_students
from delibe.web.services.documents.common import (
    DocumentError,
    _date_or_none,
    _decisions_of,
    _jury_date,
    _overlay_rcues,
    _overlay_ues,
    _recorded,
    _today,
    identite_of,
    parcours_label,
)
from delibe.web.services.formations import formation_model


def has_decision_letter(student_id: int, run: SemesterRun, decisions: Mapping[tuple[str, str], Any] | None = None) -> bool:
    """A letter tells the year jury's recorded decision: an even semester whose year code is recorded."""
    if run.semestre % 2:
        return False
    key = ("annee", f"BUT{run.annee_but}")
    if decisions is not None:
        return key in decisions
    return JuryDecision.objects.filter(student_id=student_id, academic_year=run.academic_year, level="annee",
                                       key=key[1]).exists()


def lettre_data(student: Student, run: SemesterRun, *, date_lettre: str | None = None) -> LettreData:
    """The individual letter of the year jury of ``run`` (an even semester) for ``student``."""
    if run.semestre % 2:
        raise DocumentError("La lettre individuelle porte sur le jury d'année: ouvrez-la depuis le semestre pair "
                            f"(S{run.semestre + 1}).")
    decisions = _decisions_of([student.pk], run).get(student.pk, {})
    if not has_decision_letter(student.pk, run, decisions):
        raise DocumentError(f"Le jury n'a pas encore enregistré la décision d'année (BUT{run.annee_but}) de {student}: "
                            "enregistrez-la sur la page du jury avant d'éditer la lettre.")
    label = run.academic_year.label
    cursus = deliberate_students([student.pk], up_to=label).get(student.pk)
    formation = formation_model(run.formation)
    return _lettre(run, student, cursus, decisions, run_document_settings(run, formation),
                   formation, date_lettre=date_lettre)


def _lettre(run: SemesterRun, student: Student, cursus: StudentCursus | None,
            decisions: Mapping[tuple[str, str], JuryDecision], doc_settings: DocumentSettings, formation: Any, *,
            date_lettre: str | None = None) -> LettreData:
    if cursus is None or cursus.result is None:
        raise DocumentError(f"Le cursus de {student} n'a pas pu être délibéré: "
                            f"{cursus.error if cursus else 'aucune inscription'}.")
    label = run.academic_year.label
    date_jury = _jury_date(run, decisions.values()) or _today()
    data = adapters.lettre_from_cursus(doc_settings.config, formation, cursus.result, identite_of(student),
                                       date_jury=date_jury, annee_but=run.annee_but, annee_universitaire=label,
                                       date_lettre=date_lettre or _today())
    year = cursus.year_result(label)
    rcue_keys = list(year.rcues) if year is not None else []
    return replace(
        data, ues=_overlay_ues(data.ues, decisions, proposals=False),
        rcues=_overlay_rcues(data.rcues, rcue_keys, decisions, proposals=False) if len(rcue_keys) == len(data.rcues)
        else data.rcues,
        decision_annee=_recorded(decisions[("annee", f"BUT{run.annee_but}")]),
    )


@dataclass(frozen=True)
class DiplomaInfo:
    diplome: str  # "DUT" or "BUT"
    date_jury: str
    annee_universitaire: str


def _student_cursus(student: Student) -> tuple[StudentCursus | None, list[SemesterRun]]:
    enrolments = list(Enrolment.objects.filter(student=student).select_related(
        "semester__academic_year", "semester__formation__department"))
    if not enrolments:
        return None, []
    last = max(e.semester.academic_year.label for e in enrolments)
    return deliberate_students([student.pk], up_to=last).get(student.pk), [e.semester for e in enrolments]


def diplomas_of(student: Student, *, for_student: bool = False) -> list[DiplomaInfo]:
    """The diplomas the jury awarded (engine's final state, with the jury's decisions): DUT, BUT, once the
    year jury that awards it has recorded its year decision; a student sees them once that jury is closed."""
    cursus, runs = _student_cursus(student)
    if cursus is None or cursus.result is None:
        return []
    final = cursus.result.final
    out = []
    for name, awarded in (("DUT", final.dut), ("BUT", final.but)):
        if not awarded:
            continue
        # The year jury that awarded it: the first year whose result carries the diploma. A proposal is
        # not an award: that jury must have recorded its year decision (closed, for the student).
        found = None
        for (year_label, annee, _), year in zip(cursus.attempts, cursus.result.years, strict=False):
            if year.diplomes.dut if name == "DUT" else year.diplomes.but:
                found = (year_label, annee)
                break
        if found is None:
            continue
        label, annee = found
        year_runs_ = [r for r in runs if r.academic_year.label == label]
        decisions = list(JuryDecision.objects.filter(student=student, academic_year__label=label))
        if not any(d.level == "annee" and d.key == f"BUT{annee}" for d in decisions):
            continue
        if for_student and not all(r.locked for r in year_runs_):
            continue
        date = _jury_date(max(year_runs_, key=lambda r: r.semestre), decisions) if year_runs_ else None
        out.append(DiplomaInfo(name, date or _today(), label))
    return out


def _diploma(student: Student, diplome: str, for_student: bool
             ) -> tuple[StudentCursus, DiplomaInfo, Any, DocumentSettings]:
    info = next((d for d in diplomas_of(student, for_student=for_student) if d.diplome == diplome), None)
    if info is None:
        raise DocumentError(f"Le {diplome} n'est pas attribué à {student} (décision du jury): pas de relevé ni "
                            "d'attestation à produire.")
    cursus, _ = _student_cursus(student)
    assert cursus is not None and cursus.result is not None
    formation = formation_model(student.formation)
    return cursus, info, formation, document_settings(student.department, formation, on=_date_or_none(info.date_jury))


def _releve(student: Student, diplome: str, cursus: StudentCursus, info: DiplomaInfo, formation: Any,
            doc_settings: DocumentSettings) -> ReleveDiplomeData:
    annees = {r.semestre: label for label, _, runs in cursus.attempts for r in runs}
    return replace(adapters.releve_from_cursus(
        doc_settings.config, formation, cursus.result, identite_of(student), diplome=diplome,
        date_jury=info.date_jury, parcours=parcours_label(formation, cursus.parcours), annees=annees,
    ), date_edition=_today())


def _attestation(student: Student, diplome: str, cursus: StudentCursus, info: DiplomaInfo, formation: Any,
                 doc_settings: DocumentSettings) -> AttestationData:
    return replace(adapters.attestation_from_cursus(
        doc_settings.config, formation, cursus.result, identite_of(student), diplome=diplome,
        date_jury=info.date_jury, annee_universitaire=info.annee_universitaire,
        parcours=parcours_label(formation, cursus.parcours),
    ), date_edition=_today())


def releve_data(student: Student, diplome: str, *, for_student: bool = False) -> ReleveDiplomeData:
    """The transcript of the DUT or the BUT the jury awarded to ``student``."""
    return _releve(student, diplome, *_diploma(student, diplome, for_student))


def attestation_data(student: Student, diplome: str, *, for_student: bool = False) -> AttestationData:
    """The attestation de réussite of the DUT or the BUT the jury awarded to ``student``."""
    return _attestation(student, diplome, *_diploma(student, diplome, for_student))
