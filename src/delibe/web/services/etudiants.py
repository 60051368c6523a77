"""The student's life in a semester (issue 13, item 5): add one student by hand, correct their identity,
record a démission (DEM) or a défaillance (DEF) with its date, unenrol.

Every write is permission-checked by the caller (``permissions.can_manage_students``), runs in one
transaction and goes to the journal with the old and the new values. A démission or défaillance leaves
the evaluations after its date without an expected grade (``engine/inscription.py``): their completeness
and the other students' averages never change, and the jury proposes DEM/DEF with the date as its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from delibe.engine.inscription import ETATS_SORTIE, EXC, INSCRIT, POLITIQUES_AVANT_INSCRIPTION
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Civilite, Enrolment, Grade, SemesterRun, Student
from delibe.web.services import groupes as group_service
from delibe.web.services.etudiants_import import _show
from delibe.web.services.formations import formation_model

IDENTITY_FIELDS: dict[str, str] = {
    "nip": "NIP", "ine": "INE", "nom": "nom", "prenom": "prénom", "civilite": "civilité",
    "date_naissance": "date de naissance", "email": "courriel",
}
MIN_REASON = 5


class StudentError(Exception):
    """A change refused; the message (French) names the field and says how to fix it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _check_open(run: SemesterRun) -> None:
    if run.locked or locking.semester_is_locked(run.pk):
        raise StudentError(f"{run} est verrouillé par le jury : les inscriptions ne peuvent plus changer. "
                           "Faites-le rouvrir d'abord.")


def _identity(student: Student) -> dict[str, str]:
    return {name: _show(getattr(student, name)) for name in IDENTITY_FIELDS}


def _clean_identity(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in IDENTITY_FIELDS:
            raise StudentError(f"Champ « {name} » inconnu : champs possibles : {', '.join(IDENTITY_FIELDS)}.", name)
        if isinstance(value, str):
            value = value.strip()
        if name in ("nip", "nom", "prenom") and not value:
            raise StudentError(f"Le champ « {IDENTITY_FIELDS[name]} » est obligatoire.", name)
        if name == "civilite" and value not in ("", *Civilite.values):
            raise StudentError("Civilité : « M. », « Mme » ou vide.", name)
        if name == "date_naissance" and isinstance(value, str):
            value = _date(value, name) if value else None
        if name == "email" and value and "@" not in value:
            raise StudentError(f"Courriel « {value} » invalide : il faut une adresse de la forme nom@domaine.", name)
        if name in ("nip", "ine") and len(value or "") > 20:
            raise StudentError(f"{IDENTITY_FIELDS[name]} trop long (20 caractères au plus).", name)
        cleaned[name] = value
    return cleaned


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    raise StudentError(f"Date « {value} » illisible ({field}) : écrivez jj/mm/aaaa.", field)


def _has_grades(run: SemesterRun) -> bool:
    return Grade.objects.filter(evaluation__semester=run).exists()


def add_student(*, user: object, run: SemesterRun, nip: str, nom: str, prenom: str, parcours: str,
                groupe: str = "", ine: str = "", civilite: str = "", date_naissance: Any = None, email: str = "",
                inscrit_le: Any = None, avant_inscription: str = EXC) -> Enrolment:
    """Creates the student (or takes the department's student of that NIP) and enrols them in ``run``.
    When the semester already has grades, the enrolment is dated (today by default): the evaluations
    before it expect no grade from them (``avant_inscription``: EXC or ATT)."""
    _check_open(run)
    identity = _clean_identity({"nip": nip, "nom": nom, "prenom": prenom, "ine": ine, "civilite": civilite,
                                "date_naissance": date_naissance, "email": email})
    known = {p.code for p in formation_model(run.formation).parcours}
    if parcours not in known:
        raise StudentError(f"Parcours « {parcours} » inconnu : choisissez parmi {', '.join(sorted(known))}.",
                           "parcours")
    if avant_inscription not in POLITIQUES_AVANT_INSCRIPTION:
        raise StudentError("Évaluations antérieures à l'inscription : choisissez EXC ou ATT.", "avant_inscription")
    day = _date(inscrit_le, "inscrit_le") if inscrit_le else (timezone.localdate() if _has_grades(run) else None)
    department_id = run.formation.department_id
    with transaction.atomic():
        student = Student.objects.select_for_update().filter(nip=identity["nip"]).first()
        if student is not None and student.department_id != department_id:
            raise StudentError(f"Le NIP {identity['nip']} est celui d'un étudiant d'un autre département : "
                               "vérifiez le numéro.", "nip")
        if student is not None and Enrolment.objects.filter(student=student, semester=run).exists():
            raise StudentError(f"{student} (NIP {student.nip}) est déjà inscrit en {run}.", "nip")
        entries = []
        if student is None:
            student = Student.objects.create(department_id=department_id, formation=run.formation,
                                             parcours=parcours, **identity)
            entries.append(audit.entry(
                user=user, action=Action.CREATE, object_type=ObjectType.STUDENT, object_id=student.pk,
                new=_identity(student), department_id=department_id, semester_id=run.pk, student_id=student.pk,
                summary=f"{student} ajouté à la main"))
        enrolment = Enrolment.objects.create(student=student, semester=run, parcours=parcours,
                                             inscrit_le=day, avant_inscription=avant_inscription)
        if groupe:
            try:
                group_service.assign_text(enrolment, groupe)
            except group_service.GroupError as error:
                raise StudentError(str(error), "groupe") from None
        entry = audit.enrolment_entry(user=user, enrolment=enrolment)
        entry.new = {**entry.new, "inscrit_le": _show(day), "avant_inscription": avant_inscription}
        entries.append(entry)
        audit.record_many(entries)
    return enrolment


def correct_identity(*, user: object, student: Student, values: dict[str, Any], reason: str = "") -> dict[str, tuple[str, str]]:
    """Corrects identity fields; returns {field: (old, new)} of what changed (journaled old → new)."""
    cleaned = _clean_identity(values)
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        old = _identity(student)
        if "nip" in cleaned and cleaned["nip"] != student.nip and Student.objects.filter(nip=cleaned["nip"]).exists():
            raise StudentError(f"Le NIP {cleaned['nip']} est déjà celui d'un autre étudiant.", "nip")
        for name, value in cleaned.items():
            setattr(student, name, value)
        new = _identity(student)
        changes = {name: (old[name], new[name]) for name in IDENTITY_FIELDS if old[name] != new[name]}
        if not changes:
            return {}
        try:
            student.save(update_fields=list(changes))
        except IntegrityError as error:
            raise StudentError("Ce NIP est déjà utilisé.", "nip") from error
        audit.record(user=user, action=Action.UPDATE, object_type=ObjectType.STUDENT, object_id=student.pk,
                     old={k: a for k, (a, _) in changes.items()}, new={k: b for k, (_, b) in changes.items()},
                     department_id=student.department_id, student_id=student.pk, reason=reason.strip(),
                     summary=f"{student} : identité corrigée ({', '.join(IDENTITY_FIELDS[k] for k in changes)})")
    return changes


CONTRACT_FIELDS = {"employeur": "employeur", "tuteur": "maître d'apprentissage",
                   "tuteur_email": "courriel du maître d'apprentissage", "cfa": "CFA", "cfa_email": "courriel du CFA",
                   "debut": "début du contrat", "fin": "fin du contrat"}


def _contract_state(contract: Any) -> dict[str, str] | None:
    return None if contract is None else {name: _show(getattr(contract, name)) for name in CONTRACT_FIELDS}


def update_contract(*, user: object, student: Student, values: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Creates or corrects the student's apprenticeship contract (employer, tutor and CFA with their
    e-mail addresses — where the monthly reports and the alerts go —, dates); journalled old → new.
    Returns {field: (old, new)} of what changed."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from delibe.web.models import ApprenticeContract

    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name not in CONTRACT_FIELDS:
            raise StudentError(f"Champ « {name} » inconnu : champs possibles : {', '.join(CONTRACT_FIELDS)}.", name)
        value = value.strip() if isinstance(value, str) else value
        if name in ("debut", "fin"):
            value = _date(value, name) if value else None
        if name in ("tuteur_email", "cfa_email") and value:
            try:
                validate_email(value)
            except ValidationError:
                raise StudentError(f"{CONTRACT_FIELDS[name].capitalize()} « {value} » invalide : il faut une adresse "
                                   "de la forme nom@domaine.", name) from None
        if name in ("employeur", "tuteur", "cfa") and len(value or "") > 200:
            raise StudentError(f"{CONTRACT_FIELDS[name].capitalize()} trop long (200 caractères au plus).", name)
        cleaned[name] = value if value is not None else ("" if name not in ("debut", "fin") else None)
    with transaction.atomic():
        contract = ApprenticeContract.objects.select_for_update().filter(student=student).first()
        old = _contract_state(contract)
        if contract is None:
            contract = ApprenticeContract(student=student)
        for name, value in cleaned.items():
            setattr(contract, name, value)
        if not contract.employeur:
            raise StudentError("L'employeur est obligatoire pour un contrat d'apprentissage.", "employeur")
        if contract.debut is None or contract.fin is None:
            raise StudentError("Le début et la fin du contrat sont obligatoires (jj/mm/aaaa).",
                               "debut" if contract.debut is None else "fin")
        if contract.fin < contract.debut:
            raise StudentError(f"Le contrat finit ({contract.fin:%d/%m/%Y}) avant de commencer "
                               f"({contract.debut:%d/%m/%Y}).", "fin")
        new = _contract_state(contract) or {}
        changes = {name: ((old or {}).get(name, ""), new[name]) for name in CONTRACT_FIELDS
                   if (old or {}).get(name, "") != new[name]}
        if not changes:
            return {}
        contract.save()
        audit.record(user=user, action=Action.UPDATE if old else Action.CREATE, object_type=ObjectType.STUDENT,
                     object_id=student.pk, old=old, new=new, department_id=student.department_id,
                     student_id=student.pk,
                     summary=f"{student} : contrat d'apprentissage {'corrigé' if old else 'créé'} "
                             f"({', '.join(CONTRACT_FIELDS[k] for k in changes)})")
    return changes


def _enrolment_state(e: Enrolment) -> dict[str, Any]:
    return {"parcours": e.parcours, "groupe": e.groupe, "etat": e.etat, "etat_le": _show(e.etat_le),
            "redoublant": e.redoublant, "inscrit_le": _show(e.inscrit_le)}


def record_exit(*, user: object, enrolment: Enrolment, code: str, date: Any, reason: str = "") -> Enrolment:
    """A démission (DEM) or a défaillance (DEF) on ``date``: the evaluations after it expect no grade
    from the student and the year jury proposes the code with the date. ``code`` « I » cancels it."""
    code = (code or "").strip().upper()
    if code not in (*ETATS_SORTIE, INSCRIT):
        raise StudentError(f"Code « {code} » : choisissez DEM (démission), DEF (défaillance) ou I (inscrit).", "code")
    day = None if code == INSCRIT else _date(date, "date") if date else None
    if code != INSCRIT and day is None:
        raise StudentError("La date de la démission ou de la défaillance est obligatoire.", "date")
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related(
            "semester__formation", "semester__academic_year", "student").get(pk=enrolment.pk)
        run = enrolment.semester
        _check_open(run)
        if day is not None and enrolment.inscrit_le and day < enrolment.inscrit_le:
            raise StudentError(f"La date ({_show(day)}) précède l'inscription ({_show(enrolment.inscrit_le)}).", "date")
        old = _enrolment_state(enrolment)
        enrolment.etat, enrolment.etat_le = code, day
        enrolment.save(update_fields=["etat", "etat_le"])
        student = enrolment.student
        student.status = code if code != INSCRIT else "actif"
        student.save(update_fields=["status"])
        what = {"DEM": "démission", "DEF": "défaillance"}.get(code, "retour à l'état inscrit")
        audit.record(user=user, action=Action.UPDATE, object_type=ObjectType.ENROLMENT,
                     object_id=f"{enrolment.student_id}/{run.pk}", old=old, new=_enrolment_state(enrolment),
                     department_id=run.formation.department_id, semester_id=run.pk, student_id=student.pk,
                     reason=reason.strip(), summary=f"{student}, {run} : {what}"
                     + (f" le {_show(day)}" if day else ""))
    return enrolment


def grades_of(enrolment: Enrolment) -> int:
    return Grade.objects.filter(student_id=enrolment.student_id, evaluation__semester_id=enrolment.semester_id).count()


def unenrol(*, user: object, enrolment: Enrolment, confirm: bool = False, reason: str = "") -> int:
    """Removes the enrolment. Once the student has grades in the semester it is refused unless confirmed
    with a reason: the grades are then deleted with it, each one journaled. Returns the grades deleted."""
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related(
            "semester__formation", "semester__academic_year", "student").get(pk=enrolment.pk)
        run = enrolment.semester
        _check_open(run)
        grades = list(Grade.objects.filter(student_id=enrolment.student_id, evaluation__semester=run)
                      .select_related("evaluation"))
        reason = reason.strip()
        if grades and not (confirm and len(reason) >= MIN_REASON):
            raise StudentError(
                f"{enrolment.student} a {len(grades)} note(s) en {run} : la désinscription les supprimerait. "
                "Confirmez en écrivant le motif (5 caractères au moins), ou enregistrez plutôt une démission.",
                "motif")
        entries = []
        for g in grades:
            g.evaluation.semester = run
            entries.append(audit.grade_entry(user=user, evaluation=g.evaluation, student_id=g.student_id,
                                             old=audit.grade_state(g), new=None, reason=reason))
        Grade.objects.filter(pk__in=[g.pk for g in grades]).delete()
        entries.append(audit.entry(
            user=user, action=Action.DELETE, object_type=ObjectType.ENROLMENT,
            object_id=f"{enrolment.student_id}/{run.pk}", old=_enrolment_state(enrolment),
            department_id=run.formation.department_id, semester_id=run.pk, student_id=enrolment.student_id,
            reason=reason, summary=f"{enrolment.student} désinscrit de {run}"
            + (f" ({len(grades)} note(s) supprimée(s))" if grades else "")))
        enrolment.delete()
        audit.record_many(entries)
    return len(grades)


# --- several démissions at once (issue 13): preview, then all or nothing ----------------------------------

class ExitLine:
    """One student of a grouped démission/défaillance: what it does (or why it cannot)."""

    def __init__(self, enrolment: Enrolment, later_evaluations: int, later_grades: int, problem: str) -> None:
        self.enrolment = enrolment
        self.later_evaluations = later_evaluations  # evaluations after the date: no grade expected any more
        self.later_grades = later_grades  # grades already entered after the date: they still count
        self.problem = problem


def _exit_args(code: str, date: Any) -> tuple[str, dt.date]:
    code = (code or "").strip().upper()
    if code not in ETATS_SORTIE:
        raise StudentError(f"Code « {code} » : choisissez DEM (démission) ou DEF (défaillance).", "code")
    if not date:
        raise StudentError("La date de la démission ou de la défaillance est obligatoire.", "date")
    return code, _date(date, "date")


def exits_preview(run: SemesterRun, enrolment_ids: list[int], code: str, date: Any) -> list[ExitLine]:
    """What recording ``code`` on ``date`` for each of these enrolments of ``run`` does. Writes nothing."""
    from delibe.web.services.calcul import evaluation_date

    code, day = _exit_args(code, date)
    ids = list(dict.fromkeys(int(i) for i in enrolment_ids))
    if not ids:
        raise StudentError("Cochez au moins un étudiant.", "etudiants")
    enrolments = {e.pk: e for e in Enrolment.objects.filter(semester=run, pk__in=ids).select_related("student")}
    if len(enrolments) != len(ids):
        raise StudentError("Un des étudiants cochés n'est pas inscrit dans ce semestre : rechargez la page.",
                           "etudiants")
    later = [e.pk for e in run.evaluations.all() if evaluation_date(e) > day]
    grades: dict[int, int] = {}
    for student_id in Grade.objects.filter(evaluation_id__in=later, student_id__in=[
            e.student_id for e in enrolments.values()]).values_list("student_id", flat=True):
        grades[student_id] = grades.get(student_id, 0) + 1
    from delibe.collation import student_key

    lines = []
    for e in sorted(enrolments.values(), key=lambda e: student_key(e.student)):
        problem = ""
        if e.etat == code and e.etat_le == day:
            problem = f"{e.student} : déjà {code} à cette date."
        elif e.inscrit_le and day < e.inscrit_le:
            problem = f"{e.student} : la date ({_show(day)}) précède son inscription ({_show(e.inscrit_le)})."
        lines.append(ExitLine(e, len(later), grades.get(e.student_id, 0), problem))
    return lines


def record_exits(*, user: object, run: SemesterRun, enrolment_ids: list[int], code: str, date: Any,
                 reason: str = "") -> list[ExitLine]:
    """Records ``code`` (DEM or DEF) on ``date`` for several students of ``run``: all or nothing (refused,
    nothing written, when one line has a problem), each one journaled as ``record_exit`` does."""
    _check_open(run)
    lines = exits_preview(run, enrolment_ids, code, date)
    problems = [line.problem for line in lines if line.problem]
    if problems:
        raise StudentError("Rien n'a été enregistré : " + " ; ".join(problems[:10])
                           + (f" (et {len(problems) - 10} autre(s))" if len(problems) > 10 else ""), "etudiants")
    code, day = _exit_args(code, date)
    with transaction.atomic():
        for line in lines:
            record_exit(user=user, enrolment=line.enrolment, code=code, date=day, reason=reason)
    return lines
