"""The academic year of a department (issue 13, items 1 and 6): creating its semesters from a formation
version, copying last year's (semesters, teachers, evaluation plan as a template, groups), closing and
archiving it (read-only for good), and the passage: enrolling each student into next year's semesters from
the year jury's recorded decision (domain.md §4–§5), all or nothing.

Every write is one transaction with its journal entries; a refused request writes nothing and says why in
French, naming the semester, the field or the student."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from delibe.collation import student_key
from delibe.engine.jury import codes as C
from delibe.engine.model import MODALITY_CODES, Modality
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import (
    AcademicYear,
    DecisionLevel,
    Department,
    Enrolment,
    Evaluation,
    FormationVersion,
    Grade,
    JuryDecision,
    SemesterRun,
    Student,
    TeachingAssignment,
)
from delibe.web.services import groupes as group_service
from delibe.web.services.formations import formation_model

LABEL = re.compile(r"^(\d{4})-(\d{4})$")


class YearSetupError(Exception):
    """A set-up, copy, archiving or passage refused; the message (French) says what and how to fix it."""


# --- academic years --------------------------------------------------------------------------------

def check_label(label: str) -> tuple[int, int]:
    match = LABEL.match((label or "").strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise YearSetupError(f"Année universitaire « {label} » : écrivez-la AAAA-AAAA, deux années qui se "
                             "suivent (par exemple 2024-2025).")
    return int(match[1]), int(match[2])


def next_label(label: str) -> str:
    first, second = check_label(label)
    return f"{first + 1}-{second + 1}"


def academic_year(label: str) -> AcademicYear:
    """The academic year of that label, created (1 September → 31 August) when it does not exist."""
    first, second = check_label(label)
    year, _ = AcademicYear.objects.get_or_create(
        label=label.strip(), defaults={"debut": dt.date(first, 9, 1), "fin": dt.date(second, 8, 31)})
    return year


def department_runs(department: Department, label: str) -> list[SemesterRun]:
    return list(SemesterRun.objects.filter(formation__department=department, academic_year__label=label)
                .select_related("formation", "academic_year").order_by("semestre", "formation__slug"))


def modality_of(value: str) -> str:
    """A modality from its engine value (« apprentissage ») or its abbreviation (« FA »)."""
    value = (value or "").strip()
    for modality, code in MODALITY_CODES.items():
        if value in (modality.value, code) or value.upper() == code:
            return modality.value
    choices = ", ".join(f"{code} ({m.value})" for m, code in MODALITY_CODES.items())
    raise YearSetupError(f"Modalité « {value} » inconnue : choisissez {choices}.")


def modality_code(value: str) -> str:
    try:
        return MODALITY_CODES[Modality(value)]
    except ValueError:
        return value


# --- creating the semesters of a year --------------------------------------------------------------

@dataclass(frozen=True)
class SemesterSpec:
    """One semester to open: its number, dates, parcours offered (empty: all), modality, Apogée étape."""

    semestre: int
    debut: dt.date | None = None
    fin: dt.date | None = None
    parcours: tuple[str, ...] = ()
    modalite: str = ""
    etape: str = ""


def _run_state(run: SemesterRun) -> dict[str, Any]:
    return {"formation": f"{run.formation.slug} v{run.formation.version}", "semestre": run.semestre,
            "annee": run.academic_year.label, "debut": run.debut.isoformat() if run.debut else None,
            "fin": run.fin.isoformat() if run.fin else None, "parcours": list(run.parcours_offerts),
            "modalite": run.modalite, "etape_apogee": run.etape_apogee}


def _refuse_archived(department: Department, label: str) -> None:
    if SemesterRun.objects.filter(formation__department=department, academic_year__label=label,
                                  archived=True).exists():
        raise YearSetupError(f"L'année {label} est archivée pour ce département : elle ne change plus.")


@transaction.atomic
def create_semesters(*, user: Any, version: FormationVersion, label: str,
                     specs: Sequence[SemesterSpec]) -> list[SemesterRun]:
    """Opens the semesters ``specs`` of formation ``version`` in the academic year ``label``."""
    if not specs:
        raise YearSetupError("Choisissez au moins un semestre à ouvrir.")
    department = version.department
    check_label(label)
    _refuse_archived(department, label)
    formation = formation_model(version)
    known_semesters = sorted({u.semestre for u in formation.ues})
    known_parcours = [p.code for p in formation.parcours]
    year = academic_year(label)
    runs = []
    for spec in specs:
        where = f"S{spec.semestre} {label}"
        if spec.semestre not in known_semesters:
            raise YearSetupError(f"{where} : la formation {version} n'a pas de semestre {spec.semestre} "
                                 f"(semestres : {', '.join(map(str, known_semesters))}).")
        unknown = [p for p in spec.parcours if p not in known_parcours]
        if unknown:
            raise YearSetupError(f"{where}, parcours : « {', '.join(unknown)} » inconnu(s) de la formation "
                                 f"(parcours : {', '.join(known_parcours)}).")
        not_delivered = [p for p in spec.parcours if not formation.offers(p, spec.semestre)]
        if not_delivered:
            raise YearSetupError(f"{where}, parcours : la formation {version} ne décrit pas le semestre "
                                 f"{spec.semestre} de « {', '.join(not_delivered)} ».")
        if spec.debut and spec.fin and spec.fin <= spec.debut:
            raise YearSetupError(f"{where} : la date de fin ({spec.fin:%d/%m/%Y}) doit suivre la date de début "
                                 f"({spec.debut:%d/%m/%Y}).")
        if SemesterRun.objects.filter(formation__slug=version.slug, semestre=spec.semestre,
                                      academic_year=year).exists():
            raise YearSetupError(f"{where} de {version.slug} existe déjà : rien n'a été créé.")
        run = SemesterRun.objects.create(
            formation=version, semestre=spec.semestre, academic_year=year, debut=spec.debut, fin=spec.fin,
            parcours_offerts=list(spec.parcours), etape_apogee=spec.etape.strip(),
            modalite=modality_of(spec.modalite) if spec.modalite else str(formation.modalite),
        )
        audit.record(user=user, action=Action.CREATE, object_type=ObjectType.SEMESTER, object_id=run.pk,
                     new=_run_state(run), department_id=department.pk, semester_id=run.pk,
                     summary=f"Ouverture de {run}")
        runs.append(run)
    return runs


# --- copying last year's -------------------------------------------------------------------------

def shift_one_year(day: dt.date | None) -> dt.date | None:
    """The same day one year later (29 February becomes 28 February)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _clone(obj: Any, **changes: Any) -> Any:
    """An unsaved copy of ``obj`` with every stored field (those added later too: a module's role…) but its
    id, its automatic dates and ``changes``."""
    values = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields
              if not f.primary_key and not getattr(f, "auto_now_add", False) and not getattr(f, "auto_now", False)}
    for name, value in changes.items():
        values.pop(name + "_id", None)
        values[name] = value
    return type(obj)(**values)


@dataclass
class CopyResult:
    source: str
    target: str
    runs: list[SemesterRun] = field(default_factory=list)
    teachings: int = 0
    evaluations: int = 0
    groups: int = 0
    skipped_modules: list[str] = field(default_factory=list)  # modules gone from the newer version


def _newest_version(version: FormationVersion) -> FormationVersion:
    """A copy opens the newest version of the formation: a version edited after a locked year is the
    new one (services/formations.py), the locked year keeps its own."""
    return (FormationVersion.objects.filter(slug=version.slug, department_id=version.department_id)
            .order_by("-version").first() or version)


@transaction.atomic
def copy_year(*, user: Any, department: Department, source_label: str,
              target_label: str | None = None) -> CopyResult:
    """Opens in the next year (or ``target_label``) every semester the department ran in ``source_label``:
    dates one year later, parcours, modality, Apogée étape, the modules' teachers, the evaluation plan as
    a template (no grade, dates one year later) and the groups' names. Nothing is written if one semester
    already exists in the target year."""
    check_label(source_label)
    target_label = target_label or next_label(source_label)
    check_label(target_label)
    if target_label == source_label:
        raise YearSetupError("L'année copiée et l'année créée doivent différer.")
    sources = department_runs(department, source_label)
    if not sources:
        raise YearSetupError(f"Aucun semestre en {source_label} pour {department} : rien à copier.")
    _refuse_archived(department, target_label)
    year = academic_year(target_label)
    result = CopyResult(source_label, target_label)
    # two versions of a formation may run the same semester in one year (repeaters on the old one): the
    # copy opens it once, from the run of the newest version
    sources.sort(key=lambda r: (r.semestre, r.formation.slug, -r.formation.version))
    done: set[tuple[str, int]] = set()
    for source in sources:
        version = _newest_version(source.formation)
        if (version.slug, source.semestre) in done:
            continue
        done.add((version.slug, source.semestre))
        if SemesterRun.objects.filter(formation__slug=version.slug, semestre=source.semestre,
                                      academic_year=year).exists():
            raise YearSetupError(f"S{source.semestre} {target_label} de {version.slug} existe déjà : "
                                 "rien n'a été copié (supprimez-le ou ouvrez les semestres un par un).")
        modules = {m.code for m in formation_model(version).modules_of(source.semestre)}
        run = SemesterRun.objects.create(
            formation=version, semestre=source.semestre, academic_year=year,
            debut=shift_one_year(source.debut), fin=shift_one_year(source.fin),
            parcours_offerts=list(source.parcours_offerts), etape_apogee=source.etape_apogee,
            modalite=source.modalite,
        )
        groups = group_service.copy_groups(source, run, user=user)
        result.groups += groups
        teachings = [_clone(t, semester=run) for t in source.teachings.all() if t.module_code in modules]
        TeachingAssignment.objects.bulk_create(teachings)
        evaluations = []
        for e in source.evaluations.all():
            if e.module_code not in modules:
                result.skipped_modules.append(f"S{source.semestre} {e.module_code}")
                continue
            evaluations.append(_clone(e, semester=run, date=shift_one_year(e.date), poids=dict(e.poids),
                                      publiee=False, created_by_id=getattr(user, "pk", None)))
        Evaluation.objects.bulk_create(evaluations)
        result.teachings += len(teachings)
        result.evaluations += len(evaluations)
        result.runs.append(run)
        audit.record(user=user, action=Action.CREATE, object_type=ObjectType.SEMESTER, object_id=run.pk,
                     new={**_run_state(run), "copie_de": source.pk, "enseignements": len(teachings),
                          "evaluations": len(evaluations), "groupes": groups},
                     department_id=department.pk, semester_id=run.pk,
                     summary=f"Copie de {source} vers {run}")
    result.skipped_modules = sorted(set(result.skipped_modules))
    return result


# --- closing and archiving a year ----------------------------------------------------------------

@transaction.atomic
def archive_year(*, user: Any, department: Department, label: str) -> list[SemesterRun]:
    """Archives the department's year ``label``: every semester must have its jury closed (locked); an
    archived semester is read-only and is never reopened."""
    check_label(label)
    runs = list(SemesterRun.objects.select_for_update().filter(
        formation__department=department, academic_year__label=label).select_related("formation",
                                                                                       "academic_year"))
    if not runs:
        raise YearSetupError(f"Aucun semestre en {label} pour {department} : rien à archiver.")
    open_runs = [r for r in runs if not r.locked]
    if open_runs:
        names = ", ".join(f"S{r.semestre} ({r.formation.slug})" for r in sorted(open_runs, key=lambda r: r.semestre))
        raise YearSetupError(f"Clôturez d'abord le jury de : {names} ; l'année {label} n'est pas archivée.")
    now = timezone.now()
    archived = []
    for run in runs:
        if run.archived:
            continue
        run.archived, run.archived_at = True, now
        run.save(update_fields=["archived", "archived_at"])
        audit.record(user=user, action=Action.LOCK, object_type=ObjectType.SEMESTER, object_id=run.pk,
                     old={"archived": False}, new={"archived": True}, department_id=department.pk,
                     semester_id=run.pk, summary=f"Archivage de {run}")
        archived.append(run)
    if not archived:
        raise YearSetupError(f"L'année {label} est déjà archivée.")
    return archived


# --- passage -------------------------------------------------------------------------------------

GO = "passage"
REPEAT = "redoublement"
OUT = "sortie"
DONE = "fin"  # BUT3 passed: no next semester
ALREADY = "deja"
BLOCKING = "bloquant"


@dataclass
class PassageLine:
    student: Student
    annee_but: int
    parcours: str
    groupe: str
    code: str | None
    kind: str
    destination: SemesterRun | None = None
    message: str = ""
    capitalisees: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.kind == BLOCKING

    def as_dict(self) -> dict[str, Any]:
        return {"etudiant": self.student.pk, "nip": self.student.nip, "nom": str(self.student),
                "annee_but": self.annee_but, "decision": self.code, "issue": self.kind,
                "semestre": self.destination.pk if self.destination else None,
                "destination": str(self.destination) if self.destination else None,
                "message": self.message, "ue_capitalisees": self.capitalisees}


@dataclass
class PassagePreview:
    department: Department
    source: str
    target: str
    lines: list[PassageLine]
    warnings: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[PassageLine]:
        return [line for line in self.lines if line.blocking]

    @property
    def to_enrol(self) -> list[PassageLine]:
        return [line for line in self.lines if line.kind in (GO, REPEAT)]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.kind] = counts.get(line.kind, 0) + 1
        return counts


def ordered(codes: Iterable[str]) -> list[str]:
    """Year codes in the engine's order (the one the jury's form lists them in)."""
    return [c for c in C.ANNEE_ORDER if c in set(codes)]


def capitalised_decisions(student: Student, annee_but: int, before: str) -> list[JuryDecision]:
    """The UEs of BUT``annee_but`` the student acquired at a jury before the year ``before``: a repeater keeps
    them, with the average of the jury that acquired them (domain.md §3, « repeaters' UEs »)."""
    rows = (JuryDecision.objects.filter(student=student, annee_but=annee_but, level=DecisionLevel.UE,
                                        academic_year__label__lt=before, decided_code__in=C.VALIDATING)
            .select_related("academic_year").order_by("key", "academic_year__label"))
    return list({r.key: r for r in rows}.values())


def capitalised_ues(student: Student, annee_but: int, before: str) -> list[str]:
    return [r.key for r in capitalised_decisions(student, annee_but, before)]


def _destination(targets: Iterable[SemesterRun], student: Student, semestre: int) -> SemesterRun | None:
    candidates = [r for r in targets if r.semestre == semestre and r.formation.slug == student.formation.slug]
    own = [r for r in candidates if r.formation_id == student.formation_id]
    if own:
        return own[0]
    return max(candidates, key=lambda r: r.formation.version, default=None)


def passage_preview(department: Department, source_label: str) -> PassagePreview:
    """Each student enrolled in the department's year ``source_label``, their year decision and where it
    sends them next year: ADM/PASD/PAS1NCI (and ADJ) to the next odd semester, RED to the same year again,
    NAR/DEM/DEF… nowhere, no decision: blocking."""
    check_label(source_label)
    target_label = next_label(source_label)
    targets = department_runs(department, target_label)
    # French order of names (delibe.collation), each student's semesters in order
    enrolments = sorted(Enrolment.objects.filter(semester__formation__department=department,
                                                 semester__academic_year__label=source_label)
                        .select_related("student__formation", "semester"),
                        key=lambda e: (student_key(e.student), e.semester.semestre))
    by_student: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_student.setdefault(e.student_id, []).append(e)
    decisions = {(d.student_id, d.key): d.decided_code for d in JuryDecision.objects.filter(
        student_id__in=by_student, academic_year__label=source_label, level=DecisionLevel.ANNEE)}
    already = set(Enrolment.objects.filter(student_id__in=by_student, semester__in=targets)
                  .values_list("student_id", "semester_id"))
    lines = []
    for rows in by_student.values():
        last = rows[-1]
        student, annee = last.student, last.semester.annee_but
        code = decisions.get((student.pk, f"BUT{annee}")) or None
        left = next((state for state in (last.etat, student.status) if state in C.TERMINAL), None)
        line = PassageLine(student, annee, last.parcours, last.groupe, code, BLOCKING)
        if code is None and left is not None:
            line.kind = OUT
            line.message = f"{left} enregistré(e) à l'inscription, sans décision d'année : aucune inscription."
        elif code is None:
            line.message = f"Aucune décision d'année (BUT{annee}) enregistrée en {source_label} : le jury doit décider."
        elif code in C.PASSAGE and annee == 3:
            line.kind, line.message = DONE, "Fin du BUT : pas de semestre suivant."
        elif code in C.PASSAGE or code == C.RED:
            semestre = 2 * annee + 1 if code in C.PASSAGE else 2 * annee - 1
            line.destination = _destination(targets, student, semestre)
            if code == C.RED:
                line.capitalisees = capitalised_ues(student, annee, target_label)
            if line.destination is None:
                line.message = (f"Aucun semestre S{semestre} de {student.formation.slug} en {target_label} : "
                                "ouvrez-le ou copiez l'année, puis revenez.")
            elif (student.pk, line.destination.pk) in already:
                line.kind, line.message = ALREADY, f"Déjà inscrit en {line.destination}."
            elif line.destination.locked or line.destination.archived:
                line.message = f"{line.destination} est verrouillé : aucune inscription possible."
            elif line.destination.parcours_offerts and line.parcours not in line.destination.parcours_offerts:
                line.message = (f"Le parcours « {line.parcours} » n'est pas offert en {line.destination} "
                                f"({', '.join(line.destination.parcours_offerts)}).")
            else:
                line.kind = GO if code in C.PASSAGE else REPEAT
                line.message = (f"Inscrit en S{semestre}" if code in C.PASSAGE else
                                f"Redouble en S{semestre}" + (f", UE capitalisées : {', '.join(line.capitalisees)}"
                                                              if line.capitalisees else ""))
        elif code in C.TERMINAL:
            line.kind, line.message = OUT, "Sort de la formation : aucune inscription."
        else:
            line.message = (f"Décision « {code} » : le jury doit encore statuer ({', '.join(ordered(C.PASSAGE))}, "
                            f"{C.RED} ou {', '.join(ordered(C.TERMINAL))}).")
        lines.append(line)
    open_runs = [r for r in department_runs(department, source_label) if r.semestre % 2 == 0 and not r.locked]
    warnings = [f"Le jury de {r} n'est pas clos : ses décisions peuvent encore changer." for r in open_runs]
    return PassagePreview(department, source_label, target_label, lines, warnings)


@transaction.atomic
def confirm_passage(*, user: Any, department: Department, source_label: str) -> PassagePreview:
    """Enrols every student of the preview where it sends them, all or nothing: refused (nothing written)
    while one student is blocking."""
    preview = passage_preview(department, source_label)
    if preview.blocking:
        names = "; ".join(f"{line.student} : {line.message}" for line in preview.blocking[:10])
        more = f" (et {len(preview.blocking) - 10} autre(s))" if len(preview.blocking) > 10 else ""
        raise YearSetupError(f"Passage refusé, rien n'a été inscrit — {len(preview.blocking)} étudiant(s) "
                             f"bloquant(s) : {names}{more}")
    if not preview.to_enrol:
        raise YearSetupError(f"Personne à inscrire en {preview.target} depuis {source_label}.")
    entries = []
    created = []
    for line in preview.to_enrol:
        assert line.destination is not None
        enrolment = Enrolment.objects.create(student=line.student, semester=line.destination,
                                             parcours=line.parcours, redoublant=line.kind == REPEAT)
        entries.append(audit.enrolment_entry(user=user, enrolment=enrolment))
        created.append([enrolment.student_id, enrolment.semester_id])
    audit.record_many(entries)
    # the enrolments it created are kept in the entry: undoing the passage removes these and no other
    audit.record(user=user, action=Action.CREATE, object_type=ObjectType.DEPARTMENT, object_id=department.pk,
                 new={"passage": {"de": source_label, "vers": preview.target, **preview.counts(),
                                  "inscriptions": created}},
                 department_id=department.pk,
                 summary=f"Passage {source_label} → {preview.target} : {len(entries)} inscription(s)")
    return preview


# --- undoing a passage --------------------------------------------------------------------------------

def _passage_entries(department: Department) -> Any:
    from delibe.web.audit.models import AuditEntry

    return AuditEntry.objects.filter(object_type=ObjectType.DEPARTMENT, object_id=str(department.pk))


def last_passage(department: Department, source_label: str) -> Any:
    """The journal entry of the last passage confirmed from ``source_label`` and not undone since, or None."""
    entry = _passage_entries(department).filter(new__passage__de=source_label).order_by("-id").first()
    if entry is None or _passage_entries(department).filter(new__annulation_passage__entree=entry.pk).exists():
        return None
    return entry


@dataclass
class PassageUndo:
    source: str
    target: str
    enrolments: list[Enrolment]
    refusal: str = ""  # why it cannot be undone (French), empty when it can


def undo_preview(department: Department, source_label: str) -> PassageUndo:
    """What undoing the last passage from ``source_label`` removes: the enrolments it created (those still
    there). Refused while a target semester has a grade, a jury decision of the target year exists for one of
    these students, or a target semester is locked."""
    check_label(source_label)
    target_label = next_label(source_label)
    entry = last_passage(department, source_label)
    if entry is None:
        return PassageUndo(source_label, target_label, [], f"Aucun passage de {source_label} à annuler.")
    pairs = entry.new["passage"].get("inscriptions")
    if pairs is None:
        return PassageUndo(source_label, target_label, [],
                           "Ce passage a été confirmé avant que Délibé garde la liste de ses inscriptions : "
                           "retirez-les une à une (page de l'étudiant, « Désinscrire »).")
    wanted = {(int(a), int(b)) for a, b in pairs}
    enrolments = sorted((e for e in Enrolment.objects.filter(
        student_id__in={a for a, _ in wanted}, semester_id__in={b for _, b in wanted},
        student__department=department, semester__formation__department=department,
        semester__academic_year__label=target_label)
        .select_related("student", "semester__formation", "semester__academic_year")
        if (e.student_id, e.semester_id) in wanted), key=lambda e: (student_key(e.student), e.semester.semestre))
    undo = PassageUndo(source_label, target_label, enrolments)
    runs = {e.semester_id: e.semester for e in enrolments}
    locked = [r for r in runs.values() if r.locked or r.archived]
    graded = (Grade.objects.filter(evaluation__semester_id__in=runs).values_list("evaluation__semester_id", flat=True)
              .distinct())
    decided = JuryDecision.objects.filter(student_id__in={e.student_id for e in enrolments},
                                          academic_year__label=target_label).select_related("student").first()
    if locked:
        undo.refusal = f"{locked[0]} est verrouillé : le passage ne peut plus être annulé."
    elif graded:
        undo.refusal = (f"{runs[graded[0]]} a déjà des notes : le passage ne peut plus être annulé. Désinscrivez "
                        "plutôt les étudiants un à un.")
    elif decided is not None:
        undo.refusal = (f"Le jury de {target_label} a déjà une décision pour {decided.student} : le passage ne peut "
                        "plus être annulé.")
    elif not enrolments:
        undo.refusal = "Les inscriptions créées par ce passage ont déjà été retirées."
    return undo


@transaction.atomic
def undo_passage(*, user: Any, department: Department, source_label: str) -> PassageUndo:
    """Removes the enrolments the last passage from ``source_label`` created, all or nothing, journaled;
    ``YearSetupError`` with the reason when refused (see ``undo_preview``)."""
    undo = undo_preview(department, source_label)
    if undo.refusal:
        raise YearSetupError(undo.refusal)
    entry = last_passage(department, source_label)
    for run_id in {e.semester_id for e in undo.enrolments}:
        if locking.semester_is_locked(run_id):
            raise YearSetupError("Un semestre de destination vient d'être verrouillé : rien n'a été retiré.")
    entries = [audit.entry(
        user=user, action=Action.DELETE, object_type=ObjectType.ENROLMENT, object_id=f"{e.student_id}/{e.semester_id}",
        old={"parcours": e.parcours, "groupe": e.groupe, "etat": e.etat, "redoublant": e.redoublant},
        department_id=department.pk, semester_id=e.semester_id, student_id=e.student_id,
        summary=f"{e.student} désinscrit de {e.semester} (annulation du passage {source_label})")
        for e in undo.enrolments]
    Enrolment.objects.filter(pk__in=[e.pk for e in undo.enrolments]).delete()
    audit.record_many(entries)
    audit.record(user=user, action=Action.DELETE, object_type=ObjectType.DEPARTMENT, object_id=department.pk,
                 new={"annulation_passage": {"de": source_label, "vers": undo.target, "entree": entry.pk,
                                             "inscriptions": len(entries)}},
                 department_id=department.pk,
                 summary=f"Passage {source_label} → {undo.target} annulé : {len(entries)} inscription(s) retirée(s)")
    return undo
