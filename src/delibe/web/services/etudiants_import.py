"""Importing a secretariat's list of students into one semester run: preview, then all or nothing.

The parser (``delibe.imports.etudiants``) reads the file; here the rows are checked against the
database (the run's groups and the formation's parcours, NIPs of another department, a locked run) and
compared with what is stored: new students, updated ones (old → new per field), unchanged ones. The
commit recomputes that comparison inside its transaction and refuses when it differs from the preview
the user saw (someone changed a student meanwhile). Every write is audited with the channel « import ».

An empty cell, or a column absent from the file, changes nothing: an import never erases data.

Groups (issue 13): the « groupe » column holds ``partition:groupe`` values (« TD:A, TP:A1 »; a bare name is
a group of the partition « Groupes »). A student is moved into each group named, in that group's partition
only; the other partitions are left alone. A partition or group the semester does not have yet is listed in
the preview (« sera créé ») and created on confirmation, in the journal: the secretariat sees every new
name before confirming, and a typo is caught there rather than by a refusal of the whole file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from delibe.engine.inscription import EXC, POLITIQUES_AVANT_INSCRIPTION
from delibe.imports.etudiants import COLUMNS, StudentRow, parse_groupes, parse_students
from delibe.imports.results import Issue
from delibe.web.audit import context as audit_context
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import (
    ApprenticeContract,
    Civilite,
    Enrolment,
    Evaluation,
    Groupe,
    SemesterRun,
    Student,
)
from delibe.web.services import groupes as group_service
from delibe.web.services.calcul import evaluation_date
from delibe.web.services.formations import formation_model

STUDENT_FIELDS = ("ine", "nom", "prenom", "civilite", "date_naissance", "email")
CONTRACT_FIELDS = ("employeur", "tuteur", "tuteur_email", "cfa", "cfa_email", "contrat_debut", "contrat_fin")
CONTACT_FIELDS = ("tuteur_email", "cfa", "cfa_email")  # where the monthly reports and alerts go (issue 15)
ENROLMENT_FIELDS = ("parcours", "groupe")
LABELS = {name: label for name, (label, _) in COLUMNS.items()}


def _row_value(row: StudentRow, name: str) -> object:
    """The value the import stores for ``name``. The parser also accepts the civilité « X » (neither M. nor
    Mme), which the Student model has no value for: it is stored as nothing, like an empty cell."""
    value = getattr(row, name)
    if name == "civilite" and value not in Civilite.values:
        return ""
    return value


class StudentImportError(Exception):
    """The import cannot be applied; the message (French) says why and what to do."""


@dataclass(frozen=True)
class Line:
    row: StudentRow
    name: str
    changes: dict[str, tuple[str, str]]  # field -> (old, new), as displayed


@dataclass(frozen=True)
class LateImpact:
    """What enrolling students into a semester that already has grades does (issue 13): the evaluations
    dated before their enrolment expect no grade from them — a missing one counts as EXC (default) or ATT
    — so that these evaluations stay complete and the other students' averages never change."""

    inscrit_le: dt.date
    graded: int  # evaluations of the run with at least one grade
    before: tuple[str, ...]  # the evaluations dated before ``inscrit_le`` (« R1.01 — Contrôle (12/10/2023) »)
    enrolments: int  # new enrolments in this import

    def text(self, politique: str = EXC) -> str:
        what = ("comptées EXC (neutralisées : leurs moyennes ne portent que sur les évaluations suivantes)"
                if politique == EXC else
                "comptées ATT (en attente d'une note de rattrapage : leurs résultats restent provisoires)")
        return (f"Le semestre a déjà {self.graded} évaluation(s) notée(s). Les {self.enrolments} nouvelle(s) "
                f"inscription(s) datent du {self.inscrit_le:%d/%m/%Y} : les {len(self.before)} évaluation(s) "
                f"antérieure(s) ne seront pas attendues de ces étudiants, leurs notes manquantes {what}. La "
                "complétude des évaluations et les moyennes des autres étudiants ne changent pas.")


def late_impact(run: SemesterRun, enrolments: int, inscrit_le: dt.date | None = None) -> LateImpact | None:
    """None when the run has no grade yet (the students are enrolled from the start)."""
    graded = Evaluation.objects.filter(semester=run, grades__isnull=False).distinct().count()
    if not graded or not enrolments:
        return None
    day = inscrit_le or timezone.localdate()
    before = tuple(f"{e.module_code} — {e.titre} ({evaluation_date(e):%d/%m/%Y})"
                   for e in Evaluation.objects.filter(semester=run).order_by("date", "id")
                   if evaluation_date(e) < day)
    return LateImpact(day, graded, before, enrolments)


@dataclass(frozen=True)
class StudentPreview:
    new: tuple[Line, ...] = ()
    updated: tuple[Line, ...] = ()
    unchanged: tuple[Line, ...] = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    rows: tuple[StudentRow, ...] = ()
    columns: frozenset[str] = field(default_factory=frozenset)
    parcours_defaut: str = ""
    late: LateImpact | None = None  # the semester already has grades: what the new enrolments will do
    new_groups: tuple[str, ...] = ()  # « TD:C » created on confirmation

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """What the user saw: a commit whose recomputed preview has another fingerprint is refused."""
        payload = [[line.row.nip, sorted(line.changes.items())] for line in (*self.new, *self.updated)]
        return hashlib.sha256(json.dumps(payload, default=str, ensure_ascii=False).encode()).hexdigest()


def _show(value: object) -> str:
    """A value as the journal and the previews show it (a date in French order)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def preview_file(run: SemesterRun, data: bytes, filename: str, parcours_defaut: str = "",
                 inscrit_le: dt.date | None = None) -> StudentPreview:
    """Parses the file and compares it with the database. Writes nothing."""
    parsed = parse_students(data, filename)
    if parsed.value is None or parsed.errors:
        return StudentPreview(errors=parsed.errors or (Issue(filename, "fichier illisible."),),
                              warnings=parsed.warnings)
    return preview_rows(run, parsed.value.rows, parsed.value.columns, parcours_defaut, parsed.warnings,
                        inscrit_le)


def preview_rows(run: SemesterRun, rows: tuple[StudentRow, ...], columns: frozenset[str],
                 parcours_defaut: str = "", warnings: tuple[Issue, ...] = (),
                 inscrit_le: dt.date | None = None) -> StudentPreview:
    errors: list[Issue] = []
    if run.locked:
        errors.append(Issue(str(run), "le semestre est verrouillé par le jury : aucune inscription ne peut "
                                      "changer. Faites-le rouvrir avant d'importer."))
    formation = formation_model(run.formation)
    known_parcours = {p.code for p in formation.parcours}
    if parcours_defaut and parcours_defaut not in known_parcours:
        errors.append(Issue("parcours par défaut", f"« {parcours_defaut} » n'est pas un parcours de la "
                                                   f"formation (parcours : {', '.join(sorted(known_parcours))})."))
    existing = {(g.partition.name, g.name) for g in Groupe.objects.filter(partition__semester=run)
                .select_related("partition")}
    new_groups: dict[tuple[str, str], None] = {}
    nips = [r.nip for r in rows]
    students = {s.nip: s for s in Student.objects.filter(nip__in=nips).select_related("apprenticeship")}
    enrolments = {e.student_id: e for e in Enrolment.objects.filter(semester=run, student__nip__in=nips)
                  .prefetch_related("group_memberships__groupe__partition")}
    department_id = run.formation.department_id
    new, updated, unchanged = [], [], []
    for row in rows:
        where = f"ligne {row.line}"
        student = students.get(row.nip)
        if student is not None and student.department_id != department_id:
            errors.append(Issue(f"{where}, colonne « NIP »", f"le NIP {row.nip} est celui d'un étudiant d'un "
                                                              "autre département : vérifiez le numéro."))
            continue
        try:
            pairs = _pairs(row)
        except ValueError as error:
            errors.append(Issue(f"{where}, colonne « groupe »", str(error)))
            continue
        for pair in pairs:
            if pair not in existing:
                new_groups[pair] = None
        enrolment = enrolments.get(student.pk) if student is not None else None
        parcours = row.parcours or parcours_defaut or (enrolment.parcours if enrolment else "") \
            or (student.parcours if student else "") \
            or (next(iter(known_parcours)) if len(known_parcours) == 1 else "")
        if not parcours:
            errors.append(Issue(f"{where}, colonne « parcours »", "parcours inconnu pour ce nouvel étudiant : "
                                                                   "ajoutez une colonne « parcours » ou choisissez "
                                                                   "un parcours par défaut."))
            continue
        if parcours not in known_parcours:
            errors.append(Issue(f"{where}, colonne « parcours »", f"« {parcours} » n'est pas un parcours de la "
                                                                   f"formation ({', '.join(sorted(known_parcours))})."))
            continue
        changes = _changes(row, student, enrolment, parcours)
        name = f"{row.nom.upper()} {row.prenom}"
        line = Line(row, name, changes)
        if student is None:
            new.append(line)
        elif changes:
            updated.append(line)
        else:
            unchanged.append(line)
    created = tuple(_group_label(p) for p in new_groups)
    if created:
        warnings = (*warnings, Issue("colonne « groupe »", f"groupe(s) nouveau(x) dans {run}, créé(s) à la "
                                                            f"confirmation : {', '.join(created)}. Vérifiez "
                                                            "l'orthographe avant de confirmer."))
    enrolling = sum(1 for line in (*new, *updated) if "inscription" in line.changes)
    return StudentPreview(tuple(new), tuple(updated), tuple(unchanged), tuple(errors), tuple(warnings), rows,
                          columns, parcours_defaut, late_impact(run, enrolling, inscrit_le), created)


def _pairs(row: StudentRow) -> list[tuple[str, str]]:
    """(partition, groupe) of the row, the default partition named."""
    return [(p or group_service.DEFAULT_PARTITION, g) for p, g in parse_groupes(row.groupe)]


def _group_label(pair: tuple[str, str]) -> str:
    partition, groupe = pair
    return groupe if partition == group_service.DEFAULT_PARTITION else f"{partition}:{groupe}"


def _group_change(row: StudentRow, enrolment: Enrolment | None) -> tuple[str, str] | None:
    """(old, new) groups of the partitions the row names, as « TD:A, TP:A1 »; None when nothing changes."""
    pairs = _pairs(row)
    if not pairs:
        return None
    current = {m.groupe.partition.name: m.groupe.name
               for m in (enrolment.group_memberships.all() if enrolment is not None else [])}
    old = ", ".join(_group_label((p, current[p])) for p, _ in pairs if p in current)
    new = ", ".join(_group_label(pair) for pair in pairs)
    return None if all(current.get(p) == g for p, g in pairs) else (old, new)


def _changes(row: StudentRow, student: Student | None, enrolment: Enrolment | None,
             parcours: str) -> dict[str, tuple[str, str]]:
    changes: dict[str, tuple[str, str]] = {}
    contract = getattr(student, "apprenticeship", None) if student is not None else None
    group_change = _group_change(row, enrolment)
    if group_change is not None:
        changes["groupe"] = group_change
    for name in (*STUDENT_FIELDS, *CONTRACT_FIELDS, "parcours"):
        new_value: object = parcours if name == "parcours" else _row_value(row, name)
        if new_value in ("", None):
            continue  # an empty cell never erases
        if name in STUDENT_FIELDS:
            old_value = getattr(student, name) if student is not None else None
        elif name in CONTRACT_FIELDS:
            attr = {"contrat_debut": "debut", "contrat_fin": "fin"}.get(name, name)
            old_value = getattr(contract, attr) if contract is not None else None
        else:
            old_value = getattr(enrolment, name) if enrolment is not None else None
        if _show(old_value) != _show(new_value):
            changes[name] = (_show(old_value), _show(new_value))
    if enrolment is None:
        changes["inscription"] = ("", "inscrit")
    return changes


def _contract_dates(row: StudentRow, run: SemesterRun, contract: ApprenticeContract | None) -> tuple[dt.date, dt.date]:
    year = run.academic_year
    debut = row.contrat_debut or (contract.debut if contract else None) or run.debut or year.debut
    fin = row.contrat_fin or (contract.fin if contract else None) or year.fin
    return debut, fin


def _student_state(student: Student) -> dict[str, Any]:
    contract = ApprenticeContract.objects.filter(student=student).first()
    state: dict[str, Any] = {k: _show(getattr(student, k)) for k in ("nip", *STUDENT_FIELDS, "parcours")}
    if contract is not None:
        state.update(employeur=contract.employeur, tuteur=contract.tuteur, contrat_debut=_show(contract.debut),
                     contrat_fin=_show(contract.fin), **{name: getattr(contract, name) for name in CONTACT_FIELDS})
    return state


def commit(*, user: object, run: SemesterRun, preview: StudentPreview, avant_inscription: str = EXC
           ) -> dict[str, int]:
    """Applies a preview in one transaction: creates and updates students, their apprentice contract and
    their enrolment in ``run``. Refused with nothing written if the preview had errors, or if the data
    changed since it was computed. When the semester already has grades (``preview.late``), the new
    enrolments are dated and the evaluations before that date expect no grade from them (a missing one
    counts as ``avant_inscription``: EXC or ATT). Returns {"crees": n, "modifies": n, "inchanges": n}."""
    if not preview.ok:
        raise StudentImportError("Le fichier a des erreurs : rien n'a été enregistré. Corrigez-les puis "
                                 "déposez-le à nouveau.")
    if avant_inscription not in POLITIQUES_AVANT_INSCRIPTION:
        raise StudentImportError(f"Politique « {avant_inscription} » inconnue pour les évaluations antérieures à "
                                 "l'inscription : choisissez EXC ou ATT.")
    session = audit_context.new_session("import")
    with transaction.atomic():
        run = SemesterRun.objects.select_for_update().select_related("formation", "academic_year").get(pk=run.pk)
        fresh = preview_rows(run, preview.rows, preview.columns, preview.parcours_defaut,
                             inscrit_le=preview.late.inscrit_le if preview.late else None)
        if not fresh.ok:
            raise StudentImportError("Import refusé : " + " ; ".join(str(e) for e in fresh.errors[:5]))
        if fresh.fingerprint != preview.fingerprint:
            raise StudentImportError("Des étudiants ont été modifiés depuis l'aperçu : rien n'a été enregistré. "
                                     "Déposez à nouveau le fichier pour voir l'aperçu à jour.")
        department = run.formation.department
        entries = []
        late = (fresh.late.inscrit_le, avant_inscription) if fresh.late is not None else None
        for label in fresh.new_groups:
            partition_name, _, groupe_name = label.rpartition(":")
            groupe, created = group_service.ensure_groupe(run, partition_name or group_service.DEFAULT_PARTITION,
                                                          groupe_name)
            if created:
                entries.append(audit.entry(
                    user=user, action=Action.CREATE, object_type=ObjectType.SEMESTER, object_id=f"groupe/{groupe.pk}",
                    new={"partition": groupe.partition.name, "groupe": groupe.name},
                    department_id=department.pk, semester_id=run.pk,
                    summary=f"Groupe « {groupe.partition.name} {groupe.name} » créé par l'import",
                    channel="import", session=session))
        for line in (*fresh.new, *fresh.updated):
            entries.extend(_apply(user, run, department, line, session, late))
        audit.record_many(entries)
    return {"crees": len(fresh.new), "modifies": len(fresh.updated), "inchanges": len(fresh.unchanged)}


def _apply(user: object, run: SemesterRun, department: Any, line: Line, session: str,
           late: tuple[dt.date, str] | None = None) -> list[Any]:
    row, changes = line.row, line.changes
    entries = []
    student = Student.objects.filter(nip=row.nip).first()
    parcours = changes.get("parcours", ("", ""))[1] or None
    old_state = _student_state(student) if student is not None else None
    if student is None:
        student = Student.objects.create(
            department=department, formation=run.formation, parcours=parcours or "", nip=row.nip, ine=row.ine,
            nom=row.nom, prenom=row.prenom, civilite=_row_value(row, "civilite"), date_naissance=row.date_naissance,
            email=row.email,
        )
    else:
        for name in STUDENT_FIELDS:
            if name in changes:
                setattr(student, name, _row_value(row, name))
        student.save()
    contract = ApprenticeContract.objects.filter(student=student).first()
    if any(name in changes for name in CONTRACT_FIELDS):
        debut, fin = _contract_dates(row, run, contract)
        if contract is None and row.employeur:
            contract = ApprenticeContract(student=student, employeur=row.employeur, tuteur=row.tuteur,
                                          debut=debut, fin=fin)
        elif contract is not None:
            contract.employeur = row.employeur or contract.employeur
            contract.tuteur = row.tuteur or contract.tuteur
            contract.debut, contract.fin = debut, fin
        if contract is not None:  # addresses without any employer name no contract (the preview said so)
            for name in CONTACT_FIELDS:
                setattr(contract, name, getattr(row, name) or getattr(contract, name))
            contract.save()
    new_state = _student_state(student)
    if new_state != old_state:
        entries.append(audit.entry(
            user=user, action=Action.CREATE if old_state is None else Action.UPDATE,
            object_type=ObjectType.STUDENT, object_id=student.pk, old=old_state, new=new_state,
            department_id=department.pk, semester_id=run.pk, student_id=student.pk, summary=str(student),
            channel="import", session=session,
        ))
    enrolment = Enrolment.objects.filter(student=student, semester=run).first()
    old_enrolment = None
    if enrolment is None:
        enrolment = Enrolment(student=student, semester=run, parcours=parcours or student.parcours)
        if late is not None:
            enrolment.inscrit_le, enrolment.avant_inscription = late
    else:
        old_enrolment = {"parcours": enrolment.parcours, "groupe": enrolment.groupe, "etat": enrolment.etat,
                         "redoublant": enrolment.redoublant}
        if parcours:
            enrolment.parcours = parcours
    if old_enrolment is None or any(n in changes for n in ENROLMENT_FIELDS):
        enrolment.save()
        for partition_name, groupe_name in _pairs(row):
            group_service.place(enrolment, groupe_name, partition_name)
        entries.append(audit.enrolment_entry(user=user, enrolment=enrolment, old=old_enrolment))
        entries[-1].channel, entries[-1].session = "import", session
    return entries


def import_file(*, user: object, run: SemesterRun, data: bytes, filename: str, parcours_defaut: str = "",
                inscrit_le: dt.date | None = None, avant_inscription: str = EXC,
                ) -> tuple[StudentPreview, dict[str, int] | None]:
    """Preview and commit at once (scripts, tests): all or nothing."""
    preview = preview_file(run, data, filename, parcours_defaut, inscrit_le)
    if not preview.ok:
        return preview, None
    return preview, commit(user=user, run=run, preview=preview, avant_inscription=avant_inscription)


def rows_for_session(preview: StudentPreview) -> dict[str, Any]:
    return {"rows": [r.as_dict() for r in preview.rows], "columns": sorted(preview.columns),
            "parcours": preview.parcours_defaut, "fingerprint": preview.fingerprint,
            "inscrit_le": preview.late.inscrit_le.isoformat() if preview.late else None}


def commit_from_session(*, user: object, run: SemesterRun, stored: dict[str, Any],
                        avant_inscription: str = EXC) -> dict[str, int]:
    """The web confirmation: the rows kept in the session, checked against the preview the user saw, with
    the policy chosen there for the evaluations before a late enrolment."""
    rows = tuple(StudentRow.from_dict(r) for r in stored["rows"])
    seen = StudentPreview(rows=rows, columns=frozenset(stored["columns"]), parcours_defaut=stored.get("parcours", ""))
    day = dt.date.fromisoformat(stored["inscrit_le"]) if stored.get("inscrit_le") else None
    current = preview_rows(run, rows, seen.columns, seen.parcours_defaut, inscrit_le=day)
    if current.fingerprint != stored["fingerprint"]:
        raise StudentImportError("Des étudiants ont été modifiés depuis l'aperçu : rien n'a été enregistré. "
                                 "Déposez à nouveau le fichier pour voir l'aperçu à jour.")
    return commit(user=user, run=run, preview=current, avant_inscription=avant_inscription)
