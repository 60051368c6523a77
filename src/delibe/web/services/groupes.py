"""Writing partitions and groups (issue 13): create, rename and delete partitions and their groups, move
students between groups (in bulk or one at a time). Every write is in one transaction and in the journal:
the structure as « semestre » entries, each student's change as an « inscription » entry (old and new
groups). A locked semester (its jury closed) is never changed.

A name may not hold « : »: the students import reads ``partition:groupe`` columns (« TD:A »)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction

from delibe.web.audit import services as audit
from delibe.web.audit.models import Action, ObjectType
from delibe.web.models import DEFAULT_PARTITION, Enrolment, Groupe, GroupMembership, Partition, SemesterRun

NAME_MAX = 40


class GroupError(Exception):
    """A change of groups that cannot be done; the message (French) names the field and how to fix it."""


def clean_name(raw: object, what: str) -> str:
    name = " ".join(str(raw or "").split())
    if not name:
        raise GroupError(f"{what} : le nom est vide.")
    if len(name) > NAME_MAX:
        raise GroupError(f"{what} : « {name[:50]} » dépasse {NAME_MAX} caractères.")
    if ":" in name:
        raise GroupError(f"{what} : « {name} » contient « : », réservé à l'import (colonne « partition:groupe »).")
    return name


def _writable(run: SemesterRun) -> None:
    if run.locked:
        raise GroupError(f"{run} est verrouillé (jury clos) : ses groupes ne changent plus.")


def _structure(user: Any, run: SemesterRun, action: str, object_id: str, old: Any, new: Any, summary: str) -> None:
    audit.record(user=user, action=action, object_type=ObjectType.SEMESTER, object_id=object_id, old=old, new=new,
                 department_id=run.formation.department_id, semester_id=run.pk, summary=summary)


def _groups_state(enrolment: Enrolment) -> dict[str, str]:
    return {m.groupe.partition.name: m.groupe.name
            for m in enrolment.group_memberships.select_related("groupe__partition")}


# --- partitions -------------------------------------------------------------------------------------

@transaction.atomic
def create_partition(*, user: Any, run: SemesterRun, name: object) -> Partition:
    _writable(run)
    clean = clean_name(name, "Nom de la partition")
    if run.partitions.filter(name=clean).exists():  # type: ignore[attr-defined]  # reverse relation
        raise GroupError(f"Nom de la partition : « {clean} » existe déjà dans {run}.")
    order = (run.partitions.order_by("-order").values_list("order", flat=True).first() or 0) + 1  # type: ignore[attr-defined]  # reverse relation
    partition = Partition.objects.create(semester=run, name=clean, order=order)
    _structure(user, run, Action.CREATE, f"partition/{partition.pk}", None, {"partition": clean},
               f"Partition « {clean} » créée")
    return partition


@transaction.atomic
def rename_partition(*, user: Any, partition: Partition, name: object) -> Partition:
    run = partition.semester
    _writable(run)
    clean = clean_name(name, "Nom de la partition")
    if Partition.objects.filter(semester=run, name=clean).exclude(pk=partition.pk).exists():
        raise GroupError(f"Nom de la partition : « {clean} » existe déjà dans {run}.")
    old = partition.name
    partition.name = clean
    partition.save(update_fields=["name"])
    _structure(user, run, Action.UPDATE, f"partition/{partition.pk}", {"partition": old}, {"partition": clean},
               f"Partition « {old} » renommée « {clean} »")
    return partition


@transaction.atomic
def move_partition(*, user: Any, partition: Partition, direction: str) -> bool:
    """Moves a partition one place up (« haut ») or down (« bas ») in the semester's order — the order of the
    columns of lists and of the groups shown everywhere. Returns False when already first (last)."""
    run = partition.semester
    _writable(run)
    if direction not in ("haut", "bas"):
        raise GroupError("Déplacer la partition : « haut » ou « bas ».")
    ordered = list(Partition.objects.select_for_update().filter(semester=run).order_by("order", "name", "id"))
    index = next(i for i, p in enumerate(ordered) if p.pk == partition.pk)
    other = index - 1 if direction == "haut" else index + 1
    if not 0 <= other < len(ordered):
        return False
    before = [p.name for p in ordered]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, p in enumerate(ordered, 1):  # renumbered 1..n: old databases may hold equal orders
        if p.order != number:
            p.order = number
            p.save(update_fields=["order"])
    _structure(user, run, Action.UPDATE, f"partition/{partition.pk}", {"ordre": before},
               {"ordre": [p.name for p in ordered]},
               f"Partition « {partition.name} » {'montée' if direction == 'haut' else 'descendue'} d'un rang")
    return True


@transaction.atomic
def delete_partition(*, user: Any, partition: Partition) -> None:
    run = partition.semester
    _writable(run)
    members = {g.name: sorted(g.memberships.values_list("enrolment__student_id", flat=True))
               for g in partition.groupes.all()}  # type: ignore[attr-defined]  # reverse relation
    _structure(user, run, Action.DELETE, f"partition/{partition.pk}", {"partition": partition.name, "groupes": members},
               None, f"Partition « {partition.name} » supprimée")
    partition.delete()


# --- groups -----------------------------------------------------------------------------------------

@transaction.atomic
def create_groupe(*, user: Any, partition: Partition, name: object) -> Groupe:
    run = partition.semester
    _writable(run)
    clean = clean_name(name, "Nom du groupe")
    if partition.groupes.filter(name=clean).exists():  # type: ignore[attr-defined]  # reverse relation
        raise GroupError(f"Nom du groupe : « {clean} » existe déjà dans la partition « {partition.name} ».")
    groupe = Groupe.objects.create(partition=partition, name=clean)
    _structure(user, run, Action.CREATE, f"groupe/{groupe.pk}", None, {"partition": partition.name, "groupe": clean},
               f"Groupe « {partition.name} {clean} » créé")
    return groupe


@transaction.atomic
def rename_groupe(*, user: Any, groupe: Groupe, name: object) -> Groupe:
    partition = groupe.partition
    _writable(partition.semester)
    clean = clean_name(name, "Nom du groupe")
    if partition.groupes.filter(name=clean).exclude(pk=groupe.pk).exists():  # type: ignore[attr-defined]  # reverse relation
        raise GroupError(f"Nom du groupe : « {clean} » existe déjà dans la partition « {partition.name} ».")
    old = groupe.name
    groupe.name = clean
    groupe.save(update_fields=["name"])
    _structure(user, partition.semester, Action.UPDATE, f"groupe/{groupe.pk}",
               {"partition": partition.name, "groupe": old}, {"partition": partition.name, "groupe": clean},
               f"Groupe « {partition.name} {old} » renommé « {clean} »")
    return groupe


@transaction.atomic
def delete_groupe(*, user: Any, groupe: Groupe) -> int:
    """Deletes a group; its members are left in no group of its partition. Returns their number."""
    partition = groupe.partition
    _writable(partition.semester)
    members = sorted(groupe.memberships.values_list("enrolment__student_id", flat=True))  # type: ignore[attr-defined]  # reverse relation
    _structure(user, partition.semester, Action.DELETE, f"groupe/{groupe.pk}",
               {"partition": partition.name, "groupe": groupe.name, "etudiants": members}, None,
               f"Groupe « {partition.name} {groupe.name} » supprimé ({len(members)} membre(s))")
    groupe.delete()
    return len(members)


# --- members ----------------------------------------------------------------------------------------

def _place(enrolment: Enrolment, partition: Partition, groupe: Groupe | None) -> bool:
    """Puts ``enrolment`` in ``groupe`` (None: in no group of ``partition``); False when nothing changed."""
    current = GroupMembership.objects.filter(enrolment=enrolment, partition=partition).first()
    if groupe is None:
        if current is None:
            return False
        current.delete()
        return True
    if current is not None:
        if current.groupe_id == groupe.pk:
            return False
        current.groupe = groupe
        current.save(update_fields=["groupe"])
        return True
    GroupMembership.objects.create(enrolment=enrolment, partition=partition, groupe=groupe)
    return True


def _membership_entry(user: Any, enrolment: Enrolment, old: dict[str, str], reason: str = "") -> Any:
    run = enrolment.semester
    new = _groups_state(enrolment)
    return audit.entry(user=user, action=Action.UPDATE, object_type=ObjectType.ENROLMENT,
                       object_id=f"{enrolment.student_id}/{run.pk}", old={"groupes": old}, new={"groupes": new},
                       department_id=run.formation.department_id, semester_id=run.pk,
                       student_id=enrolment.student_id, summary=f"Groupes {run} : {enrolment.groupe or 'aucun'}",
                       reason=reason)


@transaction.atomic
def move_students(*, user: Any, partition: Partition, enrolment_ids: Iterable[object],
                  groupe: Groupe | None) -> int:
    """Moves the given enrolments of ``partition``'s semester into ``groupe`` (None: out of every group of
    the partition), all or nothing. Returns how many changed."""
    run = partition.semester
    _writable(run)
    if groupe is not None and groupe.partition_id != partition.pk:
        raise GroupError(f"Groupe : « {groupe.name} » n'est pas un groupe de la partition « {partition.name} ».")
    try:
        ids = sorted({int(str(i)) for i in enrolment_ids})
    except ValueError as exc:
        raise GroupError("Étudiants : la sélection contient une valeur qui n'est pas un identifiant.") from exc
    if not ids:
        raise GroupError("Étudiants : cochez au moins un étudiant à déplacer.")
    enrolments = list(Enrolment.objects.filter(semester=run, pk__in=ids).select_related("semester__formation"))
    if len(enrolments) != len(ids):
        raise GroupError(f"Étudiants : {len(ids) - len(enrolments)} étudiant(s) coché(s) ne sont pas inscrits "
                         f"en {run} : rechargez la page.")
    entries = []
    for enrolment in enrolments:
        old = _groups_state(enrolment)
        if _place(enrolment, partition, groupe):
            entries.append(_membership_entry(user, enrolment, old))
    audit.record_many(entries)
    return len(entries)


@transaction.atomic
def set_student_groups(*, user: Any, enrolment: Enrolment, choices: Mapping[str, object],
                       reason: str = "") -> bool:
    """One student's groups in one semester, from ``{partition id: group id or ""}`` (the student's page).
    A partition left out is not changed; "" takes the student out of its groups. True when something
    changed (one journal entry with the old and new groups)."""
    run = enrolment.semester
    _writable(run)
    partitions = {str(p.pk): p for p in run.partitions.all()}  # type: ignore[attr-defined]  # reverse relation
    old = _groups_state(enrolment)
    changed = False
    for key, raw in choices.items():
        partition = partitions.get(str(key))
        if partition is None:
            raise GroupError(f"Partition n° {key} : elle n'existe pas dans {run} ; rechargez la page.")
        value = str(raw or "").strip()
        groupe = None
        if value:
            groupe = Groupe.objects.filter(partition=partition, pk=int(value) if value.isdigit() else -1).first()
            if groupe is None:
                raise GroupError(f"Partition « {partition.name} » : groupe n° {value} inconnu ; rechargez la page.")
        changed |= _place(enrolment, partition, groupe)
    if changed:
        _membership_entry(user, enrolment, old, reason).save()
    return changed


def enrolments_by_nip(run: SemesterRun, text: str) -> list[int]:
    """The enrolment ids of the NIPs pasted in ``text`` (one per line, or separated by spaces, « , » or
    « ; »); GroupError naming the NIPs not enrolled in ``run``."""
    import re

    nips = list(dict.fromkeys(n for n in re.split(r"[\s,;]+", text or "") if n))
    if len(nips) > 5000:
        raise GroupError("Liste de NIP : 5 000 au plus.")
    found = dict(Enrolment.objects.filter(semester=run, student__nip__in=nips).values_list("student__nip", "pk"))
    missing = [n for n in nips if n not in found]
    if missing:
        shown = ", ".join(n[:20] for n in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise GroupError(f"Liste de NIP : {len(missing)} NIP non inscrit(s) en {run} ({shown}) : corrigez la liste.")
    return [found[n] for n in nips]


def ensure_groupe(run: SemesterRun, partition_name: str, groupe_name: str) -> tuple[Groupe, bool]:
    """The group ``partition_name``/``groupe_name`` of ``run``, created with its partition when missing
    (inside the caller's transaction; the caller records the creation). True when created."""
    partition, _ = Partition.objects.get_or_create(semester=run, name=partition_name,
                                                   defaults={"order": run.partitions.count() + 1})  # type: ignore[attr-defined]  # reverse relation
    try:
        groupe, created = Groupe.objects.get_or_create(partition=partition, name=groupe_name)
    except IntegrityError as exc:  # pragma: no cover - a concurrent creation of the same name
        raise GroupError(f"Groupe « {partition_name}:{groupe_name} » : créé en même temps ailleurs, recommencez.") from exc
    return groupe, created


def copy_groups(source: SemesterRun, target: SemesterRun, *, user: Any = None) -> int:
    """Gives ``target`` the partitions and group names of ``source`` (« copy last year »), without any
    member; those ``target`` already has are kept. Inside the caller's transaction; one journal entry.
    Returns the number of groups created."""
    created = []
    for partition in source.partitions.prefetch_related("groupes"):  # type: ignore[attr-defined]  # reverse relation
        for groupe in partition.groupes.all():
            made, new = ensure_groupe(target, partition.name, groupe.name)
            if new:
                created.append(f"{partition.name}:{made.name}")
    if created:
        _structure(user, target, Action.CREATE, f"groupes/{target.pk}", None, {"groupes": created, "depuis": source.pk},
                   f"{len(created)} groupe(s) copié(s) de {source}")
    return len(created)


def assign_text(enrolment: Enrolment, text: str) -> list[Groupe]:
    """Puts ``enrolment`` in the groups written as in the students import (« A », « TD:A, TP:A1 »),
    creating those missing (not journaled: the caller journals the enrolment). GroupError on a badly
    written text."""
    from delibe.imports.etudiants import parse_groupes

    try:
        pairs = parse_groupes(text)
    except ValueError as error:
        raise GroupError(f"Groupe : {error}") from None
    return [place(enrolment, g, p or DEFAULT_PARTITION) for p, g in pairs]


def place(enrolment: Enrolment, groupe_name: str, partition_name: str = DEFAULT_PARTITION) -> Groupe:
    """Puts ``enrolment`` in ``partition_name``/``groupe_name`` of its semester, creating both when missing;
    not journaled (the demo, the benchmarks and the tests' fixtures; the import journals its rows)."""
    groupe, _ = ensure_groupe(enrolment.semester, partition_name, groupe_name)
    _place(enrolment, groupe.partition, groupe)
    return groupe
