"""Who teaches each module of a semester (issue 13, item 2): one responsable and any number of
enseignants per module. They, and the managers of the department (``permissions.can_manage_semester``),
are the only ones who create evaluations and enter grades in that module
(``permissions.can_create_evaluation`` / ``can_edit_grades``).

Only accounts holding the « enseignant » role in the semester's department can be assigned: the role is
what the department gives, the assignment says where it applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from delibe.web import permissions as perm
from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import Role, SemesterRun, TeachingAssignment, TeachingRole
from delibe.web.selectors.semestres import module_titles


class TeachingError(Exception):
    """An assignment that cannot be made; the message (French) names the module and the person."""


@dataclass
class ModuleStaff:
    code: str
    titre: str
    responsable: Any = None
    enseignants: list[Any] = field(default_factory=list)
    anchor: str = ""  # an HTML id: module codes hold spaces and accents (« SAÉ 1.01 »)


def teacher_candidates(run: SemesterRun) -> list[Any]:
    """Active accounts with the enseignant role in the semester's department, by name."""
    return list(get_user_model().objects.filter(
        is_active=True, memberships__role=Role.ENSEIGNANT, memberships__department_id=run.formation.department_id,
    ).distinct().order_by("last_name", "first_name", "username"))


def module_staff(run: SemesterRun) -> list[ModuleStaff]:
    """Every module of the semester (formation order) with its responsable and enseignants."""
    rows = {code: ModuleStaff(code, titre) for code, titre in module_titles(run).items()}
    for t in TeachingAssignment.objects.filter(semester=run).select_related("user").order_by(
            "user__last_name", "user__username"):
        row = rows.setdefault(t.module_code, ModuleStaff(t.module_code, ""))
        if t.role == TeachingRole.RESPONSABLE:
            row.responsable = t.user
        else:
            row.enseignants.append(t.user)
    out = list(rows.values())
    for i, row in enumerate(out, 1):
        row.anchor = f"module-{i}-{re.sub(r'[^A-Za-z0-9]+', '-', row.code).strip('-')}"
    return out


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def set_module_staff(*, actor: Any, run: SemesterRun, module_code: str, responsable_id: int | None,
                     enseignant_ids: Iterable[int]) -> bool:
    """Replaces the module's responsable and enseignants (all or nothing); journalled old → new. Returns
    whether anything changed."""
    perm.require(perm.can_assign_teaching(actor, run),
                 "Seuls la scolarité et le responsable de formation attribuent les modules, tant que le semestre "
                 "n'est pas verrouillé.")
    titles = module_titles(run)
    if module_code not in titles:
        raise TeachingError(f"Module « {module_code[:40]} » : il n'est pas au programme du S{run.semestre} de "
                            "cette formation.")
    wanted_teachers = [i for i in dict.fromkeys(enseignant_ids) if i != responsable_id]
    candidates = {u.pk: u for u in teacher_candidates(run)}
    for pk in [responsable_id, *wanted_teachers]:
        if pk is not None and pk not in candidates:
            raise TeachingError(f"Module {module_code} : le compte n° {pk} n'a pas le rôle Enseignant (actif) dans ce "
                                "département ; donnez-le-lui sur la page Personnes.")
    current = list(TeachingAssignment.objects.select_for_update().filter(semester=run, module_code=module_code)
                   .select_related("user"))
    before = _state(current)
    wanted = {pk: TeachingRole.ENSEIGNANT for pk in wanted_teachers}
    if responsable_id is not None:
        wanted[responsable_id] = TeachingRole.RESPONSABLE
    kept = {t.user_id: t for t in current}
    for t in current:
        if t.user_id not in wanted:
            t.delete()
    # a responsable's row is demoted first, so that the « one responsable » constraint holds at every step
    for pk, role in sorted(wanted.items(), key=lambda item: item[1] == TeachingRole.RESPONSABLE):
        if pk in kept:
            if kept[pk].role != role:
                kept[pk].role = role
                kept[pk].save(update_fields=["role"])
        else:
            TeachingAssignment.objects.create(user=candidates[pk], semester=run, module_code=module_code, role=role)
    after = _state(list(TeachingAssignment.objects.filter(semester=run, module_code=module_code)
                        .select_related("user")))
    if after == before:
        return False
    audit.record(user=actor, action=Action.UPDATE, object_type=ObjectType.TEACHING,
                 object_id=f"{run.pk}:{module_code}", old=before, new=after,
                 department_id=run.formation.department_id, semester_id=run.pk,
                 summary=f"{module_code} : responsable {after['responsable'] or '—'}, enseignants "
                         f"{', '.join(after['enseignants']) or '—'}")
    return True


def _state(rows: list[TeachingAssignment]) -> dict[str, Any]:
    responsable = next((t.user.username for t in rows if t.role == TeachingRole.RESPONSABLE), None)
    return {"responsable": responsable,
            "enseignants": sorted(t.user.username for t in rows if t.role != TeachingRole.RESPONSABLE)}
