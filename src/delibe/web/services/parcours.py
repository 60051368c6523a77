"""Changing a student's parcours (issue 13, item 5): what the change does, shown before it is confirmed,
then the change itself — all or nothing, journaled.

The texts say nothing about a change of parcours during a year; Délibé's choices (docs/domain.md §3,
« Décision Délibé (changement de parcours) »):

- the change applies to the chosen enrolment and to the student's later enrolments of the same academic
  year (an RCUE joins the two semesters of one year: both follow one parcours); it is refused while any of
  them is locked by a closed jury, and for a parcours the formation does not deliver in that semester;
- grades already entered in modules the new parcours does not have are **kept** (a return to the former
  parcours brings them back) but no longer count;
- evaluations of the modules the new parcours adds, where the student has no grade yet, would become
  incomplete for every student: by default the change gives them EXC (neutralised), or ATT (a make-up
  grade is awaited), or leaves them empty when asked — the same policy as a late enrolment (§2);
- UEs acquired at an earlier jury (a repeater's capitalised UEs) stay acquired whatever the parcours: a
  recorded decision is never erased. Those the new parcours also has are carried into this year; the others
  count for nothing this year;
- jury decisions already recorded for this year (a jury not closed yet) are kept; the preview lists them so
  that the jury reviews them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from delibe.web import permissions as perm
from delibe.web.audit import context as audit_context
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Enrolment, Evaluation, Grade, JuryDecision, Student
from delibe.web.services.etudiants import StudentError, _check_open
from delibe.web.services.formations import formation_model
from delibe.web.services.grades import display_of

# What to give the evaluations of the modules gained, where the student has no grade yet.
MISSING_POLICIES = {"EXC": "EXC (neutralisées)", "ATT": "ATT (en attente d'une note)", "": "laisser vides"}


@dataclass
class SemesterChange:
    """What the change does in one enrolment (one semester)."""

    enrolment: Enrolment
    ues_gagnees: list[tuple[str, str]] = field(default_factory=list)  # (code, titre)
    ues_perdues: list[tuple[str, str]] = field(default_factory=list)
    modules_gagnes: list[tuple[str, str]] = field(default_factory=list)
    modules_perdus: list[tuple[str, str]] = field(default_factory=list)
    notes_ignorees: list[dict[str, str]] = field(default_factory=list)  # grades of modules lost: kept, not counted
    notes_reprises: list[dict[str, str]] = field(default_factory=list)  # grades of modules gained: count again
    evaluations_sans_note: list[Evaluation] = field(default_factory=list)  # modules gained, no grade yet

    @property
    def label(self) -> str:
        run = self.enrolment.semester
        return f"S{run.semestre} {run.academic_year.label}"


@dataclass
class ParcoursChange:
    student: Student
    ancien: str
    nouveau: str
    semestres: list[SemesterChange]
    capitalisees_gardees: list[tuple[str, str]] = field(default_factory=list)  # (UE, code of the jury)
    capitalisees_hors_parcours: list[tuple[str, str]] = field(default_factory=list)
    decisions_a_revoir: list[JuryDecision] = field(default_factory=list)

    @property
    def nothing_changes(self) -> bool:
        return not any(s.ues_gagnees or s.ues_perdues or s.modules_gagnes or s.modules_perdus for s in self.semestres)

    @property
    def missing(self) -> int:
        return sum(len(s.evaluations_sans_note) for s in self.semestres)


def _grade_row(grade: Grade) -> dict[str, str]:
    e = grade.evaluation
    return {"module": e.module_code, "evaluation": e.titre or "", "note": display_of(grade.value, grade.special)}


def _concerned(enrolment: Enrolment) -> list[Enrolment]:
    """The enrolment and the student's later ones in the same academic year."""
    run = enrolment.semester
    return list(Enrolment.objects.filter(student_id=enrolment.student_id, semester__academic_year=run.academic_year,
                                         semester__semestre__gte=run.semestre)
                .select_related("semester__formation", "semester__academic_year", "student")
                .order_by("semester__semestre"))


def preview(enrolment: Enrolment, nouveau: str) -> ParcoursChange:
    """What changing ``enrolment`` (and the later ones of its year) to parcours ``nouveau`` does. Writes
    nothing; raises ``StudentError`` (field « parcours ») when the change is impossible."""
    from delibe.web.services.annees import capitalised_decisions

    nouveau = (nouveau or "").strip()
    run = enrolment.semester
    formation = formation_model(run.formation)
    known = {p.code for p in formation.parcours}
    if nouveau not in known:
        raise StudentError(f"Parcours « {nouveau} » inconnu : choisissez parmi {', '.join(sorted(known))}.",
                           "parcours")
    if nouveau == enrolment.parcours:
        raise StudentError(f"L'étudiant suit déjà le parcours {nouveau} en S{run.semestre} : choisissez-en un autre.",
                           "parcours")
    semestres = []
    for e in _concerned(enrolment):
        if e.pk != enrolment.pk and e.parcours == nouveau:
            continue  # a later semester already in the new parcours: nothing changes there
        r = e.semester
        _check_open(r)
        model = formation_model(r.formation)
        if not model.offers(nouveau, r.semestre):
            raise StudentError(f"Le parcours {nouveau} n'est pas délivré en S{r.semestre} par cette formation : "
                               "choisissez un parcours qui l'est.", "parcours")
        if r.parcours_offerts and nouveau not in r.parcours_offerts:
            raise StudentError(f"Le parcours {nouveau} n'est pas offert en {r} ({', '.join(r.parcours_offerts)}) : "
                               "choisissez-en un de la liste, ou ajoutez-le aux parcours offerts du semestre.",
                               "parcours")
        old_ues = {u.code: u.titre or u.code for u in model.ues_of(r.semestre, e.parcours)}
        new_ues = {u.code: u.titre or u.code for u in model.ues_of(r.semestre, nouveau)}
        old_mods = {m.code: m.titre for m in model.modules_of(r.semestre, e.parcours)}
        new_mods = {m.code: m.titre for m in model.modules_of(r.semestre, nouveau)}
        change = SemesterChange(
            e, ues_gagnees=[(c, t) for c, t in new_ues.items() if c not in old_ues],
            ues_perdues=[(c, t) for c, t in old_ues.items() if c not in new_ues],
            modules_gagnes=[(c, t) for c, t in new_mods.items() if c not in old_mods],
            modules_perdus=[(c, t) for c, t in old_mods.items() if c not in new_mods])
        lost = {c for c, _ in change.modules_perdus}
        gained = {c for c, _ in change.modules_gagnes}
        grades = (Grade.objects.filter(student_id=e.student_id, evaluation__semester=r,
                                       evaluation__module_code__in=lost | gained)
                  .select_related("evaluation").order_by("evaluation__module_code", "evaluation_id"))
        graded = set()
        for g in grades:
            graded.add(g.evaluation_id)
            (change.notes_ignorees if g.evaluation.module_code in lost else change.notes_reprises).append(_grade_row(g))
        change.evaluations_sans_note = list(
            Evaluation.objects.filter(semester=r, module_code__in=gained).exclude(pk__in=graded)
            .select_related("semester").order_by("module_code", "id"))
        semestres.append(change)
    result = ParcoursChange(enrolment.student, enrolment.parcours, nouveau, semestres)
    new_year_ues = {u for s in semestres for u in (
        x.code for x in formation_model(s.enrolment.semester.formation).ues_of(s.enrolment.semester.semestre, nouveau))}
    for d in capitalised_decisions(enrolment.student, run.annee_but, run.academic_year.label):
        target = result.capitalisees_gardees if d.key in new_year_ues else result.capitalisees_hors_parcours
        target.append((d.key, d.decided_code))
    result.decisions_a_revoir = list(JuryDecision.objects.filter(
        student_id=enrolment.student_id, academic_year_id=run.academic_year_id).order_by("level", "key"))
    return result


def change_parcours(*, user: Any, enrolment: Enrolment, nouveau: str, manquantes: str = "EXC",
                    reason: str = "") -> ParcoursChange:
    """Changes the parcours of ``enrolment`` and of the student's later enrolments of the same year, as
    ``preview`` describes; ``manquantes`` (EXC, ATT or "") fills the gained modules' evaluations where the
    student has no grade. One transaction, one journal session."""
    run = enrolment.semester
    if user is not None:  # None: the command line, run by the server's operator
        perm.require(perm.can_change_parcours(user, run.formation.department_id))
    manquantes = (manquantes or "").strip().upper()
    if manquantes not in MISSING_POLICIES:
        raise StudentError("Notes manquantes des nouveaux modules : choisissez EXC, ATT ou « laisser vides ».",
                           "manquantes")
    session = audit_context.new_session("parcours")
    author_id = getattr(user, "id", None)
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().select_related(
            "semester__formation", "semester__academic_year", "student").get(pk=enrolment.pk)
        for e in _concerned(locked):
            if locking.semester_is_locked(e.semester_id):
                _check_open(e.semester)  # raises with the semester named
                raise StudentError(f"{e.semester} est verrouillé par le jury.", "parcours")
        change = preview(locked, nouveau)
        entries = []
        student = locked.student
        for s in change.semestres:
            e = s.enrolment
            r = e.semester
            before = {"parcours": e.parcours}
            e.parcours = change.nouveau
            e.save(update_fields=["parcours"])
            what = []
            if s.modules_gagnes:
                what.append("modules ajoutés : " + ", ".join(c for c, _ in s.modules_gagnes))
            if s.modules_perdus:
                what.append("modules retirés : " + ", ".join(c for c, _ in s.modules_perdus))
            if s.notes_ignorees:
                what.append(f"{len(s.notes_ignorees)} note(s) gardée(s) sans compter")
            entries.append(audit.entry(
                user=user, action=Action.UPDATE, object_type=ObjectType.ENROLMENT, object_id=f"{e.student_id}/{r.pk}",
                old=before, new={"parcours": change.nouveau, "notes_ignorees": s.notes_ignorees,
                                 "manquantes": manquantes or "vides"},
                department_id=r.formation.department_id, semester_id=r.pk, student_id=e.student_id,
                reason=reason.strip(), session=session,
                summary=f"{student}, {r} : parcours {change.ancien} → {change.nouveau}"
                        + (f" ({' ; '.join(what)})" if what else "")))
            if manquantes and s.evaluations_sans_note:
                rows = []
                for evaluation in s.evaluations_sans_note:
                    versions = audit.next_versions(evaluation.pk, [e.student_id])
                    rows.append(Grade(evaluation=evaluation, student_id=e.student_id, value=None, special=manquantes,
                                      author_id=author_id, version=versions[e.student_id]))
                try:
                    with transaction.atomic():
                        Grade.objects.bulk_create(rows)
                except IntegrityError:  # a grade landed meanwhile: the preview is stale
                    raise StudentError("Une note a été saisie entre-temps dans un nouveau module : rien n'a changé, "
                                       "recommencez.", "manquantes") from None
                entries.extend(audit.grade_entry(user=user, evaluation=g.evaluation, student_id=g.student_id,
                                                 old=None, new=audit.state_of(None, manquantes, g.version),
                                                 session=session, reason="changement de parcours") for g in rows)
        latest = Enrolment.objects.filter(student=student).order_by(
            "-semester__academic_year__label", "-semester__semestre").values_list("parcours", flat=True).first()
        if latest and student.parcours != latest:
            student.parcours = latest
            student.save(update_fields=["parcours"])
        audit.record_many(entries)
    return change
