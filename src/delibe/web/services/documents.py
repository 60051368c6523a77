"""The documents of the web app, from the database: bulletins, PV de jury, lettres, relevés and
attestations of the DUT/BUT, the fiche formation.

Reports render, they never compute (docs/architecture.md): the averages and the proposals come from the
engine through :mod:`delibe.web.services.calcul`, the decisions from the jury's ``JuryDecision`` rows,
and this module copies them into the dataclasses of :mod:`delibe.reports.data` (through
:mod:`delibe.reports.adapters` wherever an adapter fits).

What a document shows of the jury:
- a decision the jury recorded is shown as decided;
- otherwise the engine's proposal is shown, marked provisional (« * »), to the staff only;
- a student sees the jury's decisions once the jury is closed (the semester locked: published), never a
  proposal — as on the « Mes résultats » page.

The department's settings of the documents (établissement, logo, signatory, jury president and
members…) are dated rows of the database, set on the department's « Réglages » page and read through
``selectors.department_settings`` (the settings in force at the jury's date for a closed jury).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from delibe.collation import by_name
from delibe.engine.jury.codes import validates
from delibe.reports import adapters
from delibe.reports.data import (
    AttestationData,
    BulletinData,
    Decision,
    Etudiant,
    LettreData,
    PenaliteAssiduite,
    PVColumn,
    PVData,
    PVRow,
    RCUELine,
    ReleveDiplomeData,
    UELine,
)
from delibe.web.models import Enrolment, JuryDecision, SemesterRun, Student
from delibe.web.selectors.department_settings import (
    DocumentSettings,
    document_settings,
    run_document_settings,
)
from delibe.web.services.calcul import SemesterOutcome, StudentCursus, compute_runs, deliberate_students
from delibe.web.services.formations import formation_model
from delibe.web.services.jury import odd, proposals_of, year_runs


class DocumentError(Exception):
    """A document that cannot be produced; the message (French) says why and what to do."""


# --- department settings ---------------------------------------------------------------------------
# Read from the database, dated, through one selector (``selectors.department_settings``): a semester's
# documents use the settings in force at its jury's date once the jury is closed.

def documents_dir() -> Path:
    """Where document batches are written (``lots/``); never shown to a user."""
    return Path(getattr(settings, "DELIBE_DOCUMENTS_DIR", Path(settings.VAR_DIR) / "documents"))


# --- small helpers ---------------------------------------------------------------------------------

def etudiant_of(student: Student) -> Etudiant:
    return Etudiant(
        nom=student.nom, prenom=student.prenom, numero=student.nip, ine=student.ine,
        date_naissance=student.date_naissance.isoformat() if student.date_naissance else None,
        civilite=student.civilite,
    )


def parcours_label(formation: Any, code: str) -> str:
    parcours = formation.referentiel.parcours_by_code(code) if code else None
    return parcours.libelle if parcours is not None else code


def _date_or_none(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _today() -> str:
    return dt.date.today().isoformat()


def published(run: SemesterRun) -> bool:
    """The jury of ``run`` is closed: its decisions are final and shown to the students."""
    return any(r.locked for r in year_runs(run))


def _decisions_of(student_ids: Iterable[int], run: SemesterRun) -> dict[int, dict[tuple[str, str], JuryDecision]]:
    out: dict[int, dict[tuple[str, str], JuryDecision]] = {}
    for d in JuryDecision.objects.filter(student_id__in=list(student_ids), academic_year=run.academic_year):
        out.setdefault(d.student_id, {})[(d.level, d.key)] = d
    return out


def _jury_date(run: SemesterRun, decisions: Iterable[JuryDecision]) -> str | None:
    locked = [r.locked_at for r in year_runs(run) if r.locked and r.locked_at]
    if locked:
        return max(locked).date().isoformat()
    dates = [d.decided_at for d in decisions if d.decided_at]
    return max(dates).date().isoformat() if dates else None


def _recorded(d: JuryDecision) -> Decision:
    motifs = [str(r.get("text", "")) for r in (d.reasons or []) if isinstance(r, dict) and r.get("text")]
    if d.departure_reason:
        motifs.append(f"Décision du jury: {d.departure_reason}")
    return Decision(d.decided_code, tuple(motifs), provisoire=False)


def _shown(recorded: JuryDecision | None, proposal: Decision | None, *, proposals: bool) -> Decision | None:
    """The decision a document prints: the jury's, else (staff only) the proposal, marked provisional."""
    if recorded is not None:
        return _recorded(recorded)
    if proposals and proposal is not None:
        return replace(proposal, provisoire=True)
    return None


def _overlay_ues(ues: Sequence[UELine], decisions: Mapping[tuple[str, str], JuryDecision], *,
                 proposals: bool) -> tuple[UELine, ...]:
    out = []
    for u in ues:
        decision = _shown(decisions.get(("ue", u.code)), u.decision, proposals=proposals)
        acquired = decision is not None and not decision.provisoire and validates(decision.code)
        out.append(replace(u, decision=decision, ects_acquis=u.ects if acquired else 0))
    return tuple(out)


def _overlay_rcues(rcues: Sequence[RCUELine], keys: Sequence[str],
                   decisions: Mapping[tuple[str, str], JuryDecision], *, proposals: bool) -> tuple[RCUELine, ...]:
    return tuple(
        replace(r, decision=_shown(decisions.get(("rcue", key)), r.decision, proposals=proposals))
        for r, key in zip(rcues, keys, strict=True)
    )


# --- bulletins -------------------------------------------------------------------------------------

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
        config, formation, results, str(sid), etudiant_of(student),
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


# --- PV de jury ------------------------------------------------------------------------------------

def _short(title: str) -> str:
    return title if len(title) <= 8 else title[:7] + "."


def pv_data(run: SemesterRun, *, president: str = "", membres: Sequence[str] = (), date_jury: str | None = None,
            lieu: str | None = None) -> PVData:
    """The PV of the jury of ``run`` (odd semester: its UEs; even semester: the year jury, UEs of both
    semesters, RCUEs, the year code and the diplomas). Codes: the jury's recorded decisions, else the
    proposal (then the row says so in its observations)."""
    runs = year_runs(run)
    formation = formation_model(run.formation)
    doc_settings = run_document_settings(run, formation)
    enrolments = by_name(Enrolment.objects.filter(semester=run).select_related("student"))
    ids = [e.student_id for e in enrolments]
    label = run.academic_year.label
    # Every student through ``deliberate`` (no cohort shortcut): the PV's rows are the engine's results
    cursus_of = deliberate_students(ids, up_to=label, odd_semester=odd(run))
    decisions = _decisions_of(ids, run)
    semestres = tuple(r.semestre for r in runs)
    ue_codes = [u.code for s in semestres for u in formation.ues_of(s)]
    rcue_keys: list[str] = []
    rows: list[PVRow] = []
    for enrolment in enrolments:
        sid = enrolment.student_id
        cursus = cursus_of.get(sid)
        mine = decisions.get(sid, {})
        proposals = proposals_of(cursus, run, with_reasons=False) if cursus is not None else {}
        pending = sum(1 for key in proposals if key not in mine)
        # undefined averages: no proposal, never printed as AJ
        incomplets = [key for (level, key), p in proposals.items()
                      if level == "ue" and (level, key) not in mine and p.code is None and p.incomplet]
        observations = [f"{key[1]}: {d.departure_reason}" for key, d in mine.items()
                        if d.departure_reason and key in proposals]
        if cursus is not None and cursus.error:
            observations.append(cursus.error)
        elif incomplets:
            observations.append(f"incomplet (moyenne indéfinie, pas de proposition): {', '.join(incomplets)}")
        elif pending:
            observations.append("propositions non encore décidées")
        judged = None
        if cursus is not None:
            judged = cursus.year_result(label) if run.semestre % 2 == 0 else cursus.semester_result
        if judged is None:
            rows.append(PVRow(etudiant=etudiant_of(enrolment.student), observations=" ; ".join(observations),
                              parcours=enrolment.parcours))
            continue
        sortie = proposals.get(("annee", f"BUT{run.annee_but}"))
        row = adapters.pv_row(judged, etudiant_of(enrolment.student),
                              recorded={key: d.decided_code for key, d in mine.items() if key in proposals},
                              code_annee=sortie.code if sortie is not None else None,
                              parcours=enrolment.parcours, observations=" ; ".join(observations))
        rcue_keys += [k for k in row.rcues if k not in rcue_keys]
        rows.append(row)
    ue_columns = tuple(PVColumn(c, c) for c in ue_codes)
    rcue_columns = tuple(PVColumn(k, _short(k)) for k in rcue_keys)
    all_decisions = [d for ds in decisions.values() for d in ds.values()]
    return PVData(
        config=doc_settings.config, formation=formation.titre, annee_universitaire=label, semestres=semestres,
        date_jury=date_jury or _jury_date(run, all_decisions) or _today(),
        president=president or doc_settings.president or "(président du jury)",
        membres=tuple(m for m in (membres or doc_settings.membres) if m), ue_columns=ue_columns,
        rows=tuple(rows), rcue_columns=rcue_columns, stats=adapters.pv_stats(rows, ue_columns + rcue_columns),
        lieu=lieu if lieu is not None else doc_settings.lieu,
    )


# --- lettre, relevé, attestation -------------------------------------------------------------------

def lettre_available(student_id: int, run: SemesterRun, decisions: Mapping[tuple[str, str], Any] | None = None) -> bool:
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
    if not lettre_available(student.pk, run, decisions):
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
    data = adapters.lettre_from_cursus(doc_settings.config, formation, cursus.result, etudiant_of(student),
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
        doc_settings.config, formation, cursus.result, etudiant_of(student), diplome=diplome,
        date_jury=info.date_jury, parcours=parcours_label(formation, cursus.parcours), annees=annees,
    ), date_edition=_today())


def _attestation(student: Student, diplome: str, cursus: StudentCursus, info: DiplomaInfo, formation: Any,
                 doc_settings: DocumentSettings) -> AttestationData:
    return replace(adapters.attestation_from_cursus(
        doc_settings.config, formation, cursus.result, etudiant_of(student), diplome=diplome,
        date_jury=info.date_jury, annee_universitaire=info.annee_universitaire,
        parcours=parcours_label(formation, cursus.parcours),
    ), date_edition=_today())


def releve_data(student: Student, diplome: str, *, for_student: bool = False) -> ReleveDiplomeData:
    """The transcript of the DUT or the BUT the jury awarded to ``student``."""
    return _releve(student, diplome, *_diploma(student, diplome, for_student))


def attestation_data(student: Student, diplome: str, *, for_student: bool = False) -> AttestationData:
    """The attestation de réussite of the DUT or the BUT the jury awarded to ``student``."""
    return _attestation(student, diplome, *_diploma(student, diplome, for_student))


# --- fiche formation -------------------------------------------------------------------------------

def fiche_pdf(version: Any, parcours: str | None = None) -> bytes:
    from delibe.engine.fiche import build_fiche
    from delibe.reports.formation_pdf import fiche_pdf as render

    formation = formation_model(version)
    if parcours and formation.referentiel.parcours_by_code(parcours) is None:
        codes = ", ".join(p.code for p in formation.parcours) or "aucun"
        raise DocumentError(f"Parcours « {parcours} » inconnu dans {version}: choisissez parmi {codes}.")
    doc_settings = document_settings(version.department, formation)
    return render(build_fiche(formation, parcours or None), doc_settings.config)


# --- all the documents of a semester (batch) -------------------------------------------------------

def run_documents(run: SemesterRun, *, president: str = "", membres: Sequence[str] = (),
                  date_jury: str | None = None, court: bool = False, member_ids: set[int] | None = None) -> list[Any]:
    """Every document of a semester run for ``delibe.reports.batch``: the PV (PDF, XLSX), the bulletins
    (PDF, JSON), and at an even semester the letters of the recorded year decisions and the transcripts
    and attestations of the diplomas awarded. ``court``: the short bulletins (one page, without each
    module's evaluations; about a third of the rendering time). ``member_ids``: only these students'
    documents (one group's); the PV stays the whole jury's and ranks stay those of the semester."""
    from delibe.reports import batch

    every = by_name(run.enrolments.select_related("student"))
    # One computation for the whole semester: averages, jury (every student's cursus), decisions.
    ctx = _run_context(run, [e.student_id for e in every])
    enrolments = every if member_ids is None else [e for e in every if e.student_id in member_ids]
    bulletins = _bulletins(ctx, [e.student for e in enrolments], None)
    if court:
        short = replace(ctx.settings.config, details_evaluations=False)
        bulletins = [replace(b, config=short) for b in bulletins]
    pv = pv_data(run, president=president, membres=membres, date_jury=date_jury)
    lettres, releves, attestations = [], [], []
    if run.semestre % 2 == 0:
        label = run.academic_year.label
        formation = ctx.outcome.formation
        for e in enrolments:
            decisions = ctx.decisions.get(e.student_id, {})
            cursus = ctx.cursus.get(e.student_id)
            if not lettre_available(e.student_id, run, decisions) or cursus is None or cursus.result is None:
                continue
            lettres.append(_lettre(run, e.student, cursus, decisions, ctx.settings, formation))
            year = cursus.year_result(label)
            for name, awarded in (("DUT", year.diplomes.dut), ("BUT", year.diplomes.but)) if year else ():
                if awarded:  # at this jury, whose year decision is recorded (lettre_available)
                    info = DiplomaInfo(name, _jury_date(run, decisions.values()) or _today(), label)
                    releves.append(_releve(e.student, name, cursus, info, formation, ctx.settings))
                    attestations.append(_attestation(e.student, name, cursus, info, formation, ctx.settings))
    return batch.semester_documents(bulletins, pv, lettres, releves, attestations)
