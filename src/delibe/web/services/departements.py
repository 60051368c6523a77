"""Creating a department (issue 13): an administrator's first step on an empty database."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from delibe.web.models import Department

CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class DepartmentError(Exception):
    pass


def create_department(*, user: Any, code: str, nom: str) -> Department:
    """A new department (``code``: lowercase letters, digits, dashes; ``nom``: shown on every page and
    document), audited. Refuses an existing code."""
    from delibe.web.audit import services as audit  # the audit app imports this app's models
    from delibe.web.audit.models import Action, ObjectType

    code, nom = (code or "").strip(), (nom or "").strip()
    if not CODE.fullmatch(code):
        raise DepartmentError("Code : lettres minuscules, chiffres et tirets, 40 caractères au plus "
                              "(ex. « mmi-dijon »).")
    if not nom:
        raise DepartmentError("Nom : indiquez le nom du département (ex. « MMI — IUT de Dijon »).")
    if len(nom) > 200:
        raise DepartmentError("Nom : 200 caractères au plus.")
    if Department.objects.filter(code=code).exists():
        raise DepartmentError(f"Code : le département « {code} » existe déjà.")
    try:
        with transaction.atomic():
            department = Department.objects.create(code=code, nom=nom)
            audit.record(user=user, action=Action.CREATE, object_type=ObjectType.DEPARTMENT,
                         object_id=department.pk, new={"code": code, "nom": nom}, department_id=department.pk,
                         summary=f"Département {code} créé")
    except IntegrityError as error:  # created meanwhile by someone else
        raise DepartmentError(f"Code : le département « {code} » existe déjà.") from error
    return department
