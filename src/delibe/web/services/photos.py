"""Storing students' photos (issue 13): all or nothing, outside the static files.

The zip and its mapping sheet are read by ``delibe.imports.photos`` (bounded, re-encoded as JPEG); here
each NIP must be a student of the department, then the files are written under ``DELIBE_PHOTOS_DIR``
(``<department>/<student id>-<hash>.jpg``, never under a static or media URL) and the ``StudentPhoto``
rows saved in one transaction with one journal entry per student. If anything fails, the files written
are removed and nothing is saved; a replaced photo's old file is removed once the transaction commits.
Photos are served by ``views.groupes.photo`` to the staff of the student's department only."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from delibe.imports.photos import PHOTOS, Photo, PhotoLimits, read_mapping, read_photos
from delibe.imports.results import Issue
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Department, Student, StudentPhoto


class PhotoError(Exception):
    """The photos cannot be imported; ``issues`` name the file, row or image and why."""

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        super().__init__(" ; ".join(str(i) for i in issues[:5]))
        self.issues = issues


@dataclass(frozen=True)
class PhotoImport:
    created: int
    replaced: int


def photos_dir() -> Path:
    return Path(settings.DELIBE_PHOTOS_DIR)


def photo_path(photo: StudentPhoto) -> Path | None:
    """The stored file of ``photo``, or None if it is missing or escapes the photos folder."""
    root = photos_dir().resolve()
    path = (root / photo.path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def read_upload(department: Department, zip_data: bytes, zip_name: str, mapping_data: bytes | None = None,
                mapping_name: str = "", limits: PhotoLimits = PHOTOS) -> tuple[list[tuple[Student, Photo]], tuple[Issue, ...]]:
    """The photos of the upload matched to the department's students, and the problems (nothing written)."""
    mapping = None
    if mapping_data is not None:
        parsed_mapping = read_mapping(mapping_data, mapping_name or "feuille")
        if parsed_mapping.value is None or parsed_mapping.errors:
            return [], parsed_mapping.errors
        mapping = parsed_mapping.value
    parsed = read_photos(zip_data, mapping, zip_name or "archive", limits)
    issues = list(parsed.errors)
    photos = parsed.value or ()
    students = {s.nip: s for s in Student.objects.filter(department=department, nip__in=[p.nip for p in photos])}
    matched = []
    for photo in photos:
        student = students.get(photo.nip)
        if student is None:
            issues.append(Issue(f"{photo.source}", f"NIP {photo.nip} : aucun étudiant de ce numéro dans le "
                                                   f"département {department.code}."))
            continue
        matched.append((student, photo))
    return matched, tuple(issues)


def import_photos(*, user: Any, department: Department, zip_data: bytes, zip_name: str,
                  mapping_data: bytes | None = None, mapping_name: str = "",
                  limits: PhotoLimits = PHOTOS) -> PhotoImport:
    """Imports every photo of the upload, or none (``PhotoError`` with every problem found)."""
    matched, issues = read_upload(department, zip_data, zip_name, mapping_data, mapping_name, limits)
    if issues:
        raise PhotoError(issues)
    folder = photos_dir() / department.code
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    written: list[Path] = []
    old_files: list[Path] = []
    created = replaced = 0
    try:
        with transaction.atomic():
            entries = []
            for student, photo in matched:
                relative = f"{department.code}/{student.pk}-{photo.sha256[:16]}.jpg"
                target = photos_dir() / relative
                if not target.exists():
                    tmp = target.with_suffix(".tmp")
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(fd, "wb") as out:
                        out.write(photo.jpeg)
                    tmp.replace(target)
                    written.append(target)
                current = StudentPhoto.objects.filter(student=student).first()
                old = {"photo": current.sha256[:16], "fichier": current.source_name} if current else None
                if current is None:
                    StudentPhoto.objects.create(student=student, path=relative, sha256=photo.sha256,
                                                source_name=photo.source[:200], uploaded_by=_user(user))
                    created += 1
                else:
                    if current.path != relative:
                        old_files.append(photos_dir() / current.path)
                    current.path, current.sha256, current.source_name = relative, photo.sha256, photo.source[:200]
                    current.uploaded_by = _user(user)
                    current.save()
                    replaced += 1
                entries.append(audit.entry(
                    user=user, action=Action.CREATE if old is None else Action.UPDATE, object_type=ObjectType.STUDENT,
                    object_id=student.pk, old=old, new={"photo": photo.sha256[:16], "fichier": photo.source[:200]},
                    department_id=department.pk, student_id=student.pk, summary=f"Photo de {student}"))
            audit.record_many(entries)
            transaction.on_commit(lambda: _remove(old_files))
    except BaseException:
        _remove(written)
        raise
    return PhotoImport(created, replaced)


@transaction.atomic
def delete_photo(*, user: Any, student: Student) -> bool:
    photo = StudentPhoto.objects.filter(student=student).first()
    if photo is None:
        return False
    audit.record(user=user, action=Action.DELETE, object_type=ObjectType.STUDENT, object_id=student.pk,
                 old={"photo": photo.sha256[:16], "fichier": photo.source_name}, new=None,
                 department_id=student.department_id, student_id=student.pk, summary=f"Photo de {student} supprimée")
    path = photos_dir() / photo.path
    photo.delete()
    transaction.on_commit(lambda: _remove([path]))
    return True


def photo_bytes(student: Student) -> bytes | None:
    """The JPEG of ``student``'s photo, or None (no photo, or its file is missing)."""
    photo = getattr(student, "photo", None)
    if photo is None:
        return None
    path = photo_path(photo)
    return path.read_bytes() if path is not None else None


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
