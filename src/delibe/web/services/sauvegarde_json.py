"""A whole department as one JSON document (format ``delibe-departement``, version 1), and its restoration.

Exported: the department, the accounts it refers to (username, names, email, active — never a password),
their roles in it, the formation versions (YAML text and hash), academic years, semester runs, students,
apprentice contracts, enrolments, partitions and groups with their members, teaching assignments, evaluations, grades (with their version and
author), jury decisions (proposed and decided code, reasons, the jury's written reason, author, date),
the attendance data (absences, justifications — without the proof files, kept under VAR_DIR —, local
rules, alternance calendar), the department's audit trail and the students' photos (section « photos »: the
stored JPEG, base64, with its SHA-256; at most 133 Ko a photo as measured, so 1 000 students add up to
~180 Mo to the file —
``photos=False`` leaves them out, and the file then says so). Every section is a list sorted by id (photos: by student); the
document is written with sorted keys, so that the same database gives the same bytes.

Restoration (``import_department``) is all or nothing, in one transaction, and is refused when the
department already exists. Ids are kept when they are free (a fresh database: the export of the
restored department is then byte-identical), otherwise new ones are given and every reference —
including those inside the audit trail — follows. Restored accounts have no usable password (a reset
is needed). The restoration itself is recorded in the journal as one entry (channel « import »,
object « département ») that is not part of the department's exported trail.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from delibe.web.audit.models import AuditEntry, ObjectType
from delibe.web.models import (
    AcademicYear,
    ApprenticeContract,
    Department,
    DepartmentSettings,
    Enrolment,
    Evaluation,
    FormationVersion,
    Grade,
    Groupe,
    GroupMembership,
    JuryDecision,
    Membership,
    Partition,
    SemesterRun,
    Student,
    StudentPhoto,
    TeachingAssignment,
)

FORMAT = "delibe-departement"
VERSION = 1
MAX_BYTES = 500 * 1024 * 1024


class SauvegardeError(Exception):
    """The export or the restoration cannot be done; the message (French) says why."""


def _assiduite(name: str) -> type[models.Model] | None:
    try:
        return apps.get_model("assiduite", name)
    except LookupError:
        return None


def _sections() -> list[tuple[str, type[models.Model], str]]:
    """(section, model, lookup to the department) in restoration order."""
    out: list[tuple[str, type[models.Model], str]] = [
        ("roles", Membership, "department"),
        ("formations", FormationVersion, "department"),
        ("semestres", SemesterRun, "formation__department"),
        ("etudiants", Student, "department"),
        ("contrats", ApprenticeContract, "student__department"),
        ("inscriptions", Enrolment, "student__department"),
        ("partitions", Partition, "semester__formation__department"),
        ("groupes", Groupe, "partition__semester__formation__department"),
        ("appartenances", GroupMembership, "enrolment__student__department"),
        ("enseignements", TeachingAssignment, "semester__formation__department"),
        ("evaluations", Evaluation, "semester__formation__department"),
        ("notes", Grade, "evaluation__semester__formation__department"),
        ("decisions", JuryDecision, "student__department"),
        ("reglages", DepartmentSettings, "department"),
    ]
    for section, name, lookup in (("assiduite_reglement", "ReglementConfig", "department"),
                                  ("assiduite_alternance", "AlternanceWeek", "semester__formation__department"),
                                  ("assiduite_absences", "AbsenceRecord", "student__department"),
                                  ("assiduite_justifications", "JustificationRecord", "student__department")):
        model = _assiduite(name)
        if model is not None:
            out.append((section, model, lookup))
    return out


def _value(f: models.Field[Any, Any], value: Any, users: dict[int, str]) -> Any:
    """One column of a row read with ``values_list`` (the field's own conversions applied), as JSON."""
    if f.is_relation:
        if f.related_model is get_user_model():
            return users.get(value) if value is not None else None
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(f, models.FileField):
        return (value if isinstance(value, str) else getattr(value, "name", "")) or ""
    if isinstance(f, models.BinaryField):
        return base64.b64encode(bytes(value)).decode("ascii") if value is not None else None
    return value


def _rows(queryset: models.QuerySet[Any], users: dict[int, str]) -> list[dict[str, Any]]:
    """Every row of ``queryset`` as a dict of its concrete fields, read as values, not models (a
    department of 1,000 students holds 100,000 grades: building a model per row was most of the export)."""
    fields = queryset.model._meta.concrete_fields
    rows = queryset.order_by("pk").values_list(*[f.attname for f in fields]).iterator(chunk_size=5000)
    return [{f.name: _value(f, v, users) for f, v in zip(fields, row, strict=True)} for row in rows]


def _photos(department: Department) -> list[dict[str, Any]]:
    """Each student's stored photo (JPEG, base64); a photo whose file is missing is left out."""
    from delibe.web.services.photos import photo_path

    rows = []
    for photo in StudentPhoto.objects.filter(student__department=department).order_by("student_id"):
        path = photo_path(photo)
        if path is None:
            continue
        rows.append({"student": photo.student_id, "sha256": photo.sha256,
                     "source_name": photo.source_name, "uploaded_at": photo.uploaded_at.astimezone(dt.UTC).isoformat(),
                     "jpeg": base64.b64encode(path.read_bytes()).decode("ascii")})
    return rows


def export_department(code: str, photos: bool = True) -> dict[str, Any]:
    department = Department.objects.filter(code=code).first()
    if department is None:
        known = ", ".join(Department.objects.values_list("code", flat=True)) or "aucun"
        raise SauvegardeError(f"aucun département « {code} » (départements : {known}).")
    User = get_user_model()
    users = dict(User.objects.values_list("pk", User.USERNAME_FIELD))
    document: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "departement": {"id": department.pk, "code": department.code, "nom": department.nom},
    }
    for section, model, lookup in _sections():
        document[section] = _rows(model.objects.filter(**{lookup: department}), users)
    year_ids = {r["academic_year"] for r in document["semestres"]} | {d["academic_year"] for d in document["decisions"]}
    document["annees"] = _rows(AcademicYear.objects.filter(pk__in=year_ids), users)
    document["journal"] = _rows(AuditEntry.objects.filter(department_id=department.pk), users)
    if photos:
        document["photos"] = _photos(department)
    else:
        document["photos_exclues"] = True
    referenced = {v for section, model, _ in _sections() for row in document[section]
                  for f in model._meta.concrete_fields
                  if f.is_relation and f.related_model is User and (v := row.get(f.name))}
    referenced |= {row["user"] for row in document["journal"] if row["user"]}
    document["utilisateurs"] = [
        {"username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name, "email": u.email,
         "is_active": u.is_active}
        for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": referenced}).order_by(User.USERNAME_FIELD)
    ]
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# --- restoration ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def _timestamps_as_given(model_list: list[type[models.Model]]) -> Iterator[None]:
    """auto_now/auto_now_add would replace the restored dates by today's: off while restoring."""
    saved = []
    for model in model_list:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _parse(f: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(f, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(f, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(f, models.DecimalField):
        return Decimal(value)
    if isinstance(f, models.BinaryField):
        return base64.b64decode(value)
    return value


class _Restorer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.maps: dict[type[models.Model], dict[int, int]] = {}
        self.users: dict[str, int] = {}
        self.explicit: list[type[models.Model]] = []

    def section(self, name: str) -> list[dict[str, Any]]:
        rows = self.document.get(name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise SauvegardeError(f"section « {name} » : attendu une liste d'objets.")
        return rows

    def ref(self, model: type[models.Model], old: Any, where: str) -> int:
        mapping = self.maps.get(model, {})
        if old not in mapping:
            raise SauvegardeError(f"{where} : référence {old} vers {model._meta.verbose_name} absente du fichier.")
        return mapping[old]

    def restore(self, section: str, model: type[models.Model]) -> int:
        rows = self.section(section)
        User = get_user_model()
        ids = [r.get("id") for r in rows]
        keep = bool(ids) and not model.objects.filter(pk__in=ids).exists()
        objects = []
        for index, row in enumerate(rows):
            where = f"section « {section} », élément {index + 1}"
            values: dict[str, Any] = {}
            for f in model._meta.concrete_fields:
                if f.primary_key:
                    continue
                if f.name not in row:
                    if f.has_default() or f.null:
                        continue
                    raise SauvegardeError(f"{where} : champ « {f.name} » manquant.")
                value = row[f.name]
                if f.is_relation:
                    if value is None:
                        values[f.attname] = None
                    elif f.related_model is User:
                        if value not in self.users:
                            raise SauvegardeError(f"{where} : utilisateur « {value} » absent de la section "
                                                  "« utilisateurs ».")
                        values[f.attname] = self.users[value]
                    else:
                        values[f.attname] = self.ref(f.related_model, value, where)  # type: ignore[arg-type]  # related_model is a model class for every foreign key here
                else:
                    values[f.attname] = _parse(f, value)
            obj = model(**values)
            if keep:
                obj.pk = row["id"]
            objects.append(obj)
        created = model.objects.bulk_create(objects, batch_size=500)
        self.maps[model] = {row["id"]: obj.pk for row, obj in zip(rows, created, strict=True)}
        if keep:
            self.explicit.append(model)
        return len(created)


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SauvegardeError(f"ce fichier n'est pas une sauvegarde de département Délibé (« format »: « {FORMAT} » "
                              "attendu).")
    if document.get("version") != VERSION:
        raise SauvegardeError(f"version de sauvegarde {document.get('version')!r} non prise en charge (cette version "
                              f"de Délibé lit la version {VERSION}).")
    dept = document.get("departement")
    if not isinstance(dept, dict) or not isinstance(dept.get("code"), str) or not dept.get("code"):
        raise SauvegardeError("section « departement » : attendu {\"code\": …, \"nom\": …}.")


def import_department(document: Any, user: Any = None) -> dict[str, int]:
    """Restores a department exported by ``export_department``; all or nothing."""
    _check_header(document)
    code = document["departement"]["code"]
    if Department.objects.filter(code=code).exists():
        raise SauvegardeError(f"le département « {code} » existe déjà dans cette base : la restauration se fait dans "
                              "une base où il n'est pas (base neuve, ou département supprimé d'abord).")
    sections = _sections()
    present = {s for s in document if isinstance(document.get(s), list)}
    unknown = [s for s in present if s.startswith("assiduite_") and s not in {n for n, _, _ in sections}]
    if unknown and any(document[s] for s in unknown):
        raise SauvegardeError(f"le fichier contient des données d'assiduité ({', '.join(unknown)}) mais "
                              "l'application d'assiduité n'est pas installée ici.")
    restorer = _Restorer(document)
    counts: dict[str, int] = {}
    written: list[Any] = []  # photo files written: removed if the restoration fails
    models_used = [m for _, m, _ in sections] + [AuditEntry, AcademicYear]
    try:
        with transaction.atomic(), _timestamps_as_given(models_used):
            old_id = document["departement"].get("id")
            department = Department(code=code, nom=str(document["departement"].get("nom") or code))
            if isinstance(old_id, int) and not Department.objects.filter(pk=old_id).exists():
                department.pk = old_id
                restorer.explicit.append(Department)
            department.save(force_insert=True)
            restorer.maps[Department] = {old_id: department.pk}
            counts["utilisateurs"] = _restore_users(restorer)
            for row in restorer.section("annees"):
                year = AcademicYear.objects.filter(label=row["label"]).first()
                if year is None:
                    year = AcademicYear(label=row["label"], debut=dt.date.fromisoformat(row["debut"]),
                                        fin=dt.date.fromisoformat(row["fin"]))
                    if not AcademicYear.objects.filter(pk=row["id"]).exists():
                        year.pk = row["id"]
                        restorer.explicit.append(AcademicYear)
                    year.save(force_insert=True)
                restorer.maps.setdefault(AcademicYear, {})[row["id"]] = year.pk
            counts["annees"] = len(restorer.section("annees"))
            for section, model, _ in sections:
                counts[section] = restorer.restore(section, model)
            counts["journal"] = _restore_journal(restorer, department)
            counts["photos"] = _restore_photos(restorer, department, written)
            _reset_sequences(list(dict.fromkeys(restorer.explicit)))
            from delibe.web.audit import services as audit

            audit.record(user=user, action="create", object_type=ObjectType.DEPARTMENT, object_id=code,
                         new={k: v for k, v in counts.items()}, summary=f"restauration du département {code}",
                         channel="import")
    except BaseException as failure:
        from delibe.web.services.photos import _remove

        _remove(written)
        if isinstance(failure, KeyError | TypeError | ValueError):
            raise SauvegardeError(f"fichier incohérent ({type(failure).__name__} : {failure}).") from None
        if not isinstance(failure, IntegrityError):
            raise
        error = failure
        raise SauvegardeError(f"conflit avec la base existante ({str(error).splitlines()[0][:200]}) : un NIP, une "
                              "formation ou un compte étudiant du fichier existe déjà dans un autre département.") from None
    return counts


def _restore_photos(restorer: _Restorer, department: Department, written: list[Any]) -> int:
    """Writes each photo under DELIBE_PHOTOS_DIR for the restored student (its SHA-256 checked) and its row;
    the files written are listed in ``written`` so that a failed restoration removes them."""
    import hashlib
    import os

    from delibe.web.services.photos import photos_dir

    rows = restorer.section("photos")
    if not rows:
        return 0
    folder = photos_dir() / department.code
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    students = restorer.maps.get(Student, {})
    for row in rows:
        jpeg = base64.b64decode(row["jpeg"], validate=True)
        digest = hashlib.sha256(jpeg).hexdigest()
        if digest != row["sha256"] or not jpeg.startswith(b"\xff\xd8"):
            raise SauvegardeError(f"photo de l'étudiant n° {row['student']} : fichier altéré (empreinte SHA-256 différente, ou pas un "
                                  "JPEG) ; rien n'a été écrit.")
        student_id = students[int(row["student"])]
        relative = f"{department.code}/{student_id}-{digest[:16]}.jpg"
        target = photos_dir() / relative
        if not target.exists():
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            written.append(target)
            with os.fdopen(fd, "wb") as out:
                out.write(jpeg)
        photo = StudentPhoto.objects.create(student_id=student_id, path=relative, sha256=digest,
                                            source_name=str(row.get("source_name", ""))[:200])
        StudentPhoto.objects.filter(pk=photo.pk).update(uploaded_at=dt.datetime.fromisoformat(row["uploaded_at"]))
    return len(rows)


def _restore_users(restorer: _Restorer) -> int:
    User = get_user_model()
    created = 0
    for row in restorer.section("utilisateurs"):
        username = row["username"]
        existing = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if existing is None:
            existing = User(**{User.USERNAME_FIELD: username}, first_name=row.get("first_name", ""),
                            last_name=row.get("last_name", ""), email=row.get("email", ""),
                            is_active=bool(row.get("is_active", True)))
            existing.set_unusable_password()
            existing.save()
            created += 1
        restorer.users[username] = existing.pk
    return created


def _restore_journal(restorer: _Restorer, department: Department) -> int:
    rows = restorer.section("journal")
    maps = restorer.maps

    def remap(model: type[models.Model], old: Any) -> Any:
        if old is None:
            return None
        return maps.get(model, {}).get(int(old), old)

    def object_id(kind: str, value: str) -> str:
        parts = value.split("/")
        try:
            if kind == ObjectType.GRADE and len(parts) == 2:
                return f"{remap(Evaluation, parts[0])}/{remap(Student, parts[1])}"
            if kind == ObjectType.ENROLMENT and len(parts) == 2:
                return f"{remap(Student, parts[0])}/{remap(SemesterRun, parts[1])}"
            if kind == ObjectType.DECISION and len(parts) >= 2:
                return "/".join([str(remap(Student, parts[0])), *parts[1:]])
            model = {ObjectType.EVALUATION: Evaluation, ObjectType.SEMESTER: SemesterRun,
                     ObjectType.STUDENT: Student, ObjectType.FORMATION: FormationVersion,
                     ObjectType.DEPARTMENT: Department}.get(kind)
            if model is not None and len(parts) == 1:
                return str(remap(model, parts[0]))
        except ValueError:
            pass
        return value

    def new_state(kind: str, value: Any) -> Any:
        # a passage lists the enrolments it created (student, semester): undoing it must find them again
        if kind == ObjectType.DEPARTMENT and isinstance(value, dict) and isinstance(value.get("passage"), dict) \
                and isinstance(value["passage"].get("inscriptions"), list):
            pairs = [[remap(Student, a), remap(SemesterRun, b)] for a, b in value["passage"]["inscriptions"]]
            return {**value, "passage": {**value["passage"], "inscriptions": pairs}}
        return value

    entries = []
    keep = bool(rows) and not AuditEntry.objects.filter(pk__in=[r["id"] for r in rows]).exists()
    for row in rows:
        entry = AuditEntry(
            at=dt.datetime.fromisoformat(row["at"]), user_id=restorer.users.get(row["user"]) if row["user"] else None,
            username=row["username"], channel=row["channel"], action=row["action"], object_type=row["object_type"],
            object_id=object_id(row["object_type"], row["object_id"]), department_id=department.pk,
            semester_id=remap(SemesterRun, row["semester_id"]), evaluation_id=remap(Evaluation, row["evaluation_id"]),
            student_id=remap(Student, row["student_id"]), summary=row["summary"], old=row["old"],
            new=new_state(row["object_type"], row["new"]),
            session=row["session"], reason=row["reason"],
        )
        if keep:
            entry.pk = row["id"]
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    if keep:
        restorer.explicit.append(AuditEntry)
    return len(entries)


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Rows inserted with their own ids leave PostgreSQL's sequences behind: move them past the max."""
    if not model_list:
        return
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
