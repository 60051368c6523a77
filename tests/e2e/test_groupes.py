"""The group editor in the browser (issue 13): the scolarité creates a partition « TD » and its groups with
the keyboard only, moves both students into TD A by ticking them, renames a group, changes one student's
group from their page; every page passes axe, at 1366 and 320 pixels."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_scolarite_builds_partitions_and_moves_students_with_the_keyboard(world, open_as, axe):
    from delibe.web.models import Enrolment, Groupe, Partition

    page = open_as("scolarite")
    page.goto(f"/semestres/{world.s1.pk}/")
    page.locator("#lien-groupes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partitions et groupes")
    assert axe(page) == []

    # a partition, by keyboard: type the name, Enter submits
    page.get_by_label("Nom de la partition (TD, TP, langue…)").fill("TD")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Partition « TD » créée.")
    td = Partition.objects.get(semester=world.s1, name="TD")
    for name in ("A", "B"):
        page.get_by_label("Nouveau groupe dans TD").fill(name)
        page.keyboard.press("Enter")
        expect(page.get_by_role("status").first).to_contain_text(f"Groupe « {name} » créé dans « TD ».")

    # tick both students with the space bar, choose the group, submit
    form = page.locator(f"#deplacer-{td.pk}")
    for student in (world.alice, world.bruno):
        box = form.get_by_label(str(student))
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    form.get_by_label("Déplacer les étudiants cochés vers").select_option(label="A")
    form.get_by_role("button", name="Déplacer").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("2 étudiant(s) déplacé(s) vers « A » (TD).")
    a = Groupe.objects.get(partition=td, name="A")
    assert a.memberships.count() == 2
    expect(page.locator(f"#groupe-{a.pk} td.num")).to_have_text("2")
    assert axe(page) == []

    page.get_by_label("Nouveau nom du groupe B").fill("B1")
    page.get_by_role("button", name="Renommer B").click()
    expect(page.get_by_role("status").first).to_contain_text("Groupe renommé « B1 ».")

    page.set_viewport_size({"width": 320, "height": 800})
    assert axe(page) == []
    page.set_viewport_size({"width": 1366, "height": 900})

    # one student's group from their page
    page.goto(f"/etudiants/{world.bruno.pk}/")
    s1 = page.locator(f"#groupes-{world.s1.pk}")
    s1.get_by_label("Groupe de la partition TD").select_option(label="B1")
    s1.get_by_label("Motif (facultatif, gardé au journal)").fill("changement de TD")
    s1.get_by_role("button", name="Changer de groupe").click()
    expect(page.get_by_role("status").first).to_contain_text("A, B1")
    assert axe(page) == []
    bruno = Enrolment.objects.get(student=world.bruno, semester=world.s1)
    assert bruno.groupe == "A, B1"
