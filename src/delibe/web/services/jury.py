"""Recording the jury's decisions (Arrêté du 15 avril 2022, annexe 1, §4.6: the jury is sovereign; the
software proposes, the jury decides, and every departure from a proposal carries a written reason).

The proposal is always recomputed here from the engine, never taken from the browser. One decision per
student, academic year, level and key: a new deliberation updates the row, never duplicates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from delibe.engine.jury import codes
from delibe.engine.jury.registry import rule
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.models import DecisionLevel, JuryDecision, SemesterRun, Student
from delibe.web.services.calcul import INCOMPLETE_RULES, StudentCursus, deliberate_students

CODES_BY_LEVEL = {"ue": codes.UE_ORDER, "rcue": codes.RCUE_ORDER, "annee": codes.ANNEE_ORDER}


class DecisionError(Exception):
    """A decision that cannot be recorded; the message (French) says why and how to fix it."""


class JuryLocked(DecisionError):
    pass


@dataclass(frozen=True)
class Proposal:
    level: str
    key: str
    semestre: int | None
    moyenne: float | None
    code: str | None
    reasons: list[dict[str, object]]
    # The code the engine arrives at once the jury's own decisions are applied (an RCUE ADJ makes its UEs
    # ADJR): what a recorded confirmation follows. Equal to ``code`` where no decision bears on it.
    resulting: str | None = None
    # « incomplet »: no proposal because an average is undefined (never AJ/RED); what is missing, in French
    incomplet: str = ""

    @property
    def outcome(self) -> str | None:
        return self.resulting if self.resulting is not None else self.code


def odd(run: SemesterRun) -> int | None:
    return run.semestre if run.semestre % 2 == 1 else None


def year_runs(run: SemesterRun) -> list[SemesterRun]:
    """The runs one jury covers: an odd semester alone, an even semester with its odd partner (same
    formation version and academic year)."""
    if run.semestre % 2 == 1:
        return [run]
    partner = SemesterRun.objects.filter(
        formation=run.formation, academic_year=run.academic_year, semestre=run.semestre - 1
    ).first()
    return [partner, run] if partner else [run]


def proposals_of(cursus: StudentCursus, run: SemesterRun, *, with_reasons: bool = True
                 ) -> dict[tuple[str, str], Proposal]:
    """The engine's proposals for one student at the jury of ``run`` (UE codes only at an odd semester).
    Without ``with_reasons`` the proposals carry no reasons (the jury table loads them on demand)."""

    def as_dicts(reasons: Any) -> list[dict[str, object]]:
        return [r.as_dict() for r in reasons] if with_reasons else []

    def incomplet(code: str | None, reasons: Any) -> str:
        if code is not None:
            return ""
        return next((r.text for r in reasons if r.rule in INCOMPLETE_RULES), "")

    proposals: dict[tuple[str, str], Proposal] = {}
    if cursus.cohort is not None and run.semestre % 2 == 0:
        formation = cursus.cohort["formation"]
        for code, (moyenne, proposed) in cursus.cohort["ues"].items():
            ue = formation.ue(code)
            proposals[("ue", code)] = Proposal("ue", code, ue.semestre if ue else None, moyenne, proposed, [])
        for nom, (moyenne, proposed) in cursus.cohort["rcues"].items():
            proposals[("rcue", nom)] = Proposal("rcue", nom, None, moyenne, proposed, [])
        key = f"BUT{run.annee_but}"
        proposals[("annee", key)] = Proposal("annee", key, None, None, cursus.cohort["annee"], [])
        return proposals
    if run.semestre % 2 == 1:
        if cursus.semester_result is None:
            return {}
        for code, ue in cursus.semester_result.ues.items():
            proposals[("ue", code)] = Proposal("ue", code, ue.ue.semestre, ue.moyenne, ue.proposed,
                                               as_dicts(ue.reasons), ue.decided, incomplet(ue.proposed, ue.reasons))
        if cursus.sortie is not None:  # a démission/défaillance during the odd semester: its year code now
            exit_code, date = cursus.sortie
            what = "démission" if exit_code == codes.DEM else "défaillance"
            reason = rule("annee.sortie").reason(f"{what} le {date} → {exit_code}", code=exit_code, date=date)
            key = f"BUT{run.annee_but}"
            proposals[("annee", key)] = Proposal("annee", key, None, None, exit_code, as_dicts([reason]))
        return proposals
    year = cursus.year_result(run.academic_year.label)
    if year is None:
        return {}
    for code, ue in year.ues.items():
        proposals[("ue", code)] = Proposal("ue", code, ue.ue.semestre, ue.moyenne, ue.proposed,
                                           as_dicts(ue.reasons), ue.decided, incomplet(ue.proposed, ue.reasons))
    for nom, rcue in year.rcues.items():
        proposals[("rcue", nom)] = Proposal("rcue", nom, None, rcue.moyenne, rcue.proposed,
                                            as_dicts(rcue.reasons), rcue.decided, incomplet(rcue.proposed, rcue.reasons))
    key = f"BUT{run.annee_but}"
    proposals[("annee", key)] = Proposal("annee", key, None, None, year.annee.proposed,
                                         as_dicts(year.annee.reasons), year.annee.decided,
                                         incomplet(year.annee.proposed, year.annee.reasons))
    return proposals


def _check_open(run: SemesterRun) -> None:
    if any(locking.semester_is_locked(r.pk) for r in year_runs(run)):
        raise JuryLocked("Le jury de ce semestre est verrouillé : ses décisions ne peuvent plus changer.")


@transaction.atomic
def record_decision(
    *, user: object, run: SemesterRun, student: Student, level: str, key: str, code: str, reason: str = ""
) -> JuryDecision:
    """Records the jury's decision on one UE, RCUE or year. A code other than the proposal needs a
    written reason."""
    _check_open(run)
    if level not in CODES_BY_LEVEL:
        raise DecisionError(f"Niveau de décision inconnu : « {level} ».")
    code = code.strip().upper()
    if code not in CODES_BY_LEVEL[level]:
        raise DecisionError(
            f"« {code} » n'est pas un code possible pour {DecisionLevel(level).label} : choisissez parmi "
            f"{', '.join(CODES_BY_LEVEL[level])}."
        )
    cursus = deliberate_students([student.pk], up_to=run.academic_year.label, odd_semester=odd(run)).get(student.pk)
    proposals = proposals_of(cursus, run) if cursus else {}
    proposal = proposals.get((level, key))
    if proposal is None:
        raise DecisionError(f"« {key} » n'est pas l'objet d'une décision de ce jury pour {student}.")
    reason = reason.strip()
    if proposal.code != code and not reason:
        raise DecisionError(
            f"{student}, {key} : le jury s'écarte de la proposition ({proposal.code or 'aucune'} → {code}). "
            "Écrivez le motif de cette décision."
        )
    old = JuryDecision.objects.filter(student=student, academic_year=run.academic_year, level=level, key=key).first()
    decision, _ = JuryDecision.objects.update_or_create(
        student=student, academic_year=run.academic_year, level=level, key=key,
        defaults={
            "formation": run.formation, "annee_but": run.annee_but, "semestre": proposal.semestre,
            "moyenne": proposal.moyenne, "proposed_code": proposal.code or "", "decided_code": code,
            "reasons": proposal.reasons, "departure_reason": reason if proposal.code != code else "",
            "author_id": getattr(user, "id", None),
        },
    )
    audit.decision_written(user=user, run=run, decision=decision, old=old)
    sync_dependent_decisions(user=user, run=run, student=student)
    return decision


def _record_each(*, user: object, run: SemesterRun, student: Student,
                 changes: list[tuple[str, str, str, str]]) -> dict[str, str]:
    """Records each change in the caller's transaction; the errors by « level-key »."""
    errors: dict[str, str] = {}
    for level, key, code, reason in changes:
        try:
            record_decision(user=user, run=run, student=student, level=level, key=key, code=code,
                            reason=reason)
        except DecisionError as error:
            errors[f"{level}-{key}"] = str(error)
    return errors


def record_decisions(*, user: object, run: SemesterRun, student: Student,
                     changes: list[tuple[str, str, str, str]]) -> tuple[int, dict[str, str]]:
    """Records the decisions of one student's form, all or nothing: ``changes`` are (level, key, code,
    reason); a refused decision leaves every decision of the form unrecorded. Returns the number
    recorded and the errors by « level-key »."""
    with transaction.atomic():
        errors = _record_each(user=user, run=run, student=student, changes=changes)
        if errors:
            transaction.set_rollback(True)
    return (0 if errors else len(changes)), errors


def sync_dependent_decisions(*, user: object, run: SemesterRun, student: Student) -> list[JuryDecision]:
    """One source of truth: after a decision, the engine deliberates the student again (the jury's
    departures are its inputs) and every recorded decision that merely confirmed a proposal follows the
    new proposal — an RCUE ADJ makes its UEs ADJR, the year proposal and the ECTS follow — so that the
    table, the PV, the letter, the bulletin and the API read the same codes. A decision that departs from
    its proposal is the jury's own: its code stays, its recorded proposal is refreshed. Returns the rows
    changed (each one journaled)."""
    cursus = deliberate_students([student.pk], up_to=run.academic_year.label, odd_semester=odd(run)).get(student.pk)
    proposals = proposals_of(cursus, run) if cursus else {}
    changed = []
    for row in JuryDecision.objects.filter(student=student, academic_year=run.academic_year):
        proposal = proposals.get((row.level, row.key))
        if proposal is None or proposal.outcome is None:
            continue
        before = JuryDecision(pk=row.pk, student_id=row.student_id, academic_year_id=row.academic_year_id,
                              level=row.level, key=row.key, decided_code=row.decided_code,
                              proposed_code=row.proposed_code, moyenne=row.moyenne,
                              departure_reason=row.departure_reason)
        if row.departs_from_proposal:  # the jury's own code: it stays an input of the engine
            new_proposed, new_decided = proposal.code or row.proposed_code, row.decided_code
        else:  # a confirmation follows what the engine now arrives at
            new_proposed = new_decided = proposal.outcome
        if (row.proposed_code, row.decided_code, row.moyenne) == (new_proposed, new_decided, proposal.moyenne):
            continue
        row.proposed_code, row.decided_code, row.moyenne = new_proposed, new_decided, proposal.moyenne
        row.reasons = proposal.reasons
        if row.decided_code == row.proposed_code:
            row.departure_reason = ""
        row.save(update_fields=["proposed_code", "decided_code", "moyenne", "reasons", "departure_reason"])
        audit.decision_written(user=user, run=run, decision=row, old=before)
        changed.append(row)
    return changed


@dataclass(frozen=True)
class Consequence:
    """A code of the student's jury that a decision changes: ``before`` → ``after`` (shown codes)."""

    level: str
    key: str
    before: str | None
    after: str | None


def preview_decisions(*, user: object, run: SemesterRun, student: Student,
                      changes: list[tuple[str, str, str, str]]) -> tuple[list[Consequence], dict[str, str]]:
    """What recording ``changes`` (level, key, code, reason) would do to every code of the student's
    jury, computed by the engine and shown before anything is saved: the decisions are recorded in a
    transaction that is then rolled back. Returns the consequences and the errors by « level-key »."""
    from delibe.web.selectors.semestres import jury_table

    def shown(table: Any) -> dict[tuple[str, str], str | None]:
        row = table.rows[0] if table.rows else None
        if row is None or row.error:
            return {}
        return {(c.level, c.key): c.shown for c in [*row.ues, *row.rcues, row.annee] if c is not None}

    before = shown(jury_table(run, [student.pk]))
    with transaction.atomic():
        errors = _record_each(user=user, run=run, student=student, changes=changes)
        after = shown(jury_table(run, [student.pk]))
        transaction.set_rollback(True)
    consequences = [Consequence(level, key, before.get((level, key)), code)
                    for (level, key), code in after.items() if before.get((level, key)) != code]
    return consequences, errors


@transaction.atomic
def record_proposals(*, user: object, run: SemesterRun, student_ids: list[int] | None = None) -> int:
    """Confirms the proposals of every undecided UE/RCUE/year of the jury (students with a pending grade
    get no automatic decision). Returns the number of decisions written."""
    _check_open(run)
    runs = year_runs(run)
    if student_ids is None:
        student_ids = sorted({sid for r in runs for sid in r.enrolments.values_list("student_id", flat=True)})
    cursus_of = deliberate_students(student_ids, up_to=run.academic_year.label, odd_semester=odd(run))
    existing = set(
        JuryDecision.objects.filter(student_id__in=student_ids, academic_year=run.academic_year)
        .values_list("student_id", "level", "key")
    )
    to_create: list[JuryDecision] = []
    for student_id, cursus in cursus_of.items():
        for (level, key), proposal in proposals_of(cursus, run).items():
            if proposal.code is None or (student_id, level, key) in existing:
                continue
            to_create.append(JuryDecision(
                student_id=student_id, academic_year=run.academic_year, formation=run.formation,
                annee_but=run.annee_but, semestre=proposal.semestre, level=level, key=key,
                moyenne=proposal.moyenne, proposed_code=proposal.code, decided_code=proposal.code,
                reasons=proposal.reasons, author_id=getattr(user, "id", None),
            ))
    JuryDecision.objects.bulk_create(to_create)
    audit.record_many(audit.decision_entry(user=user, run=run, decision=d, old=None) for d in to_create)
    return len(to_create)


class ChecklistBlocked(DecisionError):
    """Closing refused: blocking items of the checklist remain without the reason that lets the jury close
    anyway. ``missing`` lists them (``selectors.cloture.ChecklistItem``)."""

    def __init__(self, message: str, missing: list[Any]) -> None:
        super().__init__(message)
        self.missing = missing


MIN_REASON = 5


def may_override_checklist(user: object, run: SemesterRun) -> bool:
    """Closing over blocking items, with a reason per item, is the président's call (or an administrator's)."""
    from delibe.web import permissions as perm
    from delibe.web.models import Role

    return perm.roles_of(user).has(run.formation.department_id, {Role.PRESIDENT})


@transaction.atomic
def lock_jury(*, user: object, run: SemesterRun, motifs: dict[str, str] | None = None) -> None:
    """Closes the jury: remaining proposals are recorded, then the semester(s) are locked (grades and
    decisions become read-only).

    Refused (``ChecklistBlocked``, nothing written) while an item of the checklist remains
    (``selectors.cloture.jury_checklist``) unless the président gives a written reason for each one in
    ``motifs`` (item key → reason); those reasons go to the journal with the locking."""
    from delibe.web.selectors.cloture import jury_checklist

    _check_open(run)
    motifs = {k: (v or "").strip() for k, v in (motifs or {}).items()}
    checklist = jury_checklist(run)
    missing = [item for item in checklist.items if len(motifs.get(item.key, "")) < MIN_REASON]
    if missing:
        raise ChecklistBlocked(
            f"Le jury ne peut pas être clos : {len(missing)} point(s) bloquant(s) restent "
            f"({'; '.join(item.label for item in missing[:3])}{' ; …' if len(missing) > 3 else ''}). "
            "Corrigez-les, ou écrivez pour chacun le motif de clore malgré tout (président du jury).",
            missing,
        )
    if checklist.items and not may_override_checklist(user, run):
        raise ChecklistBlocked(
            "Seul le président du jury peut clore malgré des points bloquants (avec un motif pour chacun).",
            checklist.items,
        )
    overrides = {item.key: {"point": item.label, "motif": motifs[item.key]} for item in checklist.items}
    record_proposals(user=user, run=run)
    for r in year_runs(run):
        r.locked = True
        r.locked_at = timezone.now()
        r.locked_by_id = getattr(user, "id", None)
        r.save(update_fields=["locked", "locked_at", "locked_by"])
        locking.semester_locked(user=user, run=r, overrides=overrides)
