"""Who may do what: one explicit function per action, used by every view (and the API).

Roles (``Role``): administrator (every department), scolarité (everything in its department),
responsable de formation (its department's formations, semesters, evaluations; reads the jury),
enseignant (the evaluations and grades of the modules they teach, only), président de jury (reads its
department, records and locks jury decisions), étudiant (their own results only).

Visibility and permission are distinct: an object the user cannot even see (another department's, or
another student's) is answered with 404 (``get_visible_or_404`` callers), an action the user cannot do
on an object they can see with 403 (``require``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from delibe.web.models import Department, Evaluation, Role, SemesterRun, Student, TeachingAssignment

STAFF_ROLES = frozenset({Role.SCOLARITE, Role.RESPONSABLE, Role.ENSEIGNANT, Role.PRESIDENT})
MANAGER_ROLES = frozenset({Role.SCOLARITE, Role.RESPONSABLE})
JURY_READERS = frozenset({Role.SCOLARITE, Role.RESPONSABLE, Role.PRESIDENT})
JURY_DECIDERS = frozenset({Role.SCOLARITE, Role.PRESIDENT})


class Roles:
    """A user's roles, read once per request: ``admin`` and ``{department_id: {roles}}``."""

    def __init__(self, user: Any) -> None:
        self.admin = bool(getattr(user, "is_superuser", False))
        self.by_department: dict[int, set[str]] = {}
        if not getattr(user, "is_authenticated", False):
            return
        for department_id, role in user.memberships.values_list("department_id", "role"):
            if role == Role.ADMIN:
                self.admin = True
            elif department_id is not None:
                self.by_department.setdefault(department_id, set()).add(role)

    def in_department(self, department_id: int) -> set[str]:
        return self.by_department.get(department_id, set())

    def has(self, department_id: int, roles: Iterable[str]) -> bool:
        return self.admin or bool(self.in_department(department_id) & set(roles))

    @property
    def all_roles(self) -> set[str]:
        roles = {r for rs in self.by_department.values() for r in rs}
        if self.admin:
            roles.add(Role.ADMIN)
        return roles


def roles_of(user: Any) -> Roles:
    cached = getattr(user, "_delibe_roles", None)
    if cached is None:
        cached = Roles(user)
        if getattr(user, "is_authenticated", False):
            user._delibe_roles = cached
    return cached


def require(allowed: bool, message: str = "") -> None:
    """403 when an action is forbidden on something the user can see."""
    if not allowed:
        raise PermissionDenied(message or "Action non autorisée pour votre rôle.")


def require_visible(visible: bool) -> None:
    """404 when the object is not the user's to know about (another department, another student)."""
    if not visible:
        raise Http404("Introuvable.")


# --- departments and semesters ---------------------------------------------------------------------

def visible_departments(user: Any) -> list[Department]:
    roles = roles_of(user)
    if roles.admin:
        return list(Department.objects.all())
    staff = [d for d, rs in roles.by_department.items() if rs & STAFF_ROLES]
    return list(Department.objects.filter(id__in=staff))


def teaches(user: Any, semester: SemesterRun, module_code: str | None = None) -> bool:
    qs = TeachingAssignment.objects.filter(user=user, semester=semester)
    if module_code is not None:
        qs = qs.filter(module_code=module_code)
    return qs.exists()


def taught_modules(user: Any, semester: SemesterRun) -> set[str]:
    return set(
        TeachingAssignment.objects.filter(user=user, semester=semester).values_list("module_code", flat=True)
    )


def can_view_department(user: Any, department_id: int) -> bool:
    return roles_of(user).has(department_id, STAFF_ROLES)


def can_view_formation(user: Any, department_id: int) -> bool:
    return can_view_department(user, department_id)


def can_view_semester(user: Any, semester: SemesterRun) -> bool:
    """Staff of the department see its semesters; an enseignant only those where they teach."""
    roles = roles_of(user)
    dept = semester.formation.department_id
    if roles.has(dept, MANAGER_ROLES | {Role.PRESIDENT}):
        return True
    return Role.ENSEIGNANT in roles.in_department(dept) and teaches(user, semester)


def can_manage_semester(user: Any, semester: SemesterRun) -> bool:
    """Create evaluations in any module, see every grade and average of the semester."""
    return roles_of(user).has(semester.formation.department_id, MANAGER_ROLES)


def can_manage_students(user: Any, department_id: int) -> bool:
    """Add a student by hand, correct their identity, record a démission/défaillance, unenrol (issue 13):
    the department's scolarité (and an administrator)."""
    return roles_of(user).has(department_id, {Role.SCOLARITE})


def can_change_parcours(user: Any, department_id: int) -> bool:
    """Change a student's parcours (issue 13): the department's scolarité or responsable de formation (and an
    administrator)."""
    return roles_of(user).has(department_id, MANAGER_ROLES)


def can_view_averages(user: Any, semester: SemesterRun) -> bool:
    return roles_of(user).has(semester.formation.department_id, MANAGER_ROLES | {Role.PRESIDENT})


# --- evaluations and grades ------------------------------------------------------------------------

def can_create_evaluation(user: Any, semester: SemesterRun, module_code: str) -> bool:
    if semester.locked:
        return False
    if can_manage_semester(user, semester):
        return True
    roles = roles_of(user)
    return Role.ENSEIGNANT in roles.in_department(semester.formation.department_id) and teaches(
        user, semester, module_code
    )


def can_view_evaluation(user: Any, evaluation: Evaluation) -> bool:
    """Who sees a semester sees its evaluations (an enseignant: of every module of a semester they teach in)."""
    return can_view_semester(user, evaluation.semester)


def can_edit_grades(user: Any, evaluation: Evaluation) -> bool:
    """Managers of the department, or the enseignant of the evaluation's module; never once the semester
    is locked by its jury."""
    semester = evaluation.semester
    if semester.locked:
        return False
    if can_manage_semester(user, semester):
        return True
    roles = roles_of(user)
    return Role.ENSEIGNANT in roles.in_department(semester.formation.department_id) and teaches(
        user, semester, evaluation.module_code
    )


def can_read_grades(user: Any, evaluation: Evaluation) -> bool:
    semester = evaluation.semester
    if roles_of(user).has(semester.formation.department_id, MANAGER_ROLES | {Role.PRESIDENT}):
        return True
    return teaches(user, semester, evaluation.module_code)


# --- jury ------------------------------------------------------------------------------------------

def can_view_jury(user: Any, semester: SemesterRun) -> bool:
    return roles_of(user).has(semester.formation.department_id, JURY_READERS)


def can_decide_jury(user: Any, semester: SemesterRun) -> bool:
    return not semester.locked and roles_of(user).has(semester.formation.department_id, JURY_DECIDERS)


def can_lock_jury(user: Any, semester: SemesterRun) -> bool:
    return not semester.locked and roles_of(user).has(
        semester.formation.department_id, {Role.PRESIDENT, Role.SCOLARITE}
    )


# --- students --------------------------------------------------------------------------------------

def is_self(user: Any, student: Student) -> bool:
    return getattr(user, "is_authenticated", False) and student.user_id == user.id


def can_view_student(user: Any, student: Student) -> bool:
    """Staff who read the jury see the whole cursus; a student sees only their own."""
    return is_self(user, student) or roles_of(user).has(student.department_id, JURY_READERS)


def can_view_own_results(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and Student.objects.filter(user=user).exists()


def can_load_formation(user: Any, department_id: int) -> bool:
    return roles_of(user).has(department_id, {Role.SCOLARITE, Role.RESPONSABLE})


def can_setup_year(user: Any, department_id: int) -> bool:
    """Open, copy and archive a department's academic year, pass its students into the next one: the
    scolarité and the responsable de formation (issue 13)."""
    return roles_of(user).has(department_id, MANAGER_ROLES)


def can_create_department(user: Any) -> bool:
    """Create a department: an administrator only (issue 13)."""
    return roles_of(user).admin


def can_import_formation(user: Any, department_id: int) -> bool:
    """Import a formation (a new version of one) into a department: the scolarité and the responsable de
    formation of that department, and an administrator (issue 13)."""
    return roles_of(user).has(department_id, MANAGER_ROLES)


# --- documents (bulletins, PV, lettres, relevés) ---------------------------------------------------

def can_produce_documents(user: Any, semester: SemesterRun) -> bool:
    """The documents of a whole semester (PV, every bulletin, batch): those who read the jury
    (scolarité, responsable, président); not an enseignant, who sees only their modules' grades."""
    return roles_of(user).has(semester.formation.department_id, JURY_READERS)


def reads_as_self(user: Any, student: Student) -> bool:
    """Check that ``user`` may read ``student``'s record (cursus, bulletins, letter, transcripts), and say how: True when they are that student
    without a staff role (they then see only published decisions), False for staff. Another department's
    record is not found (404), another student's is refused (web and API alike)."""
    staff = roles_of(user).has(student.department_id, JURY_READERS)
    if is_self(user, student) and not staff:
        return True
    require_visible(can_view_department(user, student.department_id))
    require(can_view_student(user, student))
    return False


# --- groups and photos (issue 13) ------------------------------------------------------------------

def can_manage_groups(user: Any, semester: SemesterRun) -> bool:
    """Create, rename, delete partitions and groups and move students: scolarité and responsable."""
    return roles_of(user).has(semester.formation.department_id, MANAGER_ROLES)


def can_change_student_group(user: Any, student: Student) -> bool:
    """Change one student's groups from their page: scolarité and responsable of their department."""
    return roles_of(user).has(student.department_id, MANAGER_ROLES)


def can_view_photos(user: Any, department_id: int) -> bool:
    """Photos are personal data: only the staff of the student's department see them (never a student,
    not even their own, nor another department)."""
    return roles_of(user).has(department_id, STAFF_ROLES)


def can_import_photos(user: Any, department_id: int) -> bool:
    return roles_of(user).has(department_id, MANAGER_ROLES)
# --- people, teaching assignments, department settings (issue 13) -----------------------------------

PEOPLE_MANAGERS = frozenset({Role.SCOLARITE})


def people_departments(user: Any) -> list[Department]:
    """The departments whose accounts and roles ``user`` manages: all for an administrator, those where
    they are scolarité otherwise."""
    roles = roles_of(user)
    if roles.admin:
        return list(Department.objects.all())
    return list(Department.objects.filter(
        id__in=[d for d, rs in roles.by_department.items() if rs & PEOPLE_MANAGERS]))


def can_manage_people(user: Any, department_id: int | None = None) -> bool:
    """Create accounts and give roles (in ``department_id``, or in at least one department)."""
    roles = roles_of(user)
    if department_id is None:
        return roles.admin or any(rs & PEOPLE_MANAGERS for rs in roles.by_department.values())
    return roles.has(department_id, PEOPLE_MANAGERS)


def can_grant_role(user: Any, department_id: int | None, role: str) -> bool:
    """The administrator role (every department) is given by an administrator only."""
    if role == Role.ADMIN or department_id is None:
        return roles_of(user).admin
    return can_manage_people(user, department_id)


def can_manage_account(user: Any, target: Any) -> bool:
    """Deactivate, reactivate or re-invite ``target``: an administrator, or the scolarité of every
    department where ``target`` has a role (a scolarité never locks out someone of another department,
    nor an administrator, nor themselves)."""
    roles = roles_of(user)
    if roles.admin:
        return getattr(user, "pk", None) != target.pk
    if target.pk == getattr(user, "pk", None) or target.is_superuser:
        return False
    departments = list(target.memberships.values_list("department_id", flat=True))
    return bool(departments) and all(d is not None and can_manage_people(user, d) for d in departments)


def can_see_account(user: Any, target: Any) -> bool:
    """An account is visible to an administrator and to the scolarité of a department where it has a role."""
    roles = roles_of(user)
    if roles.admin:
        return True
    return any(d is not None and can_manage_people(user, d)
               for d in target.memberships.values_list("department_id", flat=True))


def can_assign_teaching(user: Any, semester: SemesterRun) -> bool:
    """Name each module's responsable and enseignants: the scolarité or the responsable de formation (or
    an administrator), while the semester is open."""
    return not semester.locked and can_manage_semester(user, semester)


def can_edit_department_settings(user: Any, department_id: int) -> bool:
    return roles_of(user).has(department_id, PEOPLE_MANAGERS)


def can_view_department_settings(user: Any, department_id: int) -> bool:
    return roles_of(user).has(department_id, MANAGER_ROLES | {Role.PRESIDENT})
