"""Reading partitions and groups (issue 13): the one place that turns ``?groupe=<id>`` into a group of a
semester, and filters enrolments or students by it. The grade grid, the roll call, the recap, the
statistics and the document batches all go through ``selected_groupe`` and ``in_groupe``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from delibe.web.models import Enrolment, Groupe, GroupMembership, Partition, SemesterRun, Student

MEMBERSHIPS = "group_memberships__groupe__partition"


def groupes_of(run: SemesterRun) -> list[Groupe]:
    """Every group of the semester, partition by partition (the choices of a group filter)."""
    return list(Groupe.objects.filter(partition__semester=run).select_related("partition"))


def selected_groupe(run: SemesterRun, raw: Any) -> Groupe | None:
    """The group asked for by a ``groupe`` query parameter: a group id of this semester. For links written
    before partitions existed, a group name that is unique in the semester is also understood. Anything
    else (another semester's group, an unknown name, nothing) is None: every student."""
    value = str(raw or "").strip()
    if not value:
        return None
    groups = Groupe.objects.filter(partition__semester=run).select_related("partition")
    if value.isdigit():
        found = groups.filter(pk=int(value)).first()
        if found is not None:
            return found
    named = list(groups.filter(name=value)[:2])
    return named[0] if len(named) == 1 else None


def in_groupe(enrolments: QuerySet[Enrolment], groupe: Groupe | None) -> QuerySet[Enrolment]:
    """``enrolments`` restricted to ``groupe``'s members (all of them when ``groupe`` is None)."""
    if groupe is None:
        return enrolments
    return enrolments.filter(group_memberships__groupe=groupe)


def member_ids(groupe: Groupe) -> set[int]:
    """The student ids of ``groupe``'s members."""
    return set(GroupMembership.objects.filter(groupe=groupe).values_list("enrolment__student_id", flat=True))


def students_of(run: SemesterRun, groupe: Groupe | None = None) -> QuerySet[Student]:
    """The students enrolled in ``run`` (in ``groupe`` when given), by name."""
    qs = Student.objects.filter(enrolments__semester=run)
    if groupe is not None:
        qs = qs.filter(enrolments__group_memberships__groupe=groupe)
    return qs.order_by("nom", "prenom", "pk").distinct()


def with_groups(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments with their groups read at once (``enrolment.groupe`` then costs no query)."""
    return enrolments.prefetch_related(MEMBERSHIPS)


def read_groups(enrolments: Iterable[Enrolment]) -> list[Enrolment]:
    """The enrolments, each with its groups attached (``enrolment.groupe`` and ``memberships_in_order``
    then cost no query), in two queries whatever their number: the groups of their semesters, then who is
    in which. ``with_groups``'s prefetch does the same for a queryset but clones a queryset per enrolment
    (a 600-student jury table: about 60 ms)."""
    enrolments = list(enrolments)
    semesters = {e.semester_id for e in enrolments}
    groupes = {g.pk: g for g in Groupe.objects.filter(partition__semester_id__in=semesters).select_related("partition")}
    wanted = {e.pk for e in enrolments}
    by_enrolment: dict[int, list[GroupMembership]] = defaultdict(list)
    for pk, enrolment_id, partition_id, groupe_id in GroupMembership.objects.filter(
        enrolment__semester_id__in=semesters
    ).values_list("pk", "enrolment_id", "partition_id", "groupe_id"):
        if enrolment_id in wanted:
            by_enrolment[enrolment_id].append(GroupMembership(pk=pk, enrolment_id=enrolment_id,
                                                              partition_id=partition_id, groupe=groupes[groupe_id]))
    for enrolment in enrolments:
        enrolment.__dict__["_memberships_read"] = tuple(sorted(by_enrolment.get(enrolment.pk, ()),
                                                               key=GroupMembership.order_key))
    return enrolments


@dataclass
class PartitionView:
    partition: Partition
    groupes: list[tuple[Groupe, list[Enrolment]]] = field(default_factory=list)
    sans_groupe: list[Enrolment] = field(default_factory=list)
    rows: list[tuple[Enrolment, Groupe | None]] = field(default_factory=list)  # every student, by name


@dataclass
class GroupsEditor:
    partitions: list[PartitionView]
    enrolments: list[Enrolment]  # every enrolment of the semester, by name


def groups_editor(run: SemesterRun) -> GroupsEditor:
    """What the group editor shows: each partition with its groups and their members, and who is in none."""
    enrolments = list(with_groups(run.enrolments.select_related("student"))  # type: ignore[attr-defined]  # reverse relation
                      .order_by("student__nom", "student__prenom", "pk"))
    partitions = list(run.partitions.prefetch_related(Prefetch("groupes", Groupe.objects.order_by("name", "pk"))))  # type: ignore[attr-defined]  # reverse relation
    views = []
    for partition in partitions:
        by_group: dict[int, list[Enrolment]] = {g.pk: [] for g in partition.groupes.all()}
        view = PartitionView(partition)
        for e in enrolments:
            m = next((m for m in e.group_memberships.all() if m.partition_id == partition.pk), None)
            view.rows.append((e, m.groupe if m is not None else None))
            if m is None:
                view.sans_groupe.append(e)
            else:
                by_group.setdefault(m.groupe_id, []).append(e)
        view.groupes = [(g, by_group[g.pk]) for g in partition.groupes.all()]
        views.append(view)
    return GroupsEditor(views, enrolments)


def student_groups(enrolment: Enrolment) -> list[tuple[Partition, Groupe | None, list[Groupe]]]:
    """For one enrolment: each partition of its semester, the student's group in it, and the choices."""
    current = {m.partition_id: m.groupe for m in enrolment.group_memberships.select_related("groupe")}
    out = []
    for partition in enrolment.semester.partitions.prefetch_related("groupes"):  # type: ignore[attr-defined]  # reverse relation
        out.append((partition, current.get(partition.pk), list(partition.groupes.all())))
    return out
