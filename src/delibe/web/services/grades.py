"""Writing grades: one cell from the grid (optimistic concurrency) and a whole spreadsheet (all or nothing).

A grade is a number on the evaluation's scale (0 … note_max, two decimals at most) or ABS/EXC/ATT
(domain.md §2). Every change increments ``Grade.version``; a writer sends the version it read, and a
stale version is refused with the current value so that nobody silently overwrites a colleague.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from delibe.web.adapters.saisie_notes_xlsx import SheetError, SheetParse, parse_grade_sheet, parse_value
from delibe.web.audit import context as audit_context
from delibe.web.audit import locking
from delibe.web.audit import services as audit
from delibe.web.models import Enrolment, Evaluation, Grade, Groupe, Student


class GradeRefused(Exception):
    """An invalid value: the message says what is wrong and how to fix it (French, shown in the cell)."""


class LockedError(GradeRefused):
    pass


class StaleGrade(Exception):
    """Somebody changed the grade since it was read; carries the current state."""

    def __init__(self, current: Grade | None) -> None:
        self.current = current
        super().__init__("La note a été modifiée entre-temps.")


def display_of(value: Decimal | None, special: str) -> str:
    if special:
        return special
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class CellState:
    student_id: int
    display: str
    version: int  # 0: no grade

    def as_json(self) -> dict[str, object]:
        return {"student": self.student_id, "value": self.display, "version": self.version}


def _state(student_id: int, grade: Grade | None) -> CellState:
    if grade is None:
        return CellState(student_id, "", 0)
    return CellState(student_id, display_of(grade.value, grade.special), grade.version)


def parse_cell(raw: str, note_max: float) -> tuple[str, Decimal | None, str]:
    """(action, value, special) for a value typed in the grid; empty means delete."""
    if raw is None or not str(raw).strip():
        return "delete", None, ""
    action, value, special, error = parse_value(str(raw), note_max)
    if error:
        raise GradeRefused(error)
    return action, value, special


class DatabaseBusy(GradeRefused):
    """The database stayed busy longer than its timeout (SQLite: another writer held the lock)."""


def save_grade(
    *, user: object, evaluation: Evaluation, student_id: int, raw: str, expected_version: int
) -> CellState:
    """Saves one cell. ``expected_version`` is the version the writer read (0 when there was no grade).
    Raises GradeRefused (bad value), LockedError, StaleGrade (someone else wrote meanwhile), DatabaseBusy
    (nothing saved: the writer is told to try again, never a server error)."""
    try:
        return _save_grade(user=user, evaluation=evaluation, student_id=student_id, raw=raw,
                           expected_version=expected_version)
    except OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise DatabaseBusy("La base de données est occupée (un import est en cours) : cette note n'est pas "
                           "enregistrée, réessayez dans quelques secondes.") from None


def _save_grade(
    *, user: object, evaluation: Evaluation, student_id: int, raw: str, expected_version: int
) -> CellState:
    if evaluation.semester.locked:
        raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
    action, value, special = parse_cell(raw, evaluation.note_max)
    if not Enrolment.objects.filter(student_id=student_id, semester_id=evaluation.semester_id).exists():
        raise GradeRefused("Cet étudiant n'est pas inscrit à ce semestre.")
    author_id = getattr(user, "id", None)
    with transaction.atomic():
        if locking.semester_is_locked(evaluation.semester_id):  # again, in the transaction (a jury closing now)
            raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
        old = audit.grade_state(  # locked until commit: the audit's « old » is the row the UPDATE changes
            Grade.objects.select_for_update().filter(evaluation=evaluation, student_id=student_id).first())
        if action == "delete":
            deleted, _ = Grade.objects.filter(
                evaluation=evaluation, student_id=student_id, version=expected_version
            ).delete()
            if not deleted:
                current = Grade.objects.filter(evaluation=evaluation, student_id=student_id).first()
                if current is not None:  # changed meanwhile (a grade already absent stays absent)
                    raise StaleGrade(current)
            if deleted:
                audit.record_grade(user=user, evaluation=evaluation, student_id=student_id, old=old, new=None)
            return CellState(student_id, "", 0)
        if expected_version == 0:
            try:
                with transaction.atomic():
                    grade = Grade.objects.create(
                        evaluation=evaluation, student_id=student_id, value=value, special=special,
                        author_id=author_id, version=audit.next_versions(evaluation.pk, [student_id])[student_id],
                    )
            except IntegrityError:
                raise StaleGrade(
                    Grade.objects.filter(evaluation=evaluation, student_id=student_id).first()
                ) from None
            audit.record_grade(user=user, evaluation=evaluation, student_id=student_id, old=None,
                               new=audit.grade_state(grade))
            return _state(student_id, grade)
        updated = Grade.objects.filter(
            evaluation=evaluation, student_id=student_id, version=expected_version
        ).update(value=value, special=special, author_id=author_id, version=F("version") + 1,
                 updated_at=timezone.now())
        if not updated:
            raise StaleGrade(Grade.objects.filter(evaluation=evaluation, student_id=student_id).first())
        audit.record_grade(user=user, evaluation=evaluation, student_id=student_id, old=old,
                           new=audit.state_of(value, special, expected_version + 1))
    return CellState(student_id, display_of(value, special), expected_version + 1)


def current_state(evaluation: Evaluation, student_id: int) -> CellState:
    return _state(student_id, Grade.objects.filter(evaluation=evaluation, student_id=student_id).first())


# --- spreadsheet import ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    row: int
    student_id: int
    student_name: str
    old: str
    new: str
    action: str  # set | delete
    value: str | None  # Decimal as text, for the session
    special: str
    version: int  # the version the preview saw


@dataclass(frozen=True)
class ImportPreview:
    changes: tuple[Change, ...]
    unchanged: int
    errors: tuple[SheetError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def preview_sheet(evaluation: Evaluation, data: bytes) -> ImportPreview:
    """Parses the file against the evaluation and its enrolled students; lists old → new per student.
    Writes nothing."""
    students = {
        str(s.id): s for s in Student.objects.filter(enrolments__semester_id=evaluation.semester_id)
    }
    try:
        parsed: SheetParse = parse_grade_sheet(
            data, evaluation_key=str(evaluation.id), note_max=evaluation.note_max, known_students=students.keys()
        )
    except Exception:  # noqa: BLE001 (a corrupted workbook fails anywhere in zipfile/zlib/XML/openpyxl)
        parsed = SheetParse(None, errors=(SheetError(0, "-", (
            "Ce fichier est endommagé ou n'est pas un classeur Excel (.xlsx) lisible : téléchargez à nouveau "
            "la feuille depuis Délibé, remplissez-la et renvoyez-la au format .xlsx.")),))
    if parsed.errors:
        return ImportPreview((), 0, parsed.errors)
    grades = {g.student_id: g for g in Grade.objects.filter(evaluation=evaluation)}
    changes: list[Change] = []
    unchanged = 0
    for row in parsed.rows:
        student = students[row.student_key]
        grade = grades.get(student.id)
        old = display_of(grade.value, grade.special) if grade else ""
        if row.action == "unchanged":
            unchanged += 1
            continue
        new = "" if row.action == "delete" else display_of(row.value, row.special)
        if new == old:
            unchanged += 1
            continue
        changes.append(Change(
            row.row, student.id, str(student), old, new, row.action,
            str(row.value) if row.value is not None else None, row.special, grade.version if grade else 0,
        ))
    return ImportPreview(tuple(changes), unchanged, ())


def apply_changes(*, user: object, evaluation: Evaluation, changes: tuple[Change, ...]) -> int:
    """Applies a previewed import in one transaction. If any grade changed since the preview, nothing is
    written and StaleGrade is raised."""
    if evaluation.semester.locked:
        raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
    author_id = getattr(user, "id", None)
    session = audit_context.new_session("import")
    with transaction.atomic():
        if locking.semester_is_locked(evaluation.semester_id):  # again, in the transaction (a jury closing now)
            raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
        current = {g.student_id: g for g in Grade.objects.select_for_update().filter(evaluation=evaluation)}
        for change in changes:
            grade = current.get(change.student_id)
            if (grade.version if grade else 0) != change.version:
                raise StaleGrade(grade)
        to_create: list[Grade] = []
        fresh = audit.next_versions(evaluation.pk, [c.student_id for c in changes if c.student_id not in current])
        for change in changes:
            grade = current.get(change.student_id)
            value = Decimal(change.value) if change.value is not None else None
            if change.action == "delete":
                if grade is not None:
                    grade.delete()
            elif grade is None:
                to_create.append(Grade(evaluation=evaluation, student_id=change.student_id, value=value,
                                       special=change.special, author_id=author_id,
                                       version=fresh[change.student_id]))
            else:
                Grade.objects.filter(pk=grade.pk).update(
                    value=value, special=change.special, author_id=author_id, version=F("version") + 1,
                    updated_at=timezone.now(),
                )
        Grade.objects.bulk_create(to_create)
        audit.record_many(audit.grade_entry(
            user=user, evaluation=evaluation, student_id=c.student_id, channel="import", session=session,
            old=audit.grade_state(current.get(c.student_id)),
            new=None if c.action == "delete" else audit.state_of(
                Decimal(c.value) if c.value is not None else None, c.special,
                current[c.student_id].version + 1 if c.student_id in current else fresh[c.student_id]),
        ) for c in changes)
    return len(changes)


@dataclass(frozen=True)
class BatchRow:
    """One row of a batch of grades sent at once (by the API): its line number, the student, the raw
    value as typed and the version of the grade the sender read."""

    line: int
    student_id: int
    raw: str
    version: int | None


@dataclass(frozen=True)
class BatchRefusal:
    """Why one row of a batch was refused; ``current`` is the grade as it is now when the row was stale."""

    line: int
    student_id: int
    message: str
    current: CellState | None = None


@dataclass(frozen=True)
class BatchResult:
    saved: tuple[CellState, ...]
    refused: tuple[BatchRefusal, ...]
    stale_only: bool  # every refusal is a stale version (the sender should read again and resend)


def save_batch(*, user: object, evaluation: Evaluation, rows: list[BatchRow], session: str) -> BatchResult:
    """Writes a batch of grades all or nothing: every row is checked first (value, enrolment, one row
    per student), then written through ``save_grade`` in one transaction under the audit ``session``; if
    any row is refused (stale version included), nothing is written and every refusal is returned.
    Raises LockedError when the jury has locked the semester."""
    from delibe.web.audit import context as audit_context
    from delibe.web.models import Enrolment

    enrolled = set(Enrolment.objects.filter(semester_id=evaluation.semester_id).values_list("student_id", flat=True))
    refused: list[BatchRefusal] = []
    seen: dict[int, int] = {}
    for row in rows:
        if row.student_id in seen:
            refused.append(BatchRefusal(row.line, row.student_id,
                                        f"Étudiant {row.student_id} déjà présent à la ligne {seen[row.student_id]} : "
                                        "une seule note par étudiant et par lot."))
        elif row.student_id not in enrolled:
            refused.append(BatchRefusal(row.line, row.student_id,
                                        f"L'étudiant {row.student_id} n'est pas inscrit au semestre de cette "
                                        "évaluation."))
        else:
            try:
                parse_cell(row.raw, evaluation.note_max)
            except GradeRefused as error:
                refused.append(BatchRefusal(row.line, row.student_id, str(error)))
        seen.setdefault(row.student_id, row.line)
    if refused:
        return BatchResult((), tuple(refused), stale_only=False)
    saved: list[CellState] = []
    stale_only = True
    with transaction.atomic(), audit_context.using("api", session):
        for row in rows:
            try:
                saved.append(save_grade(user=user, evaluation=evaluation, student_id=row.student_id, raw=row.raw,
                                        expected_version=row.version))
            except StaleGrade:
                current = current_state(evaluation, row.student_id)
                refused.append(BatchRefusal(
                    row.line, row.student_id,
                    f"Note modifiée entre-temps : valeur actuelle « {current.display or 'vide'} », "
                    f"version {current.version}.", current))
            except LockedError:
                raise
            except GradeRefused as error:
                stale_only = False
                refused.append(BatchRefusal(row.line, row.student_id, str(error)))
        if refused:
            transaction.set_rollback(True)
    return BatchResult(() if refused else tuple(saved), tuple(refused), stale_only and bool(refused))


def import_sheet(*, user: object, evaluation: Evaluation, data: bytes) -> ImportPreview:
    """Preview and apply at once (for scripts and tests): all or nothing."""
    preview = preview_sheet(evaluation, data)
    if preview.ok:
        apply_changes(user=user, evaluation=evaluation, changes=preview.changes)
    return preview


# --- filling the empty cells ---------------------------------------------------------------------------

FILLERS = ("ABS", "EXC", "ATT")


def fill_empty(*, user: object, evaluation: Evaluation, special: str, groupe: Groupe | None = None) -> int:
    """Gives ``special`` (ABS, EXC or ATT) to every enrolled student without a grade in the evaluation (of
    one group when ``groupe`` is given); grades already there are left alone. One journal session, so that
    the whole action can be undone from the evaluation's journal. Returns the number of grades written."""
    special = (special or "").strip().upper()
    if special not in FILLERS:
        raise GradeRefused(f"Valeur de remplissage inconnue : « {special} » (ABS, EXC ou ATT).")
    if evaluation.semester.locked:
        raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
    author_id = getattr(user, "id", None)
    session = audit_context.new_session("remplissage")
    with transaction.atomic():
        if locking.semester_is_locked(evaluation.semester_id):
            raise LockedError("Le semestre est verrouillé par le jury : les notes ne peuvent plus changer.")
        enrolled = Enrolment.objects.filter(semester_id=evaluation.semester_id)
        if groupe is not None:
            enrolled = enrolled.filter(group_memberships__groupe=groupe)
        graded = set(Grade.objects.select_for_update().filter(evaluation=evaluation).values_list("student_id", flat=True))
        empty = sorted(set(enrolled.values_list("student_id", flat=True)) - graded)
        if not empty:
            return 0
        versions = audit.next_versions(evaluation.pk, empty)
        rows = [Grade(evaluation=evaluation, student_id=sid, value=None, special=special, author_id=author_id,
                      version=versions[sid]) for sid in empty]
        try:
            with transaction.atomic():
                Grade.objects.bulk_create(rows)
        except IntegrityError:  # a colleague's grade landed meanwhile in one of these cells
            raise GradeRefused("Des notes ont été saisies entre-temps : rien n'a été rempli, recommencez.") from None
        audit.record_many(audit.grade_entry(
            user=user, evaluation=evaluation, student_id=g.student_id, old=None,
            new=audit.state_of(None, special, g.version), session=session,
        ) for g in rows)
    return len(rows)
