"""The bulletins of a semester (one student, or every student of a run), as staff and students see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from delibe.collation import by_name
from delibe.reports import adapters
from delibe.reports.data import (
    BulletinData,
    PenaliteAssiduite,
    UELine,
)
from delibe.web.models import JuryDecision, SemesterRun, Student
from delibe.web.selectors.department_settings import (
    DocumentSettings,
    run_document_settings,
)
from delibe.web.services.calcul import SemesterOutcome, StudentCursus, compute_runs, deliberate_students
from delibe.web.services.documents.common import (
    DocumentError,
    _decisions_of,
    _jury_date,
    _overlay_rcues,
    _overlay_ues,
    _shown,
    _today,
    identite_of,
    parcours_label,
    published,
)


@dataclass
class _RunContext:
    """What every bulletin of one run shares: the averages, the jury's results and the decisions."""

    run: SemesterRun
    outcome: SemesterOutcome
    cursus: dict[int, StudentCursus]
    decisions: dict[int, dict[tuple[str, str], JuryDecision]]
    year_decided: set[int]  # students whose year decision is recorded (the year jury has met)
    evaluations: dict[str, tuple[str, str | None]]
    settings: DocumentSettings


def _run_context(run: SemesterRun, student_ids: list[int]) -> _RunContext:
    outcome = compute_runs([run], student_ids)[run.pk]
    decisions = _decisions_of(student_ids, run)
    key = f"BUT{run.annee_but}"
    year_decided = {sid for sid, ds in decisions.items() if ("annee", key) in ds}
    label = run.academic_year.label
    cursus: dict[int, StudentCursus] = {}
    if run.semestre % 2 == 0:
        cursus = deliberate_students(student_ids, up_to=label)
    else:
        # The odd semester: its own jury (UE codes) until the year jury has met, then the year jury's codes.
        before = [s for s in student_ids if s not in year_decided]
        after = [s for s in student_ids if s in year_decided]
        if before:
            cursus.update(deliberate_students(before, up_to=label, odd_semester=run.semestre))
        if after:
            cursus.update(deliberate_students(after, up_to=label))
    evaluations = {str(e.pk): (e.titre, e.date.isoformat() if e.date else None) for e in outcome.evaluations}
    return _RunContext(run, outcome, cursus, decisions, year_decided, evaluations,
                       run_document_settings(run, outcome.formation))


def _bulletin(ctx: _RunContext, student: Student, *, for_student: bool, date_edition: str | None) -> BulletinData:
    from delibe.web.assiduite.selectors import bulletin_absences

    run = ctx.run
    sid = student.pk
    parcours = ctx.outcome.parcours_of.get(sid)
    results = ctx.outcome.results.get(parcours) if parcours is not None else None
    if results is None:
        raise DocumentError(f"{student} n'est pas inscrit(e) au semestre {run.semestre} {run.academic_year.label}: "
                            "pas de bulletin.")
    cursus = ctx.cursus.get(sid)
    jury: Any = None
    if cursus is not None:
        if run.semestre % 2 == 0 or sid in ctx.year_decided:
            jury = cursus.year_result(run.academic_year.label)
        else:
            jury = cursus.semester_result
    config = ctx.settings.config
    formation = ctx.outcome.formation
    data = adapters.bulletin_from_semester(
        config, formation, results, str(sid), identite_of(student),
        annee_universitaire=run.academic_year.label, parcours=parcours_label(formation, parcours or ""),
        jury=jury, date_jury=None, absences=bulletin_absences(student, run), evaluations=ctx.evaluations,
        rangs=config.afficher_rangs, date_edition=date_edition,
    )
    data = replace(data, ues=_with_penalties(data.ues, ctx.outcome, sid))
    # The jury's recorded decisions replace the engine's; a student sees them once published only.
    proposals = not for_student
    decisions = ctx.decisions.get(sid, {}) if (not for_student or published(run)) else {}
    ues = _overlay_ues(data.ues, decisions, proposals=proposals)
    rcues = data.rcues
    annee = data.decision_annee
    if jury is not None and data.rcues:
        rcues = _overlay_rcues(data.rcues, list(jury.rcues), decisions, proposals=proposals)
    if data.decision_annee is not None or ("annee", f"BUT{run.annee_but}") in decisions:
        annee = _shown(decisions.get(("annee", f"BUT{run.annee_but}")), data.decision_annee, proposals=proposals)
    shown = [u.decision for u in ues] + [r.decision for r in rcues] + [annee]
    any_recorded = any(d is not None and not d.provisoire for d in shown)
    messages: tuple[str, ...] = ()
    if any(d is not None and d.provisoire for d in shown):
        messages = ("* Proposition calculée selon les règles, pas encore décidée par le jury.",)
    if cursus is not None and cursus.error:
        messages += (f"Le cursus n'a pas pu être délibéré: {cursus.error}",)
    data = replace(
        data, ues=ues, rcues=rcues, decision_annee=annee,
        date_jury=_jury_date(run, decisions.values()) if any_recorded else None,
        jury_annuel=data.jury_annuel and any_recorded, messages=data.messages + messages,
    )
    return _as_published(data, ctx) if for_student else data


def _as_published(data: BulletinData, ctx: _RunContext) -> BulletinData:
    """The bulletin as its student may read it before the jury (``services.publication``): grades of the
    evaluations not published left out, averages and ranks held back when the responsable said so, each
    with a message « en attente de publication ». Once the jury is closed, grades and averages are shown."""
    from delibe.web.services.publication import rules_of

    run = ctx.run
    rules = rules_of(run)
    if rules.everything:
        return data
    messages = list(data.messages)
    if not rules.rangs:
        data = replace(data, config=replace(data.config, afficher_rangs=False),
                       ues=tuple(replace(u, rang=None, effectif=None) for u in data.ues))
    if run.locked:
        return replace(data, messages=tuple(messages))
    if rules.notes != "toutes":
        pending = 0
        modules = []
        for module in data.modules:
            stored = [e for e in ctx.outcome.evaluations if e.module_code == module.code]
            if len(stored) == len(module.evaluations):
                kept = tuple(ev for ev, e in zip(module.evaluations, stored, strict=True) if rules.grade_visible(e.pk))
            else:  # cannot tell which is which: hold them all back
                kept = ()
            pending += len(module.evaluations) - len(kept)
            modules.append(replace(module, evaluations=kept))
        data = replace(data, modules=tuple(modules))
        if pending:
            messages.append(f"Notes de {pending} évaluation(s) en attente de publication.")
    if not rules.moyennes:
        data = replace(
            data,
            ues=tuple(replace(u, moyenne=None, bonus=None,
                              ressources=tuple(replace(m, moyenne=None) for m in u.ressources),
                              saes=tuple(replace(m, moyenne=None) for m in u.saes)) for u in data.ues),
            modules=tuple(replace(m, moyenne=None, distribution=()) for m in data.modules),
            rcues=tuple(replace(r, moyenne=None) for r in data.rcues),
        )
        messages.append("Moyennes en attente de publication.")
    return replace(data, messages=tuple(messages))


def _reglement(reference: str) -> str:
    """« Règlement intérieur, art. 12 (adopté le 06/07/2023) » → « …, art. 12, adopté le 06/07/2023 »: the
    bulletin prints it inside parentheses already."""
    head, sep, tail = reference.rpartition(" (adopté le ")
    return f"{head}, adopté le {tail[:-1]}" if sep and tail.endswith(")") else reference


def _with_penalties(ues: Sequence[UELine], outcome: SemesterOutcome, student_id: int) -> tuple[UELine, ...]:
    """Each UE with the attendance penalty its average includes (the department's local rule), if any."""
    out = []
    for u in ues:
        penalty = outcome.attendance_penalty(student_id, u.code)
        if penalty is not None:
            rule = penalty.reason.data
            franchise, plafond = rule.get("franchise"), rule.get("plafond")
            capped = isinstance(plafond, (int, float)) and penalty.points >= plafond
            u = replace(u, penalite_assiduite=PenaliteAssiduite(
                points=penalty.points, reglement=_reglement(penalty.reason.source.reference),
                demi_journees=penalty.demi_journees or None,
                franchise=franchise if isinstance(franchise, int) and franchise > 0 else None,
                plafond=float(plafond) if capped else None))  # type: ignore[arg-type]  # None only when uncapped, as the report allows
        out.append(u)
    return tuple(out)


def bulletin_data(student: Student, run: SemesterRun, *, for_student: bool = False,
                  date_edition: str | None = None) -> BulletinData:
    """The bulletin of ``student`` for the semester ``run``. ``for_student``: what the student may see
    (the jury's decisions once published, never a proposal)."""
    if not run.enrolments.filter(student=student).exists():
        raise DocumentError(f"{student} n'est pas inscrit(e) au semestre {run.semestre} {run.academic_year.label}.")
    # The averages (and ranks) are computed for the whole cohort; the jury only for this student.
    ctx = _run_context(run, [student.pk])
    return _bulletin(ctx, student, for_student=for_student, date_edition=date_edition or _today())


def bulletins_of_run(run: SemesterRun, *, date_edition: str | None = None) -> list[BulletinData]:
    """Every bulletin of a semester run (staff version), in the order of the students' names."""
    enrolments = by_name(run.enrolments.select_related("student"))
    ctx = _run_context(run, [e.student_id for e in enrolments])
    return _bulletins(ctx, [e.student for e in enrolments], date_edition)


def _bulletins(ctx: _RunContext, students: Sequence[Student], date_edition: str | None) -> list[BulletinData]:
    date = date_edition or _today()
    return [_bulletin(ctx, s, for_student=False, date_edition=date) for s in students]
