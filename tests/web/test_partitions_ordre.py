"""Reordering the partitions of a semester (issue 13): one place up or down, with buttons reachable by
keyboard, journaled; a locked semester refuses; the permission matrix of the action."""

from __future__ import annotations

import pytest

from delibe.web.audit.models import AuditEntry
from delibe.web.models import Partition, SemesterRun
from delibe.web.services import groupes as service


def _three(world):
    first = Partition.objects.get(semester=world.s1)  # « Groupes », from the fixture
    return first, service.create_partition(user=None, run=world.s1, name="TD"), \
        service.create_partition(user=None, run=world.s1, name="TP")


def _names(world):
    return list(Partition.objects.filter(semester=world.s1).order_by("order", "name", "id").values_list("name", flat=True))


def test_a_partition_moves_one_place_up_or_down_and_the_move_is_journaled(world):
    groupes, _td, tp = _three(world)
    assert service.move_partition(user=world.users["scolarite"], partition=tp, direction="haut")
    assert _names(world) == ["Groupes", "TP", "TD"]
    entry = AuditEntry.objects.filter(object_id=f"partition/{tp.pk}").latest("id")
    assert entry.old == {"ordre": ["Groupes", "TD", "TP"]} and entry.new == {"ordre": ["Groupes", "TP", "TD"]}
    assert service.move_partition(user=None, partition=Partition.objects.get(pk=groupes.pk), direction="bas")
    assert _names(world) == ["TP", "Groupes", "TD"]


def test_the_first_partition_does_not_go_up_and_nothing_is_journaled(world):
    groupes, *_ = _three(world)
    before = AuditEntry.objects.count()
    assert not service.move_partition(user=None, partition=groupes, direction="haut")
    assert AuditEntry.objects.count() == before


def test_a_locked_semester_keeps_its_order(world):
    _, _, tp = _three(world)
    SemesterRun.objects.filter(pk=world.s1.pk).update(locked=True)
    with pytest.raises(service.GroupError, match="verrouillé"):
        service.move_partition(user=None, partition=Partition.objects.select_related("semester").get(pk=tp.pk),
                               direction="haut")
    assert _names(world) == ["Groupes", "TD", "TP"]


def test_the_editor_shows_keyboard_buttons_and_moves_on_post(world, login):
    groupes, _td, tp = _three(world)
    client = login("responsable")
    page = client.get(f"/semestres/{world.s1.pk}/groupes/").content.decode()
    assert f'id="monter-partition-{tp.pk}"' in page and f'id="descendre-partition-{tp.pk}"' not in page
    assert f'id="monter-partition-{groupes.pk}"' not in page and "<button" in page
    response = client.post(f"/semestres/{world.s1.pk}/groupes/", {"action": "monter-partition", "partition": tp.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#partition-{tp.pk}")
    assert _names(world) == ["Groupes", "TP", "TD"]
    bad = client.post(f"/semestres/{world.s1.pk}/groupes/", {"action": "monter-partition", "partition": "x"})
    assert bad.status_code == 404


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 302), ("scolarite", 302), ("responsable", 302), ("enseignant", 403), ("president", 403),
    ("etudiant", 404), ("autre", 404), ("anonyme", 302),
])
def test_who_may_reorder_partitions(world, login, role, status):
    _, _, tp = _three(world)
    response = login(role).post(f"/semestres/{world.s1.pk}/groupes/", {"action": "monter-partition", "partition": tp.pk})
    assert response.status_code == status
    moved = role in ("admin", "scolarite", "responsable")
    assert _names(world) == (["Groupes", "TP", "TD"] if moved else ["Groupes", "TD", "TP"])
